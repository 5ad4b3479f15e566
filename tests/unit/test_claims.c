/*
 * claims: a verified Supabase access token's payload -> the user, per the
 * SPEC's "Checking the Supabase token". Payload shapes follow Supabase's
 * "JWT Claims Reference" (supabase.com/docs/guides/auth/jwt-fields).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>


#include "auth/claims.h"
#include "check.h"
#include "jsonparse.h"

#define NOW	1767225600L	/* 2026-01-01T00:00:00Z */
#define UID	"8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60"
#define ISSUER	"https://abcdefghijklmnop.supabase.co/auth/v1"

static struct claims_rules	 rules;
static struct user		 user;

static void
rules_reset(void)
{
	memset(&rules, 0, sizeof(rules));
	rules.now = NOW;
	rules.leeway = 30;
	rules.issuer = NULL;
	rules.allow_anonymous = false;
	rules.default_role = ROLE_VIEWER;
}

/* Check the payload text (printf format); JWT_ERR__MAX if it is not JSON. */
static enum jwt_err
check(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static enum jwt_err
check(const char *fmt, ...)
{
	struct json_doc		 doc;
	char			 text[4096];
	va_list			 ap;
	enum jwt_err		 e;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	memset(&user, 0x5a, sizeof(user));
	if (json_parse(&doc, text, strlen(text)) == -1) {
		fprintf(stderr, "test payload is not JSON: %s\n", text);
		return JWT_ERR__MAX;
	}
	e = claims_check(doc.root, &rules, &user);
	json_doc_free(&doc);
	return e;
}

/* The members every user token has, with exp given. */
#define BASE	"\"sub\":\"" UID "\",\"role\":\"authenticated\"," \
		"\"aud\":\"authenticated\""

static void
test_valid(void)
{
	rules_reset();
	rules.issuer = ISSUER;
	/* A real access token's shape (Supabase JWT Claims Reference). */
	CHECK(check("{\"aud\":\"authenticated\",\"exp\":%ld,\"iat\":%ld,"
	    "\"iss\":\"" ISSUER "\",\"sub\":\"" UID "\","
	    "\"email\":\"ada@example.com\",\"phone\":\"\","
	    "\"app_metadata\":{\"provider\":\"email\",\"providers\":"
	    "[\"email\"],\"role\":\"judge\"},"
	    "\"user_metadata\":{\"full_name\":\"Ada Lovelace\"},"
	    "\"role\":\"authenticated\",\"aal\":\"aal1\","
	    "\"amr\":[{\"method\":\"password\",\"timestamp\":%ld}],"
	    "\"session_id\":\"c0ffee00-0000-4000-8000-000000000000\","
	    "\"is_anonymous\":false}", NOW + 3600, NOW - 5, NOW - 5)
	    == JWT_OK);
	CHECK_STR(user.id, UID);
	CHECK(user.role == ROLE_JUDGE);
	CHECK(user.has_name);
	CHECK_STR(user.name, "Ada Lovelace");

	rules_reset();
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW + 1) == JWT_OK);
	CHECK(user.role == ROLE_VIEWER);
}

/*
 * Regression: user_metadata is the user's to write, and GoTrue writes an
 * integer in [2^63, 1e21) without an exponent. The parser refused the
 * whole payload for it; now it is a JSON_REAL there, which decides
 * nothing, while a time claim of that value is still refused.
 */
static void
test_big_integer_literals(void)
{
	enum jwt_err	 e;

	rules_reset();
	e = check("{" BASE ",\"exp\":%ld,\"iat\":%ld,\"user_metadata\":"
	    "{\"full_name\":\"Ada\",\"n\":12345678901234567000}}",
	    NOW + 3600, NOW - 5);
	CHECK(e == JWT_OK);
	if (e == JWT_OK) {
		CHECK(user.has_name);
		CHECK_STR(user.name, "Ada");
	}
	CHECK(check("{" BASE ",\"exp\":12345678901234567000}") ==
	    JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":-12345678901234567000}") ==
	    JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":12345678901234567000}",
	    NOW + 3600) == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":9223372036854775808}",
	    NOW + 3600) == JWT_ERR_CLAIM);
}

/*
 * Regression: user_metadata nested 15 deep (17 with the payload and
 * user_metadata itself) was past the parser's depth bound of 16, and the
 * user's own token was refused whole.
 */
static void
test_deep_user_metadata(void)
{
	char	 meta[512];
	size_t	 at = 0;
	int	 i;

	for (i = 0; i < 30; i++)
		at += (size_t)snprintf(meta + at, sizeof(meta) - at, "{\"a\":");
	at += (size_t)snprintf(meta + at, sizeof(meta) - at, "1");
	for (i = 0; i < 30; i++)
		meta[at++] = '}';
	meta[at] = '\0';
	rules_reset();
	CHECK(check("{" BASE ",\"exp\":%ld,\"user_metadata\":%s}",
	    NOW + 3600, meta) == JWT_OK);
}

/* exp is required and a whole number of seconds (RFC 7519 2, 4.1.4). */
static void
test_exp(void)
{
	rules_reset();
	/* Missing: libjwt's default let it pass; we fail closed (STYLE 7). */
	CHECK(check("{" BASE "}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":\"%ld\"}", NOW + 3600) == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld.5}", NOW + 3600) == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":1.8e9}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":-1}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":null}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":true}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":[%ld]}", NOW + 3600) == JWT_ERR_CLAIM);
	/* Huge: exp + leeway must not wrap into the past or the future. */
	CHECK(check("{" BASE ",\"exp\":9223372036854775807}") == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":99999999999999}") == JWT_ERR_CLAIM);

	/* Expiry with the leeway (default 30 s, SPEC JWT_LEEWAY_SECONDS). */
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW) == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 1) == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 29) == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 31) == JWT_ERR_EXPIRED);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 86400) == JWT_ERR_EXPIRED);
	CHECK(check("{" BASE ",\"exp\":0}") == JWT_ERR_EXPIRED);
	rules.leeway = 0;
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 1) == JWT_ERR_EXPIRED);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW + 1) == JWT_OK);
}

/*
 * Regression (issue 10): claims.c accepted now == exp + leeway, but RFC
 * 7519 4.1.4 requires the current time to be *before* exp: the second
 * named by exp is already past the token's life.
 */
static void
test_exp_boundary_is_expired(void)
{
	rules_reset();
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 30) == JWT_ERR_EXPIRED);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW - 29) == JWT_OK);
	rules.leeway = 0;
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW) == JWT_ERR_EXPIRED);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW + 1) == JWT_OK);
	rules_reset();
}

static void
test_nbf_iat(void)
{
	rules_reset();
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":%ld}", NOW + 3600, NOW + 30)
	    == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":%ld}", NOW + 3600, NOW + 31)
	    == JWT_ERR_NOT_YET_VALID);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":%ld}", NOW + 3600, NOW + 30)
	    == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":%ld}", NOW + 3600, NOW + 31)
	    == JWT_ERR_NOT_YET_VALID);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":%ld}", NOW + 7200, NOW + 3600)
	    == JWT_ERR_NOT_YET_VALID);
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":0,\"iat\":0}", NOW + 3600)
	    == JWT_OK);
	/* Present but malformed: refused, never skipped. */
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":\"0\"}", NOW + 3600)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":%ld.0}", NOW + 3600, NOW)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iat\":-5}", NOW + 3600)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"nbf\":null}", NOW + 3600)
	    == JWT_ERR_CLAIM);
}

/* aud is "authenticated" or an array containing it (RFC 7519 4.1.3). */
static void
test_audience(void)
{
	rules_reset();
#define NOAUD	"\"sub\":\"" UID "\",\"role\":\"authenticated\""
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":\"authenticated\"}",
	    NOW + 60) == JWT_OK);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":[\"authenticated\"]}",
	    NOW + 60) == JWT_OK);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":[\"other\",1,null,"
	    "\"authenticated\"]}", NOW + 60) == JWT_OK);
	CHECK(check("{" NOAUD ",\"exp\":%ld}", NOW + 60) == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":\"anon\"}", NOW + 60)
	    == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":\"Authenticated\"}",
	    NOW + 60) == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":\"authenticated \"}",
	    NOW + 60) == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":[]}", NOW + 60)
	    == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":[\"x\",\"y\"]}", NOW + 60)
	    == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":[[\"authenticated\"]]}",
	    NOW + 60) == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":null}", NOW + 60)
	    == JWT_ERR_AUDIENCE);
	CHECK(check("{" NOAUD ",\"exp\":%ld,\"aud\":1}", NOW + 60)
	    == JWT_ERR_AUDIENCE);
#undef NOAUD
}

/*
 * The project's anon and service_role API keys are JWTs signed with the
 * same secret (Supabase "API keys" docs); they are not user tokens. Their
 * payloads, as Supabase issues them: {"iss":"supabase","ref":...,
 * "role":"anon","iat":...,"exp":...}.
 */
static void
test_api_keys(void)
{
	rules_reset();
	CHECK(check("{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnop\","
	    "\"role\":\"anon\",\"iat\":%ld,\"exp\":%ld}", NOW - 100,
	    NOW + 315360000) == JWT_ERR_NOT_USER);
	CHECK(check("{\"iss\":\"supabase\",\"ref\":\"abcdefghijklmnop\","
	    "\"role\":\"service_role\",\"iat\":%ld,\"exp\":%ld}", NOW - 100,
	    NOW + 315360000) == JWT_ERR_NOT_USER);
	/* Even dressed up with a user's claims. */
	CHECK(check("{\"sub\":\"" UID "\",\"aud\":\"authenticated\","
	    "\"role\":\"service_role\",\"exp\":%ld}", NOW + 60)
	    == JWT_ERR_NOT_USER);
	CHECK(check("{\"sub\":\"" UID "\",\"aud\":\"authenticated\","
	    "\"exp\":%ld}", NOW + 60) == JWT_ERR_NOT_USER);
	CHECK(check("{\"sub\":\"" UID "\",\"aud\":\"authenticated\","
	    "\"role\":\"Authenticated\",\"exp\":%ld}", NOW + 60)
	    == JWT_ERR_NOT_USER);
	CHECK(check("{\"sub\":\"" UID "\",\"aud\":\"authenticated\","
	    "\"role\":[\"authenticated\"],\"exp\":%ld}", NOW + 60)
	    == JWT_ERR_NOT_USER);
}

/* iss equals <SUPABASE_URL>/auth/v1 when SUPABASE_URL is set (SPEC). */
static void
test_issuer(void)
{
	rules_reset();
	rules.issuer = ISSUER;
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":\"" ISSUER "\"}", NOW + 60)
	    == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld}", NOW + 60) == JWT_ERR_ISSUER);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":\"" ISSUER "/\"}", NOW + 60)
	    == JWT_ERR_ISSUER);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":\"https://other.supabase.co"
	    "/auth/v1\"}", NOW + 60) == JWT_ERR_ISSUER);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":\"supabase\"}", NOW + 60)
	    == JWT_ERR_ISSUER);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":null}", NOW + 60)
	    == JWT_ERR_ISSUER);
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":[\"" ISSUER "\"]}", NOW + 60)
	    == JWT_ERR_ISSUER);
	/* Without an issuer rule, any iss passes. */
	rules.issuer = NULL;
	CHECK(check("{" BASE ",\"exp\":%ld,\"iss\":\"whoever\"}", NOW + 60)
	    == JWT_OK);
}

static void
test_sub(void)
{
	char	 long_id[USER_ID_MAX + 2];

	rules_reset();
#define NOSUB	"\"role\":\"authenticated\",\"aud\":\"authenticated\""
	CHECK(check("{" NOSUB ",\"exp\":%ld}", NOW + 60) == JWT_ERR_CLAIM);
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"\"}", NOW + 60)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":null}", NOW + 60)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":42}", NOW + 60)
	    == JWT_ERR_CLAIM);
	/* The LiveKit identity, and in logs: printable ASCII only. */
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"a b\"}", NOW + 60)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"a\\nb\"}", NOW + 60)
	    == JWT_ERR_CLAIM);
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"\\u00e9\"}", NOW + 60)
	    == JWT_ERR_CLAIM);
	memset(long_id, 'a', USER_ID_MAX);
	long_id[USER_ID_MAX] = '\0';
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"%s\"}", NOW + 60, long_id)
	    == JWT_OK);
	CHECK(strlen(user.id) == USER_ID_MAX);
	long_id[USER_ID_MAX] = 'a';
	long_id[USER_ID_MAX + 1] = '\0';
	CHECK(check("{" NOSUB ",\"exp\":%ld,\"sub\":\"%s\"}", NOW + 60, long_id)
	    == JWT_ERR_CLAIM);
#undef NOSUB
}

/* is_anonymous: true is refused unless ALLOW_ANONYMOUS=1 (SPEC). */
static void
test_anonymous(void)
{
	rules_reset();
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":true}", NOW + 60)
	    == JWT_ERR_ANONYMOUS);
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":false}", NOW + 60)
	    == JWT_OK);
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":\"true\"}",
	    NOW + 60) == JWT_ERR_CLAIM);
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":1}", NOW + 60)
	    == JWT_ERR_CLAIM);
	rules.allow_anonymous = true;
	rules.default_role = ROLE_CONTESTANT;
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":true}", NOW + 60)
	    == JWT_OK);
	/* Anonymous users follow the same role rule (SPEC). */
	CHECK(user.role == ROLE_CONTESTANT);
	CHECK(check("{" BASE ",\"exp\":%ld,\"is_anonymous\":true,"
	    "\"app_metadata\":{\"role\":\"judge\"}}", NOW + 60) == JWT_OK);
	CHECK(user.role == ROLE_JUDGE);
}

static enum role
role_of(const char *members)
{
	if (check("{" BASE ",\"exp\":%ld%s}", NOW + 60, members) != JWT_OK)
		return ROLE__MAX;
	return user.role;
}

static void
test_role(void)
{
	rules_reset();
	rules.default_role = ROLE_CONTESTANT;	/* to tell it from viewer */
	CHECK(role_of(",\"app_metadata\":{\"role\":\"judge\"}") == ROLE_JUDGE);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"host\"}") == ROLE_HOST);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"performer\"}")
	    == ROLE_PERFORMER);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"contestant\"}")
	    == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"viewer\"}") == ROLE_VIEWER);
	/* Unknown: viewer, the least power, whatever DEFAULT_ROLE says. */
	CHECK(role_of(",\"app_metadata\":{\"role\":\"superuser\"}")
	    == ROLE_VIEWER);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"Host\"}") == ROLE_VIEWER);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"\"}") == ROLE_VIEWER);
	CHECK(role_of(",\"app_metadata\":{\"role\":4}") == ROLE_VIEWER);
	CHECK(role_of(",\"app_metadata\":{\"role\":[\"host\"]}") == ROLE_VIEWER);
	/* Missing: DEFAULT_ROLE. */
	CHECK(role_of("") == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":{}") == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":{\"provider\":\"email\"}")
	    == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":{\"role\":null}") == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":null") == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":\"host\"") == ROLE_CONTESTANT);
	/* The token's top-level role is Postgres's, not ours. */
	CHECK(role_of(",\"app_role\":\"host\"") == ROLE_CONTESTANT);
	rules.default_role = ROLE_VIEWER;
	CHECK(role_of("") == ROLE_VIEWER);
}

/*
 * Privilege escalation regression (CWE-269, CWE-639): user_metadata is
 * writable by the user themself (supabase.auth.updateUser({data:
 * {role: "host"}})), so it must never decide a permission. Supabase's
 * docs: "do not use user_metadata for authorization"; the role comes only
 * from app_metadata, which only the server can write.
 */
static void
test_user_metadata_never_grants(void)
{
	rules_reset();
	CHECK(role_of(",\"user_metadata\":{\"role\":\"host\"}") == ROLE_VIEWER);
	rules.default_role = ROLE_CONTESTANT;
	CHECK(role_of(",\"user_metadata\":{\"role\":\"host\"}")
	    == ROLE_CONTESTANT);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"viewer\"},"
	    "\"user_metadata\":{\"role\":\"host\"}") == ROLE_VIEWER);
	CHECK(role_of(",\"app_metadata\":{\"role\":\"contestant\"},"
	    "\"user_metadata\":{\"role\":\"judge\",\"app_metadata\":"
	    "{\"role\":\"host\"}}") == ROLE_CONTESTANT);
	/* An unknown app role does not fall back to user_metadata either. */
	CHECK(role_of(",\"app_metadata\":{\"role\":\"nope\"},"
	    "\"user_metadata\":{\"role\":\"host\"}") == ROLE_VIEWER);
}

static const char *
name_of(const char *members)
{
	rules_reset();
	if (check("{" BASE ",\"exp\":%ld%s}", NOW + 60, members) != JWT_OK ||
	    !user.has_name)
		return "(none)";
	return user.name;
}

/* SPEC: full_name, else name, else the email's local part, else the id. */
static void
test_display_name(void)
{
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":\"Ada Lovelace\","
	    "\"name\":\"ada\"},\"email\":\"al@example.com\""), "Ada Lovelace");
	CHECK_STR(name_of(",\"user_metadata\":{\"name\":\"ada\"},"
	    "\"email\":\"al@example.com\""), "ada");
	CHECK_STR(name_of(",\"email\":\"al@example.com\""), "al");
	CHECK_STR(name_of(",\"user_metadata\":{},\"email\":\"a.l+x@example.com\""),
	    "a.l+x");
	CHECK_STR(name_of(""), UID);
	/* Trimmed like a userName. */
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":\"  Ada  \"}"),
	    "Ada");
	/* Unusable candidates are skipped, not fatal. */
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":\"\","
	    "\"name\":\"ada\"}"), "ada");
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":\"a\\nb\","
	    "\"name\":\"   \"},\"email\":\"al@example.com\""), "al");
	/* Regression (issue 10): an invisible full_name is no name. */
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":"
	    "\"\\u200b\\u3164\\ufeff\"},\"email\":\"al@example.com\""), "al");
	CHECK_STR(name_of(",\"user_metadata\":{\"full_name\":42,"
	    "\"name\":null}"), UID);
	CHECK_STR(name_of(",\"user_metadata\":\"Ada\",\"email\":\"al@x.io\""),
	    "al");
	CHECK_STR(name_of(",\"email\":\"no-at-sign\""), UID);
	CHECK_STR(name_of(",\"email\":\"@example.com\""), UID);
	CHECK_STR(name_of(",\"email\":\"\""), UID);
	CHECK_STR(name_of(",\"email\":\"\",\"phone\":\"+15551234567\""), UID);
	/* An over-long full_name (129 characters) falls through to name. */
	{
		char	 m[400];
		size_t	 at;

		at = (size_t)snprintf(m, sizeof(m),
		    ",\"user_metadata\":{\"full_name\":\"");
		memset(m + at, 'x', 129);
		snprintf(m + at + 129, sizeof(m) - at - 129,
		    "\",\"name\":\"short\"}");
		CHECK_STR(name_of(m), "short");
	}
}

int
main(void)
{
	test_valid();
	test_exp();
	test_big_integer_literals();
	test_deep_user_metadata();
	test_exp_boundary_is_expired();
	test_nbf_iat();
	test_audience();
	test_api_keys();
	test_issuer();
	test_sub();
	test_anonymous();
	test_role();
	test_user_metadata_never_grants();
	test_display_name();
	return CHECK_DONE();
}

/*
 * jwt + jwt_verify: JWS compact tokens taken apart (RFC 7515 section 7.1)
 * and their HS256 signatures checked (RFC 7518 section 3.2). Tokens are
 * built here: header and payload JSON, base64url, and hs256_mac.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "auth/hs256.h"
#include "auth/jwt.h"
#include "auth/jwt_verify.h"
#include "auth/keys.h"
#include "check.h"
#include "token/jwt_sign.h"

/* The Supabase CLI's local development secret (supabase/cli, config.toml). */
static const char	 secret[] =
    "super-secret-jwt-token-with-at-least-32-characters-long";

static struct hs256_key	 key, other_key;
static struct keyset	 ks;

#define HDR	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define PAYLOAD	"{\"sub\":\"8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60\"," \
		"\"role\":\"authenticated\",\"aud\":\"authenticated\"," \
		"\"exp\":1767229200}"

/* base64url of n bytes, appended to buf at *at. */
static void
put_b64(char *buf, size_t cap, size_t *at, const void *in, size_t n)
{
	*at += b64url_encode(buf + *at, cap - *at, in, n);
}

/*
 * A token "b64(header).b64(payload).b64(sig)" where sig is the HS256 MAC
 * under k, or the siglen bytes of sig when k is NULL. malloc'd.
 */
static char *
token_raw(const char *header, const char *payload, const struct hs256_key *k,
    const unsigned char *sig, size_t siglen)
{
	unsigned char	 tag[HS256_TAG_LEN];
	size_t		 hl = strlen(header), pl = strlen(payload), cap, at = 0;
	char		*t;

	cap = B64URL_ENCODED_SIZE(hl) + B64URL_ENCODED_SIZE(pl) +
	    B64URL_ENCODED_SIZE(siglen > HS256_TAG_LEN ? siglen :
	    HS256_TAG_LEN) + 2;
	if ((t = malloc(cap)) == NULL)
		abort();
	put_b64(t, cap, &at, header, hl);
	t[at++] = '.';
	put_b64(t, cap, &at, payload, pl);
	if (k != NULL) {
		hs256_mac(k, t, at, tag);
		sig = tag;
		siglen = sizeof(tag);
	}
	t[at++] = '.';
	put_b64(t, cap, &at, sig, siglen);
	t[at] = '\0';
	return t;
}

static char *
token(const char *header, const char *payload)
{
	return token_raw(header, payload, &key, NULL, 0);
}

/* jwt_parse of a NUL-terminated token; the parsed token is freed. */
static enum jwt_err
parse_s(const char *t)
{
	struct jwt	 j;
	enum jwt_err	 e;

	e = jwt_parse(t, strlen(t), &j);
	if (e == JWT_OK)
		jwt_free(&j);
	return e;
}

/* Parse, then verify against ks. */
static enum jwt_err
verify_s(const char *t, const struct keyset *keys)
{
	struct jwt	 j;
	enum jwt_err	 e;

	if ((e = jwt_parse(t, strlen(t), &j)) != JWT_OK)
		return e;
	e = jwt_verify(&j, keys);
	jwt_free(&j);
	return e;
}

/* Build with our key, parse (and verify when verify), free. */
static enum jwt_err
run(const char *header, const char *payload, int verify)
{
	char		*t = token(header, payload);
	enum jwt_err	 e;

	e = verify ? verify_s(t, &ks) : parse_s(t);
	free(t);
	return e;
}

static void
test_valid(void)
{
	struct jwt		 j;
	char			*t;
	size_t			 len;

	t = token(HDR, PAYLOAD);
	len = strlen(t);
	CHECK(jwt_parse(t, len, &j) == JWT_OK);
	CHECK(j.alg == JWT_ALG_HS256);
	CHECK(!j.has_kid);
	CHECK(j.sig_len == HS256_TAG_LEN);
	CHECK(j.signing_input == t);
	CHECK(j.signing_input_len == (size_t)(strrchr(t, '.') - t));
	CHECK(j.payload != NULL &&
	    json_string(json_member(j.payload, "sub")) != NULL &&
	    strcmp(json_string(json_member(j.payload, "sub")),
	    "8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60") == 0);
	CHECK(jwt_verify(&j, &ks) == JWT_OK);
	jwt_free(&j);
	CHECK(j.payload == NULL);
	free(t);

	/* The token need not be NUL-terminated: only len bytes are read. */
	t = token(HDR, PAYLOAD);
	len = strlen(t);
	t = realloc(t, len + 8);
	memcpy(t + len, ".xxxxxx", 8);
	CHECK(jwt_parse(t, len, &j) == JWT_OK);
	CHECK(jwt_verify(&j, &ks) == JWT_OK);
	jwt_free(&j);
	free(t);

	/* jwt_sign_hs256 (what we give LiveKit) makes tokens we accept. */
	t = jwt_sign_hs256(&key, PAYLOAD, strlen(PAYLOAD));
	CHECK(t != NULL && verify_s(t, &ks) == JWT_OK);
	free(t);

	/* typ is optional (RFC 7515 4.1.9), and case-insensitive. */
	CHECK(run("{\"alg\":\"HS256\"}", PAYLOAD, 1) == JWT_OK);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":\"jwt\"}", PAYLOAD, 1) == JWT_OK);
	/* A kid with the harmless alphabet; the unnamed secret answers it. */
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"key-1_A.b\"}", PAYLOAD, 1)
	    == JWT_OK);
	/* Unknown header members that are not key references are fine. */
	CHECK(run("{\"alg\":\"HS256\",\"cty\":\"x\",\"foo\":[1]}", PAYLOAD, 1)
	    == JWT_OK);
}

/*
 * Regression: a genuine token whose user_metadata holds an integer past
 * int64 (GoTrue writes 12345678901234567000 so) was refused as bad_json.
 * It parses and verifies; what its numbers mean is for claims.c.
 */
static void
test_big_integer_in_metadata(void)
{
	static const char	 payload[] =
	    "{\"sub\":\"8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60\","
	    "\"role\":\"authenticated\",\"aud\":\"authenticated\","
	    "\"exp\":1767229200,\"user_metadata\":{\"n\":"
	    "12345678901234567000,\"m\":-9223372036854775809}}";

	CHECK(run(HDR, payload, 0) == JWT_OK);
	CHECK(run(HDR, payload, 1) == JWT_OK);
}

static void
test_kid(void)
{
	struct jwt	 j;
	char		*t, hdr[512], kid[200];

	t = token("{\"alg\":\"HS256\",\"kid\":\"key-1_A.b\"}", PAYLOAD);
	CHECK(jwt_parse(t, strlen(t), &j) == JWT_OK);
	CHECK(j.has_kid);
	CHECK_STR(j.kid, "key-1_A.b");
	jwt_free(&j);
	free(t);

	/* JWT_KID_MAX characters, then one more. */
	memset(kid, 'k', JWT_KID_MAX);
	kid[JWT_KID_MAX] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
	t = token(hdr, PAYLOAD);
	CHECK(jwt_parse(t, strlen(t), &j) == JWT_OK);
	CHECK(j.has_kid && strlen(j.kid) == JWT_KID_MAX);
	jwt_free(&j);
	free(t);
	memset(kid, 'k', JWT_KID_MAX + 1);
	kid[JWT_KID_MAX + 1] = '\0';
	snprintf(hdr, sizeof(hdr), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
	CHECK(run(hdr, PAYLOAD, 0) == JWT_ERR_HEADER);

	/*
	 * kid injection: a kid used as a file path (path traversal to
	 * /dev/null, a known empty "key") or in an SQL query must never
	 * pass (CWE-22, CWE-89; the "kid" attacks of PortSwigger's JWT labs).
	 */
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"../../../../dev/null\"}",
	    PAYLOAD, 0) == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"..\\/keys\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"x' UNION SELECT 'k\"}",
	    PAYLOAD, 0) == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"'\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"a b\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"k\\n\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"\\u00e9\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":42}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":null}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"kid\":[\"a\"]}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	/* The same rule for JWKS kids (jwt.h: jwt_kid_valid). */
	CHECK(jwt_kid_valid("key-1_A.b", 9) == 1);
	CHECK(jwt_kid_valid("", 0) == 0);
	CHECK(jwt_kid_valid("../x", 4) == 0);
	CHECK(jwt_kid_valid("a/b", 3) == 0);
	CHECK(jwt_kid_valid("a\0b", 3) == 0);
	CHECK(jwt_kid_valid(kid, JWT_KID_MAX) == 1);
	CHECK(jwt_kid_valid(kid, JWT_KID_MAX + 1) == 0);
	/* kid "a\0b" would compare equal to "a" in C. */
	CHECK(run("{\"alg\":\"HS256\",\"kid\":\"a\\u0000b\"}", PAYLOAD, 0)
	    == JWT_ERR_JSON);
}

/* RFC 7515 appendix A.1: the HS256 example, with its JWK "k". */
static void
test_rfc7515_a1(void)
{
	static const char	 tok[] =
	    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
	    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	static const char	 k[] =
	    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0"
	    "iPS4hcgUuTwjAzZr1Z9CAow";
	unsigned char		 kb[64];
	size_t			 kl = 0;
	struct keyset		 a1 = { NULL, 0 };
	const struct json_value	*v;
	struct jwt		 j;

	CHECK(b64url_decode(kb, sizeof(kb), &kl, k, strlen(k)) == 0);
	CHECK(kl == 64);
	CHECK(keyset_add_hs256(&a1, kb, kl) == 0);
	CHECK(jwt_parse(tok, strlen(tok), &j) == JWT_OK);
	CHECK(j.alg == JWT_ALG_HS256);
	CHECK((v = json_member(j.payload, "exp")) != NULL &&
	    v->type == JSON_INT && v->u.integer == 1300819380);
	CHECK((v = json_member(j.payload, "http://example.com/is_root")) !=
	    NULL && v->type == JSON_BOOL && v->u.boolean);
	CHECK(jwt_verify(&j, &a1) == JWT_OK);
	/* The same token under another key. */
	CHECK(jwt_verify(&j, &ks) == JWT_ERR_SIGNATURE);
	jwt_free(&j);
	keyset_free(&a1);
}

/*
 * alg "none" and friends: the unsecured JWS (RFC 7515 A.5) must never
 * verify (CVE-2015-9235 node-jsonwebtoken, CVE-2015-2951 JWT.php;
 * libjwt's history). Case variants "None"/"NONE" bypassed filters that
 * compared case-insensitively.
 */
static void
test_alg(void)
{
	/* RFC 7515 A.5, verbatim: empty signature. */
	static const char	 a5[] =
	    "eyJhbGciOiJub25lIn0"
	    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	    ".";
	static const char *const bad[] = {
		"{\"alg\":\"none\"}",
		"{\"alg\":\"None\"}",
		"{\"alg\":\"NONE\"}",
		"{\"alg\":\"nOnE\"}",
		"{\"alg\":\"none\",\"typ\":\"JWT\"}",
		"{\"alg\":\"HS512\"}",
		"{\"alg\":\"HS384\"}",
		"{\"alg\":\"hs256\"}",
		"{\"alg\":\"HS256 \"}",
		"{\"alg\":\" HS256\"}",
		"{\"alg\":\"\"}",
		"{\"alg\":null}",
		"{\"alg\":256}",
		"{\"alg\":[\"HS256\"]}",
		"{\"alg\":{\"name\":\"HS256\"}}",
		"{\"typ\":\"JWT\"}",		/* missing */
		"{}",
		"{\"ALG\":\"HS256\"}",
		"{\"alg\":\"PS256\"}",
		"{\"alg\":\"ES512\"}",
		"{\"alg\":\"dir\"}",		/* a JWE algorithm */
		"{\"alg\":\"RSA-OAEP\"}",
	};
	size_t	 i;
	int	 all = 1;

	CHECK(parse_s(a5) == JWT_ERR_MALFORMED);
	/* The same, with a real MAC attached: the alg alone refuses it. */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (run(bad[i], PAYLOAD, 0) != JWT_ERR_ALG) {
			fprintf(stderr, "alg not refused: %s\n", bad[i]);
			all = 0;
		}
	CHECK(all);
	/* Duplicate alg: one reader's HS256 is another's none. */
	CHECK(run("{\"alg\":\"HS256\",\"alg\":\"none\"}", PAYLOAD, 0)
	    == JWT_ERR_JSON);
	CHECK(run("{\"alg\":\"none\",\"al\\u0067\":\"HS256\"}", PAYLOAD, 0)
	    == JWT_ERR_JSON);

	{
		enum jwt_alg	 a = JWT_ALG__MAX;

		CHECK(jwt_alg_parse("HS256", &a) == 0 && a == JWT_ALG_HS256);
		CHECK(jwt_alg_parse("ES256", &a) == 0 && a == JWT_ALG_ES256);
		CHECK(jwt_alg_parse("RS256", &a) == 0 && a == JWT_ALG_RS256);
		CHECK(jwt_alg_parse("EdDSA", &a) == 0 && a == JWT_ALG_EDDSA);
		CHECK(jwt_alg_parse("none", &a) == -1);
		CHECK(jwt_alg_parse("EDDSA", &a) == -1);
		CHECK(jwt_alg_parse("", &a) == -1);
		CHECK_STR(jwt_alg_name(JWT_ALG_HS256), "HS256");
		CHECK_STR(jwt_alg_name(JWT_ALG_EDDSA), "EdDSA");
	}
}

/* Extensions we do not implement must be refused (RFC 7515 4.1.11). */
static void
test_crit(void)
{
	/* RFC 7797 section 6: "b64": false changes what is signed. */
	CHECK(run("{\"alg\":\"HS256\",\"b64\":false,\"crit\":[\"b64\"]}",
	    PAYLOAD, 0) == JWT_ERR_CRIT);
	CHECK(run("{\"alg\":\"HS256\",\"crit\":[\"exp\"],\"exp\":1}",
	    PAYLOAD, 0) == JWT_ERR_CRIT);
	CHECK(run("{\"alg\":\"HS256\",\"crit\":[]}", PAYLOAD, 0)
	    == JWT_ERR_CRIT);
	CHECK(run("{\"alg\":\"HS256\",\"crit\":null}", PAYLOAD, 0)
	    == JWT_ERR_CRIT);
	CHECK(run("{\"alg\":\"HS256\",\"crit\":\"x\"}", PAYLOAD, 0)
	    == JWT_ERR_CRIT);
}

/*
 * Keys brought by the token: an embedded "jwk" (CVE-2018-0114,
 * node-jose/Cisco), a "jku"/"x5u" URL (SSRF and attacker keys), an "x5c"
 * chain. Only configured keys ever verify.
 */
static void
test_key_refs(void)
{
	CHECK(run("{\"alg\":\"HS256\",\"jku\":\"https://evil.example/jwks\"}",
	    PAYLOAD, 0) == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"jwk\":{\"kty\":\"oct\",\"k\":\"AA\"}}",
	    PAYLOAD, 0) == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"x5u\":\"https://evil.example/c\"}",
	    PAYLOAD, 0) == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"x5c\":[\"MIIB\"]}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"jwk\":null}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	/* typ other than JWT. */
	CHECK(run("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":\"JOSE\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":\"JWE\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":\"\"}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":1}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
	CHECK(run("{\"alg\":\"HS256\",\"typ\":null}", PAYLOAD, 0)
	    == JWT_ERR_HEADER);
}

static void
test_shape(void)
{
	char	*t, *u;
	size_t	 n;

	t = token(HDR, PAYLOAD);
	n = strlen(t);
	/* Two segments: the JWS without its signature. */
	u = strdup(t);
	*strrchr(u, '.') = '\0';
	CHECK(parse_s(u) == JWT_ERR_MALFORMED);
	free(u);
	/* Four segments. */
	u = malloc(n + 4);
	snprintf(u, n + 4, "%s.AA", t);
	CHECK(parse_s(u) == JWT_ERR_MALFORMED);
	/* Five: a JWE compact serialisation (RFC 7516 7.1). */
	snprintf(u, n + 4, "%s..", t);
	CHECK(parse_s(u) == JWT_ERR_MALFORMED);
	/* Empty signature, as "alg none" tokens have. */
	strcpy(u, t);
	strrchr(u, '.')[1] = '\0';
	CHECK(parse_s(u) == JWT_ERR_MALFORMED);
	free(u);
	CHECK(parse_s("") == JWT_ERR_MALFORMED);
	CHECK(parse_s(".") == JWT_ERR_MALFORMED);
	CHECK(parse_s("..") == JWT_ERR_MALFORMED);
	CHECK(parse_s("a..c") == JWT_ERR_MALFORMED);
	CHECK(parse_s(".b.c") == JWT_ERR_MALFORMED);
	CHECK(parse_s("abc") == JWT_ERR_MALFORMED);
	/* Not base64url, or not a JSON object. */
	CHECK(parse_s("!!!!.e30.AAAA") == JWT_ERR_BASE64);
	{
		/* header "[]" and "{" and payload "[1]" */
		char	*x = token_raw("[]", PAYLOAD, &key, NULL, 0);

		CHECK(parse_s(x) == JWT_ERR_JSON);
		free(x);
		x = token_raw("{", PAYLOAD, &key, NULL, 0);
		CHECK(parse_s(x) == JWT_ERR_JSON);
		free(x);
		x = token_raw(HDR, "[1]", &key, NULL, 0);
		CHECK(parse_s(x) == JWT_ERR_JSON);
		free(x);
		x = token_raw(HDR, "\"sub\"", &key, NULL, 0);
		CHECK(parse_s(x) == JWT_ERR_JSON);
		free(x);
		/* Duplicate claims: two readers, two subjects. */
		x = token_raw(HDR, "{\"sub\":\"a\",\"sub\":\"b\",\"exp\":1}",
		    &key, NULL, 0);
		CHECK(parse_s(x) == JWT_ERR_JSON);
		free(x);
	}
	free(t);
}

/* Append pad '=' to a copy of segment idx (0, 1, 2) of t. */
static char *
pad_segment(const char *t, int idx, const char *pad)
{
	const char	*d1 = strchr(t, '.'), *d2 = strrchr(t, '.'), *cut;
	size_t		 n = strlen(t), at;
	char		*u;

	cut = idx == 0 ? d1 : idx == 1 ? d2 : t + n;
	at = (size_t)(cut - t);
	u = malloc(n + strlen(pad) + 1);
	memcpy(u, t, at);
	memcpy(u + at, pad, strlen(pad));
	memcpy(u + at + strlen(pad), t + at, n - at + 1);
	return u;
}

/*
 * Strict base64url (STYLE 4): padding, stray characters, white space and
 * non-canonical trailing bits are refused, so no token has two spellings
 * (l8w8jwt skipped bad characters and so accepted altered tokens).
 */
static void
test_base64(void)
{
	/* 26-byte header -> 35 characters, so its padded form adds "=". */
	static const char	 h26[] = "{\"alg\":\"HS256\",\"kid\":\"k1\"}";
	/* 31-byte payload -> 42 characters, padded with "==". */
	static const char	 p31[] = "{\"sub\":\"u\",\"exp\":1767229200000}";
	char			*t, *u;
	size_t			 n;
	char			 last;
	const char		*alpha =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	CHECK(strlen(h26) == 26 && strlen(p31) == 31);
	t = token(h26, p31);
	CHECK(verify_s(t, &ks) == JWT_OK);
	u = pad_segment(t, 0, "=");
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	u = pad_segment(t, 1, "==");
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	u = pad_segment(t, 2, "=");	/* 32-byte MAC: 43 chars + "=" */
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	u = pad_segment(t, 2, " ");
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	u = pad_segment(t, 1, "\n");
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	/* Standard-alphabet characters inside a segment. */
	u = strdup(t);
	u[2] = '+';
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	u[2] = '/';
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);

	/*
	 * Non-canonical signature: 32 bytes leave 2 unused bits in the 43rd
	 * character. Setting one gives another spelling of the same bytes.
	 */
	n = strlen(t);
	last = t[n - 1];
	CHECK(((strchr(alpha, last) - alpha) & 3) == 0);
	u = strdup(t);
	u[n - 1] = alpha[(strchr(alpha, last) - alpha) + 1];
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	u[n - 1] = alpha[(strchr(alpha, last) - alpha) + 3];
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	/*
	 * A byte >= 0x80 where '_' would be: libsodium 1.0.18 alone decoded
	 * it as '_' (see test_b64url.c), so the token had other spellings.
	 */
	u = strdup(t);
	u[n - 2] = '_';
	CHECK(parse_s(u) == JWT_OK);
	u[n - 2] = (char)0xdf;
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	u[n - 2] = t[n - 2];
	u[3] = (char)0xc3;
	CHECK(parse_s(u) == JWT_ERR_BASE64);
	free(u);
	/* Non-canonical payload: 31 bytes leave 4 unused bits. */
	u = strdup(t);
	{
		char	*d2 = strrchr(u, '.');
		char	 c = d2[-1];

		CHECK(((strchr(alpha, c) - alpha) & 15) == 0);
		d2[-1] = alpha[(strchr(alpha, c) - alpha) + 1];
		CHECK(parse_s(u) == JWT_ERR_BASE64);
	}
	free(u);
	free(t);
}

static void
test_size(void)
{
	struct jwt	 j;
	char		*big, *t, payload[8300];
	size_t		 fill, n = 0;

	/* JWT_MAX_LEN + 1: refused unread, even if it is garbage. */
	big = malloc(JWT_MAX_LEN + 2);
	memset(big, 'a', JWT_MAX_LEN + 1);
	big[JWT_MAX_LEN + 1] = '\0';
	CHECK(jwt_parse(big, JWT_MAX_LEN + 1, &j) == JWT_ERR_TOO_LARGE);
	CHECK(j.payload == NULL);
	free(big);

	/* The largest signed token within 8 KiB is accepted... */
	for (fill = 8100; fill > 0; fill--) {
		snprintf(payload, sizeof(payload), "{\"sub\":\"u\",\"x\":\"%*s\"}",
		    (int)fill, "");
		t = token(HDR, payload);
		n = strlen(t);
		if (n <= JWT_MAX_LEN)
			break;
		free(t);
	}
	CHECK(n <= JWT_MAX_LEN && n >= JWT_MAX_LEN - 3);
	CHECK(verify_s(t, &ks) == JWT_OK);
	free(t);
	/* ...and a few bytes more are not. */
	snprintf(payload, sizeof(payload), "{\"sub\":\"u\",\"x\":\"%*s\"}",
	    (int)fill + 3, "");
	t = token(HDR, payload);
	CHECK(strlen(t) > JWT_MAX_LEN);
	CHECK(parse_s(t) == JWT_ERR_TOO_LARGE);
	free(t);
}

/* a's header and payload with b's signature; malloc'd. */
static char *
with_sig_of(const char *a, const char *b)
{
	size_t	 n = (size_t)(strrchr(a, '.') - a);
	char	*x = malloc(n + strlen(b) + 1);

	memcpy(x, a, n);
	strcpy(x + n, strrchr(b, '.'));
	return x;
}

static void
test_signature(void)
{
	unsigned char	 sig[JWT_SIG_MAX];
	char		*t, *u, *forged;
	struct jwt	 j;

	/* Signed with another secret. */
	t = token_raw(HDR, PAYLOAD, &other_key, NULL, 0);
	CHECK(parse_s(t) == JWT_OK);
	CHECK(verify_s(t, &ks) == JWT_ERR_SIGNATURE);
	free(t);

	/* Payload tampered: a privilege claim added, the old MAC kept. */
	t = token(HDR, PAYLOAD);
	u = token(HDR, "{\"sub\":\"8d3f2f5e-4a0b-4c1e-9f6a-2b7c3d4e5f60\","
	    "\"role\":\"authenticated\",\"aud\":\"authenticated\","
	    "\"exp\":1767229200,\"app_metadata\":{\"role\":\"host\"}}");
	forged = with_sig_of(u, t);
	CHECK(parse_s(forged) == JWT_OK);
	CHECK(verify_s(forged, &ks) == JWT_ERR_SIGNATURE);
	free(forged);
	free(u);

	/* One bit of the MAC flipped. */
	u = strdup(t);
	u[strlen(u) - 5] = u[strlen(u) - 5] == 'A' ? 'B' : 'A';
	CHECK(verify_s(u, &ks) == JWT_ERR_SIGNATURE);
	free(u);
	/* Header tampered (typ dropped), MAC kept. */
	u = token("{\"alg\":\"HS256\"}", PAYLOAD);
	forged = with_sig_of(u, t);
	CHECK(verify_s(forged, &ks) == JWT_ERR_SIGNATURE);
	free(forged);
	free(u);

	/*
	 * Truncated MACs: a verifier comparing only the bytes supplied
	 * accepts a 1-byte guess in 256 tries (the truncated-HMAC class;
	 * libjwt f73bac5 compared with strcmp). HS256 is 32 bytes or nothing.
	 */
	if (jwt_parse(t, strlen(t), &j) == JWT_OK) {
		memcpy(sig, j.sig, HS256_TAG_LEN);
		CHECK(hs256_verify(&key, j.signing_input, j.signing_input_len,
		    sig, 32) == 0);
		CHECK(hs256_verify(&key, j.signing_input, j.signing_input_len,
		    sig, 16) == -1);
		CHECK(hs256_verify(&key, j.signing_input, j.signing_input_len,
		    sig, 31) == -1);
		CHECK(hs256_verify(&key, j.signing_input, j.signing_input_len,
		    sig, 0) == -1);
		jwt_free(&j);
	} else
		CHECK(0);
	{
		static const size_t	 lens[] = { 0, 1, 16, 31, 33, 64 };
		size_t			 i;
		char			*x;

		memset(sig, 0x42, sizeof(sig));
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			x = token_raw(HDR, PAYLOAD, NULL, sig, lens[i]);
			CHECK(parse_s(x) == (lens[i] == 0 ? JWT_ERR_MALFORMED :
			    JWT_ERR_SIGNATURE));
			free(x);
		}
	}
	{
		/* The real MAC's first 16 bytes. */
		unsigned char	 mac[HS256_TAG_LEN];
		char		*x;
		size_t		 at = 0, cap = 4096;

		x = malloc(cap);
		put_b64(x, cap, &at, HDR, strlen(HDR));
		x[at++] = '.';
		put_b64(x, cap, &at, PAYLOAD, strlen(PAYLOAD));
		hs256_mac(&key, x, at, mac);
		x[at++] = '.';
		put_b64(x, cap, &at, mac, 16);
		x[at] = '\0';
		CHECK(parse_s(x) == JWT_ERR_SIGNATURE);
		free(x);
	}
	free(t);
}

static void
test_keys(void)
{
	struct keyset	 empty = { NULL, 0 };
	unsigned char	 sig[256];
	char		*t;

	/* No key at all. */
	t = token(HDR, PAYLOAD);
	CHECK(verify_s(t, &empty) == JWT_ERR_NO_KEY);
	free(t);

	/* Algorithm confusion with public keys: test_confusion_real_keys. */
	/*
	 * The reverse (libjwt c948840: an RS512 token accepted by an RS256
	 * key): a token naming another algorithm finds no key in a keyset
	 * that holds only the HS256 secret.
	 */
	memset(sig, 0x11, sizeof(sig));
	t = token_raw("{\"alg\":\"RS256\"}", PAYLOAD, NULL, sig, 256);
	CHECK(parse_s(t) == JWT_OK);
	CHECK(verify_s(t, &ks) != JWT_OK);
	free(t);
	t = token_raw("{\"alg\":\"ES256\"}", PAYLOAD, NULL, sig, 64);
	CHECK(verify_s(t, &ks) != JWT_OK);
	free(t);
	t = token_raw("{\"alg\":\"EdDSA\"}", PAYLOAD, NULL, sig, 64);
	CHECK(verify_s(t, &ks) != JWT_OK);
	free(t);
	/* Wrong sizes for those algorithms (ES256 is raw r||s, RFC 7518 3.4). */
	t = token_raw("{\"alg\":\"ES256\"}", PAYLOAD, NULL, sig, 72);
	CHECK(parse_s(t) == JWT_ERR_SIGNATURE);
	free(t);
	t = token_raw("{\"alg\":\"RS256\"}", PAYLOAD, NULL, sig, 128);
	CHECK(parse_s(t) == JWT_ERR_SIGNATURE);
	free(t);
}

/* A token over PAYLOAD, MACed with the len bytes at secret_bytes. */
static char *
token_hmac_with(const char *header, const unsigned char *secret_bytes,
    size_t len)
{
	struct hs256_key	 k;
	char			*t;

	if (hs256_key_init(&k, secret_bytes, len) == -1)
		abort();
	t = token_raw(header, PAYLOAD, &k, NULL, 0);
	hs256_key_free(&k);
	return t;
}

/*
 * Algorithm confusion with real public keys, libjwt GHSA-q843-6q5f-w55g:
 * the attacker has the JWKS (it is public) and MACs an HS256 token with
 * the public key's bytes (PEM, DER, or the raw modulus). A verifier that
 * takes the algorithm from the token and the key from the kid accepts it.
 */
static void
test_confusion_real_keys(void)
{
	struct keyset	 pub = { NULL, 0 }, both = { NULL, 0 };
	EVP_PKEY	*rsa, *rsa2, *ec;
	unsigned char	*der = NULL, sig[64];
	char		*pem = NULL, *t;
	BIO		*bio;
	long		 pemlen;
	int		 derlen;
	enum jwt_err	 e;

	rsa = EVP_RSA_gen(2048);
	rsa2 = rsa != NULL && EVP_PKEY_up_ref(rsa) == 1 ? rsa : NULL;
	ec = EVP_EC_gen("P-256");
	if (rsa == NULL || rsa2 == NULL || ec == NULL) {
		CHECK(0);
		return;
	}
	derlen = i2d_PUBKEY(rsa, &der);
	bio = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(bio, rsa);
	pemlen = BIO_get_mem_data(bio, &pem);
	CHECK(derlen > 0 && pemlen > 0);

	/* Only the public key configured (a JWKS, no HS256 secret). */
	CHECK(keyset_add_pkey(&pub, JWT_ALG_RS256, "rsa-1", rsa) == 0);
	CHECK(keyset_add_pkey(&pub, JWT_ALG_ES256, "ec-1", ec) == 0);
	t = token_hmac_with("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}",
	    (const unsigned char *)pem, (size_t)pemlen);
	e = verify_s(t, &pub);
	CHECK(e == JWT_ERR_NO_KEY || e == JWT_ERR_ALG);
	free(t);
	t = token_hmac_with("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", der,
	    (size_t)derlen);
	e = verify_s(t, &pub);
	CHECK(e == JWT_ERR_NO_KEY || e == JWT_ERR_ALG);
	free(t);
	t = token_hmac_with("{\"alg\":\"HS256\"}", der, (size_t)derlen);
	CHECK(verify_s(t, &pub) == JWT_ERR_NO_KEY);
	free(t);
	t = token_hmac_with("{\"alg\":\"HS256\",\"kid\":\"ec-1\"}", der,
	    (size_t)derlen);
	e = verify_s(t, &pub);
	CHECK(e == JWT_ERR_NO_KEY || e == JWT_ERR_ALG);
	free(t);

	/*
	 * libjwt c948840 class: the kid names a key of another algorithm.
	 * An ES256 token naming the RSA key, an RS256 one naming the EC key.
	 */
	memset(sig, 0x11, sizeof(sig));
	t = token_raw("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}", PAYLOAD, NULL,
	    sig, 64);
	CHECK(verify_s(t, &pub) == JWT_ERR_ALG);
	free(t);
	t = token_raw("{\"alg\":\"EdDSA\",\"kid\":\"ec-1\"}", PAYLOAD, NULL,
	    sig, 64);
	CHECK(verify_s(t, &pub) == JWT_ERR_ALG);
	free(t);
	/* A public-key token without a kid finds no key. */
	t = token_raw("{\"alg\":\"ES256\"}", PAYLOAD, NULL, sig, 64);
	CHECK(verify_s(t, &pub) == JWT_ERR_NO_KEY);
	free(t);

	/* Secret and public key together: the forgery is a bad MAC. */
	CHECK(keyset_add_hs256(&both, (const unsigned char *)secret,
	    strlen(secret)) == 0);
	CHECK(keyset_add_pkey(&both, JWT_ALG_RS256, "rsa-1", rsa2) == 0);
	t = token_hmac_with("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}",
	    (const unsigned char *)pem, (size_t)pemlen);
	CHECK(verify_s(t, &both) == JWT_ERR_SIGNATURE);
	free(t);
	t = token("{\"alg\":\"HS256\",\"kid\":\"rsa-1\"}", PAYLOAD);
	CHECK(verify_s(t, &both) == JWT_OK);	/* the real secret still works */
	free(t);

	BIO_free(bio);
	OPENSSL_free(der);
	keyset_free(&pub);
	keyset_free(&both);
}

static void
test_reasons(void)
{
	int	 e, named = 1;

	CHECK_STR(jwt_err_reason(JWT_OK), "ok");
	CHECK_STR(jwt_err_reason(JWT_ERR_SIGNATURE), "bad_signature");
	CHECK_STR(jwt_err_reason(JWT_ERR__MAX), "unknown");
	for (e = 0; e < JWT_ERR__MAX; e++)
		if (jwt_err_reason((enum jwt_err)e) == NULL ||
		    *jwt_err_reason((enum jwt_err)e) == '\0')
			named = 0;
	CHECK(named);
}

/*
 * Regression (issue 12): Supabase's new API keys sent as the bearer token
 * (an app passing its sb_publishable_... key, or worse its sb_secret_...)
 * were refused as "malformed", and the frontend developer was told only
 * that the token was invalid. They are API keys, named as such, so the
 * service can say "sign the user in".
 */
static void
test_api_keys(void)
{
	static const char *const keys[] = {
		"sb_publishable_mK2x7cA1bRq9LzT0uWv3Yg_2c6dNpQs",
		"sb_secret_Jh7dK2mPq4rS8tU1vW3xY5zA_9bCdEfGh",
		"sb_publishable_a.b.c",	/* dots do not make it a JWT */
	};
	static const char *const not_keys[] = {
		"sb_publishable_",	/* the prefix alone is no key */
		"sb_secret",
		"SB_PUBLISHABLE_abc",
		"xsb_secret_abc",
	};
	struct jwt	 jwt;
	size_t		 i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(jwt_parse(keys[i], strlen(keys[i]), &jwt) ==
		    JWT_ERR_API_KEY);
	for (i = 0; i < sizeof(not_keys) / sizeof(not_keys[0]); i++)
		CHECK(jwt_parse(not_keys[i], strlen(not_keys[i]), &jwt) ==
		    JWT_ERR_MALFORMED);
	CHECK_STR(jwt_err_reason(JWT_ERR_API_KEY), "api_key_not_user_token");
}

int
main(void)
{
	static const char	 other[] = "another-secret-of-at-least-32-bytes!!";

	if (sodium_init() < 0)
		return 1;
	if (hs256_key_init(&key, (const unsigned char *)secret,
	    strlen(secret)) == -1 ||
	    hs256_key_init(&other_key, (const unsigned char *)other,
	    strlen(other)) == -1 ||
	    keyset_add_hs256(&ks, (const unsigned char *)secret,
	    strlen(secret)) == -1)
		return 1;
	test_valid();
	test_big_integer_in_metadata();
	test_kid();
	test_rfc7515_a1();
	test_alg();
	test_crit();
	test_key_refs();
	test_shape();
	test_base64();
	test_size();
	test_signature();
	test_keys();
	test_confusion_real_keys();
	test_reasons();
	test_api_keys();
	keyset_free(&ks);
	hs256_key_free(&key);
	hs256_key_free(&other_key);
	return CHECK_DONE();
}

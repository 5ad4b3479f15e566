/*
 * cors: CORS_ALLOWED_ORIGINS per the SPEC's "CORS" section; origins as
 * RFC 6454 section 6.2 serialises them (scheme "://" host [":" port]).
 */
#include <string.h>

#include "check.h"
#include "request/cors.h"

static struct cors	 c;
static char		 err[256];

static int
parse(const char *list)
{
	err[0] = '\0';
	return cors_parse(&c, list, err, sizeof(err));
}

static void
test_any(void)
{
	/* "*" is the default, as Supabase functions ship. */
	CHECK(parse("*") == 0 && c.any && c.n == 0);
	CHECK_STR(cors_allow_origin(&c, "https://app.example.com"), "*");
	CHECK_STR(cors_allow_origin(&c, "null"), "*");
	CHECK_STR(cors_allow_origin(&c, NULL), "*");
	CHECK(!cors_varies(&c));
	CHECK(parse("  *") == 0 && c.any);
	/* Unset or empty means the default. */
	CHECK(parse("") == 0 && c.any);
	CHECK(parse("   ") == 0 && c.any);
	CHECK(!cors_varies(&c));
}

static void
test_list(void)
{
	CHECK(parse("https://a.example") == 0);
	CHECK(!c.any && c.n == 1);
	CHECK_STR(c.origins[0], "https://a.example");
	CHECK(cors_varies(&c));

	CHECK(parse("https://a.example, https://b.example:8443,http://"
	    "localhost:5173") == 0);
	CHECK(!c.any && c.n == 3);
	CHECK_STR(c.origins[0], "https://a.example");
	CHECK_STR(c.origins[1], "https://b.example:8443");
	CHECK_STR(c.origins[2], "http://localhost:5173");
	CHECK(parse("  https://a.example  ,  https://b.example  ") == 0);
	CHECK(c.n == 2);
	CHECK_STR(c.origins[0], "https://a.example");
	CHECK_STR(c.origins[1], "https://b.example");
	/* IPv6 literal hosts (RFC 3986 3.2.2). */
	CHECK(parse("http://[::1]:8080") == 0 && c.n == 1);
	CHECK(parse("https://a.example,,https://b.example,") == 0 && c.n == 2);
}

static void
test_invalid(void)
{
	CHECK(parse("https://a.example/path") == -1);
	CHECK(strstr(err, "https://a.example/path") != NULL);
	CHECK(parse("https://a.example/") == -1);	/* trailing slash */
	CHECK(parse("a.example") == -1);		/* no scheme */
	CHECK(parse("//a.example") == -1);
	CHECK(parse("ftp://a.example") == -1);
	CHECK(parse("https://") == -1);
	CHECK(parse("https://a.example?x=1") == -1);
	CHECK(parse("https://a.example#f") == -1);
	CHECK(parse("https://user@a.example") == -1);	/* no user info */
	CHECK(parse("https://*.example") == -1);	/* no wildcards */
	/* "*" only alone: inside a list it would mean nothing consistent. */
	CHECK(parse("https://a.example, *") == -1);
	CHECK(parse("*, https://a.example") == -1);
	CHECK(parse("https://a.example\t") == -1);
	/*
	 * What no browser sends (found in review): an upper-case host or
	 * the scheme's default port. Origins compare exactly, so such an
	 * entry refused its own app on every request.
	 */
	CHECK(parse("https://App.example.com") == -1);
	CHECK(strstr(err, "lower case") != NULL);
	CHECK(parse("HTTPS://app.example.com") == -1);
	CHECK(parse("https://app.example.com:443") == -1);
	CHECK(strstr(err, "default port") != NULL);
	CHECK(parse("http://app.example.com:80") == -1);
	CHECK(parse("https://app.example.com:8443") == 0);
	CHECK(parse("http://localhost:8080, https://app.example.com:80") == 0);
	CHECK(parse("http://[::1]:3000") == 0);
	/* One bad origin spoils the list: nothing half-parsed is kept. */
	CHECK(parse("https://a.example, b.example") == -1);
	/* Too many origins. */
	{
		char	 list[CORS_MAX_ORIGINS * 24 + 32];
		size_t	 i, at = 0;

		for (i = 0; i <= CORS_MAX_ORIGINS; i++)
			at += (size_t)snprintf(list + at, sizeof(list) - at,
			    "%shttps://o%zu.example", i ? "," : "", i);
		CHECK(parse(list) == -1);
	}
	/* An origin over CORS_ORIGIN_MAX characters. */
	{
		char	 big[CORS_ORIGIN_MAX + 16];

		memset(big, 'a', sizeof(big));
		memcpy(big, "https://", 8);
		big[sizeof(big) - 1] = '\0';
		CHECK(parse(big) == -1);
	}
}

static void
test_echo(void)
{
	const char	*o;
	char		 origin[64];

	CHECK(parse("https://a.example, https://b.example:8443") == 0);
	/* A matching Origin is echoed exactly (Fetch standard, CORS check). */
	strcpy(origin, "https://b.example:8443");
	o = cors_allow_origin(&c, origin);
	CHECK_STR(o, "https://b.example:8443");
	CHECK(o != origin);	/* our copy, not the client's buffer */
	CHECK_STR(cors_allow_origin(&c, "https://a.example"),
	    "https://a.example");
	/* Anything else gets no Access-Control-Allow-Origin at all. */
	CHECK(cors_allow_origin(&c, NULL) == NULL);
	CHECK(cors_allow_origin(&c, "") == NULL);
	CHECK(cors_allow_origin(&c, "null") == NULL);
	CHECK(cors_allow_origin(&c, "https://evil.example") == NULL);
	CHECK(cors_allow_origin(&c, "https://a.example.evil.example") == NULL);
	CHECK(cors_allow_origin(&c, "https://xa.example") == NULL);
	CHECK(cors_allow_origin(&c, "https://a.exampl") == NULL);
	CHECK(cors_allow_origin(&c, "http://a.example") == NULL);
	CHECK(cors_allow_origin(&c, "https://b.example") == NULL);
	CHECK(cors_allow_origin(&c, "https://a.example:443") == NULL);
	CHECK(cors_allow_origin(&c, "https://a.example/") == NULL);
	CHECK(cors_allow_origin(&c, "*") == NULL);
	CHECK(cors_varies(&c));
}

int
main(void)
{
	test_any();
	test_list();
	test_invalid();
	test_echo();
	return CHECK_DONE();
}

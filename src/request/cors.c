#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "request/cors.h"

/*
 * An origin is scheme "://" host [":" port], nothing else (RFC 6454):
 * no path, no trailing slash, no user info, no white space.
 */
static int
origin_valid(const char *o, size_t len)
{
	const char	*host;
	size_t		 i;

	if (len > 8 && strncmp(o, "https://", 8) == 0)
		host = o + 8;
	else if (len > 7 && strncmp(o, "http://", 7) == 0)
		host = o + 7;
	else
		return 0;
	for (i = (size_t)(host - o); i < len; i++) {
		unsigned char c = (unsigned char)o[i];

		if (!isalnum(c) && c != '.' && c != '-' && c != ':' &&
		    c != '[' && c != ']')
			return 0;
	}
	return 1;
}

/*
 * Whether a browser ever sends o as it is written: browsers serialise an
 * origin with its host in lower case and without the scheme's default
 * port (RFC 6454 6.1), and origins compare exactly, so an entry such as
 * https://App.example.com or https://app.example.com:443 would refuse its
 * own app on every request.
 */
static int
origin_canonical(const char *o, size_t len)
{
	size_t	 i;
	int	 https = o[4] == 's';

	for (i = 0; i < len; i++)
		if (isupper((unsigned char)o[i]))
			return 0;
	if (https && len > 4 && memcmp(o + len - 4, ":443", 4) == 0)
		return 0;
	if (!https && len > 3 && memcmp(o + len - 3, ":80", 3) == 0)
		return 0;
	return 1;
}

int
cors_parse(struct cors *c, const char *list, char *err, size_t errsz)
{
	const char	*p = list, *end;
	size_t		 len;

	memset(c, 0, sizeof(*c));
	while (*p == ' ')
		p++;
	/* "*" alone, spaces around it allowed, means any origin. */
	if (*p == '\0' || (p[0] == '*' && p[strspn(p + 1, " ") + 1] == '\0')) {
		c->any = true;
		return 0;
	}
	while (*p != '\0') {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, ", ");
		len = (size_t)(end - p);
		if (len > CORS_ORIGIN_MAX || !origin_valid(p, len)) {
			snprintf(err, errsz, "\"%.*s\" is not an origin like "
			    "https://app.example.com (scheme, host, optional "
			    "port; no path)", (int)(len > 64 ? 64 : len), p);
			return -1;
		}
		if (!origin_canonical(p, len)) {
			snprintf(err, errsz, "\"%.*s\" is never sent by a "
			    "browser: write the host in lower case, without a "
			    "default port (:443, :80)", (int)(len > 64 ? 64 :
			    len), p);
			return -1;
		}
		if (c->n == CORS_MAX_ORIGINS) {
			snprintf(err, errsz, "more than %d origins",
			    CORS_MAX_ORIGINS);
			return -1;
		}
		memcpy(c->origins[c->n], p, len);
		c->origins[c->n][len] = '\0';
		c->n++;
		p = end;
	}
	return 0;
}

const char *
cors_allow_origin(const struct cors *c, const char *origin)
{
	size_t	 i;

	if (c->any)
		return "*";
	if (origin == NULL)
		return NULL;
	/* Origins compare exactly: browsers send them normalised. */
	for (i = 0; i < c->n; i++)
		if (strcmp(origin, c->origins[i]) == 0)
			return c->origins[i];
	return NULL;
}

bool
cors_varies(const struct cors *c)
{
	return !c->any;
}

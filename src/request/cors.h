/*
 * CORS: which origins may read our answers. "*" (the default, as Supabase
 * functions ship) or an exact allow-list, where a matching Origin is
 * echoed with "Vary: Origin" and any other gets no Allow-Origin at all.
 */
#ifndef CORS_H
#define CORS_H

#include <stdbool.h>
#include <stddef.h>

#define CORS_MAX_ORIGINS	32
#define CORS_ORIGIN_MAX		255

struct cors {
	bool	 any;
	size_t	 n;
	char	 origins[CORS_MAX_ORIGINS][CORS_ORIGIN_MAX + 1];
};

/*
 * Parse "*" or "https://a.example, https://b.example:8443".
 * Returns 0, or -1 with the reason in err.
 */
int	cors_parse(struct cors *, const char *list, char *err, size_t errsz);

/*
 * The Access-Control-Allow-Origin value for a request from origin (which
 * may be NULL), or NULL when none must be sent.
 */
const char	*cors_allow_origin(const struct cors *, const char *origin);

/* Whether answers depend on Origin (and so need "Vary: Origin"). */
bool	 cors_varies(const struct cors *);

#endif

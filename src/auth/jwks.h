/*
 * A JSON Web Key Set (RFC 7517 section 5), as Supabase serves it at
 * <SUPABASE_URL>/auth/v1/.well-known/jwks.json -> public keys in a keyset,
 * one algorithm each: EC P-256 -> ES256, RSA 2048-4096 -> RS256, OKP
 * Ed25519 -> EdDSA. A symmetric ("oct") key is never taken from a JWKS.
 */
#ifndef JWKS_H
#define JWKS_H

#include <stddef.h>

#include <sys/stat.h>

#include "auth/keys.h"

#define JWKS_MAX_KEYS	32

/* A key the parser left out, and why (a rule, never key material). */
struct jwks_skip {
	size_t		 index;			/* in "keys" */
	char		 kid[JWT_KID_MAX + 1];	/* "" when it had no valid one */
	const char	*why;			/* static text */
};

/*
 * What a parse or load saw besides the keys: the parser logs nothing, so
 * the caller decides what to tell and how often.
 */
struct jwks_report {
	const int	*cancel;	/* in, may be NULL: when it reads non-zero
					   (atomic), give up between two keys */
	struct stat	 sb;		/* the file read; st_ino 0 before open */
	size_t		 nskipped;
	struct jwks_skip skipped[JWKS_MAX_KEYS];
};

/*
 * Parse the len bytes of text and add its usable keys to ks. A key that
 * cannot or must not be used is skipped and listed in rep (when not NULL):
 * "use" other than "sig", "key_ops" without "verify", an unknown kty or
 * crv, an "oct" key, a private key, an "alg" that is not its key type's,
 * a missing or bad kid, a malformed or weak key.
 * Returns the number of keys added (0 is a valid set: Supabase serves an
 * empty one while only the legacy secret signs), or -1 with the reason in
 * err and ks as it was: the text is not strict JSON (duplicate members
 * included), "keys" is not an array, an entry is not an object, two
 * entries share a kid, there are more than JWKS_MAX_KEYS entries, or
 * rep->cancel was raised.
 */
int	jwks_parse(struct keyset *ks, const char *text, size_t len,
	    struct jwks_report *rep, char *err, size_t errsz);

/*
 * Read the regular file at path (at most JSONPARSE_MAX_TEXT bytes) and
 * jwks_parse it. When rep is not NULL, rep->sb receives the fstat of the
 * file that was read, even on failure once the file is open (else its
 * st_ino is 0). Same returns as jwks_parse.
 */
int	jwks_load(struct keyset *ks, const char *path, struct jwks_report *rep,
	    char *err, size_t errsz);

#endif

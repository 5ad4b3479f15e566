#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "auth/b64url.h"
#include "auth/jwks.h"
#include "auth/sig.h"
#include "jsonparse.h"
#include "textfile.h"

#define RSA_MAX_BYTES	(SIG_RSA_MAX_BITS / 8)
#define RSA_E_MAX_BYTES	8	/* room to see that an exponent is too long */

/* What became of one entry of "keys". */
enum verdict {
	KEY_ADDED,
	KEY_SKIPPED,	/* why says which rule */
	KEY_NOMEM
};

/*
 * A string member: returns 1 and sets *out, 0 when absent, -1 when present
 * with another type.
 */
static int
str_member(const struct json_value *o, const char *name, const char **out)
{
	const struct json_value	*v;

	if ((v = json_member(o, name)) == NULL)
		return 0;
	if (!json_is(v, JSON_STRING))
		return -1;
	*out = v->u.string;
	return 1;
}

/*
 * Decode member name, strict base64url, into out (capacity cap). Returns
 * 0 and sets *len, or -1 when absent, not a string, not strict base64url
 * or longer than cap.
 */
static int
b64_member(const struct json_value *o, const char *name, unsigned char *out,
    size_t cap, size_t *len)
{
	const struct json_value	*v;

	if (!json_is(v = json_member(o, name), JSON_STRING))
		return -1;
	return b64url_decode(out, cap, len, v->u.string, v->len);
}

/*
 * Each key holds one algorithm and the key type decides it: an "alg"
 * member may only repeat it. libjwt GHSA-q843-6q5f-w55g: an RSA JWK taken
 * for HS256 let anyone sign with the public key as the HMAC secret.
 */
static int
alg_matches(const struct json_value *jwk, enum jwt_alg want)
{
	const char	*alg;
	enum jwt_alg	 a;

	switch (str_member(jwk, "alg", &alg)) {
	case 0:
		return 1;
	case 1:
		return jwt_alg_parse(alg, &a) == 0 && a == want;
	default:
		return 0;
	}
}

/* Hand pkey to the keyset, which owns it from then on; freed on failure. */
static enum verdict
add_pkey(struct keyset *ks, enum jwt_alg alg, const char *kid, EVP_PKEY *pkey)
{
	if (keyset_add_pkey(ks, alg, kid, pkey) == -1) {
		EVP_PKEY_free(pkey);
		return KEY_NOMEM;
	}
	return KEY_ADDED;
}

static enum verdict
add_ec(struct keyset *ks, const struct json_value *jwk, const char *kid,
    const char **why)
{
	unsigned char	 x[SIG_EC_COORD_LEN], y[SIG_EC_COORD_LEN];
	const char	*crv;
	EVP_PKEY	*pkey;
	size_t		 xlen = 0, ylen = 0;

	if (str_member(jwk, "crv", &crv) != 1 || strcmp(crv, "P-256") != 0) {
		*why = "not a P-256 key (unknown or missing crv)";
		return KEY_SKIPPED;
	}
	if (!alg_matches(jwk, JWT_ALG_ES256)) {
		*why = "its alg is not ES256, the only algorithm of a P-256 key";
		return KEY_SKIPPED;
	}
	/* RFC 7518 6.2.1.2: each coordinate is exactly the field's size. */
	if (b64_member(jwk, "x", x, sizeof(x), &xlen) == -1 ||
	    b64_member(jwk, "y", y, sizeof(y), &ylen) == -1 ||
	    xlen != sizeof(x) || ylen != sizeof(y)) {
		*why = "x and y are not 32 bytes of strict base64url each";
		return KEY_SKIPPED;
	}
	if ((pkey = sig_es256_key(x, y)) == NULL) {
		*why = "(x, y) is not a point of P-256";
		return KEY_SKIPPED;
	}
	return add_pkey(ks, JWT_ALG_ES256, kid, pkey);
}

static enum verdict
add_rsa(struct keyset *ks, const struct json_value *jwk, const char *kid,
    const char **why)
{
	unsigned char	 n[RSA_MAX_BYTES], e[RSA_E_MAX_BYTES];
	EVP_PKEY	*pkey;
	size_t		 nlen = 0, elen = 0;

	if (!alg_matches(jwk, JWT_ALG_RS256)) {
		*why = "its alg is not RS256, the only algorithm of an RSA key";
		return KEY_SKIPPED;
	}
	if (b64_member(jwk, "n", n, sizeof(n), &nlen) == -1) {
		*why = "n is not strict base64url of at most 4096 bits";
		return KEY_SKIPPED;
	}
	if (b64_member(jwk, "e", e, sizeof(e), &elen) == -1) {
		*why = "e is not strict base64url of a small exponent";
		return KEY_SKIPPED;
	}
	if ((pkey = sig_rs256_key(n, nlen, e, elen, why)) == NULL)
		return KEY_SKIPPED;
	return add_pkey(ks, JWT_ALG_RS256, kid, pkey);
}

static enum verdict
add_okp(struct keyset *ks, const struct json_value *jwk, const char *kid,
    const char **why)
{
	unsigned char	 x[SIG_ED25519_KEY_LEN];
	const char	*crv;
	size_t		 xlen = 0;

	/* X25519 is for key agreement, Ed448 we do not implement. */
	if (str_member(jwk, "crv", &crv) != 1 ||
	    strcmp(crv, "Ed25519") != 0) {
		*why = "not an Ed25519 key (unknown or missing crv)";
		return KEY_SKIPPED;
	}
	if (!alg_matches(jwk, JWT_ALG_EDDSA)) {
		*why = "its alg is not EdDSA, the only algorithm of an "
		    "Ed25519 key";
		return KEY_SKIPPED;
	}
	if (b64_member(jwk, "x", x, sizeof(x), &xlen) == -1 ||
	    xlen != sizeof(x)) {
		*why = "x is not 32 bytes of strict base64url";
		return KEY_SKIPPED;
	}
	if (sig_ed25519_key_check(x) == -1) {
		*why = "x is not a valid Ed25519 public key";
		return KEY_SKIPPED;
	}
	return keyset_add_ed25519(ks, kid, x) == 0 ? KEY_ADDED : KEY_NOMEM;
}

/* "key_ops" (RFC 7517 4.3), when present, must allow "verify". */
static int
ops_allow_verify(const struct json_value *jwk)
{
	const struct json_value	*ops, *op;
	int			 verify = 0;

	if ((ops = json_member(jwk, "key_ops")) == NULL)
		return 1;
	if (!json_is(ops, JSON_ARRAY))
		return 0;
	for (op = ops->u.first; op != NULL; op = op->next) {
		if (!json_is(op, JSON_STRING))
			return 0;
		if (strcmp(op->u.string, "verify") == 0)
			verify = 1;
	}
	return verify;
}

/* Decide on one JWK whose kid (possibly NULL) was read already. */
static enum verdict
add_key(struct keyset *ks, const struct json_value *jwk, const char *kid,
    const char **why)
{
	const char	*kty, *use;
	int		 r;

	if (str_member(jwk, "kty", &kty) != 1) {
		*why = "no kty";
		return KEY_SKIPPED;
	}
	if (kid == NULL) {
		*why = "no kid of 1 to 128 characters [A-Za-z0-9._-]: public "
		    "keys are chosen by kid only";
		return KEY_SKIPPED;
	}
	if ((r = str_member(jwk, "use", &use)) != 0 &&
	    (r == -1 || strcmp(use, "sig") != 0)) {
		*why = "its use is not \"sig\"";
		return KEY_SKIPPED;
	}
	if (!ops_allow_verify(jwk)) {
		*why = "its key_ops do not include \"verify\"";
		return KEY_SKIPPED;
	}
	if (strcmp(kty, "oct") == 0) {
		*why = "a symmetric (oct) key: a JWKS is public, so never a "
		    "secret";
		return KEY_SKIPPED;
	}
	/*
	 * A published private key is a leaked one: anyone could sign. Any
	 * "d" refuses the key, "d": null too (json_member returns it).
	 */
	if (json_member(jwk, "d") != NULL) {
		*why = "it holds a private key (\"d\"): it must be considered "
		    "leaked";
		return KEY_SKIPPED;
	}
	if (strcmp(kty, "EC") == 0)
		return add_ec(ks, jwk, kid, why);
	if (strcmp(kty, "RSA") == 0)
		return add_rsa(ks, jwk, kid, why);
	if (strcmp(kty, "OKP") == 0)
		return add_okp(ks, jwk, kid, why);
	*why = "unknown kty";
	return KEY_SKIPPED;
}

/* Note a skipped key for the caller; the list holds every entry. */
static void
note_skip(struct jwks_report *rep, size_t i, const char *kid, const char *why)
{
	struct jwks_skip	*s;

	if (rep == NULL || rep->nskipped >= JWKS_MAX_KEYS)
		return;
	s = &rep->skipped[rep->nskipped++];
	s->index = i;
	s->kid[0] = '\0';
	if (kid != NULL)
		memcpy(s->kid, kid, strlen(kid) + 1);	/* jwt_kid_valid bounds it */
	s->why = why;
}

int
jwks_parse(struct keyset *ks, const char *text, size_t len,
    struct jwks_report *rep, char *err, size_t errsz)
{
	struct json_doc		 doc;
	const struct json_value	*keys, *jwk;
	const char		*kids[JWKS_MAX_KEYS];
	const char		*kid, *why;
	size_t			 i, j, had = ks->n;
	int			 rc = -1;

	if (rep != NULL)
		rep->nskipped = 0;
	if (json_parse(&doc, text, len) == -1) {
		snprintf(err, errsz, "not a strict JSON object (syntax, "
		    "encoding or duplicate members)");
		goto out;
	}
	if (!json_is(keys = json_member(doc.root, "keys"), JSON_ARRAY)) {
		snprintf(err, errsz, "no \"keys\" array: not a JWKS");
		goto out;
	}
	/* Bounds kids[] and the walk below. */
	if (keys->len > JWKS_MAX_KEYS) {
		snprintf(err, errsz, "%zu keys, more than %d", keys->len,
		    JWKS_MAX_KEYS);
		goto out;
	}
	for (i = 0, jwk = keys->u.first; jwk != NULL; i++, jwk = jwk->next) {
		/* An RSA-4096 key costs ~20 ms: a stop need not wait for 32. */
		if (rep != NULL && rep->cancel != NULL &&
		    __atomic_load_n(rep->cancel, __ATOMIC_RELAXED)) {
			snprintf(err, errsz, "cancelled");
			goto out;
		}
		if (!json_is(jwk, JSON_OBJECT)) {
			snprintf(err, errsz, "key %zu is not an object", i);
			goto out;
		}
		kids[i] = NULL;
		if (str_member(jwk, "kid", &kids[i]) == 1) {
			/* One kid, one key: else which one verifies? */
			for (j = 0; j < i; j++)
				if (kids[j] != NULL &&
				    strcmp(kids[j], kids[i]) == 0) {
					snprintf(err, errsz, "keys %zu and %zu "
					    "share a kid", j, i);
					goto out;
				}
		}
		kid = kids[i];
		if (kid != NULL && !jwt_kid_valid(kid, strlen(kid)))
			kid = NULL;
		why = "";
		switch (add_key(ks, jwk, kid, &why)) {
		case KEY_ADDED:
			break;
		case KEY_SKIPPED:
			note_skip(rep, i, kid, why);
			break;
		default:
			snprintf(err, errsz, "out of memory");
			goto out;
		}
	}
	rc = (int)(ks->n - had);
out:
	if (rc == -1)
		keyset_truncate(ks, had);
	/* kids[] and every string above point into doc: free it last. */
	json_doc_free(&doc);
	return rc;
}

int
jwks_load(struct keyset *ks, const char *path, struct jwks_report *rep,
    char *err, size_t errsz)
{
	struct textfile	 tf;
	int		 rc = -1;

	if (rep != NULL) {
		const int	*cancel = rep->cancel;

		memset(rep, 0, sizeof(*rep));
		rep->cancel = cancel;
	}
	if (textfile_read(path, JSONPARSE_MAX_TEXT, 0, &tf, err,
	    errsz) == TEXTFILE_OK)
		rc = jwks_parse(ks, tf.text, tf.len, rep, err, errsz);
	/* The version read, even when refused: see keystore.c's retry. */
	if (rep != NULL)
		rep->sb = tf.st;
	textfile_free(&tf);
	return rc;
}

/*
 * The JWKS reader (src/auth/jwks.c): SUPABASE_JWKS_FILE's text into
 * public keys. The file is trusted more than a token, but it is fetched
 * over the network by whoever deploys it, so it is parsed as untrusted.
 *
 * Whatever the input: no crash, no leak. A refused document leaves the
 * keyset exactly as it was (here: the legacy HS256 secret alone). An
 * accepted one adds as many keys as it says, at most JWKS_MAX_KEYS, each
 * with one asymmetric algorithm, a kid of jwt.c's alphabet unique in the
 * set, and the key material its algorithm needs (a P-256 EVP_PKEY for
 * ES256, an RSA one of 2048 to 4096 bits for RS256, a valid Ed25519 point
 * for EdDSA). keyset_find answers a kid with exactly that key, never with
 * the HS256 secret, and HS256 with the secret whatever the kid: a JWKS
 * can never add an HMAC key. An all-zero signature verifies with none.
 */
#include <stdint.h>
#include <string.h>

#include <openssl/evp.h>
#include <sodium.h>

#include "auth/jwks.h"
#include "auth/jwt.h"
#include "auth/keys.h"
#include "auth/sig.h"
#include "fuzz.h"
#include "jsonparse.h"

#define IN_MAX	((size_t)64 * 1024)	/* a real JWKS is a few KiB */
#define SECRET	"super-secret-jwt-token-with-at-least-32-characters-long"

static void	check_key(const struct keyset *, const struct key *);

static void
check_key(const struct keyset *ks, const struct key *k)
{
	static const unsigned char	 zero[SIG_RSA_MAX_BITS / 8];
	static const char		 msg[] = "eyJhbGciOiJFUzI1NiJ9.e30";
	size_t				 len = strnlen(k->kid, sizeof(k->kid));

	FUZZ_CHECK(len > 0 && len <= JWT_KID_MAX);
	FUZZ_CHECK(jwt_kid_valid(k->kid, len));
	FUZZ_CHECK(keyset_find(ks, k->alg, k->kid) == k);
	FUZZ_CHECK(keyset_find(ks, JWT_ALG_HS256, k->kid) == &ks->keys[0]);
	switch (k->alg) {
	case JWT_ALG_ES256:
		FUZZ_CHECK(k->pkey != NULL &&
		    EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_EC &&
		    EVP_PKEY_get_bits(k->pkey) == 256);
		FUZZ_CHECK(sig_verify_es256(k->pkey, msg, sizeof(msg) - 1,
		    zero, SIG_ES256_LEN) == -1);
		break;
	case JWT_ALG_RS256:
		FUZZ_CHECK(k->pkey != NULL &&
		    EVP_PKEY_get_base_id(k->pkey) == EVP_PKEY_RSA &&
		    EVP_PKEY_get_bits(k->pkey) >= SIG_RSA_MIN_BITS &&
		    EVP_PKEY_get_bits(k->pkey) <= SIG_RSA_MAX_BITS);
		FUZZ_CHECK(sig_verify_rs256(k->pkey, msg, sizeof(msg) - 1,
		    zero, (size_t)EVP_PKEY_get_size(k->pkey)) == -1);
		break;
	case JWT_ALG_EDDSA:
		FUZZ_CHECK(k->pkey == NULL);
		FUZZ_CHECK(sig_ed25519_key_check(k->ed25519) == 0);
		FUZZ_CHECK(sig_verify_ed25519(k->ed25519, msg,
		    sizeof(msg) - 1, zero, SIG_ED25519_LEN) == -1);
		break;
	default:
		fuzz_fail(__FILE__, __LINE__, "a JWKS key of alg HS256");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int			 ready;
	struct json_doc			 doc;
	struct keyset			 ks;
	char				 err[256];
	size_t				 i, j;
	int				 n;

	if (!ready) {
		FUZZ_CHECK(sodium_init() >= 0);
		ready = 1;
	}
	if (size > IN_MAX)
		size = IN_MAX;
	memset(&ks, 0, sizeof(ks));
	FUZZ_CHECK(keyset_add_hs256(&ks, (const unsigned char *)SECRET,
	    strlen(SECRET)) == 0);

	err[0] = '\0';
	n = jwks_parse(&ks, (const char *)data, size, NULL, err, sizeof(err));
	if (n == -1) {
		FUZZ_CHECK(ks.n == 1 && err[0] != '\0');
	} else {
		/* Accepted text is strict JSON on its own. */
		FUZZ_CHECK(json_parse(&doc, (const char *)data, size) == 0);
		json_doc_free(&doc);
		FUZZ_CHECK(n <= JWKS_MAX_KEYS && ks.n == 1 + (size_t)n);
	}
	FUZZ_CHECK(ks.keys[0].alg == JWT_ALG_HS256 &&
	    ks.keys[0].kid[0] == '\0' && ks.keys[0].pkey == NULL);
	FUZZ_CHECK(keyset_find(&ks, JWT_ALG_HS256, NULL) == &ks.keys[0]);
	for (i = 1; i < ks.n; i++) {
		check_key(&ks, &ks.keys[i]);
		for (j = 1; j < i; j++)
			FUZZ_CHECK(strcmp(ks.keys[i].kid, ks.keys[j].kid) != 0);
	}
	keyset_free(&ks);
	return 0;
}

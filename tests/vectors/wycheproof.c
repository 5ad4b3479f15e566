/*
 * Project Wycheproof vectors (C2SP/wycheproof, testvectors_v1, see the
 * README beside them) against the signature primitives a token's
 * signature meets: src/auth/sig.h (ES256, RS256, EdDSA, and the key
 * checks the JWKS loader applies) and src/auth/hs256.h (HS256).
 *
 * A vector passes when our outcome is the one it calls for: "valid"
 * verifies, "invalid" is refused, "acceptable" follows the choice
 * documented in the choices[] table below. Two deliberate departures,
 * each counted as a pass when we refuse:
 *  - HMAC vectors with tags shorter than 256 bits are "valid" truncated
 *    MACs to Wycheproof, but a JWS HS256 signature is always the full 32
 *    bytes (RFC 7518 3.2): hs256_verify refuses any other length, so a
 *    token cannot be forged by guessing a short prefix.
 *  - RSA keys under 2048 bits, if a file had any, are refused when the
 *    key is built (RFC 7518 3.3 requires 2048), so their "valid"
 *    signatures are refused too. The current file has none.
 *
 * usage: wycheproof [DIR]   (else $WYCHEPROOF_DIR, else
 *        tests/vectors/wycheproof from the repository root, where the
 *        files are vendored so that a bare clone runs them)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "auth/b64url.h"
#include "auth/hs256.h"
#include "auth/sig.h"

#define DEFAULT_DIR	"tests/vectors/wycheproof"

struct tally {
	int	 passed, failed;
	int	 valid, invalid, acceptable;
	int	 departures;	/* "valid" vectors we refuse on purpose */
};

/*
 * "acceptable" vectors: legal but dubious inputs, where Wycheproof lets
 * the implementation choose. Each flag seen with "acceptable" must be
 * here, or the vector counts as failed.
 */
static const struct choice {
	const char	*flag;
	int		 accept;
	const char	*why;
} choices[] = {
	/*
	 * RSASSA-PKCS1-v1_5 with a DigestInfo whose AlgorithmIdentifier
	 * lacks the NULL parameter. RFC 8017 9.2 (note 1) spells out one
	 * DER encoding per hash, with the NULL, and that is what JWS
	 * signers produce. We refuse the legacy form: OpenSSL compares the
	 * whole re-encoded block, so no ASN.1 is parsed from the signature
	 * and a message has one valid signature per key.
	 */
	{ "MissingNull", 0, "RSA DigestInfo without NULL: refused" },
};

/* Hex member name of o, decoded into a new buffer (never NULL on 0). */
static int
hex_member(struct json_object *o, const char *name, unsigned char **out,
    size_t *len)
{
	struct json_object	*v;
	const char		*hex, *end = NULL;
	size_t			 hexlen;

	*out = NULL;
	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return -1;
	hex = json_object_get_string(v);
	hexlen = strlen(hex);
	if ((*out = malloc(hexlen / 2 + 1)) == NULL)
		return -1;
	if (sodium_hex2bin(*out, hexlen / 2 + 1, hex, hexlen, NULL, len,
	    &end) != 0 || end != hex + hexlen) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static const char *
str_member(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
int_member(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (!json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int(v);
}

/*
 * What we must do with test t: 1 accept, 0 refuse, -1 no documented
 * choice. depart: a "valid" vector that the JWS rules make us refuse.
 */
static int
expected(struct json_object *t, int depart, struct tally *ty)
{
	struct json_object	*flags, *f;
	const char		*result = str_member(t, "result");
	size_t			 i, j;

	if (result == NULL)
		return -1;
	if (strcmp(result, "valid") == 0) {
		ty->valid++;
		if (depart) {
			ty->departures++;
			return 0;
		}
		return 1;
	}
	if (strcmp(result, "invalid") == 0) {
		ty->invalid++;
		return 0;
	}
	if (strcmp(result, "acceptable") != 0)
		return -1;
	ty->acceptable++;
	if (!json_object_object_get_ex(t, "flags", &flags) ||
	    !json_object_is_type(flags, json_type_array))
		return -1;
	for (i = 0; i < json_object_array_length(flags); i++) {
		f = json_object_array_get_idx(flags, i);
		for (j = 0; j < sizeof(choices) / sizeof(choices[0]); j++)
			if (json_object_is_type(f, json_type_string) &&
			    strcmp(json_object_get_string(f),
			    choices[j].flag) == 0)
				return choices[j].accept;
	}
	return -1;
}

/* Count one vector: verified is what our primitive said. */
static void
judge(const char *file, struct json_object *t, int verified, int depart,
    struct tally *ty)
{
	int	 want = expected(t, depart, ty);

	if (want == verified) {
		ty->passed++;
		return;
	}
	ty->failed++;
	fprintf(stderr, "%s tcId %d (%s, %s): %s\n", file,
	    int_member(t, "tcId"), str_member(t, "result"),
	    str_member(t, "comment"), want == -1 ?
	    "no documented choice for this acceptable vector" :
	    verified ? "verified, must be refused" :
	    "refused, must verify");
}

/* Test inputs: message, signature or tag; 0 when both decode. */
static int
msg_sig(struct json_object *t, const char *signame, unsigned char **msg,
    size_t *msglen, unsigned char **sig, size_t *siglen)
{
	*sig = NULL;
	if (hex_member(t, "msg", msg, msglen) == -1)
		return -1;
	if (hex_member(t, signame, sig, siglen) == -1) {
		free(*msg);
		*msg = NULL;
		return -1;
	}
	return 0;
}

/* The test groups of a file, or NULL (and one failure) when unreadable. */
static struct json_object *
load(const char *dir, const char *file, struct json_object **root,
    struct tally *ty)
{
	struct json_object	*groups;
	char			 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if ((*root = json_object_from_file(path)) == NULL ||
	    !json_object_object_get_ex(*root, "testGroups", &groups) ||
	    !json_object_is_type(groups, json_type_array)) {
		fprintf(stderr, "%s: cannot read the vectors\n", path);
		ty->failed++;
		json_object_put(*root);
		*root = NULL;
		return NULL;
	}
	return groups;
}

/* Says whether sig is a valid signature (or tag) of msg under key. */
typedef int (*check_fn)(void *key, const unsigned char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen);

/* Run test t through check() with key, or refuse it when key is NULL. */
static void
run_test(const char *file, struct json_object *t, const char *signame,
    check_fn check, void *key, int depart_valid, struct tally *ty)
{
	unsigned char	*msg, *sig;
	size_t		 msglen = 0, siglen = 0;

	if (msg_sig(t, signame, &msg, &msglen, &sig, &siglen) == -1) {
		fprintf(stderr, "%s tcId %d: bad hex\n", file,
		    int_member(t, "tcId"));
		ty->failed++;
		return;
	}
	/* A key we refused to build verifies nothing. */
	judge(file, t, key != NULL && check(key, msg, msglen, sig,
	    siglen) == 0, depart_valid, ty);
	free(msg);
	free(sig);
}

static void
run_group(const char *file, struct json_object *g, const char *signame,
    check_fn check, void *key, int depart_valid, struct tally *ty)
{
	struct json_object	*tests;
	size_t			 i;

	if (!json_object_object_get_ex(g, "tests", &tests) ||
	    !json_object_is_type(tests, json_type_array)) {
		fprintf(stderr, "%s: a group without tests\n", file);
		ty->failed++;
		return;
	}
	for (i = 0; i < json_object_array_length(tests); i++)
		run_test(file, json_object_array_get_idx(tests, i), signame,
		    check, key, depart_valid, ty);
}

static int
check_es256(void *key, const unsigned char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen)
{
	return sig_verify_es256(key, msg, msglen, sig, siglen);
}

static int
check_rs256(void *key, const unsigned char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen)
{
	return sig_verify_rs256(key, msg, msglen, sig, siglen);
}

static int
check_ed25519(void *key, const unsigned char *msg, size_t msglen,
    const unsigned char *sig, size_t siglen)
{
	return sig_verify_ed25519(key, msg, msglen, sig, siglen);
}

static int
check_hs256(void *key, const unsigned char *msg, size_t msglen,
    const unsigned char *tag, size_t taglen)
{
	return hs256_verify(key, msg, msglen, tag, taglen);
}

/* ES256: keys given as the uncompressed point, built as a JWK's are. */
static void
run_ecdsa(const char *dir, struct tally *ty)
{
	static const char	 file[] =
	    "ecdsa_secp256r1_sha256_p1363_test.json";
	struct json_object	*root, *groups, *g, *pk;
	unsigned char		*pt;
	EVP_PKEY		*pkey;
	size_t			 i, len = 0;

	if ((groups = load(dir, file, &root, ty)) == NULL)
		return;
	for (i = 0; i < json_object_array_length(groups); i++) {
		g = json_object_array_get_idx(groups, i);
		pkey = NULL;
		if (json_object_object_get_ex(g, "publicKey", &pk) &&
		    hex_member(pk, "uncompressed", &pt, &len) == 0) {
			if (len == 1 + 2 * SIG_EC_COORD_LEN && pt[0] == 0x04)
				pkey = sig_es256_key(pt + 1,
				    pt + 1 + SIG_EC_COORD_LEN);
			free(pt);
		}
		run_group(file, g, "sig", check_es256, pkey, 0, ty);
		EVP_PKEY_free(pkey);
	}
	json_object_put(root);
}

/* A base64url member of a JWK, as the JWKS loader reads it. */
static int
b64_member(struct json_object *o, const char *name, unsigned char *out,
    size_t cap, size_t *len)
{
	const char	*s = str_member(o, name);

	return s == NULL ? -1 : b64url_decode(out, cap, len, s, strlen(s));
}

/* RS256: keys from the group's JWK n and e, through the loader's checks. */
static void
run_rsa(const char *dir, struct tally *ty)
{
	static const char	 file[] = "rsa_signature_2048_sha256_test.json";
	struct json_object	*root, *groups, *g, *jwk;
	unsigned char		 n[SIG_RSA_MAX_BITS / 8 + 1], e[16];
	const char		*why = "";
	EVP_PKEY		*pkey;
	size_t			 i, nlen = 0, elen = 0;
	int			 bits;

	if ((groups = load(dir, file, &root, ty)) == NULL)
		return;
	for (i = 0; i < json_object_array_length(groups); i++) {
		g = json_object_array_get_idx(groups, i);
		bits = int_member(g, "keySize");
		pkey = NULL;
		if (json_object_object_get_ex(g, "keyJwk", &jwk) &&
		    b64_member(jwk, "n", n, sizeof(n), &nlen) == 0 &&
		    b64_member(jwk, "e", e, sizeof(e), &elen) == 0 &&
		    (pkey = sig_rs256_key(n, nlen, e, elen, &why)) == NULL &&
		    bits >= SIG_RSA_MIN_BITS)
			fprintf(stderr, "%s group %zu: key refused: %s\n",
			    file, i, why);
		if (pkey != NULL && EVP_PKEY_get_bits(pkey) != bits) {
			fprintf(stderr, "%s group %zu: %d-bit key, not %d\n",
			    file, i, EVP_PKEY_get_bits(pkey), bits);
			ty->failed++;
		}
		run_group(file, g, "sig", check_rs256, pkey,
		    bits < SIG_RSA_MIN_BITS, ty);
		EVP_PKEY_free(pkey);
	}
	json_object_put(root);
}

/* HS256: one key per test; short tags are refused (see the top). */
static void
run_hmac(const char *dir, struct tally *ty)
{
	static const char	 file[] = "hmac_sha256_test.json";
	struct json_object	*root, *groups, *g, *tests;
	struct hs256_key	 k;
	unsigned char		*key;
	size_t			 i, j, keylen = 0;
	int			 tagbits;

	if ((groups = load(dir, file, &root, ty)) == NULL)
		return;
	for (i = 0; i < json_object_array_length(groups); i++) {
		g = json_object_array_get_idx(groups, i);
		tagbits = int_member(g, "tagSize");
		if (!json_object_object_get_ex(g, "tests", &tests))
			continue;
		for (j = 0; j < json_object_array_length(tests); j++) {
			struct json_object *t = json_object_array_get_idx(tests,
			    j);

			if (hex_member(t, "key", &key, &keylen) == -1 ||
			    hs256_key_init(&k, key, keylen) == -1) {
				fprintf(stderr, "%s tcId %d: no key\n", file,
				    int_member(t, "tcId"));
				ty->failed++;
				free(key);
				continue;
			}
			run_test(file, t, "tag", check_hs256, &k,
			    tagbits != 8 * HS256_TAG_LEN, ty);
			hs256_key_free(&k);
			sodium_memzero(key, keylen);
			free(key);
		}
	}
	json_object_put(root);
}

/* EdDSA: the raw 32-byte key, checked as the JWKS loader checks it. */
static void
run_ed25519(const char *dir, struct tally *ty)
{
	static const char	 file[] = "ed25519_test.json";
	struct json_object	*root, *groups, *g, *pk;
	unsigned char		*pub;
	size_t			 i, len = 0;
	int			 ok;

	if ((groups = load(dir, file, &root, ty)) == NULL)
		return;
	for (i = 0; i < json_object_array_length(groups); i++) {
		g = json_object_array_get_idx(groups, i);
		pub = NULL;
		ok = json_object_object_get_ex(g, "publicKey", &pk) &&
		    hex_member(pk, "pk", &pub, &len) == 0 &&
		    len == SIG_ED25519_KEY_LEN &&
		    sig_ed25519_key_check(pub) == 0;
		if (!ok)
			fprintf(stderr, "%s group %zu: key refused\n", file,
			    i);
		run_group(file, g, "sig", check_ed25519, ok ? pub : NULL, 0,
		    ty);
		free(pub);
	}
	json_object_put(root);
}

static const struct suite {
	const char	*file;
	void		(*run)(const char *, struct tally *);
} suites[] = {
	{ "ecdsa_secp256r1_sha256_p1363_test.json", run_ecdsa },
	{ "rsa_signature_2048_sha256_test.json", run_rsa },
	{ "hmac_sha256_test.json", run_hmac },
	{ "ed25519_test.json", run_ed25519 },
};

int
main(int argc, char *argv[])
{
	const char	*dir = DEFAULT_DIR, *env = getenv("WYCHEPROOF_DIR");
	struct tally	 ty, total;
	size_t		 i;

	if (argc > 2) {
		fprintf(stderr, "usage: wycheproof [DIR]\n");
		return 2;
	}
	if (argc == 2)
		dir = argv[1];
	else if (env != NULL && *env != '\0')
		dir = env;
	memset(&total, 0, sizeof(total));
	if (sodium_init() < 0) {
		fprintf(stderr, "cannot initialise libsodium\n");
		return 1;
	}
	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		memset(&ty, 0, sizeof(ty));
		suites[i].run(dir, &ty);
		printf("  %-40s %3d passed, %d failed (valid %d, invalid %d, "
		    "acceptable %d; valid but refused by JWS rules %d)\n",
		    suites[i].file, ty.passed, ty.failed, ty.valid,
		    ty.invalid, ty.acceptable, ty.departures);
		total.passed += ty.passed;
		total.failed += ty.failed;
	}
	printf("%d passed, %d failed\n", total.passed, total.failed);
	return total.failed != 0 || total.passed == 0;
}

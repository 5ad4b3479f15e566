/*
 * The token path of a request, without the network: jwt_parse, then
 * jwt_verify against a keyset holding one HS256 secret, then claims_check
 * under two fixed rule sets. Nothing may crash or leak, whatever arrives.
 *
 * Each input is used twice.
 *  1. As a token. Every refusal is one of the parse reasons and leaves
 *     nothing to free; a parsed token verifies exactly when an independent
 *     HMAC-SHA256 (libsodium's one-shot API, not src/auth/hs256.c) of its
 *     signing input equals its 32-byte signature.
 *  2. As payload bytes, signed with the secret into a token built here.
 *     That token parses exactly when the payload alone is a JSON object
 *     for json_parse; it then verifies, carries an equal payload,
 *     gets the same claims verdict (and user) as the payload parsed
 *     directly, and is byte for byte what jwt_sign_hs256 makes. Variants
 *     are refused: a flipped signature bit, another secret, a signature one
 *     character short or long, and alg "none".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth/b64url.h"
#include "auth/claims.h"
#include "auth/hs256.h"
#include "auth/jwt.h"
#include "auth/jwt_verify.h"
#include "auth/keys.h"
#include "fuzz.h"
#include "jsonparse.h"
#include "display_name.h"
#include "token/jwt_sign.h"

/* The Supabase CLI's local development secret. */
#define SECRET		"super-secret-jwt-token-with-at-least-32-characters-long"
#define OTHER_SECRET	"another-secret-that-must-never-verify-these-tokens"
#define ISSUER		"https://abcdefghijklmnopqrst.supabase.co/auth/v1"
#define NOW		1764000000L	/* 2025-11-24T16:00:00Z */

/* A token a little past JWT_MAX_LEN, so the size refusal is reached too. */
#define TOKEN_IN_MAX	(JWT_MAX_LEN + 64)
/* Payload bytes: their signed token always stays under JWT_MAX_LEN. */
#define PAYLOAD_MAX	4096

/* What jwt_sign_hs256 writes, and what Supabase's HS256 tokens carry. */
static const char	 hs256_header[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
static const char	 none_header[] = "{\"alg\":\"none\",\"typ\":\"JWT\"}";

static const struct claims_rules rules[] = {
	{ .now = NOW, .leeway = 30, .issuer = ISSUER,
	  .allow_anonymous = false, .default_role = ROLE_VIEWER },
	{ .now = NOW, .leeway = 0, .issuer = NULL,
	  .allow_anonymous = true, .default_role = ROLE_CONTESTANT },
};
#define NRULES	(sizeof(rules) / sizeof(rules[0]))

static struct keyset	 keyset;	/* SECRET, unnamed */
static struct hs256_key	 sign_key;	/* SECRET, for jwt_sign_hs256 */

struct verdict {
	enum jwt_err	 e;
	struct user	 u;
};

static void	setup(void);
static void	mac(const char *secret, const char *msg, size_t len,
		    unsigned char tag[crypto_auth_hmacsha256_BYTES]);
static char	*build(const char *header, const uint8_t *payload, size_t len,
		    const char *secret, int flip, int sig_delta);
static void	check_user(const struct user *);
static void	run_claims(const struct json_value *, struct verdict[NRULES]);
static void	same_verdicts(const struct verdict *, const struct verdict *);
static int	b64url_char(char);
static void	as_token(const uint8_t *, size_t);
static void	as_payload(const uint8_t *, size_t);

static void
setup(void)
{
	static int	 ready;

	if (ready)
		return;
	FUZZ_CHECK(sodium_init() >= 0);
	FUZZ_CHECK(keyset_add_hs256(&keyset, (const unsigned char *)SECRET,
	    strlen(SECRET)) == 0);
	FUZZ_CHECK(hs256_key_init(&sign_key, (const unsigned char *)SECRET,
	    strlen(SECRET)) == 0);
	ready = 1;
}

/* HMAC-SHA256 with a key of any length, through libsodium alone. */
static void
mac(const char *secret, const char *msg, size_t len,
    unsigned char tag[crypto_auth_hmacsha256_BYTES])
{
	crypto_auth_hmacsha256_state	 st;

	crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret,
	    strlen(secret));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)msg, len);
	crypto_auth_hmacsha256_final(&st, tag);
}

/*
 * b64url(header) "." b64url(payload) "." b64url(HMAC), NUL-terminated and
 * malloc'd. flip >= 0 flips that bit of the MAC; sig_delta -1 drops the
 * signature's last character, +1 appends an 'A'.
 */
static char *
build(const char *header, const uint8_t *payload, size_t len,
    const char *secret, int flip, int sig_delta)
{
	unsigned char	 tag[crypto_auth_hmacsha256_BYTES];
	size_t		 hlen = strlen(header), cap, at, n;
	char		*tok;

	cap = B64URL_ENCODED_SIZE(hlen) + 1 + B64URL_ENCODED_SIZE(len) + 1 +
	    B64URL_ENCODED_SIZE(sizeof(tag)) + 1;
	tok = malloc(cap);
	FUZZ_CHECK(tok != NULL);
	at = b64url_encode(tok, cap, (const unsigned char *)header, hlen);
	tok[at++] = '.';
	at += b64url_encode(tok + at, cap - at, payload, len);
	mac(secret, tok, at, tag);
	if (flip >= 0)
		tag[(flip / 8) % sizeof(tag)] ^= (unsigned char)(1u << (flip % 8));
	tok[at++] = '.';
	n = b64url_encode(tok + at, cap - at, tag, sizeof(tag));
	FUZZ_CHECK(n == 43);
	at += n;
	if (sig_delta < 0)
		at--;
	else if (sig_delta > 0)
		tok[at++] = 'A';
	tok[at] = '\0';
	return tok;
}

/* What claims_check hands on must be fit for a LiveKit token. */
static void
check_user(const struct user *u)
{
	char	 again[DISPLAY_NAME_SIZE];
	size_t	 i, n = strnlen(u->id, sizeof(u->id));

	FUZZ_CHECK(n > 0 && n <= USER_ID_MAX);
	for (i = 0; i < n; i++)
		FUZZ_CHECK(u->id[i] > 0x20 && u->id[i] < 0x7f);
	FUZZ_CHECK((unsigned)u->role < ROLE__MAX);
	if (u->has_name) {
		n = strnlen(u->name, sizeof(u->name));
		FUZZ_CHECK(n < sizeof(u->name));
		FUZZ_CHECK(display_name_parse(u->name, n, again) == 0);
		FUZZ_CHECK(strcmp(again, u->name) == 0);
	}
}

/* claims_check under each rule set; a claims verdict is stable. */
static void
run_claims(const struct json_value *payload, struct verdict v[NRULES])
{
	struct verdict	 twice;
	size_t		 i;

	for (i = 0; i < NRULES; i++) {
		v[i].e = claims_check(payload, &rules[i], &v[i].u);
		FUZZ_CHECK((unsigned)v[i].e < JWT_ERR__MAX);
		FUZZ_CHECK(v[i].e == JWT_OK || v[i].e >= JWT_ERR_EXPIRED);
		if (v[i].e == JWT_OK)
			check_user(&v[i].u);
		twice.e = claims_check(payload, &rules[i], &twice.u);
		same_verdicts(&v[i], &twice);
	}
}

static void
same_verdicts(const struct verdict *a, const struct verdict *b)
{
	FUZZ_CHECK(a->e == b->e);
	if (a->e != JWT_OK)
		return;
	FUZZ_CHECK(strcmp(a->u.id, b->u.id) == 0);
	FUZZ_CHECK(a->u.role == b->u.role);
	FUZZ_CHECK(a->u.has_name == b->u.has_name);
	FUZZ_CHECK(strcmp(a->u.name, b->u.name) == 0);
}

/* Two parses of one text: the same tree, member for member. */
static int
same_tree(const struct json_value *a, const struct json_value *b)
{
	if (a->type != b->type || a->len != b->len ||
	    a->name_len != b->name_len ||
	    (a->name != NULL && memcmp(a->name, b->name, a->name_len) != 0))
		return 0;
	switch (a->type) {
	case JSON_BOOL:
		return a->u.boolean == b->u.boolean;
	case JSON_INT:
		return a->u.integer == b->u.integer;
	case JSON_REAL:
		return memcmp(&a->u.real, &b->u.real, sizeof(a->u.real)) == 0;
	case JSON_STRING:
		return memcmp(a->u.string, b->u.string, a->len + 1) == 0;
	case JSON_ARRAY:
	case JSON_OBJECT:
		for (a = a->u.first, b = b->u.first; a != NULL && b != NULL;
		    a = a->next, b = b->next)
			if (!same_tree(a, b))
				return 0;
		return a == NULL && b == NULL;
	default:
		return 1;
	}
}

static int
b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static void
as_token(const uint8_t *data, size_t size)
{
	unsigned char	 want[crypto_auth_hmacsha256_BYTES];
	char		 canon[B64URL_ENCODED_SIZE(JWT_SIG_MAX)];
	const char	*sig_text;
	size_t		 sig_text_len, i;
	struct verdict	 v[NRULES];
	struct jwt	 t;
	const char	*tok = (const char *)data;
	enum jwt_err	 e;
	bool		 good;

	if (size > TOKEN_IN_MAX)
		size = TOKEN_IN_MAX;
	e = jwt_parse(tok, size, &t);
	FUZZ_CHECK((unsigned)e < JWT_ERR__MAX);
	if (size > JWT_MAX_LEN)
		FUZZ_CHECK(e == JWT_ERR_TOO_LARGE);
	/* A Supabase API key is named as such, and nothing else is. */
	FUZZ_CHECK((e == JWT_ERR_API_KEY) == (size <= JWT_MAX_LEN &&
	    ((size > 15 && memcmp(tok, "sb_publishable_", 15) == 0) ||
	    (size > 10 && memcmp(tok, "sb_secret_", 10) == 0))));
	if (e != JWT_OK) {
		FUZZ_CHECK((e <= JWT_ERR_SIGNATURE && e != JWT_ERR_NO_KEY) ||
		    e == JWT_ERR_API_KEY);
		FUZZ_CHECK(t.payload == NULL);	/* nothing to free */
		return;
	}
	FUZZ_CHECK((unsigned)t.alg < JWT_ALG__MAX);
	FUZZ_CHECK(json_is(t.payload, JSON_OBJECT));
	FUZZ_CHECK(t.signing_input == tok);
	FUZZ_CHECK(t.signing_input_len > 0 && t.signing_input_len < size);
	FUZZ_CHECK(tok[t.signing_input_len] == '.');
	FUZZ_CHECK(t.sig_len <= sizeof(t.sig));
	if (t.has_kid)
		FUZZ_CHECK(strnlen(t.kid, sizeof(t.kid)) > 0 &&
		    strnlen(t.kid, sizeof(t.kid)) <= JWT_KID_MAX);
	/* One token, one spelling: the signature segment is exactly the
	 * canonical encoding of the signature bytes, and the other two are
	 * base64url text. */
	sig_text = tok + t.signing_input_len + 1;
	sig_text_len = size - t.signing_input_len - 1;
	FUZZ_CHECK(b64url_encode(canon, sizeof(canon), t.sig, t.sig_len) ==
	    sig_text_len);
	FUZZ_CHECK(memcmp(canon, sig_text, sig_text_len) == 0);
	for (i = 0; i < t.signing_input_len; i++)
		FUZZ_CHECK(b64url_char(tok[i]) || tok[i] == '.');

	e = jwt_verify(&t, &keyset);
	if (t.alg == JWT_ALG_HS256) {
		mac(SECRET, t.signing_input, t.signing_input_len, want);
		good = t.sig_len == sizeof(want) &&
		    memcmp(t.sig, want, sizeof(want)) == 0;
		FUZZ_CHECK(e == (good ? JWT_OK : JWT_ERR_SIGNATURE));
	} else
		FUZZ_CHECK(e != JWT_OK);	/* no key of any other alg */

	/* Only verified payloads reach claims in the service, but the
	 * checks must hold for any object. */
	run_claims(t.payload, v);
	jwt_free(&t);
	FUZZ_CHECK(t.payload == NULL);
}

static void
as_payload(const uint8_t *data, size_t size)
{
	struct verdict		 direct[NRULES], signed_[NRULES];
	struct json_doc		 obj;
	struct jwt		 t;
	char			*tok, *bad, *ours;
	enum jwt_err		 e;
	size_t			 i;
	int			 ok, flip;

	if (size > PAYLOAD_MAX)
		size = PAYLOAD_MAX;
	ok = json_parse(&obj, (const char *)data, size) == 0;

	tok = build(hs256_header, data, size, SECRET, -1, 0);
	e = jwt_parse(tok, strlen(tok), &t);
	if (size == 0)
		FUZZ_CHECK(e == JWT_ERR_MALFORMED);	/* empty segment */
	else if (!ok)
		FUZZ_CHECK(e == JWT_ERR_JSON);
	else
		FUZZ_CHECK(e == JWT_OK);
	if (e != JWT_OK) {
		FUZZ_CHECK(t.payload == NULL);
		json_doc_free(&obj);
		free(tok);
		return;
	}

	FUZZ_CHECK(t.alg == JWT_ALG_HS256 && !t.has_kid);
	FUZZ_CHECK(jwt_verify(&t, &keyset) == JWT_OK);
	FUZZ_CHECK(same_tree(t.payload, obj.root));
	run_claims(t.payload, signed_);
	run_claims(obj.root, direct);
	for (i = 0; i < NRULES; i++)
		same_verdicts(&direct[i], &signed_[i]);
	jwt_free(&t);

	/* The service's own signer makes the very same token. */
	ours = jwt_sign_hs256(&sign_key, (const char *)data, size);
	FUZZ_CHECK(ours != NULL);
	FUZZ_CHECK(strcmp(ours, tok) == 0);
	free(ours);

	/* One flipped bit of the MAC, chosen by the input. */
	flip = (int)((data[0] + size) %
	    ((size_t)8 * crypto_auth_hmacsha256_BYTES));
	bad = build(hs256_header, data, size, SECRET, flip, 0);
	FUZZ_CHECK(jwt_parse(bad, strlen(bad), &t) == JWT_OK);
	FUZZ_CHECK(jwt_verify(&t, &keyset) == JWT_ERR_SIGNATURE);
	jwt_free(&t);
	free(bad);

	/* Signed with a secret we do not hold. */
	bad = build(hs256_header, data, size, OTHER_SECRET, -1, 0);
	FUZZ_CHECK(jwt_parse(bad, strlen(bad), &t) == JWT_OK);
	FUZZ_CHECK(jwt_verify(&t, &keyset) == JWT_ERR_SIGNATURE);
	jwt_free(&t);
	free(bad);

	/* A signature one character short or long never parses. */
	bad = build(hs256_header, data, size, SECRET, -1, -1);
	e = jwt_parse(bad, strlen(bad), &t);
	FUZZ_CHECK(e == JWT_ERR_BASE64 || e == JWT_ERR_SIGNATURE);
	free(bad);
	bad = build(hs256_header, data, size, SECRET, -1, +1);
	e = jwt_parse(bad, strlen(bad), &t);
	FUZZ_CHECK(e == JWT_ERR_BASE64 || e == JWT_ERR_SIGNATURE);
	free(bad);

	/* alg "none" is refused, even with the right MAC attached. */
	bad = build(none_header, data, size, SECRET, -1, 0);
	FUZZ_CHECK(jwt_parse(bad, strlen(bad), &t) == JWT_ERR_ALG);
	free(bad);

	json_doc_free(&obj);
	free(tok);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup();
	as_token(data, size);
	as_payload(data, size);
	return 0;
}

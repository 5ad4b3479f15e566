#include <string.h>

#include "auth/claims.h"
#include "display_name.h"

/* Far enough for any real token, small enough that exp + leeway can't wrap. */
#define TIME_MAX	(1L << 40)

/*
 * A NumericDate (RFC 7519 2): here a whole number of seconds. Floats,
 * strings and out-of-range values are refused rather than coerced.
 * Returns 1 when present and valid, 0 when absent, -1 when malformed.
 */
static int
numeric_date(const struct json_value *payload, const char *name, long *out)
{
	const struct json_value	*v;

	if ((v = json_member(payload, name)) == NULL)
		return 0;
	if (v->type != JSON_INT || v->u.integer < 0 ||
	    v->u.integer > TIME_MAX)
		return -1;
	*out = (long)v->u.integer;
	return 1;
}

static const char *
string_claim(const struct json_value *o, const char *name)
{
	return json_string(json_member(o, name));
}

static enum jwt_err
check_times(const struct json_value *p, const struct claims_rules *r)
{
	long	 exp, t;
	int	 rc;

	if (numeric_date(p, "exp", &exp) != 1)
		return JWT_ERR_CLAIM;	/* exp is required */
	/* RFC 7519 4.1.4: valid only *before* exp (plus the leeway). */
	if (r->now >= exp + r->leeway)
		return JWT_ERR_EXPIRED;
	if ((rc = numeric_date(p, "nbf", &t)) == -1)
		return JWT_ERR_CLAIM;
	if (rc == 1 && t > r->now + r->leeway)
		return JWT_ERR_NOT_YET_VALID;
	if ((rc = numeric_date(p, "iat", &t)) == -1)
		return JWT_ERR_CLAIM;
	if (rc == 1 && t > r->now + r->leeway)
		return JWT_ERR_NOT_YET_VALID;
	return JWT_OK;
}

/* aud is "authenticated", or an array that contains it (RFC 7519 4.1.3). */
static enum jwt_err
check_audience(const struct json_value *p)
{
	const struct json_value	*aud, *v;
	const char		*s;

	if ((aud = json_member(p, "aud")) == NULL)
		return JWT_ERR_AUDIENCE;
	if ((s = json_string(aud)) != NULL)
		return strcmp(s, "authenticated") == 0 ?
		    JWT_OK : JWT_ERR_AUDIENCE;
	if (aud->type != JSON_ARRAY)
		return JWT_ERR_AUDIENCE;
	for (v = aud->u.first; v != NULL; v = v->next)
		if ((s = json_string(v)) != NULL &&
		    strcmp(s, "authenticated") == 0)
			return JWT_OK;
	return JWT_ERR_AUDIENCE;
}

static int
user_id_valid(const char *s)
{
	size_t	 i, n = strlen(s);

	if (n == 0 || n > USER_ID_MAX)
		return 0;
	/* Printable ASCII only: it is the LiveKit identity and goes in logs. */
	for (i = 0; i < n; i++)
		if (s[i] <= 0x20 || s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Try a display name candidate; returns 1 when it was usable. */
static int
try_name(struct user *u, const char *s)
{
	if (s == NULL || u->has_name)
		return u->has_name;
	if (display_name_parse(s, strlen(s), u->name) == 0)
		u->has_name = true;
	return u->has_name;
}

static void
pick_name(const struct json_value *p, struct user *u)
{
	/* NULL unless an object: json_member finds nothing in it then. */
	const struct json_value	*meta = json_member(p, "user_metadata");
	const char		*email;
	char			 local[DISPLAY_NAME_SIZE];
	size_t			 n;

	if (try_name(u, string_claim(meta, "full_name")) ||
	    try_name(u, string_claim(meta, "name")))
		return;
	if ((email = string_claim(p, "email")) != NULL &&
	    (n = strcspn(email, "@")) > 0 && email[n] == '@' &&
	    n < sizeof(local)) {
		memcpy(local, email, n);
		local[n] = '\0';
		if (try_name(u, local))
			return;
	}
	try_name(u, u->id);
}

enum jwt_err
claims_check(const struct json_value *p, const struct claims_rules *r,
    struct user *u)
{
	const struct json_value	*v;
	const char		*s;
	enum jwt_err		 e;

	memset(u, 0, sizeof(*u));
	if ((e = check_times(p, r)) != JWT_OK)
		return e;
	/*
	 * The project's anon and service_role keys are signed JWTs too: only
	 * role "authenticated" is a signed-in user.
	 */
	if ((s = string_claim(p, "role")) == NULL ||
	    strcmp(s, "authenticated") != 0)
		return JWT_ERR_NOT_USER;
	if ((e = check_audience(p)) != JWT_OK)
		return e;
	if (r->issuer != NULL && ((s = string_claim(p, "iss")) == NULL ||
	    strcmp(s, r->issuer) != 0))
		return JWT_ERR_ISSUER;
	if ((s = string_claim(p, "sub")) == NULL || !user_id_valid(s))
		return JWT_ERR_CLAIM;
	memcpy(u->id, s, strlen(s) + 1);
	/* Supabase always sets session_id; other issuers may not. */
	if ((v = json_member(p, "session_id")) != NULL) {
		if ((s = json_string(v)) == NULL || !user_id_valid(s))
			return JWT_ERR_CLAIM;
		memcpy(u->session_id, s, strlen(s) + 1);
	}
	if ((v = json_member(p, "is_anonymous")) != NULL) {
		if (v->type != JSON_BOOL)
			return JWT_ERR_CLAIM;
		if (v->u.boolean && !r->allow_anonymous)
			return JWT_ERR_ANONYMOUS;
	}
	/*
	 * The role comes from app_metadata, which only the server can write.
	 * user_metadata is the user's own and never decides a permission.
	 */
	u->role = r->default_role;
	if ((v = json_member(json_member(p, "app_metadata"), "role")) !=
	    NULL && v->type != JSON_NULL) {
		if ((s = json_string(v)) == NULL || role_parse(s, &u->role) == -1)
			u->role = ROLE_VIEWER;	/* unknown role: least power */
	}
	pick_name(p, u);
	return JWT_OK;
}

/*
 * The claims of a verified Supabase access token -> the user it speaks
 * for. Fails closed: a missing exp, a wrong audience, an API key (anon,
 * service_role) are all refusals.
 */
#ifndef CLAIMS_H
#define CLAIMS_H

#include <stdbool.h>

#include "auth/jwt.h"
#include "display_name.h"
#include "role.h"

#define USER_ID_MAX	128
#define SESSION_ID_MAX	128

struct claims_rules {
	long		 now;		/* Unix seconds */
	long		 leeway;	/* seconds of clock skew forgiven */
	const char	*issuer;	/* required iss, or NULL to skip */
	bool		 allow_anonymous;
	enum role	 default_role;	/* when app_metadata.role is absent */
};

struct user {
	char		 id[USER_ID_MAX + 1];
	/* The token's session_id ("" when absent): what signing out revokes. */
	char		 session_id[SESSION_ID_MAX + 1];
	enum role	 role;
	bool		 has_name;	/* a usable display name was found */
	char		 name[DISPLAY_NAME_SIZE];
};

/*
 * Check payload against rules and fill *out. Returns JWT_OK or the reason
 * for refusal (JWT_ERR_EXPIRED for an expired token).
 */
enum jwt_err	 claims_check(const struct json_value *payload,
		    const struct claims_rules *rules, struct user *out);

#endif

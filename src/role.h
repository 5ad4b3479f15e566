/*
 * A user's role, from the Supabase token's app_metadata.role: what claims
 * read, the configuration defaults, policy maps to grants, and the token,
 * log and metrics name.
 */
#ifndef ROLE_H
#define ROLE_H

enum role {
	ROLE_VIEWER = 0,	/* also what an unknown role becomes */
	ROLE_CONTESTANT,
	ROLE_PERFORMER,
	ROLE_JUDGE,
	ROLE_HOST,
	ROLE__MAX
};

/* The role's name; "viewer" for a value out of range. */
const char	*role_name(enum role);

/* Returns 0 and sets *out for a known role name (exact case), -1 otherwise. */
int		 role_parse(const char *name, enum role *out);

#endif

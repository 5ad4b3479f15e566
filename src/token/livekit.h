/*
 * LiveKit access tokens: the claims the LiveKit server and the official
 * SDKs read (iss = API key, sub = identity, nbf, exp, name, metadata,
 * attributes, video grant), signed HS256 with the API secret.
 */
#ifndef LIVEKIT_H
#define LIVEKIT_H

#include "auth/hs256.h"
#include "policy/policy.h"

struct livekit_signer {
	const char		*api_key;
	struct hs256_key	 secret;
	long			 ttl;	/* seconds */
};

struct livekit_grant {
	const char		*identity;	/* the Supabase user id */
	const char		*name;		/* display name */
	enum role		 role;
	enum room		 room;
	const struct grants	*grants;
	long			 now;		/* Unix seconds */
};

/*
 * Mint a token. Returns 0 with a malloc'd token in *token and its expiry
 * in *expires_at, or -1 when out of memory or out of randomness.
 */
int	livekit_mint(const struct livekit_signer *, const struct livekit_grant *,
	    char **token, long *expires_at);

#endif

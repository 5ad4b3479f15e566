/*
 * The request pipeline, free of FastCGI so tests can drive it:
 * request -> CORS -> bearer token -> JWT verify -> claims -> body ->
 * policy -> LiveKit token -> response.
 */
#ifndef SERVICE_H
#define SERVICE_H

#include "auth/claims.h"
#include "auth/failguard.h"
#include "auth/keystore.h"
#include "config.h"
#include "policy/policy.h"
#include "request/request.h"
#include "response/response.h"
#include "token/livekit.h"

struct service {
	const struct config	*cfg;
	struct keystore		*store;	/* keys (and lists) from watched files */
	struct policy		 policy;
	struct livekit_signer	 signer;
	struct failguard	*guard;	/* failed authentications; NULL: off */
};

/*
 * Derive the keys, policy and signer from cfg (which must outlive svc).
 * Returns 0, or -1 with the reason in err.
 */
int	service_init(struct service *svc, const struct config *cfg,
	    char *err, size_t errsz);
void	service_free(struct service *svc);

/*
 * Start the failed-authentication guard of cfg's AUTH_FAILURE_* on the
 * table of base (auth/failguard.h), shared by every worker of the pool;
 * with base NULL, or a file that cannot be used, this process's own. No
 * guard when AUTH_FAILURE_RPS is 0. Without this call there is none.
 */
void	service_open_guard(struct service *svc, const char *base);

/* What became of a request, for the log line and the metrics. */
struct outcome {
	enum err	 err;		/* ERR_OK, or the error answered */
	enum jwt_err	 token_reason;	/* why a bearer token was refused */
	const char	*note;		/* another cause, e.g. "missing_setting" */
	int		 room;		/* enum room, or -1 before it is known */
	int		 role;		/* enum role, or -1 before it is known */
	char		 user[USER_ID_MAX + 1];	/* "" until verified */
};

/*
 * Answer req at time now (Unix seconds) into resp with the keys of snap
 * (keystore_read of svc->store); say what happened.
 */
void	service_handle(const struct service *svc, const struct snapshot *snap,
	    const struct request *req, long now, struct response *resp,
	    struct outcome *out);

#endif

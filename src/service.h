/*
 * The request pipeline, free of FastCGI so tests can drive it:
 * request -> CORS -> bearer token -> JWT verify -> claims -> body ->
 * policy -> LiveKit token -> response.
 */
#ifndef SERVICE_H
#define SERVICE_H

#include "auth/keys.h"
#include "config.h"
#include "log.h"
#include "policy/policy.h"
#include "request/request.h"
#include "response/response.h"
#include "token/livekit.h"

struct service {
	const struct config	*cfg;
	struct keyset		 keys;
	struct policy		 policy;
	struct livekit_signer	 signer;
};

/*
 * Derive the keys, policy and signer from cfg (which must outlive svc).
 * Returns 0, or -1 with the reason in err.
 */
int	service_init(struct service *svc, const struct config *cfg,
	    char *err, size_t errsz);
void	service_free(struct service *svc);

/*
 * Answer req at time now (Unix seconds) into resp, and record what
 * happened in log (whose strings point into resp, req or static data).
 */
void	service_handle(const struct service *svc, const struct request *req,
	    long now, struct response *resp, struct reqlog *log);

#endif

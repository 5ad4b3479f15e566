/*
 * The request pipeline, free of FastCGI so tests can drive it:
 * request -> CORS -> bearer token -> JWT verify -> claims -> body ->
 * policy -> LiveKit token -> response.
 */
#ifndef SERVICE_H
#define SERVICE_H

#include <sys/types.h>

#include "auth/claims.h"
#include "auth/keys.h"
#include "config.h"
#include "policy/policy.h"
#include "request/request.h"
#include "response/response.h"
#include "token/livekit.h"

/* One version of a file, as stat(2) tells them apart. */
struct file_stamp {
	dev_t		 dev;
	ino_t		 ino;		/* 0: no version seen */
	off_t		 size;
	long		 mtime_sec;
	long		 mtime_nsec;
	int		 err;		/* stat's errno, 0 when it worked */
};

/* SUPABASE_JWKS_FILE, watched for changes from the request loop. */
struct jwks_watch {
	long			 checked;	/* Unix second of the last look */
	struct file_stamp	 loaded;	/* the version the keys came from */
	struct file_stamp	 refused;	/* the last version refused */
};

struct service {
	const struct config	*cfg;
	struct keyset		 keys;
	struct policy		 policy;
	struct livekit_signer	 signer;
	struct jwks_watch	 jwks;
};

/*
 * Derive the keys, policy and signer from cfg (which must outlive svc).
 * Returns 0, or -1 with the reason in err.
 */
int	service_init(struct service *svc, const struct config *cfg,
	    char *err, size_t errsz);
void	service_free(struct service *svc);

/*
 * Pick up a changed SUPABASE_JWKS_FILE. Call before each request with the
 * time in Unix seconds: it looks at the file at most once a second, and
 * only a changed file (inode, size, mtime) is read. A file that cannot be
 * used keeps the keys that were in force, with one warning per version.
 */
void	service_refresh(struct service *svc, long now);

/* What became of a request, for the log line and the metrics. */
struct outcome {
	enum err	 err;		/* ERR_OK, or the error answered */
	enum jwt_err	 token_reason;	/* why a bearer token was refused */
	const char	*note;		/* another cause, e.g. "missing_setting" */
	int		 room;		/* enum room, or -1 before it is known */
	int		 role;		/* enum role, or -1 before it is known */
	char		 user[USER_ID_MAX + 1];	/* "" until verified */
};

/* Answer req at time now (Unix seconds) into resp; say what happened. */
void	service_handle(const struct service *svc, const struct request *req,
	    long now, struct response *resp, struct outcome *out);

#endif

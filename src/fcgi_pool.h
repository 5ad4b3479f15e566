/*
 * The FastCGI side of a worker process: N threads, each with its own
 * FCGX_Request (libfcgi serves one connection per request object), on the
 * listening socket spawn-fcgi hands us as standard input. Threads let
 * nginx keep connections open (fastcgi_keep_conn) without a kept
 * connection pinning the whole process; the main thread is the
 * housekeeper: signals, and the once-a-second JWKS check.
 */
#ifndef FCGI_POOL_H
#define FCGI_POOL_H

#include "service.h"

#define FCGI_POOL_MAX_THREADS	256

/*
 * Serve until SIGTERM, SIGUSR1 (multiwatch's graceful stop) or SIGINT:
 * each thread finishes the request it is on, then the function returns.
 * Returns 0, or -1 when no thread could be started.
 */
int	fcgi_pool_run(struct service *svc, int threads);

#endif

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
 * Serve until SIGTERM, SIGUSR1 (multiwatch's graceful stop) or SIGINT.
 *
 * Threads: the calling thread only waits for those signals. A reload
 * thread calls keystore_refresh once a second (no lock the requests
 * need). Each request thread accepts its own connections with SIGUSR2
 * unblocked only while it waits (accept, or the next request on a kept
 * connection), so the stop's wake-up (SIGUSR2, resent every 10 ms until
 * every thread has left) never lands inside a request: a request in
 * flight is always finished and answered. A kept connection with a
 * request already arriving is served before the thread leaves.
 *
 * Returns 0 after a stop, when every thread has been joined. Returns -1
 * when no thread could be started, or when every request thread has
 * ended on an accept error (the caller exits, so that multiwatch starts
 * a new worker). Threads still busy 10 s after a stop: the process
 * exits at once (_exit), since freeing what they use would be a
 * use-after-free.
 */
int	fcgi_pool_run(struct service *svc, int threads);

#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/socket.h>
#include <sys/un.h>

#include <fcgiapp.h>
#include <sodium.h>

#include "fcgi_pool.h"
#include "log.h"
#include "metrics.h"

/* What every thread of the pool shares; see fcgi_pool.h. */
struct pool {
	struct service	*svc;
	pthread_t	 main;		/* the signal thread */
	int		 stopping;	/* atomic: set once, by the main thread */
	int		 live;		/* atomic: request threads in their loop */
	int		 lost;		/* atomic: the last one left on an error */
};

struct thread {
	pthread_t		 tid;
	struct pool		*pool;
	struct request		*req;	/* 8 KiB body: on the heap, not the stack */
	struct keystore_reader	 keys;	/* this thread's snapshot */
	int			 done;	/* atomic: left its loop */
};

static const char *
fcgi_param(void *ctx, const char *name)
{
	return FCGX_GetParam(name, ((FCGX_Request *)ctx)->envp);
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	return FCGX_GetStr(buf, n > 65536 ? 65536 : (int)n,
	    ((FCGX_Request *)ctx)->in);
}

static int
fcgi_put(void *ctx, const char *buf, size_t len)
{
	/* FCGX_PutStr with a length: libfcgi's printf knows no %zu. */
	return FCGX_PutStr(buf, (int)len, ((FCGX_Request *)ctx)->out) ==
	    (int)len ? 0 : -1;
}

static long
micros_since(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000000L +
	    (t1.tv_nsec - t0->tv_nsec) / 1000;
}

/* One log line and the shared counters for an answered request. */
static void
account(const struct request *req, const struct response *resp,
    const struct outcome *out, long micros)
{
	struct metrics_sample	 ms;
	struct reqlog		 log;

	memset(&log, 0, sizeof(log));
	log.request_id = req->request_id;
	log.method = req->method_name;
	log.path = req->path;
	log.status = resp->status;
	log.error = out->err != ERR_OK ? err_info(out->err)->code : NULL;
	log.reason = out->token_reason != JWT_OK ?
	    jwt_err_reason(out->token_reason) : out->note;
	log.room = out->room >= 0 ? room_name((enum room)out->room) : NULL;
	log.role = out->role >= 0 ? role_name((enum role)out->role) : NULL;
	memcpy(log.user, out->user, sizeof(log.user));
	log.micros = micros;
	log_request(&log);

	ms.status = resp->status;
	ms.err = out->err;
	ms.token_reason = out->token_reason;
	ms.room = out->room;
	ms.role = out->role;
	ms.micros = micros;
	metrics_record(&ms);
}

static void
serve(const struct service *svc, struct keystore_reader *keys,
    FCGX_Request *fr, struct request *req)
{
	struct response		 resp;
	struct outcome		 out;
	struct timespec		 t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	response_init(&resp);
	request_parse(req, fcgi_param, fr);
	if (req->method == METHOD_POST && req->route == ROUTE_TOKEN)
		request_read_body(req, fcgi_read, fr);
	service_handle(svc, keystore_read(svc->store, keys), req,
	    (long)time(NULL), &resp, &out);
	if (response_write(&resp, fcgi_put, fr) == -1 && out.note == NULL)
		out.note = "client_gone";
	account(req, &resp, &out, micros_since(&t0));
	response_free(&resp);
	/* The body may hold the client's secrets: do not keep it around. */
	sodium_memzero(req->body, req->body_len);
}

/*
 * Read the request's stdin to its end before the connection is kept for
 * the next request. libfcgi does not: it frees the stream with whatever it
 * had buffered, so a body the worker had no use for (POST /healthz, a PUT
 * on the token path) stayed on the connection, and the next FCGX_Accept_r
 * took the client's bytes for the next request's records: requests nginx
 * never sent, with the parameters (REMOTE_ADDR, REQUEST_ID, the token) the
 * client chose. A body that does not end within DRAIN_MAX (nginx caps
 * them at 8 KiB), or a stream in error, closes the connection instead:
 * nginx opens another one.
 */
#define DRAIN_MAX	((size_t)64 * 1024)

static void
finish_stdin(FCGX_Request *fr)
{
	char	 buf[4096];
	size_t	 total = 0;
	int	 n;

	while (total <= DRAIN_MAX &&
	    (n = FCGX_GetStr(buf, (int)sizeof(buf), fr->in)) > 0)
		total += (size_t)n;
	if (total > 0)
		sodium_memzero(buf, sizeof(buf));
	if (FCGX_HasSeenEOF(fr->in) != EOF || FCGX_GetError(fr->in) != 0)
		fr->keepConnection = 0;
}

/*
 * SIGUSR2 reaches a request thread only where this says; wait_mask is a
 * request thread's mask while it waits (set before any thread starts).
 */
static sigset_t	 wake_set, wait_mask;

static int
stopping(const struct pool *p)
{
	return __atomic_load_n(&p->stopping, __ATOMIC_ACQUIRE);
}

/* accept(2) errors that say nothing about the listening socket itself. */
static int
accept_transient(int e)
{
	return e == EINTR || e == ECONNABORTED || e == EPROTO ||
	    e == EAGAIN || e == EMFILE || e == ENFILE || e == ENOBUFS ||
	    e == ENOMEM || e == EPERM;
}

/*
 * Take a new connection from the listening socket (standard input). Only
 * here is SIGUSR2 unblocked, so a stop can interrupt the wait but never
 * a request: a wake-up that lands just before or after accept runs the
 * empty handler in user space and is harmless; one that lands before the
 * accept starts is lost, and the main thread sends another. Returns the
 * connection, -1 to look at the stop flag again, or -2 when the socket
 * cannot accept at all.
 */
static int
accept_conn(struct pool *p)
{
	int	 fd, e;

	pthread_sigmask(SIG_UNBLOCK, &wake_set, NULL);
	fd = stopping(p) ? -1 : accept4(0, NULL, NULL, SOCK_CLOEXEC);
	e = errno;
	pthread_sigmask(SIG_BLOCK, &wake_set, NULL);
	if (fd >= 0 || stopping(p))
		return fd;
	if (!accept_transient(e)) {
		log_warnx("request thread: accept: %s", strerror(e));
		return -2;
	}
	/* Out of descriptors or memory: do not spin while it lasts. */
	if (e != EINTR && e != ECONNABORTED && e != EPROTO)
		poll(NULL, 0, 10);
	return -1;
}

/*
 * A kept connection (fastcgi_keep_conn): wait, woken by a stop, until
 * nginx sends the next request on it. Returns 1 when there is something
 * to read (a request, or the end), 0 to look at the stop flag again.
 */
static int
wait_next(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };

	/*
	 * One ppoll, which returns at once when the request is there. A
	 * poll(fd, 0) first, for "the next request is often there already",
	 * missed nine times in ten under full load (the next request on a
	 * connection needs a round trip through nginx and the client), so
	 * it cost a system call per request for nothing.
	 */
	return ppoll(&pfd, 1, NULL, &wait_mask) == 1;
}

/* Whether a request has begun to arrive on fd: serve it before a stop. */
static int
pending(int fd)
{
	struct pollfd	 pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

/*
 * One request thread. libfcgi never accepts here (its listening socket is
 * -1): we do, so that SIGUSR2 is blocked for the whole of every request
 * and a stop can only wake a thread that is waiting. FCGX_Accept_r then
 * only reads the request from the connection it is given.
 */
static void *
thread_main(void *arg)
{
	struct thread	*t = arg;
	struct pool	*p = t->pool;
	FCGX_Request	 fr;
	int		 fd, failed = 0;

	if (FCGX_InitRequest(&fr, -1, 0) != 0) {
		failed = 1;
		goto out;
	}
	log_batch_begin();
	for (;;) {
		if (fr.ipcFd < 0) {
			if ((fd = accept_conn(p)) == -2) {
				failed = 1;
				break;
			}
			if (fd < 0) {
				if (stopping(p))
					break;
				continue;
			}
			fr.ipcFd = fd;
		} else if (!wait_next(fr.ipcFd)) {
			if (stopping(p) && !pending(fr.ipcFd))
				break;
			continue;
		}
		/* So that FCGX_Accept_r's own Finish keeps our descriptor. */
		fr.keepConnection = 1;
		if (FCGX_Accept_r(&fr) < 0)
			continue;	/* that connection ended; libfcgi closed it */
		serve(p->svc, &t->keys, &fr, t->req);
		finish_stdin(&fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
	log_batch_end();
out:
	keystore_reader_done(&t->keys);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	/* The last thread gone while no stop was asked: the process is useless. */
	if (__atomic_sub_fetch(&p->live, 1, __ATOMIC_ACQ_REL) == 0 &&
	    failed && !stopping(p)) {
		__atomic_store_n(&p->lost, 1, __ATOMIC_RELEASE);
		pthread_kill(p->main, SIGUSR1);	/* the main thread waits for it */
	}
	return NULL;
}

/* A no-op: its only job is to make a blocking accept() or ppoll() return. */
static void
on_wake(int sig)
{
	(void)sig;
}

/*
 * Where a file the pool's workers share lives: the setting env, or beside
 * the FastCGI socket all workers of a pool share (spawn-fcgi hands it to
 * us as standard input) + suffix, so no setting is needed; NULL (each
 * worker on its own) when neither.
 */
static const char *
pool_file(const char *env_name, const char *suffix, char *path, size_t size)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof(sun);
	const char		*env = getenv(env_name);

	if (env != NULL && *env != '\0')
		return env;
	memset(&sun, 0, sizeof(sun));
	if (getsockname(0, (struct sockaddr *)&sun, &len) == 0 &&
	    sun.sun_family == AF_UNIX && sun.sun_path[0] == '/' &&
	    len > offsetof(struct sockaddr_un, sun_path)) {
		snprintf(path, size, "%.*s%s",
		    (int)(len - offsetof(struct sockaddr_un, sun_path)),
		    sun.sun_path, suffix);
		path[strcspn(path, "\0")] = '\0';
		return path;
	}
	return NULL;
}

/* The shared counters, and the failed-authentication guard's table. */
static void
open_shared_files(struct service *svc)
{
	char	 path[sizeof(struct sockaddr_un) + 32];

	metrics_open(pool_file("METRICS_FILE", ".metrics", path, sizeof(path)));
	service_open_guard(svc, pool_file("AUTH_FAILURE_FILE",
	    ".auth-failures", path, sizeof(path)));
}

/*
 * Stop: the flag, then a wake-up to every thread still in its loop, again
 * every 10 ms (a wake-up can land just before a thread starts waiting).
 * A thread serving a request has SIGUSR2 blocked: it finishes, then sees
 * the flag. Returns 0 when every thread is joined, -1 when some were
 * still busy after STOP_CAP_MS.
 */
#define STOP_CAP_MS	10000

static int
stop_threads(struct pool *p, struct thread *t, int n)
{
	int	 i, left = n, tries;

	__atomic_store_n(&p->stopping, 1, __ATOMIC_RELEASE);
	for (tries = 0; tries < STOP_CAP_MS / 10; tries++) {
		left = 0;
		for (i = 0; i < n; i++)
			if (!__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE)) {
				left++;
				pthread_kill(t[i].tid, SIGUSR2);
			}
		if (left == 0)
			break;
		poll(NULL, 0, 10);
	}
	if (left != 0)
		return -1;
	for (i = 0; i < n; i++)
		pthread_join(t[i].tid, NULL);
	return 0;
}

/* The housekeeper: a changed watched file, once a second, off the signal path. */
struct reloader {
	struct keystore	*store;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 quit;		/* under mu */
};

static void *
reloader_main(void *arg)
{
	struct reloader	*r = arg;
	struct timespec	 until;

	pthread_mutex_lock(&r->mu);
	while (!r->quit) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec++;
		while (!r->quit && pthread_cond_timedwait(&r->cv, &r->mu,
		    &until) != ETIMEDOUT)
			;
		if (r->quit)
			break;
		/* Loading takes no lock anyone else needs: drop ours too. */
		pthread_mutex_unlock(&r->mu);
		keystore_refresh(r->store, (long)time(NULL));
		pthread_mutex_lock(&r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return NULL;
}

static int
reloader_start(struct reloader *r, pthread_t *tid, struct keystore *store)
{
	pthread_condattr_t	 ca;

	memset(r, 0, sizeof(*r));
	r->store = store;
	pthread_mutex_init(&r->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cv, &ca);
	pthread_condattr_destroy(&ca);
	return pthread_create(tid, NULL, reloader_main, r) == 0 ? 0 : -1;
}

static void
reloader_stop(struct reloader *r, pthread_t tid)
{
	keystore_cancel(r->store);
	pthread_mutex_lock(&r->mu);
	r->quit = 1;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->mu);
	pthread_join(tid, NULL);
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
}

/*
 * Tell a supervisor that this worker serves: LIVEKIT_TOKEN_READY_DIR/
 * ready.<pid>, made once the request threads run. livekit-token-service
 * waits for it before it stops the next old worker in a reload, so a
 * release whose workers die at start never replaces the whole pool.
 * Written only by this process; removed at a clean exit, and stale ones
 * (a crash) are ignored by the script, which checks the pid is its child.
 */
static void
ready_path(char *buf, size_t sz)
{
	const char	*dir = getenv("LIVEKIT_TOKEN_READY_DIR");
	int		 n;

	buf[0] = '\0';
	if (dir == NULL || dir[0] != '/')
		return;
	n = snprintf(buf, sz, "%s/ready.%ld", dir, (long)getpid());
	if (n < 0 || (size_t)n >= sz)
		buf[0] = '\0';
}

static void
announce_ready(void)
{
	char	 path[4096];
	int	 fd;

	ready_path(path, sizeof(path));
	if (path[0] == '\0')
		return;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		log_warn("cannot write %s", path);
		return;
	}
	close(fd);
}

static void
announce_gone(void)
{
	char	 path[4096];

	ready_path(path, sizeof(path));
	if (path[0] != '\0')
		(void)unlink(path);
}

int
fcgi_pool_run(struct service *svc, int threads)
{
	struct sigaction	 sa;
	struct pool		 pool;
	struct reloader		 rl;
	struct thread		*t;
	pthread_t		 rtid;
	sigset_t		 stop;
	int			 i, n = 0, sig;

	/*
	 * Every thread starts with these blocked; this one waits for them.
	 * Blocked before FCGX_Init: it installs SIGUSR1 and SIGTERM handlers
	 * that only set a flag nobody reads, so a stop that came while the
	 * shared files were opened (a flock can wait) was swallowed and the
	 * worker served on until SIGKILL. Blocked, it waits for sigwaitinfo.
	 */
	sigemptyset(&wake_set);
	sigaddset(&wake_set, SIGUSR2);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &stop, &wait_mask);
	sigdelset(&stop, SIGUSR2);
	/* The mask request threads inherit, less SIGUSR2. */
	sigorset(&wait_mask, &wait_mask, &stop);

	if (FCGX_Init() != 0)
		fatalx("cannot initialise libfcgi");
	if (FCGX_IsCGI())
		fatalx("standard input is not a FastCGI socket: start the "
		    "workers with spawn-fcgi (see README, \"make run\")");
	open_shared_files(svc);

	/* No SA_RESTART: a woken thread's accept() must return. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (log_batch_start() == -1)
		log_warnx("cannot start the log flusher: request lines are "
		    "written one by one");
	memset(&pool, 0, sizeof(pool));
	pool.svc = svc;
	pool.main = pthread_self();
	if ((t = calloc((size_t)threads, sizeof(*t))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < threads; i++) {
		t[i].pool = &pool;
		if ((t[i].req = malloc(sizeof(*t[i].req))) == NULL)
			break;
		__atomic_add_fetch(&pool.live, 1, __ATOMIC_ACQ_REL);
		if (pthread_create(&t[i].tid, NULL, thread_main, &t[i]) != 0) {
			__atomic_sub_fetch(&pool.live, 1, __ATOMIC_ACQ_REL);
			free(t[i].req);
			break;
		}
		n++;
	}
	if (n == 0) {
		free(t);
		log_warnx("cannot start any request thread");
		return -1;
	}
	if (reloader_start(&rl, &rtid, svc->store) == -1)
		fatalx("cannot start the reload thread");
	announce_ready();

	/* Signals only: nothing else runs on this thread, so none waits. */
	do
		sig = sigwaitinfo(&stop, NULL);
	while (sig == -1 && errno == EINTR);
	keystore_cancel(svc->store);
	announce_gone();

	if (stop_threads(&pool, t, n) == -1) {
		/*
		 * Threads still serving use the service, their requests and
		 * libfcgi: freeing any of it under them would be a
		 * use-after-free. Leave now; the kernel frees the memory.
		 */
		log_warnx("request threads still busy %d s after the stop: "
		    "exiting without them", STOP_CAP_MS / 1000);
		log_batch_flush_all();
		_exit(1);
	}
	reloader_stop(&rl, rtid);
	log_batch_stop();
	for (i = 0; i < n; i++) {
		sodium_memzero(t[i].req, sizeof(*t[i].req));
		free(t[i].req);
	}
	free(t);
	if (__atomic_load_n(&pool.lost, __ATOMIC_ACQUIRE)) {
		log_warnx("every request thread has ended: exiting so that "
		    "the worker is replaced");
		return -1;
	}
	return 0;
}

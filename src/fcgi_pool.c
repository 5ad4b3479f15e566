#include <errno.h>
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

struct thread {
	pthread_t		 tid;
	const struct service	*svc;
	struct request		*req;	/* 8 KiB body: on the heap, not the stack */
	struct keystore_reader	 keys;	/* this thread's snapshot */
	int			 busy;	/* serving: do not interrupt */
	int			 done;	/* left its accept loop */
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

static void *
thread_main(void *arg)
{
	struct thread	*t = arg;
	FCGX_Request	 fr;
	sigset_t	 wake;

	/* Only SIGUSR2, the housekeeper's wake-up, reaches this thread. */
	sigemptyset(&wake);
	sigaddset(&wake, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &wake, NULL);
	if (FCGX_InitRequest(&fr, 0, 0) != 0) {
		__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
		return NULL;
	}
	while (FCGX_Accept_r(&fr) >= 0) {
		__atomic_store_n(&t->busy, 1, __ATOMIC_RELEASE);
		serve(t->svc, &t->keys, &fr, t->req);
		FCGX_Finish_r(&fr);
		__atomic_store_n(&t->busy, 0, __ATOMIC_RELEASE);
	}
	FCGX_Free(&fr, 1);
	keystore_reader_done(&t->keys);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* A no-op: its only job is to make a blocking accept() or read() return. */
static void
on_wake(int sig)
{
	(void)sig;
}

/*
 * Where the pool's shared counters live: METRICS_FILE, or beside the
 * FastCGI socket all workers of a pool share (spawn-fcgi hands it to us
 * as standard input), so no setting is needed.
 */
static void
open_metrics(void)
{
	struct sockaddr_un	 sun;
	socklen_t		 len = sizeof(sun);
	const char		*env = getenv("METRICS_FILE");
	char			 path[sizeof(sun.sun_path) + 16];

	if (env != NULL && *env != '\0') {
		metrics_open(env);
		return;
	}
	memset(&sun, 0, sizeof(sun));
	if (getsockname(0, (struct sockaddr *)&sun, &len) == 0 &&
	    sun.sun_family == AF_UNIX && sun.sun_path[0] == '/' &&
	    len > offsetof(struct sockaddr_un, sun_path)) {
		snprintf(path, sizeof(path), "%.*s.metrics",
		    (int)(len - offsetof(struct sockaddr_un, sun_path)),
		    sun.sun_path);
		path[strcspn(path, "\0")] = '\0';
		metrics_open(path);
	} else
		metrics_open(NULL);
}

/*
 * Stop: libfcgi's shutdown flag makes an interrupted accept return, and
 * idle threads are woken until every one has left its loop; a busy one
 * finishes its request first. Bounded: a thread stuck for 10 s is left
 * to process exit.
 */
static void
stop_threads(struct thread *t, int n)
{
	int	 i, left, tries;

	FCGX_ShutdownPending();
	for (tries = 0; tries < 1000; tries++) {
		left = 0;
		for (i = 0; i < n; i++) {
			if (__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE))
				continue;
			left++;
			if (!__atomic_load_n(&t[i].busy, __ATOMIC_ACQUIRE))
				pthread_kill(t[i].tid, SIGUSR2);
		}
		if (left == 0)
			break;
		usleep(10000);
	}
	for (i = 0; i < n; i++)
		if (__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE))
			pthread_join(t[i].tid, NULL);
}

int
fcgi_pool_run(struct service *svc, int threads)
{
	struct sigaction	 sa;
	struct thread		*t;
	struct timespec		 tick = { 1, 0 };
	sigset_t		 stop;
	int			 i, n = 0, sig;

	if (FCGX_Init() != 0)
		fatalx("cannot initialise libfcgi");
	if (FCGX_IsCGI())
		fatalx("standard input is not a FastCGI socket: start the "
		    "workers with spawn-fcgi (see README, \"make run\")");
	open_metrics();

	/* No SA_RESTART: a woken thread's accept() must return. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	/* Every thread starts with these blocked; the housekeeper waits. */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	sigdelset(&stop, SIGUSR2);

	if ((t = calloc((size_t)threads, sizeof(*t))) == NULL)
		fatalx("out of memory");
	for (i = 0; i < threads; i++) {
		t[i].svc = svc;
		if ((t[i].req = malloc(sizeof(*t[i].req))) == NULL)
			break;
		if (pthread_create(&t[i].tid, NULL, thread_main, &t[i]) != 0) {
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

	for (;;) {
		sig = sigtimedwait(&stop, NULL, &tick);
		if (sig > 0)
			break;
		if (errno != EAGAIN && errno != EINTR)
			break;
		keystore_refresh(svc->store, (long)time(NULL));
	}
	stop_threads(t, n);
	for (i = 0; i < n; i++)
		if (__atomic_load_n(&t[i].done, __ATOMIC_ACQUIRE)) {
			sodium_memzero(t[i].req, sizeof(*t[i].req));
			free(t[i].req);
		}
	free(t);
	return 0;
}

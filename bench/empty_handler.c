/*
 * empty-handler: the plumbing limit for `make bench`. A libfcgi worker that
 * does no work: it reads the request body and answers every request with a
 * fixed JSON body, with the same headers as the service's token answer.
 * Started exactly like the service (scripts/stack with WORKER_BIN), so the
 * difference between the two is the cost of the service's own work.
 *
 *   BENCH_BODY_FILE      the answer body (default: a built-in 770-byte JSON)
 *   BENCH_EMPTY_THREADS  FCGX_Request threads per process (default 1), for
 *                        when the service itself serves several connections
 *                        per process
 *   empty-handler --check-config   exits 0 (scripts/stack calls it)
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static const char default_body[] =
    "{\"token\":\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkZXYwMDAwMDAwM"
    "DAwMDAiLCJzdWIiOiIwMDAwMDAwMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDAwMDAiLCJqdGki"
    "OiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwIiwiaWF0IjowLCJuYmYiOjAsImV4cCI6MCwibmFtZSI"
    "6IjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMCIsIm1ldGFkYXRhIjoie1wicm"
    "9sZVwiOlwianVkZ2VcIn0iLCJhdHRyaWJ1dGVzIjp7InJvbGUiOiJqdWRnZSJ9LCJ2aWRlbyI6e"
    "yJyb29tIjoiYXVkaXRpb24tcm9vbSIsInJvb21Kb2luIjp0cnVlLCJjYW5QdWJsaXNoIjp0cnVl"
    "LCJjYW5TdWJzY3JpYmUiOnRydWUsImNhblB1Ymxpc2hEYXRhIjp0cnVlLCJjYW5VcGRhdGVPd25"
    "NZXRhZGF0YSI6dHJ1ZSwiY2FuUHVibGlzaFNvdXJjZXMiOlsiY2FtZXJhIiwibWljcm9waG9uZS"
    "JdfX0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"livekitUrl\":\"ws://12"
    "7.0.0.1:7880\",\"roomName\":\"audition-room\",\"identity\":\"00000000-0000-4"
    "000-8000-000000000000\",\"expiresAt\":1700000000}";

static const char headers[] =
    "Status: 200 OK\r\n"
    "Content-Type: application/json; charset=utf-8\r\n"
    "Cache-Control: no-store\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Access-Control-Allow-Origin: *\r\n"
    "Access-Control-Expose-Headers: WWW-Authenticate, Retry-After, X-Request-Id\r\n"
    "\r\n";

static char	*body;
static int	 body_len;

static void
load_body(void)
{
	const char	*path = getenv("BENCH_BODY_FILE");
	FILE		*f;
	long		 n;

	if (path == NULL || *path == '\0') {
		body = strdup(default_body);
		body_len = (int)strlen(default_body);
		return;
	}
	if ((f = fopen(path, "rb")) == NULL || fseek(f, 0, SEEK_END) != 0 ||
	    (n = ftell(f)) < 0 || n > 65536 || fseek(f, 0, SEEK_SET) != 0 ||
	    (body = malloc((size_t)n + 1)) == NULL ||
	    fread(body, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "empty-handler: cannot read %s: %s\n", path,
		    strerror(errno));
		exit(1);
	}
	fclose(f);
	/* A trailing newline from the file is not part of the JSON. */
	while (n > 0 && (body[n - 1] == '\n' || body[n - 1] == '\r'))
		n--;
	body[n] = '\0';
	body_len = (int)n;
}

/*
 * Stop now. FCGX_ShutdownPending alone only took effect at a thread's next
 * accept, and a thread blocked in accept or on a kept connection never got
 * there: every stopped pool left its workers behind, orphaned, holding the
 * socket (two per make bench). A stand-in has no request worth finishing.
 */
static void
on_stop(int sig)
{
	(void)sig;
	_exit(0);
}

static void *
serve(void *arg)
{
	FCGX_Request	 r;
	char		 buf[8192];

	(void)arg;
	if (FCGX_InitRequest(&r, 0, 0) != 0)
		return NULL;
	while (FCGX_Accept_r(&r) >= 0) {
		/* Read the body as the service does: that is plumbing too. */
		while (FCGX_GetStr(buf, (int)sizeof(buf), r.in) > 0)
			;
		FCGX_PutStr(headers, (int)sizeof(headers) - 1, r.out);
		FCGX_PutStr(body, body_len, r.out);
		FCGX_Finish_r(&r);
	}
	FCGX_Free(&r, 1);
	return NULL;
}

int
main(int argc, char *argv[])
{
	struct sigaction	 sa;
	pthread_t		*tid;
	const char		*env = getenv("BENCH_EMPTY_THREADS");
	long			 i, n = env != NULL ? strtol(env, NULL, 10) : 1;

	if (argc == 2 && strcmp(argv[1], "--check-config") == 0)
		return 0;
	if (n < 1 || n > 256)
		n = 1;
	load_body();
	if (FCGX_Init() != 0 || FCGX_IsCGI()) {
		fprintf(stderr, "empty-handler: run me under spawn-fcgi\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (n == 1) {
		serve(NULL);
		return 0;
	}
	if ((tid = calloc((size_t)n, sizeof(*tid))) == NULL)
		return 1;
	for (i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, serve, NULL) != 0)
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	free(tid);
	return 0;
}

/*
 * service-loop: the service's own work per token request, without
 * FastCGI, nginx or a client, for `make bench` (issue 14).
 *
 * The stack's numbers mix the token's work with the plumbing and with
 * whatever else shares the cores. This runs the worker's request path
 * (request_parse, the body read, service_handle, response_write) on one
 * thread in a loop over the bench's pool of requests, with the settings
 * read exactly as the worker reads them (config_load), and reports the
 * thread CPU time per request: the median of five passes.
 *
 *   BENCH_REQUESTS=file service-loop [passes-of-the-pool]
 *	the file holds "TOKEN ROOM [NAME...]" lines, as bench/wrk-post.lua
 *	reads them; prints "us_per_request=N requests=N"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "request/request.h"
#include "response/response.h"
#include "service.h"
#include "thread_cpu.h"

#define POOL_MAX	1024
#define PASSES		5

struct bench_request {
	char	 auth[4200];	/* "Bearer <token>" */
	char	 body[256];
	char	 length[24];
	size_t	 body_len;
};

struct read_at {
	const struct bench_request	*r;
	size_t				 off;
};

static struct bench_request	 pool[POOL_MAX];
static size_t			 pool_len;

static const char *
param(void *ctx, const char *name)
{
	const struct bench_request	*r = ctx;

	if (strcmp(name, "REQUEST_METHOD") == 0)
		return "POST";
	if (strcmp(name, "DOCUMENT_URI") == 0)
		return "/functions/v1/livekit-token";
	if (strcmp(name, "CONTENT_TYPE") == 0)
		return "application/json";
	if (strcmp(name, "CONTENT_LENGTH") == 0)
		return r->length;
	if (strcmp(name, "HTTP_AUTHORIZATION") == 0)
		return r->auth;
	if (strcmp(name, "REQUEST_ID") == 0)
		return "0123456789abcdef0123456789abcdef";
	if (strcmp(name, "REMOTE_ADDR") == 0)
		return "127.0.0.1";
	return NULL;
}

static long
read_body(void *ctx, char *buf, size_t n)
{
	struct read_at	*at = ctx;
	size_t		 left = at->r->body_len - at->off;

	if (n > left)
		n = left;
	memcpy(buf, at->r->body + at->off, n);
	at->off += n;
	return (long)n;
}

static int
discard(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	(void)buf;
	(void)len;
	return 0;
}

static int
load_pool(const char *path)
{
	char	 line[8192], tok[4096], room[64], name[128];
	FILE	*f;
	int	 n;

	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return -1;
	while (pool_len < POOL_MAX && fgets(line, sizeof(line), f) != NULL) {
		struct bench_request	*r = &pool[pool_len];

		line[strcspn(line, "\n")] = '\0';
		name[0] = '\0';
		n = sscanf(line, "%4095s %63s %127[^\n]", tok, room, name);
		if (n < 2)
			continue;
		snprintf(r->auth, sizeof(r->auth), "Bearer %s", tok);
		if (n == 3 && name[0] != '\0')
			snprintf(r->body, sizeof(r->body),
			    "{\"roomType\":\"%s\",\"userName\":\"%s\"}", room, name);
		else
			snprintf(r->body, sizeof(r->body), "{\"roomType\":\"%s\"}",
			    room);
		r->body_len = strlen(r->body);
		snprintf(r->length, sizeof(r->length), "%zu", r->body_len);
		pool_len++;
	}
	fclose(f);
	return pool_len > 0 ? 0 : -1;
}

/* One request through the worker's path; returns its error. */
static enum err
one(const struct service *svc, struct request *req, struct bench_request *br,
    long now)
{
	struct keystore_reader	 keys = { NULL };
	struct read_at		 at = { br, 0 };
	struct response		 resp;
	struct outcome		 out;

	response_init(&resp);
	request_parse(req, param, br);
	request_read_body(req, read_body, &at);
	service_handle(svc, keystore_read(svc->store, &keys), req, now, &resp,
	    &out);
	keystore_reader_done(&keys);
	(void)response_write(&resp, discard, NULL);
	response_free(&resp);
	sodium_memzero(req->body, req->body_len);
	return out.err;
}

int
main(int argc, char **argv)
{
	static struct config	 cfg;
	static struct service	 svc;
	static struct request	 req;
	struct config_problems	 probs = { 0 };
	double			 pass[PASSES], t0;
	char			 err[256];
	long			 now = (long)time(NULL), rounds = 500, r;
	char			*end;
	size_t			 i;
	int			 p;
	enum err		 e;

	if (argc > 1) {
		rounds = strtol(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0' || rounds < 1 ||
		    rounds > 1000000) {
			fprintf(stderr, "usage: service-loop [passes-of-the-pool]\n");
			return 2;
		}
	}
	if (sodium_init() < 0)
		return 1;
	if (load_pool(getenv("BENCH_REQUESTS")) == -1) {
		fprintf(stderr, "service-loop: no requests in BENCH_REQUESTS\n");
		return 1;
	}
	if (config_load(&cfg, &probs) == -1 || cfg.incomplete != NULL ||
	    service_init(&svc, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "service-loop: the settings do not make a "
		    "service that issues tokens\n");
		return 1;
	}
	/* Every request must be a 200, or this measures refusals. */
	for (i = 0; i < pool_len; i++)
		if ((e = one(&svc, &req, &pool[i], now)) != ERR_OK) {
			fprintf(stderr, "service-loop: request %zu refused "
			    "(error %d)\n", i + 1, (int)e);
			return 1;
		}
	for (p = 0; p < PASSES; p++) {
		t0 = thread_us();
		for (r = 0; r < rounds; r++)
			for (i = 0; i < pool_len; i++)
				(void)one(&svc, &req, &pool[i], now);
		pass[p] = (thread_us() - t0) / ((double)rounds * (double)pool_len);
	}
	printf("us_per_request=%.2f requests=%ld\n", median(pass, PASSES),
	    (long)PASSES * rounds * (long)pool_len);
	service_free(&svc);
	return 0;
}

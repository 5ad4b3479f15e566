#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "log.h"

static void
put_time(struct json_object *o)
{
	struct timespec	 ts;
	struct tm	 tm;
	char		 buf[40];

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
	json_object_object_add(o, "time", json_object_new_string(buf));
}

/* Emit o as one line with a single write, so lines never interleave. */
static void
emit(struct json_object *o)
{
	const char	*s;

	s = json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (s != NULL)
		fprintf(stderr, "%s\n", s);
	json_object_put(o);
}

static void
vlog(const char *, const char *, const char *, va_list)
	__attribute__((format(printf, 3, 0)));

static void
vlog(const char *level, const char *err, const char *fmt, va_list ap)
{
	struct json_object	*o;
	char			 msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if ((o = json_object_new_object()) == NULL) {
		fprintf(stderr, "%s: %s\n", level, msg);
		return;
	}
	put_time(o);
	json_object_object_add(o, "level", json_object_new_string(level));
	json_object_object_add(o, "msg", json_object_new_string(msg));
	if (err != NULL)
		json_object_object_add(o, "errno", json_object_new_string(err));
	emit(o);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("info", NULL, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	char	 err[128];

	snprintf(err, sizeof(err), "%s", strerror(errno));
	va_start(ap, fmt);
	vlog("warn", err, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("warn", NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	char	 err[128];

	snprintf(err, sizeof(err), "%s", strerror(errno));
	va_start(ap, fmt);
	vlog("fatal", err, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog("fatal", NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

static void
add_str(struct json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

void
log_request(const struct reqlog *r)
{
	struct json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return;
	put_time(o);
	add_str(o, "request_id", r->request_id);
	add_str(o, "method", r->method);
	add_str(o, "path", r->path);
	json_object_object_add(o, "status", json_object_new_int(r->status));
	add_str(o, "error", r->error);
	add_str(o, "reason", r->reason);
	add_str(o, "room", r->room);
	add_str(o, "role", r->role);
	add_str(o, "user", r->user[0] != '\0' ? r->user : NULL);
	json_object_object_add(o, "us", json_object_new_int64(r->micros));
	emit(o);
}

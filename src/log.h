/*
 * Logging to stderr (journald), one JSON object per line. As in OpenBSD
 * httpd: log_warn appends strerror(errno), log_warnx does not, fatal and
 * fatalx exit and are for start-up only. Never pass a token or a secret.
 */
#ifndef LOG_H
#define LOG_H

void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));
void	fatalx(const char *, ...)
	    __attribute__((noreturn, format(printf, 1, 2)));

/* What one request line records; NULL members are left out. */
struct reqlog {
	const char	*request_id;	/* nginx $request_id */
	const char	*method;
	const char	*path;
	int		 status;
	const char	*error;		/* the client-facing code */
	const char	*reason;	/* finer cause, e.g. "bad_signature" */
	const char	*room;
	const char	*role;
	char		 user[129];	/* the Supabase user id, once verified */
	long		 micros;
};

void	log_request(const struct reqlog *);

#endif

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

/*
 * Request lines in batches. Under load one write(2) per line was the
 * largest cost left on the request path: 8 rounds of the same load, one
 * write per line against batches, 15.1 against 13.9 us of worker CPU per
 * request, 38.2k against 39.9k requests/s. So a request thread that wrote
 * less than LOG_BATCH_MS ago keeps its lines in its own batch and writes
 * them together: at most LOG_BATCH_BYTES (PIPE_BUF, so that one write
 * never interleaves with another on journald's stream), and no line waits
 * longer than LOG_BATCH_MS plus a tick. A quiet thread's line is written
 * at once, as before.
 *
 * Protocol. Each batch belongs to one request thread (log_batch_begin ..
 * log_batch_end) and has its own mutex: the owner appends and writes under
 * it; the flusher thread (log_batch_start .. log_batch_stop) writes a batch
 * whose first line is LOG_BATCH_MS old under it, which happens only to a
 * thread that has been idle that long. The list of batches changes only at
 * a thread's begin and end, under a list mutex the flusher holds while it
 * scans. The flusher ticks every LOG_BATCH_MS while anything is buffered
 * and sleeps otherwise; the thread that starts a batch wakes it. Other
 * lines of a thread (log_warn...) write its batch first, so its order
 * stays. A crash loses at most the last LOG_BATCH_MS of each thread's
 * lines; a stop loses none (log_batch_end, log_batch_stop).
 */
#define LOG_BATCH_BYTES	4096
#define LOG_BATCH_MS	10

/* Start and stop the flusher; 0, or -1 when the thread cannot start. */
int	log_batch_start(void);
void	log_batch_stop(void);
/* The calling thread batches its request lines from now on (until end). */
void	log_batch_begin(void);
void	log_batch_end(void);
/*
 * Write every batch now, from any thread, skipping one whose owner holds
 * it: for a process about to _exit with threads still busy.
 */
void	log_batch_flush_all(void);

#endif

/*
 * JSON text out, without building a tree first: the request path writes
 * its answer, the LiveKit claims and the log line straight into a buffer.
 * Bounded and never truncating: a value that does not fit marks the
 * writer failed, and jw_finish says so. Keys are the program's own
 * names (printable ASCII, nothing to escape): a key that is not marks
 * the writer failed too. Values are any valid UTF-8, escaped.
 */
#ifndef JSONWRITE_H
#define JSONWRITE_H

#include <stdbool.h>
#include <stddef.h>

#define JW_MAX_DEPTH	8

struct jw {
	char	*buf;
	size_t	 len;
	size_t	 cap;
	bool	 failed;
	int	 depth;
	bool	 first[JW_MAX_DEPTH];	/* no member written yet at this depth */
};

/* Write into buf (cap bytes, NUL included). */
void	 jw_init(struct jw *, char *buf, size_t cap);

void	 jw_open(struct jw *);			/* { */
void	 jw_close(struct jw *);			/* } */
void	 jw_open_array(struct jw *, const char *key);	/* "key":[ */
void	 jw_close_array(struct jw *);		/* ] */
void	 jw_open_object(struct jw *, const char *key);	/* "key":{ */
void	 jw_str(struct jw *, const char *key, const char *value);
void	 jw_int(struct jw *, const char *key, long long value);
void	 jw_bool(struct jw *, const char *key, bool value);
/* An array element: a string. */
void	 jw_elem_str(struct jw *, const char *value);

/* Returns the text's length, or -1 when it did not fit or was malformed. */
long	 jw_finish(struct jw *);

#endif

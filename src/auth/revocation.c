/*
 * The revocation list: a strict line parser and an open-addressing hash
 * table keyed by SipHash (libsodium's crypto_shorthash) with a random key
 * per list, so the cost of a lookup does not depend on which ids an
 * operator's feed happens to hold.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "auth/revocation.h"
#include "textfile.h"

#define LINE_MAX_LEN	256		/* far above any valid entry line */

struct slot_entry {
	uint32_t	 off;		/* the id in the arena */
	uint32_t	 len;
	uint64_t	 hash;
	long		 until;		/* 0: never ends */
	uint8_t		 kind;
};

struct revocation_list {
	struct slot_entry	*entries;
	size_t			 n;
	char			*arena;		/* ids, each NUL-terminated */
	uint32_t		*slots;		/* entry index + 1; 0 empty */
	size_t			 mask;		/* slot count - 1 */
	unsigned char		 key[crypto_shorthash_KEYBYTES];
};

static const char *const kind_names[REVOCATION__MAX] = {
	[REVOCATION_USER] = "user",
	[REVOCATION_SESSION] = "session",
};

const char *
revocation_kind_name(enum revocation_kind k)
{
	return (unsigned)k < REVOCATION__MAX ? kind_names[k] : "unknown";
}

int
revocation_id_valid(const char *id, size_t len)
{
	size_t	 i;

	if (len == 0 || len > REVOCATION_ID_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (id[i] <= ' ' || id[i] > '~' || id[i] == '#')
			return 0;
	return 1;
}

static uint64_t
hash_id(const struct revocation_list *l, enum revocation_kind kind,
    const char *id, size_t len)
{
	unsigned char	 h[crypto_shorthash_BYTES];
	uint64_t	 v;

	crypto_shorthash(h, (const unsigned char *)id, len, l->key);
	memcpy(&v, h, sizeof(v));
	/* The kind moves the probe sequence; the entry compares it too. */
	return v ^ ((uint64_t)kind * 0x9e3779b97f4a7c15ULL);
}

/* The entry index for (kind, id), or -1. */
static long
find(const struct revocation_list *l, enum revocation_kind kind,
    const char *id, size_t len)
{
	const struct slot_entry	*e;
	uint64_t		 h = hash_id(l, kind, id, len);
	size_t			 i = (size_t)h & l->mask;

	while (l->slots[i] != 0) {
		e = &l->entries[l->slots[i] - 1];
		if (e->hash == h && e->kind == kind && e->len == len &&
		    memcmp(l->arena + e->off, id, len) == 0)
			return (long)(l->slots[i] - 1);
		i = (i + 1) & l->mask;
	}
	return -1;
}

void
revocation_free(struct revocation_list *l)
{
	if (l == NULL)
		return;
	free(l->entries);
	free(l->arena);
	free(l->slots);
	sodium_memzero(l->key, sizeof(l->key));
	free(l);
}

/* The next field of line (up to one blank); *rest moves past it. */
static int
field(const char **rest, const char *end, const char **f, size_t *flen)
{
	const char	*p = *rest;

	*f = p;
	while (p < end && *p != ' ' && *p != '\t')
		p++;
	*flen = (size_t)(p - *f);
	if (p < end)
		p++;		/* exactly one separator */
	*rest = p;
	return *flen == 0 ? -1 : 0;
}

/* Unix seconds 1 to REVOCATION_UNTIL_MAX in decimal, or "-" (0: never). */
static int
parse_until(const char *s, size_t len, long *out)
{
	long	 v = 0;
	size_t	 i;

	if (len == 1 && s[0] == '-') {
		*out = 0;
		return 0;
	}
	if (len == 0 || len > 12 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > REVOCATION_UNTIL_MAX)
		return -1;
	*out = v;
	return 0;
}

/* A count as written on the "end" line: decimal, no leading zero. */
static int
parse_count(const char *s, size_t len, size_t *out)
{
	size_t	 v = 0, i;

	if (len == 0 || len > 7 || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (size_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

static int
grow_entries(struct revocation_list *l, size_t *cap)
{
	struct slot_entry	*e;
	size_t			 ncap = *cap == 0 ? 256 : *cap * 2;

	if (ncap > REVOCATION_MAX_ENTRIES)
		ncap = REVOCATION_MAX_ENTRIES;
	if ((e = reallocarray(l->entries, ncap, sizeof(*e))) == NULL)
		return -1;
	l->entries = e;
	*cap = ncap;
	return 0;
}

/* Give back what parsing over-allocated: a list lives for many requests. */
static void
shrink(struct revocation_list *l, size_t arena_used)
{
	void	*p;

	if ((p = realloc(l->arena, arena_used > 0 ? arena_used : 1)) != NULL)
		l->arena = p;
	if (l->n > 0 && (p = reallocarray(l->entries, l->n,
	    sizeof(*l->entries))) != NULL)
		l->entries = p;
}

static int
build_table(struct revocation_list *l)
{
	size_t	 nslots = 16, i, j;

	while (nslots < l->n * 2)
		nslots *= 2;
	if ((l->slots = calloc(nslots, sizeof(*l->slots))) == NULL)
		return -1;
	l->mask = nslots - 1;
	for (i = 0; i < l->n; i++) {
		j = (size_t)l->entries[i].hash & l->mask;
		while (l->slots[j] != 0)
			j = (j + 1) & l->mask;
		l->slots[j] = (uint32_t)(i + 1);
	}
	return 0;
}

/* Add one entry line's fields; the table is built later. */
static int
add_entry(struct revocation_list *l, size_t *cap, size_t *arena_at,
    enum revocation_kind kind, const char *id, size_t idlen, long until)
{
	struct slot_entry	*e;

	if (l->n == REVOCATION_MAX_ENTRIES)
		return -1;
	if (l->n == *cap && grow_entries(l, cap) == -1)
		return -1;
	e = &l->entries[l->n++];
	e->off = (uint32_t)*arena_at;
	e->len = (uint32_t)idlen;
	e->kind = (uint8_t)kind;
	e->until = until;
	e->hash = hash_id(l, kind, id, idlen);
	memcpy(l->arena + *arena_at, id, idlen);
	l->arena[*arena_at + idlen] = '\0';
	*arena_at += idlen + 1;
	return 0;
}

long
revocation_parse(const char *text, size_t len, struct revocation_list **out,
    char *err, size_t errsz)
{
	struct revocation_list	*l;
	const char		*p = text, *end = text + len, *nl, *rest;
	const char		*f[3];
	size_t			 flen[3], cap = 0, arena_at = 0, lineno = 0;
	size_t			 declared = 0, i, nf;
	enum revocation_kind	 kind;
	long			 until;
	int			 ended = 0;

	*out = NULL;
	if (len > REVOCATION_FILE_MAX) {
		snprintf(err, errsz, "larger than %zu bytes",
		    REVOCATION_FILE_MAX);
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->arena = malloc(len + 1)) == NULL) {
		snprintf(err, errsz, "out of memory");
		revocation_free(l);
		return -1;
	}
	randombytes_buf(l->key, sizeof(l->key));

#define REFUSE(...) do {						\
	int n_ = snprintf(err, errsz, "line %zu: ", lineno);		\
	if (n_ >= 0 && (size_t)n_ < errsz)				\
		snprintf(err + n_, errsz - (size_t)n_, __VA_ARGS__);	\
	goto fail;							\
} while (0)

	while (p < end) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			REFUSE("no newline at the end (a truncated file?)");
		if ((size_t)(nl - p) > LINE_MAX_LEN)
			REFUSE("longer than %d bytes", LINE_MAX_LEN);
		if (memchr(p, '\0', (size_t)(nl - p)) != NULL)
			REFUSE("holds a NUL byte");
		if (ended)
			REFUSE("text after the \"end\" line");
		if (lineno == 1) {
			if ((size_t)(nl - p) != strlen(REVOCATION_MAGIC) ||
			    memcmp(p, REVOCATION_MAGIC, (size_t)(nl - p)) != 0)
				REFUSE("the first line must be \"%s\"",
				    REVOCATION_MAGIC);
			p = nl + 1;
			continue;
		}
		if (nl == p || *p == '#') {
			p = nl + 1;
			continue;
		}
		rest = p;
		for (nf = 0; nf < 3 && rest < nl; nf++)
			if (field(&rest, nl, &f[nf], &flen[nf]) == -1)
				REFUSE("an empty field (two blanks in a row, "
				    "or a blank at either end)");
		if (rest < nl || (nl > p && (nl[-1] == ' ' || nl[-1] == '\t')))
			REFUSE("too many fields, or a blank at the end");
		if (nf == 2 && flen[0] == 3 && memcmp(f[0], "end", 3) == 0) {
			if (parse_count(f[1], flen[1], &declared) == -1)
				REFUSE("\"end\" wants the number of entries");
			if (declared != l->n)
				REFUSE("\"end %zu\" but %zu entr%s above it",
				    declared, l->n, l->n == 1 ? "y" : "ies");
			ended = 1;
			p = nl + 1;
			continue;
		}
		if (nf != 3)
			REFUSE("want KIND ID UNTIL, or \"end COUNT\"");
		for (i = 0; i < REVOCATION__MAX; i++)
			if (flen[0] == strlen(kind_names[i]) &&
			    memcmp(f[0], kind_names[i], flen[0]) == 0)
				break;
		if (i == REVOCATION__MAX)
			REFUSE("unknown kind (want \"user\" or \"session\")");
		kind = (enum revocation_kind)i;
		if (!revocation_id_valid(f[1], flen[1]))
			REFUSE("the id must be 1 to %d printable characters "
			    "other than blank and '#'", REVOCATION_ID_MAX);
		if (parse_until(f[2], flen[2], &until) == -1)
			REFUSE("UNTIL must be Unix seconds (1 to %ld) or \"-\"",
			    REVOCATION_UNTIL_MAX);
		if (add_entry(l, &cap, &arena_at, kind, f[1], flen[1],
		    until) == -1)
			REFUSE(l->n == REVOCATION_MAX_ENTRIES ?
			    "more than the limit of entries" :
			    "out of memory");
		p = nl + 1;
	}
	if (lineno == 0)
		REFUSE("empty file");
	if (!ended)
		REFUSE("no \"end COUNT\" line (a truncated file?)");
	shrink(l, arena_at);
	if (build_table(l) == -1) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	/* Duplicates are found once every entry is in the table. */
	for (i = 0; i < l->n; i++)
		if (find(l, (enum revocation_kind)l->entries[i].kind,
		    l->arena + l->entries[i].off, l->entries[i].len) !=
		    (long)i) {
			snprintf(err, errsz, "%s %s is listed twice",
			    kind_names[l->entries[i].kind],
			    l->arena + l->entries[i].off);
			goto fail;
		}
#undef REFUSE
	*out = l;
	return (long)l->n;
fail:
	revocation_free(l);
	return -1;
}

long
revocation_load(const char *path, struct revocation_list **out,
    struct stat *sb, char *err, size_t errsz)
{
	struct textfile	 tf;
	long		 n;

	*out = NULL;
	if (sb != NULL)
		memset(sb, 0, sizeof(*sb));
	/* A link could point the root-run tools at any file: refused. */
	switch (textfile_read(path, REVOCATION_FILE_MAX, TEXTFILE_NOFOLLOW,
	    &tf, err, errsz)) {
	case TEXTFILE_OK:
		break;
	case TEXTFILE_ABSENT:
		snprintf(err, errsz, "cannot open: %s", strerror(ENOENT));
		return -1;
	default:
		if (sb != NULL)
			*sb = tf.st;
		return -1;
	}
	if (sb != NULL)
		*sb = tf.st;
	n = revocation_parse(tf.text, tf.len, out, err, errsz);
	textfile_free(&tf);
	return n;
}

enum revocation_verdict
revocation_check(const struct revocation_list *l, const char *user_id,
    const char *session_id, long now)
{
	long	 i;

	if (l == NULL || l->n == 0)
		return REVOKED_NOT;
	if (user_id != NULL && *user_id != '\0' &&
	    (i = find(l, REVOCATION_USER, user_id, strlen(user_id))) >= 0 &&
	    (l->entries[i].until == 0 || now < l->entries[i].until))
		return REVOKED_USER;
	if (session_id != NULL && *session_id != '\0' &&
	    (i = find(l, REVOCATION_SESSION, session_id,
	    strlen(session_id))) >= 0 &&
	    (l->entries[i].until == 0 || now < l->entries[i].until))
		return REVOKED_SESSION;
	return REVOKED_NOT;
}

size_t
revocation_count(const struct revocation_list *l)
{
	return l == NULL ? 0 : l->n;
}

void
revocation_entry(const struct revocation_list *l, size_t i,
    struct revocation_entry *e)
{
	e->kind = (enum revocation_kind)l->entries[i].kind;
	e->id = l->arena + l->entries[i].off;
	e->until = l->entries[i].until;
}

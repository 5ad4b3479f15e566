#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "auth/jwks.h"
#include "auth/keystore.h"
#include "auth/revocation.h"
#include "log.h"

/* One version of a file, as stat(2) tells them apart. */
struct file_stamp {
	dev_t		 dev;
	ino_t		 ino;		/* 0: no version seen */
	off_t		 size;
	long		 mtime_sec;
	long		 mtime_nsec;
	int		 err;		/* stat's errno, 0 when it worked */
};

/* One source's object, shared by the snapshots that did not change it. */
struct part {
	unsigned	 refs;		/* atomic: snapshots holding it */
	enum watched	 src;
	void		*obj;		/* the source's own type; may be NULL */
};

struct snapshot {
	unsigned	 refs;		/* atomic: the store + readers */
	struct part	*part[WATCHED__MAX];
};

struct watch {
	long		 checked;	/* Unix second of the last look */
	struct file_stamp loaded;	/* the version in force */
	struct file_stamp refused;	/* the last version refused */
};

struct keystore {
	const struct config	*cfg;
	pthread_mutex_t		 swap;	/* guards load-and-reference */
	struct snapshot		*current;	/* atomic pointer */
	int			 cancel;	/* atomic: keystore_cancel */
	struct watch		 watch[WATCHED__MAX];
};

/*
 * What a source is: the setting that names its file, and how to build
 * and free its object. load reads the file at path (NULL: the setting is
 * unset) outside any lock, fills *sb with the fstat of what it read
 * (st_ino 0 when nothing was opened), logs what the operator should know
 * about a version it took, and returns 0, or -1 with the reason in err.
 * It may give up early once *cancel (atomic) is non-zero.
 */
struct source_ops {
	const char	*setting;
	const char	*(*path)(const struct config *);
	int		 (*load)(const struct config *, const char *path,
			    bool at_start, const int *cancel, void **obj,
			    struct stat *sb, char *err, size_t errsz);
	void		 (*release)(void *obj);
};

static const char *
keys_path(const struct config *cfg)
{
	return cfg->jwks_file;
}

/* The legacy HS256 secret, then the JWKS file's public keys. */
static int
keys_load(const struct config *cfg, const char *path, bool at_start,
    const int *cancel, void **obj, struct stat *sb, char *err, size_t errsz)
{
	struct jwks_report	*rep = NULL;
	struct keyset		*ks;
	char			 why[256];
	size_t			 i;
	int			 n = 0;

	(void)at_start;	/* a JWKS is required whenever it is read */
	memset(sb, 0, sizeof(*sb));
	if ((ks = calloc(1, sizeof(*ks))) == NULL ||
	    (path != NULL && (rep = calloc(1, sizeof(*rep))) == NULL)) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	if (cfg->supabase_jwt_secret.bytes != NULL &&
	    keyset_add_hs256(ks, cfg->supabase_jwt_secret.bytes,
	    cfg->supabase_jwt_secret.len) == -1) {
		snprintf(err, errsz, "cannot allocate locked memory for keys");
		goto fail;
	}
	if (path != NULL) {
		rep->cancel = cancel;
		n = jwks_load(ks, path, rep, why, sizeof(why));
		*sb = rep->sb;
		if (n == -1) {
			snprintf(err, errsz, "%s", why);
			goto fail;
		}
		for (i = 0; i < rep->nskipped; i++)
			log_warnx("SUPABASE_JWKS_FILE %s: key %zu%s%s%s "
			    "skipped: %s", path, rep->skipped[i].index,
			    rep->skipped[i].kid[0] != '\0' ? " (kid " : "",
			    rep->skipped[i].kid,
			    rep->skipped[i].kid[0] != '\0' ? ")" : "",
			    rep->skipped[i].why);
		if (n == 0)
			log_warnx("SUPABASE_JWKS_FILE %s: no usable public "
			    "key: ES256, RS256 and EdDSA tokens are refused",
			    path);
		else
			log_info("SUPABASE_JWKS_FILE %s: %d public key%s",
			    path, n, n == 1 ? "" : "s");
	}
	free(rep);
	*obj = ks;
	return 0;
fail:
	free(rep);
	if (ks != NULL) {
		keyset_free(ks);
		free(ks);
	}
	return -1;
}

static void
keys_release(void *obj)
{
	keyset_free(obj);
	free(obj);
}

static const char *
revocations_path(const struct config *cfg)
{
	return cfg->revocation_file;
}

/*
 * REVOCATION_FILE. Missing at start-up is not fatal (the feed's first run
 * creates it, and it is picked up then): an empty list, with a warning;
 * missing on a reload keeps the list in force. A file that is there but
 * does not parse is refused whole, like a JWKS.
 */
int
keystore_load_revocations(const char *path, bool at_start,
    struct revocation_list **out, struct stat *sb, char *err, size_t errsz)
{
	long	 n;

	*out = NULL;
	memset(sb, 0, sizeof(*sb));
	if (path == NULL)
		return 0;
	if (stat(path, sb) == -1 && errno == ENOENT) {
		memset(sb, 0, sizeof(*sb));
		/*
		 * A reload stats the file before it loads: one that vanished
		 * in between is refused like any unusable version, never read
		 * as "no list yet" (that would let every revoked user in).
		 */
		if (!at_start) {
			snprintf(err, errsz, "missing");
			return -1;
		}
		log_warnx("REVOCATION_FILE %s: missing; no token is refused "
		    "as revoked until it appears", path);
		return 0;
	}
	if ((n = revocation_load(path, out, sb, err, errsz)) == -1)
		return -1;
	log_info("REVOCATION_FILE %s: %ld entr%s", path, n,
	    n == 1 ? "y" : "ies");
	return 0;
}

static int
revocations_load(const struct config *cfg, const char *path, bool at_start,
    const int *cancel, void **obj, struct stat *sb, char *err, size_t errsz)
{
	struct revocation_list	*l = NULL;

	(void)cfg;
	(void)cancel;	/* revocation_load cannot stop half-way */
	*obj = NULL;
	if (keystore_load_revocations(path, at_start, &l, sb, err, errsz) ==
	    -1)
		return -1;
	*obj = l;
	return 0;
}

static void
revocations_release(void *obj)
{
	revocation_free(obj);
}

static const struct source_ops sources[WATCHED__MAX] = {
	[WATCHED_KEYS] = {
		.setting = "SUPABASE_JWKS_FILE",
		.path = keys_path,
		.load = keys_load,
		.release = keys_release,
	},
	[WATCHED_REVOCATIONS] = {
		.setting = "REVOCATION_FILE",
		.path = revocations_path,
		.load = revocations_load,
		.release = revocations_release,
	},
};

static void
stamp_stat(struct file_stamp *fs, const struct stat *sb)
{
	memset(fs, 0, sizeof(*fs));
	fs->dev = sb->st_dev;
	fs->ino = sb->st_ino;
	fs->size = sb->st_size;
	fs->mtime_sec = (long)sb->st_mtim.tv_sec;
	fs->mtime_nsec = sb->st_mtim.tv_nsec;
}

static void
stamp_path(struct file_stamp *fs, const char *path)
{
	struct stat	 sb;

	if (stat(path, &sb) == -1) {
		memset(fs, 0, sizeof(*fs));
		fs->err = errno;
	} else
		stamp_stat(fs, &sb);
}

static int
stamp_eq(const struct file_stamp *a, const struct file_stamp *b)
{
	return a->err == b->err && a->dev == b->dev && a->ino == b->ino &&
	    a->size == b->size && a->mtime_sec == b->mtime_sec &&
	    a->mtime_nsec == b->mtime_nsec;
}

static struct part *
part_new(enum watched src, void *obj)
{
	struct part	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		if (obj != NULL)
			sources[src].release(obj);
		return NULL;
	}
	p->refs = 1;
	p->src = src;
	p->obj = obj;
	return p;
}

static void
part_put(struct part *p)
{
	if (p == NULL || __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (p->obj != NULL)
		sources[p->src].release(p->obj);
	free(p);
}

static void
snapshot_put(struct snapshot *s)
{
	int	 i;

	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (i = 0; i < WATCHED__MAX; i++)
		part_put(s->part[i]);
	free(s);
}

/*
 * A new snapshot from base (may be NULL) with the parts in fresh (NULL:
 * keep base's) put in; it takes over fresh's references.
 */
static struct snapshot *
snapshot_new(const struct snapshot *base, struct part *fresh[WATCHED__MAX])
{
	struct snapshot	*s;
	int		 i;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		for (i = 0; i < WATCHED__MAX; i++)
			part_put(fresh[i]);
		return NULL;
	}
	s->refs = 1;
	for (i = 0; i < WATCHED__MAX; i++) {
		if (fresh[i] != NULL)
			s->part[i] = fresh[i];
		else if (base != NULL && (s->part[i] = base->part[i]) != NULL)
			__atomic_add_fetch(&s->part[i]->refs, 1,
			    __ATOMIC_RELAXED);
	}
	return s;
}

struct keystore *
keystore_open(const struct config *cfg, char *err, size_t errsz)
{
	struct keystore	*ks;
	struct part	*fresh[WATCHED__MAX] = { NULL };
	struct stat	 sb;
	const char	*path;
	void		*obj;
	char		 why[512];
	int		 i;

	if ((ks = calloc(1, sizeof(*ks))) == NULL) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	ks->cfg = cfg;
	pthread_mutex_init(&ks->swap, NULL);
	for (i = 0; i < WATCHED__MAX; i++) {
		path = sources[i].path(cfg);
		obj = NULL;
		if (sources[i].load(cfg, path, true, NULL, &obj, &sb, why,
		    sizeof(why)) == -1) {
			if (path != NULL)
				snprintf(err, errsz, "%s %s: %s",
				    sources[i].setting, path, why);
			else
				snprintf(err, errsz, "%s", why);
			goto fail;
		}
		stamp_stat(&ks->watch[i].loaded, &sb);
		if ((fresh[i] = part_new((enum watched)i, obj)) == NULL) {
			snprintf(err, errsz, "out of memory");
			goto fail;
		}
	}
	if ((ks->current = snapshot_new(NULL, fresh)) == NULL) {
		snprintf(err, errsz, "out of memory");
		keystore_free(ks);
		return NULL;
	}
	return ks;
fail:
	for (i = 0; i < WATCHED__MAX; i++)
		part_put(fresh[i]);
	keystore_free(ks);
	return NULL;
}

/*
 * A new version of source i, loaded with no lock held; NULL when the file
 * did not change or cannot be used (logged once per version).
 */
static struct part *
source_reload(struct keystore *ks, int i, long now)
{
	const struct source_ops	*op = &sources[i];
	struct watch		*w = &ks->watch[i];
	const char		*path = op->path(ks->cfg);
	struct file_stamp	 before, seen, after;
	struct stat		 sb;
	char			 err[512];
	void			*obj = NULL;

	/* One stat(2) a second at most. */
	if (path == NULL || now == w->checked ||
	    __atomic_load_n(&ks->cancel, __ATOMIC_RELAXED))
		return NULL;
	w->checked = now;
	stamp_path(&before, path);
	if (stamp_eq(&before, &w->loaded) || stamp_eq(&before, &w->refused))
		return NULL;
	if (before.err != 0) {
		log_warnx("%s %s: cannot stat: %s; the version loaded before "
		    "stays in force", op->setting, path,
		    strerror(before.err));
		w->refused = before;
		return NULL;
	}
	if (op->load(ks->cfg, path, false, &ks->cancel, &obj, &sb, err,
	    sizeof(err)) == -1) {
		/* Cancelled: not this version's fault; never published. */
		if (__atomic_load_n(&ks->cancel, __ATOMIC_RELAXED))
			return NULL;
		/*
		 * A file written in place can be read half-way: when it has
		 * moved on since, look again in a second, without a warning
		 * about a version that was never meant to be read.
		 */
		if (sb.st_ino != 0)
			stamp_stat(&seen, &sb);
		else
			seen = before;
		stamp_path(&after, path);
		if (!stamp_eq(&after, &seen))
			return NULL;
		log_warnx("%s %s: %s; the version loaded before stays in "
		    "force", op->setting, path, err);
		w->refused = after;
		return NULL;
	}
	stamp_stat(&w->loaded, &sb);
	memset(&w->refused, 0, sizeof(w->refused));
	return part_new((enum watched)i, obj);
}

int
keystore_refresh(struct keystore *ks, long now)
{
	struct part	*fresh[WATCHED__MAX] = { NULL };
	struct snapshot	*s, *old;
	int		 i, any = 0;

	for (i = 0; i < WATCHED__MAX; i++)
		if ((fresh[i] = source_reload(ks, i, now)) != NULL)
			any = 1;
	if (!any)
		return 0;
	/* Only this thread replaces current: reading it unlocked is safe. */
	if ((s = snapshot_new(__atomic_load_n(&ks->current, __ATOMIC_RELAXED),
	    fresh)) == NULL) {
		log_warnx("out of memory: the keys in force stay");
		return 0;
	}
	pthread_mutex_lock(&ks->swap);
	old = ks->current;
	__atomic_store_n(&ks->current, s, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ks->swap);
	snapshot_put(old);
	return 1;
}

const struct snapshot *
keystore_read(struct keystore *ks, struct keystore_reader *r)
{
	struct snapshot	*cur, *old;

	cur = __atomic_load_n(&ks->current, __ATOMIC_ACQUIRE);
	if (cur == r->held)
		return cur;
	pthread_mutex_lock(&ks->swap);
	cur = __atomic_load_n(&ks->current, __ATOMIC_RELAXED);
	__atomic_add_fetch(&cur->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&ks->swap);
	old = r->held;
	r->held = cur;
	snapshot_put(old);
	return cur;
}

void
keystore_cancel(struct keystore *ks)
{
	__atomic_store_n(&ks->cancel, 1, __ATOMIC_RELAXED);
}

void
keystore_reader_done(struct keystore_reader *r)
{
	snapshot_put(r->held);
	r->held = NULL;
}

void
keystore_free(struct keystore *ks)
{
	if (ks == NULL)
		return;
	snapshot_put(ks->current);
	pthread_mutex_destroy(&ks->swap);
	free(ks);
}

const struct keyset *
snapshot_keys(const struct snapshot *s)
{
	return s->part[WATCHED_KEYS]->obj;
}

const struct revocation_list *
snapshot_revocations(const struct snapshot *s)
{
	return s->part[WATCHED_REVOCATIONS] != NULL ?
	    s->part[WATCHED_REVOCATIONS]->obj : NULL;
}

const char *
snapshot_unusable(const struct snapshot *s)
{
	const struct keyset	*k = snapshot_keys(s);

	if (k == NULL || k->n == 0)
		return "no key can verify a Supabase token: "
		    "SUPABASE_JWT_SECRET is not set and SUPABASE_JWKS_FILE "
		    "holds no usable key";
	return NULL;
}

#include <stdio.h>
#include <string.h>

#include "policy/policy.h"
#include "textfile.h"

#define POLICY_FILE_MAX	((size_t)64 * 1024)

static const struct {
	const char	*name;	/* the LiveKit room */
	const char	*type;	/* what the client sends */
} rooms[ROOM__MAX] = {
	[ROOM_AUDITION] = { "audition-room", "audition" },
	[ROOM_MAIN_SHOW] = { "main-show", "main_show" },
};

static const char *const sources[SOURCE__COUNT] = {
	"camera", "microphone", "screen_share", "screen_share_audio",
};

#define AV	(SOURCE_CAMERA | SOURCE_MICROPHONE)

/* The SPEC's table; a zeroed row (join = false) is a refusal. */
static const struct grants builtin[ROLE__MAX][ROOM__MAX] = {
	[ROLE_JUDGE] = {
		[ROOM_AUDITION] = { .join = true, .publish = true, .sources = AV,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true },
		[ROOM_MAIN_SHOW] = { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true },
	},
	[ROLE_CONTESTANT] = {
		[ROOM_AUDITION] = { .join = true, .publish = true, .sources = AV,
		    .subscribe = true, .publish_data = true },
		[ROOM_MAIN_SHOW] = { .join = true, .subscribe = true,
		    .publish_data = true },
	},
	[ROLE_PERFORMER] = {
		[ROOM_AUDITION] = { .join = true, .publish = true, .sources = AV,
		    .subscribe = true, .publish_data = true },
		[ROOM_MAIN_SHOW] = { .join = true, .publish = true,
		    .sources = AV, .subscribe = true, .publish_data = true },
	},
	[ROLE_HOST] = {
		[ROOM_AUDITION] = { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true, .room_admin = true },
		[ROOM_MAIN_SHOW] = { .join = true, .publish = true,
		    .subscribe = true, .publish_data = true,
		    .update_own_metadata = true, .room_admin = true },
	},
	[ROLE_VIEWER] = {
		[ROOM_MAIN_SHOW] = { .join = true, .subscribe = true,
		    .publish_data = true },
	},
};

const char *
room_name(enum room r)
{
	return (unsigned)r < ROOM__MAX ? rooms[r].name : "";
}

const char *
room_type_name(enum room r)
{
	return (unsigned)r < ROOM__MAX ? rooms[r].type : "";
}

int
room_type_parse(const char *type, enum room *out)
{
	size_t	 i;

	for (i = 0; i < ROOM__MAX; i++)
		if (strcmp(type, rooms[i].type) == 0) {
			*out = (enum room)i;
			return 0;
		}
	return -1;
}

const char *
source_name(unsigned bit)
{
	size_t	 i;

	for (i = 0; i < SOURCE__COUNT; i++)
		if (bit == (1u << i))
			return sources[i];
	return NULL;
}

void
policy_default(struct policy *p)
{
	memcpy(p->grants, builtin, sizeof(p->grants));
}

const struct grants *
policy_grants_for(const struct policy *p, enum role role, enum room room)
{
	static const struct grants	 refused;

	if ((unsigned)role >= ROLE__MAX || (unsigned)room >= ROOM__MAX)
		return &refused;
	return &p->grants[role][room];
}

/* Parse "camera,microphone" into source bits; -1 on an unknown name. */
static int
parse_sources(char *list, unsigned *out)
{
	char	*name;
	size_t	 i;

	*out = 0;
	while ((name = strsep(&list, ",")) != NULL) {
		for (i = 0; i < SOURCE__COUNT; i++)
			if (strcmp(name, sources[i]) == 0)
				break;
		if (i == SOURCE__COUNT)
			return -1;
		*out |= 1u << i;
	}
	return 0;
}

/*
 * One grant word into g; returns -1 for a word we do not know, -2 for a
 * grant the line already gave (bit in *given): "publish=camera
 * publish=microphone" would otherwise keep the last list silently.
 */
static int
parse_grant(char *word, struct grants *g, unsigned *given)
{
	static const char *const words[] = {
		"join", "publish", "subscribe", "data", "update_metadata",
		"admin"
	};
	bool	*flags[] = {
		&g->join, &g->publish, &g->subscribe, &g->publish_data,
		&g->update_own_metadata, &g->room_admin
	};
	size_t	 i;
	int	 sourced = strncmp(word, "publish=", 8) == 0;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (sourced ? i == 1 : strcmp(word, words[i]) == 0)
			break;
	if (i == sizeof(words) / sizeof(words[0]))
		return -1;
	if (*given & (1u << i))
		return -2;
	*given |= 1u << i;
	*flags[i] = true;
	return sourced ? parse_sources(word + 8, &g->sources) : 0;
}

/*
 * One non-comment line: "ROLE ROOM_TYPE deny" or "ROLE ROOM_TYPE join
 * [grant ...]". Writes the problem into err and returns -1 when the line
 * is wrong.
 */
static int
parse_line(char *line, struct grants table[ROLE__MAX][ROOM__MAX],
    bool seen[ROLE__MAX][ROOM__MAX], char *err, size_t errsz)
{
	static const char	 ws[] = " \t\r";
	char			*save = NULL, *role_s, *room_s, *word;
	enum role		 role;
	enum room		 room;
	struct grants		 g;
	bool			 deny = false, any = false;
	unsigned		 given = 0;
	int			 rc;

	role_s = strtok_r(line, ws, &save);
	room_s = strtok_r(NULL, ws, &save);
	if (role_s == NULL || room_s == NULL) {
		snprintf(err, errsz, "expected \"ROLE ROOM_TYPE GRANT...\"");
		return -1;
	}
	if (role_parse(role_s, &role) == -1) {
		snprintf(err, errsz, "unknown role \"%.32s\"", role_s);
		return -1;
	}
	if (room_type_parse(room_s, &room) == -1) {
		snprintf(err, errsz, "unknown room type \"%.32s\" (want "
		    "audition or main_show)", room_s);
		return -1;
	}
	if (seen[role][room]) {
		snprintf(err, errsz, "%s in %s is given twice", role_s, room_s);
		return -1;
	}
	memset(&g, 0, sizeof(g));
	while ((word = strtok_r(NULL, ws, &save)) != NULL) {
		any = true;
		if (strcmp(word, "deny") == 0)
			deny = true;
		else if ((rc = parse_grant(word, &g, &given)) != 0) {
			snprintf(err, errsz, rc == -2 ? "grant \"%.48s\" is "
			    "given twice (publish= counts as publish)" :
			    "unknown grant \"%.48s\"", word);
			return -1;
		}
	}
	if (!any) {
		snprintf(err, errsz, "no grants for %s in %s (write deny to "
		    "refuse)", role_s, room_s);
		return -1;
	}
	if (deny && (g.join || g.publish || g.subscribe || g.publish_data ||
	    g.update_own_metadata || g.room_admin)) {
		snprintf(err, errsz, "deny cannot be combined with grants");
		return -1;
	}
	if (!deny && !g.join) {
		snprintf(err, errsz, "grants without join (write deny to "
		    "refuse)");
		return -1;
	}
	table[role][room] = g;
	seen[role][room] = true;
	return 0;
}

int
policy_parse(struct policy *p, const char *text, size_t len, char *err,
    size_t errsz)
{
	struct grants	 table[ROLE__MAX][ROOM__MAX];
	bool		 seen[ROLE__MAX][ROOM__MAX];
	char		 line[512], why[160];
	size_t		 start = 0, end, n, lineno = 0;

	memset(table, 0, sizeof(table));
	memset(seen, 0, sizeof(seen));
	while (start < len) {
		lineno++;
		for (end = start; end < len && text[end] != '\n'; end++)
			;
		n = end - start;
		if (n >= sizeof(line)) {
			snprintf(err, errsz, "line %zu: longer than %zu bytes",
			    lineno, sizeof(line) - 1);
			return -1;
		}
		if (memchr(text + start, '\0', n) != NULL) {
			snprintf(err, errsz, "line %zu: NUL byte", lineno);
			return -1;
		}
		memcpy(line, text + start, n);
		line[n] = '\0';
		start = end + 1;
		/* Comments run from '#' to the end of the line. */
		line[strcspn(line, "#")] = '\0';
		if (line[strspn(line, " \t\r")] == '\0')
			continue;
		if (parse_line(line, table, seen, why, sizeof(why)) == -1) {
			snprintf(err, errsz, "line %zu: %s", lineno, why);
			return -1;
		}
	}
	memcpy(p->grants, table, sizeof(p->grants));
	return 0;
}

int
policy_load(struct policy *p, const char *path, char *err, size_t errsz)
{
	struct textfile	 tf;
	int		 rc;

	if (textfile_read(path, POLICY_FILE_MAX, 0, &tf, err, errsz) !=
	    TEXTFILE_OK)
		return -1;
	rc = policy_parse(p, tf.text, tf.len, err, errsz);
	textfile_free(&tf);
	return rc;
}

/*
 * Who may do what in which room: (role, room) -> LiveKit grants.
 * Deny by default: a role/room pair with join = false is refused (403).
 */
#ifndef POLICY_H
#define POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "role.h"

enum room {
	ROOM_AUDITION = 0,
	ROOM_MAIN_SHOW,
	ROOM__MAX
};

/* LiveKit track sources; a grant with no source bit set may publish any. */
enum source {
	SOURCE_CAMERA = 1 << 0,
	SOURCE_MICROPHONE = 1 << 1,
	SOURCE_SCREEN_SHARE = 1 << 2,
	SOURCE_SCREEN_SHARE_AUDIO = 1 << 3,
};
#define SOURCE__COUNT	4

struct grants {
	bool		 join;
	bool		 publish;
	unsigned	 sources;	/* enum source bits; 0 = unrestricted */
	bool		 subscribe;
	bool		 publish_data;
	bool		 update_own_metadata;
	bool		 room_admin;
};

struct policy {
	struct grants	 grants[ROLE__MAX][ROOM__MAX];
};

const char	*room_name(enum room);
/* The client-facing room type ("audition", "main_show"). */
const char	*room_type_name(enum room);
/* Returns 0 and sets *out for a known room type, -1 otherwise. */
int		 room_type_parse(const char *type, enum room *out);
const char	*source_name(unsigned bit);

/* The SPEC's built-in table. */
void		 policy_default(struct policy *);

/*
 * Replace the table with the file at path (see policy/README in the
 * project README, "Room policy"). Returns 0, or -1 with a message naming
 * the line in err. *p is untouched on failure.
 */
int		 policy_load(struct policy *p, const char *path,
		    char *err, size_t errsz);

/* Parse policy text (what policy_load reads); same contract. */
int		 policy_parse(struct policy *p, const char *text, size_t len,
		    char *err, size_t errsz);

/* The grants for role in room; ->join is false where the role is refused. */
const struct grants	*policy_grants_for(const struct policy *,
			    enum role, enum room);

#endif

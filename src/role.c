#include <stddef.h>
#include <string.h>

#include "role.h"

static const char *const roles[ROLE__MAX] = {
	[ROLE_VIEWER] = "viewer",
	[ROLE_CONTESTANT] = "contestant",
	[ROLE_PERFORMER] = "performer",
	[ROLE_JUDGE] = "judge",
	[ROLE_HOST] = "host",
};

const char *
role_name(enum role r)
{
	return (unsigned)r < ROLE__MAX ? roles[r] : roles[ROLE_VIEWER];
}

int
role_parse(const char *name, enum role *out)
{
	size_t	 i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(name, roles[i]) == 0) {
			*out = (enum role)i;
			return 0;
		}
	return -1;
}

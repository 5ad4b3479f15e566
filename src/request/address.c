#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "request/address.h"

/* ::ffff:0:0/96 (RFC 4291 2.5.5.2) */
static const unsigned char	 v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

int
address_parse(const char *s, struct address *a)
{
	size_t	 n;

	memset(a, 0, sizeof(*a));
	/* The bound first: inet_pton reads until the NUL. */
	if (s == NULL || (n = strnlen(s, INET6_ADDRSTRLEN)) == 0 ||
	    n == INET6_ADDRSTRLEN)
		return -1;
	if (strchr(s, ':') == NULL) {
		if (inet_pton(AF_INET, s, a->bytes) != 1) {
			memset(a, 0, sizeof(*a));
			return -1;
		}
		a->family = ADDRESS_IPV4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->bytes) != 1) {
		memset(a, 0, sizeof(*a));
		return -1;
	}
	/*
	 * Keyed as IPv6, every IPv4 client of a dual-stack listener would
	 * share the one /64 ::ffff:0:0 prefix.
	 */
	if (memcmp(a->bytes, v4mapped, sizeof(v4mapped)) == 0) {
		memmove(a->bytes, a->bytes + sizeof(v4mapped), 4);
		memset(a->bytes + 4, 0, sizeof(a->bytes) - 4);
		a->family = ADDRESS_IPV4;
	} else
		a->family = ADDRESS_IPV6;
	return 0;
}

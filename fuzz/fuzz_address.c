/*
 * The client's address (src/request/address.c, REMOTE_ADDR) and the
 * failed-authentication guard it keys (src/auth/failguard.c).
 *
 * Whatever the text: no crash, and either a refusal that leaves
 * ADDRESS_NONE or an address whose canonical text (inet_ntop) parses back
 * to the very same family and bytes; an IPv4-mapped IPv6 address never
 * comes out as IPv6. Then the guard, at a time that moves on a second per
 * input (each earlier address long paid off): an address it has never
 * seen fail is not refused; BURST failures at one instant make it refused,
 * with a debt of exactly BURST x 1/RPS; once that has passed it is not
 * refused again. ADDRESS_NONE is never refused and never counted.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "auth/failguard.h"
#include "fuzz.h"
#include "request/address.h"

#define IN_MAX		128
#define RPS		5
#define BURST		3
#define INTERVAL_MS	(1000 / RPS)

static const unsigned char	mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* The canonical text of a parses back to a. */
static void
check_round_trip(const struct address *a)
{
	struct address	 b;
	char		 text[INET6_ADDRSTRLEN];

	FUZZ_CHECK(a->family == ADDRESS_IPV4 || a->family == ADDRESS_IPV6);
	FUZZ_CHECK(inet_ntop(a->family == ADDRESS_IPV4 ? AF_INET : AF_INET6,
	    a->bytes, text, sizeof(text)) != NULL);
	FUZZ_CHECK(address_parse(text, &b) == 0);
	FUZZ_CHECK(b.family == a->family);
	FUZZ_CHECK(memcmp(b.bytes, a->bytes,
	    a->family == ADDRESS_IPV4 ? 4 : 16) == 0);
	if (a->family == ADDRESS_IPV6)
		FUZZ_CHECK(memcmp(a->bytes, mapped, sizeof(mapped)) != 0);
}

/* The guard's arithmetic for a at an instant after every earlier one. */
static void
check_guard(const struct address *a)
{
	static struct failguard	*g;
	static uint64_t		 now = 1000000;
	int			 i;

	if (g == NULL)
		FUZZ_CHECK((g = failguard_open(NULL, RPS, BURST)) != NULL);
	now += 1000;	/* every earlier address has paid off by now */
	if (a->family == ADDRESS_NONE) {
		failguard_fail(g, a, now);
		FUZZ_CHECK(!failguard_refuses(g, a, now));
		FUZZ_CHECK(failguard_debt(g, a, now) == 0);
		return;
	}
	FUZZ_CHECK(!failguard_refuses(g, a, now));
	for (i = 0; i < BURST - 1; i++)
		failguard_fail(g, a, now);
	FUZZ_CHECK(!failguard_refuses(g, a, now));
	failguard_fail(g, a, now);
	FUZZ_CHECK(failguard_refuses(g, a, now));
	FUZZ_CHECK(failguard_debt(g, a, now) == (uint64_t)BURST * INTERVAL_MS);
	FUZZ_CHECK(!failguard_refuses(g, a, now + BURST * INTERVAL_MS));
	FUZZ_CHECK(failguard_used(g) <= failguard_capacity());
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct address	 a;
	char		 text[IN_MAX + 1];
	int		 rc;

	if (size > IN_MAX)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';	/* an embedded NUL ends the text, as in FastCGI */
	memset(&a, 0xa5, sizeof(a));
	rc = address_parse(text, &a);
	FUZZ_CHECK(rc == 0 || rc == -1);
	if (rc == -1)
		FUZZ_CHECK(a.family == ADDRESS_NONE);
	else
		check_round_trip(&a);
	check_guard(&a);
	FUZZ_CHECK(address_parse(NULL, &a) == -1 && a.family == ADDRESS_NONE);
	return 0;
}

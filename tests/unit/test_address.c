/*
 * address: REMOTE_ADDR (nginx's $remote_addr) into a typed binary
 * address, once, with the bound checked before inet_pton reads a byte.
 */
#include <string.h>

#include "check.h"
#include "request/address.h"

static int
is(const char *s, enum address_family f, const unsigned char *want,
    size_t n)
{
	struct address	 a;
	int		 rc = address_parse(s, &a);

	return rc == 0 && a.family == f && memcmp(a.bytes, want, n) == 0;
}

static int
refused(const char *s)
{
	struct address	 a;

	memset(&a, 0x5a, sizeof(a));
	return address_parse(s, &a) == -1 && a.family == ADDRESS_NONE;
}

static void
test_parse(void)
{
	static const unsigned char	 v4[] = { 192, 0, 2, 1 };
	static const unsigned char	 v6[] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const unsigned char	 lo[16] = { [15] = 1 };
	static const unsigned char	 siit[] = { 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff, 0, 0, 192, 0, 2, 1 };
	static const unsigned char	 bcast[] = { 255, 255, 255, 255 };
	static const char		 longest45[] =
	    "0000:0000:0000:0000:0000:ffff:255.255.255.255";
	static char			 huge[4096];
	struct address			 a;

	CHECK(is("192.0.2.1", ADDRESS_IPV4, v4, 4));
	CHECK(is("2001:db8::1", ADDRESS_IPV6, v6, 16));
	CHECK(is("::1", ADDRESS_IPV6, lo, 16));
	/* A dual-stack socket's IPv4 client is that IPv4 address... */
	CHECK(is("::ffff:192.0.2.1", ADDRESS_IPV4, v4, 4));
	CHECK(address_parse("::ffff:192.0.2.1", &a) == 0 &&
	    memcmp(a.bytes + 4, lo, 12) == 0);
	/* ...but ::ffff:0:0:0/96 (SIIT) and NAT64 are real IPv6. */
	CHECK(is("::ffff:0:192.0.2.1", ADDRESS_IPV6, siit, 16));
	CHECK(address_parse("64:ff9b::192.0.2.1", &a) == 0 &&
	    a.family == ADDRESS_IPV6);

	CHECK(refused(NULL));
	CHECK(refused(""));
	CHECK(refused("unix:"));	/* nginx listening on a socket */
	CHECK(refused(" 192.0.2.1"));
	CHECK(refused("192.0.2.1 "));
	CHECK(refused("192.0.2"));
	CHECK(refused("192.0.2.256"));
	CHECK(refused("192.0.2.1.5"));
	CHECK(refused("192.0.2.1:443"));
	CHECK(refused("0x7f.0.0.1"));
	CHECK(refused("fe80::1%eth0"));
	CHECK(refused("2001:db8::1::2"));
	CHECK(refused("[2001:db8::1]"));
	/* INET6_ADDRSTRLEN - 1 characters at most: the longest form... */
	CHECK(strlen(longest45) == 45);
	CHECK(is(longest45, ADDRESS_IPV4, bcast, 4));
	/* ...and anything longer is refused before inet_pton reads it. */
	memset(huge, '1', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	CHECK(refused(huge));
}

int
main(void)
{
	test_parse();
	return CHECK_DONE();
}

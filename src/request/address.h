/*
 * The client's address: nginx's $remote_addr, handed over as REMOTE_ADDR
 * after the realip module's TRUSTED_PROXIES handling (so behind a trusted
 * load balancer it is the client, and a header from any other peer
 * changes nothing). Parsed once, at the edge, into a typed binary
 * address; nothing downstream reads the text.
 */
#ifndef ADDRESS_H
#define ADDRESS_H

enum address_family {
	ADDRESS_NONE = 0,	/* absent, or not an IP address ("unix:") */
	ADDRESS_IPV4,
	ADDRESS_IPV6,
};

struct address {
	enum address_family	 family;
	unsigned char		 bytes[16];	/* network order; IPv4: 4 of them */
};

/*
 * Parse s (NULL allowed) into *a: dotted-quad IPv4 or textual IPv6, at
 * most INET6_ADDRSTRLEN - 1 characters, no zone. An IPv4-mapped IPv6
 * address (::ffff:192.0.2.1, what a dual-stack socket shows for an IPv4
 * client) becomes the IPv4 address it is. Returns 0, or -1 with
 * a->family ADDRESS_NONE.
 */
int	address_parse(const char *s, struct address *a);

#endif

# Revocation and moderation (issue 11). The moderator's `revoke --kick`
# talks HTTPS to LiveKit's server API: the binary links libssl beside
# libcrypto. bench/revocation.sh is the list's microbenchmark.
LIBS	+= $(shell pkg-config --libs libssl 2>/dev/null)

bench-revocation:
	bench/revocation.sh

.PHONY: bench-revocation

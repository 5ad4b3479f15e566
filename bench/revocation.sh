#!/usr/bin/env bash
# Revocation list microbenchmark (issue 11): load a 100,000-entry list,
# then time revocation_check. Builds bench/revocation.c with the release
# flags against src/auth/revocation.c; prints two lines. Usage:
#   bench/revocation.sh [ENTRIES]
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench/revocation
mkdir -p build/bench
if [ ! -x "$out" ] || [ bench/revocation.c -nt "$out" ] ||
    [ src/auth/revocation.c -nt "$out" ] || [ src/auth/revocation.h -nt "$out" ] ||
    [ src/textfile.c -nt "$out" ]; then
	# shellcheck disable=SC2046
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -Isrc -Wall -Wextra -Werror \
	    $(pkg-config --cflags libsodium) -o "$out" \
	    bench/revocation.c src/auth/revocation.c src/textfile.c $(pkg-config --libs libsodium)
fi
exec "$out" "${1:-100000}"

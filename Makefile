# livekit-token: build, run, test.
#   make            the release worker, build/release/livekit-token
#   make run/stop   a local stack on https://127.0.0.1:8443 (README)
#   make test       every suite; one "N passed, M failed" line at the end
#   make check      static analysis (clang-tidy, cppcheck)

CC	?= cc
PKGS	 = json-c libsodium libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wformat=2 -Wvla -Wpointer-arith \
	   -Wcast-qual -Wnull-dereference
BASE	 = -std=c11 -D_GNU_SOURCE -Isrc $(WARN) $(PKG_CFLAGS)
LIBS	 = -lfcgi $(PKG_LIBS)

# Release: hardened, optimised. Test: ASan + UBSan, every report fatal.
REL_CFLAGS  = $(BASE) -O2 -g -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	      -fPIE -fno-strict-overflow
REL_LDFLAGS = -pie -Wl,-z,relro,-z,now
SAN	    = -fsanitize=address,undefined -fno-sanitize-recover=all
ASAN_CFLAGS = $(BASE) -O1 -g -fno-omit-frame-pointer $(SAN)
ASAN_LDFLAGS = $(SAN)

SRC	 := $(shell find src -name '*.c' | sort)
LIB_SRC	 := $(filter-out src/main.c,$(SRC))
UNIT_SRC := $(wildcard tests/unit/test_*.c)

REL_OBJ	 := $(SRC:%.c=build/release/%.o)
ASAN_OBJ := $(SRC:%.c=build/asan/%.o)
ASAN_LIB := $(LIB_SRC:%.c=build/asan/%.o)
UNIT_BIN := $(UNIT_SRC:%.c=build/asan/%)

all: build/release/livekit-token

# V=1 shows the full commands.
Q	 = $(if $(V),,@)

build/release/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(REL_CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC asan $<")
	$(Q)$(CC) $(ASAN_CFLAGS) -MMD -MP -c $< -o $@

build/release/livekit-token: $(REL_OBJ)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(REL_LDFLAGS) -o $@ $^ $(LIBS)

build/asan/livekit-token: $(ASAN_OBJ)
	@$(if $(Q),echo "  LD asan $@")
	$(Q)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

build/asan/tests/unit/%: build/asan/tests/unit/%.o $(ASAN_LIB)
	@$(if $(Q),echo "  LD asan $@")
	$(Q)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

# Each mk/*.mk adds its own rules and appends what the suites need to
# TEST_BUILD, so that tests/run itself builds nothing.
TEST_BUILD := build/release/livekit-token build/asan/livekit-token $(UNIT_BIN)
-include $(sort $(wildcard mk/*.mk))

test-build: $(TEST_BUILD)

# Everything: what make run, make test and make bench each install.
deps:
	scripts/install-deps run test bench

# Packages first, then a fresh make that sees their pkg-config files.
# make run installs only what the running stack needs (README: "What each
# command installs"); the test and benchmark tools come with their targets.
run:
	scripts/install-deps run
	$(MAKE) --no-print-directory all
	scripts/stack run

stop:
	scripts/stack stop

test:
	scripts/install-deps run test
	$(MAKE) --no-print-directory -j2 test-build
	tests/run

# The booted-host suite (tests/hosts) alone: three Debian hosts with
# systemd as PID 1 (make test runs it too).
test-hosts: test-build
	SUITES=hosts tests/run

check:
	clang-tidy --quiet $(LIB_SRC) src/main.c -- $(BASE)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr -Isrc --suppress=missingIncludeSystem src

clean:
	rm -rf build

.PHONY: all deps run stop test test-build test-hosts check clean
.SECONDARY:

-include $(shell find build -name '*.d' 2>/dev/null)

# make bench: the benchmark (issue 7). bench/run starts its own stacks
# under .bench-run/ on ports 18800-18899, drives each target with wrk and
# writes bench/RESULTS.md. See bench/README.md.

BENCH_EMPTY := build/bench/empty-handler
BENCH_CROWD := build/bench/crowd
BENCH_VERIFY := build/bench/p256-verify
BENCH_LOOP := build/bench/service-loop

$(BENCH_EMPTY): bench/empty_handler.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $< -lfcgi -lpthread

# The show-start crowd's load generator (bench/crowd.c).
$(BENCH_CROWD): bench/crowd.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $< -lssl -lcrypto

# One P-256 verification, hot and with cold caches (bench/p256_verify.c).
$(BENCH_VERIFY): bench/p256_verify.c bench/thread_cpu.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $< -lcrypto

# The worker's request path in a loop, no FastCGI (bench/service_loop.c):
# built from the release objects, so it measures the shipped code.
$(BENCH_LOOP): bench/service_loop.c bench/thread_cpu.h $(filter-out build/release/src/main.o,$(REL_OBJ))
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(REL_CFLAGS) $(REL_LDFLAGS) -o $@ $(filter-out %.h,$^) $(LIBS)

# make test builds them too, so that CI compiles every C file of the
# repository under -Werror, not only those a suite runs.
TEST_BUILD += $(BENCH_EMPTY) $(BENCH_CROWD) $(BENCH_VERIFY) $(BENCH_LOOP)

# Packages first, then a fresh make that sees their pkg-config files.
bench:
	scripts/install-deps run bench
	$(MAKE) --no-print-directory build/release/livekit-token $(BENCH_EMPTY) $(BENCH_CROWD) $(BENCH_VERIFY) $(BENCH_LOOP)
	bench/run

.PHONY: bench

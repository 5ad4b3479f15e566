# libFuzzer targets (STYLE.md 12). Every fuzz/fuzz_NAME.c defines
# LLVMFuzzerTestOneInput and becomes two programs:
#   build/fuzz/NAME               clang, libFuzzer + ASan + UBSan
#   build/asan/fuzz/NAME-repro    gcc ASan + UBSan build + fuzz/main.c, which
#                                 runs files given on the command line
# Seeds are fuzz/corpus/NAME/, libFuzzer options fuzz/fuzz_NAME.options,
# dictionaries fuzz/dict/ (fuzz/README.md).
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="jwt json"]
# runs each target for that long on build/fuzz/corpus/NAME (a copy of its
# seeds; the repo is never written), and fails on any crash or leak, with
# the input in build/fuzz/artifacts/NAME/.

CLANG		?= clang
FUZZ_SECONDS	?= 60
FUZZ_SAN	 = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS	 = $(BASE) -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)

FUZZ_SRC	:= $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_NAMES	:= $(FUZZ_SRC:fuzz/fuzz_%.c=%)
FUZZ_TARGETS	?= $(FUZZ_NAMES)
FUZZ_BIN	:= $(FUZZ_NAMES:%=build/fuzz/%)
FUZZ_REPRO	:= $(FUZZ_NAMES:%=build/asan/fuzz/%-repro)
# The code under test, instrumented for coverage but without libFuzzer's main.
FUZZ_LIB	:= $(LIB_SRC:%.c=build/fuzz/obj/%.o)

build/fuzz/obj/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC fuzz $<")
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BIN): build/fuzz/%: fuzz/fuzz_%.c $(FUZZ_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD fuzz $@")
	$(Q)$(CLANG) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MT $@ -MF $@.d \
	    -o $@ $< $(FUZZ_LIB) $(LIBS)

# fuzz/*.o come from the Makefile's build/asan/%.o rule (gcc, ASAN_CFLAGS).
$(FUZZ_REPRO): build/asan/fuzz/%-repro: build/asan/fuzz/fuzz_%.o \
    build/asan/fuzz/main.o $(ASAN_LIB)
	@$(if $(Q),echo "  LD asan $@")
	$(Q)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BIN) $(FUZZ_REPRO)

fuzz: $(FUZZ_TARGETS:%=build/fuzz/%)
	scripts/fuzz -t $(FUZZ_SECONDS) $(FUZZ_TARGETS)

TEST_BUILD += $(FUZZ_BIN) $(FUZZ_REPRO)

.PHONY: fuzz fuzz-build

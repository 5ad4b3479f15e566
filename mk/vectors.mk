# Wycheproof vectors against the signature primitives (tests/vectors/run).
build/asan/tests/vectors/wycheproof: build/asan/tests/vectors/wycheproof.o $(ASAN_LIB)
	@$(if $(Q),echo "  LD asan $@")
	$(Q)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

TEST_BUILD += build/asan/tests/vectors/wycheproof

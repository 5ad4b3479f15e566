# A second build whose metrics layout differs (METRICS_LAYOUT_TEST_PAD):
# the rolling-upgrade tests run it beside the normal one.
PAD_DEF	 = -DMETRICS_LAYOUT_TEST_PAD=1

build/pad/release/src/metrics.o: src/metrics.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC pad  $<")
	$(Q)$(CC) $(REL_CFLAGS) $(PAD_DEF) -MMD -MP -c $< -o $@

build/pad/asan/src/metrics.o: src/metrics.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC pad  $<")
	$(Q)$(CC) $(ASAN_CFLAGS) $(PAD_DEF) -MMD -MP -c $< -o $@

build/pad/livekit-token: $(filter-out build/release/src/metrics.o,$(REL_OBJ)) \
    build/pad/release/src/metrics.o
	@$(if $(Q),echo "  LD pad  $@")
	$(Q)$(CC) $(REL_LDFLAGS) -o $@ $^ $(LIBS)

build/pad/metrics-opener: build/asan/tests/metrics/opener.o \
    $(filter-out build/asan/src/metrics.o,$(ASAN_LIB)) \
    build/pad/asan/src/metrics.o
	@$(if $(Q),echo "  LD pad  $@")
	$(Q)$(CC) $(ASAN_LDFLAGS) -o $@ $^ $(LIBS)

TEST_BUILD += build/pad/livekit-token build/pad/metrics-opener

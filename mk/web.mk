# The try-it page of the development stack (issue 6): web/ copied into
# build/web/, with livekit-client's browser build vendored from the tests'
# npm lockfile (tests/node_modules, installed by scripts/install-deps), so
# the page needs no network when it runs. scripts/stack copies build/web
# into the stack that serves it (make run); the browser suite tests it.

WEB_SRC		:= $(sort $(wildcard web/*.html web/*.js web/*.css))
LIVEKIT_UMD	:= tests/node_modules/livekit-client/dist/livekit-client.umd.js
WEB_OUT		:= $(WEB_SRC:web/%=build/web/%) build/web/vendor/livekit-client.umd.js

all: $(WEB_OUT)
TEST_BUILD += $(WEB_OUT)

build/web/%: web/%
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WEB     $@")
	$(Q)cp $< $@

# npm gives package files a fixed old mtime: the lockfile says when to copy.
build/web/vendor/livekit-client.umd.js: $(LIVEKIT_UMD) tests/package-lock.json
	@mkdir -p $(@D)
	@$(if $(Q),echo "  VENDOR  $@")
	$(Q)cp $< $@

# Without the tests' packages (a plain `make` on a fresh checkout), install
# them exactly as the lockfile pins them.
$(LIVEKIT_UMD):
	cd tests && npm ci --no-audit --no-fund --loglevel=error

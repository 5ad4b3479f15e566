# The try-it page of the development stack (issue 6): web/ copied into
# build/web/, with livekit-client's browser build, committed in web/vendor/
# (its README says why and how to refresh it), so that neither building nor
# serving the page needs node, npm or the network.

WEB_SRC		:= $(sort $(wildcard web/*.html web/*.js web/*.css))
LIVEKIT_UMD	:= web/vendor/livekit-client.umd.js
WEB_OUT		:= $(WEB_SRC:web/%=build/web/%) build/web/vendor/livekit-client.umd.js

all: $(WEB_OUT)
TEST_BUILD += $(WEB_OUT)

build/web/%: web/%
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WEB     $@")
	$(Q)cp $< $@

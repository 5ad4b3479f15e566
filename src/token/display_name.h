/*
 * Moved to src/display_name.h: the display name is found by auth/claims,
 * asked for by request/body and carried by the token, so it lives beside
 * them rather than inside token/. This forwarder goes once
 * request/body.h and fuzz/fuzz_jwt.c include "display_name.h".
 */
#include "../display_name.h"

/*
 * The participant's display name (the LiveKit token's "name"): trimmed,
 * 1-128 characters of valid UTF-8, no control characters, and at least
 * one that draws something (not only zero-width or filler characters).
 */
#ifndef DISPLAY_NAME_H
#define DISPLAY_NAME_H

#include <stddef.h>

#define DISPLAY_NAME_MAX_CHARS	128
/* 128 code points of at most 4 bytes each, and a NUL. */
#define DISPLAY_NAME_SIZE	(DISPLAY_NAME_MAX_CHARS * 4 + 1)

/*
 * Copy the trimmed name from in (len bytes) into out. Returns 0, or -1
 * when the result would be empty, too long, invalid UTF-8, hold a
 * control character (C0, DEL, C1, or a bidi/line separator override) or
 * no visible character (U+200B, U+3164, U+FEFF, RLM and the like only).
 */
int	display_name_parse(const char *in, size_t len,
	    char out[DISPLAY_NAME_SIZE]);

#endif

/*
 * Untrusted JSON text -> json-c objects, stricter than json-c alone:
 * RFC 8259 grammar only, valid UTF-8 (no lone surrogates), no NUL, no
 * duplicate member names (RFC 7515 section 4 forbids them in a JOSE header,
 * and two readers of one token must never see different claims), bounded
 * depth, no trailing bytes, and a top-level object.
 */
#ifndef JSONPARSE_H
#define JSONPARSE_H

#include <stddef.h>

struct json_object;

#define JSONPARSE_MAX_DEPTH	16
#define JSONPARSE_MAX_TEXT	((size_t)1 << 20)

/*
 * Parse exactly len bytes of text. Returns 0 and a new reference in *out
 * (the caller puts it), or -1 with *out set to NULL.
 */
int	json_parse_object(const char *text, size_t len, struct json_object **out);

#endif

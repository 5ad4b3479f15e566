/*
 * The tests read what the service writes with json-c, a parser that is not
 * ours: an answer our own reader accepted could still be one nobody else
 * reads. Same contract as the old json_parse_object: 0 and a new reference
 * in *out (the caller puts it), or -1 and NULL.
 */
#ifndef TEST_JSONC_H
#define TEST_JSONC_H

#include <stddef.h>

#include <json-c/json.h>

static inline int
jsonc_parse(const char *text, size_t len, struct json_object **out)
{
	struct json_tokener	*tok;
	struct json_object	*o;

	*out = NULL;
	if (len > (size_t)0x7fffffff || (tok = json_tokener_new()) == NULL)
		return -1;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	*out = o;
	return 0;
}

#endif

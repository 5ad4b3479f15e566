/*
 * The strict JSON reader (src/jsonparse.c) that every header, payload and
 * body goes through.
 *
 * Whatever the input: no crash, no leak, and *out is NULL on failure.
 * When it parses: the text starts with '{' (a top-level object), and what
 * json-c writes back (plain and pretty, slashes escaped or not) parses
 * again, is json_object_equal to the first parse and writes back to the
 * same text: nothing we accept is something we cannot read back.
 */
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "jsonparse.h"

#define IN_MAX	((size_t)64 * 1024)	/* the reader's own limit is 1 MiB */

static void	roundtrip(struct json_object *, int flags);

static void
roundtrip(struct json_object *obj, int flags)
{
	struct json_object	*again = NULL;
	const char		*s;
	char			*copy;
	size_t			 len;

	s = json_object_to_json_string_ext(obj, flags);
	FUZZ_CHECK(s != NULL);
	len = strlen(s);
	/* Our own heap copy, exactly len bytes: no NUL to lean on. */
	copy = malloc(len > 0 ? len : 1);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, s, len);
	if (json_parse_object(copy, len, &again) != 0) {
		fprintf(stderr, "json-c wrote what we refuse: %s\n", s);
		fuzz_fail(__FILE__, __LINE__, "json-c output re-parses");
	}
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(json_object_equal(obj, again));
	/* Stable: the second object writes the very same text. */
	FUZZ_CHECK(strcmp(json_object_to_json_string_ext(again, flags),
	    json_object_to_json_string_ext(obj, flags)) == 0);
	json_object_put(again);
	free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_object	*obj = (struct json_object *)&obj;
	size_t			 i = 0;

	if (size > IN_MAX)
		size = IN_MAX;
	if (json_parse_object((const char *)data, size, &obj) != 0) {
		FUZZ_CHECK(obj == NULL);
		return 0;
	}
	FUZZ_CHECK(obj != NULL);
	FUZZ_CHECK(json_object_is_type(obj, json_type_object));
	while (i < size && (data[i] == ' ' || data[i] == '\t' ||
	    data[i] == '\n' || data[i] == '\r'))
		i++;
	FUZZ_CHECK(i < size && data[i] == '{');

	roundtrip(obj, JSON_C_TO_STRING_PLAIN);
	roundtrip(obj, JSON_C_TO_STRING_PRETTY);
	roundtrip(obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	json_object_put(obj);
	return 0;
}

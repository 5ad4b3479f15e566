/*
 * Untrusted JSON text -> a read-only tree, stricter than json-c: RFC 8259
 * grammar only, valid UTF-8 (no lone surrogates), no NUL, no duplicate
 * member names (RFC 7515 section 4 forbids them in a JOSE header, and two
 * readers of one token must never see different claims), bounded depth, no
 * trailing bytes, and a top-level object.
 *
 * The tree lives in its json_doc: first in the doc's own inline block (a
 * token's header, payload or a request body fit there, so the request path
 * makes no allocation), then in heap chunks the doc owns. Every node, name
 * and string stays valid until json_doc_free; nothing points into the text.
 */
#ifndef JSONPARSE_H
#define JSONPARSE_H

#include <stddef.h>

/*
 * The parser recurses once per level (about 160 bytes of stack a level in
 * the release build): the bound keeps a hostile text off the stack. It
 * is not tighter because user_metadata is the user's to write and sits
 * two levels down in a token; 64 is far past any profile's nesting.
 */
#define JSONPARSE_MAX_DEPTH	64
#define JSONPARSE_MAX_TEXT	((size_t)1 << 20)
#define JSON_DOC_INLINE		4096

enum json_value_type {
	JSON_NULL = 0,
	JSON_BOOL,
	JSON_INT,	/* an integer literal that fits a long long */
	JSON_REAL,	/* a fraction, an exponent, or an integer past that */
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT
};

struct json_value {
	enum json_value_type		 type;
	/* The member's name when this value is in an object, else NULL. */
	const char		*name;
	size_t			 name_len;
	/* The next member or element of the enclosing container, or NULL. */
	const struct json_value	*next;
	/* String bytes (JSON_STRING), members or elements (containers). */
	size_t			 len;
	union {
		int		 boolean;
		long long	 integer;
		double		 real;
		const char	*string;	/* NUL-terminated, no NUL inside */
		const struct json_value	*first;	/* first member or element */
	} u;
};

struct json_chunk;

struct json_doc {
	const struct json_value	*root;	/* a JSON_OBJECT, or NULL */
	/* Private: the allocator's state. */
	struct json_chunk	*chunks;
	size_t			 used;
	_Alignas(16) unsigned char inline_block[JSON_DOC_INLINE];
};

/*
 * Parse exactly len bytes of text into doc. Returns 0 with doc->root set,
 * or -1 with doc->root NULL and nothing left to free. Either way
 * json_doc_free may be called.
 */
int	json_parse(struct json_doc *doc, const char *text, size_t len);
/* An empty doc that json_doc_free accepts, for a parse that may not run. */
void	json_doc_init(struct json_doc *doc);
void	json_doc_free(struct json_doc *doc);

/* The member called name of an object; NULL when absent or not an object. */
const struct json_value *json_member(const struct json_value *obj,
	    const char *name);
/* Its text when v is a string; NULL otherwise (v may be NULL). */
const char *json_string(const struct json_value *v);
/* 1 when v is present and of type t. */
int	json_is(const struct json_value *v, enum json_value_type t);

#endif

/*
 * answer: the 200 body in the request's shape (issue 12: LiveKit's
 * TokenSource.endpoint reads server_url and participant_token).
 */
#include <string.h>

#include <json-c/json.h>

#include "check.h"
#include "jsonc.h"
#include "token/answer.h"

static struct json_object *
answer_json(const struct answer *a, struct response *resp)
{
	struct json_object	*o = NULL;

	response_init(resp);
	CHECK(answer_write(resp, a) == ERR_OK);
	CHECK(resp->status == 200 && resp->body != NULL);
	if (resp->body == NULL ||
	    jsonc_parse(resp->body, resp->body_len, &o) == -1)
		return NULL;
	return o;
}

static const char *
str(struct json_object *o, const char *name)
{
	struct json_object	*v;

	if (o == NULL || !json_object_object_get_ex(o, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static void
test_shapes(void)
{
	struct answer		 a = {
		.token = "aaa.bbb.ccc",
		.livekit_url = "wss://live.example.com/\"x\"",
		.room = "main-show",
		.identity = "8d0c6f7e-0000-4000-8000-000000000001",
		.expires_at = 1767225600,
	};
	struct response		 resp;
	struct json_object	*o, *v;

	a.shape = SHAPE_LIVEKIT;
	o = answer_json(&a, &resp);
	CHECK_STR(str(o, "server_url"), a.livekit_url);
	CHECK_STR(str(o, "participant_token"), a.token);
	CHECK(o != NULL && json_object_object_length(o) == 2);
	json_object_put(o);
	response_free(&resp);

	a.shape = SHAPE_APP;
	o = answer_json(&a, &resp);
	CHECK_STR(str(o, "token"), a.token);
	CHECK_STR(str(o, "livekitUrl"), a.livekit_url);
	CHECK_STR(str(o, "roomName"), "main-show");
	CHECK_STR(str(o, "identity"), a.identity);
	CHECK(o != NULL && json_object_object_get_ex(o, "expiresAt", &v) &&
	    json_object_get_int64(v) == 1767225600);
	CHECK(o != NULL && json_object_object_length(o) == 5);
	json_object_put(o);
	response_free(&resp);
}

/* A URL that is all escapes still fits: no silent truncation. */
static void
test_escaped_url(void)
{
	char			 url[600];
	struct answer		 a = {
		.shape = SHAPE_LIVEKIT, .token = "t.t.t", .room = "main-show",
		.identity = "u", .expires_at = 1,
	};
	struct response		 resp;
	struct json_object	*o;

	memset(url, '\x01', sizeof(url) - 1);
	url[sizeof(url) - 1] = '\0';
	a.livekit_url = url;
	o = answer_json(&a, &resp);
	CHECK_STR(str(o, "server_url"), url);
	json_object_put(o);
	response_free(&resp);
}

int
main(void)
{
	test_shapes();
	test_escaped_url();
	return CHECK_DONE();
}

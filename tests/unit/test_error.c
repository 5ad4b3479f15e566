/*
 * error: the one table of answers, and which answer a refused bearer
 * token gets.
 */
#include <string.h>

#include "check.h"
#include "error.h"

/*
 * Regression (issue 12): a Supabase API key sent instead of a user's token
 * (sb_publishable_/sb_secret_, or the legacy anon/service_role JWT) was
 * answered with the bare "not a valid Supabase user token"; the message
 * now says what the frontend must do. The code stays invalid_token, so
 * clients switching on it keep working.
 */
static void
test_from_token(void)
{
	CHECK(err_from_token(JWT_OK) == ERR_OK);
	CHECK(err_from_token(JWT_ERR_API_KEY) == ERR_API_KEY_NOT_USER);
	CHECK(err_from_token(JWT_ERR_NOT_USER) == ERR_API_KEY_NOT_USER);
	CHECK(err_from_token(JWT_ERR_EXPIRED) == ERR_TOKEN_EXPIRED);
	CHECK(err_from_token(JWT_ERR_REVOKED_USER) == ERR_TOKEN_REVOKED);
	CHECK(err_from_token(JWT_ERR_REVOKED_SESSION) == ERR_TOKEN_REVOKED);
	CHECK(err_from_token(JWT_ERR_SIGNATURE) == ERR_INVALID_TOKEN);
	CHECK(err_from_token(JWT_ERR_MALFORMED) == ERR_INVALID_TOKEN);
	CHECK(err_from_token(JWT_ERR__MAX) == ERR_INVALID_TOKEN);
	CHECK(err_from_token((enum jwt_err)-1) == ERR_INVALID_TOKEN);

	CHECK(err_info(ERR_API_KEY_NOT_USER)->status == 401);
	CHECK_STR(err_info(ERR_API_KEY_NOT_USER)->code, "invalid_token");
	CHECK(strstr(err_info(ERR_API_KEY_NOT_USER)->message,
	    "sign the user in") != NULL);
	CHECK(strstr(err_info(ERR_MISSING_AUTHORIZATION)->message,
	    "sign the user in") != NULL);
}

/* LiveKit's documentation: 4xx for a field the client may not set. */
static void
test_standard_request_codes(void)
{
	static const struct {
		enum err	 e;
		const char	*code;
	} rows[] = {
		{ ERR_MISSING_ROOM_NAME, "missing_room_name" },
		{ ERR_INVALID_ROOM_NAME, "invalid_room_name" },
		{ ERR_INVALID_PARTICIPANT_NAME, "invalid_participant_name" },
		{ ERR_IDENTITY_NOT_ALLOWED, "participant_identity_not_allowed" },
		{ ERR_METADATA_NOT_ALLOWED, "participant_metadata_not_allowed" },
		{ ERR_ATTRIBUTES_NOT_ALLOWED,
		    "participant_attributes_not_allowed" },
		{ ERR_ROOM_CONFIG_NOT_ALLOWED, "room_config_not_allowed" },
		{ ERR_MIXED_REQUEST, "mixed_request_fields" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK(err_info(rows[i].e)->status == 400);
		CHECK_STR(err_info(rows[i].e)->code, rows[i].code);
	}
}

/* Every row is filled in; codes are unique but for the deliberate alias. */
static void
test_table(void)
{
	int	 i, j, filled = 1, unique = 1;

	for (i = 1; i < ERR__MAX; i++) {
		const struct err_info *a = err_info((enum err)i);

		if (a->status < 400 || a->code == NULL || a->message == NULL ||
		    a->message[0] == '\0')
			filled = 0;
		for (j = 1; j < i; j++)
			if (!(j == ERR_INVALID_TOKEN &&
			    i == ERR_API_KEY_NOT_USER) &&
			    a->code != NULL && err_info((enum err)j)->code &&
			    strcmp(a->code, err_info((enum err)j)->code) == 0)
				unique = 0;
	}
	CHECK(filled);
	CHECK(unique);
	CHECK(err_info(ERR__MAX) == err_info(ERR_INTERNAL));
}

int
main(void)
{
	test_from_token();
	test_standard_request_codes();
	test_table();
	return CHECK_DONE();
}

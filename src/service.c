#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include <sodium.h>

#include "auth/claims.h"
#include "auth/jwt.h"
#include "auth/jwt_verify.h"
#include "request/body.h"
#include "jsonwrite.h"
#include "log.h"
#include "metrics.h"
#include "request/cors.h"
#include "token/answer.h"
#include "service.h"

int
service_init(struct service *svc, const struct config *cfg, char *err,
    size_t errsz)
{
	memset(svc, 0, sizeof(*svc));
	svc->cfg = cfg;
	policy_default(&svc->policy);
	if (cfg->policy_file != NULL) {
		char	 why[256];

		if (policy_load(&svc->policy, cfg->policy_file, why,
		    sizeof(why)) == -1) {
			snprintf(err, errsz, "ROOM_POLICY_FILE %s: %s",
			    cfg->policy_file, why);
			return -1;
		}
	}
	if ((svc->store = keystore_open(cfg, err, errsz)) == NULL)
		return -1;
	svc->signer.api_key = cfg->livekit_api_key;
	svc->signer.ttl = cfg->token_ttl;
	if (cfg->livekit_api_secret.bytes != NULL &&
	    hs256_key_init(&svc->signer.secret, cfg->livekit_api_secret.bytes,
	    cfg->livekit_api_secret.len) == -1) {
		snprintf(err, errsz, "cannot allocate locked memory for keys");
		return -1;
	}
	return 0;
}

void
service_open_guard(struct service *svc, const char *base)
{
	failguard_close(svc->guard);
	svc->guard = failguard_open(base, svc->cfg->auth_failure_rps,
	    svc->cfg->auth_failure_burst);
}

void
service_free(struct service *svc)
{
	failguard_close(svc->guard);
	keystore_free(svc->store);
	hs256_key_free(&svc->signer.secret);
	memset(svc, 0, sizeof(*svc));
}

/*
 * A valid token of a banned, deleted or signed-out user or session
 * (REVOCATION_FILE, issue 11): local verification cannot see these.
 */
static enum err
revoked(const struct snapshot *snap, const struct user *user, long now,
    struct outcome *out)
{
	enum revocation_verdict	 v;

	v = revocation_check(snapshot_revocations(snap), user->id,
	    user->session_id, now);
	if (v == REVOKED_NOT)
		return ERR_OK;
	/* The token is genuine: the log line may name whom it refused. */
	memcpy(out->user, user->id, sizeof(out->user));
	out->token_reason = v == REVOKED_USER ? JWT_ERR_REVOKED_USER :
	    JWT_ERR_REVOKED_SESSION;
	return ERR_TOKEN_REVOKED;
}

/* Verify the bearer token tok and read the user from it. */
static enum err
verify(const struct service *svc, const struct snapshot *snap,
    const char *tok, size_t len, long now, struct user *user,
    struct outcome *out)
{
	const struct config	*cfg = svc->cfg;
	struct claims_rules	 rules;
	struct jwt		 jwt;
	enum jwt_err		 e;

	if ((e = jwt_parse(tok, len, &jwt)) != JWT_OK) {
		out->token_reason = e;
		return err_from_token(e);
	}
	if ((e = jwt_verify(&jwt, snapshot_keys(snap))) == JWT_OK) {
		rules.now = now;
		rules.leeway = cfg->leeway;
		rules.issuer = cfg->supabase_issuer;
		rules.allow_anonymous = cfg->allow_anonymous;
		rules.default_role = cfg->default_role;
		e = claims_check(jwt.payload, &rules, user);
	}
	jwt_free(&jwt);
	if (e != JWT_OK) {
		out->token_reason = e;
		return err_from_token(e);
	}
	return revoked(snap, user, now, out);
}

/*
 * Authenticate the request's bearer token, within its address's budget
 * of failed authentications (issue 14). An address over it is refused
 * before its token costs a signature check; every token refused for
 * itself (a 401: forged, expired, malformed, revoked...) counts one
 * failure. A request without a token costs nothing and does not count:
 * signed-out visitors behind a venue's address must not lock out those
 * signed in. A request without a parsable address (REMOTE_ADDR: nginx
 * always sends it for a client; only a peer on the workers' own socket,
 * past every nginx limit already, could leave it out) has no budget:
 * keyed together, all such peers would lock each other out.
 */
static enum err
authenticate(const struct service *svc, const struct snapshot *snap,
    const struct request *req, long now, struct user *user,
    struct outcome *out)
{
	const char	*tok;
	size_t		 len;
	uint64_t	 t;
	enum err	 e;

	/* No half-read user, whatever a refusal path leaves behind. */
	memset(user, 0, sizeof(*user));
	if (request_bearer(req, &tok, &len) == -1)
		return ERR_MISSING_AUTHORIZATION;
	t = failguard_now();
	if (failguard_refuses(svc->guard, &req->remote, t)) {
		out->note = "auth_failure_guard";
		return ERR_RATE_LIMITED;
	}
	if ((e = verify(svc, snap, tok, len, now, user, out)) != ERR_OK)
		failguard_fail(svc->guard, &req->remote, t);
	return e;
}

static enum err
issue_token(const struct service *svc, const struct snapshot *snap,
    const struct request *req, long now, struct response *resp,
    struct outcome *out)
{
	struct token_request	 treq;
	struct livekit_grant	 g;
	const struct grants	*grants;
	struct answer		 a;
	struct user		 user;
	char			*token;
	long			 expires_at;
	enum err		 e;

	if (svc->cfg->incomplete != NULL) {
		out->note = "missing_setting";
		log_warnx("cannot issue tokens: %s is not set",
		    svc->cfg->incomplete);
		return ERR_SERVER_MISCONFIGURED;
	}
	if (req->body_state == BODY_TOO_LARGE)
		return ERR_BODY_TOO_LARGE;
	if (!request_is_json(req))
		return ERR_UNSUPPORTED_MEDIA_TYPE;
	if ((e = authenticate(svc, snap, req, now, &user, out)) != ERR_OK)
		return e;
	out->role = (int)user.role;
	memcpy(out->user, user.id, sizeof(out->user));
	if (req->body_state != BODY_READ)
		return ERR_INVALID_JSON;
	if ((e = body_parse(req->body, req->body_len, user.id, &treq)) !=
	    ERR_OK)
		return e;
	out->room = (int)treq.room;
	grants = policy_grants_for(&svc->policy, user.role, treq.room);
	if (!grants->join)
		return ERR_FORBIDDEN;

	g.identity = user.id;
	g.name = treq.has_name ? treq.name : user.name;
	g.role = user.role;
	g.room = treq.room;
	g.grants = grants;
	g.now = now;
	if (livekit_mint(&svc->signer, &g, &token, &expires_at) == -1)
		return ERR_INTERNAL;
	a.shape = treq.shape;
	a.token = token;
	a.livekit_url = svc->cfg->livekit_url;
	a.room = room_name(treq.room);
	a.identity = user.id;
	a.expires_at = expires_at;
	e = answer_write(resp, &a);
	sodium_memzero(token, strlen(token));
	free(token);
	return e;
}

static enum err
health(const struct service *svc, const struct snapshot *snap,
    const struct request *req, struct response *resp)
{
	struct jw	 w;
	char		 buf[512];
	const char	*why = snapshot_unusable(snap);
	int		 ok = svc->cfg->incomplete == NULL && why == NULL;

	if (req->method != METHOD_GET && req->method != METHOD_HEAD)
		return ERR_METHOD_NOT_ALLOWED;
	jw_init(&w, buf, sizeof(buf));
	jw_open(&w);
	jw_str(&w, "status", ok ? "ok" : "unavailable");
	if (!ok) {
		jw_str(&w, "error", "server_misconfigured");
		jw_str(&w, "message",
		    err_info(ERR_SERVER_MISCONFIGURED)->message);
		/* Which rule, never a value; the log names the setting. */
		jw_str(&w, "reason", svc->cfg->incomplete != NULL ?
		    "a required setting is not set (the worker log names it)" :
		    why);
	}
	jw_close(&w);
	if (response_json(resp, ok ? 200 : 503, &w) == -1)
		return ERR_INTERNAL;
	if (req->method == METHOD_HEAD)
		response_empty(resp, ok ? 200 : 503);
	return ERR_OK;
}

/* Prometheus text; the location is limited to loopback in nginx. */
static enum err
metrics(const struct request *req, struct response *resp)
{
	char	*text;

	if (req->method != METHOD_GET && req->method != METHOD_HEAD)
		return ERR_METHOD_NOT_ALLOWED;
	if ((text = metrics_render()) == NULL)
		return ERR_INTERNAL;
	response_text(resp, 200, text, "text/plain; version=0.0.4");
	if (req->method == METHOD_HEAD)
		response_empty(resp, 200);
	return ERR_OK;
}

void
service_handle(const struct service *svc, const struct snapshot *snap,
    const struct request *req, long now, struct response *resp,
    struct outcome *out)
{
	const char	*allow = NULL;
	enum err	 e = ERR_OK;

	memset(out, 0, sizeof(*out));
	out->room = -1;
	out->role = -1;
	resp->cors_origin = cors_allow_origin(&svc->cfg->cors, req->origin);
	resp->vary_origin = cors_varies(&svc->cfg->cors);

	switch (req->route) {
	case ROUTE_TOKEN:
		allow = "POST, OPTIONS";
		if (req->method == METHOD_OPTIONS) {
			response_empty(resp, 204);
			resp->preflight = true;
		} else if (req->method == METHOD_POST)
			e = issue_token(svc, snap, req, now, resp, out);
		else
			e = ERR_METHOD_NOT_ALLOWED;
		break;
	case ROUTE_HEALTHZ:
		allow = "GET, HEAD";
		e = health(svc, snap, req, resp);
		break;
	case ROUTE_METRICS:
		allow = "GET, HEAD";
		e = metrics(req, resp);
		break;
	default:
		e = ERR_NOT_FOUND;
		break;
	}
	if (e != ERR_OK) {
		response_error(resp, e);
		if (e == ERR_METHOD_NOT_ALLOWED)
			resp->allow = allow;
		if (e == ERR_RATE_LIMITED)
			resp->retry_after = response_retry_after(
			    req->request_id);
	}
	out->err = e;
}

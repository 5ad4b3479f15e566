// Assertions shared by the suites: what every answer of the service must
// look like according to the SPEC.
import assert from 'node:assert/strict';
import { secretValues } from './helpers.mjs';

/** The Content-Type is application/json (a charset parameter is fine). */
export function assertJsonType(res) {
  const ct = res.headers.get('content-type') ?? '';
  assert.match(ct, /^application\/json\s*(;|$)/i, `Content-Type is "${ct}", want application/json`);
}

/** Cache-Control no-store. */
export function assertNoStore(res) {
  const cc = res.headers.get('cache-control') ?? '';
  assert.match(cc, /(^|,)\s*no-store\s*(,|$)/i, `Cache-Control is "${cc}", want no-store`);
}

/** The CORS answer for an allowed origin ('*' on the default stack). */
export function assertCors(res, origin = '*') {
  assert.equal(res.headers.get('access-control-allow-origin'), origin,
    `Access-Control-Allow-Origin is ${JSON.stringify(res.headers.get('access-control-allow-origin'))}, want ${origin}`);
}

/** The comma-separated tokens of a header, lower-cased. */
export function headerList(res, name) {
  return (res.headers.get(name) ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

/**
 * An error answer as the SPEC's Errors section wants it: the status, JSON
 * {"error","message"} with the code, Cache-Control no-store, CORS headers,
 * and no token or secret in the body. For 401, WWW-Authenticate carries
 * error="invalid_token" (RFC 6750). codes may be one code or a list of
 * acceptable ones. opts: origin (expected ACAO, default '*'; null: none),
 * env (a stack env whose secrets must not appear), sent (strings that must
 * not appear, such as the bearer token).
 */
export function assertError(res, status, codes, opts = {}) {
  const want = Array.isArray(codes) ? codes : [codes];
  const ctx = `${res.status} ${res.text.slice(0, 300)}`;
  assert.equal(res.status, status, `status: got ${ctx}`);
  assertJsonType(res);
  assert.ok(res.json && typeof res.json === 'object' && !Array.isArray(res.json), `body is not a JSON object: ${ctx}`);
  assert.deepEqual(Object.keys(res.json).sort(), ['error', 'message'], `error body members: ${ctx}`);
  assert.ok(want.includes(res.json.error), `error code ${JSON.stringify(res.json.error)}, want ${want.join(' or ')}`);
  assert.equal(typeof res.json.message, 'string');
  assert.ok(res.json.message.length > 0, 'message is empty');
  assertNoStore(res);
  const origin = opts.origin === undefined ? '*' : opts.origin;
  if (origin === null) assert.equal(res.headers.get('access-control-allow-origin'), null);
  else assertCors(res, origin);
  if (status === 401) {
    const wa = res.headers.get('www-authenticate') ?? '';
    assert.match(wa, /^Bearer\b/i, `WWW-Authenticate is "${wa}"`);
    assert.match(wa, /error="invalid_token"/, `WWW-Authenticate is "${wa}"`);
  }
  for (const s of [...(opts.sent ?? []), ...(opts.env ? secretValues(opts.env) : [])]) {
    if (s) assert.ok(!res.text.includes(s), 'the error body contains a token or secret');
  }
}

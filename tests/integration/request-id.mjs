// The docs tell operators to ask a user for the X-Request-Id of a failed
// answer: nginx's own (429 from limit_req, 502, 504, 503 from /healthz)
// must carry it as the worker's do. Before, their named locations added
// headers of their own and so inherited none of the server's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { waitFor } from '../lib/helpers.mjs';

/** res carries an X-Request-Id, the one the access log wrote for it. */
export async function assertRequestIdLogged(res, accessLog) {
  const id = res.headers.get('x-request-id');
  assert.match(id ?? '', /^[0-9a-f]{32}$/, `X-Request-Id is ${id} on a ${res.status}`);
  // A cross-origin app can read it only when it is exposed (found in review).
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /(^|, )X-Request-Id(,|$)/,
    `X-Request-Id not in Access-Control-Expose-Headers on a ${res.status}`);
  const logged = () => readFileSync(accessLog, 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).some((l) => l.request_id === id && l.status === res.status);
  await waitFor(logged, 5000, `request_id ${id} with status ${res.status} in ${accessLog}`);
}

/**
 * In a rendered site and its snippets: every server adds X-Request-Id, and
 * so does every location that adds headers of its own (directly or through
 * error-headers.conf), since add_header is inherited only by a level that
 * adds none.
 */
export function assertEveryLevelAddsRequestId(site, errorsConf, errorHeadersConf) {
  const has = (text) => /add_header X-Request-Id \$request_id always;/.test(text);
  assert.ok(has(errorHeadersConf), 'error-headers.conf adds no X-Request-Id');
  const location = /\n *location [^{]*\{[\s\S]*?\n *\}/g;
  for (const server of site.split('\nserver {').slice(1))
    assert.ok(has(server.replace(location, '')), `a server adds no X-Request-Id:${server.slice(0, 200)}`);
  for (const b of [site, errorsConf].flatMap((t) => t.match(location) ?? [])) {
    if (/error-headers\.conf/.test(b) || !/add_header/.test(b)) continue;
    assert.ok(has(b), `a location adds headers but no X-Request-Id:${b}`);
  }
}

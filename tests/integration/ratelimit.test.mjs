// nginx's per-client rate limit: a stack with RATE_LIMIT_RPS=1
// RATE_LIMIT_BURST=2 answers a burst with some JSON 429s.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { stack, call, userToken } from '../lib/helpers.mjs';
import { assertError } from '../lib/expect.mjs';
import { assertRequestIdLogged } from './request-id.mjs';

const st = stack('ratelimit');
const env = st.env;

describe('rate limit', () => {
  test('a burst of 10 requests gets some 429 rate_limited with Retry-After, CORS and its X-Request-Id', async () => {
    const t = userToken(env, { role: 'viewer' });
    const all = await Promise.all(Array.from({ length: 10 }, () =>
      call(st, { token: t, body: { roomType: 'main_show' }, headers: { origin: 'https://app.example.com' } })));
    const limited = all.filter((r) => r.status === 429);
    const ok = all.filter((r) => r.status === 200);
    assert.ok(ok.length >= 1, `statuses ${all.map((r) => r.status)}`);
    assert.ok(ok.length <= 3, `at most 1 + burst 2 may pass: ${all.map((r) => r.status)}`);
    assert.ok(limited.length >= 7, `statuses ${all.map((r) => r.status)}`);
    assert.equal(ok.length + limited.length, all.length, `statuses ${all.map((r) => r.status)}`);
    for (const r of limited) {
      assertError(r, 429, 'rate_limited', { env, sent: [t] });
      const ra = r.headers.get('retry-after');
      assert.match(ra ?? '', /^\d+$/, `Retry-After is ${ra}`);
      assert.ok(Number(ra) >= 1);
      await assertRequestIdLogged(r, st.accessLog);
    }
  });

  test('after waiting, requests pass again', async () => {
    await new Promise((r) => setTimeout(r, 3000));
    const res = await call(st, { token: userToken(env, { role: 'viewer' }), body: { roomType: 'main_show' } });
    assert.equal(res.status, 200, res.text);
  });
});

// Issue 14: the limit follows the user, not the address. Before, nginx
// keyed its only limit on the client address, so 300 signed-in viewers
// behind one venue Wi-Fi address locked each other out (3,953 429s for 300
// tokens) while one user with one token got 10 requests/s from each of
// their addresses. Now: per user (the bearer token) RATE_LIMIT_RPS/BURST,
// a generous per-address guard (RATE_LIMIT_ADDRESS_*), the client address
// from REAL_IP_HEADER only when the peer is in TRUSTED_PROXIES, and
// preflights never limited. Stacks (tests/integration/run):
//   peruser  RATE_LIMIT_RPS=1 BURST=2, address 100/200
//   guard    RATE_LIMIT_RPS=5 BURST=5, address 1/4, TRUSTED_PROXIES=192.0.2.0/24 (not us)
//   proxy    RATE_LIMIT_RPS=100, address 1/3, TRUSTED_PROXIES=127.0.0.1/32,::1
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { stack, call, userToken, fileText, waitFor } from '../lib/helpers.mjs';
import { assertError } from '../lib/expect.mjs';

const body = { roomType: 'main_show' };
const statuses = (all) => all.map((r) => r.status).join(' ');
const count = (all, s) => all.filter((r) => r.status === s).length;

describe('the limit follows the user (stack peruser)', () => {
  const st = stack('peruser');

  test('two users behind one address, one hammering: only the hammering one is limited', async () => {
    const hammer = userToken(st.env, { role: 'viewer' });
    const calm = userToken(st.env, { role: 'viewer' });
    const burst = await Promise.all(Array.from({ length: 20 }, () => call(st, { token: hammer, body })));
    assert.ok(count(burst, 200) <= 3, `1 + burst 2 may pass: ${statuses(burst)}`);
    assert.ok(count(burst, 429) >= 17, statuses(burst));
    for (const r of burst.filter((x) => x.status === 429)) {
      assertError(r, 429, 'rate_limited', { env: st.env, sent: [hammer] });
    }
    // Same address, another user, while the first is still over its limit.
    const mine = await Promise.all([0, 1, 2].map(() => call(st, { token: calm, body })));
    assert.deepEqual(mine.map((r) => r.status), [200, 200, 200], mine.map((r) => r.text).join('\n'));
    const again = await call(st, { token: hammer, body });
    assert.equal(again.status, 429, 'the hammering user is still limited');
  });

  test('forty distinct users at once from one address: nobody is refused', async () => {
    const all = await Promise.all(Array.from({ length: 40 }, () =>
      call(st, { token: userToken(st.env, { role: 'viewer' }), body })));
    assert.equal(count(all, 200), 40, statuses(all));
  });

  test('preflights are never limited, not even for a user over the limit', async () => {
    const pre = await Promise.all(Array.from({ length: 60 }, () => call(st, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    })));
    assert.equal(count(pre, 204), 60, statuses(pre));
  });

  test('Retry-After spreads the retries (1 to 4 s, not one value for all)', async () => {
    const t = userToken(st.env, { role: 'viewer' });
    const all = await Promise.all(Array.from({ length: 60 }, () => call(st, { token: t, body })));
    const ra = all.filter((r) => r.status === 429).map((r) => Number(r.headers.get('retry-after')));
    assert.ok(ra.length >= 50, statuses(all));
    for (const v of ra) assert.ok(Number.isInteger(v) && v >= 1 && v <= 4, `Retry-After ${v}`);
    assert.ok(new Set(ra).size >= 3, `values seen: ${[...new Set(ra)]}`);
  });
});

describe('the per-address guard (stack guard: address 1 r/s, burst 4)', () => {
  const st = stack('guard');

  test('garbage tokens, each different, from one address: the guard refuses the flood', async () => {
    const forged = () => `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${Buffer.from(randomUUID() + randomUUID()).toString('base64url')}`;
    const all = await Promise.all(Array.from({ length: 20 }, () => call(st, { token: forged(), body })));
    assert.ok(count(all, 401) <= 5, `at most 1 + burst 4 reach a worker: ${statuses(all)}`);
    assert.ok(count(all, 429) >= 15, statuses(all));
  });

  test('an untrusted peer\'s X-Forwarded-For changes nothing', async () => {
    await new Promise((r) => setTimeout(r, 5500)); // the guard's bucket drains
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => call(st, {
      token: userToken(st.env, { role: 'viewer' }), body,
      headers: { 'x-forwarded-for': `203.0.113.${i + 1}` },
    })));
    assert.ok(count(all, 429) >= 7, `one address for all, whatever the header says: ${statuses(all)}`);
    await waitFor(() => fileText(st.accessLog).includes('"status":429'), 5000, 'the access log');
    assert.ok(!fileText(st.accessLog).includes('203.0.113.'), 'the access log shows the peer, not the header');
  });
});

describe('a trusted proxy (stack proxy: TRUSTED_PROXIES=127.0.0.1/32)', () => {
  const st = stack('proxy');

  test('its X-Forwarded-For is the client: each client has its own guard', async () => {
    const from = (ip) => call(st, { token: userToken(st.env, { role: 'viewer' }), body, headers: { 'x-forwarded-for': ip } });
    const a = await Promise.all(Array.from({ length: 8 }, () => from('198.51.100.7')));
    assert.ok(count(a, 200) <= 4 && count(a, 429) >= 4, `one client over its guard: ${statuses(a)}`);
    const b = await from('198.51.100.8');
    assert.equal(b.status, 200, 'another client behind the same proxy is not refused');
    // A client cannot pick its address by putting one in front: the
    // rightmost untrusted address counts.
    const c = await from('198.51.100.8, 198.51.100.7');
    assert.equal(c.status, 429, 'the address the proxy saw decides, not the one the client wrote');
    await waitFor(() => fileText(st.accessLog).includes('"remote":"198.51.100.8"'), 5000, 'the access log');
  });
});

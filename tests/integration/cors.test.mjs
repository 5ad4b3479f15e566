// CORS with an allow-list: a stack started with
// CORS_ALLOWED_ORIGINS=https://app.example.com,https://admin.example.com
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { stack, call, userToken } from '../lib/helpers.mjs';
import { assertError, headerList } from '../lib/expect.mjs';

const st = stack('cors');
const env = st.env;
const ALLOWED = ['https://app.example.com', 'https://admin.example.com'];
const REFUSED = [
  'https://evil.example.com',
  'https://app.example.com.evil.com',
  'https://app.example.co',
  'http://app.example.com',
  'https://APP.example.com:444',
  'null',
];

function assertEchoed(res, origin) {
  assert.equal(res.headers.get('access-control-allow-origin'), origin,
    `${res.status}: Access-Control-Allow-Origin is ${res.headers.get('access-control-allow-origin')}, want ${origin}`);
  assert.ok(headerList(res, 'vary').includes('origin'), `${res.status}: Vary is ${res.headers.get('vary')}, want Origin`);
}

function assertNotAllowed(res) {
  const acao = res.headers.get('access-control-allow-origin');
  assert.equal(acao, null, `${res.status}: Access-Control-Allow-Origin is ${JSON.stringify(acao)}, want none`);
}

const post = (origin, token, body = { roomType: 'main_show' }) =>
  call(st, { token, body, headers: origin ? { origin } : {} });
const preflight = (origin) => call(st, {
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
});

describe('CORS allow-list: allowed origins are echoed with Vary: Origin', () => {
  for (const origin of ALLOWED) {
    test(`${origin}: 200`, async () => {
      const res = await post(origin, userToken(env, { role: 'viewer' }));
      assert.equal(res.status, 200, res.text);
      assertEchoed(res, origin);
    });
    test(`${origin}: 401 from the worker`, async () => {
      const res = await post(origin, 'not-a-token');
      assertError(res, 401, 'invalid_token', { origin, env });
      assertEchoed(res, origin);
    });
    test(`${origin}: 403, 400, 415 and 405 from the worker`, async () => {
      const t = userToken(env, { role: 'viewer' });
      for (const [res, status, code] of [
        [await post(origin, t, { roomType: 'audition' }), 403, 'forbidden'],
        [await post(origin, t, { roomType: 'lobby' }), 400, 'invalid_room_type'],
        [await call(st, { token: t, body: 'x', contentType: 'text/plain', headers: { origin } }), 415, 'unsupported_media_type'],
        [await call(st, { method: 'GET', headers: { origin } }), 405, 'method_not_allowed'],
      ]) {
        assertError(res, status, code, { origin, env });
        assertEchoed(res, origin);
      }
    });
    test(`${origin}: 413 written by nginx`, async () => {
      const res = await call(st, { token: userToken(env, { role: 'judge' }), body: Buffer.alloc(64 * 1024, 0x20), contentType: 'application/json', headers: { origin } });
      assertError(res, 413, 'body_too_large', { origin, env });
      assertEchoed(res, origin);
    });
    test(`${origin}: 404 written by nginx`, async () => {
      const res = await call(st, { method: 'GET', path: '/nope', headers: { origin } });
      assertError(res, 404, 'not_found', { origin, env });
      assertEchoed(res, origin);
    });
    test(`${origin}: preflight`, async () => {
      const res = await preflight(origin);
      assert.equal(res.status, 204);
      assertEchoed(res, origin);
      assert.deepEqual(headerList(res, 'access-control-allow-methods'), ['post', 'options']);
      assert.ok(headerList(res, 'access-control-allow-headers').includes('authorization'));
      assert.match(res.headers.get('access-control-max-age') ?? '', /^\d+$/);
    });
  }
});

describe('CORS allow-list: other origins get no Access-Control-Allow-Origin', () => {
  for (const origin of REFUSED) {
    test(`${origin}: success, errors and preflight`, async () => {
      const ok = await post(origin, userToken(env, { role: 'viewer' }));
      assert.equal(ok.status, 200, ok.text);
      assertNotAllowed(ok);
      const e401 = await post(origin, 'not-a-token');
      assertError(e401, 401, 'invalid_token', { origin: null, env });
      const e403 = await post(origin, userToken(env, { role: 'viewer' }), { roomType: 'audition' });
      assertError(e403, 403, 'forbidden', { origin: null, env });
      const e413 = await call(st, { token: userToken(env, { role: 'judge' }), body: Buffer.alloc(64 * 1024, 0x20), contentType: 'application/json', headers: { origin } });
      assertError(e413, 413, 'body_too_large', { origin: null, env });
      const pf = await preflight(origin);
      assertNotAllowed(pf);
      assert.ok(pf.status === 204 || pf.status === 403, `preflight status ${pf.status}`);
    });
  }
  test('no Origin header: never "*" on an allow-list stack', async () => {
    const res = await post(undefined, userToken(env, { role: 'viewer' }));
    assert.equal(res.status, 200);
    assert.notEqual(res.headers.get('access-control-allow-origin'), '*');
  });
});

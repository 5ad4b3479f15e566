// A stack started with LIVEKIT_URL set to the empty string (scripts/stack
// leaves a set-but-empty setting out): the service must say so, and its
// log must name the setting without leaking any secret.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { stack, call, userToken, secretValues, fileText, waitFor } from '../lib/helpers.mjs';
import { assertError, assertJsonType, assertNoStore, assertCors } from '../lib/expect.mjs';

const st = stack('misconfig');
const env = st.env;

describe('misconfiguration: LIVEKIT_URL missing', () => {
  test('the stack env really lacks LIVEKIT_URL', () => {
    assert.equal(env.LIVEKIT_URL, undefined);
    assert.ok(env.LIVEKIT_API_KEY && env.LIVEKIT_API_SECRET && env.SUPABASE_JWT_SECRET);
  });

  test('/healthz -> 503 JSON', async () => {
    const res = await call(st, { method: 'GET', path: '/healthz' });
    assert.equal(res.status, 503, res.text);
    assertJsonType(res);
    assertNoStore(res);
    assert.ok(res.json && typeof res.json === 'object', res.text);
    assert.notEqual(res.json.status, 'ok');
    for (const s of secretValues(env)) assert.ok(!res.text.includes(s));
  });

  test('a valid token request -> 500 server_misconfigured', async () => {
    const t = userToken(env, { role: 'judge' });
    const res = await call(st, { token: t, body: { roomType: 'audition' } });
    assertError(res, 500, 'server_misconfigured', { env, sent: [t] });
    assert.ok(!res.text.includes('LIVEKIT_API_SECRET'));
  });

  test('a preflight still answers 204 with CORS', async () => {
    const res = await call(st, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    assert.equal(res.status, 204);
    assertCors(res);
  });

  test('the worker log names LIVEKIT_URL and holds no secret', async () => {
    await waitFor(() => fileText(st.workerLog).includes('LIVEKIT_URL'), 5000, 'LIVEKIT_URL in the worker log');
    const log = fileText(st.workerLog);
    for (const s of secretValues(env)) assert.ok(!log.includes(s), 'a secret from the env file is in the worker log');
    const line = log.split('\n').find((l) => l.includes('LIVEKIT_URL'));
    assert.doesNotThrow(() => JSON.parse(line), `not a JSON line: ${line}`);
  });
});

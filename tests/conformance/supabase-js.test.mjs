// supabase-js, as the app uses it: supabase.functions.invoke('livekit-token')
// with its functions URL pointing at this service.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createClient, FunctionsHttpError, FunctionRegion } from '@supabase/supabase-js';
import { TokenVerifier } from 'livekit-server-sdk';
import { stack, stackCmd, userToken, signHS256, userClaims, now, recordSecret } from '../lib/helpers.mjs';

const st = stack('main');
const env = st.env;
const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);

// Node 20 has no global WebSocket and supabase-js's realtime client refuses
// to start without one; realtime is not used here, so it gets a stand-in
// that fails if it ever is. Everything else is supabase-js as shipped: its
// own global fetch, which trusts the stack's certificate through
// NODE_EXTRA_CA_CERTS (set by the run script).
class NoWebSocket {
  constructor() { throw new Error('realtime is not used by these tests'); }
}

let anonKey;
const client = (opts = {}) => createClient(st.base, anonKey, {
  auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
  realtime: { transport: NoWebSocket },
  ...opts,
});

function invoke(supabase, userTok, body = { roomType: 'main_show' }, extra = {}) {
  if (userTok) recordSecret(userTok);
  return supabase.functions.invoke('livekit-token', {
    body,
    ...(userTok ? { headers: { Authorization: `Bearer ${userTok}` } } : {}),
    ...extra,
  });
}

async function assertHttpError(error, status, code) {
  assert.ok(error, 'an error');
  assert.ok(error instanceof FunctionsHttpError, `error is ${error?.name}: ${error?.message}`);
  const res = error.context;
  assert.ok(res instanceof Response, 'error.context is the Response');
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = await res.json();
  assert.equal(body.error, code);
  assert.equal(typeof body.message, 'string');
  return res;
}

describe('supabase-js functions.invoke', () => {
  before(async () => {
    anonKey = await stackCmd(st, ['token', '--anon-key']);
    assert.match(anonKey, /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a signed-in user gets a token that TokenVerifier accepts', async () => {
    const sub = randomUUID();
    const { data, error } = await invoke(client(), userToken(env, { role: 'viewer', sub, userMetadata: { full_name: 'Vera Viewer' } }));
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    assert.equal(typeof data, 'object', 'data is parsed JSON');
    assert.equal(data.roomName, 'main-show');
    assert.equal(data.identity, sub);
    assert.equal(data.livekitUrl, env.LIVEKIT_URL);
    const p = await verifier.verify(data.token);
    assert.equal(p.sub, sub);
    assert.equal(p.name, 'Vera Viewer');
    assert.equal(p.video.room, 'main-show');
    assert.equal(p.video.canPublish, false);
  });

  test('a user token from scripts/stack token works the same', async () => {
    const t = await stackCmd(st, ['token', '--role', 'judge', '--name', 'Judge Stack']);
    const { data, error } = await invoke(client(), t, { roomType: 'audition' });
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    const p = await verifier.verify(data.token);
    assert.equal(p.name, 'Judge Stack');
    assert.deepEqual(JSON.parse(p.metadata), { role: 'judge' });
    assert.equal(p.video.canUpdateOwnMetadata, true);
  });

  test('the frontend\'s existing body (roomName, canPublish, canSubscribe) works', async () => {
    const { data, error } = await invoke(client(), userToken(env, { role: 'contestant' }),
      { roomName: 'main_show', canPublish: true, canSubscribe: true });
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    const p = await verifier.verify(data.token);
    assert.equal(p.video.room, 'main-show');
    assert.equal(p.video.canPublish, false);
  });

  test('the accessToken option (no explicit header) is used as the bearer token', async () => {
    const sub = randomUUID();
    const t = userToken(env, { role: 'host', sub });
    recordSecret(t);
    const supabase = client({ accessToken: async () => t });
    const { data, error } = await supabase.functions.invoke('livekit-token', { body: { roomType: 'audition' } });
    assert.equal(error, null, error && `${error.name}: ${error.message}`);
    const p = await verifier.verify(data.token);
    assert.equal(p.sub, sub);
    assert.equal(p.video.roomAdmin, true);
  });

  test('with a region set (x-region header, forceFunctionRegion query) it still works', async () => {
    const { data, error } = await invoke(client(), userToken(env, { role: 'viewer' }), { roomType: 'main_show' },
      { region: FunctionRegion.UsEast1 });
    assert.equal(error, null, error && `${error.name}: ${error.message} ${error.context?.status ?? ''}`);
    await verifier.verify(data.token);
  });

  test('an expired user token: FunctionsHttpError, 401 token_expired', async () => {
    const t = signHS256(userClaims(env, { role: 'judge', iat: now() - 7200, ttl: 3600 }), env.SUPABASE_JWT_SECRET);
    const { data, error } = await invoke(client(), t);
    assert.equal(data, null);
    const res = await assertHttpError(error, 401, 'token_expired');
    assert.match(res.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('an invalid user token (wrong secret): FunctionsHttpError, 401 invalid_token', async () => {
    const t = signHS256(userClaims(env, { role: 'judge' }), `x${env.SUPABASE_JWT_SECRET}`);
    const { error } = await invoke(client(), t);
    await assertHttpError(error, 401, 'invalid_token');
  });

  test('a signed-out client (it sends the anon key as its bearer): 401 invalid_token', async () => {
    const { error } = await invoke(client(), undefined);
    await assertHttpError(error, 401, 'invalid_token');
  });

  test('a viewer asking for the audition room: FunctionsHttpError, 403 forbidden', async () => {
    const { error } = await invoke(client(), userToken(env, { role: 'viewer' }), { roomType: 'audition' });
    await assertHttpError(error, 403, 'forbidden');
  });

  test('a bad roomType: FunctionsHttpError, 400 invalid_room_type', async () => {
    const { error } = await invoke(client(), userToken(env, { role: 'judge' }), { roomType: 'green_room' });
    await assertHttpError(error, 400, 'invalid_room_type');
  });
});

// LiveKit's standard token-endpoint request on the token path (issue 12),
// as livekit-client's TokenSource.endpoint sends it: snake_case
// room_name, participant_name, … ; the answer is server_url and
// participant_token. The same user gets the same grants as through the
// app's own request, and what only the server decides (identity,
// metadata, attributes, room configuration) is refused with a 400 that
// names the field. (tests/browser/endpoint.test.mjs drives the real
// TokenSource.endpoint in Chromium.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { call, stack, userToken } from '../lib/helpers.mjs';

const st = stack('main');
const env = st.env;
const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
const ROOMS = { audition: 'audition-room', main_show: 'main-show' };
const ROLES = ['judge', 'contestant', 'performer', 'host', 'viewer'];

describe('each role x room: the same token as the app\'s own request', () => {
  for (const role of ROLES) {
    for (const [roomType, room] of Object.entries(ROOMS)) {
      test(`${role} in ${room}`, async () => {
        const sub = randomUUID();
        const token = userToken(env, { role, sub, userMetadata: { full_name: 'Full Name' } });
        const std = await call(st, { token, body: { room_name: room, participant_name: 'Ana' } });
        const app = await call(st, { token, body: { roomType, userName: 'Ana' } });
        assert.equal(std.status, app.status, std.text);
        if (app.status !== 200) {
          assert.equal(std.status, 403);
          assert.deepEqual(std.json, app.json, 'the same refusal');
          return;
        }
        assert.deepEqual(Object.keys(std.json).sort(), ['participant_token', 'server_url']);
        assert.equal(std.json.server_url, env.LIVEKIT_URL);
        assert.match(std.headers.get('cache-control') ?? '', /no-store/);
        const a = await verifier.verify(std.json.participant_token);
        const b = await verifier.verify(app.json.token);
        assert.equal(a.sub, sub);
        assert.equal(a.name, 'Ana');
        assert.deepEqual(a.video, b.video);
        assert.equal(a.metadata, b.metadata);
        assert.deepEqual(a.attributes, { role });
        assert.notEqual(a.jti, b.jti);
      });
    }
  }

  test('without participant_name, the name comes from the Supabase user, as with userName absent', async () => {
    const r = await call(st, { token: userToken(env, { role: 'judge', userMetadata: { full_name: 'Jane Judge' } }), body: { room_name: 'main-show' } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await verifier.verify(r.json.participant_token)).name, 'Jane Judge');
  });

  test('participant_identity equal to the user\'s own id is allowed (it asks for nothing new)', async () => {
    const sub = randomUUID();
    const r = await call(st, { token: userToken(env, { role: 'judge', sub }), body: { room_name: 'main-show', participant_identity: sub } });
    assert.equal(r.status, 200, r.text);
    assert.equal((await verifier.verify(r.json.participant_token)).sub, sub);
  });
});

// What LiveKit's other client SDKs put on the wire, byte for byte: their
// TokenSourceRequest always carries a RoomConfiguration holding only the
// agents to dispatch, and with no agent every member is left out, so
// client-sdk-swift (JSONEncoder), client-sdk-android (kotlinx, explicitNulls
// false) and client-sdk-flutter (json_serializable) send "room_config":{}
// on every request. Refusing it refused every app built on them.
describe('LiveKit\'s Swift, Android and Flutter SDKs: the bodies they send', () => {
  const bodies = [
    ['Swift, with a name', '{"room_name":"main-show","participant_name":"Ana","room_config":{}}'],
    ['Android, no name', '{"room_name":"main-show","room_config":{}}'],
    ['Flutter, with the user\'s own identity', (sub) => `{"room_name":"main-show","participant_identity":"${sub}","room_config":{}}`],
    ['a RoomConfiguration whose members are all null', '{"room_name":"main-show","room_config":{"name":null,"agents":null}}'],
    ['an empty agent list', '{"room_name":"main-show","room_config":{"agents":[]}}'],
  ];
  for (const [what, body] of bodies) {
    test(`${what}: 200 with the same token as without room_config`, async () => {
      const sub = randomUUID();
      const token = userToken(env, { role: 'judge', sub, userMetadata: { full_name: 'Jane Judge' } });
      const text = typeof body === 'function' ? body(sub) : body;
      const r = await call(st, { token, body: text, contentType: 'application/json' });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ['participant_token', 'server_url']);
      const claims = await verifier.verify(r.json.participant_token);
      const plain = await call(st, { token, body: { room_name: 'main-show', ...(text.includes('"Ana"') ? { participant_name: 'Ana' } : {}) } });
      const want = await verifier.verify(plain.json.participant_token);
      assert.equal(claims.sub, sub);
      assert.equal(claims.name, want.name);
      assert.deepEqual(claims.video, want.video);
      assert.equal(claims.roomConfig, undefined, 'no room configuration in the token');
    });
  }
});

describe('what the client may not set: 400 with a code naming the field', () => {
  const judge = () => userToken(env, { role: 'judge' });
  const cases = [
    ['participant_identity of someone else', { room_name: 'main-show', participant_identity: 'someone-else' }, 'participant_identity_not_allowed'],
    ['participant_metadata', { room_name: 'main-show', participant_metadata: '{"role":"host"}' }, 'participant_metadata_not_allowed'],
    ['participant_attributes', { room_name: 'main-show', participant_attributes: { role: 'host' } }, 'participant_attributes_not_allowed'],
    ['room_config (agent dispatch)', { room_name: 'main-show', room_config: { agents: [{ agent_name: 'bot' }] } }, 'room_config_not_allowed'],
    ['room_config with one agent named nothing', { room_name: 'main-show', room_config: { agents: [{}] } }, 'room_config_not_allowed'],
    ['room_config with a setting of 0', { room_name: 'main-show', room_config: { empty_timeout: 0 } }, 'room_config_not_allowed'],
    ['room_config that is not an object', { room_name: 'main-show', room_config: [] }, 'room_config_not_allowed'],
    ['a room type as room_name', { room_name: 'main_show' }, 'invalid_room_name'],
    ['an unknown room', { room_name: 'backstage' }, 'invalid_room_name'],
    ['no room_name', { participant_name: 'Ana' }, 'missing_room_name'],
    ['participant_name of 129 characters', { room_name: 'main-show', participant_name: 'x'.repeat(129) }, 'invalid_participant_name'],
    ['both shapes at once', { room_name: 'main-show', roomType: 'audition' }, 'mixed_request_fields'],
  ];
  for (const [what, body, code] of cases) {
    test(`${what}: ${code}`, async () => {
      const r = await call(st, { token: judge(), body });
      assert.equal(r.status, 400, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ['error', 'message']);
      assert.equal(r.json.error, code);
      assert.ok(r.json.message.length > 10);
    });
  }

  test('authentication first: no bearer token is a 401, whatever the body sets', async () => {
    const r = await call(st, { body: { room_name: 'main-show', participant_identity: 'x' } });
    assert.equal(r.status, 401);
    assert.equal(r.json.error, 'missing_authorization');
  });
});

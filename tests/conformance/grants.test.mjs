// Every role x room against the SPEC's table, each LiveKit token checked by
// livekit-server-sdk's TokenVerifier and then claim by claim.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { stack, call, userToken, decodeJwtPart, b64url, now } from '../lib/helpers.mjs';
import { assertError } from '../lib/expect.mjs';

const st = stack('main');
const env = st.env;
const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
const AV = ['camera', 'microphone'];
const ROOMS = { audition: 'audition-room', main_show: 'main-show' };

// The SPEC's "Roles and room policy" table. publish: false (no publish),
// 'all' (every source), or the list of sources. null: refused (403).
const cell = (publish, extra = {}) => ({ publish, updateOwnMetadata: false, roomAdmin: false, ...extra });
const POLICY = {
  judge: {
    audition: cell(AV, { updateOwnMetadata: true }),
    main_show: cell('all', { updateOwnMetadata: true }),
  },
  contestant: { audition: cell(AV), main_show: cell(false) },
  performer: { audition: cell(AV), main_show: cell(AV) },
  host: {
    audition: cell('all', { updateOwnMetadata: true, roomAdmin: true }),
    main_show: cell('all', { updateOwnMetadata: true, roomAdmin: true }),
  },
  viewer: { audition: null, main_show: cell(false) },
};

// What the user's token carries -> the role the service must apply.
const CASES = [
  { label: 'judge', role: 'judge', effective: 'judge' },
  { label: 'contestant', role: 'contestant', effective: 'contestant' },
  { label: 'performer', role: 'performer', effective: 'performer' },
  { label: 'host', role: 'host', effective: 'host' },
  { label: 'viewer', role: 'viewer', effective: 'viewer' },
  { label: 'an unknown role ("stagehand")', role: 'stagehand', effective: 'viewer' },
  { label: 'a role in another case ("Judge")', role: 'Judge', effective: 'viewer' },
  { label: 'a role that is not a string (42)', role: 42, effective: 'viewer' },
  { label: 'no role (DEFAULT_ROLE default: viewer)', role: undefined, effective: 'viewer' },
];

const jtis = new Set();

async function mint(role, roomType, sub, name) {
  const token = userToken(env, { role, sub, email: 'someone@example.com', userMetadata: { full_name: name } });
  return call(st, { token, body: { roomType } });
}

describe('role x room: TokenVerifier and every claim', () => {
  for (const c of CASES) {
    for (const roomType of Object.keys(ROOMS)) {
      const want = POLICY[c.effective][roomType];
      const title = `${c.label} in ${roomType}`;
      if (want === null) {
        test(`${title} -> 403 forbidden`, async () => {
          const res = await mint(c.role, roomType, randomUUID(), 'Refused Person');
          assertError(res, 403, 'forbidden', { env });
        });
        continue;
      }
      test(`${title} -> ${want.publish === false ? 'no publish' : want.publish === 'all' ? 'publish' : 'publish camera+microphone'}${want.updateOwnMetadata ? ', update own metadata' : ''}${want.roomAdmin ? ', roomAdmin' : ''}`, async () => {
        const sub = randomUUID();
        const name = `${c.effective} ${roomType} ${sub.slice(0, 4)}`;
        const t0 = now();
        const res = await mint(c.role, roomType, sub, name);
        assert.equal(res.status, 200, res.text);
        const b = res.json;
        assert.equal(b.roomName, ROOMS[roomType]);
        assert.equal(b.identity, sub);
        assert.equal(b.livekitUrl, env.LIVEKIT_URL);

        const h = decodeJwtPart(b.token, 0);
        assert.equal(h.alg, 'HS256');
        assert.equal(h.typ, 'JWT');
        const p = await verifier.verify(b.token);

        assert.equal(p.iss, env.LIVEKIT_API_KEY, 'iss = LIVEKIT_API_KEY');
        assert.equal(p.sub, sub, 'sub = the Supabase user id');
        assert.equal(typeof p.jti, 'string');
        assert.ok(p.jti.length > 0 && !jtis.has(p.jti), `jti ${p.jti} unique`);
        jtis.add(p.jti);
        assert.ok(Number.isInteger(p.nbf) && Number.isInteger(p.exp), 'nbf and exp are integers');
        assert.ok(p.nbf >= t0 - 5 && p.nbf <= now() + 5, `nbf ${p.nbf} is about now (${t0})`);
        assert.equal(p.exp - p.nbf, 3600, 'exp - nbf = TOKEN_TTL_SECONDS default 3600');
        assert.equal(p.exp, b.expiresAt, 'expiresAt = exp');
        assert.equal(p.name, name, 'name = user_metadata.full_name');
        assert.equal(typeof p.metadata, 'string', 'metadata is a JSON string');
        assert.deepEqual(JSON.parse(p.metadata), { role: c.effective }, 'metadata {"role":...}');
        assert.deepEqual(p.attributes, { role: c.effective }, 'attributes {"role":...}');

        const v = p.video;
        assert.ok(v && typeof v === 'object', 'video grant');
        assert.equal(v.room, ROOMS[roomType]);
        assert.equal(v.roomJoin, true, 'roomJoin');
        assert.equal(v.canSubscribe, true, 'canSubscribe');
        assert.equal(v.canPublishData, true, 'canPublishData');
        if (want.publish === false) {
          // Absent means true on the LiveKit server: it must be written.
          assert.equal(v.canPublish, false, 'canPublish must be an explicit false');
        } else {
          assert.equal(v.canPublish, true, 'canPublish');
          if (want.publish === 'all') {
            assert.ok(v.canPublishSources === undefined || (Array.isArray(v.canPublishSources) && v.canPublishSources.length === 0),
              `canPublishSources ${JSON.stringify(v.canPublishSources)}: publishing is not limited here`);
          } else {
            assert.ok(Array.isArray(v.canPublishSources), `canPublishSources ${JSON.stringify(v.canPublishSources)}: publishing is limited here`);
            assert.deepEqual([...v.canPublishSources].sort(), [...want.publish].sort(), 'canPublishSources');
          }
        }
        if (want.updateOwnMetadata) assert.equal(v.canUpdateOwnMetadata, true, 'canUpdateOwnMetadata');
        else assert.notEqual(v.canUpdateOwnMetadata, true, 'canUpdateOwnMetadata must not be granted');
        if (want.roomAdmin) assert.equal(v.roomAdmin, true, 'roomAdmin');
        else assert.notEqual(v.roomAdmin, true, 'roomAdmin must not be granted');
        for (const k of ['roomCreate', 'roomList', 'roomRecord', 'ingressAdmin', 'hidden', 'recorder', 'agent']) {
          assert.notEqual(v[k], true, `${k} must not be granted`);
        }
        assert.equal(v.destinationRoom, undefined);
      });
    }
  }
});

describe('TokenVerifier refuses what it must', () => {
  let token;
  test('a fresh token verifies (control)', async () => {
    const res = await mint('judge', 'main_show', randomUUID(), 'Control Judge');
    assert.equal(res.status, 200, res.text);
    token = res.json.token;
    await verifier.verify(token);
  });
  test('a wrong API secret is rejected', async () => {
    await assert.rejects(new TokenVerifier(env.LIVEKIT_API_KEY, 'wrong-' + env.LIVEKIT_API_SECRET).verify(token));
    await assert.rejects(new TokenVerifier(env.LIVEKIT_API_KEY, env.SUPABASE_JWT_SECRET).verify(token));
  });
  test('a wrong API key (issuer) is rejected', async () => {
    await assert.rejects(new TokenVerifier('APIsomethingElse', env.LIVEKIT_API_SECRET).verify(token));
  });
  test('a token whose grant was edited is rejected', async () => {
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    claims.video.roomAdmin = true;
    await assert.rejects(verifier.verify(`${h}.${b64url(claims)}.${s}`));
  });
});

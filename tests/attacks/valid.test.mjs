// The positives: a valid token of each algorithm, from each key source,
// gets 200 and a LiveKit token whose role is app_metadata.role. Without
// these, every refusal in this suite could be a service that refuses all.
//
// ES256 high-S (decided here): a signature whose s is above n/2 is
// ACCEPTED, as is its low-S twin (r, n - s). JWS (RFC 7518 3.4) and ECDSA
// (FIPS 186-4) have no low-S rule, Wycheproof counts such signatures as
// valid, and the signers Supabase's tokens come from (Go crypto/ecdsa,
// WebCrypto, OpenSSL) do not normalise s: refusing high-S would refuse
// about half of all genuine ES256 tokens. The malleability gives no new
// claims (the payload is signed either way), and this service keeps no
// record keyed on a token's bytes, so a second spelling of a signature
// gains an attacker nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { assertCors, assertJsonType, assertNoStore } from '../lib/expect.mjs';
import { decodeJwtPart, now } from '../lib/helpers.mjs';
import { setup, show, P256_N, toBig, fromBig } from './lib.mjs';

const { st, env, make, send, sized } = setup();

/** 200 with a LiveKit token for this user, role and room. */
async function accepted(token, { sub, role, room = 'main-show', roomType = 'main_show' }) {
  const res = await send(token, { roomType });
  assert.equal(res.status, 200, `want 200 for ${show(token)}: got ${res.status} ${res.text.slice(0, 300)}`);
  assertJsonType(res);
  assertNoStore(res);
  assertCors(res);
  const b = res.json;
  assert.equal(b.identity, sub);
  assert.equal(b.roomName, room);
  const [h, p, s] = b.token.split('.');
  assert.deepEqual(decodeJwtPart(b.token, 0).alg, 'HS256');
  const mac = createHmac('sha256', env.LIVEKIT_API_SECRET).update(`${h}.${p}`).digest('base64url');
  assert.equal(s, mac, 'the LiveKit token is signed with LIVEKIT_API_SECRET');
  const c = decodeJwtPart(b.token, 1);
  assert.equal(c.sub, sub);
  assert.equal(c.iss, env.LIVEKIT_API_KEY);
  assert.equal(c.video.room, room);
  assert.equal(c.video.roomJoin, true);
  assert.equal(c.attributes.role, role, 'the role comes from app_metadata.role');
  assert.deepEqual(JSON.parse(c.metadata), { role });
  return res;
}

const CASES = [
  ['HS256 (SUPABASE_JWT_SECRET)', 'hs', 'judge', 'audition'],
  ['ES256 (JWKS, EC P-256)', 'ec', 'contestant', 'audition'],
  ['RS256 (JWKS, RSA 2048)', 'rsa', 'host', 'main_show'],
  ['EdDSA (JWKS, Ed25519)', 'ed', 'performer', 'main_show'],
];
for (const [name, key, role, roomType] of CASES) {
  test(`valid: ${name} token -> 200, role ${role} from app_metadata.role`, async () => {
    const sub = randomUUID();
    // user_metadata is the user's own: its role must not count.
    const token = make(key, { claims: { sub, role, userMetadata: { role: 'host', full_name: 'A User' } } });
    await accepted(token, { sub, role, roomType, room: roomType === 'audition' ? 'audition-room' : 'main-show' });
  });
}

test('valid: user_metadata.role never decides (contestant in app_metadata, host in user_metadata)', async () => {
  const sub = randomUUID();
  const token = make('ec', { claims: { sub, role: 'contestant', userMetadata: { role: 'host' } } });
  const res = await accepted(token, { sub, role: 'contestant' });
  assert.equal(decodeJwtPart(res.json.token, 1).video.canPublish, false);
});

test('valid: aud as an array that contains "authenticated" -> 200', async () => {
  const sub = randomUUID();
  await accepted(make('rsa', { claims: { sub }, extra: { aud: ['other', 'authenticated'] } }), { sub, role: 'judge' });
});

// One ES256 signature, in both of its spellings (see the top of this file).
function es256Pair(sub) {
  const tok = make('ec', { claims: { sub } });
  const input = tok.slice(0, tok.lastIndexOf('.'));
  const sig = Buffer.from(tok.slice(tok.lastIndexOf('.') + 1), 'base64url');
  const r = sig.subarray(0, 32);
  const s = toBig(sig.subarray(32));
  const twin = Buffer.concat([r, fromBig(P256_N - s, 32)]);
  const [high, low] = s > P256_N / 2n ? [sig, twin] : [twin, sig];
  return {
    high: `${input}.${high.toString('base64url')}`,
    low: `${input}.${low.toString('base64url')}`,
  };
}

test('valid (decision): ES256 with high-S (s > n/2) -> 200 (no low-S rule in JWS; Supabase signers do not normalise s)', async () => {
  const sub = randomUUID();
  const { high } = es256Pair(sub);
  assert.ok(toBig(Buffer.from(high.split('.')[2], 'base64url').subarray(32)) > P256_N / 2n);
  await accepted(high, { sub, role: 'judge' });
});

test('valid (decision): ES256 with low-S (s <= n/2), the twin of the high-S signature -> 200', async () => {
  const sub = randomUUID();
  const { low } = es256Pair(sub);
  assert.ok(toBig(Buffer.from(low.split('.')[2], 'base64url').subarray(32)) <= P256_N / 2n);
  await accepted(low, { sub, role: 'judge' });
});

test('valid: a token of exactly 8192 bytes (the limit is "over 8 KiB") -> 200', async () => {
  const sub = randomUUID();
  const token = sized(8192, { claims: { sub } });
  assert.equal(token.length, 8192);
  await accepted(token, { sub, role: 'judge' });
});

// The edges of the refusals in claims.test.mjs (+120 s, -45 s): inside the
// 30 s leeway a token still passes, so those cases test the rule, not luck.
test('valid: iat and nbf 20 s in the future (inside the 30 s leeway) -> 200', async () => {
  const sub = randomUUID();
  await accepted(make('hs', { claims: { sub, iat: now() + 20 }, extra: { nbf: now() + 20 } }), { sub, role: 'judge' });
});

test('valid: expired 10 s ago (inside the 30 s leeway) -> 200', async () => {
  const sub = randomUUID();
  await accepted(make('ec', { claims: { sub, iat: now() - 3610, ttl: 3600 } }), { sub, role: 'judge' });
});

test('valid: the same user token twice -> 200 both times (no state that a replay could trip over)', async () => {
  const sub = randomUUID();
  const token = make('ed', { claims: { sub } });
  await accepted(token, { sub, role: 'judge' });
  await accepted(token, { sub, role: 'judge' });
  assert.ok(st.url);
});

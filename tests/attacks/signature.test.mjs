// The signature attacks: encodings and values a verifier must refuse
// (ES256 is 64-byte raw r||s, never DER: STYLE 6, RFC 7518 3.4; r and s in
// [1, n-1]; Ed25519's S below L), lengths other than the algorithm's,
// tampering after signing, another token's signature, and keys the JWKS
// loader must have skipped (RSA 1024, "use":"enc", "oct", unknown kty).
// For ES256 high-S see valid.test.mjs: accepted, by decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, privateEncrypt, randomBytes, randomUUID, sign as cryptoSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setup, seg, signBytes, newKey, P256_N, ED25519_L, toBig, fromBig } from './lib.mjs';

const { st, env, keys, oct, unknownKid, initialJwks, make, send, attack } = setup();

/** A valid token of key name, with its signature bytes replaced by f(sig). */
const resign = (name, f, o = {}) => make(name, { ...o, mutSig: (s) => f(Buffer.from(s, 'base64url')).toString('base64url') });
const parts = (t) => t.split('.');

// ---- ES256 ----------------------------------------------------------------------
attack('ES256: the signature DER-encoded (ASN.1 SEQUENCE of r, s) instead of raw r||s',
  () => make('ec', { sign: (b) => cryptoSign('sha256', b, keys.ec.privateKey) }));
attack('ES256: DER signature cut or padded to 64 bytes',
  () => make('ec', { sign: (b) => { const d = cryptoSign('sha256', b, keys.ec.privateKey); return Buffer.concat([d, Buffer.alloc(64)]).subarray(0, 64); } }));
const rs = (rv, sv) => Buffer.concat([fromBig(rv, 32), fromBig(sv, 32)]);
const EC_VALUES = [
  ['r = 0', (r, s) => rs(0n, s)],
  ['s = 0', (r) => rs(r, 0n)],
  ['r = s = 0 (all zero bytes)', () => Buffer.alloc(64)],
  ['r = n', (r, s) => rs(P256_N, s)],
  ['s = n', (r) => rs(r, P256_N)],
  ['r = n + 1 (r = 1 mod n)', (r, s) => rs(P256_N + 1n, s)],
  ['s = n + 1 (s = 1 mod n)', (r) => rs(r, P256_N + 1n)],
  ['r = 2^256 - 1', (r, s) => rs((1n << 256n) - 1n, s)],
  ['s = 2^256 - 1', (r) => rs(r, (1n << 256n) - 1n)],
  ['r and s = 0xff...ff', () => Buffer.alloc(64, 0xff)],
  ['r and s swapped', (r, s) => rs(s, r)],
  ['r = s', (r) => rs(r, r)],
  ['r = 1, s = 1', () => rs(1n, 1n)],
];
for (const [what, f] of EC_VALUES) {
  attack(`ES256: signature with ${what}`, () => resign('ec', (sig) => f(toBig(sig.subarray(0, 32)), toBig(sig.subarray(32)))));
}
for (const [what, f] of [
  ['63 bytes (last byte cut)', (s) => s.subarray(0, 63)],
  ['65 bytes (a byte added)', (s) => Buffer.concat([s, Buffer.from([0])])],
  ['65 bytes (a leading zero added)', (s) => Buffer.concat([Buffer.from([0]), s])],
  ['32 bytes (r only)', (s) => s.subarray(0, 32)],
  ['96 bytes (P-384 size)', (s) => Buffer.concat([s, Buffer.alloc(32)])],
  ['1 byte', () => Buffer.from([1])],
  ['66 bytes (r and s each with a leading zero)', (s) => Buffer.concat([Buffer.from([0]), s.subarray(0, 32), Buffer.from([0]), s.subarray(32)])],
]) {
  attack(`ES256: signature of ${what}`, () => resign('ec', f));
}

// ---- RS256 ----------------------------------------------------------------------
const rsaN = Buffer.from(initialJwks.find((j) => j.kid === keys.rsa.kid).n, 'base64url');
for (const [what, f] of [
  ['255 bytes (first byte cut)', (s) => s.subarray(1)],
  ['255 bytes (last byte cut)', (s) => s.subarray(0, 255)],
  ['257 bytes (a leading zero added)', (s) => Buffer.concat([Buffer.from([0]), s])],
  ['257 bytes (a byte appended)', (s) => Buffer.concat([s, Buffer.from([0])])],
  ['512 bytes (RSA 4096 size)', (s) => Buffer.concat([Buffer.alloc(256), s])],
  ['128 bytes (RSA 1024 size)', (s) => s.subarray(0, 128)],
  ['256 zero bytes', () => Buffer.alloc(256)],
  ['the value 1', () => fromBig(1n, 256)],
  ['equal to the modulus n', () => rsaN],
  ['n + its value (>= n, same residue)', (s) => { const v = toBig(s) + toBig(rsaN); return v < (1n << 2048n) ? fromBig(v, 256) : Buffer.alloc(256, 0xff); }],
  ['0xff...ff (above n)', () => Buffer.alloc(256, 0xff)],
]) {
  attack(`RS256: signature of ${what}`, () => resign('rsa', f));
}

// Hand-built PKCS#1 v1.5 blocks (RFC 8017 9.2), raised to d with the real
// private key: each is a genuine RSA operation, so only a verifier that
// parses the block loosely (Bleichenbacher 2006, BERserk) would accept one.
const SHA256_DI = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const SHA1_DI = Buffer.from('3021300906052b0e03021a05000414', 'hex');
const sha = (alg, b) => createHash(alg).update(b).digest();
function rawRsa(em) {
  assert.equal(em.length, 256);
  return privateEncrypt({ key: keys.rsa.privateKey, padding: constants.RSA_NO_PADDING }, em);
}
/** 00 01 FF.. 00 || t, the block of RFC 8017 9.2 step 5, with PS filling the rest. */
const block = (t, { type = 1, first = 0, fill = 0xff } = {}) =>
  Buffer.concat([Buffer.from([first, type]), Buffer.alloc(256 - 3 - t.length, fill), Buffer.from([0]), t]);
const PKCS1 = [
  ['block type 02 (encryption padding) instead of 01', (h) => block(Buffer.concat([SHA256_DI, h]), { type: 2 })],
  ['padding bytes 0x00 instead of 0xFF', (h) => block(Buffer.concat([SHA256_DI, h]), { fill: 0 })],
  ['first byte 01 instead of 00', (h) => block(Buffer.concat([SHA256_DI, h]), { first: 1 })],
  ['a padding byte that is not 0xFF', (h) => { const e = block(Buffer.concat([SHA256_DI, h])); e[40] = 0xfe; return e; }],
  ['garbage after the DigestInfo (padding shortened)', (h) => block(Buffer.concat([SHA256_DI, h, Buffer.alloc(16, 0x41)]))],
  ['the bare SHA-256 hash, no DigestInfo', (h) => block(h)],
  ['a DigestInfo with a long-form length (30 81 31, not DER)', (h) => block(Buffer.concat([Buffer.from('308131', 'hex'), SHA256_DI.subarray(2), h]))],
  ['a SHA-1 DigestInfo of the input', (h, input) => block(Buffer.concat([SHA1_DI, sha('sha1', input)]))],
  ['padding of 7 bytes (fewer than 8) with garbage in front', (h) => {
    const t = Buffer.concat([SHA256_DI, h]);
    return Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(256 - 3 - t.length - 7, 0x42), Buffer.alloc(7, 0xff), Buffer.from([0]), t]);
  }],
];
test('control: a hand-built PKCS#1 v1.5 RS256 block verifies -> 200', async () => {
  const t = make('rsa', { sign: (b) => rawRsa(block(Buffer.concat([SHA256_DI, sha('sha256', b)]))) });
  const res = await send(t);
  assert.equal(res.status, 200, `${res.status} ${res.text.slice(0, 200)}`);
});
for (const [what, f] of PKCS1) {
  attack(`RS256: PKCS#1 v1.5 block with ${what}`, () => make('rsa', { sign: (b) => rawRsa(f(sha('sha256', b), b)) }));
}

// ---- EdDSA ----------------------------------------------------------------------
attack('EdDSA: signature with S + L (non-canonical S, RFC 8032 5.1.7)', () => resign('ed', (sig) => {
  const s = toBig(Buffer.from(sig.subarray(32)).reverse()) + ED25519_L;
  return Buffer.concat([sig.subarray(0, 32), fromBig(s, 32).reverse()]);
}));
attack('EdDSA: signature with R = identity point and S = 0', () => resign('ed', () => Buffer.concat([Buffer.from([1]), Buffer.alloc(63)])));
attack('EdDSA: all-zero signature', () => resign('ed', () => Buffer.alloc(64)));
for (const [what, f] of [
  ['63 bytes', (s) => s.subarray(0, 63)],
  ['65 bytes', (s) => Buffer.concat([s, Buffer.from([0])])],
  ['32 bytes (R only)', (s) => s.subarray(0, 32)],
  ['114 bytes (Ed448 size)', (s) => Buffer.concat([s, Buffer.alloc(50)])],
]) {
  attack(`EdDSA: signature of ${what}`, () => resign('ed', f));
}

// ---- HS256 ----------------------------------------------------------------------
for (const [what, f] of [
  ['31 bytes (truncated MAC)', (s) => s.subarray(0, 31)],
  ['16 bytes (truncated MAC)', (s) => s.subarray(0, 16)],
  ['1 byte', (s) => s.subarray(0, 1)],
  ['33 bytes (a byte appended)', (s) => Buffer.concat([s, Buffer.from([0])])],
  ['64 bytes (the MAC twice)', (s) => Buffer.concat([s, s])],
  ['32 zero bytes', () => Buffer.alloc(32)],
  ['32 bytes, last bit flipped', (s) => { const c = Buffer.from(s); c[31] ^= 1; return c; }],
  ['32 bytes, first byte changed', (s) => { const c = Buffer.from(s); c[0] ^= 0x80; return c; }],
]) {
  attack(`HS256: signature of ${what}`, () => resign('hs', f));
}

// ---- tampering after signing, another token's signature ---------------------------
const ALL = [['HS256', 'hs'], ['ES256', 'ec'], ['RS256', 'rsa'], ['EdDSA', 'ed']];
for (const [alg, name] of ALL) {
  attack(`${alg}: payload tampered after signing (app_metadata.role contestant -> host)`, () => {
    const t = parts(make(name, { claims: { role: 'contestant' } }));
    const p = JSON.parse(Buffer.from(t[1], 'base64url'));
    p.app_metadata.role = 'host';
    return `${t[0]}.${seg(p)}.${t[2]}`;
  });
  attack(`${alg}: payload tampered after signing (sub changed to another user)`, () => {
    const t = parts(make(name));
    const p = JSON.parse(Buffer.from(t[1], 'base64url'));
    p.sub = randomUUID();
    return `${t[0]}.${seg(p)}.${t[2]}`;
  });
  attack(`${alg}: payload tampered after signing (exp pushed a year out)`, () => {
    const t = parts(make(name));
    const p = JSON.parse(Buffer.from(t[1], 'base64url'));
    p.exp += 365 * 86400;
    return `${t[0]}.${seg(p)}.${t[2]}`;
  });
  attack(`${alg}: header tampered after signing (a member added)`, () => {
    const t = parts(make(name));
    const h = JSON.parse(Buffer.from(t[0], 'base64url'));
    h.cty = 'JWT';
    return `${seg(h)}.${t[1]}.${t[2]}`;
  });
  attack(`${alg}: header tampered after signing (same members, re-serialised with spaces)`, () => {
    const t = parts(make(name));
    const h = JSON.parse(Buffer.from(t[0], 'base64url'));
    return `${seg(JSON.stringify(h, null, 1))}.${t[1]}.${t[2]}`;
  });
  attack(`${alg}: the signature of another token (same key, other user)`, () => {
    const a = parts(make(name));
    const other = parts(make(name, { claims: { role: 'host' } }));
    return `${a[0]}.${a[1]}.${other[2]}`;
  });
}
attack('ES256 header with the EC kid carrying the RS256 token\'s signature', () => {
  const a = parts(make('ec'));
  return `${a[0]}.${a[1]}.${parts(make('rsa'))[2]}`;
});
attack('header of an ES256 token, payload and signature of an HS256 token', () => {
  const a = parts(make('ec'));
  const h = parts(make('hs'));
  return `${a[0]}.${h[1]}.${h[2]}`;
});
attack('header of an HS256 token on an ES256 token\'s payload and signature', () => {
  const e = parts(make('ec'));
  return `${parts(make('hs'))[0]}.${e[1]}.${e[2]}`;
});

attack('ES256 with the EC kid, signed by another EC key of the JWKS (rotOld): the kid picks the key', () => make('ec', { sign: (b) => signBytes('ES256', keys.rotOld.privateKey, b) }));
attack('EdDSA with the Ed25519 kid, signed by another Ed25519 key', () => make('ed', { sign: (b) => signBytes('EdDSA', newKey('EdDSA').privateKey, b) }));
attack('RS256 with the RSA kid, signed by the 1024-bit key of the JWKS', () => make('rsa', { sign: (b) => signBytes('RS256', keys.rsa1024.privateKey, b) }));

// ---- the service's own LiveKit tokens are not Supabase tokens --------------------
attack('a LiveKit token this service issued, sent back as the bearer token', async () => {
  const res = await send(make('hs'));
  assert.equal(res.status, 200, res.text);
  return res.json.token;
});
attack('Supabase user claims signed HS256 with LIVEKIT_API_SECRET', () => make('hs', { sign: (b) => signBytes('HS256', env.LIVEKIT_API_SECRET, b) }));

// ---- keys the JWKS loader must have skipped -------------------------------------
attack('RS256 token signed by the 1024-bit RSA key published in the JWKS (weak key: skipped -> unknown key)', () => make('rsa1024'));
attack('ES256 token signed by the EC key published with "use":"enc" (not a signature key)', () => make('encEc'));
attack('ES256 token with the kid of the JWKS entry of unknown kty', () => make('ec', { header: { kid: unknownKid } }));
test('the worker log says the 1024-bit RSA key, the "enc" key, the "oct" key and the unknown kty were skipped', () => {
  const log = readFileSync(st.workerLog, 'utf8').split('\n');
  for (const kid of [keys.rsa1024.kid, keys.encEc.kid, oct.kid, unknownKid]) {
    assert.ok(log.some((l) => l.includes(kid) && /skip/i.test(l)), `no "skipped" line for kid ${kid} in ${st.workerLog}`);
  }
  // And none of the usable keys was skipped.
  for (const name of ['ec', 'rsa', 'ed', 'rotOld']) {
    assert.ok(!log.some((l) => l.includes(keys[name].kid) && /skip/i.test(l)), `the ${name} key was skipped`);
  }
  assert.ok(env.SUPABASE_JWKS_FILE);
});

// randomBytes: a fresh random signature of each size, for good measure.
for (const [alg, name, len] of [['ES256', 'ec', 64], ['RS256', 'rsa', 256], ['EdDSA', 'ed', 64], ['HS256', 'hs', 32]]) {
  attack(`${alg}: random ${len}-byte signature`, () => resign(name, () => randomBytes(len)));
}

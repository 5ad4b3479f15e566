// The encoding attacks: one token, one spelling. Each segment must be
// strict base64url (RFC 7515 2, RFC 4648 5 without padding): no '=', no
// '+' or '/', no whitespace, no byte outside the alphabet (libsodium
// 1.0.18 read any byte >= 0x80 as '_': see src/auth/b64url.c), and no
// non-zero trailing bits (STYLE 4; l8w8jwt skipped bad characters). The
// header and payload variants are SIGNED over the altered text, so only a
// strict decoder refuses them; the signature variants decode, leniently, to
// the genuine signature. Plus the size limit (8 KiB) and the shape (three
// segments).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { assertError } from '../lib/expect.mjs';
import { setup, show } from './lib.mjs';

const { make, sized, attack, send } = setup();

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const at = (s, i, w) => s.slice(0, i) + w + s.slice(i + 1);
const mid = (s) => Math.floor(s.length / 2);

// name, precondition on the segment text, mutation.
const MUTATIONS = [
  ['padded with "=" to a multiple of 4', (s) => s.length % 4 !== 0, (s) => s + '='.repeat(4 - (s.length % 4))],
  ['one "=" appended', (s) => s.length % 4 !== 0, (s) => `${s}=`],
  ['non-canonical trailing bits (unused low bits of the last character set)', (s) => s.length % 4 === 2 || s.length % 4 === 3,
    (s) => at(s, s.length - 1, ALPHABET[ALPHABET.indexOf(s.at(-1)) | 1])],
  ['"+" in place of "-" (standard alphabet)', (s) => s.includes('-'), (s) => s.replace('-', '+')],
  ['"/" in place of "_" (standard alphabet)', (s) => s.includes('_'), (s) => s.replace('_', '/')],
  ['a space inside', () => true, (s) => at(s, mid(s), ` ${s[mid(s)]}`)],
  ['a tab inside', () => true, (s) => at(s, mid(s), `\t${s[mid(s)]}`)],
  ['"é" (byte 0xE9) in place of "_"', (s) => s.includes('_'), (s) => s.replace('_', '\u00e9')],
  ['"é" as UTF-8 (0xC3 0xA9) in place of "_"', (s) => s.includes('_'), (s) => s.replace('_', '\u00c3\u00a9')],
  ['a raw 0xC3 byte in place of "_" (libsodium 1.0.18 decoded it as "_")', (s) => s.includes('_'), (s) => s.replace('_', '\u00c3')],
  ['"%5F" (percent-encoded) in place of "_"', (s) => s.includes('_'), (s) => s.replace('_', '%5F')],
];
const SEGMENTS = ['header', 'payload', 'signature'];

/**
 * A valid token of key name whose segment idx meets pred, varied by a
 * random header member and claim (and ECDSA's own randomness).
 */
function tokenWhere(name, idx, pred) {
  // '?' (0x3F) and '~' (0x7E) at the third byte of a group encode as '_'
  // and '-': ASCII JSON needs them to show those characters at all.
  const filler = (n) => Array.from(randomBytes(n), (b) => '?~>ab'[b % 5]).join('');
  for (let i = 0; i < 5000; i++) {
    const t = make(name, { header: { x: filler(1 + (i % 9)) }, extra: { nonce: filler(1 + (i % 13)) } });
    if (pred(t.split('.')[idx])) return t;
  }
  throw new Error(`no ${name} token with a ${SEGMENTS[idx]} for this case`);
}

/** The same claims and header, the segment idx altered by mut, signed anew (header, payload) or not (signature). */
function mutated(name, idx, pred, mut) {
  const base = tokenWhere(name, idx, pred);
  const [h, p] = base.split('.');
  const fixedHeader = Buffer.from(h, 'base64url');
  const fixedPayload = Buffer.from(p, 'base64url');
  if (idx === 2) return make(name, { rawHeader: fixedHeader, rawPayload: fixedPayload, mutSig: mut });
  return make(name, {
    rawHeader: fixedHeader,
    rawPayload: fixedPayload,
    mutHeader: idx === 0 ? mut : undefined,
    mutPayload: idx === 1 ? mut : undefined,
  });
}

for (const [alg, name] of [['HS256', 'hs'], ['ES256', 'ec']]) {
  for (let idx = 0; idx < 3; idx++) {
    for (const [what, pred, mut] of MUTATIONS) {
      attack(`${alg} ${SEGMENTS[idx]}: ${what}`, () => {
        if (idx < 2) return mutated(name, idx, pred, mut);
        // A signature segment that meets pred: sign until one does.
        for (let i = 0; i < 5000; i++) {
          const t = make(name, { extra: { nonce: randomUUID() } });
          const s = t.split('.')[2];
          if (pred(s)) return `${t.slice(0, t.lastIndexOf('.'))}.${mut(s)}`;
        }
        throw new Error('no signature for this case');
      });
    }
  }
}
for (const [alg, name] of [['RS256', 'rsa'], ['EdDSA', 'ed']]) {
  for (const [what, pred, mut] of MUTATIONS.slice(0, 3)) {
    attack(`${alg} signature: ${what}`, () => {
      const t = make(name);
      const s = t.split('.')[2];
      assert.ok(pred(s), `${alg} signature of length ${s.length}`);
      return `${t.slice(0, t.lastIndexOf('.'))}.${mut(s)}`;
    });
  }
}

// A control for the machinery above: the same steps without a mutation verify.
test('control: a header, payload and signature rebuilt as the cases do, unaltered -> 200', async () => {
  for (const name of ['hs', 'ec']) {
    for (let idx = 0; idx < 3; idx++) {
      const t = mutated(name, idx, (s) => s.includes('_'), (s) => s);
      const res = await send(t);
      assert.equal(res.status, 200, `${name} ${SEGMENTS[idx]}: ${show(t)} -> ${res.status} ${res.text.slice(0, 200)}`);
    }
  }
});

// ---- size ---------------------------------------------------------------------------
for (const [what, len, name] of [
  ['8193 bytes (one over 8 KiB), validly signed HS256', 8193, 'hs'],
  ['8193 bytes, validly signed ES256', 8193, 'ec'],
  ['8194 bytes, validly signed EdDSA', 8194, 'ed'],
  ['16 KiB, validly signed HS256', 16384, 'hs'],
  ['30 KiB, validly signed RS256', 30720, 'rsa'],
]) {
  attack(`token of ${what}`, () => {
    const t = sized(len, {}, name);
    assert.ok(t && t.length === len, `could not make a token of ${len} bytes`);
    return t;
  });
}

// Past nginx's 32 KiB header buffer (large_client_header_buffers) the
// worker never sees the request: nginx answers itself. Still JSON, CORS and
// no-store; 401 invalid_token if the worker answered, else nginx's 400.
test('token of 40 KiB (over nginx\'s header buffer): a JSON error with CORS and no-store', async (tc) => {
  const t = sized(40960, {}, 'hs');
  assert.ok(t && t.length === 40960);
  const res = await send(t);
  assert.ok(res.status === 400 || res.status === 401, `status ${res.status} ${res.text.slice(0, 200)}`);
  assertError(res, res.status, res.status === 401 ? 'invalid_token' : ['bad_request', 'invalid_token']);
  if (res.status !== 401) tc.diagnostic(`40 KiB token: nginx answered ${res.status} ${res.json.error}, not the worker's 401`);
});

// ---- shape ----------------------------------------------------------------------------
const valid = () => make('hs').split('.');
attack('two segments (header.payload, no signature part)', () => valid().slice(0, 2).join('.'));
attack('four segments (a fourth appended)', () => `${valid().join('.')}.${valid()[2]}`);
attack('a trailing dot', () => `${valid().join('.')}.`);
attack('a leading dot', () => `.${valid().join('.')}`);
attack('empty header segment', () => { const v = valid(); return `.${v[1]}.${v[2]}`; });
attack('empty payload segment', () => { const v = valid(); return `${v[0]}..${v[2]}`; });
attack('only dots', () => '..');
attack('one segment, no dots', () => valid()[1]);
attack('five segments shaped like a JWE (alg dir, enc A256GCM)', () => {
  const h = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })).toString('base64url');
  return [h, '', randomBytes(12).toString('base64url'), valid()[1], randomBytes(16).toString('base64url')].join('.');
});
attack('a JSON token (JWS JSON serialization) instead of compact', () => {
  const v = valid();
  return JSON.stringify({ payload: v[1], protected: v[0], signature: v[2] });
});
attack('the token twice, separated by a space', () => { const t = make('hs'); return `${t} ${t}`; });
attack('the token twice, separated by a comma', () => { const t = make('hs'); return `${t},${t}`; });

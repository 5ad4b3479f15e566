// The attack suite's keys and token forge, on node:crypto alone.
//
// `node lib.mjs gen KEYS_DIR JWKS_FILE` (run by ./run before the stack
// starts) makes the suite's key pairs, keeps the private keys in
// KEYS_DIR/keys.json (mode 0600) and writes the public half as a JWKS shaped
// like Supabase's <SUPABASE_URL>/auth/v1/.well-known/jwks.json to JWKS_FILE
// (temp file + rename). The tests then load() the same keys to sign tokens.
//
// Keys (each with its own kid, a UUID as Supabase uses):
//   ec       EC P-256  -> ES256          rsa   RSA 2048 -> RS256
//   ed       Ed25519   -> EdDSA          rotOld EC P-256, the rotation test's "old" key
//   rsa1024  RSA 1024, published: the loader must skip it (too weak)
//   encEc    EC P-256 published with "use":"enc": never a signature key
//   oct      a symmetric "oct" key published in the JWKS: never a key
//   unknown  a key of an unknown kty
import {
  createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID,
  sign as cryptoSign,
} from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { call, stack, userClaims } from '../lib/helpers.mjs';
import { assertError } from '../lib/expect.mjs';

// ---- keys -------------------------------------------------------------------

const ALG_OF = { ec: 'ES256', rsa: 'RS256', ed: 'EdDSA', rsa1024: 'RS256', rotOld: 'ES256', encEc: 'ES256' };

/** A new key pair for an algorithm: { alg, kid, privateKey, publicKey }. */
export function newKey(alg, opts = {}) {
  const kid = opts.kid ?? randomUUID();
  let pair;
  if (alg === 'ES256') pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else if (alg === 'RS256') pair = generateKeyPairSync('rsa', { modulusLength: opts.bits ?? 2048 });
  else if (alg === 'EdDSA') pair = generateKeyPairSync('ed25519');
  else throw new Error(`newKey: ${alg}`);
  return { alg, kid, ...pair };
}

/** The public JWK of a key, as Supabase publishes it (alg, kid, use, key_ops, ext). */
export function publicJwk(k, extra = {}) {
  const j = k.publicKey.export({ format: 'jwk' });
  return { alg: k.alg, kid: k.kid, use: 'sig', key_ops: ['verify'], ext: true, ...j, ...extra };
}

/** A JWKS document's text for a list of JWKs. */
export const jwksText = (jwks) => `${JSON.stringify({ keys: jwks }, null, 2)}\n`;

/** Replace a file atomically: write a temp file in its folder, then rename. */
export function writeAtomic(file, text) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

function generate(dir, jwksFile) {
  const keys = {};
  for (const [name, alg] of Object.entries(ALG_OF)) {
    keys[name] = newKey(alg, name === 'rsa1024' ? { bits: 1024 } : {});
  }
  const oct = { kid: randomUUID(), k: randomBytes(32).toString('base64url') };
  const unknownKid = randomUUID();
  const jwks = [
    publicJwk(keys.ec), publicJwk(keys.rsa), publicJwk(keys.ed), publicJwk(keys.rotOld),
    publicJwk(keys.rsa1024),
    publicJwk(keys.encEc, { use: 'enc', key_ops: undefined }),
    { kty: 'oct', kid: oct.kid, alg: 'HS256', use: 'sig', k: oct.k },
    { kty: 'XYZ', kid: unknownKid, use: 'sig', x: 'AAAA' },
  ].map((j) => JSON.parse(JSON.stringify(j)));
  const saved = { oct, unknownKid, keys: {} };
  for (const [name, k] of Object.entries(keys)) {
    saved.keys[name] = { alg: k.alg, kid: k.kid, pem: k.privateKey.export({ type: 'pkcs8', format: 'pem' }) };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(saved), { mode: 0o600 });
  // The suite's starting JWKS, kept so that the rotation test can rebuild it.
  writeFileSync(path.join(dir, 'jwks-initial.json'), jwksText(jwks), { mode: 0o600 });
  writeAtomic(jwksFile, jwksText(jwks));
}

/** The keys made by `gen`, with private and public KeyObjects. */
export function load(dir = process.env.ATTACK_KEYS_DIR) {
  if (!dir) throw new Error('ATTACK_KEYS_DIR is not set: run this file through tests/attacks/run');
  const saved = JSON.parse(readFileSync(path.join(dir, 'keys.json'), 'utf8'));
  const keys = {};
  for (const [name, s] of Object.entries(saved.keys)) {
    const privateKey = createPrivateKey(s.pem);
    keys[name] = { alg: s.alg, kid: s.kid, privateKey, publicKey: createPublicKey(privateKey) };
  }
  const initialJwks = JSON.parse(readFileSync(path.join(dir, 'jwks-initial.json'), 'utf8')).keys;
  return { keys, oct: saved.oct, unknownKid: saved.unknownKid, initialJwks };
}

// ---- signing ------------------------------------------------------------------

/** Sign the bytes with a key for alg ("HS256" wants a secret: string or Buffer). */
export function signBytes(alg, key, bytes) {
  switch (alg) {
  case 'HS256': return createHmac('sha256', key).update(bytes).digest();
  case 'ES256': return cryptoSign('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' });
  case 'RS256': return cryptoSign('sha256', bytes, key);
  case 'EdDSA': return cryptoSign(null, bytes, key);
  default: throw new Error(`signBytes: ${alg}`);
  }
}

/** base64url of a segment: a Buffer as is, a string as UTF-8, anything else as JSON. */
export function seg(x) {
  if (Buffer.isBuffer(x)) return x.toString('base64url');
  return Buffer.from(typeof x === 'string' ? x : JSON.stringify(x), 'utf8').toString('base64url');
}

/**
 * A compact JWS. header and payload: objects (JSON), strings (raw JSON
 * text) or Buffers (raw bytes). sign(bytes) -> Buffer signs the exact
 * signing input as sent (latin1: a header may carry any byte). Options
 * edit the base64url text: mutHeader / mutPayload before signing (so the
 * signature is good over the altered text), mutSig after.
 */
export function forge({ header, payload, sign, mutHeader, mutPayload, mutSig }) {
  let h = seg(header);
  let p = seg(payload);
  if (mutHeader) h = mutHeader(h);
  if (mutPayload) p = mutPayload(p);
  const input = `${h}.${p}`;
  let s = sign ? sign(Buffer.from(input, 'latin1')).toString('base64url') : '';
  if (mutSig) s = mutSig(s);
  return `${input}.${s}`;
}

// ---- ES256 arithmetic --------------------------------------------------------

/** The order of P-256 (FIPS 186-4 D.1.2.3). */
export const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
/** The order of the Ed25519 base point, L = 2^252 + 27742317777372353535851937790883648493. */
export const ED25519_L = (1n << 252n) + 27742317777372353535851937790883648493n;

export const toBig = (buf) => BigInt(`0x${Buffer.from(buf).toString('hex') || '0'}`);
export function fromBig(n, len) {
  const hex = n.toString(16).padStart(len * 2, '0');
  if (hex.length > len * 2) throw new Error('fromBig: too large');
  return Buffer.from(hex, 'hex');
}

// ---- claims -------------------------------------------------------------------

/** Supabase user claims for the stack (helpers.userClaims), role in app_metadata. */
export const claims = (env, opts = {}) => userClaims(env, { role: 'judge', ...opts });

// ---- the tests' view of the stack ----------------------------------------------

/** Drop the members whose value is undefined (to delete a default). */
export function clean(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** A short, printable form of a token for failure messages. */
export function show(token) {
  const t = JSON.stringify(token);
  return t.length > 400 ? `${t.slice(0, 300)}…(${token.length} chars)` : t;
}

/**
 * The stack "attacks" with the suite's keys. make(keyName, o) forges a
 * token signed by a key: keyName is 'hs' (SUPABASE_JWT_SECRET) or a name
 * of lib keys (ec, rsa, ed, rotOld, rsa1024, encEc). o: alg (header alg,
 * default the key's), header (members merged into {alg, typ, kid}; undefined
 * deletes), rawHeader / rawPayload (instead of the objects), claims (options
 * of userClaims), extra (claims merged last), sign (bytes -> Buffer, instead
 * of the key's), mutHeader / mutPayload / mutSig (see forge).
 */
export function setup() {
  const st = stack('attacks');
  const env = st.env;
  const lk = load();
  const secret = env.SUPABASE_JWT_SECRET;
  const keyOf = (name) => (name === 'hs' ? { alg: 'HS256', kid: undefined, privateKey: secret } : lk.keys[name]);
  function make(name, o = {}) {
    const k = keyOf(name);
    if (!k) throw new Error(`no key ${name}`);
    const header = o.rawHeader ?? clean({ alg: 'alg' in o ? o.alg : k.alg, typ: 'JWT', kid: k.kid, ...(o.header ?? {}) });
    const payload = o.rawPayload ?? clean(claims(env, { ...(o.claims ?? {}), extra: o.extra }));
    const sign = o.sign ?? ((b) => signBytes(k.alg, k.privateKey, b));
    return forge({ header, payload, sign, mutHeader: o.mutHeader, mutPayload: o.mutPayload, mutSig: o.mutSig });
  }
  /**
   * A validly signed token (make(name, o)) of exactly len bytes, padded in
   * a claim and a header member; null when no padding gives that length.
   */
  function sized(len, o = {}, name = 'hs') {
    const base = make(name, o).length;
    for (let pad = Math.max(0, Math.floor((len - base) * 0.74) - 16); pad < len; pad++) {
      for (let hpad = 0; hpad < 4; hpad++) {
        const t = make(name, { ...o, header: { ...(o.header ?? {}), x: 'h'.repeat(hpad) },
          extra: { ...(o.extra ?? {}), pad: 'p'.repeat(pad) } });
        if (t.length === len) return t;
        if (hpad === 0 && t.length > len + 8) return null;
      }
    }
    return null;
  }
  /** POST a token; returns call()'s result. */
  const send = (token, body = { roomType: 'main_show' }) => call(st, { token, body });
  /** The token is refused with 401 and the SPEC's error (code). */
  async function refused(token, code = 'invalid_token') {
    const res = await send(token);
    try {
      assertError(res, 401, code, { env, sent: [token] });
    } catch (e) {
      throw new Error([
        e.message,
        `    request: POST ${st.url} Authorization: Bearer ${show(token)}`,
        `    answer: ${res.status} ${res.text.slice(0, 300)}`,
      ].join('\n'));
    }
    return res;
  }
  /** A named test: the token made by fn() is refused with 401 code. */
  const attack = (name, fn, code = 'invalid_token') => test(name, async () => { await refused(await fn(), code); });
  return { st, env, secret, ...lk, keyOf, make, sized, send, refused, attack };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'gen') {
  const [dir, jwksFile] = process.argv.slice(3);
  if (!dir || !jwksFile) {
    console.error('usage: node lib.mjs gen KEYS_DIR JWKS_FILE');
    process.exit(2);
  }
  generate(dir, jwksFile);
}

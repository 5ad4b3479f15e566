// The header attacks: the algorithm, the key id and the key references a
// token may carry. The key decides the algorithm, never the token (STYLE 3,
// libjwt GHSA-q843-6q5f-w55g and c948840); a token never brings or names
// its own key (jku/x5u/jwk/x5c are never followed); a crit we do not
// implement is refused (RFC 7515 4.1.11). Every case: 401 invalid_token
// with the SPEC's JSON error, CORS and WWW-Authenticate.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac, createPrivateKey, randomUUID, sign as cryptoSign, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setup, signBytes, newKey, publicJwk, jwksText } from './lib.mjs';

const { st, env, secret, keys, oct, initialJwks, make, attack } = setup();
const hmac = (key) => (b) => createHmac('sha256', key).update(b).digest();
const hmacWith = (hash, key) => (b) => createHmac(hash, key).update(b).digest();

// ---- alg "none" -------------------------------------------------------------------
for (const none of ['none', 'None', 'NONE', 'nOnE']) {
  attack(`alg "${none}", empty signature`, () => make('hs', { alg: none, sign: () => Buffer.alloc(0) }));
  // The signature is the real HS256 MAC: a verifier that falls back to
  // HS256 for an alg it does not know would accept it.
  attack(`alg "${none}", non-empty signature (a valid HS256 MAC of the input)`,
    () => make('hs', { alg: none, sign: hmac(secret) }));
}
attack('alg "none" with the EC kid, empty signature', () => make('ec', { alg: 'none', sign: () => Buffer.alloc(0) }));
attack('alg "none" with the EC kid, a valid ES256 signature', () => make('ec', { alg: 'none' }));

// ---- algorithms that are not configured, and alg spellings ----------------------
attack('alg HS384 signed with HMAC-SHA384 and SUPABASE_JWT_SECRET', () => make('hs', { alg: 'HS384', sign: hmacWith('sha384', secret) }));
attack('alg HS512 signed with HMAC-SHA512 and SUPABASE_JWT_SECRET', () => make('hs', { alg: 'HS512', sign: hmacWith('sha512', secret) }));
attack('alg RS512 with the RSA kid, signed RSA-SHA512 (libjwt c948840)',
  () => make('rsa', { alg: 'RS512', sign: (b) => cryptoSign('sha512', b, keys.rsa.privateKey) }));
attack('alg RS256 with the RSA kid, signed RSA-SHA512 with PKCS#1 v1.5',
  () => make('rsa', { sign: (b) => cryptoSign('sha512', b, keys.rsa.privateKey) }));
attack('alg PS256 with the RSA kid, signed RSA-PSS',
  () => make('rsa', { alg: 'PS256', sign: (b) => cryptoSign('sha256', b, { key: keys.rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }) }));
attack('alg RS256 with the RSA kid, signed RSA-PSS',
  () => make('rsa', { sign: (b) => cryptoSign('sha256', b, { key: keys.rsa.privateKey, padding: constants.RSA_PKCS1_PSS_PADDING }) }));
attack('alg ES384 with the EC kid, an ES256 signature', () => make('ec', { alg: 'ES384' }));
attack('alg ES256K with the EC kid, an ES256 signature', () => make('ec', { alg: 'ES256K' }));
attack('alg "hs256" (lower case) signed with SUPABASE_JWT_SECRET', () => make('hs', { alg: 'hs256' }));
attack('alg "es256" (lower case) with the EC kid, a valid ES256 signature', () => make('ec', { alg: 'es256', sign: (b) => signBytes('ES256', keys.ec.privateKey, b) }));
attack('alg "EDDSA" (wrong case) with the Ed25519 kid, a valid signature', () => make('ed', { alg: 'EDDSA', sign: (b) => signBytes('EdDSA', keys.ed.privateKey, b) }));
attack('alg "HS256 " (trailing space) signed with SUPABASE_JWT_SECRET', () => make('hs', { alg: 'HS256 ' }));
attack('alg missing, signed HS256 with SUPABASE_JWT_SECRET', () => make('hs', { header: { alg: undefined }, sign: hmac(secret) }));
attack('alg "" signed HS256 with SUPABASE_JWT_SECRET', () => make('hs', { alg: '', sign: hmac(secret) }));
attack('alg null signed HS256 with SUPABASE_JWT_SECRET', () => make('hs', { alg: null, sign: hmac(secret) }));
attack('alg ["HS256"] (an array) signed HS256 with SUPABASE_JWT_SECRET', () => make('hs', { alg: ['HS256'], sign: hmac(secret) }));
attack('alg 256 (a number) signed HS256 with SUPABASE_JWT_SECRET', () => make('hs', { alg: 256, sign: hmac(secret) }));

// ---- algorithm confusion: HS256 with a public key as the HMAC secret ------------
const jwkOf = (name) => initialJwks.find((j) => j.kid === keys[name].kid);
const pubOf = (name) => keys[name].publicKey;
const spkiPem = (name) => pubOf(name).export({ type: 'spki', format: 'pem' });
const spkiDer = (name) => pubOf(name).export({ type: 'spki', format: 'der' });
const ecJwk = jwkOf('ec');
const rsaJwk = jwkOf('rsa');
const edJwk = jwkOf('ed');
const b = (s) => Buffer.from(s, 'base64url');
const jwksFileText = readFileSync(env.SUPABASE_JWKS_FILE);
const SECRETS = {
  ec: [
    ['the PEM text (SPKI)', spkiPem('ec')],
    ['the PEM text without its final newline', spkiPem('ec').trimEnd()],
    ['the DER bytes (SPKI)', spkiDer('ec')],
    ['the JWK JSON text as published', JSON.stringify(ecJwk)],
    ['the bare JWK JSON text {kty,crv,x,y}', JSON.stringify(pubOf('ec').export({ format: 'jwk' }))],
    ['the raw x||y bytes', Buffer.concat([b(ecJwk.x), b(ecJwk.y)])],
    ['the raw 04||x||y point', Buffer.concat([Buffer.from([4]), b(ecJwk.x), b(ecJwk.y)])],
    ['the whole JWKS file', jwksFileText],
  ],
  rsa: [
    ['the PEM text (SPKI)', spkiPem('rsa')],
    ['the PEM text (PKCS#1 RSA PUBLIC KEY)', pubOf('rsa').export({ type: 'pkcs1', format: 'pem' })],
    ['the DER bytes (SPKI)', spkiDer('rsa')],
    ['the DER bytes (PKCS#1)', pubOf('rsa').export({ type: 'pkcs1', format: 'der' })],
    ['the JWK JSON text as published', JSON.stringify(rsaJwk)],
    ['the modulus bytes', b(rsaJwk.n)],
    ['the modulus as base64url text', rsaJwk.n],
  ],
  ed: [
    ['the PEM text (SPKI)', spkiPem('ed')],
    ['the DER bytes (SPKI)', spkiDer('ed')],
    ['the JWK JSON text as published', JSON.stringify(edJwk)],
    ['the raw 32-byte public key', b(edJwk.x)],
  ],
};
const KEYNAME = { ec: 'EC P-256', rsa: 'RSA', ed: 'Ed25519' };
for (const [name, list] of Object.entries(SECRETS)) {
  for (const [what, key] of list) {
    attack(`algorithm confusion: HS256 signed with the ${KEYNAME[name]} key's ${what}, no kid`,
      () => make('hs', { sign: hmac(key) }));
    attack(`algorithm confusion: HS256 signed with the ${KEYNAME[name]} key's ${what}, with its kid`,
      () => make('hs', { header: { kid: keys[name].kid }, sign: hmac(key) }));
  }
}
attack('algorithm confusion: HS256 signed with the "oct" key published in the JWKS, with its kid',
  () => make('hs', { header: { kid: oct.kid }, sign: hmac(b(oct.k)) }));
attack('algorithm confusion: HS256 signed with the "oct" key\'s k as text, with its kid',
  () => make('hs', { header: { kid: oct.kid }, sign: hmac(oct.k) }));

// ---- an alg that does not match the kid's key type -------------------------------
attack('alg ES256 with the RSA key\'s kid (signed by the EC key)', () => make('ec', { header: { kid: keys.rsa.kid } }));
attack('alg RS256 with the EC key\'s kid (signed by the RSA key)', () => make('rsa', { header: { kid: keys.ec.kid } }));
attack('alg EdDSA with the EC key\'s kid (signed by the Ed25519 key)', () => make('ed', { header: { kid: keys.ec.kid } }));
attack('alg ES256 with the Ed25519 key\'s kid (signed by the EC key)', () => make('ec', { header: { kid: keys.ed.kid } }));
attack('alg RS256 with the Ed25519 key\'s kid (signed by the RSA key)', () => make('rsa', { header: { kid: keys.ed.kid } }));
attack('alg EdDSA with the RSA key\'s kid (signed by the Ed25519 key)', () => make('ed', { header: { kid: keys.rsa.kid } }));

// ---- kid ------------------------------------------------------------------------
for (const name of ['ec', 'rsa', 'ed']) {
  const alg = keys[name].alg;
  attack(`${alg}: unknown kid (a fresh UUID), signed by the real key`, () => make(name, { header: { kid: randomUUID() } }));
  attack(`${alg}: no kid, signed by the real key`, () => make(name, { header: { kid: undefined } }));
  attack(`${alg}: kid "" (empty), signed by the real key`, () => make(name, { header: { kid: '' } }));
}
let passwd = '';
try { passwd = readFileSync('/etc/passwd'); } catch { /* none */ }
const odd = [
  ['path "../../etc/passwd"', '../../etc/passwd', passwd],
  ['path "../../../../../../dev/null"', '../../../../../../dev/null', ''],
  ['path "/dev/null"', '/dev/null', ''],
  ['SQL "\' OR 1=1 --"', "' OR 1=1 --", '1'],
  ['SQL "x\' UNION SELECT \'secret\' --"', "x' UNION SELECT 'secret' --", 'secret'],
  ['a NUL ("\\u0000")', '\u0000', ''],
  ['the EC kid followed by a NUL and more ("<kid>\\u0000x")', `${keys.ec.kid}\u0000x`, ''],
  ['the EC kid followed by a space', `${keys.ec.kid} `, ''],
  ['129 characters', 'k'.repeat(129), ''],
  ['4000 characters', 'k'.repeat(4000), ''],
  ['the EC kid followed by 200 characters', keys.ec.kid + 'x'.repeat(200), ''],
  ['128 characters that name no key', 'q'.repeat(128), ''],
];
for (const [what, kid, fileText] of odd) {
  attack(`kid ${what}: ES256 signed by the real EC key`, () => make('ec', { header: { kid } }));
  attack(`kid ${what}: HS256 signed with what that kid would name (${JSON.stringify(String(fileText).slice(0, 12))}…)`,
    () => make('hs', { header: { kid }, sign: hmac(fileText) }));
}
attack('kid raw NUL byte inside the header JSON string (ES256, real key)',
  () => make('ec', { rawHeader: `{"alg":"ES256","typ":"JWT","kid":"${keys.ec.kid}\u0000"}` }));
for (const [what, kid] of [['123 (a number)', 123], ['null', null], ['{} (an object)', {}], ['["<EC kid>"] (an array)', [keys.ec.kid]], ['true', true]]) {
  attack(`kid ${what}: ES256 signed by the real EC key`, () => make('ec', { header: { kid } }));
}

// ---- key references: jku / x5u / jwk / x5c, never followed, refused ------------
// A listener where the references point: no connection must ever reach it.
const JKU_PORT = Number(process.env.ATTACK_JKU_PORT ?? 18551);
const attacker = { ec: newKey('ES256'), rsa: newKey('RS256'), ed: newKey('EdDSA') };
let connections = 0;
const listener = http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(jwksText([publicJwk(attacker.ec), publicJwk(attacker.rsa), publicJwk(attacker.ed)]));
});
listener.on('connection', () => { connections += 1; });
const listening = new Promise((resolve, reject) => {
  listener.once('error', reject);
  listener.listen(JKU_PORT, '127.0.0.1', resolve);
});
after(() => listener.close());
const JKU = `http://127.0.0.1:${JKU_PORT}/auth/v1/.well-known/jwks.json`;
const X5U = `https://127.0.0.1:${JKU_PORT}/cert.pem`;
const signAs = (k) => (bytes) => signBytes(k.alg, k.privateKey, bytes);
const atk = (k, header) => make('ec', { alg: k.alg, header: { kid: k.kid, ...header }, sign: signAs(k) });
// The stack's own TLS key and self-signed certificate: a real x5c chain.
const tlsKey = createPrivateKey(readFileSync(path.join(st.dir, 'tls', 'key.pem')));
const tlsCert = readFileSync(path.join(st.dir, 'tls', 'cert.pem'), 'utf8')
  .replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
const tlsSigner = { alg: 'ES256', kid: undefined, privateKey: tlsKey };

test('key references: the jku/x5u listener is up', async () => { await listening; });
attack('jku to the attacker\'s JWKS, signed by the attacker\'s key with its kid', () => atk(attacker.ec, { jku: JKU }));
attack('jku to the attacker\'s JWKS, attacker\'s key, no kid', () => atk(attacker.ec, { jku: JKU, kid: undefined }));
attack('jku, signed by the real EC key with its kid (the header alone is refused)', () => make('ec', { header: { jku: JKU } }));
attack('x5u to the attacker\'s certificate, signed by the attacker\'s key', () => atk(attacker.ec, { x5u: X5U }));
attack('x5u, signed by the real EC key with its kid', () => make('ec', { header: { x5u: X5U } }));
attack('jwk: the attacker\'s EC key embedded, signed with it, no kid', () => atk(attacker.ec, { kid: undefined, jwk: attacker.ec.publicKey.export({ format: 'jwk' }) }));
attack('jwk: the attacker\'s EC key embedded with its kid, signed with it', () => atk(attacker.ec, { jwk: publicJwk(attacker.ec) }));
attack('jwk: the attacker\'s EC key embedded under the real EC kid, signed with it',
  () => atk(attacker.ec, { kid: keys.ec.kid, jwk: publicJwk(attacker.ec, { kid: keys.ec.kid }) }));
attack('jwk: the attacker\'s RSA key embedded, RS256 signed with it', () => atk(attacker.rsa, { jwk: publicJwk(attacker.rsa) }));
attack('jwk: the attacker\'s Ed25519 key embedded, EdDSA signed with it', () => atk(attacker.ed, { jwk: publicJwk(attacker.ed) }));
attack('jwk: an "oct" key embedded, HS256 signed with it', () => make('hs', { header: { jwk: { kty: 'oct', k: Buffer.from('attacker').toString('base64url') } }, sign: hmac('attacker') }));
attack('jwk: the real EC public key embedded, signed by the real EC key', () => make('ec', { header: { jwk: publicJwk(keys.ec) } }));
attack('x5c: a self-signed certificate, signed with its key, no kid', () => atk(tlsSigner, { x5c: [tlsCert] }));
attack('x5c: a self-signed certificate under the real EC kid, signed with its key', () => atk(tlsSigner, { kid: keys.ec.kid, x5c: [tlsCert] }));
attack('x5c, signed by the real EC key with its kid', () => make('ec', { header: { x5c: [tlsCert] } }));
attack('x5t#S256 and jku together, attacker\'s key', () => atk(attacker.ec, { jku: JKU, 'x5t#S256': 'AAAA' }));
test('key references: no request ever reached the jku/x5u listener', async () => {
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(connections, 0, `${connections} connection(s) to ${JKU}: a key reference was followed`);
});

// ---- crit -----------------------------------------------------------------------
const CRIT = [
  ['["x-unknown"] with that member', { crit: ['x-unknown'], 'x-unknown': true }],
  ['["b64"] with "b64": false (RFC 7797, known-looking)', { crit: ['b64'], b64: false }],
  ['["b64"] with "b64": true', { crit: ['b64'], b64: true }],
  ['["exp"] with exp in the header', { crit: ['exp'], exp: 4102444800 }],
  ['["kid"] (a registered name, not an extension)', { crit: ['kid'] }],
  ['[] (empty, which RFC 7515 forbids)', { crit: [] }],
  ['"x-unknown" (a string, not an array)', { crit: 'x-unknown', 'x-unknown': 1 }],
  ['["x-unknown"] without that member', { crit: ['x-unknown'] }],
];
for (const [what, header] of CRIT) {
  attack(`crit ${what}: ES256 signed by the real EC key`, () => make('ec', { header }));
}
attack('crit ["x-unknown"]: HS256 signed with SUPABASE_JWT_SECRET', () => make('hs', { header: { crit: ['x-unknown'], 'x-unknown': true } }));
attack('crit ["b64"] b64:false: EdDSA signed by the real Ed25519 key', () => make('ed', { header: { crit: ['b64'], b64: false } }));

// The JSON attacks: header and payload must be exactly one JSON object, in
// valid UTF-8, with no member twice (RFC 7515 4: a JOSE header with
// duplicate names must be refused; two readers of one token must never see
// different claims). Every token here is validly signed over its exact
// bytes, so only the JSON rules can refuse it.
import { setup } from './lib.mjs';

const { keys, make, attack } = setup();

/** The JSON text of obj with key given twice: first `first` (raw JSON text), then its own value. */
function dup(obj, key, first) {
  const text = JSON.stringify(obj);
  return `{${JSON.stringify(key)}:${first},${text.slice(1)}`;
}
/** The JSON text of obj with key given twice: its own value first, then `last`. */
function dupLast(obj, key, last) {
  const text = JSON.stringify(obj);
  return `${text.slice(0, -1)},${JSON.stringify(key)}:${last}}`;
}
const hsHeader = { alg: 'HS256', typ: 'JWT' };
const ecHeader = () => ({ alg: 'ES256', typ: 'JWT', kid: keys.ec.kid });
const claimsOf = (o = {}) => JSON.parse(Buffer.from(make('hs', o).split('.')[1], 'base64url'));

// ---- duplicate members in the header ---------------------------------------------
attack('header: two alg ("none" then "HS256"), HS256-signed', () => make('hs', { rawHeader: dup(hsHeader, 'alg', '"none"') }));
attack('header: two alg ("HS256" then "none"), HS256-signed', () => make('hs', { rawHeader: dupLast(hsHeader, 'alg', '"none"') }));
attack('header: two alg, both "HS256"', () => make('hs', { rawHeader: dup(hsHeader, 'alg', '"HS256"') }));
attack('header: two alg ("HS256" then "ES256"), ES256-signed with the EC kid', () => make('ec', { rawHeader: dup(ecHeader(), 'alg', '"HS256"') }));
attack('header: "alg" then "\\u0061lg":"none" (the same name, escaped)', () => make('hs', { rawHeader: '{"alg":"HS256","typ":"JWT","\\u0061lg":"none"}' }));
attack('header: "\\u0061lg":"none" then "alg" (the same name, escaped)', () => make('hs', { rawHeader: '{"\\u0061lg":"none","alg":"HS256","typ":"JWT"}' }));
attack('header: two kid (an unknown one, then the EC kid), ES256-signed', () => make('ec', { rawHeader: dup(ecHeader(), 'kid', '"unknown-kid"') }));
attack('header: two kid (the EC kid, then the RSA kid), ES256-signed', () => make('ec', { rawHeader: dupLast(ecHeader(), 'kid', JSON.stringify(keys.rsa.kid)) }));
attack('header: two typ', () => make('hs', { rawHeader: dup(hsHeader, 'typ', '"JWT"') }));

// ---- duplicate members in the payload --------------------------------------------
const DUPS = [
  ['two sub (another user first)', (c) => dup(c, 'sub', '"00000000-0000-0000-0000-000000000001"')],
  ['two sub (another user last)', (c) => dupLast(c, 'sub', '"00000000-0000-0000-0000-000000000001"')],
  ['two role ("anon" first, then "authenticated")', (c) => dup(c, 'role', '"anon"')],
  ['two role ("authenticated" first, then "service_role")', (c) => dupLast(c, 'role', '"service_role"')],
  ['two exp (expired first, then the future one)', (c) => dup(c, 'exp', String(c.exp - 7200))],
  ['two exp (the future one, then a later one)', (c) => dupLast(c, 'exp', String(c.exp + 86400 * 365))],
  ['two aud ("anon" first)', (c) => dup(c, 'aud', '"anon"')],
  ['two iss (another project first)', (c) => dup(c, 'iss', '"https://other.supabase.co/auth/v1"')],
  ['two app_metadata (role viewer, then role host)', (c) => dupLast(c, 'app_metadata', '{"role":"host"}')],
  ['app_metadata with two role members ("viewer" then "host")', (c) => {
    const t = JSON.stringify(c);
    return t.replace('"app_metadata":{', '"app_metadata":{"role":"viewer",');
  }],
  ['two is_anonymous (true first, then false)', (c) => dup(c, 'is_anonymous', 'true')],
  ['"r\\u006fle" beside "role" (the same name, escaped)', (c) => `${JSON.stringify(c).slice(0, -1)},"r\\u006fle":"service_role"}`],
];
for (const [alg, name] of [['HS256', 'hs'], ['ES256', 'ec']]) {
  for (const [what, f] of DUPS) {
    attack(`${alg} payload: ${what}`, () => {
      const c = claimsOf({ claims: { role: 'judge' } });
      return make(name, { rawPayload: f(c) });
    });
  }
}

// ---- header or payload that is not one JSON object --------------------------------
const NOT_OBJECTS = [
  ['an array', (o) => JSON.stringify([o])],
  ['an array of members', (o) => JSON.stringify(Object.entries(o))],
  ['a string', (o) => JSON.stringify(JSON.stringify(o))],
  ['a number', () => '1900000000'],
  ['null', () => 'null'],
  ['true', () => 'true'],
  ['an object followed by another', (o) => JSON.stringify(o) + JSON.stringify(o)],
  ['an object followed by garbage', (o) => `${JSON.stringify(o)}x`],
  ['an object with a trailing comma', (o) => `${JSON.stringify(o).slice(0, -1)},}`],
  ['an object with a comment', (o) => `/* */${JSON.stringify(o)}`],
  ['an object in single quotes (JSON5)', (o) => JSON.stringify(o).replace(/"/g, "'")],
  ['a truncated object', (o) => JSON.stringify(o).slice(0, -1)],
  ['empty', () => ''],
];
for (const [what, f] of NOT_OBJECTS) {
  attack(`header is ${what} (HS256-signed)`, () => make('hs', { rawHeader: f(hsHeader) }));
  attack(`payload is ${what} (HS256-signed)`, () => make('hs', { rawPayload: f(claimsOf()) }));
}
attack('payload is an array holding the claims (ES256-signed)', () => make('ec', { rawPayload: JSON.stringify([claimsOf()]) }));
attack('header is an array holding the header (ES256-signed)', () => make('ec', { rawHeader: JSON.stringify([ecHeader()]) }));

// ---- invalid UTF-8, NUL, odd numbers ----------------------------------------------
/** The payload bytes with raw bytes put into user_metadata.full_name. */
function withBytes(bytes, where = 'payload') {
  const marker = 'XXMARKXX';
  const c = claimsOf({ claims: { userMetadata: { full_name: marker } } });
  const text = where === 'payload' ? JSON.stringify(c) : JSON.stringify({ ...hsHeader, x: marker });
  const [a, b] = text.split(marker);
  return Buffer.concat([Buffer.from(a), Buffer.from(bytes), Buffer.from(b)]);
}
const BAD_UTF8 = [
  ['a 0xFF byte', [0xff]],
  ['a lone continuation byte 0x80', [0x41, 0x80, 0x41]],
  ['an overlong "/" (0xC0 0xAF)', [0xc0, 0xaf]],
  ['an overlong NUL (0xC0 0x80)', [0xc0, 0x80]],
  ['a UTF-8-encoded surrogate (0xED 0xA0 0x80)', [0xed, 0xa0, 0x80]],
  ['a truncated sequence (0xE2 0x82)', [0xe2, 0x82]],
  ['a code point above U+10FFFF (0xF4 0x90 0x80 0x80)', [0xf4, 0x90, 0x80, 0x80]],
  ['a raw NUL byte', [0x00]],
  ['a raw control character (0x01, unescaped)', [0x01]],
];
for (const [what, bytes] of BAD_UTF8) {
  attack(`payload with ${what} in a string (HS256-signed)`, () => make('hs', { rawPayload: withBytes(bytes) }));
}
attack('payload with invalid UTF-8 (0xFF) in a string (ES256-signed)', () => make('ec', { rawPayload: withBytes([0xff]) }));
attack('header with invalid UTF-8 (0xC3 0x28) in a member (HS256-signed)', () => make('hs', { rawHeader: withBytes([0xc3, 0x28], 'header') }));
attack('payload with a lone surrogate escape "\\ud800" in a string', () => make('hs', { rawPayload: withBytes(Buffer.from('\\ud800')) }));
attack('payload with "\\u0000" in sub', () => make('hs', { rawPayload: JSON.stringify(claimsOf()).replace(/"sub":"/, '"sub":"\\u0000') }));
attack('payload with NaN', () => make('hs', { rawPayload: `${JSON.stringify(claimsOf()).slice(0, -1)},"n":NaN}` }));

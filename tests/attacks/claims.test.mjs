// The claim attacks (SPEC "Checking the Supabase token", Claims): exp
// required, a whole number of seconds, in the future (leeway 30 s): expired
// is 401 token_expired, everything else 401 invalid_token; nbf/iat not in
// the future beyond the leeway; aud is or contains "authenticated"; iss is
// <SUPABASE_URL>/auth/v1; role "authenticated" (the anon and service_role
// API keys are refused); sub a non-empty user id; is_anonymous refused
// (ALLOW_ANONYMOUS is not set). Every token is validly signed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { now } from '../lib/helpers.mjs';
import { setup } from './lib.mjs';

const { env, make, attack } = setup();
const ISS = `${env.SUPABASE_URL}/auth/v1`;

test('the stack checks iss: SUPABASE_URL is set, ALLOW_ANONYMOUS is not', () => {
  assert.ok(env.SUPABASE_URL, 'SUPABASE_URL is set in the stack env');
  assert.equal(env.ALLOW_ANONYMOUS, undefined);
});

/** Claims JSON text with some members as raw JSON text (undefined: removed). */
function rawClaims(raw, opts = {}) {
  const c = JSON.parse(Buffer.from(make('hs', { claims: opts }).split('.')[1], 'base64url'));
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) delete c[k];
    else c[k] = `@@${k}@@`;
  }
  let text = JSON.stringify(c);
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) text = text.replace(`"@@${k}@@"`, v);
  return text;
}
const ALGS = [['HS256', 'hs'], ['ES256', 'ec'], ['RS256', 'rsa'], ['EdDSA', 'ed']];

// ---- exp -------------------------------------------------------------------------
const future = () => now() + 3600;
const EXP = [
  ['a string of a future time', () => `"${future()}"`],
  ['a float 1.9e9 (a future time in exponent notation)', () => '1.9e9'],
  ['a float exp + 0.5', () => `${future()}.5`],
  ['negative (-1)', () => '-1'],
  ['the negative of a future time', () => `-${future()}`],
  ['0', () => '0'],
  ['1e20 (out of range)', () => '1e20'],
  ['100000000000000000000 (out of range, as an integer)', () => '100000000000000000000'],
  ['2^63 (9223372036854775808)', () => '9223372036854775808'],
  ['2^63 - 1 (9223372036854775807)', () => '9223372036854775807'],
  ['2^64 (18446744073709551616)', () => '18446744073709551616'],
  ['-2^63', () => '-9223372036854775808'],
  ['null', () => 'null'],
  ['true', () => 'true'],
  ['an array [future]', () => `[${future()}]`],
  ['an object', () => `{"t":${future()}}`],
  ['missing', () => undefined],
];
// A time before 1970 is malformed, or long expired: either refusal is right.
const PAST = new Set(['negative (-1)', 'the negative of a future time', '0', '-2^63']);
for (const [what, v] of EXP) {
  attack(`exp ${what} (HS256)`, () => make('hs', { rawPayload: rawClaims({ exp: v() }) }),
    PAST.has(what) ? ['invalid_token', 'token_expired'] : 'invalid_token');
}
attack('exp missing (ES256)', () => make('ec', { rawPayload: rawClaims({ exp: undefined }) }));
attack('exp a float 1.9e9 (EdDSA)', () => make('ed', { rawPayload: rawClaims({ exp: '1.9e9' }) }));
attack('exp a string (RS256)', () => make('rsa', { rawPayload: rawClaims({ exp: `"${future()}"` }) }));

for (const [alg, name] of ALGS) {
  attack(`expired an hour ago (${alg}) -> token_expired`, () => make(name, { claims: { iat: now() - 7200, ttl: 3600 } }), 'token_expired');
}
attack('expired 45 s ago, beyond the 30 s leeway (HS256) -> token_expired',
  () => make('hs', { claims: { iat: now() - 3645, ttl: 3600 } }), 'token_expired');
attack('expired long ago (exp = 1) -> token_expired', () => make('hs', { rawPayload: rawClaims({ exp: '1', iat: '0' }) }), 'token_expired');

// ---- nbf / iat ---------------------------------------------------------------------
attack('nbf 2 minutes in the future, beyond the leeway', () => make('hs', { extra: { nbf: now() + 120 } }));
attack('nbf a day in the future (ES256)', () => make('ec', { extra: { nbf: now() + 86400 } }));
attack('iat 2 minutes in the future, beyond the leeway', () => make('hs', { claims: { iat: now() + 120 } }));
attack('iat a day in the future (RS256)', () => make('rsa', { claims: { iat: now() + 86400 } }));
attack('nbf a string', () => make('hs', { rawPayload: rawClaims({ nbf: `"${now() - 10}"` }) }));
attack('iat a float', () => make('hs', { rawPayload: rawClaims({ iat: `${now() - 10}.5` }) }));
attack('nbf 2^63', () => make('hs', { rawPayload: rawClaims({ nbf: '9223372036854775808' }) }));

// ---- aud -------------------------------------------------------------------------
const AUD = [
  ['"anon"', 'anon'],
  ['"Authenticated" (case)', 'Authenticated'],
  ['"authenticated " (trailing space)', 'authenticated '],
  ['"service_role"', 'service_role'],
  ['an array without "authenticated"', ['foo', 'bar']],
  ['an empty array', []],
  ['a nested array [["authenticated"]]', [['authenticated']]],
  ['an object {"authenticated":true}', { authenticated: true }],
  ['null', null],
  ['42', 42],
  ['missing', undefined],
];
for (const [what, aud] of AUD) {
  attack(`aud ${what} (HS256)`, () => make('hs', { extra: { aud } }));
}
attack('aud an array without "authenticated" (ES256)', () => make('ec', { extra: { aud: ['anon'] } }));

// ---- iss -------------------------------------------------------------------------
const ISSUERS = [
  ['of another project', 'https://evil-project.supabase.co/auth/v1'],
  ['with a trailing slash', `${ISS}/`],
  ['without /auth/v1 (SUPABASE_URL itself)', env.SUPABASE_URL],
  ['with http instead of https', ISS.replace(/^https:/, 'http:')],
  ['"supabase" (the API keys\' issuer)', 'supabase'],
  ['as a prefix of the real one', `${ISS}x`],
  ['an array holding the real one', [ISS]],
  ['null', null],
  ['missing', undefined],
];
for (const [what, iss] of ISSUERS) {
  attack(`iss ${what} (HS256)`, () => make('hs', { extra: { iss } }));
}
attack('iss of another project (EdDSA)', () => make('ed', { extra: { iss: 'https://evil-project.supabase.co/auth/v1' } }));

// ---- role: the API keys and other roles ------------------------------------------
/** The project's API key shaped as FACTS.md says: iss "supabase", ref, role; no sub, no aud. */
const apiKey = (role) => ({ iss: 'supabase', ref: 'attacks-test', role, iat: now() - 60, exp: now() + 10 * 365 * 86400 });
for (const role of ['anon', 'service_role']) {
  attack(`the project's ${role} API key (HS256, iss "supabase", no sub, no aud)`, () => make('hs', { rawPayload: apiKey(role) }));
  attack(`a ${role} API key signed by the EC key (ES256, with its kid)`, () => make('ec', { rawPayload: apiKey(role) }));
  attack(`a ${role} key with the project's iss, a sub and aud "authenticated" (role alone refuses)`,
    () => make('hs', { rawPayload: { ...apiKey(role), iss: ISS, sub: '00000000-0000-0000-0000-000000000001', aud: 'authenticated' } }));
  attack(`a user token with role "${role}" (RS256)`, () => make('rsa', { extra: { role } }));
}
for (const [what, role] of [['missing', undefined], ['"Authenticated" (case)', 'Authenticated'], ['null', null], ['"supabase_admin"', 'supabase_admin'], ['["authenticated"]', ['authenticated']]]) {
  attack(`role ${what} (HS256)`, () => make('hs', { extra: { role } }));
}

// ---- sub -------------------------------------------------------------------------
const SUBS = [
  ['missing', undefined],
  ['empty', ''],
  ['null', null],
  ['a number', 12345],
  ['an object', { id: '00000000-0000-0000-0000-000000000001' }],
  ['with a control character', 'a\u0001b'],
  ['with a newline (log injection)', 'abc\n{"status":200}'],
];
for (const [what, sub] of SUBS) {
  attack(`sub ${what} (HS256)`, () => make('hs', { extra: { sub } }));
}
attack('sub missing (ES256)', () => make('ec', { extra: { sub: undefined } }));
attack('sub empty (EdDSA)', () => make('ed', { extra: { sub: '' } }));

// ---- is_anonymous ------------------------------------------------------------------
for (const [alg, name] of ALGS) {
  attack(`is_anonymous true, ALLOW_ANONYMOUS unset (${alg})`, () => make(name, { claims: { anonymous: true } }));
}
attack('is_anonymous "true" (a string)', () => make('hs', { extra: { is_anonymous: 'true' } }));
attack('is_anonymous 1 (a number)', () => make('hs', { extra: { is_anonymous: 1 } }));

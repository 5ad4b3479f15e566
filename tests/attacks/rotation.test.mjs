// JWKS rotation without a restart (issue 4, SPEC "A changed JWKS file is
// picked up without a restart"), under continuous load:
//   1. a new file with the old key AND a new one (new kid), written
//      atomically (temp + rename): the new kid is accepted within a few
//      seconds, and no request fails meanwhile (old kid, EC key, HS256);
//   2. a later file without the old key: old-kid tokens get 401
//      invalid_token, the new kid keeps working;
//   3. a broken file (invalid JSON): the last good keys stay in force
//      (requests still 200) and the worker log says so.
// The rotation only ever adds and removes its own keys (rotOld, and rotNew
// made here), so the other files' tests, which run meanwhile, are not
// disturbed. The steps depend on each other and run in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { assertError } from '../lib/expect.mjs';
import { setup, newKey, publicJwk, jwksText, writeAtomic, signBytes } from './lib.mjs';

const { st, env, keys, initialJwks, make, send } = setup();
const FILE = env.SUPABASE_JWKS_FILE;
const PICKUP_S = 5;	// "within a few seconds"
const rotNew = newKey('ES256');
const TOKENS = {
  old: make('rotOld'),
  new: make('ec', { header: { kid: rotNew.kid }, sign: (b) => signBytes('ES256', rotNew.privateKey, b) }),
  ec: make('ec'),
  hs: make('hs'),
};
const withNew = [...initialJwks, publicJwk(rotNew)];
const withoutOld = withNew.filter((j) => j.kid !== keys.rotOld.kid);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Send the four kinds of token in turn from `loops` concurrent loops until
 * until() is true; returns every answer as { t, kind, status, res }.
 */
async function load(until, loops = 4) {
  const out = [];
  const kinds = Object.keys(TOKENS);
  async function loop(i) {
    for (let n = i; !until(out); n++) {
      const kind = kinds[n % kinds.length];
      let res;
      try {
        res = await send(TOKENS[kind]);
      } catch (e) {
        res = { status: 0, text: String(e), headers: new Headers() };
      }
      out.push({ t: Date.now(), kind, status: res.status, res });
      await sleep(5);
    }
  }
  await Promise.all(Array.from({ length: loops }, (_, i) => loop(i)));
  return out;
}
const summary = (rs) => {
  const m = {};
  for (const r of rs) m[`${r.kind}:${r.status}`] = (m[`${r.kind}:${r.status}`] ?? 0) + 1;
  return JSON.stringify(m);
};
const logSize = () => statSync(st.workerLog).size;
const logSince = (offset) => readFileSync(st.workerLog).subarray(offset).toString('utf8');

test('rotation 0: before any change, the old kid, the EC key and HS256 are accepted and the new kid is not', async () => {
  for (const kind of ['old', 'ec', 'hs']) {
    const res = await send(TOKENS[kind]);
    assert.equal(res.status, 200, `${kind}: ${res.status} ${res.text.slice(0, 200)}`);
  }
  assertError(await send(TOKENS.new), 401, 'invalid_token', { env });
});

test(`rotation 1: JWKS old + new kid, written atomically under load: new kid accepted within ${PICKUP_S} s, no request failed`, async (t) => {
  const start = Date.now();
  let written = 0;
  const writer = (async () => {
    await sleep(1000);
    writeAtomic(FILE, jwksText(withNew));
    written = Date.now();
  })();
  const rs = await load(() => Date.now() - start > 8000);
  await writer;
  const failedOthers = rs.filter((r) => r.kind !== 'new' && r.status !== 200);
  assert.equal(failedOthers.length, 0,
    `requests that failed during the change (want none): ${failedOthers.slice(0, 5).map((r) => `${r.kind} ${r.status} +${r.t - written}ms ${r.res.text.slice(0, 120)}`).join('; ')} [${summary(rs)}]`);
  const odd = rs.filter((r) => r.status !== 200 && r.status !== 401);
  assert.equal(odd.length, 0, `answers other than 200/401: ${odd.slice(0, 3).map((r) => `${r.kind} ${r.status} ${r.res.text.slice(0, 120)}`).join('; ')}`);
  const newAfter = rs.filter((r) => r.kind === 'new' && r.t > written);
  const lastRefused = Math.max(0, ...newAfter.filter((r) => r.status !== 200).map((r) => r.t));
  const pickup = lastRefused ? lastRefused - written : 0;
  const late = newAfter.filter((r) => r.t > written + PICKUP_S * 1000);
  assert.ok(late.length > 10, `too few new-kid requests after the pickup window (${late.length}) [${summary(rs)}]`);
  assert.ok(late.every((r) => r.status === 200),
    `new-kid tokens still refused ${PICKUP_S} s after the new JWKS was written (last refusal +${pickup} ms) [${summary(newAfter)}]`);
  t.diagnostic(`new kid accepted by every worker ${pickup} ms after the write`);
  for (const r of rs.filter((x) => x.kind === 'new' && x.status === 401)) assertError(r.res, 401, 'invalid_token', { env });
});

test(`rotation 2: a JWKS without the old key: old-kid tokens get 401 within ${PICKUP_S} s, the new kid keeps working`, async (t) => {
  writeAtomic(FILE, jwksText(withoutOld));
  const written = Date.now();
  // Until the old kid has been refused for 1.5 s (each worker looks at the
  // file at most once a second), or the pickup window is over.
  const settled = (rs) => {
    const t = Date.now();
    if (t - written > PICKUP_S * 1000 + 1500) return true;
    if (t - written < 1500) return false;
    const recent = rs.filter((r) => r.kind === 'old' && r.t > t - 1500);
    return recent.length >= 8 && recent.every((r) => r.status === 401);
  };
  const rs = await load(settled);
  const bad = rs.filter((r) => r.kind !== 'old' && r.status !== 200);
  assert.equal(bad.length, 0, `new-kid, EC or HS256 requests failed: ${bad.slice(0, 5).map((r) => `${r.kind} ${r.status} ${r.res.text.slice(0, 120)}`).join('; ')}`);
  const old = rs.filter((r) => r.kind === 'old');
  const late = old.filter((r) => r.t > written + PICKUP_S * 1000);
  const lastOk = Math.max(0, ...old.filter((r) => r.status === 200).map((r) => r.t));
  assert.ok(lastOk === 0 || lastOk - written <= PICKUP_S * 1000,
    `old-kid tokens still accepted ${lastOk - written} ms after the old key left the JWKS [${summary(old)}]`);
  assert.ok(late.every((r) => r.status === 401), `old kid answers after the window: ${summary(late)}`);
  const refused = old.filter((r) => r.status !== 200);
  assert.ok(refused.length > 0, 'no old-kid request was refused');
  for (const r of refused) assertError(r.res, 401, 'invalid_token', { env });
  t.diagnostic(`old kid last accepted ${lastOk ? lastOk - written : '-'} ms after the write`);
});

let brokenAt = 0;
test('rotation 3: a broken JWKS file (invalid JSON) keeps the last good keys: requests still 200 for 3 s', async () => {
  brokenAt = logSize();
  writeAtomic(FILE, '{"keys": [ {"kty": "EC", "crv": "P-256", "kid": "half-written"');
  const written = Date.now();
  const rs = await load(() => Date.now() - written > 3000);
  const bad = rs.filter((r) => (r.kind === 'old' ? r.status !== 401 : r.status !== 200));
  assert.equal(bad.length, 0, `with a broken JWKS file: ${bad.slice(0, 5).map((r) => `${r.kind} ${r.status} ${r.res.text.slice(0, 120)}`).join('; ')} [${summary(rs)}]`);
});

test('rotation 4: the worker log says the broken JWKS file was refused and the keys kept', async () => {
  const end = Date.now() + 3000;
  let lines = [];
  for (;;) {
    lines = logSince(brokenAt).split('\n').filter((l) => l.includes(FILE) || l.includes('SUPABASE_JWKS_FILE'));
    if (lines.length > 0 || Date.now() > end) break;
    await sleep(200);
  }
  assert.ok(lines.length > 0, `no log line about ${FILE} after the broken file was written`);
  assert.ok(lines.some((l) => /stay|kept|keep|last good|previous|still/i.test(l)),
    `the log does not say the previous keys were kept: ${lines.slice(0, 2).join(' | ')}`);
  assert.ok(!lines.some((l) => /reloaded/i.test(l)), `a broken file was reported as reloaded: ${lines.join(' | ')}`);
});

test('rotation 5: a good file again after the broken one is picked up (new kid 200, old kid 401)', async () => {
  writeAtomic(FILE, jwksText(withoutOld));
  await sleep(1200);
  for (let i = 0; i < 4; i++) {
    assert.equal((await send(TOKENS.new)).status, 200);
    assertError(await send(TOKENS.old), 401, 'invalid_token', { env });
  }
});

// The try-it page of the development stack (web/, served by nginx at /
// when the stack runs with TRY_PAGE=1, as `make run` does), clicked
// through in chromium like a newcomer would. Screenshots: the judge's
// token in .test-run/browser/tryit.png, a 403 in tryit-error.png.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { ROOT, stack } from '../lib/helpers.mjs';
import { RUN_DIR, grantProblems, launchBrowser, newPage, verifyLiveKit } from './harness.mjs';

const dev = stack('tryit');
const api = stack('api');	// a test stack: started without the page

let browser, page;
before(async () => {
  browser = await launchBrowser();
  page = await newPage(browser, { viewport: { width: 1100, height: 900 } });
  await page.goto(`${dev.base}/`);
  await page.waitForFunction(() => /minted by scripts\/stack/.test(document.getElementById('dev-note').textContent));
});
after(async () => { await browser?.close(); });

async function ask({ role, paste, roomType = 'audition', userName = '' }) {
  if (paste !== undefined) {
    await page.check('#mode-paste');
    await page.fill('#token-input', paste);
  } else {
    await page.check('#mode-dev');
    await page.selectOption('#role', role);
  }
  await page.selectOption('#room-type', roomType);
  await page.fill('#user-name', userName);
  const answered = page.waitForResponse((r) => r.url().endsWith('/functions/v1/livekit-token'));
  await page.click('#get-token');
  await answered;
  await page.waitForFunction(() => !document.getElementById('get-token').disabled);
}

const text = (sel) => page.textContent(sel).then((t) => t.trim());
const grantCell = (name) => text(`#grants tr[data-grant="${name}"] td`);

describe('the try-it page', () => {
  test('a judge asks for the audition room: token, grants, claims and a live countdown', async () => {
    await ask({ role: 'judge', roomType: 'audition', userName: 'Jane Judge (try-it)' });
    assert.equal(await page.isVisible('#success'), true, await text('#result'));
    assert.match(await text('#status'), /^200\b/);
    assert.equal(await grantCell('room'), 'audition-room');
    assert.match(await grantCell('roomJoin'), /yes/);
    assert.match(await grantCell('canPublish'), /yes/);
    assert.equal(await grantCell('canPublishSources'), 'camera, microphone');
    assert.match(await grantCell('canSubscribe'), /yes/);
    assert.match(await grantCell('canUpdateOwnMetadata'), /yes/);
    assert.match(await grantCell('roomAdmin'), /no/);
    assert.match(await text('#claims'), /Jane Judge \(try-it\)/);
    assert.match(await text('#claims'), /\{"role":"judge"\}/);

    // The countdown is live: it shows mm:ss and goes down.
    const first = await text('#countdown');
    assert.match(first, /^(\d+:)?\d\d:\d\d$/);
    await page.waitForFunction((f) => document.getElementById('countdown').textContent !== f, first, { timeout: 3000 });

    // The token on the page is the real thing.
    const token = await text('#token');
    const claims = await verifyLiveKit(dev, token);
    assert.equal(claims.name, 'Jane Judge (try-it)');
    assert.deepEqual(grantProblems(claims.video, 'judge', 'audition'), []);

    const shot = path.join(RUN_DIR, 'tryit.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(readFileSync(shot).length > 10000, 'screenshot written');
  });

  test('a contestant on the main show: may not publish', async () => {
    await ask({ role: 'contestant', roomType: 'main_show' });
    assert.match(await text('#status'), /^200\b/);
    assert.equal(await grantCell('room'), 'main-show');
    assert.match(await grantCell('canPublish'), /no/);
    assert.match(await grantCell('canSubscribe'), /yes/);
    assert.match(await text('#claims'), /Carl Contestant/);
  });

  const errors = [
    ['a viewer in the audition room', { role: 'viewer', roomType: 'audition' }, 403, 'forbidden', /may not join/],
    ['an expired Supabase token', { role: 'expired' }, 401, 'token_expired', /refreshSession/],
    ['the anon key (not signed in)', { role: 'anonKey' }, 401, 'invalid_token', /anon key/],
    ['a pasted token that is not a JWT', { paste: 'not-a-token' }, 401, 'invalid_token', /Supabase user token/],
    ['nothing pasted', { paste: '' }, 401, 'missing_authorization', /Authorization/],
    ['a display name of 129 characters', { role: 'judge', userName: 'x'.repeat(129) }, 400, 'invalid_user_name', /1–128/],
  ];
  for (const [what, opts, status, code, hint] of errors) {
    test(`${what}: ${status} ${code}, shown readably`, async () => {
      await ask(opts);
      assert.equal(await page.isVisible('#error'), true);
      assert.equal(await page.isVisible('#success'), false);
      assert.equal(await text('#error-status'), `HTTP ${status}`);
      assert.equal(await text('#error-code'), code);
      assert.ok((await text('#error-message')).length > 5, 'the service\'s message is shown');
      assert.match(await text('#error-hint'), hint);
      assert.match(await text('#status'), new RegExp(`^${status}\\b`));
      if (code === 'forbidden') await page.screenshot({ path: path.join(RUN_DIR, 'tryit-error.png') });
    });
  }

  test('without development tokens (another stack, or a secret from the environment): paste mode, and why', async () => {
    const p = await newPage(browser);
    await p.route('**/dev-tokens.json', (r) => r.fulfill({ status: 200, contentType: 'application/json',
      body: '{"error":"SUPABASE_JWT_SECRET comes from the environment"}' }));
    await p.goto(`${dev.base}/`);
    await p.waitForFunction(() => /No development tokens here/.test(document.getElementById('dev-note').textContent));
    assert.match(await p.textContent('#dev-note'), /comes from the environment/);
    assert.equal(await p.isVisible('#dev-note'), true);
    assert.equal(await p.isChecked('#mode-paste'), true);
    assert.equal(await p.isVisible('#token-input'), true);
    await p.context().close();
  });

  test('no script errors on the page', () => {
    assert.deepEqual(page.problems.filter((p) => !/status of 40[0-9]/.test(p)), []);
  });
});

describe('only the development stack has it', () => {
  test('a test stack answers / and /dev-tokens.json with the JSON 404', async () => {
    for (const p of ['/', '/dev-tokens.json', '/app.js']) {
      const r = await fetch(`${api.base}${p}`);
      assert.equal(r.status, 404, p);
      assert.deepEqual(await r.json(), { error: 'not_found', message: 'No such endpoint.' });
    }
  });

  test('the page is served with a Content-Security-Policy, and its vendored livekit-client', async () => {
    const r = await fetch(`${dev.base}/`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    const lib = await fetch(`${dev.base}/vendor/livekit-client.umd.js`);
    assert.equal(lib.status, 200);
    assert.match(await lib.text(), /LivekitClient/);
  });

  // Issue 12: make run builds the page without npm, from the copy
  // committed in web/vendor/; it must not drift from the lockfile's.
  test('the committed web/vendor/livekit-client.umd.js is the lockfile\'s own build', async () => {
    const committed = readFileSync(path.join(ROOT, 'web', 'vendor', 'livekit-client.umd.js'));
    const locked = readFileSync(path.join(ROOT, 'tests', 'node_modules', 'livekit-client', 'dist', 'livekit-client.umd.js'));
    assert.ok(committed.equals(locked), 'web/vendor/livekit-client.umd.js differs from tests/node_modules: refresh it (web/vendor/README.md)');
    const served = Buffer.from(await (await fetch(`${dev.base}/vendor/livekit-client.umd.js`)).arrayBuffer());
    assert.ok(served.equals(committed), 'the stack serves the committed copy');
    const version = JSON.parse(readFileSync(path.join(ROOT, 'tests', 'node_modules', 'livekit-client', 'package.json'), 'utf8')).version;
    assert.match(readFileSync(path.join(ROOT, 'web', 'vendor', 'README.md'), 'utf8'), new RegExp(`livekit-client\` ${version.replace(/\./g, '\\.')}`));
  });
});

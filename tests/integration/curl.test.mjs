// curl, as the README's ready-made command uses it (over HTTP/2 where curl
// negotiates it), against the main stack.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileP, stack, stackCmd, recordSecret, decodeJwtPart, userToken } from '../lib/helpers.mjs';

const st = stack('main');

/** Run curl; returns { status, headers (lower-cased map), body }. */
async function curl(args) {
  const { stdout } = await execFileP('curl', ['-sS', '-D', '-', '--cacert', st.cert, ...args], { maxBuffer: 1 << 20 });
  const blocks = stdout.split(/\r?\n\r?\n/);
  // Skip interim answers (100 Continue) if any.
  let i = 0;
  while (/^HTTP\/\S+ 1\d\d/.test(blocks[i]) && i < blocks.length - 1) i++;
  const head = blocks[i].split(/\r?\n/);
  const status = Number(head[0].split(' ')[1]);
  const headers = {};
  for (const l of head.slice(1)) {
    const m = /^([^:]+):\s*(.*)$/.exec(l);
    if (m) headers[m[1].toLowerCase()] = m[2];
  }
  return { status, headers, body: blocks.slice(i + 1).join('\n\n') };
}

describe('curl', () => {
  test('the documented POST with a token from scripts/stack token -> 200 JSON', async () => {
    const t = await stackCmd(st, ['token', '--role', 'judge', '--name', 'Curl Judge']);
    recordSecret(t);
    const r = await curl(['-X', 'POST', st.url,
      '-H', `Authorization: Bearer ${t}`,
      '-H', 'Content-Type: application/json',
      '-d', '{"roomType":"audition"}']);
    assert.equal(r.status, 200, r.body);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.equal(r.headers['cache-control'], 'no-store');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    const b = JSON.parse(r.body);
    recordSecret(b.token);
    assert.equal(b.roomName, 'audition-room');
    assert.equal(decodeJwtPart(b.token, 1).name, 'Curl Judge');
    assert.equal(decodeJwtPart(b.token, 1).attributes.role, 'judge');
  });

  test('curl -k (insecure, as for a self-signed certificate) with HTTP/1.1 works too', async () => {
    const t = userToken(st.env, { role: 'viewer' });
    recordSecret(t);
    const { stdout } = await execFileP('curl', ['-sk', '--http1.1', '-w', '\n%{http_code}', '-X', 'POST', st.url,
      '-H', `Authorization: Bearer ${t}`, '-H', 'Content-Type: application/json', '-d', '{"roomType":"main_show"}']);
    const lines = stdout.trim().split('\n');
    assert.equal(lines.at(-1), '200');
    const b = JSON.parse(lines.slice(0, -1).join('\n'));
    recordSecret(b.token);
    assert.equal(b.roomName, 'main-show');
  });

  test('a preflight with curl -> 204 and the CORS headers', async () => {
    const r = await curl(['-X', 'OPTIONS', st.url, '-H', 'Origin: https://app.example.com',
      '-H', 'Access-Control-Request-Method: POST',
      '-H', 'Access-Control-Request-Headers: authorization,content-type']);
    assert.equal(r.status, 204);
    assert.equal(r.body, '');
    assert.equal(r.headers['access-control-allow-origin'], '*');
    assert.equal(r.headers['access-control-allow-methods'], 'POST, OPTIONS');
    assert.ok(r.headers['access-control-max-age']);
  });

  test('curl without a token -> 401 JSON with WWW-Authenticate', async () => {
    const r = await curl(['-X', 'POST', st.url, '-H', 'Content-Type: application/json', '-d', '{"roomType":"main_show"}']);
    assert.equal(r.status, 401);
    assert.equal(JSON.parse(r.body).error, 'missing_authorization');
    assert.match(r.headers['www-authenticate'], /error="invalid_token"/);
    assert.equal(r.headers['access-control-allow-origin'], '*');
  });

  test('curl GET /healthz -> 200 {"status":"ok"}', async () => {
    const r = await curl([`${st.base}/healthz`]);
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
  });
});

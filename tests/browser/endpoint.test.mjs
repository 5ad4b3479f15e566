// LiveKit's standard token endpoint (issue 12), driven by the real
// TokenSource.endpoint of livekit-client in chromium, from a page on
// another origin (so every POST goes through a real CORS preflight): each
// role x room, the second fetch() served from the SDK's cache, a new token
// once a short-TTL token is within the SDK's minute of exp, each refusal
// readable by the page, and what Room.connect is given (server_url,
// participant_token) verified by livekit-server-sdk's TokenVerifier.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_PATH, stack, userToken } from '../lib/helpers.mjs';
import { GRANTS, ROOM, accessLog, fakeLiveKit, grantProblems, launchBrowser, logSince, newPage, startPageServer, verifyLiveKit } from './harness.mjs';

const api = stack('api');	// TOKEN_TTL_SECONDS 3600: the cache holds
const short = stack('guide');	// TOKEN_TTL_SECONDS=62: the cache lets go after 2 s
const PAGE_PORT = 18714;	// another origin than every stack
const LIVEKIT_PORT = 18713;	// LIVEKIT_URL of every stack

let browser, site, livekit, lk;
before(async () => {
  browser = await launchBrowser();
  site = await startPageServer(PAGE_PORT);
  lk = fakeLiveKit();
  livekit = await startPageServer(LIVEKIT_PORT, lk.routes);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await livekit?.close();
});

async function testPage() {
  const page = await newPage(browser);
  await page.goto(`${site.origin}/test.html`);
  await page.waitForFunction(() => window.LivekitClient?.TokenSource);
  return page;
}

/**
 * In the page: a TokenSource.endpoint for `url` with the user's bearer
 * token (kept in window.sources[name], so later calls reuse its cache),
 * then fetch(options) `times` times. Returns each answer, or for a refusal
 * what the page could read of it.
 */
function sourceFetch(page, { name = 'default', url, bearer, options, times = 1 }) {
  return page.evaluate(async ({ name, url, bearer, options, times }) => {
    const { TokenSource } = window.LivekitClient;
    window.sources ??= {};
    window.sources[name] ??= TokenSource.endpoint(url, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {} });
    const out = [];
    for (let i = 0; i < times; i++) {
      try {
        const r = await window.sources[name].fetch(options);
        out.push({ serverUrl: r.serverUrl, participantToken: r.participantToken });
      } catch (e) {
        // livekit-client puts the status and the body in the message:
        // "Error generating token from endpoint …: received 403 / {…}".
        const m = /received (\d+) \/ (.*)$/s.exec(e.message);
        let body = null;
        try { body = m && JSON.parse(m[2]); } catch { /* not JSON */ }
        out.push({ error: e.message, status: m ? Number(m[1]) : 0, body });
      }
    }
    return out;
  }, { name, url, bearer, options, times });
}

const onToken = (lines, method) => lines.filter((l) => l.uri === TOKEN_PATH && l.method === method);

describe('TokenSource.endpoint: each role x room', () => {
  let page;
  before(async () => { page = await testPage(); });
  after(async () => { await page.context().close(); });

  for (const role of Object.keys(GRANTS)) {
    for (const [roomType, room] of Object.entries(ROOM)) {
      const allowed = GRANTS[role][roomType] !== null;
      test(`${role} in ${room}: ${allowed ? 'a token TokenVerifier accepts, with the role\'s grants' : '403 forbidden, readable'}`, async () => {
        const [r] = await sourceFetch(page, {
          name: `${role}-${room}`, url: api.url, bearer: userToken(api.env, { role }),
          options: { roomName: room, participantName: `A ${role}` },
        });
        if (!allowed) {
          assert.equal(r.status, 403, JSON.stringify(r));
          assert.equal(r.body?.error, 'forbidden');
          return;
        }
        assert.ok(r.participantToken, JSON.stringify(r));
        assert.equal(r.serverUrl, api.env.LIVEKIT_URL);
        const claims = await verifyLiveKit(api, r.participantToken);
        assert.equal(claims.name, `A ${role}`);
        assert.deepEqual(claims.attributes, { role });
        assert.deepEqual(grantProblems(claims.video, role, roomType), []);
      });
    }
  }
});

describe('TokenSource.endpoint: its cache, and a new token near exp', () => {
  test('the second fetch() is served from the cache: one POST, one preflight', async () => {
    const page = await testPage();
    const mark = accessLog(api).length;
    const [a, b] = await sourceFetch(page, { url: api.url, bearer: userToken(api.env, { role: 'judge' }), options: { roomName: 'main-show' }, times: 2 });
    assert.ok(a.participantToken, JSON.stringify(a));
    assert.equal(b.participantToken, a.participantToken, 'the same token, from the cache');
    const lines = await logSince(api, mark, 2);
    assert.deepEqual(onToken(lines, 'POST').map((l) => l.status), [200], JSON.stringify(lines));
    assert.deepEqual(onToken(lines, 'OPTIONS').map((l) => l.status), [204], 'a real CORS preflight');
    // Other options are another request: the cache is for the same ones only.
    const [c] = await sourceFetch(page, { url: api.url, options: { roomName: 'audition-room' } });
    assert.notEqual(c.participantToken, a.participantToken);
    assert.equal((await verifyLiveKit(api, c.participantToken)).video.room, 'audition-room');
    await page.context().close();
  });

  test('TOKEN_TTL_SECONDS=62: once within a minute of exp, fetch() asks again and gets a new token', async () => {
    const page = await testPage();
    const mark = accessLog(short).length;
    const [a] = await sourceFetch(page, { url: short.url, bearer: userToken(short.env, { role: 'performer' }), options: { roomName: 'main-show' } });
    assert.ok(a.participantToken, JSON.stringify(a));
    const { exp } = await verifyLiveKit(short, a.participantToken);
    // livekit-client keeps a token until a minute before its exp.
    const wait = (exp - 60) * 1000 - Date.now() + 300;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [b] = await sourceFetch(page, { url: short.url, options: { roomName: 'main-show' } });
    assert.ok(b.participantToken, JSON.stringify(b));
    assert.notEqual(b.participantToken, a.participantToken, 'a new token');
    assert.ok((await verifyLiveKit(short, b.participantToken)).exp > exp);
    assert.deepEqual(onToken(await logSince(short, mark, 3), 'POST').map((l) => l.status), [200, 200]);
    await page.context().close();
  });
});

describe('TokenSource.endpoint: every refusal is readable by the page', () => {
  let page;
  before(async () => { page = await testPage(); });
  after(async () => { await page.context().close(); });

  const judge = () => userToken(api.env, { role: 'judge' });
  const cases = [
    ['participantIdentity of someone else', judge, { roomName: 'main-show', participantIdentity: 'someone-else' }, 400, 'participant_identity_not_allowed'],
    ['participantMetadata', judge, { roomName: 'main-show', participantMetadata: '{"role":"host"}' }, 400, 'participant_metadata_not_allowed'],
    ['participantAttributes', judge, { roomName: 'main-show', participantAttributes: { role: 'host' } }, 400, 'participant_attributes_not_allowed'],
    ['agentName (room_config)', judge, { roomName: 'main-show', agentName: 'judge-bot' }, 400, 'room_config_not_allowed'],
    ['a room type instead of a room name', judge, { roomName: 'main_show' }, 400, 'invalid_room_name'],
    ['a display name too long', judge, { roomName: 'main-show', participantName: 'x'.repeat(200) }, 400, 'invalid_participant_name'],
    ['no Authorization (signed out)', () => null, { roomName: 'main-show' }, 401, 'missing_authorization'],
    ['a publishable key as the bearer', () => 'sb_publishable_dGVzdA_abc123', { roomName: 'main-show' }, 401, 'invalid_token'],
    ['an expired Supabase session', () => userToken(api.env, { role: 'judge', ttl: -600 }), { roomName: 'main-show' }, 401, 'token_expired'],
  ];
  for (const [what, bearer, options, status, code] of cases) {
    test(`${what}: ${status} ${code}`, async () => {
      const [r] = await sourceFetch(page, { name: what, url: api.url, bearer: bearer(), options });
      assert.equal(r.status, status, JSON.stringify(r));
      assert.equal(r.body?.error, code, r.error);
      assert.ok(r.body.message.length > 10);
    });
  }

  test('participantIdentity equal to the user\'s own id is let through', async () => {
    const sub = crypto.randomUUID();
    const [r] = await sourceFetch(page, { name: 'own', url: api.url, bearer: userToken(api.env, { role: 'judge', sub }), options: { roomName: 'main-show', participantIdentity: sub } });
    assert.ok(r.participantToken, JSON.stringify(r));
    assert.equal((await verifyLiveKit(api, r.participantToken)).sub, sub);
  });
});

describe('Room.connect with what TokenSource.endpoint returned', () => {
  test('connects to server_url with participant_token, which TokenVerifier accepts', async () => {
    const page = await testPage();
    const sub = crypto.randomUUID();
    const before = lk.tokens.length;
    const res = await page.evaluate(async ({ url, bearer }) => {
      const { Room, TokenSource } = window.LivekitClient;
      const source = TokenSource.endpoint(url, { headers: { Authorization: `Bearer ${bearer}` } });
      const { serverUrl, participantToken } = await source.fetch({ roomName: 'audition-room', participantName: 'Ana' });
      const room = new Room();
      try {
        await room.connect(serverUrl, participantToken);
        return { serverUrl, participantToken, connected: true };
      } catch (e) {
        return { serverUrl, participantToken, error: e.name };
      }
    }, { url: api.url, bearer: userToken(api.env, { role: 'contestant', sub }) });
    // No media server here: the stand-in refuses the signal connection.
    assert.equal(res.error, 'ConnectionError', JSON.stringify(res));
    assert.equal(res.serverUrl, `ws://127.0.0.1:${LIVEKIT_PORT}`);
    const sent = [...new Set(lk.tokens.slice(before))];
    assert.deepEqual(sent, [res.participantToken], 'Room.connect sent the token to server_url');
    const claims = await verifyLiveKit(api, sent[0]);
    assert.equal(claims.sub, sub);
    assert.equal(claims.name, 'Ana');
    assert.deepEqual(grantProblems(claims.video, 'contestant', 'audition'), []);
    await page.context().close();
  });
});

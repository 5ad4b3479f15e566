// A page on another origin than the token service, in a real chromium:
// it gets a token with fetch and with supabase-js through a real CORS
// preflight, reads the JSON of every kind of error, is blocked by the
// browser when its origin is not on the allow-list, and hands over a
// token that livekit-client parses and livekit-server-sdk verifies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TOKEN_PATH, anonKey, decodeJwtPart, stack, userToken } from '../lib/helpers.mjs';
import { GRANTS, ROOM, accessLog, grantProblems, launchBrowser, logSince, newPage, startPageServer, verifyLiveKit } from './harness.mjs';

const api = stack('api');
const limited = stack('ratelimit');
const allowList = stack('allowlist');
const PAGE_PORT = Number(process.env.BROWSER_PAGE_PORT ?? 18710);	// not on allowlist's list
const LISTED_PORT = Number(process.env.BROWSER_LISTED_PORT ?? 18711);	// on it

let browser, site, listedSite;
before(async () => {
  browser = await launchBrowser();
  site = await startPageServer(PAGE_PORT);
  listedSite = await startPageServer(LISTED_PORT);
});
after(async () => {
  await browser?.close();
  await site?.close();
  await listedSite?.close();
});

/** A fresh context (no cached preflight) with the test page of `origin` open. */
async function testPage(origin = site.origin) {
  const page = await newPage(browser);
  await page.goto(`${origin}/test.html`);
  await page.waitForFunction(() => window.supabase && window.LivekitClient);
  return page;
}

// In the page: one fetch, the way a frontend writes it. Returns what the
// page could read, or the error it got.
function pageFetch(page, url, { token, body = { roomType: 'main_show' }, contentType = 'application/json' } = {}) {
  return page.evaluate(async ({ url, token, body, contentType }) => {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (contentType) headers['Content-Type'] = contentType;
    try {
      const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try { json = JSON.parse(text); } catch { /* not JSON */ }
      return {
        status: r.status, json, text,
        wwwAuthenticate: r.headers.get('www-authenticate'),
        retryAfter: r.headers.get('retry-after'),
      };
    } catch (e) {
      return { thrown: e.name, message: e.message };
    }
  }, { url, token, body, contentType });
}

// In the page: supabase-js pointed at the token service, as the guide says.
function pageInvoke(page, serviceOrigin, key, { token, body = { roomType: 'main_show' } } = {}) {
  return page.evaluate(async ({ serviceOrigin, key, token, body }) => {
    const client = window.supabase.createClient(serviceOrigin, key, { auth: { persistSession: false, autoRefreshToken: false } });
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const { data, error } = await client.functions.invoke('livekit-token', { body, headers });
    if (!error) return { data };
    const out = { errorName: error.name, errorMessage: error.message };
    if (error.context instanceof Response) {
      out.status = error.context.status;
      out.json = await error.context.json().catch(() => null);
      out.retryAfter = error.context.headers.get('retry-after');
    }
    return out;
  }, { serviceOrigin, key, token, body });
}

const preflights = (lines) => lines.filter((l) => l.method === 'OPTIONS' && l.uri === TOKEN_PATH);
const posts = (lines) => lines.filter((l) => l.method === 'POST' && l.uri === TOKEN_PATH);

function assertTokenAnswer(json, roomType = 'main_show') {
  assert.ok(json, 'no JSON');
  assert.match(json.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  assert.equal(json.livekitUrl, api.env.LIVEKIT_URL);
  assert.equal(json.roomName, ROOM[roomType]);
  assert.equal(typeof json.identity, 'string');
  assert.ok(Number.isInteger(json.expiresAt) && json.expiresAt > Date.now() / 1000, `expiresAt ${json.expiresAt}`);
}

describe('a page on another origin gets a token, through a real CORS preflight', () => {
  test('with fetch', async () => {
    const page = await testPage();
    const mark = accessLog(api).length;
    const wire = page.waitForResponse((r) => r.url() === api.url && r.request().method() === 'POST');
    const res = await pageFetch(page, api.url, { token: userToken(api.env, { role: 'judge' }), body: { roomType: 'main_show', userName: 'Ana' } });
    assert.equal(res.status, 200, JSON.stringify(res));
    assertTokenAnswer(res.json);
    assert.equal((await (await wire).allHeaders())['access-control-allow-origin'], '*');
    const lines = await logSince(api, mark, 2);
    const opt = preflights(lines);
    assert.equal(opt.length, 1, `one OPTIONS preflight in the access log: ${JSON.stringify(lines)}`);
    assert.equal(opt[0].status, 204);
    assert.ok(lines.indexOf(opt[0]) < lines.indexOf(posts(lines)[0]), 'the preflight came before the POST');
    await page.context().close();
  });

  test('with supabase-js functions.invoke', async () => {
    const page = await testPage();
    const mark = accessLog(api).length;
    const res = await pageInvoke(page, api.base, anonKey(api.env), { token: userToken(api.env, { role: 'contestant' }), body: { roomType: 'audition' } });
    assert.ok(res.data, JSON.stringify(res));
    assertTokenAnswer(res.data, 'audition');
    const lines = await logSince(api, mark, 2);
    assert.equal(preflights(lines).length, 1, `one OPTIONS preflight: ${JSON.stringify(lines)}`);
    assert.equal(preflights(lines)[0].status, 204);
    assert.deepEqual(posts(lines).map((l) => l.status), [200]);
    await page.context().close();
  });
});

describe('the page can read the JSON of every error (CORS on errors)', () => {
  let page;
  before(async () => { page = await testPage(); });
  after(async () => { await page.context().close(); });

  const cases = [
    ['401 missing_authorization', () => ({}), 401, 'missing_authorization'],
    ['401 token_expired', () => ({ token: userToken(api.env, { role: 'judge', ttl: -600 }) }), 401, 'token_expired'],
    ['401 invalid_token (the anon key instead of a user)', () => ({ token: anonKey(api.env) }), 401, 'invalid_token'],
    ['403 forbidden (a viewer in the audition room)', () => ({ token: userToken(api.env, { role: 'viewer' }), body: { roomType: 'audition' } }), 403, 'forbidden'],
    ['400 invalid_room_type', () => ({ token: userToken(api.env, { role: 'judge' }), body: { roomType: 'backstage' } }), 400, 'invalid_room_type'],
    ['400 missing_room_type', () => ({ token: userToken(api.env, { role: 'judge' }), body: {} }), 400, 'missing_room_type'],
  ];
  for (const [name, opts, status, code] of cases) {
    test(`fetch: ${name}`, async () => {
      const res = await pageFetch(page, api.url, opts());
      assert.equal(res.status, status, JSON.stringify(res));
      assert.equal(res.json?.error, code, res.text);
      assert.ok(res.json.message.length > 0);
      if (status === 401) assert.match(res.wwwAuthenticate ?? '', /error="invalid_token"/, 'WWW-Authenticate is readable');
    });
  }

  test('supabase-js: FunctionsHttpError carries the Response, whose JSON is readable', async () => {
    const res = await pageInvoke(page, api.base, anonKey(api.env), { token: userToken(api.env, { role: 'viewer' }), body: { roomType: 'audition' } });
    assert.equal(res.errorName, 'FunctionsHttpError', JSON.stringify(res));
    assert.equal(res.status, 403);
    assert.equal(res.json?.error, 'forbidden');
  });

  test('429 rate_limited (RATE_LIMIT_RPS=1, RATE_LIMIT_BURST=1), with a readable Retry-After', async () => {
    const p = await testPage();
    const token = userToken(limited.env, { role: 'judge' });
    // One request first: its preflight is then cached (Access-Control-Max-Age),
    // so the burst below is POSTs only. (nginx exempts OPTIONS from both rate
    // limits, so a preflight is never refused with 429; the one it refuses is
    // with 502, while no worker answers.)
    assert.equal((await pageFetch(p, limited.url, { token })).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    const results = await p.evaluate(async ({ url, token }) => Promise.all(Array.from({ length: 6 }, async () => {
      const r = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: '{"roomType":"main_show"}' });
      return { status: r.status, json: await r.json(), retryAfter: r.headers.get('retry-after') };
    })), { url: limited.url, token });
    const refused = results.filter((r) => r.status === 429);
    assert.ok(results.some((r) => r.status === 200), JSON.stringify(results));
    assert.ok(refused.length > 0, `no 429 among ${JSON.stringify(results.map((r) => r.status))}`);
    for (const r of refused) {
      assert.equal(r.json.error, 'rate_limited');
      assert.match(r.retryAfter ?? '', /^\d+$/, 'Retry-After is readable');
    }
    // supabase-js sees the same 429 (its preflight warmed up first too).
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok((await pageInvoke(p, limited.base, anonKey(limited.env), { token })).data);
    await new Promise((r) => setTimeout(r, 1100));
    const many = await Promise.all([1, 2, 3, 4].map(() => pageInvoke(p, limited.base, anonKey(limited.env), { token })));
    const limitedOnes = many.filter((r) => r.status === 429);
    assert.ok(limitedOnes.length > 0, JSON.stringify(many));
    assert.equal(limitedOnes[0].json?.error, 'rate_limited');
    assert.match(limitedOnes[0].retryAfter ?? '', /^\d+$/);
    await p.context().close();
  });
});

describe('CORS_ALLOWED_ORIGINS: the browser enforces the allow-list', () => {
  test('an origin not on the list: fetch rejects with a TypeError, though the service answered', async () => {
    const page = await testPage(site.origin);
    const mark = accessLog(allowList).length;
    const res = await pageFetch(page, allowList.url, { token: userToken(allowList.env, { role: 'judge' }) });
    assert.equal(res.thrown, 'TypeError', `fetch was not blocked: ${JSON.stringify(res)}`);
    const lines = await logSince(allowList, mark, 1);
    assert.equal(preflights(lines).length, 1, `the preflight reached nginx: ${JSON.stringify(lines)}`);
    assert.equal(posts(lines).length, 0, 'the browser did not send the POST after a refused preflight');
    await page.context().close();
  });

  test('an origin not on the list: supabase-js gets a FunctionsFetchError', async () => {
    const page = await testPage(site.origin);
    const res = await pageInvoke(page, allowList.base, anonKey(allowList.env), { token: userToken(allowList.env, { role: 'judge' }) });
    assert.equal(res.errorName, 'FunctionsFetchError', JSON.stringify(res));
    await page.context().close();
  });

  test('an origin on the list: the token, and its origin echoed', async () => {
    const page = await testPage(listedSite.origin);
    const wire = page.waitForResponse((r) => r.url() === allowList.url && r.request().method() === 'POST');
    const res = await pageFetch(page, allowList.url, { token: userToken(allowList.env, { role: 'judge' }) });
    assert.equal(res.status, 200, JSON.stringify(res));
    const headers = await (await wire).allHeaders();
    assert.equal(headers['access-control-allow-origin'], listedSite.origin);
    assert.match(headers.vary ?? '', /Origin/i);
    assert.ok(res.json.token);
    await page.context().close();
  });
});

describe('the token the page received: livekit-client parses it, livekit-server-sdk verifies it', () => {
  let page;
  before(async () => { page = await testPage(); });
  after(async () => { await page.context().close(); });

  for (const role of Object.keys(GRANTS)) {
    for (const roomType of Object.keys(ROOM)) {
      const allowed = GRANTS[role][roomType] !== null;
      test(`${role} in ${roomType}: ${allowed ? 'grants as the table says' : '403'}`, async () => {
        const sub = crypto.randomUUID();
        const userName = `Test ${role} ✨`;
        const supa = userToken(api.env, { role, sub });
        // In the page: fetch, then livekit-client's own parsing: its
        // decodeTokenPayload, and a TokenSource that caches the token for
        // as long as livekit-client judges it valid (exp, nbf).
        const got = await page.evaluate(async ({ url, supa, roomType, userName }) => {
          const r = await fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${supa}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ roomType, userName }) });
          const json = await r.json();
          if (!r.ok) return { status: r.status, json };
          const { decodeTokenPayload, TokenSource } = window.LivekitClient;
          let calls = 0;
          const source = TokenSource.custom(() => { calls++; return { serverUrl: json.livekitUrl, participantToken: json.token }; });
          const first = await source.fetch({});
          const second = await source.fetch({});
          return {
            status: r.status, json,
            payload: decodeTokenPayload(json.token),
            cachedPayload: source.getCachedResponseJwtPayload(),
            sourceCalls: calls,
            sameFromSource: first.participantToken === json.token && second.participantToken === json.token,
          };
        }, { url: api.url, supa, roomType, userName });
        if (!allowed) {
          assert.equal(got.status, 403, JSON.stringify(got));
          assert.equal(got.json.error, 'forbidden');
          return;
        }
        assert.equal(got.status, 200, JSON.stringify(got));
        const { json, payload } = got;
        assert.equal(json.identity, sub);
        // livekit-client
        assert.equal(payload.sub, sub);
        assert.equal(payload.iss, api.env.LIVEKIT_API_KEY);
        assert.equal(payload.name, userName);
        assert.equal(payload.exp, json.expiresAt);
        assert.deepEqual(JSON.parse(payload.metadata), { role });
        assert.deepEqual(payload.attributes, { role });
        assert.equal(payload.video.room, ROOM[roomType]);
        assert.deepEqual(grantProblems(payload.video, role, roomType), []);
        assert.ok(got.sameFromSource, 'TokenSource handed back the token');
        assert.equal(got.sourceCalls, 1, 'livekit-client judged the token valid and reused it');
        assert.equal(got.cachedPayload.sub, sub);
        // livekit-server-sdk, with the stack's API key and secret
        const claims = await verifyLiveKit(api, json.token);
        assert.equal(claims.sub, sub);
        assert.equal(claims.iss, api.env.LIVEKIT_API_KEY);
        assert.equal(claims.name, userName);
        assert.deepEqual(grantProblems(claims.video, role, roomType), []);
        assert.deepEqual(decodeJwtPart(json.token, 0), { alg: 'HS256', typ: 'JWT' });
      });
    }
  }

  test('livekit-server-sdk refuses the token with another secret (the check is real)', async () => {
    const res = await pageFetch(page, api.url, { token: userToken(api.env, { role: 'judge' }) });
    const { TokenVerifier } = await import('livekit-server-sdk');
    await assert.rejects(new TokenVerifier(api.env.LIVEKIT_API_KEY, 'x'.repeat(43)).verify(res.json.token));
  });
});

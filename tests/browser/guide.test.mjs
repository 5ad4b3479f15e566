// docs/frontend.md cannot rot: every code block in it is a file of one
// TypeScript module, marked <!-- file: NAME.ts -->. This test type-checks
// them together against the pinned supabase-js and livekit-client, strips
// the types (typescript's transpileModule), and runs them in chromium on a
// page of another origin, against the stacks: a stand-in for Supabase Auth
// signs users in on the page's origin, a stand-in for a LiveKit server
// records what Room.connect sends it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT, TOKEN_PATH, anonKey, stack } from '../lib/helpers.mjs';
import {
  RUN_DIR, accessLog, fakeLiveKit, fakeSupabaseAuth, grantProblems, launchBrowser, logSince,
  newPage, send, sendJson, startPageServer, verifyLiveKit,
} from './harness.mjs';

const GUIDE = path.join(ROOT, 'docs', 'frontend.md');
const guide = stack('guide');	// TOKEN_TTL_SECONDS=62: refresh paths in seconds
const limited = stack('ratelimit');
const down = stack('down');	// nginx without workers
const misconfig = stack('misconfig');	// no LIVEKIT_URL: tokens get 500 server_misconfigured
const allowList = stack('allowlist');	// the page's origin is not on its list
const PAGE_PORT = 18712;	// SUPABASE_URL of every stack: the page and the Auth stand-in
const LIVEKIT_PORT = 18713;	// LIVEKIT_URL of every stack
const FAKE_SERVICE_PORT = 18715;	// a stand-in for the service (fakeService)

// ---- the snippets ------------------------------------------------------------

/** The fenced code blocks of the guide, each with the file name of its marker. */
function snippets() {
  const lines = readFileSync(GUIDE, 'utf8').split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(`{3,}|~{3,})\s*([\w-]*)/.exec(lines[i]);
    if (!m) continue;
    const fence = m[1];
    let j = i + 1;
    while (j < lines.length && !lines[j].startsWith(fence)) j++;
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = /^<!--\s*file:\s*([\w.-]+\.ts)\s*-->$/.exec(lines[k]?.trim() ?? '');
    out.push({ line: i + 1, lang: m[2], file: marker?.[1], code: lines.slice(i + 1, j).join('\n') });
    i = j;
  }
  return out;
}

const blocks = snippets();
const files = Object.fromEntries(blocks.filter((b) => b.file).map((b) => [b.file, b.code]));
// The snippet's promise to a viewer, read from it so that the test follows the page.
const GIVE_UP_AFTER_MS = Number(/const GIVE_UP_AFTER_MS = ([\d_]+)/.exec(files['livekit-token.ts'] ?? '')?.[1].replace(/_/g, ''));

/**
 * A stand-in for the token service, for what a stack does not do on demand:
 * mode 'hang' takes each POST and never answers it (a stalled connection, an
 * upstream that hangs), mode '429' refuses every POST with Retry-After: 1
 * (a caller who stays over the limit). Preflights are allowed as the service
 * allows them. posts: when each POST arrived (Date.now()).
 */
function fakeService() {
  const svc = { mode: 'hang', posts: [], held: [] };
  const cors = { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'Retry-After' };
  svc.routes = {
    [TOKEN_PATH]: (req, res) => {
      if (req.method === 'OPTIONS') {
        return void send(res, 204, 'text/plain', '', { ...cors, 'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '', 'access-control-max-age': '600' });
      }
      svc.posts.push(Date.now());
      if (svc.mode === '429') return void sendJson(res, 429, { error: 'rate_limited', message: 'Too many requests: try again in a moment.' }, { ...cors, 'retry-after': '1' });
      svc.held.push(res);	// never answered; the connection closes with the server
    },
  };
  return svc;
}

// The names the snippets import from each package, for the browser shims.
function importedNames(pkg) {
  const names = new Set();
  const re = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${pkg.replace(/[/.@-]/g, '\\$&')}'`, 'g');
  for (const code of Object.values(files)) {
    for (const m of code.matchAll(re)) {
      for (let n of m[1].split(',')) {
        n = n.trim();
        if (!n || n.startsWith('type ')) continue;
        names.add(n.split(/\s+as\s+/)[0].trim());
      }
    }
  }
  return [...names];
}

function transpile(name, code) {
  const out = ts.transpileModule(code, {
    fileName: name,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  if (out.diagnostics?.length) throw new Error(ts.formatDiagnostics(out.diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' }));
  return out.outputText;
}

/** config.ts with this test's values in place of the guide's placeholders. */
function configFor(service) {
  const values = { SUPABASE_URL: `http://127.0.0.1:${PAGE_PORT}`, SUPABASE_ANON_KEY: anonKey(guide.env), LIVEKIT_TOKEN_URL: service };
  let code = files['config.ts'];
  for (const [name, value] of Object.entries(values)) {
    const re = new RegExp(`(export const ${name}\\s*=\\s*)'[^']*'`);
    assert.match(code, re, `config.ts sets ${name}`);
    code = code.replace(re, `$1${JSON.stringify(value)}`);
  }
  return transpile('config.ts', code);
}

// ---- the page's server -------------------------------------------------------

const GLOBALS = { '@supabase/supabase-js': 'supabase', 'livekit-client': 'LivekitClient' };
const SHIMS = { '@supabase/supabase-js': '/guide-shim/supabase.js', 'livekit-client': '/guide-shim/livekit-client.js' };

function guideHtml(service) {
  const imports = { ...SHIMS, '/guide/config': `/guide/config?service=${encodeURIComponent(service)}` };
  return `<!doctype html><html><head><meta charset="utf-8"><title>docs/frontend.md</title>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script src="/vendor/supabase.js"></script>
<script src="/vendor/livekit-client.umd.js"></script>
</head><body><h1>docs/frontend.md, running</h1></body></html>`;
}

let browser, site, livekit, auth, lk, svc, fake;
const js = {};
before(async () => {
  for (const [name, code] of Object.entries(files)) if (name !== 'config.ts') js[name.replace(/\.ts$/, '')] = transpile(name, code);
  auth = fakeSupabaseAuth(guide.env);
  lk = fakeLiveKit();
  site = await startPageServer(PAGE_PORT, {
    ...auth.routes,
    '/guide.html': (req, res, url) => send(res, 200, 'text/html; charset=utf-8', guideHtml(url.searchParams.get('service'))),
    any: (req, res, url) => {
      let m = /^\/guide\/([\w-]+?)(\.js)?$/.exec(url.pathname);
      if (m) {
        const code = m[1] === 'config' ? configFor(url.searchParams.get('service')) : js[m[1]];
        if (code === undefined) return false;
        send(res, 200, 'text/javascript; charset=utf-8', code);
        return true;
      }
      m = Object.entries(SHIMS).find(([, p]) => p === url.pathname);
      if (m) {
        const [pkg] = m;
        const lines = [`const lib = window[${JSON.stringify(GLOBALS[pkg])}];`,
          'const need = (n) => { if (lib[n] === undefined) throw new Error(`${n} is not in the browser build`); return lib[n]; };',
          ...importedNames(pkg).map((n) => `export const ${n} = need(${JSON.stringify(n)});`)];
        send(res, 200, 'text/javascript; charset=utf-8', lines.join('\n'));
        return true;
      }
      return false;
    },
  });
  livekit = await startPageServer(LIVEKIT_PORT, lk.routes);
  svc = fakeService();
  fake = await startPageServer(FAKE_SERVICE_PORT, svc.routes);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await site?.close();
  await livekit?.close();
  await fake?.close();
});

/** A fresh context with the guide's modules, talking to `service`. */
async function guidePage(service = guide.base) {
  const page = await newPage(browser);
  page.warnings = [];
  page.on('console', (m) => { if (m.type() === 'warning') page.warnings.push(m.text()); });
  await page.goto(`${site.origin}/guide.html?service=${encodeURIComponent(service)}`);
  await page.waitForFunction(() => window.supabase && window.LivekitClient);
  return page;
}

/** Sign in on the page with supabase-js (against the Auth stand-in); the user id. */
const signIn = (page, email) => page.evaluate(async (email) => {
  const { supabase } = await import('/guide/supabase');
  const { data, error } = await supabase.auth.signInWithPassword({ email, password: 'not checked here' });
  if (error) throw new Error(`sign-in: ${error.message}`);
  return data.user.id;
}, email);

/** Call an exported function of a guide module in the page; { ok } or { err }. */
const run = (page, mod, fn, args = []) => page.evaluate(async ({ mod, fn, args }) => {
  const m = await import(`/guide/${mod}`);
  try {
    return { ok: await m[fn](...args) };
  } catch (e) {
    const { LiveKitTokenError } = await import('/guide/livekit-token');
    return { err: { name: e.name, message: e.message, status: e.status, code: e.code, retryAfter: e.retryAfter, isTokenError: e instanceof LiveKitTokenError } };
  }
}, { mod, fn, args });

const onToken = (lines) => lines.filter((l) => l.uri === TOKEN_PATH);
const statuses = (lines, method = 'POST') => onToken(lines).filter((l) => l.method === method).map((l) => l.status);

// ---- the tests ---------------------------------------------------------------------

describe('docs/frontend.md: every snippet is a marked TypeScript file', () => {
  test('each fenced block is ```ts with a <!-- file: NAME.ts --> marker, names unique', () => {
    assert.ok(blocks.length >= 5, `only ${blocks.length} code blocks found`);
    for (const b of blocks) {
      assert.equal(b.lang, 'ts', `line ${b.line}: a \`\`\`${b.lang} block (only marked ts blocks are tested)`);
      assert.ok(b.file, `line ${b.line}: no <!-- file: NAME.ts --> marker before the block`);
    }
    assert.equal(Object.keys(files).length, blocks.length, 'two blocks with the same file name');
    for (const f of ['config.ts', 'supabase.ts', 'livekit-token.ts']) assert.ok(files[f], `${f} is in the guide`);
  });

  test('they type-check together (strict) against the pinned supabase-js and livekit-client', () => {
    const dir = path.join(RUN_DIR, 'guide');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, 'src'), { recursive: true });
    symlinkSync(path.join(ROOT, 'tests', 'node_modules'), path.join(dir, 'node_modules'));
    const names = Object.entries(files).map(([f, code]) => {
      const p = path.join(dir, 'src', f);
      writeFileSync(p, code);
      return p;
    });
    const program = ts.createProgram(names, {
      strict: true, noEmit: true, skipLibCheck: true, types: [],
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    });
    const diags = ts.getPreEmitDiagnostics(program);
    assert.equal(diags.length, 0, ts.formatDiagnostics(diags, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' }));
  });
});

describe('docs/frontend.md, run in the browser against the stacks', () => {
  test('getLiveKitToken: a signed-in judge gets a token, through a CORS preflight', async () => {
    const page = await guidePage();
    const userId = await signIn(page, 'judge@example.com');
    const mark = accessLog(guide).length;
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['audition', 'Jane']);
    assert.ok(res.ok, JSON.stringify(res));
    assert.equal(res.ok.identity, userId);
    assert.equal(res.ok.roomName, 'audition-room');
    assert.equal(res.ok.livekitUrl, `ws://127.0.0.1:${LIVEKIT_PORT}`);
    const claims = await verifyLiveKit(guide, res.ok.token);
    assert.equal(claims.sub, userId);
    assert.equal(claims.name, 'Jane');
    assert.equal(claims.exp, res.ok.expiresAt);
    assert.deepEqual(grantProblems(claims.video, 'judge', 'audition'), []);
    const lines = await logSince(guide, mark, 2);
    assert.deepEqual(statuses(lines, 'OPTIONS'), [204], 'a real preflight');
    assert.deepEqual(statuses(lines), [200]);
    assert.deepEqual(page.warnings.filter((w) => /GoTrueClient/.test(w)), [], 'no "multiple GoTrueClient instances" warning');
    assert.deepEqual(page.problems, []);
    await page.context().close();
  });

  test('getLiveKitToken: token_expired -> refreshSession, then the retry succeeds', async () => {
    const page = await guidePage();
    await signIn(page, 'stale-performer@example.com');	// a session whose access token already expired
    const refreshes = auth.calls.refresh_token;
    const mark = accessLog(guide).length;
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['main_show']);
    assert.ok(res.ok, JSON.stringify(res));
    assert.equal(auth.calls.refresh_token, refreshes + 1, 'supabase.auth.refreshSession() was called');
    assert.deepEqual(statuses(await logSince(guide, mark, 3)), [401, 200]);
    assert.deepEqual(grantProblems((await verifyLiveKit(guide, res.ok.token)).video, 'performer', 'main_show'), []);
    await page.context().close();
  });

  const refusals = [
    ['a viewer in the audition room: 403 forbidden', 'viewer@example.com', ['audition'], 403, 'forbidden'],
    ['not signed in (the anon key is sent): 401 invalid_token', null, ['main_show'], 401, 'invalid_token'],
    ['a bad roomType: 400 invalid_room_type', 'judge@example.com', ['backstage'], 400, 'invalid_room_type'],
    ['a display name too long: 400 invalid_user_name', 'judge@example.com', ['main_show', 'x'.repeat(200)], 400, 'invalid_user_name'],
  ];
  for (const [what, email, args, status, code] of refusals) {
    test(`getLiveKitToken: ${what}, thrown at once as a LiveKitTokenError`, async () => {
      const page = await guidePage();
      if (email) await signIn(page, email);
      const mark = accessLog(guide).length;
      const res = await run(page, 'livekit-token', 'getLiveKitToken', args);
      assert.ok(res.err, JSON.stringify(res));
      assert.equal(res.err.isTokenError, true);
      assert.equal(res.err.name, 'LiveKitTokenError');
      assert.equal(res.err.status, status);
      assert.equal(res.err.code, code);
      assert.ok(res.err.message.length > 5);
      assert.deepEqual(statuses(await logSince(guide, mark, 2)), [status], 'no retry');
      await page.context().close();
    });
  }

  test('getLiveKitToken: 429 -> waits Retry-After and retries; every call ends with a token', async () => {
    const page = await guidePage(limited.base);
    await signIn(page, 'host@example.com');
    // A first call, whose preflight the browser then caches (as in an app
    // that has asked once); then three at once at 1 request/s, burst 1.
    await new Promise((r) => setTimeout(r, 1100));
    assert.ok((await run(page, 'livekit-token', 'getLiveKitToken', ['main_show'])).ok);
    await new Promise((r) => setTimeout(r, 1100));
    const mark = accessLog(limited).length;
    const { results, posts } = await page.evaluate(async () => {
      const { getLiveKitToken } = await import('/guide/livekit-token');
      // Every POST the snippet sends: when it left, when its answer came, and
      // the answer's status and Retry-After (supabase-js looks fetch up per call).
      const posts = [];
      const realFetch = window.fetch;
      window.fetch = async (input, init) => {
        const start = performance.now();
        const r = await realFetch(input, init);
        if (init?.method === 'POST') posts.push({ start, end: performance.now(), status: r.status, retryAfter: Number(r.headers.get('retry-after')) || null });
        return r;
      };
      try {
        const all = await Promise.allSettled([1, 2, 3].map(() => getLiveKitToken('main_show')));
        return { results: all.map((r) => (r.status === 'fulfilled' ? { ok: r.value.roomName } : { err: r.reason.code })), posts };
      } finally {
        window.fetch = realFetch;
      }
    });
    assert.deepEqual(results, [1, 2, 3].map(() => ({ ok: 'main-show' })));
    const st = statuses(await logSince(limited, mark, 4));
    assert.ok(st.includes(429), `no 429 among ${st}`);
    assert.equal(st.filter((s) => s === 200).length, 3);
    assert.deepEqual(posts.map((p) => p.status).sort(), [...st].sort(), 'the page saw every POST');
    const refused = posts.filter((p) => p.status === 429);
    for (const p of refused) assert.ok(p.retryAfter >= 1 && p.retryAfter <= 4, `Retry-After ${p.retryAfter}`);
    assert.ok(posts.length <= 3 * 4, `${posts.length} POSTs: more than 3 retries each`);
    // The first three POSTs are the three first attempts; every later one is
    // a retry, which waits its 429's Retry-After: none may come sooner than
    // the first 429 answer plus the shortest Retry-After.
    const byStart = [...posts].sort((a, b) => a.start - b.start);
    const earliest = Math.min(...refused.map((p) => p.end)) + Math.min(...refused.map((p) => p.retryAfter)) * 1000;
    for (const p of byStart.slice(3)) assert.ok(p.start >= earliest - 5, `a retry ${Math.round(earliest - p.start)} ms before Retry-After allowed it`);
  });

  test('getLiveKitToken: a caller refused with 429 every time -> Retry-After plus jitter, 3 retries, then rate_limited', async () => {
    svc.mode = '429';
    const page = await guidePage(fake.origin);
    await signIn(page, 'judge@example.com');
    const from = svc.posts.length;
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['main_show']);
    assert.equal(res.err?.code, 'rate_limited', JSON.stringify(res));
    assert.equal(res.err.status, 429);
    assert.equal(res.err.retryAfter, 1, 'Retry-After was read');
    const t = svc.posts.slice(from);
    assert.equal(t.length, 4, '1 attempt + 3 retries, then the error');
    const gaps = t.slice(1).map((x, i) => x - t[i]);
    for (const g of gaps) assert.ok(g >= 1000 && g <= 2000 + 400, `a retry ${g} ms after a 429 with Retry-After: 1 (want 1 to 2 s: the wait plus up to as much jitter); gaps ${gaps}`);
    assert.ok(Math.max(...gaps) - Math.min(...gaps) > 10, `the same wait every time, no jitter: gaps ${gaps}`);
    await page.context().close();
  });

  test('getLiveKitToken: an answer that never comes -> gives up within GIVE_UP_AFTER_MS', async () => {
    assert.ok(GIVE_UP_AFTER_MS > 0, 'livekit-token.ts sets GIVE_UP_AFTER_MS');
    svc.mode = 'hang';
    const page = await guidePage(fake.origin);
    await signIn(page, 'judge@example.com');
    const from = svc.posts.length;
    const res = await page.evaluate(async (patience) => {
      const { getLiveKitToken } = await import('/guide/livekit-token');
      const t0 = Date.now();
      const hung = new Promise((resolve) => setTimeout(() => resolve({ hung: true }), patience));
      const done = getLiveKitToken('main_show').then((ok) => ({ ok }), (e) => ({ err: { name: e.name, status: e.status, code: e.code, message: e.message } }));
      return { ...(await Promise.race([done, hung])), ms: Date.now() - t0 };
    }, GIVE_UP_AFTER_MS + 3000);
    assert.ok(!res.hung, `still waiting after ${res.ms} ms (GIVE_UP_AFTER_MS is ${GIVE_UP_AFTER_MS})`);
    assert.equal(res.err?.name, 'LiveKitTokenError', JSON.stringify(res));
    assert.equal(res.err.status, 0);
    assert.equal(res.err.code, 'timeout');
    assert.ok(res.err.message.length > 5);
    assert.ok(res.ms <= GIVE_UP_AFTER_MS + 1000, `gave up after ${res.ms} ms`);
    assert.ok(svc.posts.length > from, 'the POST reached the stand-in');
    await page.context().close();
  });

  test('getLiveKitToken: 500 server_misconfigured -> thrown at once (no retry mends a setting)', async () => {
    const page = await guidePage(misconfig.base);
    await signIn(page, 'judge@example.com');
    const mark = accessLog(misconfig).length;
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['main_show']);
    assert.equal(res.err?.isTokenError, true, JSON.stringify(res));
    assert.equal(res.err.status, 500);
    assert.equal(res.err.code, 'server_misconfigured');
    assert.deepEqual(statuses(await logSince(misconfig, mark, 2)), [500], 'no retry');
    await page.context().close();
  });

  test('getLiveKitToken: no worker answering -> backs off, 4 attempts, then throws', async () => {
    const page = await guidePage(down.base);
    await signIn(page, 'judge@example.com');
    const mark = accessLog(down).length;
    const t0 = Date.now();
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['main_show']);
    assert.ok(res.err?.isTokenError, JSON.stringify(res));
    // nginx answers 502 (JSON, CORS); the browser sees it as the failed
    // preflight it is, a network error, unless a preflight was cached.
    assert.ok(['network_error', 'bad_gateway'].includes(res.err.code), res.err.code);
    const lines = onToken(await logSince(down, mark, 4));
    assert.equal(lines.length >= 4 && lines.every((l) => l.status === 502), true, JSON.stringify(lines));
    assert.equal(lines.filter((l) => l.method === (res.err.code === 'network_error' ? 'OPTIONS' : 'POST')).length, 4, '1 attempt + 3 retries');
    assert.ok(Date.now() - t0 >= 3000, 'it backed off 0.5 + 1 + 2 s');
    await page.context().close();
  });

  test('getLiveKitToken: an origin not in CORS_ALLOWED_ORIGINS -> network_error', async () => {
    const page = await guidePage(allowList.base);
    await signIn(page, 'judge@example.com');
    const res = await run(page, 'livekit-token', 'getLiveKitToken', ['main_show']);
    assert.equal(res.err?.code, 'network_error', JSON.stringify(res));
    assert.equal(res.err.status, 0);
    await page.context().close();
  });

  test('joinRoom: room.connect takes the token to livekitUrl', async () => {
    const page = await guidePage();
    const userId = await signIn(page, 'contestant@example.com');
    const before = lk.tokens.length;
    const res = await run(page, 'join', 'joinRoom', ['main_show', 'Ana']);
    // No media server here: the stand-in refuses the signal connection.
    assert.ok(res.err, JSON.stringify(res));
    assert.equal(res.err.name, 'ConnectionError', JSON.stringify(res.err));
    const sent = lk.tokens.slice(before);
    assert.ok(sent.length >= 1, 'livekit-client connected to livekitUrl with the token');
    for (const t of new Set(sent)) {
      const claims = await verifyLiveKit(guide, t);
      assert.equal(claims.sub, userId);
      assert.equal(claims.name, 'Ana');
      assert.deepEqual(grantProblems(claims.video, 'contestant', 'main_show'), []);
    }
    await page.context().close();
  });

  test('joinWithStandardEndpoint: TokenSource.endpoint gets server_url and participant_token, Room.connect takes them', async () => {
    const page = await guidePage();
    const userId = await signIn(page, 'judge@example.com');
    const mark = accessLog(guide).length;
    const before = lk.tokens.length;
    const res = await run(page, 'standard-endpoint', 'joinWithStandardEndpoint', ['audition-room', 'Jane']);
    // No media server here: the stand-in refuses the signal connection.
    assert.equal(res.err?.name, 'ConnectionError', JSON.stringify(res));
    const sent = [...new Set(lk.tokens.slice(before))];
    assert.equal(sent.length, 1, 'livekit-client connected to server_url with participant_token');
    const claims = await verifyLiveKit(guide, sent[0]);
    assert.equal(claims.sub, userId);
    assert.equal(claims.name, 'Jane');
    assert.deepEqual(grantProblems(claims.video, 'judge', 'audition'), []);
    assert.deepEqual(statuses(await logSince(guide, mark, 2)), [200]);
    assert.deepEqual(page.problems.filter((p) => !/ConnectionError|WebSocket|websocket|503|401/.test(p)), []);
    await page.context().close();
  });

  test('standardTokenSource: one source per session, whose second fetch comes from its cache', async () => {
    const page = await guidePage();
    await signIn(page, 'host@example.com');
    const mark = accessLog(guide).length;
    const res = await page.evaluate(async () => {
      const { standardTokenSource } = await import('/guide/standard-endpoint');
      const a = await standardTokenSource();
      const first = await a.fetch({ roomName: 'main-show' });
      const b = await standardTokenSource();
      const second = await b.fetch({ roomName: 'main-show' });
      return { same: a === b, tokens: [first.participantToken, second.participantToken], serverUrl: first.serverUrl };
    });
    assert.equal(res.same, true, 'the same source while the session token is the same');
    assert.equal(res.tokens[1], res.tokens[0], 'from the cache');
    assert.equal(res.serverUrl, `ws://127.0.0.1:${LIVEKIT_PORT}`);
    assert.deepEqual(statuses(await logSince(guide, mark, 2)), [200]);
    await page.context().close();
  });

  const standardRefusals = [
    ['a viewer in the audition room: 403 forbidden', 'viewer@example.com', ['audition-room'], 403, 'forbidden', [403]],
    ['a room type instead of a room name: 400 invalid_room_name', 'judge@example.com', ['main_show'], 400, 'invalid_room_name', [400]],
    ['not signed in: missing_authorization, without asking the service', null, ['main-show'], 401, 'missing_authorization', []],
  ];
  for (const [what, email, args, status, code, wire] of standardRefusals) {
    test(`joinWithStandardEndpoint: ${what}, as a LiveKitTokenError`, async () => {
      const page = await guidePage();
      if (email) await signIn(page, email);
      const mark = accessLog(guide).length;
      const res = await run(page, 'standard-endpoint', 'joinWithStandardEndpoint', args);
      assert.equal(res.err?.isTokenError, true, JSON.stringify(res));
      assert.equal(res.err.status, status);
      assert.equal(res.err.code, code);
      assert.ok(res.err.message.length > 5);
      assert.deepEqual(statuses(await logSince(guide, mark, wire.length ? 2 : 0)), wire);
      await page.context().close();
    });
  }

  test('whenReplacedElsewhere: called for DUPLICATE_IDENTITY only', async () => {
    const page = await guidePage();
    const calls = await page.evaluate(async () => {
      const { whenReplacedElsewhere } = await import('/guide/second-tab');
      const { Room, RoomEvent, DisconnectReason } = window.LivekitClient;
      const room = new Room();
      let n = 0;
      whenReplacedElsewhere(room, () => { n++; });
      room.emit(RoomEvent.Disconnected, DisconnectReason.CLIENT_INITIATED);
      room.emit(RoomEvent.Disconnected, DisconnectReason.DUPLICATE_IDENTITY);
      room.emit(RoomEvent.Disconnected);
      return n;
    });
    assert.equal(calls, 1);
    await page.context().close();
  });

  const waitPastMargin = async (expiresAt) => {
    const ms = (expiresAt - 60) * 1000 - Date.now() + 300;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  };

  test('freshLiveKitToken: reused while more than a minute is left, then a new one', async () => {
    const page = await guidePage();
    await signIn(page, 'judge@example.com');
    const mark = accessLog(guide).length;
    const a = await run(page, 'token-cache', 'freshLiveKitToken', ['main_show']);
    const b = await run(page, 'token-cache', 'freshLiveKitToken', ['main_show']);
    assert.ok(a.ok && b.ok, JSON.stringify([a, b]));
    assert.equal(b.ok.token, a.ok.token, 'reused (TOKEN_TTL_SECONDS=62 leaves 2 s before the margin)');
    assert.deepEqual(statuses(await logSince(guide, mark, 2)), [200]);
    const other = await run(page, 'token-cache', 'freshLiveKitToken', ['audition']);
    assert.equal(other.ok.roomName, 'audition-room', 'another room, another token');
    await waitPastMargin(a.ok.expiresAt);
    const c = await run(page, 'token-cache', 'freshLiveKitToken', ['main_show']);
    assert.ok(c.ok, JSON.stringify(c));
    assert.notEqual(c.ok.token, a.ok.token, 'a new token within a minute of expiresAt');
    assert.deepEqual(statuses(await logSince(guide, mark, 4)), [200, 200, 200]);
    await page.context().close();
  });

  test('liveKitTokenSource: livekit-client reuses the token, then asks again near exp', async () => {
    const page = await guidePage();
    await signIn(page, 'judge@example.com');
    const mark = accessLog(guide).length;
    const fetchTwice = () => page.evaluate(async () => {
      const { liveKitTokenSource } = await import('/guide/token-source');
      window.source ??= liveKitTokenSource('main_show', 'Jane');
      const a = await window.source.fetch({});
      const b = await window.source.fetch({});
      return [a.participantToken, b.participantToken, a.serverUrl, window.source.getCachedResponseJwtPayload().exp];
    });
    const [a, b, url, exp] = await fetchTwice();
    assert.equal(b, a, 'the second fetch came from the cache');
    assert.equal(url, `ws://127.0.0.1:${LIVEKIT_PORT}`);
    assert.deepEqual(statuses(await logSince(guide, mark, 2)), [200]);
    await waitPastMargin(exp);
    const [c] = await fetchTwice();
    assert.notEqual(c, a, 'a new token once the old one was within a minute of exp');
    assert.deepEqual(statuses(await logSince(guide, mark, 3)), [200, 200]);
    assert.equal((await verifyLiveKit(guide, c)).name, 'Jane');
    await page.context().close();
  });
});

// What the browser suite's test files share: Debian's chromium driven by
// playwright-core, a small web server for the test pages (another origin
// than the token service), a stand-in for Supabase Auth and one for a
// LiveKit server, and the nginx access log of a stack.
//
// No browser is ever downloaded: playwright-core drives /usr/bin/chromium.
import { createServer } from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { TokenVerifier } from 'livekit-server-sdk';
import { ROOT, fileText, signHS256, userClaims } from '../lib/helpers.mjs';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const RUN_DIR = process.env.BROWSER_RUN_DIR ?? path.join(ROOT, '.test-run', 'browser');
const NODE_MODULES = path.join(ROOT, 'tests', 'node_modules');
const HERE = path.join(ROOT, 'tests', 'browser');

/** Start chromium headless with the flags that work on this machine. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // playwright gives each launch a fresh temporary --user-data-dir.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-proxy-server'],
    timeout: 30000,
  });
}

/**
 * A fresh browser context (its own cache, cookies, storage and CORS
 * preflight cache) and a page in it. Page errors and console errors are
 * collected in page.problems, so a test can show them when it fails.
 */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, ...opts });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.problems.push(`console: ${m.text()}`); });
  page.setDefaultTimeout(15000);
  return page;
}

// ---- the test pages' web server --------------------------------------------

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css', '.json': 'application/json', '.map': 'application/json' };

/** The browser builds of the two client libraries, straight from the lockfile's packages. */
export const VENDOR = {
  '/vendor/supabase.js': path.join(NODE_MODULES, '@supabase', 'supabase-js', 'dist', 'umd', 'supabase.js'),
  '/vendor/livekit-client.umd.js': path.join(NODE_MODULES, 'livekit-client', 'dist', 'livekit-client.umd.js'),
};

/**
 * An HTTP server on 127.0.0.1:port serving tests/browser/page/, the vendored
 * libraries, and whatever `routes` adds: { '/path': (req, res, url, body) => … };
 * routes.any(req, res, url, body) may answer any other path (true: it did),
 * routes.upgrade(req, socket) WebSocket upgrades.
 * Every request is recorded in server.requests ({ method, url, origin }).
 */
export async function startPageServer(port, routes = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://127.0.0.1:${port}`);
    requests.push({ method: req.method, url: req.url, origin: req.headers.origin ?? null });
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks).toString('utf8');
    try {
      const route = routes[url.pathname];
      if (route) return void (await route(req, res, url, body));
      if (routes.any && (await routes.any(req, res, url, body))) return;
      if (url.pathname === '/favicon.ico') return void send(res, 204, 'image/x-icon', '');
      let file = VENDOR[url.pathname];
      if (!file && /^\/[A-Za-z0-9_-]+\.(html|js|css)$/.test(url.pathname)) file = path.join(HERE, 'page', url.pathname.slice(1));
      if (!file || !existsSync(file)) return void send(res, 404, 'text/plain', 'not found');
      send(res, 200, TYPES[path.extname(file)] ?? 'application/octet-stream', readFileSync(file));
    } catch (e) {
      send(res, 500, 'text/plain', String(e?.stack ?? e));
    }
  });
  server.on('upgrade', (req, socket) => (routes.upgrade ? routes.upgrade(req, socket) : socket.destroy()));
  await new Promise((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}

export function send(res, status, type, body, headers = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
  res.end(body);
}

export const sendJson = (res, status, obj, headers) => send(res, status, 'application/json', JSON.stringify(obj), headers);

// ---- a stand-in for Supabase Auth (GoTrue) ---------------------------------

/**
 * The few Supabase Auth endpoints supabase-js calls for a password sign-in
 * and a session refresh, signing real user tokens with the stack's
 * SUPABASE_JWT_SECRET (so the token service accepts them as Supabase's).
 * The role comes from the e-mail's local part (judge@… → judge); an
 * address starting with "stale-" signs in with an access token that has
 * already expired while the session says it is good for an hour (a clock
 * skew or a revoked session: the case the client retries after
 * refreshSession). auth.calls counts the grants.
 */
export function fakeSupabaseAuth(env) {
  const calls = { password: 0, refresh_token: 0, user: 0 };
  const users = new Map();	// refresh token -> user
  const session = (user, { expired = false } = {}) => {
    const access = signHS256(userClaims(env, {
      role: user.role, sub: user.id, email: user.email, ttl: expired ? -600 : 3600,
      userMetadata: { full_name: user.fullName },
    }), env.SUPABASE_JWT_SECRET);
    const refresh = `refresh-${Math.random().toString(36).slice(2)}`;
    users.set(refresh, user);
    return {
      access_token: access, token_type: 'bearer', expires_in: 3600,
      expires_at: Math.floor(Date.now() / 1000) + 3600, refresh_token: refresh,
      user: { id: user.id, aud: 'authenticated', role: 'authenticated', email: user.email,
        app_metadata: { provider: 'email', role: user.role }, user_metadata: { full_name: user.fullName } },
    };
  };
  const routes = {
    '/auth/v1/token': (req, res, url, body) => {
      const grant = url.searchParams.get('grant_type');
      const b = JSON.parse(body || '{}');
      if (grant === 'password') {
        calls.password++;
        const local = String(b.email).split('@')[0];
        const stale = local.startsWith('stale-');
        const role = local.replace(/^stale-/, '');
        const user = { id: crypto.randomUUID(), email: b.email, role, fullName: `Test ${role}` };
        return sendJson(res, 200, session(user, { expired: stale }));
      }
      if (grant === 'refresh_token') {
        calls.refresh_token++;
        const user = users.get(b.refresh_token);
        if (!user) return sendJson(res, 400, { code: 400, error_code: 'refresh_token_not_found', msg: 'Invalid Refresh Token' });
        users.delete(b.refresh_token);
        return sendJson(res, 200, session(user));
      }
      return sendJson(res, 400, { msg: `unsupported grant ${grant}` });
    },
    '/auth/v1/logout': (req, res) => send(res, 204, 'text/plain', ''),
  };
  return { routes, calls };
}

// ---- a stand-in for a LiveKit server -----------------------------------------

/**
 * What a LiveKit server sees first from livekit-client's Room.connect: the
 * WebSocket upgrade to <url>/rtc… with ?access_token=…, then, when the
 * upgrade fails, GET …/validate. This one records every access token, and
 * refuses the upgrade (there is no media server here); validate answers
 * 401 like a LiveKit server does for a token it cannot use.
 */
export function fakeLiveKit() {
  const tokens = [];
  const record = (u) => {
    const t = new URL(u, 'http://x').searchParams.get('access_token');
    if (t) tokens.push(t);
  };
  const routes = {
    upgrade: (req, socket) => {
      record(req.url);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    },
  };
  const validate = (req, res, url) => {
    record(url.pathname + url.search);
    send(res, 401, 'text/plain', 'test stand-in: no LiveKit media server here', { 'access-control-allow-origin': '*' });
  };
  for (const p of ['/rtc/validate', '/rtc/v1/validate']) routes[p] = validate;
  return { routes, tokens };
}

// ---- the stacks --------------------------------------------------------------

/** The token service's nginx access log lines (JSON) of a stack. */
export function accessLog(st) {
  return fileText(st.accessLog).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/**
 * Access-log lines written after `mark` (a previous accessLog(st).length),
 * once there are at least `min` of them: nginx logs a request after it has
 * answered it, so the line may come a moment after the browser's answer.
 */
export async function logSince(st, mark, min = 1) {
  const end = Date.now() + 3000;
  for (;;) {
    const lines = accessLog(st).slice(mark);
    if (lines.length >= min || Date.now() > end) return lines;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Verify a LiveKit token the way the official server SDK does. */
export function verifyLiveKit(st, token) {
  return new TokenVerifier(st.env.LIVEKIT_API_KEY, st.env.LIVEKIT_API_SECRET).verify(token);
}

/**
 * The SPEC's role × room table, as the video grant of a LiveKit token.
 * null: refused (403).
 */
export const ROOM = { audition: 'audition-room', main_show: 'main-show' };
const AV = ['camera', 'microphone'];
export const GRANTS = {
  judge: { audition: { pub: AV, meta: true }, main_show: { pub: 'all', meta: true } },
  contestant: { audition: { pub: AV }, main_show: { pub: false } },
  performer: { audition: { pub: AV }, main_show: { pub: AV } },
  host: { audition: { pub: 'all', meta: true, admin: true }, main_show: { pub: 'all', meta: true, admin: true } },
  viewer: { audition: null, main_show: { pub: false } },
};

/** Differences between a token's video grant and the table; [] when it matches. */
export function grantProblems(video, role, roomType) {
  const want = GRANTS[role][roomType];
  const p = [];
  const is = (k, v) => { if (video[k] !== v) p.push(`${k} is ${JSON.stringify(video[k])}, want ${v}`); };
  is('room', ROOM[roomType]);
  is('roomJoin', true);
  is('canSubscribe', true);
  is('canPublishData', true);
  is('canPublish', want.pub !== false);
  if (Array.isArray(want.pub)) {
    const got = [...(video.canPublishSources ?? [])].map((s) => String(s).toLowerCase()).sort();
    if (got.join() !== [...want.pub].sort().join()) p.push(`canPublishSources is ${JSON.stringify(video.canPublishSources)}, want ${want.pub}`);
  } else if (want.pub === 'all' && (video.canPublishSources ?? []).length) {
    p.push(`canPublishSources is ${JSON.stringify(video.canPublishSources)}, want every source`);
  }
  if (!!video.canUpdateOwnMetadata !== !!want.meta) p.push(`canUpdateOwnMetadata is ${video.canUpdateOwnMetadata}, want ${!!want.meta}`);
  if (!!video.roomAdmin !== !!want.admin) p.push(`roomAdmin is ${video.roomAdmin}, want ${!!want.admin}`);
  return p;
}

// Shared helpers for the Node suites (integration, conformance).
//
// A suite's `run` script starts its stacks with scripts/stack and tells the
// tests where they are through the environment:
//   STACK_<NAME>_DIR   the stack's STACK_DIR
//   STACK_<NAME>_PORT  its HTTPS port on 127.0.0.1
//   SENT_TOKENS_FILE   (optional) every bearer token the tests send, and every
//                      LiveKit token they receive, one per line, so the log
//                      check after the run can prove none of them was logged.
import { createHmac, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import https from 'node:https';
import { promisify } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TOKEN_PATH = '/functions/v1/livekit-token';
export const execFileP = promisify(execFile);

// The SPEC's error table: code -> status.
export const ERROR_STATUS = {
  invalid_json: 400,
  missing_room_type: 400,
  invalid_room_type: 400,
  invalid_user_name: 400,
  missing_authorization: 401,
  invalid_token: 401,
  token_expired: 401,
  forbidden: 403,
  method_not_allowed: 405,
  body_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  server_misconfigured: 500,
  internal_error: 500,
};

/** Parse an EnvironmentFile (KEY=VALUE lines) into an object. */
export function readEnvFile(file) {
  const out = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** The secrets of a stack's env file (values that must never be logged). */
export function secretValues(env) {
  return Object.entries(env)
    .filter(([k]) => /SECRET|ANON_KEY|SERVICE_ROLE|PASSWORD|PRIVATE/.test(k))
    .map(([, v]) => v)
    .filter((v) => v && v.length >= 8);
}

/** A stack started by the suite's run script. */
export function stack(name) {
  const key = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const dir = process.env[`STACK_${key}_DIR`];
  const port = process.env[`STACK_${key}_PORT`];
  if (!dir || !port) {
    throw new Error(`STACK_${key}_DIR / STACK_${key}_PORT not set: run this file through its suite's run script`);
  }
  const env = readEnvFile(path.join(dir, 'env'));
  return {
    name,
    dir,
    port: Number(port),
    base: `https://127.0.0.1:${port}`,
    url: `https://127.0.0.1:${port}${TOKEN_PATH}`,
    env,
    cert: path.join(dir, 'tls', 'cert.pem'),
    workerLog: path.join(dir, 'logs', 'worker.log'),
    accessLog: path.join(dir, 'logs', 'nginx-access.log'),
  };
}

/** Run scripts/stack with the given stack's STACK_DIR. */
export async function stackCmd(st, args, extraEnv = {}) {
  const { stdout } = await execFileP(path.join(ROOT, 'scripts', 'stack'), args, {
    env: { ...process.env, STACK_DIR: st.dir, HTTPS_PORT: String(st.port), ...extraEnv },
  });
  return stdout.trim();
}

// ---- JWTs -----------------------------------------------------------------

export const b64url = (x) => Buffer.from(typeof x === 'string' ? x : JSON.stringify(x)).toString('base64url');

/** Sign a JWT with HMAC-SHA256; header and payload are objects or raw strings. */
export function signHS256(payload, secret, header = { alg: 'HS256', typ: 'JWT' }) {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const sig = createHmac('sha256', secret).update(input).digest('base64url');
  return `${input}.${sig}`;
}

export function decodeJwtPart(token, i) {
  return JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString('utf8'));
}

export const now = () => Math.floor(Date.now() / 1000);

/**
 * Claims shaped like a Supabase user access token (FACTS.md). Options:
 * role (app_metadata.role; undefined = no role), sub, email, userMetadata,
 * ttl, anonymous, plus `extra` merged last (a value of undefined deletes).
 */
export function userClaims(env, opts = {}) {
  const t = opts.iat ?? now();
  const app = { provider: opts.anonymous ? 'anonymous' : 'email', providers: ['email'] };
  if (opts.role !== undefined) app.role = opts.role;
  const c = {
    iss: env.SUPABASE_URL ? `${env.SUPABASE_URL}/auth/v1` : undefined,
    sub: opts.sub ?? randomUUID(),
    aud: 'authenticated',
    exp: t + (opts.ttl ?? 3600),
    iat: t,
    email: opts.email ?? '',
    phone: '',
    app_metadata: app,
    user_metadata: opts.userMetadata ?? {},
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: t }],
    session_id: randomUUID(),
    is_anonymous: !!opts.anonymous,
  };
  for (const [k, v] of Object.entries(opts.extra ?? {})) c[k] = v;
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return c;
}

/** A user access token signed with the stack's SUPABASE_JWT_SECRET. */
export function userToken(env, opts = {}) {
  return signHS256(userClaims(env, opts), env.SUPABASE_JWT_SECRET);
}

/** The project's legacy anon API key (a JWT, but not a user). */
export function anonKey(env) {
  const t = now();
  return signHS256({ iss: 'supabase', ref: 'localdev', role: 'anon', iat: t, exp: t + 10 * 365 * 86400 },
    env.SUPABASE_JWT_SECRET);
}

// ---- recording what must never be logged ----------------------------------

export function recordSecret(value) {
  const f = process.env.SENT_TOKENS_FILE;
  if (f && value) appendFileSync(f, `${value}\n`);
}

// ---- HTTP -----------------------------------------------------------------

/**
 * One request to a stack with fetch. Options: method (POST), path, token
 * (sent as a Bearer token and recorded), headers, body (an object is sent
 * as JSON with Content-Type application/json unless contentType says
 * otherwise; a string or Buffer as is), contentType (null: none).
 * Returns { status, headers, text, json }.
 */
export async function call(st, opts = {}) {
  const method = opts.method ?? 'POST';
  const headers = new Headers(opts.headers ?? {});
  if (opts.token !== undefined) {
    headers.set('authorization', `Bearer ${opts.token}`);
    recordSecret(opts.token);
  }
  let body = opts.body;
  let contentType = opts.contentType;
  if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body) && !(body instanceof Uint8Array)) {
    body = JSON.stringify(body);
    if (contentType === undefined) contentType = 'application/json';
  }
  // A Uint8Array body makes fetch add no Content-Type of its own.
  if (typeof body === 'string') body = new TextEncoder().encode(body);
  if (contentType !== undefined && contentType !== null) headers.set('content-type', contentType);
  const res = await fetch(st.base + (opts.path ?? TOKEN_PATH), { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  if (json && typeof json.token === 'string') recordSecret(json.token);
  return { status: res.status, headers: res.headers, text, json };
}

// One kept-alive agent per source address: a client, not a handshake per request.
const agents = new Map();
/** Close callFrom()'s kept connections (a test file's last step). */
export function callFromDone() {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/**
 * call() from the source address `from` (anything in 127.0.0.0/8 is this
 * machine), so that a test can be several clients: fetch cannot bind an
 * address, so this is https.request. Options as call()'s; the same result.
 */
export function callFrom(st, from, opts = {}) {
  const headers = { ...(opts.headers ?? {}) };
  if (opts.token !== undefined) {
    headers.authorization = `Bearer ${opts.token}`;
    recordSecret(opts.token);
  }
  let body = opts.body;
  if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json';
  }
  const url = new URL(opts.path ?? TOKEN_PATH, st.base);
  if (!agents.has(from)) agents.set(from, new https.Agent({ keepAlive: true, maxSockets: 4, localAddress: from }));
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'POST', headers, agent: agents.get(from) }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        if (json && typeof json.token === 'string') recordSecret(json.token);
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) for (const x of [v].flat()) h.append(k, x);
        resolve({ status: res.statusCode, headers: h, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POST a token request for a role and room; returns the call result. */
export async function requestToken(st, { role, roomType = 'main_show', body, ...tokOpts } = {}) {
  const token = userToken(st.env, { role, ...tokOpts });
  return call(st, { token, body: body ?? { roomType } });
}

/** Wait until fn() is truthy (polling), or throw after ms. */
export async function waitFor(fn, ms = 10000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const fileText = (f) => (existsSync(f) ? readFileSync(f, 'utf8') : '');

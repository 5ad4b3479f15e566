// Supabase's new API keys (issue 12): sb_publishable_… and sb_secret_… are
// not JWTs. supabase-js configured with a publishable key, as a project
// created today is, signed out and signed in:
//  - supabase-js 2.109 (the app's pinned client) sends the key itself as
//    the bearer token when nobody is signed in: "Bearer sb_publishable_…";
//  - supabase-js 2.119 (supabase-js PR #2511, mid-2026) sends no
//    Authorization to functions at all then.
// Each gets a 401 whose message tells the frontend developer what to do.
//
// The clients talk to a stand-in for the Supabase project on 127.0.0.1:18522
// that is what supabase.co is to them: /auth/v1 signs users in (tokens
// signed with the stack's SUPABASE_JWT_SECRET), /functions/v1 is forwarded
// to the token service's nginx as it comes, so every header the client
// chose reaches the real service.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import * as pinned from '@supabase/supabase-js';
import * as current from 'supabase-js-omit-key';
import { TokenVerifier } from 'livekit-server-sdk';
import { call, recordSecret, signHS256, stack, userClaims } from '../lib/helpers.mjs';

const st = stack('main');
const env = st.env;
const verifier = new TokenVerifier(env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET);
const PROJECT_PORT = 18522;
const PUBLISHABLE = 'sb_publishable_dGVzdHByb2plY3Q_3f9aXq2LmN';
const SECRET_KEY = 'sb_secret_dGVzdHByb2plY3Q_Zk81hQe0TtYw';

// See supabase-js.test.mjs: realtime is not used, and Node 20 has no WebSocket.
class NoWebSocket {
  constructor() { throw new Error('realtime is not used by these tests'); }
}

let project;
const seen = [];	// the Authorization header of each forwarded functions call

function startProject() {
  const users = new Map();
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, `http://127.0.0.1:${PROJECT_PORT}`);
    const json = (status, obj) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    if (url.pathname === '/auth/v1/token' && url.searchParams.get('grant_type') === 'password') {
      const { email } = JSON.parse(body.toString() || '{}');
      const user = users.get(email) ?? { id: randomUUID(), email, role: email.split('@')[0] };
      users.set(email, user);
      const access = signHS256(userClaims(env, { role: user.role, sub: user.id, email }), env.SUPABASE_JWT_SECRET);
      recordSecret(access);
      return json(200, {
        access_token: access, token_type: 'bearer', expires_in: 3600,
        expires_at: Math.floor(Date.now() / 1000) + 3600, refresh_token: `refresh-${randomUUID()}`,
        user: { id: user.id, aud: 'authenticated', role: 'authenticated', email, app_metadata: { role: user.role }, user_metadata: {} },
      });
    }
    if (url.pathname === '/auth/v1/logout') {
      res.writeHead(204);
      return res.end();
    }
    if (url.pathname.startsWith('/functions/v1/')) {
      seen.push(req.headers.authorization ?? null);
      const headers = {};
      for (const h of ['authorization', 'apikey', 'content-type', 'x-client-info']) {
        if (req.headers[h] !== undefined) headers[h] = req.headers[h];
      }
      const r = await fetch(st.base + url.pathname + url.search, { method: req.method, headers, body: body.length ? body : undefined });
      const back = {};
      for (const h of ['content-type', 'cache-control', 'www-authenticate']) {
        if (r.headers.has(h)) back[h] = r.headers.get(h);
      }
      res.writeHead(r.status, back);
      return res.end(Buffer.from(await r.arrayBuffer()));
    }
    json(404, { msg: `stand-in: no ${url.pathname}` });
  });
  return new Promise((resolve) => server.listen(PROJECT_PORT, '127.0.0.1', () => resolve(server)));
}

before(async () => { project = await startProject(); });
after(() => new Promise((r) => { project?.closeAllConnections?.(); project?.close(r); }));

async function refusal(error) {
  assert.ok(error, 'an error');
  assert.equal(error.name, 'FunctionsHttpError', `${error.name}: ${error.message}`);
  const res = error.context;
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.json() };
}

const clients = [
  ['supabase-js 2.109 (the key as the bearer)', pinned, `Bearer ${PUBLISHABLE}`, 'invalid_token', /API key/],
  ['supabase-js 2.119 (no Authorization at all)', current, null, 'missing_authorization', /sign the user in/],
];

for (const [name, lib, sentSignedOut, code, says] of clients) {
  describe(`${name}, configured with a publishable key`, () => {
    const client = () => lib.createClient(`http://127.0.0.1:${PROJECT_PORT}`, PUBLISHABLE, {
      auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
      realtime: { transport: NoWebSocket },
    });

    test(`signed out: 401 ${code}, whose message says to sign the user in`, async () => {
      const mark = seen.length;
      const { data, error } = await client().functions.invoke('livekit-token', { body: { roomType: 'main_show' } });
      assert.equal(data, null);
      assert.deepEqual(seen.slice(mark), [sentSignedOut], 'what the client sent as Authorization');
      const r = await refusal(error);
      assert.equal(r.status, 401);
      assert.equal(r.body.error, code);
      assert.match(r.body.message, /sign the user in/);
      assert.match(r.body.message, says);
      assert.match(r.wwwAuthenticate ?? '', /^Bearer /);
    });

    test('signed in: the session token is sent, and the answer is a token TokenVerifier accepts', async () => {
      const sb = client();
      const { data: session, error: signInError } = await sb.auth.signInWithPassword({ email: 'judge@example.com', password: 'not checked here' });
      assert.equal(signInError, null, signInError?.message);
      const mark = seen.length;
      const { data, error } = await sb.functions.invoke('livekit-token', { body: { roomType: 'audition', userName: 'Jane' } });
      assert.equal(error, null, error && `${error.name}: ${error.message}`);
      assert.deepEqual(seen.slice(mark), [`Bearer ${session.session.access_token}`]);
      assert.equal(data.identity, session.user.id);
      const claims = await verifier.verify(data.token);
      assert.equal(claims.sub, session.user.id);
      assert.equal(claims.name, 'Jane');
      assert.equal(claims.video.room, 'audition-room');
    });
  });
}

describe('an API key sent as the bearer token by hand', () => {
  for (const key of [PUBLISHABLE, SECRET_KEY]) {
    test(`${key.slice(0, key.indexOf('_', 3) + 1)}…: 401 invalid_token, "not a user's access token"`, async () => {
      const r = await call(st, { token: key, body: { roomType: 'main_show' } });
      assert.equal(r.status, 401);
      assert.equal(r.json.error, 'invalid_token');
      assert.match(r.json.message, /API key, not a user's access token/);
      assert.match(r.json.message, /sign the user in/);
      assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    });
  }

  test('the worker log names the reason, and never the key', async () => {
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(st.workerLog, 'utf8');
    assert.match(log, /"reason":"api_key_not_user_token"/);
    assert.ok(!log.includes(SECRET_KEY) && !log.includes(PUBLISHABLE), 'an API key in the worker log');
  });
});

// `livekit-token revoke --kick` against the official client as the oracle
// (issue 11): a local HTTPS listener records what livekit-server-sdk's
// RoomServiceClient.removeParticipant sends and what the command sends,
// and they must match (method, path, headers, body, token claims); a
// LiveKit error answer (404, 401) is reported clearly; the certificate is
// verified. Run by tests/revocation/run, which makes the certificate and
// sets KICK_CERT, KICK_KEY and NODE_EXTRA_CA_CERTS.
import test from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import { ROOT, execFileP, decodeJwtPart } from '../lib/helpers.mjs';

const BIN = path.join(ROOT, 'build/asan/livekit-token');
const API_KEY = 'APIkickTest';
const API_SECRET = 'kick-test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const ROOMS = ['audition-room', 'main-show'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The listener: records each request; `answer` decides the reply.
let seen = [];
let answer = () => [200, {}];
const server = createServer(
  { cert: readFileSync(process.env.KICK_CERT), key: readFileSync(process.env.KICK_KEY) },
  (req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      const [status, json] = answer(req);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      // A string is sent as it is: a body that is not JSON, or not strict JSON.
      res.end(typeof json === 'string' ? json : JSON.stringify(json));
    });
  });
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const PORT = server.address().port;
test.after(() => server.close());

const dir = mkdtempSync(path.join(tmpdir(), 'kick-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function command(args, env = {}, opts = {}) {
  try {
    const { stdout, stderr } = await execFileP(BIN, ['revoke', ...args], {
      ...opts,
      env: {
        PATH: process.env.PATH,
        LIVEKIT_URL: `wss://127.0.0.1:${PORT}`,
        LIVEKIT_API_KEY: API_KEY,
        LIVEKIT_API_SECRET: API_SECRET,
        SSL_CERT_FILE: process.env.KICK_CERT,
        ASAN_OPTIONS: 'detect_leaks=1',
        ...env,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    return { code: e.code, signal: e.signal, stdout: e.stdout, stderr: e.stderr };
  }
}

// What must match between the two senders.
async function shape(r) {
  const auth = r.headers.authorization ?? '';
  assert.match(auth, /^Bearer [\w-]+\.[\w-]+\.[\w-]+$/, 'a Bearer JWT');
  const token = auth.slice(7);
  const verified = await new TokenVerifier(API_KEY, API_SECRET).verify(token);
  const { exp, nbf, ...claims } = verified;
  assert.match(r.headers['x-livekit-request-id'] ?? '', UUID, 'a request id');
  return {
    method: r.method,
    url: r.url,
    contentType: r.headers['content-type'],
    body: JSON.parse(r.body),
    // jwt_sign.c adds "typ":"JWT", which the SDK leaves out and LiveKit
    // ignores: the algorithm is what must match.
    alg: decodeJwtPart(token, 0).alg,
    typ: decodeJwtPart(token, 0).typ ?? 'JWT',
    claims,
    lifetime: exp - nbf,
    nbfSkew: Math.abs(nbf - Math.floor(Date.now() / 1000)),
  };
}

test('--kick sends what RoomServiceClient.removeParticipant sends, for both rooms', async () => {
  seen = [];
  answer = () => [200, {}];
  const oracle = new RoomServiceClient(`https://127.0.0.1:${PORT}`, API_KEY, API_SECRET);
  for (const room of ROOMS) await oracle.removeParticipant(room, 'user-kick-1');
  const sdk = await Promise.all(seen.map(shape));

  seen = [];
  const file = path.join(dir, 'list-ok');
  const r = await command(['--user', 'user-kick-1', '--kick', '--file', file]);
  assert.equal(r.code, 0, r.stderr);
  const ours = await Promise.all(seen.map(shape));
  assert.equal(ours.length, 2, 'one call per room');

  for (let i = 0; i < ROOMS.length; i++) {
    const a = sdk[i], b = ours[i];
    assert.equal(b.method, 'POST');
    assert.equal(b.url, '/twirp/livekit.RoomService/RemoveParticipant');
    assert.deepEqual({ ...b, lifetime: 0, nbfSkew: 0 }, { ...a, lifetime: 0, nbfSkew: 0 },
      `room ${ROOMS[i]}: path, method, content type, body, JWT header and claims`);
    assert.deepEqual(b.body, { room: ROOMS[i], identity: 'user-kick-1' });
    assert.deepEqual(b.claims, { video: { roomAdmin: true, room: ROOMS[i] }, iss: API_KEY });
    // Short-lived: never longer than the SDK's own admin token (10 min).
    assert.ok(b.lifetime > 0 && b.lifetime <= a.lifetime, `lifetime ${b.lifetime} s`);
    assert.ok(b.nbfSkew <= 60);
  }
  assert.match(r.stdout, /audition-room: user-kick-1 removed/);
  assert.match(r.stdout, /main-show: user-kick-1 removed/);
  // The list was written before the kick: the next token request is refused.
  assert.match(readFileSync(file, 'utf8'), /^user user-kick-1 -$/m);
});

test('a 404 (participant not found) is reported, and is no failure', async () => {
  seen = [];
  answer = () => [404, { code: 'not_found', msg: 'participant not found' }];
  const oracle = new RoomServiceClient(`https://127.0.0.1:${PORT}`, API_KEY, API_SECRET);
  await assert.rejects(oracle.removeParticipant('main-show', 'ghost'),
    (e) => e.status === 404 && e.code === 'not_found');
  const r = await command(['--user', 'ghost', '--kick', '--file', path.join(dir, 'list-404')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /audition-room: ghost was not there \(LiveKit answered 404 not_found: participant not found\)/);
  assert.match(r.stdout, /main-show: ghost was not there/);
});

// What LiveKit's error body says is read with the service's own strict
// parser: a body it refuses, or one without code and msg, is named as such.
test('a Twirp error body that is partial, not JSON or not strict JSON is still reported', async () => {
  const cases = [
    [{ code: 'not_found' }, /ghost was not there \(LiveKit answered 404 not_found: \)/],
    [{ msg: 'participant not found' }, /ghost was not there \(LiveKit answered 404 \(no code\): participant not found\)/],
    ['<html>not found</html>', /ghost was not there \(LiveKit answered 404 \(no Twirp error in the body\)\)/],
    ['{"code":"not_found","code":"other"}', /ghost was not there \(LiveKit answered 404 \(no Twirp error in the body\)\)/],
    ['', /ghost was not there \(LiveKit answered 404 \(no Twirp error in the body\)\)/],
  ];
  for (const [i, [body, want]] of cases.entries()) {
    answer = () => [404, body];
    const r = await command(['--user', 'ghost', '--kick', '--file', path.join(dir, `list-body-${i}`)]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, want, `body ${JSON.stringify(body)}`);
  }
});

test('a 401 names the API key and secret, and fails the command', async () => {
  answer = () => [401, { code: 'unauthenticated', msg: 'invalid API key' }];
  const file = path.join(dir, 'list-401');
  const r = await command(['--user', 'someone', '--kick', '--file', file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /LiveKit refused the API key or secret .*401 unauthenticated: invalid API key/);
  assert.match(readFileSync(file, 'utf8'), /^user someone -$/m, 'the revocation stands');
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(API_SECRET));
});

test('an unverifiable certificate is refused before anything is sent', async () => {
  seen = [];
  answer = () => [200, {}];
  const r = await command(['--user', 'someone', '--kick', '--file', path.join(dir, 'list-tls')],
    { SSL_CERT_FILE: '/dev/null', SSL_CERT_DIR: '/nonexistent' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /certificate refused/);
  assert.equal(seen.length, 0);
  const plain = await command(['--user', 'someone', '--kick', '--file', path.join(dir, 'list-plain')],
    { LIVEKIT_URL: `ws://127.0.0.1:${PORT}` });
  assert.equal(plain.code, 1);
  assert.match(plain.stderr, /no plain HTTP/);
});

// A port nobody listens on: the dial fails, and the command says so.
test('a LiveKit that refuses the connection is reported, and fails the command', async () => {
  const closed = createTcpServer();
  await new Promise((r) => closed.listen(0, '127.0.0.1', r));
  const port = closed.address().port;
  await new Promise((r) => closed.close(r));
  const file = path.join(dir, 'list-refused');
  const r = await command(['--user', 'someone', '--kick', '--file', file],
    { LIVEKIT_URL: `wss://127.0.0.1:${port}` });
  assert.equal(r.code, 1);
  for (const room of ROOMS)
    assert.match(r.stderr, new RegExp(`${room}: could not remove someone: no answer from LiveKit at 127\\.0\\.0\\.1: cannot connect to 127\\.0\\.0\\.1 port ${port}: Connection refused`));
  assert.match(readFileSync(file, 'utf8'), /^user someone -$/m, 'the revocation stands');
});

// The per-read timeout (10 s) is no bound on a server that sends a byte
// every second: each call has a deadline for the whole exchange (20 s,
// room_service.h), so a moderator's --kick ends within 2 x 20 s. Two
// tricklers: one inside the answer (TLS records of a byte each), one
// inside the handshake (a TLS record header, then a byte a second), which
// a single SSL_connect would wait on for hours.
test('a LiveKit that trickles a byte a second cannot hang --kick past its deadline', async () => {
  const timers = new Set();
  const trickle = (write) => {
    const t = setInterval(() => { try { write(); } catch { clearInterval(t); } }, 1000);
    timers.add(t);
  };
  const slowAnswer = createServer(
    { cert: readFileSync(process.env.KICK_CERT), key: readFileSync(process.env.KICK_KEY) },
    (req, res) => {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 100000 });
      res.flushHeaders();
      trickle(() => res.write(' '));
    });
  const slowHandshake = createTcpServer((sock) => {
    sock.on('error', () => {});
    sock.write(Buffer.from([0x16, 0x03, 0x03, 0x40, 0x00]));
    trickle(() => sock.write(Buffer.from([0])));
  });
  const sockets = new Set();
  for (const s of [slowAnswer, slowHandshake]) {
    s.on('connection', (c) => sockets.add(c));
    await new Promise((r) => s.listen(0, '127.0.0.1', r));
  }
  try {
    const t0 = Date.now();
    const [a, h] = await Promise.all([slowAnswer, slowHandshake].map((s, i) =>
      command(['--user', 'someone', '--kick', '--file', path.join(dir, `list-slow-${i}`)],
        { LIVEKIT_URL: `wss://127.0.0.1:${s.address().port}` },
        { timeout: 90000, killSignal: 'SIGKILL' })));
    const took = (Date.now() - t0) / 1000;
    for (const [what, r] of [['answer', a], ['handshake', h]]) {
      assert.equal(r.signal ?? null, null, `${what}: the command was still waiting after 90 s`);
      assert.equal(r.code, 1, `${what}: ${r.stderr}`);
      for (const room of ROOMS)
        assert.match(r.stderr, new RegExp(`${room}: could not remove someone: .*gave up after 20 s`), what);
    }
    assert.ok(took < 55, `took ${took} s`);
  } finally {
    for (const t of timers) clearInterval(t);
    for (const c of sockets) c.destroy();
    for (const s of [slowAnswer, slowHandshake]) s.close();
  }
});

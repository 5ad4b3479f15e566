// Start-up time for `make bench`: from spawning a server to its first 200
// answer to a real token request, measured from this (already running)
// process so that neither curl nor nginx is in the number.
//
//   node startup.mjs fcgi SOCKET ENVFILE TOKEN RUNS -- spawn-fcgi ... worker
//   node startup.mjs http SOCKET ENVFILE TOKEN RUNS -- node server.mjs
//
// fcgi: speaks FastCGI to SOCKET (the socket spawn-fcgi binds) as nginx
// would; http: HTTP/1.1 over the unix socket the Node server listens on.
// The command runs with ENVFILE's settings; it is polled every 0.2 ms until
// it answers 200, then stopped (TERM). Prints one JSON line of times (ms).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';

const [mode, sock, envFile, token, runsArg, dash, ...cmd] = process.argv.slice(2);
if (!['fcgi', 'http'].includes(mode) || dash !== '--' || cmd.length === 0) {
  process.stderr.write('usage: startup.mjs fcgi|http SOCKET ENVFILE TOKEN RUNS -- COMMAND...\n');
  process.exit(2);
}
const runs = Number(runsArg) || 5;
// The server's own output (the worker's request log) goes to a file.
const logFd = fs.openSync(process.env.STARTUP_LOG ?? '/dev/null', 'a');
const env = { ...process.env };
for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
  const i = line.indexOf('=');
  if (i > 0 && !line.startsWith('#')) env[line.slice(0, i)] = line.slice(i + 1);
}
const BODY = Buffer.from('{"roomType":"main_show"}');
const PATH = '/functions/v1/livekit-token';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- a minimal FastCGI client: one request, one connection ---------------
function record(type, content) {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h[0] = 1; h[1] = type; h.writeUInt16BE(1, 2); h.writeUInt16BE(content.length, 4); h[6] = pad;
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}
function nv(name, value) {
  const len = (n) => (n < 128 ? Buffer.from([n]) : (() => { const b = Buffer.alloc(4); b.writeUInt32BE((n | 0x80000000) >>> 0); return b; })());
  const n = Buffer.from(name); const v = Buffer.from(value);
  return Buffer.concat([len(n.length), len(v.length), n, v]);
}
function fcgiRequest() {
  const params = Buffer.concat([
    ['REQUEST_METHOD', 'POST'], ['DOCUMENT_URI', PATH], ['SCRIPT_NAME', PATH], ['REQUEST_URI', PATH],
    ['SERVER_PROTOCOL', 'HTTP/1.1'], ['GATEWAY_INTERFACE', 'CGI/1.1'], ['REMOTE_ADDR', '127.0.0.1'],
    ['CONTENT_TYPE', 'application/json'], ['CONTENT_LENGTH', String(BODY.length)],
    ['HTTP_AUTHORIZATION', `Bearer ${token}`], ['REQUEST_ID', 'startup'],
  ].map(([n, v]) => nv(n, v)));
  return Buffer.concat([
    record(1, Buffer.from([0, 1, 0, 0, 0, 0, 0, 0])), // BEGIN_REQUEST, responder, close
    record(4, params), record(4, Buffer.alloc(0)),
    record(5, BODY), record(5, Buffer.alloc(0)),
  ]);
}
function fcgiOnce() {
  return new Promise((resolve) => {
    const c = net.createConnection(sock);
    let buf = Buffer.alloc(0); let out = '';
    c.on('connect', () => c.write(fcgiRequest()));
    c.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 8) {
        const len = buf.readUInt16BE(4); const pad = buf[6];
        if (buf.length < 8 + len + pad) break;
        if (buf[1] === 6) out += buf.subarray(8, 8 + len).toString('latin1');
        if (buf[1] === 3) { c.destroy(); const m = /^Status:\s*(\d+)/mi.exec(out); return resolve(m ? Number(m[1]) : 200); }
        buf = buf.subarray(8 + len + pad);
      }
    });
    c.on('error', () => resolve(0));
    c.on('close', () => resolve(0));
  });
}
function httpOnce() {
  return new Promise((resolve) => {
    const req = http.request({
      socketPath: sock, path: PATH, method: 'POST', agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': BODY.length },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); });
    req.on('error', () => resolve(0));
    req.end(BODY);
  });
}

async function once() {
  try { fs.unlinkSync(sock); } catch { /* not there */ }
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd[0], cmd.slice(1), { env, stdio: ['ignore', logFd, logFd] });
  let code = 0;
  const deadline = t0 + 10_000_000_000n;
  while (process.hrtime.bigint() < deadline) {
    if (fs.existsSync(sock)) {
      code = await (mode === 'fcgi' ? fcgiOnce() : httpOnce());
      if (code === 200) break;
    }
    await sleep(0.2);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const gone = new Promise((r) => child.on('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, sleep(3000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  try { fs.unlinkSync(sock); } catch { /* not there */ }
  return code === 200 ? ms : null;
}

const times = [];
for (let i = 0; i < runs; i++) times.push(await once());
const ok = times.filter((t) => t !== null).sort((a, b) => a - b);
const r1 = (t) => (t === null || t === undefined ? null : Math.round(t * 10) / 10);
const med = ok.length ? r1(ok[Math.floor((ok.length - 1) / 2)]) : null;
process.stdout.write(JSON.stringify({
  runs, ok: ok.length, median_ms: med, min_ms: r1(ok[0]), max_ms: r1(ok.at(-1)),
  all_ms: times.map(r1),
}) + '\n');

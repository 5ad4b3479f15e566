// The show-start scenarios of `make bench` (issue 14): the moment the main
// show starts and everyone presses "join". Real stack, loopback only,
// fresh user tokens (minted here, each sent by one user only); the crowd's
// viewers (bench/crowd.c) retry as docs/frontend.md's getLiveKitToken
// does (jittered Retry-After, at most 3 retries, give up after 15 s).
// Prints one JSON object per line.
//
//   node bench/showstart.mjs crowd   --users N --from ADDR|many [--procs P]
//   node bench/showstart.mjs flood   --from ADDR --rate 200 --seconds 10
//   node bench/showstart.mjs garbage --from ADDR --legit-from ADDR --seconds 5 [--connections 16]
//
// Environment: SHOW_URL (https://127.0.0.1:PORT), SHOW_ALG (hs256|es256),
// SHOW_ISSUER, and SHOW_JWT_SECRET (HS256) or SHOW_ES256_KEY + SHOW_KID;
// SHOW_REVOCATIONS: the entries of the service's REVOCATION_FILE, if any.
import https from 'node:https';
import { createHmac, createPrivateKey, randomUUID, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = process.env;
const URL_ = new URL('/functions/v1/livekit-token', env.SHOW_URL);
const ALG = env.SHOW_ALG ?? 'hs256';
const args = Object.fromEntries(process.argv.slice(3).join(' ').split('--').filter(Boolean)
  .map((s) => s.trim().split(/\s+/)).map(([k, v]) => [k, v ?? '1']));
const mode = process.argv[2];
const esKey = ALG === 'es256' ? createPrivateKey(readFileSync(env.SHOW_ES256_KEY)) : null;
const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

// A Supabase-shaped user access token, never minted twice.
function userToken() {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: env.SHOW_ISSUER || undefined, sub: randomUUID(), aud: 'authenticated', exp: now + 3600, iat: now,
    email: '', role: 'authenticated', app_metadata: { provider: 'email', role: 'viewer' }, user_metadata: {},
    session_id: randomUUID(), is_anonymous: false,
  };
  if (ALG === 'es256') {
    const input = `${b64({ alg: 'ES256', typ: 'JWT', kid: env.SHOW_KID })}.${b64(claims)}`;
    const sig = sign('sha256', Buffer.from(input), { key: esKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${sig.toString('base64url')}`;
  }
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', env.SHOW_JWT_SECRET).update(input).digest('base64url')}`;
}
// A token of the right shape whose signature is random: the worker must
// verify it (ES256: a full P-256 verification) to refuse it.
function garbageToken() {
  const now = Math.floor(Date.now() / 1000);
  const hdr = ALG === 'es256' ? { alg: 'ES256', typ: 'JWT', kid: env.SHOW_KID } : { alg: 'HS256', typ: 'JWT' };
  const c = { sub: randomUUID(), aud: 'authenticated', role: 'authenticated', exp: now + 3600 };
  return `${b64(hdr)}.${b64(c)}.${randomBytes(ALG === 'es256' ? 64 : 32).toString('base64url')}`;
}

const BODY = JSON.stringify({ roomType: 'main_show' });
function post(agent, token) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = https.request(URL_, {
      method: 'POST', agent, rejectUnauthorized: false, timeout: 20000,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': BODY.length },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, retryAfter: Number(res.headers['retry-after']) || undefined, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
    req.end(BODY);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
const r1 = (x) => (x == null ? null : Math.round(x * 10) / 10);

function address(i) {
  if (args.from !== 'many') return args.from ?? '127.0.0.1';
  const n = i + 1; // 127.0.x.y, x from 1, y 1-250: every user an address of its own
  return `127.0.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
}

// The crowd's load generator: bench/crowd.c (make bench builds it). Every
// viewer is a fresh TLS connection; Node's https client cost about 1.4 ms
// of CPU per viewer, which on the 2 cores the service shares made a
// crowd of 2,000 measure the generator rather than the service.
const CROWD_BIN = env.SHOW_CROWD_BIN ?? fileURLToPath(new URL('../build/bench/crowd', import.meta.url));

// One slice of the crowd (lines "ADDRESS TOKEN"), every viewer starting
// at the wall-clock time `start` (ms): its JSON, or null.
function crowdProcess(lines, start) {
  return new Promise((resolve) => {
    const child = spawn(CROWD_BIN, [URL_.port, String(start)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('error', () => resolve(null));
    child.on('close', () => { try { resolve(JSON.parse(out)); } catch { resolve(null); } });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

// The crowd, all at once, split over P generator processes (--procs, one
// per core) that start together at one wall-clock time. The tokens are
// minted before the start; client CPU is the generators' own.
async function crowd() {
  const n = Number(args.users), procs = Math.max(1, Number(args.procs ?? 1));
  const lines = Array.from({ length: n }, (_, i) => `${address(i)} ${userToken()}`);
  const per = Math.ceil(n / procs);
  const start = Date.now() + 300; // every generator has read its viewers by then
  const parts = await Promise.all(Array.from({ length: procs }, (_, k) =>
    crowdProcess(lines.slice(k * per, (k + 1) * per), start)));
  let times = [], cpu = 0;
  const stats = { requests: 0, n429: 0, other: 0 };
  parts.forEach((p, k) => {
    const size = Math.min(per, n - k * per);
    if (!p) { stats.other += size; times = times.concat(Array(size).fill(null)); return; }
    times = times.concat(p.times);
    for (const key of Object.keys(stats)) stats[key] += p[key];
    cpu += p.cpu_s;
  });
  const ok = times.filter((x) => x !== null).sort((a, b) => a - b);
  return {
    scenario: `crowd ${n} from ${args.from === 'many' ? 'many addresses' : 'one address'}`, alg: ALG, users: n,
    admitted: ok.length, gave_up: n - ok.length, last_ms: r1(ok.at(-1)), p50_ms: r1(pct(ok, 50)), p99_ms: r1(pct(ok, 99)),
    n429: stats.n429, other_errors: stats.other, requests: stats.requests, client_procs: procs,
    client_cpu_s: Math.round(cpu * 100) / 100,
  };
}

// One token, RATE requests a second for SECONDS, over a few connections.
async function flood() {
  const rate = Number(args.rate ?? 200), secs = Number(args.seconds ?? 10);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, localAddress: args.from });
  const token = userToken();
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * secs; i++) {
    const due = t0 + (i * 1000) / rate;
    const now = performance.now();
    if (due > now) await sleep(due - now);
    pending.push(post(agent, token));
  }
  const all = await Promise.all(pending);
  agent.destroy();
  return {
    scenario: `one token at ${rate}/s for ${secs} s`, alg: ALG, sent: all.length,
    got_through: all.filter((r) => r.status === 200).length, n429: all.filter((r) => r.status === 429).length,
    other_errors: all.filter((r) => r.status !== 200 && r.status !== 429).length,
  };
}

// A legitimate user: a fresh token every 50 ms for SECONDS; its latency.
// A process of its own, so that the flood's event loop does not delay it.
async function legit() {
  const secs = Number(args.seconds ?? 5);
  const end = performance.now() + secs * 1000;
  const agent = new https.Agent({ keepAlive: true, maxSockets: 1, localAddress: args.from });
  const lat = [];
  let failed = 0;
  while (performance.now() < end) {
    const r = await post(agent, userToken());
    if (r.status === 200) lat.push(r.ms); else failed++;
    await sleep(50);
  }
  agent.destroy();
  return { lat, failed };
}

function legitProcess(from, secs) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'legit', '--from', from, '--seconds', String(secs)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.on('close', () => { try { resolve(JSON.parse(out)); } catch { resolve({ lat: [], failed: -1 }); } });
  });
}

// Garbage at full speed from one address; beside it a legitimate user from
// another, 20 requests a second with fresh tokens: its latency meanwhile.
async function garbage() {
  const secs = Number(args.seconds ?? 5), conns = Number(args.connections ?? 16);
  const end = performance.now() + secs * 1000;
  const bad = new https.Agent({ keepAlive: true, maxSockets: conns, localAddress: args.from });
  const counts = {};
  const loops = Array.from({ length: conns }, async () => {
    while (performance.now() < end) {
      const r = await post(bad, garbageToken());
      counts[r.status] = (counts[r.status] ?? 0) + 1;
    }
  });
  const legitRun = sleep(500).then(() => legitProcess(args['legit-from'], secs - 1)); // once the flood is on
  const [l] = await Promise.all([legitRun, ...loops]);
  bad.destroy();
  const lat = l.lat.sort((a, b) => a - b), legitFail = l.failed;
  const sent = Object.values(counts).reduce((a, b) => a + b, 0);
  return {
    scenario: `garbage tokens from one address, ${conns} connections, ${secs} s`, alg: ALG, sent,
    got_through: sent - (counts[429] ?? 0), n429: counts[429] ?? 0, statuses: counts,
    legit_requests: lat.length + legitFail, legit_failed: legitFail, legit_p50_ms: r1(pct(lat, 50)), legit_p99_ms: r1(pct(lat, 99)),
  };
}

const run = { crowd, flood, garbage, legit }[mode];
if (!run) { console.error('usage: showstart.mjs crowd|flood|garbage [options]'); process.exit(2); }
// The load generator shares the cores with nginx and the workers: say how
// much of them it took (its TLS handshakes are most of it).
const cpu0 = process.cpuUsage();
const out = await run();
const cpu = process.cpuUsage(cpu0);
out.client_cpu_s ??= Math.round((cpu.user + cpu.system) / 1e4) / 100;
// The size of the service's REVOCATION_FILE (issue 11), when bench/run
// loaded one: the same scenario with and without it sits in one table.
if (env.SHOW_REVOCATIONS) out.revocations = Number(env.SHOW_REVOCATIONS);
console.log(JSON.stringify(out));

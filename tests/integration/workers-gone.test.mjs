// With nginx up but every worker gone (spawn-fcgi/multiwatch stopped),
// nginx itself answers: still JSON, still CORS.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { stack, call, userToken, waitFor } from '../lib/helpers.mjs';
import { assertError, assertCors, assertJsonType, assertNoStore } from '../lib/expect.mjs';
import { assertRequestIdLogged } from './request-id.mjs';

const st = stack('gone');
const env = st.env;

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Direct children of pid, from /proc/<n>/stat. */
function childrenOf(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone meanwhile */ }
  }
  return out;
}

const comm = (pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return ''; } };

describe('workers gone', () => {
  before(async () => {
    // Control: the stack answers before the workers are stopped.
    const res = await call(st, { token: userToken(env, { role: 'viewer' }), body: { roomType: 'main_show' } });
    assert.equal(res.status, 200, res.text);
    const pid = Number(readFileSync(path.join(st.dir, 'spawn.pid'), 'utf8').trim());
    assert.ok(pid > 1 && alive(pid), `spawn.pid ${pid} is not running`);
    // spawn.pid should be multiwatch itself (spawn-fcgi -n execs it). If it
    // is a wrapper process instead, its multiwatch child is stopped too:
    // the point here is nginx's answer once no worker is left.
    const targets = [pid, ...childrenOf(pid).filter((c) => comm(c) === 'multiwatch')];
    for (const p of targets) process.kill(p, 'SIGTERM');
    await waitFor(() => targets.every((p) => !alive(p)), 15000, `multiwatch (pids ${targets}) to exit`);
    // The workers are multiwatch's children: nothing may accept on the socket.
    const sock = path.join(st.dir, 'fcgi.sock');
    await waitFor(async () => {
      if (!existsSync(sock)) return true;
      const net = await import('node:net');
      return new Promise((resolve) => {
        const c = net.createConnection(sock);
        c.on('connect', () => { c.destroy(); resolve(false); });
        c.on('error', () => resolve(true));
      });
    }, 15000, 'the FastCGI socket to stop accepting');
  });

  test('token POST -> 502/503 JSON with CORS', async () => {
    const t = userToken(env, { role: 'judge' });
    const res = await call(st, { token: t, body: { roomType: 'main_show' }, headers: { origin: 'https://app.example.com' } });
    assert.ok([502, 503].includes(res.status), `status ${res.status}: ${res.text}`);
    assertError(res, res.status, ['bad_gateway', 'service_unavailable'], { env, sent: [t] });
    await assertRequestIdLogged(res, st.accessLog);
  });

  test('a preflight meanwhile is JSON with CORS too (or still a 204)', async () => {
    const res = await call(st, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    assertCors(res);
    if (res.status !== 204) {
      assert.ok([502, 503].includes(res.status), `status ${res.status}`);
      assertJsonType(res);
    }
  });

  test('/healthz -> 503 JSON (SPEC: 503 when no worker answers)', async () => {
    const res = await call(st, { method: 'GET', path: '/healthz' });
    assert.equal(res.status, 503, `status ${res.status}: ${res.text}`);
    assertJsonType(res);
    assertNoStore(res);
    assert.ok(res.json && typeof res.json === 'object');
  });
});

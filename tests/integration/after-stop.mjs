// Phase 2 of the integration suite, run once every stack has stopped: the
// logs. One JSON line per request that reached a worker (matched to
// nginx's access log by request id), each with request_id and status; no
// bearer token sent during the tests, no LiveKit token issued, and no
// secret from the stack's env file anywhere in the logs.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { stack, secretValues, fileText } from '../lib/helpers.mjs';

const names = (process.env.SUITE_STACKS ?? '').split(/\s+/).filter(Boolean);

// Every token sent or received, and the parts of it that would give it away
// (a payload or a signature alone is as bad as the whole token).
const sent = [...new Set(fileText(process.env.SENT_TOKENS_FILE ?? '').split('\n').filter(Boolean))];
const needles = new Set();
for (const t of sent) {
  const parts = t.split('.');
  if (parts.length === 3) {
    if (parts[1].length >= 16) needles.add(parts[1]);
    if (parts[2].length >= 16) needles.add(parts[2]);
  } else if (t.length >= 16) {
    needles.add(t);
  }
}

test('tokens were recorded during phase 1', () => {
  assert.ok(sent.length > 50, `only ${sent.length} tokens recorded in ${process.env.SENT_TOKENS_FILE}`);
});

for (const name of names) {
  const st = stack(name);
  describe(`logs of stack ${name}`, () => {
    const workerLines = fileText(st.workerLog).split('\n').filter((l) => l.trim() !== '');
    const parsed = [];

    test('every worker log line is one JSON object', () => {
      const bad = [];
      for (const l of workerLines) {
        try {
          const o = JSON.parse(l);
          if (typeof o !== 'object' || o === null || Array.isArray(o)) bad.push(l);
          else parsed.push(o);
        } catch {
          bad.push(l);
        }
      }
      assert.deepEqual(bad.slice(0, 5), [], `${bad.length} lines are not JSON objects`);
    });

    test('one request line per request that reached a worker, with request_id and status', () => {
      const requests = parsed.filter((o) => 'request_id' in o || 'status' in o || 'path' in o);
      assert.ok(requests.length > 0, 'no request lines');
      const byId = new Map();
      for (const o of requests) {
        assert.match(String(o.request_id), /^[0-9a-f]{32}$/, `request_id in ${JSON.stringify(o)}`);
        assert.ok(Number.isInteger(o.status) && o.status >= 100 && o.status < 600, `status in ${JSON.stringify(o)}`);
        assert.ok(!byId.has(o.request_id), `request_id ${o.request_id} logged twice`);
        byId.set(o.request_id, o);
      }
      // nginx's access log: every request that a worker answered (an
      // upstream status that is not the 502/504 nginx notes when none did).
      const access = fileText(st.accessLog).split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const answered = access.filter((a) => /^[1-5][0-9][0-9]$/.test(a.upstream_status ?? '') &&
        !['502', '504'].includes(a.upstream_status));
      assert.ok(answered.length > 0, 'no answered requests in the access log');
      const missing = answered.filter((a) => !byId.has(a.request_id));
      assert.deepEqual(missing.slice(0, 5), [], `${missing.length} answered requests have no worker log line`);
      for (const a of answered) {
        assert.equal(byId.get(a.request_id).status, a.status, `status of ${a.request_id} (${a.method} ${a.uri})`);
      }
      const ids = new Set(access.map((a) => a.request_id));
      const unknown = requests.filter((o) => !ids.has(o.request_id));
      assert.deepEqual(unknown.slice(0, 5), [], 'worker log lines for requests nginx did not log');
    });

    test('no bearer token, issued token or secret in any log file', () => {
      const dir = path.join(st.dir, 'logs');
      const secrets = secretValues(st.env);
      assert.ok(secrets.length >= 2, 'the env file has secrets to look for');
      for (const f of readdirSync(dir)) {
        const text = fileText(path.join(dir, f));
        for (const s of secrets) assert.ok(!text.includes(s), `a secret from ${st.dir}/env is in logs/${f}`);
        for (const n of needles) assert.ok(!text.includes(n), `part of a token (${n.slice(0, 12)}…) is in logs/${f}`);
      }
    });
  });
}

// The revocation feed end to end (issue 11): what Supabase Auth does in
// its database (ban, unban, sign-out, deletion) reaches every worker
// through sql/revocations.sql's triggers, scripts/fetch-revocations (every
// 2 s here, the timer shortened) and REVOCATION_FILE, within 15 s. Run by
// tests/revocation/run, which starts PostgreSQL, the fetcher and the stack.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ROOT, call, execFileP, stack, userToken, waitFor, fileText } from '../lib/helpers.mjs';

const st = stack('revocation');
const TARGET_MS = 15000;
const ROUND = 16;	// concurrent requests per round: both workers answer some

// SQL as Supabase Auth runs it (its own role, supabase_auth_admin).
async function auth(sql) {
  await execFileP('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-U', 'supabase_auth_admin',
    '-d', 'postgres', '-c', sql], { cwd: ROOT, maxBuffer: 1 << 24 });
}

async function newUser() {
  const user = randomUUID(), session = randomUUID();
  await auth(`insert into auth.users (id, email) values ('${user}', '${user}@example.test');
    insert into auth.sessions (id, user_id) values ('${session}', '${user}')`);
  return { user, session };
}

const tokenOf = (u, session = u.session) =>
  userToken(st.env, { sub: u.user, role: 'viewer', extra: { session_id: session } });

// One round of concurrent token requests; resolves to their answers.
async function round(token) {
  return Promise.all(Array.from({ length: ROUND }, () =>
    call(st, { token, body: { roomType: 'main_show' }, headers: { origin: 'https://app.example' } })));
}

// Time from now until two rounds in a row are entirely as wanted.
async function untilAll(token, want) {
  const t0 = Date.now();
  let streak = 0, first = 0;
  while (Date.now() - t0 < TARGET_MS + 10000) {
    const start = Date.now();
    const rs = await round(token);
    if (rs.every(want)) {
      if (streak++ === 0) first = start;
      if (streak === 2) return { ms: first - t0, last: rs };
    } else streak = 0;
    await new Promise((r) => setTimeout(r, 200));
  }
  return { ms: Infinity, last: [] };
}

const refused = (reasonRe) => (r) => r.status === 401 && r.json?.error === 'token_revoked';
const accepted = (r) => r.status === 200 && typeof r.json?.token === 'string';

function reloads() {
  return (fileText(st.workerLog).match(/REVOCATION_FILE [^"]*: \d+ entr/g) ?? []).length;
}

test('the stack answers before anything is revoked', async () => {
  const u = await newUser();
  await waitFor(async () => (await round(tokenOf(u))).every(accepted), 20000, 'tokens for a fresh user');
});

test('a ban (banned_until) is refused by every worker within 15 s; lifting it lets the user back', async (t) => {
  const u = await newUser();
  const tok = tokenOf(u);
  assert.ok((await round(tok)).every(accepted));
  const before = reloads();
  await auth(`update auth.users set banned_until = now() + interval '24 hours' where id = '${u.user}'`);
  const ban = await untilAll(tok, refused());
  t.diagnostic(`measured: ban refused after ${(ban.ms / 1000).toFixed(1)} s`);
  assert.ok(ban.ms <= TARGET_MS, `refused after ${ban.ms} ms`);
  const r = ban.last[0];
  assert.equal(r.headers.get('access-control-allow-origin'), '*', 'CORS on the refusal');
  assert.match(r.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  assert.ok(reloads() - before >= Number(process.env.WORKERS ?? 2), 'each worker reloaded the list');
  assert.match(fileText(st.workerLog), new RegExp(`"reason":"user_revoked"[^\\n]*${u.user}|${u.user}[^\\n]*"reason":"user_revoked"`));

  await auth(`update auth.users set banned_until = null where id = '${u.user}'`);
  const back = await untilAll(tok, accepted);
  t.diagnostic(`measured: unban accepted after ${(back.ms / 1000).toFixed(1)} s`);
  assert.ok(back.ms <= TARGET_MS, `accepted again after ${back.ms} ms`);
});

test('signing out (the session deleted) refuses that session only, within 15 s', async (t) => {
  const u = await newUser();
  const other = randomUUID();
  await auth(`insert into auth.sessions (id, user_id) values ('${other}', '${u.user}')`);
  await auth(`delete from auth.sessions where id = '${u.session}'`);
  const out = await untilAll(tokenOf(u), refused());
  t.diagnostic(`measured: sign-out refused after ${(out.ms / 1000).toFixed(1)} s`);
  assert.ok(out.ms <= TARGET_MS, `refused after ${out.ms} ms`);
  assert.ok((await round(tokenOf(u, other))).every(accepted), 'the user\'s other session still works');
  assert.match(fileText(st.workerLog), /"reason":"session_revoked"/);
});

test('a deleted user (row deleted, or soft-deleted through deleted_at) is refused within 15 s', async (t) => {
  const hard = await newUser(), soft = await newUser();
  await auth(`delete from auth.users where id = '${hard.user}'`);
  await auth(`update auth.users set deleted_at = now() where id = '${soft.user}'`);
  for (const [u, what] of [[hard, 'deleted'], [soft, 'soft-deleted']]) {
    const r = await untilAll(tokenOf(u, randomUUID()), refused());
    t.diagnostic(`measured: ${what} user refused after ${(r.ms / 1000).toFixed(1)} s`);
    assert.ok(r.ms <= TARGET_MS, `${what}: refused after ${r.ms} ms`);
  }
});

test('100,000 signed-out sessions: the list loads with no request failing', async (t) => {
  const steady = await newUser();
  const tok = tokenOf(steady);
  const rows = 100000;
  await auth(`insert into auth.users (id) values ('00000000-0000-4000-8000-000000000000')
    on conflict do nothing;
    insert into auth.sessions (id, user_id)
      select gen_random_uuid(), '00000000-0000-4000-8000-000000000000' from generate_series(1, ${rows})`);
  // Requests run throughout: the mass sign-out, the fetch, every reload.
  let stop = false, sent = 0, bad = [], worst = 0;
  const load = (async () => {
    while (!stop) {
      const t0 = Date.now();
      const rs = await round(tok);
      worst = Math.max(worst, Date.now() - t0);
      sent += rs.length;
      for (const r of rs) if (!accepted(r)) bad.push(`${r.status} ${r.text.slice(0, 120)}`);
    }
  })();
  const t0 = Date.now();
  await auth(`delete from auth.sessions where user_id = '00000000-0000-4000-8000-000000000000'`);
  const deleted = Date.now() - t0;
  await waitFor(() => {
    const m = /^end (\d+)$/m.exec(fileText(process.env.REVOCATION_FILE));
    return m && Number(m[1]) >= rows;
  }, 60000, 'the 100,000-entry list');
  const written = Date.now() - t0;
  const entries = Number(/^end (\d+)$/m.exec(readFileSync(process.env.REVOCATION_FILE, 'utf8'))[1]);
  await waitFor(() => (fileText(st.workerLog).match(new RegExp(`REVOCATION_FILE [^"]*: ${entries} entries`, 'g')) ?? []).length >= 2,
    30000, 'both workers to load it');
  const loaded = Date.now() - t0;
  await new Promise((r) => setTimeout(r, 1000));
  stop = true;
  await load;
  t.diagnostic(`measured: ${rows} session deletes took ${(deleted / 1000).toFixed(1)} s in the database; ` +
    `list of ${entries} written after ${(written / 1000).toFixed(1)} s, loaded by both workers after ` +
    `${(loaded / 1000).toFixed(1)} s; ${sent} requests meanwhile, slowest round of ${ROUND} ${worst} ms`);
  assert.deepEqual(bad, [], 'no request failed while the list loaded');
  assert.ok(sent > 0);
  // And the list is in force.
  const r = await round(tokenOf({ user: randomUUID(), session: randomUUID() }));
  assert.ok(r.every(accepted));
});

// bench/showstart.mjs's JSON lines (stdin) -> the show-start table of
// bench/RESULTS.md; with --targets, the issue's show-start targets as
// table rows (met / MISSED / not measured).
import { readFileSync } from 'node:fs';

const rows = readFileSync(0, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const v = (x) => (x === null || x === undefined ? '-' : String(x));
const s = (ms) => (ms === null || ms === undefined ? '-' : (ms / 1000).toFixed(2));

if (process.argv[2] === '--targets') {
  const find = (alg, re) => rows.find((r) => r.alg === alg && !r.revocations && re.test(r.scenario));
  const verdict = (r, ok) => (r ? (ok(r) ? 'met' : 'MISSED') : 'not measured');
  for (const alg of ['hs256', 'es256']) {
    const c = find(alg, /^crowd 300 from one/);
    console.log(`| ${alg}: 300 users behind one address at the defaults: all admitted, zero 429s, the last within 2 s | ${c ? `${c.admitted}/${c.users}, ${c.n429} × 429, last ${s(c.last_ms)} s` : '-'} | ${verdict(c, (r) => r.admitted === r.users && r.n429 === 0 && r.last_ms <= 2000)} |`);
  }
  const m = find('es256', /^crowd 2000 from many/);
  console.log(`| es256: 2,000 users from many addresses: the last admitted within 2 s | ${m ? `${m.admitted}/${m.users}, last ${s(m.last_ms)} s (client CPU ${v(m.client_cpu_s)} s)` : '-'} | ${verdict(m, (r) => r.admitted === r.users && r.last_ms <= 2000)} |`);
  for (const alg of ['hs256', 'es256']) {
    const f = find(alg, /^one token/);
    console.log(`| ${alg}: one token at 200/s for 10 s gets at most rate × 10 s + burst (2 × 10 + 10 = 30 at the defaults) | ${f ? `${f.got_through} of ${f.sent}` : '-'} | ${verdict(f, (r) => r.got_through <= 30)} |`);
    const g = find(alg, /^garbage/);
    console.log(`| ${alg}: the legitimate user beside an address sending garbage: p99 < 50 ms | ${g ? `p99 ${v(g.legit_p99_ms)} ms (${g.legit_failed} failed)` : '-'} | ${verdict(g, (r) => r.legit_p99_ms !== null && r.legit_p99_ms < 50 && r.legit_failed === 0)} |`);
  }
  // Issue 11: a 100,000-entry revocation list changes no show-start figure.
  for (const r of rows.filter((x) => x.revocations)) {
    const base = rows.find((x) => !x.revocations && x.alg === r.alg && x.scenario === r.scenario);
    const ok = (x) => base && x.admitted === x.users && x.n429 === base.n429 && x.last_ms <= Math.max(2000, base.last_ms * 1.25);
    console.log(`| ${r.alg}: ${r.scenario} with ${r.revocations.toLocaleString('en')} revocations loaded: no change (all admitted, the same 429s, last within 2 s or 25% of the run without) | ${r.admitted}/${r.users}, ${r.n429} × 429, last ${s(r.last_ms)} s (without: ${base ? `${base.n429} × 429, last ${s(base.last_ms)} s` : '-'}) | ${base ? (ok(r) ? 'met' : 'MISSED') : 'not measured'} |`);
  }
  process.exit(0);
}

console.log('| scenario | alg | users / sent | admitted (got through) | last s | p50 s | p99 s | 429s | other errors | legit p50 / p99 ms | client CPU s |');
console.log('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
for (const r of rows) {
  const through = r.admitted ?? r.got_through;
  console.log(`| ${r.scenario}${r.revocations ? `, ${r.revocations.toLocaleString('en')} revocations loaded` : ''} | ${r.alg} | ${v(r.users ?? r.sent)} | ${v(through)} | ${s(r.last_ms)} | ${s(r.p50_ms)} | ${s(r.p99_ms)} | ${v(r.n429)} | ${v(r.other_errors ?? r.legit_failed)} | ${r.legit_p50_ms !== undefined ? `${v(r.legit_p50_ms)} / ${v(r.legit_p99_ms)}` : '-'} | ${v(r.client_cpu_s)} |`);
}

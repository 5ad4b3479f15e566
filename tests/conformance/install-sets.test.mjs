// Issue 12: `make run` on a fresh machine installs no test or benchmark
// tool. scripts/apt-packages is split into [run], [test] and [bench];
// make run asks install-deps for "run" alone. (The package counts and
// download sizes of each set on a fresh Debian 12 are in the README.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT, execFileP } from '../lib/helpers.mjs';

const installDeps = path.join(ROOT, 'scripts', 'install-deps');
const list = async (...sets) => (await execFileP(installDeps, ['--list', ...sets])).stdout.split('\n').filter(Boolean);
const TOOLS = ['chromium', 'prometheus', 'openssh-server', 'openssh-client', 'wrk', 'valgrind', 'nodejs', 'npm',
  'clang', 'clang-tidy', 'cppcheck', 'strace', 'jq', 'rsync', 'libclang-rt-14-dev'];

test('the run set has what the stack needs and no test or benchmark tool', async () => {
  const run = await list('run');
  for (const p of ['build-essential', 'libfcgi-dev', 'libjson-c-dev', 'libsodium-dev', 'libssl-dev', 'nginx-light', 'spawn-fcgi', 'multiwatch', 'openssl', 'curl']) {
    assert.ok(run.includes(p), `${p} is in [run]`);
  }
  assert.deepEqual(run.filter((p) => TOOLS.includes(p)), []);
});

test('test and bench bring their own tools; every listed package is in some set', async () => {
  const testSet = await list('test');
  for (const p of ['chromium', 'prometheus', 'openssh-server', 'valgrind', 'nodejs', 'clang-tidy']) assert.ok(testSet.includes(p), p);
  const bench = await list('bench');
  for (const p of ['wrk', 'valgrind', 'nodejs']) assert.ok(bench.includes(p), p);
  const all = await list();
  assert.deepEqual([...new Set([...(await list('run')), ...testSet, ...bench])].sort(), [...all].sort());
});

test('make run asks for the run set alone; make test and make bench add theirs', async () => {
  const dry = async (target) => (await execFileP('make', ['-n', '--no-print-directory', target], { cwd: ROOT })).stdout;
  assert.match(await dry('run'), /^scripts\/install-deps run$/m);
  assert.match(await dry('test'), /^scripts\/install-deps run test$/m);
  assert.match(await dry('bench'), /^scripts\/install-deps run bench$/m);
});

test('an unknown set is refused, not ignored', async () => {
  await assert.rejects(execFileP(installDeps, ['--list', 'runn']), (e) => e.code === 2 && /unknown set/.test(e.stderr));
});

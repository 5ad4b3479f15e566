// Issue 14: production and development agree. Before, the production site
// (a hand-written nginx/livekit-token.conf) rate-limited CORS preflights,
// which the development stack exempts on purpose (a 429 preflight is an
// unreadable network error in a browser), hard-coded the rates that
// RATE_LIMIT_* claim to control, and answered /healthz with 502 where the
// SPEC says 503. Now scripts/nginx-site renders both from nginx/site.conf.in
// and the same settings. Sites started by tests/integration/run:
//   prod      nginx-site production, RATE_LIMIT_RPS=1 BURST=2, address 50/60,
//             in front of the main stack's workers
//   proddead  nginx-site production in front of a socket nobody serves
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT, stack, call, userToken, execFileP } from '../lib/helpers.mjs';
import { assertError, assertCors } from '../lib/expect.mjs';
import { assertRequestIdLogged, assertEveryLevelAddsRequestId } from './request-id.mjs';

const main = stack('prodpool'); // the workers behind the production sites
const site = (name) => {
  const key = name.toUpperCase();
  const port = process.env[`SITE_${key}_PORT`];
  assert.ok(port, `SITE_${key}_PORT: run through tests/integration/run`);
  return { ...main, name, port: Number(port), base: `https://127.0.0.1:${port}`, dir: process.env[`SITE_${key}_DIR`] };
};
const body = { roomType: 'main_show' };
const statuses = (all) => all.map((r) => r.status).join(' ');
const count = (all, s) => all.filter((r) => r.status === s).length;
const NGINX_SITE = path.join(ROOT, 'scripts', 'nginx-site');
const prodLog = (name) => path.join(site(name).dir, 'logs', 'livekit-token.access.log');

describe('the production site, rendered from the settings', () => {
  const prod = site('prod');

  test('serves a token through the main stack\'s workers', async () => {
    const r = await call(prod, { token: userToken(main.env, { role: 'judge' }), body: { roomType: 'audition' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('strict-transport-security') ?? '', /max-age=/);
  });

  test('its per-user limit is RATE_LIMIT_RPS=1 + RATE_LIMIT_BURST=2, not a hard-coded one', async () => {
    const t = userToken(main.env, { role: 'viewer' });
    const all = await Promise.all(Array.from({ length: 12 }, () => call(prod, { token: t, body })));
    assert.equal(count(all, 200), 3, `1 + burst 2: ${statuses(all)}`);
    for (const r of all.filter((x) => x.status === 429)) {
      assertError(r, 429, 'rate_limited', { env: main.env, sent: [t] });
      assertCors(r);
      assert.match(r.headers.get('retry-after') ?? '', /^[1-4]$/);
      await assertRequestIdLogged(r, prodLog('prod'));
    }
    const other = await call(prod, { token: userToken(main.env, { role: 'viewer' }), body });
    assert.equal(other.status, 200, 'another user from the same address is not limited');
  });

  test('any other path is a JSON 404', async () => {
    const r = await call(prod, { method: 'GET', path: '/nothing-here' });
    assertError(r, 404, 'not_found', {});
    await assertRequestIdLogged(r, prodLog('prod'));
  });

  test('preflights are never limited in the production site either', async () => {
    const pre = await Promise.all(Array.from({ length: 80 }, () => call(prod, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    })));
    assert.equal(count(pre, 204), 80, statuses(pre));
  });
});

describe('the production site with no worker answering', () => {
  test('/healthz is 503 JSON with CORS (SPEC), not 502', async () => {
    const r = await call(site('proddead'), { method: 'GET', path: '/healthz' });
    assertError(r, 503, 'service_unavailable', {});
    assertCors(r);
    await assertRequestIdLogged(r, prodLog('proddead'));
  });
  test('a token request is a JSON 502 with CORS and its X-Request-Id', async () => {
    const r = await call(site('proddead'), { token: userToken(main.env, { role: 'viewer' }), body });
    assertError(r, 502, 'bad_gateway', {});
    assertCors(r);
    await assertRequestIdLogged(r, prodLog('proddead'));
  });
});

// What must be identical in both renders: every limit, map, location,
// error page and FastCGI line. What may differ is where things are
// (paths, ports, names), TLS and HSTS, production's port 80 (certbot),
// and what / is: the development stack's try-it page, production's 404.
function policyLines(text) {
  return text
    .replace(/map \$host \$livekit_token_hsts \{[^}]*\}/, '') // HSTS: production only
    .replace(/server \{\n    listen 80;[\s\S]*?\n\}\n/, '') // port 80, certbot: production only
    .replace(/\n    location (= )?\/ \{[\s\S]*?\n    \}\n/g, '\n') // /: the try-it page (dev), a JSON 404 (production)
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l && !/^(listen|server_name|ssl_|access_log|error_log|root|try_files|add_header (Strict|Content-Security|X-Content|Referrer|Cache-Control no-cache|X-Request-Id)|client_(body|header)_timeout|keepalive_timeout|server unix:)/.test(l))
    .map((l) => l.replace(/\/\S*\/(errors|error-headers|fastcgi)\.conf/, '$1.conf'));
}

async function render(mode, env) {
  const out = mkdtempSync(path.join(tmpdir(), `nginx-site-${mode}-`));
  const args = mode === 'dev'
    ? ['dev', out, '--dir', '/srv/stack', '--port', '8443', '--socket', '/srv/stack/fcgi.sock']
    : ['production', out];
  try {
    await execFileP(NGINX_SITE, args, { env: { PATH: process.env.PATH, ...env } });
    const site = readFileSync(path.join(out, mode === 'dev' ? 'site.conf' : 'livekit-token.conf'), 'utf8');
    const snippets = ['errors.conf', 'error-headers.conf', 'fastcgi.conf']
      .map((f) => readFileSync(path.join(out, f), 'utf8').replaceAll(out, '@').replaceAll('/etc/nginx/livekit-token', '@'));
    return { site, snippets };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('scripts/nginx-site: dev and production from one source', () => {
  const settings = {
    RATE_LIMIT_RPS: '7', RATE_LIMIT_BURST: '9', RATE_LIMIT_ADDRESS_RPS: '321', RATE_LIMIT_ADDRESS_BURST: '654',
    TRUSTED_PROXIES: '10.1.0.0/16,2001:db8::/32', REAL_IP_HEADER: 'X-Real-IP',
    CORS_ALLOWED_ORIGINS: 'https://app.example.com,https://admin.example.com',
  };

  test('the same settings give the same limits, maps, locations, errors and FastCGI lines', async () => {
    const dev = await render('dev', settings);
    const prod = await render('production', settings);
    assert.deepEqual(policyLines(dev.site), policyLines(prod.site));
    assert.deepEqual(dev.snippets, prod.snippets);
    for (const r of [dev, prod]) assertEveryLevelAddsRequestId(r.site, r.snippets[0], r.snippets[1]);
    for (const s of [dev.site, prod.site]) {
      assert.match(s, /zone=livekit_token_user:\S+ rate=7r\/s;/);
      assert.match(s, /limit_req zone=livekit_token_user burst=9 nodelay;/);
      assert.match(s, /zone=livekit_token_address:\S+ rate=321r\/s;/);
      assert.match(s, /limit_req zone=livekit_token_address burst=654 nodelay;/);
      assert.match(s, /set_real_ip_from 10\.1\.0\.0\/16;\s+set_real_ip_from 2001:db8::\/32;\s+real_ip_header X-Real-IP;/);
      assert.match(s, /"https:\/\/admin\.example\.com" "https:\/\/admin\.example\.com";/);
      assert.match(s, /location = \/healthz \{\s+error_page 502 504 = @unavailable;/);
    }
  });

  test('nginx/livekit-token.conf is the production render with no settings (it cannot drift)', async () => {
    const prod = await render('production', {});
    assert.equal(readFileSync(path.join(ROOT, 'nginx', 'livekit-token.conf'), 'utf8'), prod.site,
      'regenerate: env -i PATH=$PATH scripts/nginx-site production DIR, and copy DIR/livekit-token.conf');
  });

  test('RATE_LIMIT_RPS=0 turns the limits off', async () => {
    const { site: s } = await render('production', { RATE_LIMIT_RPS: '0' });
    assert.doesNotMatch(s, /^\s*limit_req zone=/m);
  });

  // Found in review: with no worker binary to read it (a fresh checkout),
  // LIVEKIT_TOKEN_ENV_FILE was ignored without a word, and prepare-host
  // shipped a site with CORS *, no real_ip and the default limits.
  test('LIVEKIT_TOKEN_ENV_FILE with no worker to read it stops the rendering, naming both', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nginx-site-env-'));
    const envFile = path.join(dir, 'prod.env');
    writeFileSync(envFile, 'TRUSTED_PROXIES=10.0.0.0/8\n', { mode: 0o600 });
    try {
      await assert.rejects(render('production', { LIVEKIT_TOKEN_ENV_FILE: envFile, LIVEKIT_TOKEN_BIN: path.join(dir, 'missing') }), (e) => {
        assert.equal(e.code, 2, e.stderr);
        assert.match(e.stderr, /LIVEKIT_TOKEN_ENV_FILE/);
        assert.match(e.stderr, /make/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const [name, value] of [
    ['TRUSTED_PROXIES', '10.0.0.0/8; allow all'],
    ['TRUSTED_PROXIES', 'proxy.example.com'],
    ['REAL_IP_HEADER', 'X-Forwarded-For; deny all'],
    ['CORS_ALLOWED_ORIGINS', 'https://a.example.com" "x'],
    ['RATE_LIMIT_BURST', '-1'],
    ['RATE_LIMIT_ADDRESS_RPS', '10r/s'],
  ]) {
    test(`a bad ${name} (${JSON.stringify(value)}) stops the rendering, naming it`, async () => {
      await assert.rejects(render('production', { [name]: value }), (e) => {
        assert.equal(e.code, 2, e.stderr);
        assert.match(e.stderr, new RegExp(name));
        return true;
      });
    });
  }
});

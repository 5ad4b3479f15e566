// ES256 user tokens for `make bench` (target 4), with node:crypto only.
//
//   node es256.mjs jwks KEY.pem KID                 > jwks.json
//   node es256.mjs sign KEY.pem KID ISSUER < list   > tokens
//
// KEY.pem is a P-256 private key (openssl genpkey -algorithm EC
// -pkeyopt ec_paramgen_curve:P-256). "list" has one "sub role" pair per
// line; each output line is a Supabase-shaped user token signed with it,
// the same claims scripts/stack token (mint-dev-jwt) writes.
import crypto from 'node:crypto';
import fs from 'node:fs';

const [mode, keyFile, kid, issuer] = process.argv.slice(2);
const key = crypto.createPrivateKey(fs.readFileSync(keyFile));
const b64 = (v) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

if (mode === 'jwks') {
  const jwk = crypto.createPublicKey(key).export({ format: 'jwk' });
  process.stdout.write(JSON.stringify({ keys: [{ ...jwk, kid, alg: 'ES256', use: 'sig', key_ops: ['verify'] }] }) + '\n');
} else if (mode === 'sign') {
  const now = Math.floor(Date.now() / 1000);
  const header = b64({ alg: 'ES256', kid, typ: 'JWT' });
  const out = [];
  for (const line of fs.readFileSync(0, 'utf8').split('\n')) {
    const [sub, role] = line.trim().split(/\s+/);
    if (!sub) continue;
    const claims = {
      ...(issuer ? { iss: issuer } : {}),
      sub, aud: 'authenticated', exp: now + 3600, iat: now, email: '', phone: '',
      app_metadata: { provider: 'email', ...(role && role !== '-' ? { role } : {}) },
      user_metadata: {}, role: 'authenticated', aal: 'aal1',
      session_id: '00000000-0000-4000-8000-000000000000', is_anonymous: false,
    };
    const input = `${header}.${b64(claims)}`;
    const sig = crypto.sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
    out.push(`${input}.${sig.toString('base64url')}`);
  }
  process.stdout.write(out.join('\n') + '\n');
} else {
  process.stderr.write('usage: es256.mjs jwks KEY KID | sign KEY KID ISSUER < list\n');
  process.exit(2);
}

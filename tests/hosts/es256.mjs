// The booted-host suite's Supabase stand-in for asymmetric keys, on
// node:crypto alone. The keys are P-256 PEM files made with
// `openssl genpkey` (as an operator's own tooling would); `livekit-token
// mint-dev-jwt` signs HS256 only, so ES256 tokens are signed here.
//
//   node es256.mjs jwks KID=KEY.pem...       the JWKS Supabase would publish
//                                            at <SUPABASE_URL>/auth/v1/.well-known/jwks.json
//   node es256.mjs mint KEY.pem KID ISS N SUB_PREFIX
//                                            N user access tokens (one a line),
//                                            role judge, one hour, sub SUB_PREFIX-<i>
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const b64u = (b) => Buffer.from(b).toString('base64url');
const key = (file) => createPrivateKey(readFileSync(file));

function jwks(pairs) {
  const keys = pairs.map((p) => {
    const i = p.indexOf('=');
    const kid = p.slice(0, i);
    const jwk = createPublicKey(key(p.slice(i + 1))).export({ format: 'jwk' });
    // Supabase's shape: alg, kid, use and key_ops beside the point.
    return { alg: 'ES256', crv: jwk.crv, ext: true, key_ops: ['verify'], kid, kty: 'EC', use: 'sig', x: jwk.x, y: jwk.y };
  });
  return `${JSON.stringify({ keys })}\n`;
}

function mint(file, kid, iss, n, prefix) {
  const k = key(file);
  const now = Math.floor(Date.now() / 1000);
  const head = b64u(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }));
  const out = [];
  for (let i = 1; i <= n; i++) {
    const claims = {
      iss, sub: `${prefix}-${i}`, aud: 'authenticated', exp: now + 3600, iat: now,
      email: '', phone: '', app_metadata: { provider: 'email', role: 'judge' },
      user_metadata: { full_name: `Rotation ${i}` }, role: 'authenticated', aal: 'aal1',
      session_id: '00000000-0000-4000-8000-000000000000', is_anonymous: false,
    };
    const input = `${head}.${b64u(JSON.stringify(claims))}`;
    // JWS wants r || s (IEEE P1363), not the DER that openssl dgst writes.
    out.push(`${input}.${b64u(sign('sha256', Buffer.from(input), { key: k, dsaEncoding: 'ieee-p1363' }))}`);
  }
  return `${out.join('\n')}\n`;
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'jwks' && args.length > 0) process.stdout.write(jwks(args));
else if (cmd === 'mint' && args.length === 5) process.stdout.write(mint(args[0], args[1], args[2], Number(args[3]), args[4]));
else {
  process.stderr.write('usage: node es256.mjs jwks KID=KEY.pem... | mint KEY.pem KID ISS N SUB_PREFIX\n');
  process.exit(2);
}

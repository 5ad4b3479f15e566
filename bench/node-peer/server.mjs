// The Node yardstick for `make bench`: the same work as the C service, the
// way a team would write it today — verify the Supabase HS256 user token
// with jose, apply the role × room policy, mint the LiveKit token with
// livekit-server-sdk's AccessToken. Not product code: no metrics, no log.
//
//   PEER_SOCKET   unix socket to listen on (nginx proxies to it), or
//   PEER_PORT     loopback port
//   plus the service's settings: LIVEKIT_API_KEY, LIVEKIT_API_SECRET,
//   LIVEKIT_URL, SUPABASE_URL, SUPABASE_JWT_SECRET, TOKEN_TTL_SECONDS,
//   JWT_LEEWAY_SECONDS, DEFAULT_ROLE, ALLOW_ANONYMOUS
import http from 'node:http';
import fs from 'node:fs';
import { jwtVerify, errors as joseErrors } from 'jose';
import { AccessToken, TrackSource } from 'livekit-server-sdk';

const env = process.env;
const apiKey = env.LIVEKIT_API_KEY;
const apiSecret = env.LIVEKIT_API_SECRET;
const livekitUrl = env.LIVEKIT_URL;
const issuer = env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/+$/, '')}/auth/v1` : undefined;
const secret = new TextEncoder().encode(env.SUPABASE_JWT_SECRET ?? '');
const ttl = Number(env.TOKEN_TTL_SECONDS ?? 3600);
const leeway = Number(env.JWT_LEEWAY_SECONDS ?? 30);
const defaultRole = env.DEFAULT_ROLE ?? 'viewer';
const allowAnonymous = env.ALLOW_ANONYMOUS === '1';

const ROOMS = { audition: 'audition-room', main_show: 'main-show' };
const ROLES = new Set(['judge', 'contestant', 'performer', 'host', 'viewer']);
const CAM_MIC = () => [TrackSource.CAMERA, TrackSource.MICROPHONE];
// The SPEC's table. A fresh grant per call: the SDK rewrites
// canPublishSources in place when it signs.
const POLICY = {
  judge: {
    audition: () => ({ canPublish: true, canPublishSources: CAM_MIC(), canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true }),
    main_show: () => ({ canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true }),
  },
  contestant: {
    audition: () => ({ canPublish: true, canPublishSources: CAM_MIC(), canSubscribe: true, canPublishData: true }),
    main_show: () => ({ canPublish: false, canSubscribe: true, canPublishData: true }),
  },
  performer: {
    audition: () => ({ canPublish: true, canPublishSources: CAM_MIC(), canSubscribe: true, canPublishData: true }),
    main_show: () => ({ canPublish: true, canPublishSources: CAM_MIC(), canSubscribe: true, canPublishData: true }),
  },
  host: {
    audition: () => ({ canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true, roomAdmin: true }),
    main_show: () => ({ canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true, roomAdmin: true }),
  },
  viewer: {
    audition: null,
    main_show: () => ({ canPublish: false, canSubscribe: true, canPublishData: true }),
  },
};

const BASE_HEADERS = {
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'WWW-Authenticate, Retry-After, X-Request-Id',
};

function send(res, status, obj, extra) {
  const body = JSON.stringify(obj);
  res.writeHead(status, { ...BASE_HEADERS, ...extra, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function fail(res, status, error, message) {
  const extra = status === 401
    ? { 'WWW-Authenticate': 'Bearer realm="livekit-token", error="invalid_token"' } : undefined;
  send(res, status, { error, message }, extra);
}

function displayName(claims, asked) {
  if (typeof asked === 'string') {
    const t = asked.trim();
    // eslint-disable-next-line no-control-regex
    if (t.length < 1 || [...t].length > 128 || /[\u0000-\u001f\u007f]/.test(t)) return null;
    return t;
  }
  const meta = claims.user_metadata ?? {};
  if (typeof meta.full_name === 'string' && meta.full_name.trim()) return meta.full_name.trim();
  if (typeof meta.name === 'string' && meta.name.trim()) return meta.name.trim();
  if (typeof claims.email === 'string' && claims.email.includes('@')) return claims.email.split('@')[0];
  return claims.sub;
}

async function token(req, res, raw) {
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(auth);
  if (!m) return fail(res, 401, 'missing_authorization', 'Sign in first.');
  let claims;
  try {
    ({ payload: claims } = await jwtVerify(m[1], secret, {
      algorithms: ['HS256'], issuer, audience: 'authenticated', clockTolerance: leeway,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch (e) {
    if (e instanceof joseErrors.JWTExpired) return fail(res, 401, 'token_expired', 'Your session expired.');
    return fail(res, 401, 'invalid_token', 'Your session is not valid.');
  }
  if (claims.role !== 'authenticated' || typeof claims.sub !== 'string' || claims.sub === '' ||
      (claims.is_anonymous === true && !allowAnonymous))
    return fail(res, 401, 'invalid_token', 'Your session is not valid.');

  let body;
  try {
    body = JSON.parse(raw);
  } catch {
    return fail(res, 400, 'invalid_json', 'The body is not JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return fail(res, 400, 'invalid_json', 'The body is not a JSON object.');
  const roomType = body.roomType ?? body.roomName;
  if (roomType === undefined) return fail(res, 400, 'missing_room_type', 'roomType is required.');
  const room = ROOMS[roomType];
  if (!room) return fail(res, 400, 'invalid_room_type', 'Unknown roomType.');
  const name = displayName(claims, body.userName);
  if (name === null) return fail(res, 400, 'invalid_user_name', 'Invalid userName.');

  let role = claims.app_metadata?.role ?? defaultRole;
  if (!ROLES.has(role)) role = 'viewer';
  const grant = POLICY[role][roomType];
  if (!grant) return fail(res, 403, 'forbidden', 'Your role may not join this room.');

  const at = new AccessToken(apiKey, apiSecret, {
    identity: claims.sub, name, ttl, metadata: JSON.stringify({ role }), attributes: { role },
  });
  at.addGrant({ room, roomJoin: true, ...grant() });
  const jwt = await at.toJwt();
  send(res, 200, {
    token: jwt, livekitUrl, roomName: room, identity: claims.sub,
    expiresAt: Math.floor(Date.now() / 1000) + ttl,
  });
}

const server = http.createServer((req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/healthz') return send(res, 200, { status: 'ok' });
  if (path !== '/functions/v1/livekit-token') return fail(res, 404, 'not_found', 'No such endpoint.');
  if (req.method === 'OPTIONS') { res.writeHead(204, BASE_HEADERS); return res.end(); }
  if (req.method !== 'POST')
    return send(res, 405, { error: 'method_not_allowed', message: 'Use POST.' }, { Allow: 'POST, OPTIONS' });
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > 8192) { fail(res, 413, 'body_too_large', 'The body is over 8 KiB.'); req.destroy(); return; }
    chunks.push(c);
  });
  req.on('end', () => {
    if (res.headersSent) return;
    token(req, res, Buffer.concat(chunks).toString('utf8'))
      .catch(() => { if (!res.headersSent) fail(res, 500, 'internal_error', 'Internal error.'); });
  });
});
server.keepAliveTimeout = 65_000;

if (env.PEER_SOCKET) {
  try { fs.unlinkSync(env.PEER_SOCKET); } catch { /* not there */ }
  server.listen(env.PEER_SOCKET);
} else {
  server.listen(Number(env.PEER_PORT ?? 18890), '127.0.0.1');
}
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

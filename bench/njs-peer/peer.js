// The njs yardstick for `make bench` (issue 14): what a team could write in
// an afternoon with Debian's libnginx-mod-http-js, the whole job inside
// nginx with no upstream hop. The same checks as the Node peer: HS256 user
// token (exp, nbf/iat, aud, role, sub, iss, anonymous), the role x room
// policy, the LiveKit token, the JSON answer. Not product code. Settings
// come from the environment (the `env` lines of bench/nginx.conf.in).
const hmac = require('crypto'); // the global crypto is WebCrypto (getRandomValues)
const E = process.env;
const ISSUER = E.SUPABASE_URL ? E.SUPABASE_URL.replace(/\/+$/, '') + '/auth/v1' : '';

const ROOMS = { audition: 'audition-room', main_show: 'main-show' };
const CAM_MIC = ['camera', 'microphone'];
const POLICY = {
  judge: { audition: { canPublish: true, canPublishSources: CAM_MIC, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true },
    main_show: { canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true } },
  contestant: { audition: { canPublish: true, canPublishSources: CAM_MIC, canSubscribe: true, canPublishData: true },
    main_show: { canPublish: false, canSubscribe: true, canPublishData: true } },
  performer: { audition: { canPublish: true, canPublishSources: CAM_MIC, canSubscribe: true, canPublishData: true },
    main_show: { canPublish: true, canPublishSources: CAM_MIC, canSubscribe: true, canPublishData: true } },
  host: { audition: { canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true, roomAdmin: true },
    main_show: { canPublish: true, canSubscribe: true, canPublishData: true, canUpdateOwnMetadata: true, roomAdmin: true } },
  viewer: { main_show: { canPublish: false, canSubscribe: true, canPublishData: true } },
};

const b64 = (s) => Buffer.from(s).toString('base64url');
const mac = (key, data) => hmac.createHmac('sha256', key).update(data).digest('base64url');

function send(r, status, obj) {
  r.headersOut['Content-Type'] = 'application/json; charset=utf-8';
  r.headersOut['Cache-Control'] = 'no-store';
  r.headersOut['Access-Control-Allow-Origin'] = '*';
  if (status === 401) r.headersOut['WWW-Authenticate'] = 'Bearer realm="livekit-token", error="invalid_token"';
  r.return(status, JSON.stringify(obj));
}
const fail = (r, status, error, message) => send(r, status, { error, message });

function claimsOf(r, tok, now) {
  const p = tok.split('.');
  if (p.length !== 3) return null;
  let h, c;
  try { h = JSON.parse(Buffer.from(p[0], 'base64url').toString()); c = JSON.parse(Buffer.from(p[1], 'base64url').toString()); } catch (e) { return null; }
  if (h.alg !== 'HS256' || mac(E.SUPABASE_JWT_SECRET, p[0] + '.' + p[1]) !== p[2]) return null;
  const leeway = 30, iss = ISSUER;
  if (typeof c.exp !== 'number') return null;
  if (c.exp + leeway <= now) return 'expired';
  if ((c.nbf && c.nbf > now + leeway) || (c.iat && c.iat > now + leeway)) return null;
  const aud = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (aud.indexOf('authenticated') < 0 || c.role !== 'authenticated' || typeof c.sub !== 'string' || !c.sub) return null;
  if ((iss && c.iss !== iss) || c.is_anonymous === true) return null;
  return c;
}

function token(r) {
  if (r.method === 'OPTIONS') { r.headersOut['Access-Control-Allow-Origin'] = '*'; return r.return(204); }
  if (r.method !== 'POST') return fail(r, 405, 'method_not_allowed', 'Use POST.');
  const m = /^Bearer\s+(\S+)$/i.exec(r.headersIn.Authorization || '');
  if (!m) return fail(r, 401, 'missing_authorization', 'Sign in first.');
  const now = Math.floor(Date.now() / 1000);
  const c = claimsOf(r, m[1], now);
  if (c === 'expired') return fail(r, 401, 'token_expired', 'Your session expired.');
  if (!c) return fail(r, 401, 'invalid_token', 'Your session is not valid.');
  let body;
  try { body = JSON.parse(r.requestText); } catch (e) { return fail(r, 400, 'invalid_json', 'The body is not JSON.'); }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return fail(r, 400, 'invalid_json', 'The body is not a JSON object.');
  const roomType = body.roomType || body.roomName, room = ROOMS[roomType];
  if (!room) return fail(r, 400, roomType === undefined ? 'missing_room_type' : 'invalid_room_type', 'roomType is audition or main_show.');
  let role = (c.app_metadata && c.app_metadata.role) || 'viewer';
  if (!POLICY[role]) role = 'viewer';
  const grant = POLICY[role][roomType];
  if (!grant) return fail(r, 403, 'forbidden', 'Your role may not join this room.');
  const meta = c.user_metadata || {};
  const name = typeof body.userName === 'string' ? body.userName.trim() : (meta.full_name || meta.name || (c.email || '').split('@')[0] || c.sub);
  if (!name || name.length > 128 || /[\u0000-\u001f\u007f]/.test(name)) return fail(r, 400, 'invalid_user_name', 'Invalid userName.');
  const ttl = 3600, video = Object.assign({ room, roomJoin: true }, grant);
  const jti = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
  const claims = { iss: E.LIVEKIT_API_KEY, sub: c.sub, jti, nbf: now, exp: now + ttl, name,
    metadata: JSON.stringify({ role }), attributes: { role }, video };
  const input = b64('{"alg":"HS256","typ":"JWT"}') + '.' + b64(JSON.stringify(claims));
  send(r, 200, { token: input + '.' + mac(E.LIVEKIT_API_SECRET, input), livekitUrl: E.LIVEKIT_URL,
    roomName: room, identity: c.sub, expiresAt: now + ttl });
}

export default { token };

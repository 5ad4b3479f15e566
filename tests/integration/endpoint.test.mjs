// Every status and error code of the SPEC against the main stack (CORS '*',
// rate limit off), over HTTPS with fetch.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  stack, call, userToken, userClaims, signHS256, anonKey, b64url, decodeJwtPart, now,
  stackCmd, recordSecret, TOKEN_PATH,
} from '../lib/helpers.mjs';
import { assertError, assertCors, assertNoStore, assertJsonType, headerList } from '../lib/expect.mjs';

const st = stack('main');
const env = st.env;
const err = (res, status, code, sent = []) => assertError(res, status, code, { env, sent });

describe('200: a token', () => {
  test('judge in audition: body members, headers', async () => {
    const sub = randomUUID();
    const token = userToken(env, { role: 'judge', sub, userMetadata: { full_name: 'Jane Judge' } });
    const before = now();
    const res = await call(st, { token, body: { roomType: 'audition' } });
    assert.equal(res.status, 200, res.text);
    assertJsonType(res);
    assertNoStore(res);
    assertCors(res);
    const b = res.json;
    assert.equal(typeof b.token, 'string');
    assert.match(b.token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    assert.equal(b.livekitUrl, env.LIVEKIT_URL);
    assert.equal(b.roomName, 'audition-room');
    assert.equal(b.identity, sub);
    assert.ok(Number.isInteger(b.expiresAt), 'expiresAt is an integer (Unix seconds)');
    assert.ok(b.expiresAt >= before + 3600 - 5 && b.expiresAt <= now() + 3600 + 5, `expiresAt ${b.expiresAt}`);
    const p = decodeJwtPart(b.token, 1);
    assert.equal(p.sub, sub);
    assert.equal(p.exp, b.expiresAt);
    assert.equal(p.name, 'Jane Judge');
    assert.equal(p.video.room, 'audition-room');
    assert.ok(!b.token.includes(token.split('.')[2]));
  });

  test('viewer in main_show; Content-Type with a charset parameter; supabase-js headers', async () => {
    const res = await call(st, {
      token: userToken(env, { role: 'viewer' }),
      body: JSON.stringify({ roomType: 'main_show' }),
      contentType: 'application/json; charset=utf-8',
      headers: { apikey: anonKey(env), 'x-client-info': 'supabase-js-node/2.0.0', 'x-region': 'us-east-1' },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.roomName, 'main-show');
    assert.equal(decodeJwtPart(res.json.token, 1).video.canPublish, false);
  });

  test('unknown body members are ignored', async () => {
    const res = await call(st, {
      token: userToken(env, { role: 'contestant' }),
      body: { roomType: 'main_show', foo: 1, nested: { a: [1, 2, { b: null }] }, role: 'host', canPublish: true },
    });
    assert.equal(res.status, 200, res.text);
    const p = decodeJwtPart(res.json.token, 1);
    assert.equal(p.video.canPublish, false);
    assert.equal(p.attributes.role, 'contestant');
  });

  test('each token has its own jti', async () => {
    const token = userToken(env, { role: 'host' });
    const a = await call(st, { token, body: { roomType: 'main_show' } });
    const b = await call(st, { token, body: { roomType: 'main_show' } });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const ja = decodeJwtPart(a.json.token, 1).jti;
    const jb = decodeJwtPart(b.json.token, 1).jti;
    assert.ok(ja && jb && ja !== jb, `jti ${ja} / ${jb}`);
  });

  test('a token within the leeway (expired 5 s ago) is still accepted', async () => {
    const token = signHS256(userClaims(env, { role: 'viewer', iat: now() - 3605, ttl: 3600 }), env.SUPABASE_JWT_SECRET);
    const res = await call(st, { token, body: { roomType: 'main_show' } });
    assert.equal(res.status, 200, res.text);
  });
});

describe('roomName alias and client-asked permissions', () => {
  test('roomName main_show with canPublish/canSubscribe: the role decides', async () => {
    const res = await call(st, {
      token: userToken(env, { role: 'viewer' }),
      body: { roomName: 'main_show', canPublish: true, canSubscribe: false, canPublishData: false, roomAdmin: true },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.roomName, 'main-show');
    const v = decodeJwtPart(res.json.token, 1).video;
    assert.equal(v.room, 'main-show');
    assert.equal(v.canPublish, false);
    assert.equal(v.canSubscribe, true);
    assert.equal(v.canPublishData, true);
    assert.notEqual(v.roomAdmin, true);
  });

  test('roomName audition for a contestant; canPublish false asked, publish granted', async () => {
    const res = await call(st, {
      token: userToken(env, { role: 'contestant' }),
      body: { roomName: 'audition', canPublish: false, canSubscribe: false },
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.roomName, 'audition-room');
    const v = decodeJwtPart(res.json.token, 1).video;
    assert.equal(v.canPublish, true);
    assert.equal(v.canSubscribe, true);
  });

  test('roomName alias still refuses what the role may not join (viewer in audition)', async () => {
    const token = userToken(env, { role: 'viewer' });
    err(await call(st, { token, body: { roomName: 'audition', canPublish: true } }), 403, 'forbidden', [token]);
  });
});

describe('userName and its fallbacks', () => {
  const nameOf = async (opts, body = { roomType: 'main_show' }) => {
    const res = await call(st, { token: userToken(env, { role: 'viewer', ...opts }), body });
    assert.equal(res.status, 200, res.text);
    return decodeJwtPart(res.json.token, 1).name;
  };
  test('userName given: trimmed, wins over user_metadata', async () => {
    assert.equal(await nameOf({ userMetadata: { full_name: 'Meta Name' } }, { roomType: 'main_show', userName: '  Ann Lee \t' }), 'Ann Lee');
  });
  test('userName of 128 characters (multi-byte) is accepted', async () => {
    const n = 'é'.repeat(64) + '日'.repeat(64);
    assert.equal(await nameOf({}, { roomType: 'main_show', userName: n }), n);
  });
  test('absent: user_metadata.full_name', async () => {
    assert.equal(await nameOf({ email: 'x@example.com', userMetadata: { full_name: 'Full Name', name: 'Short' } }), 'Full Name');
  });
  test('absent, no full_name: user_metadata.name', async () => {
    assert.equal(await nameOf({ email: 'x@example.com', userMetadata: { name: 'Short Name' } }), 'Short Name');
  });
  test('absent, no names: the email local part', async () => {
    assert.equal(await nameOf({ email: 'carol.singer@example.com' }), 'carol.singer');
  });
  test('absent, nothing else: the user id', async () => {
    const sub = randomUUID();
    assert.equal(await nameOf({ sub, email: '' }), sub);
  });
  test('user_metadata.role never decides a permission', async () => {
    const res = await call(st, {
      token: userToken(env, { role: 'viewer', userMetadata: { role: 'host', full_name: 'Mallory' } }),
      body: { roomType: 'main_show' },
    });
    assert.equal(res.status, 200, res.text);
    const p = decodeJwtPart(res.json.token, 1);
    assert.equal(p.video.canPublish, false);
    assert.notEqual(p.video.roomAdmin, true);
    assert.equal(p.attributes.role, 'viewer');
    const res2 = await call(st, {
      token: userToken(env, { userMetadata: { role: 'judge' } }),
      body: { roomType: 'audition' },
    });
    err(res2, 403, 'forbidden');
  });
});

describe('204: CORS preflight', () => {
  test('OPTIONS answers 204 with the CORS headers and no body', async () => {
    const res = await call(st, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-client-info, apikey, content-type, x-region',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assertCors(res, '*');
    assert.deepEqual(headerList(res, 'access-control-allow-methods'), ['post', 'options']);
    const allowed = headerList(res, 'access-control-allow-headers');
    for (const h of ['authorization', 'x-client-info', 'apikey', 'content-type', 'x-region']) {
      assert.ok(allowed.includes(h), `Access-Control-Allow-Headers lacks ${h}: ${allowed}`);
    }
    const age = res.headers.get('access-control-max-age');
    assert.match(age ?? '', /^\d+$/, `Access-Control-Max-Age is ${age}`);
    assert.ok(Number(age) > 0);
  });
});

describe('405: other methods', () => {
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    test(`${method} -> 405 with Allow: POST, OPTIONS`, async () => {
      const res = await call(st, {
        method,
        token: userToken(env, { role: 'judge' }),
        body: method === 'GET' ? undefined : { roomType: 'main_show' },
      });
      err(res, 405, 'method_not_allowed');
      assert.deepEqual(headerList(res, 'allow'), ['post', 'options']);
    });
  }
});

describe('413: body too large', () => {
  test('a 9000-byte JSON body -> 413 body_too_large', async () => {
    const token = userToken(env, { role: 'judge' });
    const pad = 'x'.repeat(9000 - JSON.stringify({ roomType: 'main_show', pad: '' }).length);
    const body = JSON.stringify({ roomType: 'main_show', pad });
    assert.equal(Buffer.byteLength(body), 9000);
    err(await call(st, { token, body, contentType: 'application/json' }), 413, 'body_too_large', [token]);
  });

  test('a 2 MiB body that nginx refuses itself is still JSON with CORS', async () => {
    const token = userToken(env, { role: 'judge' });
    const body = Buffer.alloc(2 * 1024 * 1024, 0x20);
    err(await call(st, { token, body, contentType: 'application/json' }), 413, 'body_too_large', [token]);
  });

  test('a chunked body (no Content-Length) over 8 KiB -> 413 body_too_large', async () => {
    const token = userToken(env, { role: 'judge' });
    recordSecret(token);
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let n = 0;
    const stream = new ReadableStream({
      pull(c) {
        if (n++ < 12) c.enqueue(chunk); else c.close();
      },
    });
    const r = await fetch(st.url, {
      method: 'POST', body: stream, duplex: 'half',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    const text = await r.text();
    let json; try { json = JSON.parse(text); } catch { /* checked below */ }
    err({ status: r.status, headers: r.headers, text, json }, 413, 'body_too_large', [token]);
  });

  test('a body of exactly 8 KiB is accepted', async () => {
    const token = userToken(env, { role: 'judge' });
    const pad = 'x'.repeat(8192 - JSON.stringify({ roomType: 'main_show', pad: '' }).length);
    const body = JSON.stringify({ roomType: 'main_show', pad });
    assert.equal(Buffer.byteLength(body), 8192);
    const res = await call(st, { token, body, contentType: 'application/json' });
    assert.equal(res.status, 200, res.text);
  });
});

describe('415: not JSON', () => {
  test('text/plain -> 415', async () => {
    const token = userToken(env, { role: 'judge' });
    err(await call(st, { token, body: '{"roomType":"main_show"}', contentType: 'text/plain' }), 415, 'unsupported_media_type', [token]);
  });
  test('no Content-Type -> 415', async () => {
    const token = userToken(env, { role: 'judge' });
    const res = await call(st, { token, body: Buffer.from('{"roomType":"main_show"}'), contentType: null });
    err(res, 415, 'unsupported_media_type', [token]);
  });
  test('application/x-www-form-urlencoded -> 415', async () => {
    const token = userToken(env, { role: 'judge' });
    err(await call(st, { token, body: 'roomType=main_show', contentType: 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type', [token]);
  });
});

describe('400: bad bodies', () => {
  const token = () => userToken(env, { role: 'judge' });
  for (const [what, body] of [
    ['not JSON', 'roomType=main_show'],
    ['truncated JSON', '{"roomType":"main_show"'],
    ['a JSON array', '["main_show"]'],
    ['a JSON string', '"main_show"'],
    ['JSON null', 'null'],
    ['an empty body', ''],
    ['trailing garbage', '{"roomType":"main_show"} x'],
  ]) {
    test(`${what} -> invalid_json`, async () => {
      const t = token();
      err(await call(st, { token: t, body, contentType: 'application/json' }), 400, 'invalid_json', [t]);
    });
  }
  for (const [what, body] of [
    ['an empty object', {}],
    ['only userName', { userName: 'Ann' }],
  ]) {
    test(`${what} -> missing_room_type`, async () => {
      const t = token();
      err(await call(st, { token: t, body }), 400, 'missing_room_type', [t]);
    });
  }
  for (const [what, roomType] of [
    ['an unknown room', 'lobby'],
    ['the LiveKit room name instead of the type', 'audition-room'],
    ['another case', 'AUDITION'],
    ['an empty string', ''],
  ]) {
    test(`${what} -> invalid_room_type`, async () => {
      const t = token();
      err(await call(st, { token: t, body: { roomType } }), 400, 'invalid_room_type', [t]);
    });
  }
  test('roomType not a string -> 400 (invalid_room_type or invalid_json)', async () => {
    const t = token();
    err(await call(st, { token: t, body: { roomType: 42 } }), 400, ['invalid_room_type', 'invalid_json'], [t]);
  });
  test('roomName with an unknown room -> invalid_room_type', async () => {
    const t = token();
    err(await call(st, { token: t, body: { roomName: 'backstage' } }), 400, 'invalid_room_type', [t]);
  });
  for (const [what, userName] of [
    ['empty', ''],
    ['only spaces', '   '],
    ['129 characters', 'a'.repeat(129)],
    ['a newline inside', 'Ann\nLee'],
    ['a bell', 'Ann\u0007'],
    ['a right-to-left override', 'Ann\u202eeeL'],
  ]) {
    test(`userName ${what} -> invalid_user_name`, async () => {
      const t = token();
      err(await call(st, { token: t, body: { roomType: 'main_show', userName } }), 400, 'invalid_user_name', [t]);
    });
  }

  // The body parser refuses \u0000 anywhere in untrusted JSON, by design:
  // a NUL would truncate the C strings that claims are compared as. So a
  // NUL in userName is a 400 whose code is invalid_json.
  test('userName with a NUL -> 400 invalid_json', async () => {
    const t = token();
    err(await call(st, { token: t, body: { roomType: 'main_show', userName: 'a\u0000b' } }), 400, 'invalid_json', [t]);
  });
  test('userName not a string -> invalid_user_name', async () => {
    const t = token();
    err(await call(st, { token: t, body: { roomType: 'main_show', userName: 5 } }), 400, 'invalid_user_name', [t]);
  });
  test('userName with invalid UTF-8 bytes -> 400', async () => {
    const t = token();
    const body = Buffer.concat([Buffer.from('{"roomType":"main_show","userName":"An'), Buffer.from([0xff, 0xfe]), Buffer.from('n"}')]);
    err(await call(st, { token: t, body, contentType: 'application/json' }), 400, ['invalid_user_name', 'invalid_json'], [t]);
  });
});

describe('401: authentication', () => {
  const body = { roomType: 'main_show' };
  test('no Authorization -> missing_authorization', async () => {
    err(await call(st, { body }), 401, 'missing_authorization');
  });
  test('Authorization without a bearer token -> 401', async () => {
    err(await call(st, { body, headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401, ['missing_authorization', 'invalid_token']);
    err(await call(st, { body, headers: { authorization: 'Bearer' } }), 401, ['missing_authorization', 'invalid_token']);
  });
  test('the anon key minted by scripts/stack token --anon-key -> invalid_token', async () => {
    const key = await stackCmd(st, ['token', '--anon-key']);
    assert.match(key, /^eyJ/);
    assert.equal(decodeJwtPart(key, 1).role, 'anon');
    err(await call(st, { token: key, body }), 401, 'invalid_token', [key]);
  });
  test('a user token from scripts/stack token is accepted (control)', async () => {
    const t = await stackCmd(st, ['token', '--role', 'viewer']);
    recordSecret(t);
    const res = await call(st, { token: t, body });
    assert.equal(res.status, 200, res.text);
  });
  test('the service_role key -> invalid_token', async () => {
    const t = signHS256({ iss: 'supabase', ref: 'localdev', role: 'service_role', iat: now(), exp: now() + 3600 }, env.SUPABASE_JWT_SECRET);
    err(await call(st, { token: t, body }), 401, 'invalid_token', [t]);
  });

  const bad = {
    'garbage': () => 'not-a-jwt',
    'a tampered payload (role raised to host)': () => {
      const t = userToken(env, { role: 'viewer' }).split('.');
      const p = JSON.parse(Buffer.from(t[1], 'base64url'));
      p.app_metadata.role = 'host';
      return `${t[0]}.${b64url(p)}.${t[2]}`;
    },
    'a wrong secret': () => signHS256(userClaims(env, { role: 'judge' }), 'not-the-secret-' + env.SUPABASE_JWT_SECRET),
    'signed with the LiveKit API secret': () => signHS256(userClaims(env, { role: 'judge' }), env.LIVEKIT_API_SECRET),
    'alg none': () => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(userClaims(env, { role: 'judge' }))}.`,
    'alg HS512': () => signHS256(userClaims(env, { role: 'judge' }), env.SUPABASE_JWT_SECRET, { alg: 'HS512', typ: 'JWT' }),
    'a wrong aud': () => userToken(env, { role: 'judge', extra: { aud: 'anon' } }),
    'no aud': () => userToken(env, { role: 'judge', extra: { aud: undefined } }),
    'role anon': () => userToken(env, { role: 'judge', extra: { role: 'anon' } }),
    'no exp': () => userToken(env, { role: 'judge', extra: { exp: undefined } }),
    'an empty sub': () => userToken(env, { role: 'judge', extra: { sub: '' } }),
    'no sub': () => userToken(env, { role: 'judge', extra: { sub: undefined } }),
    'a wrong iss': () => userToken(env, { role: 'judge', extra: { iss: 'https://evil.example.com/auth/v1' } }),
    'iat in the future': () => userToken(env, { role: 'judge', iat: now() + 600 }),
    'an anonymous user (ALLOW_ANONYMOUS unset)': () => userToken(env, { role: 'judge', anonymous: true }),
    'padding in base64url': () => {
      const [h, p, s] = userToken(env, { role: 'judge' }).split('.');
      return `${h}.${p}.${s}=`;
    },
    'a header that is not JSON': () => signHS256(userClaims(env, { role: 'judge' }), env.SUPABASE_JWT_SECRET, 'not json'),
    'a payload that is not an object': () => signHS256('[1,2]', env.SUPABASE_JWT_SECRET),
  };
  for (const [what, make] of Object.entries(bad)) {
    test(`${what} -> invalid_token`, async () => {
      const t = make();
      err(await call(st, { token: t, body }), 401, 'invalid_token', [t]);
    });
  }

  test('an expired token -> token_expired', async () => {
    const t = userToken(env, { role: 'judge', iat: now() - 7200, ttl: 3600 });
    err(await call(st, { token: t, body }), 401, 'token_expired', [t]);
  });
  test('expired 2 minutes ago (beyond the 30 s leeway) -> token_expired', async () => {
    const t = userToken(env, { role: 'judge', iat: now() - 3720, ttl: 3600 });
    err(await call(st, { token: t, body }), 401, 'token_expired', [t]);
  });
  test('an Authorization header with a ~9 KiB token -> JSON 401, not nginx HTML', async () => {
    let big = '';
    for (let pad = 6000; big.length < 9216; pad += 16) {
      big = userToken(env, { role: 'judge', userMetadata: { pad: 'x'.repeat(pad) } });
    }
    assert.ok(big.length > 9000 && big.length < 9300, `token is ${big.length} bytes`);
    err(await call(st, { token: big, body }), 401, 'invalid_token', [big]);
  });
  test('a 40 KiB Authorization header -> JSON 401 (or nginx JSON 400), never HTML', async () => {
    const huge = 'eyJ' + 'A'.repeat(40 * 1024);
    const res = await call(st, { token: huge, body });
    assert.ok([400, 401, 431].includes(res.status), `status ${res.status}`);
    assertJsonType(res);
    assertCors(res);
    assertNoStore(res);
    assert.ok(res.json && typeof res.json.error === 'string', res.text.slice(0, 200));
  });
});

describe('403: the role may not join', () => {
  for (const [what, role] of [['viewer', 'viewer'], ['an unknown role', 'superstar'], ['a missing role (DEFAULT_ROLE viewer)', undefined]]) {
    test(`${what} in audition -> forbidden`, async () => {
      const t = userToken(env, { role });
      err(await call(st, { token: t, body: { roomType: 'audition' } }), 403, 'forbidden', [t]);
    });
  }
});

describe('other paths', () => {
  for (const p of ['/', '/nope', '/functions/v1/other', '/functions/v1/livekit-token/x', '/functions/v1/livekit-token2']) {
    test(`${p} -> 404 JSON`, async () => {
      const res = await call(st, { method: 'GET', path: p });
      assertError(res, 404, 'not_found', { env });
    });
  }
  test('POST to an unknown path -> 404 JSON', async () => {
    const t = userToken(env, { role: 'judge' });
    assertError(await call(st, { path: '/functions/v1/livekit-tokens', token: t, body: { roomType: 'main_show' } }), 404, 'not_found', { env, sent: [t] });
  });
  test('GET /healthz -> 200 {"status":"ok"}', async () => {
    const res = await call(st, { method: 'GET', path: '/healthz' });
    assert.equal(res.status, 200);
    assertJsonType(res);
    assert.deepEqual(res.json, { status: 'ok' });
    assertNoStore(res);
  });
});

// FastCGI request smuggling through a body the worker did not read (found
// in review). nginx keeps its connections to the workers open
// (fastcgi_keep_conn), and libfcgi reads a connection 8 KiB at a time but
// never reads a request's stdin to its end by itself: a request whose body
// the worker did not need (POST /healthz, PUT on the token path, …) left
// the rest of that body on the connection, and the next FCGX_Accept_r took
// it for the next request's records. A client that lines its body up with
// byte 8192 (a 7 KB Authorization header moves the body there) could then
// send the workers requests nginx never sent, with any REMOTE_ADDR,
// REQUEST_ID and token it liked: here, failed authentications charged to
// another address until the failed-authentication guard locked it out.
// Stack authguard (AUTH_FAILURE_BURST=5, 2 workers).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  stack, callFrom, callFromDone, userToken, fileText, TOKEN_PATH,
} from '../lib/helpers.mjs';

const st = stack('authguard');
after(callFromDone);

// FastCGI records (the protocol's own layout: version 1, big-endian).
function record(type, content = Buffer.alloc(0)) {
  const pad = (8 - (content.length % 8)) % 8;
  const h = Buffer.alloc(8);
  h.writeUInt8(1, 0); h.writeUInt8(type, 1); h.writeUInt16BE(1, 2);
  h.writeUInt16BE(content.length, 4); h.writeUInt8(pad, 6);
  return Buffer.concat([h, content, Buffer.alloc(pad)]);
}
function pair(name, value) {
  const len = (n) => (n < 128 ? Buffer.from([n]) : Buffer.from([(n >>> 24) | 0x80, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]));
  return Buffer.concat([len(Buffer.byteLength(name)), len(Buffer.byteLength(value)), Buffer.from(name), Buffer.from(value)]);
}
function fcgiRequest(params, body) {
  const begin = Buffer.from([0, 1, 1, 0, 0, 0, 0, 0]);	// role responder, keep the connection
  const p = Buffer.concat(Object.entries(params).map(([k, v]) => pair(k, v)));
  return Buffer.concat([record(1, begin), record(4, p), record(4), record(5, body), record(5)]);
}

const VICTIM = '127.0.0.41';
const SMUGGLED = 6;	// one more than the stack's AUTH_FAILURE_BURST
const bigAuth = `Bearer ${'A'.repeat(7000)}`;

// What nginx sends before this body, by nginx/fastcgi.conf's parameters,
// so that the forged records start at byte 8192 of the connection.
function bodyStart(bodyLen, requestId) {
  const p = Buffer.concat([
    pair('REQUEST_METHOD', 'POST'), pair('DOCUMENT_URI', '/healthz'),
    pair('CONTENT_TYPE', 'application/json'), pair('CONTENT_LENGTH', String(bodyLen)),
    pair('HTTP_AUTHORIZATION', bigAuth), pair('REQUEST_ID', requestId), pair('REMOTE_ADDR', '127.0.0.1'),
  ]);
  return 16 + 8 + p.length + ((8 - (p.length % 8)) % 8) + 8 + 8;
}

function attackBody(shift, tag) {
  const json = Buffer.from('{"roomType":"main_show"}');
  const forged = [];
  for (let i = 0; i < SMUGGLED; i++) {
    forged.push(fcgiRequest({
      REQUEST_METHOD: 'POST', DOCUMENT_URI: TOKEN_PATH, CONTENT_TYPE: 'application/json',
      CONTENT_LENGTH: String(json.length), HTTP_AUTHORIZATION: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.AAAA',
      REQUEST_ID: `SMUGGLED${tag}${String(i).padStart(2, '0')}`.padEnd(32, '0'), REMOTE_ADDR: VICTIM,
    }, json));
  }
  const inner = Buffer.concat(forged);
  const start = bodyStart(8000, '0'.repeat(32)) + shift;
  return Buffer.concat([Buffer.alloc(8192 - start, 'X'), inner]);
}

test('a body nobody read is not taken for the next request: no forged request is served, the victim address keeps its budget', async () => {
  // The exact start depends on nginx's parameters; nudge it by whole
  // records either way, so that one attempt lines up whatever changed.
  const statuses = [];
  for (let shift = -128; shift <= 128; shift += 8) {
    const tag = String(shift + 128).padStart(3, '0');
    const body = attackBody(shift, tag);
    assert.ok(body.length <= 8192, 'within client_max_body_size');
    const r = await callFrom(st, '127.0.0.1', {
      method: 'POST', path: '/healthz', body,
      headers: { authorization: bigAuth, 'content-type': 'application/json', 'content-length': String(body.length) },
    });
    statuses.push(r.status);
  }
  assert.ok(statuses.every((s) => s < 500), `no answer failed: ${statuses.join(' ')}`);
  // Give a forged request, had one been read, the time to be served and logged.
  await new Promise((r) => setTimeout(r, 500));
  const forged = fileText(st.workerLog).split('\n').filter((l) => l.includes('"request_id":"SMUGGLED'));
  assert.deepEqual(forged, [], 'requests nginx never sent were served');
  const r = await callFrom(st, VICTIM, { token: userToken(st.env, { role: 'viewer' }), body: { roomType: 'main_show' } });
  assert.equal(r.status, 200, `the victim address: ${r.text}`);
});

test('the same through a method the token path refuses (PUT with a body): 405, and nothing smuggled', async () => {
  const statuses = [];
  for (let shift = -128; shift <= 128; shift += 8) {
    const body = attackBody(shift - 8, `P${String(shift + 128).padStart(3, '0')}`);
    const r = await callFrom(st, '127.0.0.1', {
      method: 'PUT', body,
      headers: { authorization: bigAuth, 'content-type': 'application/json', 'content-length': String(body.length) },
    });
    statuses.push(r.status);
  }
  assert.ok(statuses.every((s) => s === 405), `every PUT is 405: ${statuses.join(' ')}`);
  await new Promise((r) => setTimeout(r, 500));
  const forged = fileText(st.workerLog).split('\n').filter((l) => l.includes('"request_id":"SMUGGLED'));
  assert.deepEqual(forged, []);
});

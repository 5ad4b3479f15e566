// The try-it page: get a LiveKit token from this stack the way the app
// does, and show what is in it. Plain JavaScript, no build step; the
// LiveKit token is decoded by livekit-client (vendor/, copied from npm at
// build time).
'use strict';

(() => {
  const ENDPOINT = '/functions/v1/livekit-token';
  const $ = (id) => document.getElementById(id);
  const ROLE_NAMES = {
    judge: 'Jane Judge', contestant: 'Carl Contestant', performer: 'Paula Performer',
    host: 'Hana Host', viewer: 'Vic Viewer',
  };
  // What to do about each error code, for a person.
  const HINTS = {
    missing_authorization: 'Send the user\'s Supabase access token as "Authorization: Bearer …".',
    invalid_token: 'The token is not a Supabase user token this service accepts: a bad signature, another project (iss), or an API key such as the anon key (the user is not signed in). The service log says which.',
    token_expired: 'The Supabase session expired: refresh it (supabase.auth.refreshSession()) and ask again.',
    forbidden: 'This role may not join this room (viewers may not join auditions). The role comes from app_metadata.role.',
    invalid_json: 'The body must be one JSON object.',
    missing_room_type: 'Send "roomType": "audition" or "main_show".',
    invalid_room_type: 'roomType must be "audition" or "main_show".',
    invalid_user_name: 'The display name must be 1–128 characters of text, without control characters.',
    rate_limited: 'Too many requests from this address: wait for Retry-After seconds.',
    server_misconfigured: 'A LiveKit setting is missing on the server: its log names it.',
    bad_gateway: 'No worker answered: is the stack running? (make run)',
    service_unavailable: 'No worker answered: is the stack running? (make run)',
    gateway_timeout: 'A worker took too long to answer.',
  };

  let devTokens = null;
  let countdownTimer = null;

  // ---- small helpers ---------------------------------------------------------

  function decodeJwt(token) {
    if (window.LivekitClient && window.LivekitClient.decodeTokenPayload) {
      return window.LivekitClient.decodeTokenPayload(token);
    }
    throw new Error('livekit-client is missing (vendor/livekit-client.umd.js): run make');
  }

  function tryDecode(token) {
    try { return decodeJwt(token); } catch { return null; }
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v; else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  function fillFacts(dl, pairs) {
    dl.replaceChildren();
    for (const [k, v] of pairs) {
      if (v === undefined || v === null || v === '') continue;
      dl.append(el('dt', {}, k), el('dd', {}, v instanceof Node ? v : String(v)));
    }
  }

  function fillTable(table, rows) {
    const body = table.tBodies[0];
    body.replaceChildren();
    for (const r of rows) body.append(el('tr', r.attrs || {}, ...r.cells.map((c, i) => el(i ? 'td' : 'th', {}, c))));
  }

  const when = (sec) => new Date(sec * 1000).toLocaleString();

  function duration(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    const mm = String(m).padStart(2, '0'), ss = String(r).padStart(2, '0');
    return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
  }

  // ---- 1. the Supabase token -------------------------------------------------

  const mode = () => (document.querySelector('input[name=mode]:checked') || {}).value;

  function supabaseToken() {
    if (mode() === 'paste') return $('token-input').value.trim().replace(/^Bearer\s+/i, '');
    if (!devTokens) return '';
    const role = $('role').value;
    if (role === 'expired') return devTokens.expired || '';
    if (role === 'anonKey') return devTokens.anonKey || '';
    return (devTokens.tokens || {})[role] || '';
  }

  function showUser() {
    $('dev-pane').hidden = mode() !== 'dev';
    $('paste-pane').hidden = mode() !== 'paste';
    const token = supabaseToken();
    const c = token ? tryDecode(token) : null;
    const dl = $('user-facts');
    if (!token) { dl.hidden = true; return; }
    dl.hidden = false;
    if (!c) {
      fillFacts(dl, [['Supabase token', 'not a JWT (the service will answer 401 invalid_token)']]);
      return;
    }
    const now = Date.now() / 1000;
    const app = c.app_metadata || {};
    const meta = c.user_metadata || {};
    fillFacts(dl, [
      ['user id (sub)', c.sub || '— (no user: an API key?)'],
      ['role claim', c.role],
      ['app role', app.role || (c.sub ? '— (DEFAULT_ROLE applies)' : undefined)],
      ['name', meta.full_name || meta.name],
      ['e-mail', c.email],
      ['issuer', c.iss],
      ['expires', c.exp ? `${when(c.exp)} (${c.exp < now ? 'expired' : `in ${duration(c.exp - now)}`})` : undefined],
    ]);
  }

  async function loadDevTokens() {
    const note = $('dev-note');
    try {
      const r = await fetch('dev-tokens.json', { cache: 'no-store' });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      devTokens = await r.json();
      if (devTokens.error) throw new Error(devTokens.error);
      note.textContent = `Development users minted by scripts/stack when this stack started, with its own SUPABASE_JWT_SECRET; valid until ${when(devTokens.expiresAt)}. Restart (make run) for new ones. A production deployment has none of this.`;
    } catch (e) {
      devTokens = null;
      note.textContent = `No development tokens here (${e.message}): only the development stack (make run) mints them. Paste a Supabase access token instead.`;
      note.classList.add('warn');
      $('mode-paste').checked = true;
    }
    showUser();
  }

  // ---- 2. the request ----------------------------------------------------------

  async function getToken() {
    const token = supabaseToken();
    const body = { roomType: $('room-type').value };
    const name = $('user-name').value;
    if (name.trim() !== '') body.userName = name;
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;

    $('get-token').disabled = true;
    const started = performance.now();
    let res, text;
    try {
      res = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(body), cache: 'no-store' });
      text = await res.text();
    } catch (e) {
      showError({ status: 'no answer', code: 'network_error', message: `The request did not reach the service: ${e.message}`, hint: 'Is the stack running? (make run)' });
      return;
    } finally {
      $('get-token').disabled = false;
    }
    const ms = Math.round(performance.now() - started);
    let json = null;
    try { json = JSON.parse(text); } catch { /* shown raw below */ }

    $('result').hidden = false;
    $('status').textContent = `${res.status} ${res.statusText || ''} · ${ms} ms`.replace('  ', ' ');
    $('status').className = `status ${res.ok ? 'ok' : 'bad'}`;
    $('raw').textContent = `HTTP ${res.status}\n${json ? JSON.stringify(json, null, 2) : text}`;
    $('curl').textContent = curlFor(body, token);

    if (res.ok && json && json.token) return showToken(json);
    const retryAfter = res.headers.get('Retry-After');
    showError({
      status: res.status,
      code: (json && json.error) || 'unexpected_answer',
      message: (json && json.message) || text.slice(0, 300) || res.statusText,
      hint: [HINTS[json && json.error] || '', retryAfter ? `Retry-After: ${retryAfter} s.` : ''].filter(Boolean).join(' '),
    });
  }

  function curlFor(body, token) {
    const origin = window.location.origin;
    return [
      `curl -k ${origin}${ENDPOINT} \\`,
      `  -H 'Authorization: Bearer ${token ? `${token.slice(0, 12)}…` : ''}' \\`,
      "  -H 'Content-Type: application/json' \\",
      `  -d '${JSON.stringify(body).replace(/'/g, "'\\''")}'`,
    ].join('\n');
  }

  // ---- 3. the answer -------------------------------------------------------------

  function showError({ status, code, message, hint }) {
    stopCountdown();
    $('result').hidden = false;
    $('success').hidden = true;
    $('error').hidden = false;
    $('error-status').textContent = typeof status === 'number' ? `HTTP ${status}` : status;
    $('error-code').textContent = code;
    $('error-message').textContent = message;
    $('error-hint').textContent = hint || '';
  }

  const yes = (v) => el('span', { class: v ? 'yes' : 'no' }, v ? '✓ yes' : '✗ no');

  function showToken(answer) {
    $('error').hidden = true;
    $('success').hidden = false;
    const p = decodeJwt(answer.token);
    const v = p.video || {};

    fillFacts($('answer-facts'), [
      ['livekitUrl', answer.livekitUrl],
      ['roomName', answer.roomName],
      ['identity', answer.identity],
      ['expiresAt', `${answer.expiresAt} (${when(answer.expiresAt)})`],
    ]);

    const sources = v.canPublish === false ? '—'
      : (v.canPublishSources && v.canPublishSources.length ? v.canPublishSources.join(', ') : 'every source');
    fillTable($('grants'), [
      { attrs: { 'data-grant': 'room' }, cells: ['room', v.room || '—'] },
      { attrs: { 'data-grant': 'roomJoin' }, cells: ['join the room', yes(v.roomJoin)] },
      { attrs: { 'data-grant': 'canPublish' }, cells: ['publish audio/video', yes(v.canPublish !== false)] },
      { attrs: { 'data-grant': 'canPublishSources' }, cells: ['…from', sources] },
      { attrs: { 'data-grant': 'canSubscribe' }, cells: ['subscribe (see and hear others)', yes(v.canSubscribe !== false)] },
      { attrs: { 'data-grant': 'canPublishData' }, cells: ['send data (chat)', yes(v.canPublishData !== undefined ? v.canPublishData : v.canPublish !== false)] },
      { attrs: { 'data-grant': 'canUpdateOwnMetadata' }, cells: ['update own attributes', yes(!!v.canUpdateOwnMetadata)] },
      { attrs: { 'data-grant': 'roomAdmin' }, cells: ['room admin', yes(!!v.roomAdmin)] },
    ]);

    const rows = [
      ['iss (API key)', p.iss], ['sub (identity)', p.sub], ['name', p.name],
      ['metadata', p.metadata], ['attributes', p.attributes ? JSON.stringify(p.attributes) : undefined],
      ['jti', p.jti], ['nbf', p.nbf ? `${p.nbf} (${when(p.nbf)})` : undefined],
      ['exp', p.exp ? `${p.exp} (${when(p.exp)})` : undefined],
    ].filter(([, val]) => val !== undefined);
    fillTable($('claims'), rows.map(([k, val]) => ({ cells: [k, val] })));

    $('token').textContent = answer.token;
    startCountdown(p.nbf || Math.floor(Date.now() / 1000), answer.expiresAt);
  }

  function stopCountdown() {
    if (countdownTimer) clearInterval(countdownTimer);
    countdownTimer = null;
  }

  function startCountdown(from, to) {
    stopCountdown();
    $('expires-at').textContent = `at ${new Date(to * 1000).toLocaleTimeString()}`;
    const tick = () => {
      const left = to - Date.now() / 1000;
      const cd = $('countdown');
      cd.textContent = left > 0 ? duration(left) : 'expired';
      cd.className = left <= 0 ? 'bad' : left < 60 ? 'warn' : '';
      $('bar-fill').style.width = `${Math.max(0, Math.min(100, (100 * left) / (to - from)))}%`;
      if (left <= 0) stopCountdown();
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  }

  // ---- wiring ----------------------------------------------------------------------

  function roleChanged() {
    const name = ROLE_NAMES[$('role').value];
    if (mode() === 'dev' && name) $('user-name').placeholder = `from the token: ${name}`;
    showUser();
  }

  document.querySelectorAll('input[name=mode]').forEach((r) => r.addEventListener('change', showUser));
  $('role').addEventListener('change', roleChanged);
  $('token-input').addEventListener('input', showUser);
  $('get-token').addEventListener('click', getToken);
  $('copy').addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText($('token').textContent);
      $('copy').textContent = 'Copied';
    } catch {
      window.getSelection().selectAllChildren($('token'));
      $('copy').textContent = 'Selected';
    }
    setTimeout(() => { $('copy').textContent = 'Copy'; }, 1500);
  });
  loadDevTokens().then(roleChanged);
})();

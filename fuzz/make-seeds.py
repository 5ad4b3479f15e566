#!/usr/bin/env python3
# Writes the seed corpora fuzz/corpus/*/ (deterministic: same files each run).
# A developer tool, Python 3 standard library only; no suite runs it.
#   fuzz/make-seeds.py fuzz/corpus
import base64, hmac, hashlib, json, os, sys
ROOT = sys.argv[1]
SECRET = b"super-secret-jwt-token-with-at-least-32-characters-long"
ISS = "https://abcdefghijklmnopqrst.supabase.co/auth/v1"
IAT = 1763996400; EXP = IAT + 7200
def b64(b): return base64.urlsafe_b64encode(b).rstrip(b"=")
def js(o): return json.dumps(o, separators=(",", ":"), ensure_ascii=False).encode()
def sign(header, payload, secret=SECRET):
    h = header if isinstance(header, bytes) else js(header)
    p = payload if isinstance(payload, bytes) else js(payload)
    si = b64(h) + b"." + b64(p)
    return si + b"." + b64(hmac.new(secret, si, hashlib.sha256).digest())
def put(target, name, data):
    d = os.path.join(ROOT, target); os.makedirs(d, exist_ok=True)
    if isinstance(data, str): data = data.encode()
    open(os.path.join(d, name), "wb").write(data)

HS = {"alg": "HS256", "typ": "JWT"}
HSK = {"alg": "HS256", "kid": "5fHRbd0lPIN2mxBm", "typ": "JWT"}
def user(sub="8d0d6c4e-2b5a-4a8f-9c3e-6f1e2d7a9b01", **kw):
    p = {"iss": ISS, "sub": sub, "aud": "authenticated", "exp": EXP, "iat": IAT,
         "email": "ana@example.com", "phone": "",
         "app_metadata": {"provider": "email", "providers": ["email"], "role": "judge"},
         "user_metadata": {"email": "ana@example.com", "email_verified": True,
                           "full_name": "Ana Lima", "phone_verified": False, "sub": sub},
         "role": "authenticated", "aal": "aal1",
         "amr": [{"method": "password", "timestamp": IAT}],
         "session_id": "0b6f1c2e-7d3a-4e5f-8a9b-c0d1e2f3a4b5", "is_anonymous": False}
    p.update(kw)
    return p

# --- jwt: whole tokens (read as tokens) and payloads (signed by the target)
put("jwt", "supabase-user-judge", sign(HSK, user()))
put("jwt", "supabase-user-nokid", sign(HS, user(app_metadata={"provider": "email", "providers": ["email"]})))
put("jwt", "supabase-user-host-aud-array", sign(HSK, user(aud=["authenticated", "other"], app_metadata={"role": "host"})))
put("jwt", "supabase-user-unknown-role", sign(HSK, user(app_metadata={"role": "superuser"})))
put("jwt", "supabase-user-email-only", sign(HS, {"iss": ISS, "sub": "u-1", "aud": "authenticated", "exp": EXP, "role": "authenticated", "email": "jose.silva@example.com"}))
put("jwt", "supabase-anonymous-user", sign(HSK, user(is_anonymous=True, email="", user_metadata={}, app_metadata={"provider": "anonymous", "providers": ["anonymous"]})))
put("jwt", "supabase-expired", sign(HSK, user(iat=IAT - 7200, exp=IAT - 3600)))
put("jwt", "supabase-nbf-future", sign(HSK, user(nbf=EXP)))
put("jwt", "supabase-anon-key", sign(HS, {"iss": "supabase-demo", "role": "anon", "exp": 1983812996}))
put("jwt", "supabase-service-role-key", sign(HS, {"iss": "supabase-demo", "role": "service_role", "exp": 1983812996}))
put("jwt", "exp-float", sign(HS, user(exp=1764003600.5)))
put("jwt", "exp-string", sign(HS, user(exp="1764003600")))
put("jwt", "wrong-secret", sign(HSK, user(), b"not-the-secret-not-the-secret-not-the-secret"))
good = sign(HSK, user())
put("jwt", "bad-signature", good[:-2] + (b"AA" if good[-2:] != b"AA" else b"AB"))
put("jwt", "alg-none", b64(js({"alg": "none", "typ": "JWT"})) + b"." + b64(js(user())) + b".")
put("jwt", "alg-none-lowercase-sig", b64(js({"alg": "none"})) + b"." + b64(js(user())) + b"." + good.split(b".")[2])
def fake(header, payload, siglen):
    si = b64(js(header)) + b"." + b64(js(payload))
    return si + b"." + b64(hashlib.sha512(si).digest() * (siglen // 64))
# Asymmetric algs with signatures of the right size: no key for them here.
put("jwt", "alg-rs256-kid", fake({"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}, user(), 256))
put("jwt", "alg-es256-kid", fake({"alg": "ES256", "kid": "a8c1a2b3-ec", "typ": "JWT"}, user(), 64))
put("jwt", "alg-eddsa-kid", fake({"alg": "EdDSA", "kid": "ed-1", "typ": "JWT"}, user(), 64))
put("jwt", "header-crit", sign({"alg": "HS256", "crit": ["exp"], "exp": 1}, user()))
put("jwt", "header-jku", sign({"alg": "HS256", "jku": "https://evil.example/jwks.json"}, user()))
put("jwt", "header-jwk", sign({"alg": "HS256", "jwk": {"kty": "oct", "k": "AAAA"}}, user()))
put("jwt", "header-typ-at+jwt", sign({"alg": "HS256", "typ": "at+jwt"}, user()))
put("jwt", "header-kid-slash", sign({"alg": "HS256", "kid": "../../etc/passwd"}, user()))
put("jwt", "header-duplicate-alg", sign(b'{"alg":"HS256","alg":"none"}', user()))
put("jwt", "payload-duplicate-sub", sign(HS, b'{"sub":"a","sub":"b","role":"authenticated","aud":"authenticated","exp":1764003600}'))
put("jwt", "padded-segments", b".".join(base64.urlsafe_b64encode(base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))) for s in good.split(b".")))
put("jwt", "four-segments", good + b".e30")
put("jwt", "two-segments", b".".join(good.split(b".")[:2]))
# Regression seed: libsodium 1.0.18 decoded any byte >= 0x80 as '_', so a
# signature with one '_' swapped for 0xC3 still verified.
i = 0
while True:
    t = sign(HSK, user(session_id="0b6f1c2e-7d3a-4e5f-8a9b-%012d" % i))
    sig = t.split(b".")[2]
    if b"_" in sig:
        break
    i += 1
pos = t.rindex(b"_")
put("jwt", "regress-b64url-high-byte-sig", t[:pos] + b"\xc3" + t[pos + 1:])
# payload-only seeds (the target also signs them)
put("jwt", "payload-user", js(user()))
put("jwt", "payload-minimal", js({"sub": "u", "role": "authenticated", "aud": "authenticated", "exp": EXP}))
put("jwt", "payload-names", js({"sub": "u2", "role": "authenticated", "aud": ["x", "authenticated"], "exp": EXP, "iat": IAT, "nbf": IAT, "iss": ISS, "email": "  @example.com", "user_metadata": {"name": "\u202eevil", "full_name": " "}, "app_metadata": {"role": None}}))
put("jwt", "payload-anon", js({"role": "anon", "iss": "supabase-demo", "exp": 1983812996}))
# Supabase's new API keys as the bearer (issue 12): not JWTs
put("jwt", "api-key-publishable", "sb_publishable_dGVzdA_abc123")
put("jwt", "api-key-secret", "sb_secret_dGVzdA_abc123")

# --- address: REMOTE_ADDR as nginx writes it, and what it must refuse
for name, text in [("v4", "203.0.113.7"), ("v4-loopback", "127.0.0.1"), ("v6", "2001:db8::1"),
                   ("v6-full", "2001:0db8:0000:0000:0000:ff00:0042:8329"), ("v6-mapped", "::ffff:192.0.2.1"),
                   ("v6-compat", "::1.2.3.4"), ("v6-zone", "fe80::1%eth0"), ("v6-brackets", "[2001:db8::1]"),
                   ("unix", "unix:"), ("empty", ""), ("v4-leading-zero", "010.1.1.1"), ("v4-port", "1.2.3.4:80"),
                   ("v6-longest", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255"), ("nul", "1.2.3.4\x00junk")]:
    put("address", name, text.encode().decode("unicode_escape").encode("latin-1"))

# --- b64url
put("b64url", "rfc4648-foobar", "Zm9vYmFy")
put("b64url", "rfc4648-fooba", "Zm9vYmE")
put("b64url", "rfc4648-foob", "Zm9vYg")
put("b64url", "jwt-header", b64(js(HSK)))
put("b64url", "jwt-payload", b64(js(user())))
put("b64url", "hmac-sig", good.split(b".")[2])
put("b64url", "all-alphabet", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
put("b64url", "padded", "Zm9vYg==")
put("b64url", "standard-alphabet", "+/+/")
put("b64url", "noncanonical-bits", "Zh")
put("b64url", "length-mod4-1", "Zm9vY")
put("b64url", "whitespace", "Zm9v\nYmFy")
put("b64url", "regress-high-byte", b"\xf5A")  # minimised by libFuzzer
put("b64url", "empty", "")

# --- json (json_parse, read against json-c)
put("json", "jwt-header", js(HSK))
put("json", "supabase-payload", js(user()))
put("json", "supabase-payload-pretty", json.dumps(user(), indent=2, ensure_ascii=True))
put("json", "body", '{"roomType":"audition","userName":"Ana"}')
put("json", "numbers", '{"a":0,"b":-0,"c":1.5e10,"d":-2.25E-3,"e":9223372036854775807,"f":-9223372036854775808,"g":0.1,"h":1e308}')
put("json", "int-overflow", '{"a":9223372036854775808}')
put("json", "escapes", '{"s":"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83c\\udfa4 caf\u00e9"}')
put("json", "lone-surrogate", '{"s":"\\ud800"}')
put("json", "nul-escape", '{"s":"a\\u0000b"}')
put("json", "duplicate-key", '{"a":1,"a":2}')
put("json", "nested", '{"a":[1,[2,[3,{"b":[true,false,null]}]]],"c":{}}')
put("json", "too-deep", "{\"a\":" + "[" * 16 + "]" * 16 + "}")
put("json", "trailing", '{"a":1} x')
put("json", "trailing-comma", '{"a":1,}')
put("json", "top-array", '[1,2]')
put("json", "overlong-utf8", b'{"s":"\xc0\xaf"}')
put("json", "utf8-4byte", '{"\U0001f3a4":"\u00e9\u4e2d"}')

# --- body
put("body", "audition-ana", '{"roomType":"audition","userName":"Ana"}')
put("body", "main-show", '{"roomType":"main_show"}')
put("body", "room-name-frontend", '{"roomName":"audition","userName":"Jane Judge","canPublish":true,"canSubscribe":true}')
put("body", "both-agree", '{"roomType":"main_show","roomName":"main_show"}')
put("body", "both-disagree", '{"roomType":"main_show","roomName":"audition"}')
put("body", "unknown-room", '{"roomType":"backstage"}')
put("body", "room-not-string", '{"roomType":1}')
put("body", "room-null", '{"roomType":null,"roomName":"audition"}')
put("body", "missing-room", '{"userName":"Ana"}')
put("body", "name-unicode", '{"roomType":"audition","userName":"  Jos\u00e9 \U0001f3a4 \u4e2d\u6587  "}')
put("body", "name-bidi", '{"roomType":"audition","userName":"\\u202eadmin"}')
put("body", "name-control", '{"roomType":"audition","userName":"a\\nb"}')
put("body", "name-spaces-only", '{"roomType":"audition","userName":" \\t\\u3000 "}')
put("body", "name-129", '{"roomType":"audition","userName":"' + "x" * 129 + '"}')
put("body", "name-128-4byte", '{"roomType":"audition","userName":"' + "\U0001f600" * 128 + '"}')
put("body", "name-not-string", '{"roomType":"audition","userName":["Ana"]}')
put("body", "not-json", 'roomType=audition&userName=Ana')
put("body", "empty-object", '{}')
# LiveKit's standard request (TokenSource.endpoint), issue 12
put("body", "lk-main-show", '{"room_name":"main-show","participant_name":"Ana"}')
put("body", "lk-own-identity", '{"room_name":"audition-room","participant_identity":"user-1"}')
put("body", "lk-identity", '{"room_name":"main-show","participant_identity":"someone-else"}')
put("body", "lk-attributes", '{"room_name":"main-show","participant_attributes":{"role":"host"}}')
put("body", "lk-room-config", '{"room_name":"main-show","room_config":{"agents":[{"agent_name":"bot"}]}}')
put("body", "lk-mixed", '{"room_name":"main-show","roomType":"audition"}')

# --- policy
put("policy", "builtin", """# The SPEC's table, written out
judge       audition  join publish=camera,microphone subscribe data update_metadata
judge       main_show join publish subscribe data update_metadata
contestant  audition  join publish=camera,microphone subscribe data
contestant  main_show join subscribe data
performer   audition  join publish=camera,microphone subscribe data
performer   main_show join publish=camera,microphone subscribe data
host        audition  join publish subscribe data update_metadata admin
host        main_show join publish subscribe data update_metadata admin
viewer      audition  deny
viewer      main_show join subscribe data
""")
put("policy", "crlf-comments", "# viewers may watch the audition\r\nviewer audition join subscribe # read only\r\n\r\n\thost\tmain_show\tjoin admin\r\n")
put("policy", "screen-share", "performer main_show join publish=camera,microphone,screen_share,screen_share_audio subscribe\n")
put("policy", "empty", "")
put("policy", "only-comments", "# nothing\n   # here\n")
put("policy", "twice", "judge audition deny\njudge audition join\n")
put("policy", "deny-with-grant", "judge audition deny join\n")
put("policy", "grants-without-join", "judge audition subscribe\n")
put("policy", "unknown-grant", "judge audition join fly\n")
put("policy", "unknown-source", "judge audition join publish=camera,smell\n")
put("policy", "empty-source", "judge audition join publish=\n")
put("policy", "unknown-role", "janitor audition join\n")
put("policy", "no-grants", "judge audition\n")
put("policy", "long-line", "judge audition join" + " data" * 120 + "\n")
put("policy", "nul-byte", b"judge audition join\x00\n")

# --- display_name
for name, s in [("ascii", "Ana"), ("trimmed", "  Jane Judge \t"), ("unicode", "Jos\u00e9 \u4e2d\u6587 \U0001f3a4"),
                ("nbsp-ideographic", "\u00a0\u3000Ana\u2003"), ("bidi-override", "\u202eadmin"),
                ("isolate", "a\u2066b"), ("line-sep", "a\u2028b"), ("c1-nel", "a\u0085b"), ("del", "a\x7fb"),
                ("tab-inside", "a\tb"), ("spaces-only", " \t "), ("empty", ""), ("max-128", "\U0001f600" * 128),
                ("over-129", "x" * 129), ("128-plus-spaces", "   " + "y" * 128 + "   ")]:
    put("display_name", name, s)
put("display_name", "overlong", b"\xc0\xaf")
put("display_name", "surrogate", b"\xed\xa0\x80")
put("display_name", "past-unicode", b"\xf4\x90\x80\x80")
put("display_name", "truncated-4byte", b"ab\xf0\x9f\x98")

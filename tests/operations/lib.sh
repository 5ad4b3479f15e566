# Helpers for tests/operations/run: counting, the rendered production
# site, a TLS certificate, a pool. Sourced, not run.

PASS=0 FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok   %s\n' "$1"; }
not_ok() {
	FAIL=$((FAIL + 1)); printf 'FAIL %s\n' "$1"
	[ -z "${2:-}" ] || printf '     %s\n' "$2" | head -n 20
}
# check NAME COMMAND...: ok when the command succeeds.
check() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "$out"; fi
}
note() { printf '     %s\n' "$*"; }

random_secret() { head -c 48 /dev/urandom | base64 | tr -d '=+/\n' | head -c 43; }

# A configuration file as an operator writes it (mode 0600).
write_config() { # FILE [extra KEY=VALUE lines...]
	local f=$1; shift
	(
		umask 077
		{
			echo "# livekit-token configuration (test)"
			echo "LIVEKIT_API_KEY=$LK_KEY"
			echo "LIVEKIT_API_SECRET=$LK_SECRET"
			echo "LIVEKIT_URL=wss://livekit.example.com"
			echo "SUPABASE_URL=https://ref.supabase.co"
			echo "SUPABASE_JWT_SECRET=\"$SB_SECRET\""
			for l in "$@"; do echo "$l"; done
		} >"$f.tmp"
		mv -f "$f.tmp" "$f"
	)
}

# A self-signed certificate where certbot puts one: DIR/live/HOST/.
make_cert() { # LETSENCRYPT_DIR HOST [IP]
	local d=$1/live/$2 san="DNS:$2,DNS:localhost,IP:127.0.0.1"
	[ -n "${3:-}" ] && san="$san,IP:$3"
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -days 2 -subj "/CN=$2" -addext "subjectAltName=$san" \
		-keyout "$d/privkey.pem" -out "$d/fullchain.pem" 2>/dev/null
	chmod 600 "$d/privkey.pem"
}

# The production site file with its absolute paths moved under PREFIX
# (nothing else changed), for nginx -t and for a real nginx in the tests.
render_site() { # PREFIX HTTPS_PORT HTTP_PORT > site.conf
	local p=$1
	sed -e "s|/etc/letsencrypt/|$p/letsencrypt/|g" \
	    -e "s|/etc/nginx/livekit-token/|$p/nginx/livekit-token/|g" \
	    -e "s|/run/livekit-token/|$p/run/|g" \
	    -e "s|/var/log/nginx/|$p/logs/|g" \
	    -e "s|/var/www/html|$p/www|g" \
	    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$2 ssl http2;|" \
	    -e "s|listen 80;|listen 127.0.0.1:$3;|" \
	    -e '/listen \[::\]/d' \
	    -e "s|token\.example\.com|localhost|g" \
	    "$ROOT/nginx/livekit-token.conf"
}

# An nginx.conf like Debian's (user www-data; the site inside http {}).
write_nginx_main() { # PREFIX > nginx.conf
	cat <<-EOF
	user www-data;
	worker_processes 2;
	pid $1/nginx.pid;
	error_log $1/logs/nginx-error.log warn;
	events { worker_connections 1024; }
	http {
	    include /etc/nginx/mime.types;
	    default_type application/octet-stream;
	    client_body_temp_path $1/tmp/body;
	    fastcgi_temp_path $1/tmp/fastcgi;
	    proxy_temp_path $1/tmp/proxy;
	    include $1/nginx/sites-enabled/*;
	}
	EOF
}

# HTTP status of a request; extra curl arguments follow the URL.
status_of() { curl -sk -o /dev/null -w '%{http_code}' "$@" || true; }

# The claims of a JWT, as JSON.
jwt_claims() {
	local p
	p=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
	while [ $(( ${#p} % 4 )) -ne 0 ]; do p="$p="; done
	printf '%s' "$p" | base64 -d 2>/dev/null
}

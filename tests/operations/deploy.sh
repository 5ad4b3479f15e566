# Sourced by tests/operations/run: scripts/deploy to two hosts made on
# this machine. Each host is a network namespace (10.231.0.2 and
# 10.231.0.6, each on a veth to the root namespace) and a mount namespace
# of its own: an overlay on /etc, and empty /run, /opt, /var/log and
# /var/lib/nginx, so that it has the production paths
# (/opt/livekit-token, /etc/livekit-token/env, /run/livekit-token,
# /etc/nginx/sites-enabled/livekit-token) to itself. Each runs sshd with a
# test-only key, and Debian's nginx with the production site. No systemd
# there: deploy starts and reloads the pool with livekit-token-service,
# the script the unit runs.

echo "== deploy to two hosts (network namespaces)"
TD=$T-deploy	# beside $T: readable for sshd and www-data, as $T is
NS=(lkt-ops-h1 lkt-ops-h2)
ADDR=(10.231.0.2 10.231.0.6)
GW=(10.231.0.1 10.231.0.5)
VETH=(lkt-ops-v1 lkt-ops-v2)
NAMES=(h1.lkt.test h2.lkt.test)

deploy_cleanup() {
	local n p i
	for n in "${NS[@]}"; do
		ip netns list 2>/dev/null | grep -qw "$n" || continue
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -TERM "$p" 2>/dev/null; done
		for i in $(seq 1 30); do [ -z "$(ip netns pids "$n" 2>/dev/null)" ] && break; sleep 0.1; done
		for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$n" 2>/dev/null
	done
	for n in "${VETH[@]}"; do ip link del "$n" 2>/dev/null; done
	[ -n "${LOOP_PIDS:-}" ] && kill $LOOP_PIDS 2>/dev/null
	return 0
}

# The pid of a process in host N (its sshd), to read the host's files
# through /proc/PID/root.
host_root() { echo "/proc/$(cat "$TD/h$1/sshd.pid.outer" 2>/dev/null)/root"; }

boot_host() { # N
	local n=$1 d=$TD/h$1 ns=${NS[$1-1]} a=${ADDR[$1-1]} name=${NAMES[$1-1]}
	mkdir -p "$d/etc-up" "$d/etc-work"
	ssh-keygen -q -t ed25519 -N '' -f "$d/hostkey" -C "$name"
	make_cert "$d/letsencrypt" "$name" "$a"
	cat >"$d/sshd_config" <<-EOF
	ListenAddress $a:22
	HostKey $d/hostkey
	PidFile /run/sshd.pid
	AuthorizedKeysFile $TD/authorized_keys
	PermitRootLogin prohibit-password
	PasswordAuthentication no
	KbdInteractiveAuthentication no
	UsePAM no
	PrintMotd no
	AcceptEnv none
	# The test's key sits under the checkout or /tmp, whose parents sshd's
	# StrictModes would refuse (/tmp is world-writable).
	StrictModes no
	EOF
	write_config "$d/env" TOKEN_TTL_SECONDS=900
	cat >"$d/boot" <<-EOF
	set -e
	mount -t overlay overlay -o lowerdir=/etc,upperdir=$d/etc-up,workdir=$d/etc-work /etc
	for m in /run /opt /var/log /var/lib/nginx; do mount -t tmpfs -o mode=755 tmpfs "\$m"; done
	mkdir -p /run/sshd /var/log/nginx /etc/livekit-token
	# The service user (in this host's /etc only): deploy checks the
	# configuration as this user, as the unit's workers would read it.
	useradd --system --no-create-home --shell /usr/sbin/nologin livekit-token
	install -m 0600 $d/env /etc/livekit-token/env
	echo '{"keys":[]}' >/etc/livekit-token/root-only-jwks.json
	chmod 600 /etc/livekit-token/root-only-jwks.json
	cp -r $d/letsencrypt /etc/letsencrypt
	# The production site, as docs/operations.md installs it.
	sed 's/token\.example\.com/$name/g' $ROOT/nginx/livekit-token.conf >/etc/nginx/sites-available/livekit-token
	ln -sf ../sites-available/livekit-token /etc/nginx/sites-enabled/livekit-token
	rm -f /etc/nginx/sites-enabled/default
	$SVC nginx-snippets /etc/nginx/livekit-token
	nginx -t -q
	nginx
	/usr/sbin/sshd -f $d/sshd_config
	for i in \$(seq 1 50); do [ -s /run/sshd.pid ] && break; sleep 0.05; done
	cat /run/sshd.pid
	EOF
	ip netns exec "$ns" bash "$d/boot" >"$d/sshd.pid.outer" 2>"$d/boot.log"
}

deploy_setup() {
	local i
	deploy_cleanup
	rm -rf "$TD"
	mkdir -p "$TD"
	chmod 755 "$TD"
	if ip route show | grep -q '^10\.231\.0\.'; then
		echo "10.231.0.0/24 is in use on this machine"; return 1
	fi
	ssh-keygen -q -t ed25519 -N '' -f "$TD/key" -C lkt-ops-test
	cp "$TD/key.pub" "$TD/authorized_keys"
	chmod 600 "$TD/authorized_keys"
	for i in 1 2; do
		ip netns add "${NS[$i-1]}" || return 1
		ip link add "${VETH[$i-1]}" type veth peer name eth0 netns "${NS[$i-1]}" || return 1
		ip addr add "${GW[$i-1]}/30" dev "${VETH[$i-1]}"
		ip link set "${VETH[$i-1]}" up
		ip netns exec "${NS[$i-1]}" ip addr add "${ADDR[$i-1]}/30" dev eth0
		ip netns exec "${NS[$i-1]}" ip link set eth0 up
		ip netns exec "${NS[$i-1]}" ip link set lo up
		boot_host "$i" || { cat "$TD/h$i/boot.log"; return 1; }
	done
	for i in $(seq 1 50); do
		ssh_h 1 true 2>/dev/null && ssh_h 2 true 2>/dev/null && return 0
		sleep 0.1
	done
	echo "sshd does not answer"; cat "$TD"/h*/boot.log; return 1
}

SSH_OPTS="-F /dev/null -i $TD/key -o UserKnownHostsFile=$TD/known_hosts -o StrictHostKeyChecking=accept-new -o ConnectTimeout=5 -o LogLevel=ERROR"
ssh_h() { local n=$1; shift; ssh $SSH_OPTS -o BatchMode=yes "root@${ADDR[$n-1]}" "$@"; }
deploy() { DEPLOY_SSH="ssh $SSH_OPTS" scripts/deploy --no-build "$@" root@${ADDR[0]} root@${ADDR[1]}; }

# A token from host N, through its nginx; prints "status ttl".
host_token() {
	local n=$1 name=${NAMES[$1-1]} b code
	b=$(curl -s -w '\n%{http_code}' --cacert "$TD/h$n/letsencrypt/live/$name/fullchain.pem" \
		--resolve "$name:443:${ADDR[$n-1]}" "https://$name/functions/v1/livekit-token" \
		-H "Authorization: Bearer $(host_jwt "$n")" -H 'Content-Type: application/json' \
		-d '{"roomType":"main_show"}')
	code=${b##*$'\n'}
	echo "$code $(jwt_claims "$(jq -r .token <<<"${b%$'\n'*}" 2>/dev/null)" | jq '.exp - .nbf' 2>/dev/null)"
}
host_jwt() { LIVEKIT_TOKEN_ENV_FILE=$TD/h$1/env "$BIN" mint-dev-jwt --role viewer; }
current_of() { readlink "$(host_root "$1")/opt/livekit-token/current"; }
# The release the workers of host N run (their executable's real path).
workers_release() {
	local r p exe out=""
	r=$(host_root "$1")
	p=$(cat "$r/run/livekit-token/state/multiwatch.pid" 2>/dev/null) || { echo none; return; }
	for w in $(cat "/proc/$p/task/$p/children" 2>/dev/null); do
		exe=$(readlink "/proc/$w/exe")
		exe=${exe#/opt/livekit-token/releases/}
		out="$out ${exe%%/*}"
	done
	echo "$out" | tr ' ' '\n' | grep . | sort -u | tr '\n' ' '
}

# Requests to both hosts during a deploy: a loop per host, under the rate
# limit (10/s), for at most $1 seconds; counts go to $TD/loop-N.
start_loops() {
	local n
	LOOP_PIDS=""
	for n in 1 2; do
		(
			end=$(( $(date +%s) + $1 ))
			name=${NAMES[$n-1]}
			while [ "$(date +%s)" -lt "$end" ] && [ ! -e "$TD/stop-loops" ]; do
				# One user per request: the per-user limit is not
				# what this loop measures.
				jwt=$(host_jwt "$n")
				curl -s -o /dev/null -w '%{http_code}\n' --max-time 5 \
					--cacert "$TD/h$n/letsencrypt/live/$name/fullchain.pem" \
					--resolve "$name:443:${ADDR[$n-1]}" "https://$name/functions/v1/livekit-token" \
					-H "Authorization: Bearer $jwt" -H 'Content-Type: application/json' \
					-d '{"roomType":"main_show"}'
				sleep 0.12
			done >"$TD/loop-$n"
		) &
		LOOP_PIDS="$LOOP_PIDS $!"
	done
	rm -f "$TD/stop-loops"
}
stop_loops() { touch "$TD/stop-loops"; wait $LOOP_PIDS 2>/dev/null; LOOP_PIDS=""; rm -f "$TD/stop-loops"; }
loop_summary() { cat "$TD"/loop-* | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }'; }
loop_failures() { cat "$TD"/loop-* | grep -vc '^200$'; }
loop_total() { cat "$TD"/loop-* | wc -l; }

if ! out=$(deploy_setup 2>&1); then
	not_ok "two test hosts start (netns + sshd + nginx)" "$out"
else
	ok "two test hosts answer ssh on ${ADDR[*]}"

	# First deploy: nothing runs yet; deploy installs and starts.
	out=$(deploy 2>&1)
	rc=$?
	R1=$(current_of 1)
	if [ $rc = 0 ] && [ -n "$R1" ] && [ "$R1" = "$(current_of 2)" ]; then
		ok "deploy installs release ${R1#releases/} on both hosts"
	else not_ok "deploy installs a release on both hosts" "$out"; fi
	for n in 1 2; do
		r=$(host_token "$n")
		[ "$r" = "200 900" ] && ok "host $n (${ADDR[$n-1]}) answers a token" ||
			not_ok "host $n answers a token (got '$r')" "$(tail -n 5 "$(host_root "$n")/var/log/livekit-token.log" 2>&1)"
	done

	# A refused configuration: nothing changes, the hosts keep answering.
	write_config "$TD/bad.env" TOKEN_TTL_SECONDS=5
	start_loops 15
	sleep 0.5
	out=$(deploy --config "$TD/bad.env" 2>&1)
	rc=$?
	sleep 0.5
	stop_loops
	if [ $rc != 0 ] && grep -q 'TOKEN_TTL_SECONDS' <<<"$out" && grep -q 'no host was switched' <<<"$out" &&
	    [ "$(current_of 1)" = "$R1" ] && [ "$(current_of 2)" = "$R1" ]; then
		ok "a refused configuration is reported and switches no host"
	else not_ok "a refused configuration switches no host" "$out"; fi
	left=$(ls "$(host_root 1)/opt/livekit-token/releases" "$(host_root 2)/opt/livekit-token/releases" | grep -c '^2')
	[ "$left" = 2 ] && ! ls "$(host_root 1)/etc/livekit-token/" | grep -q deploy &&
		grep -q TOKEN_TTL_SECONDS=900 "$(host_root 1)/etc/livekit-token/env" &&
		ok "the refused release and configuration were removed; the host's file is untouched" ||
		not_ok "the refused release and configuration were removed" "$(ls -R "$(host_root 1)/opt/livekit-token" "$(host_root 1)/etc/livekit-token")"
	[ "$(host_token 1)" = "200 900" ] && [ "$(host_token 2)" = "200 900" ] &&
		[ "$(loop_failures)" = 0 ] && [ "$(loop_total)" -gt 10 ] &&
		ok "the old release kept answering: $(loop_summary)" ||
		not_ok "the old release kept answering" "$(loop_summary)"

	# The check runs as the service user: a file only root can read is refused.
	write_config "$TD/bad2.env" SUPABASE_JWKS_FILE=/etc/livekit-token/root-only-jwks.json
	out=$(deploy --config "$TD/bad2.env" 2>&1)
	if [ $? != 0 ] && grep -q 'root-only-jwks.json: Permission denied' <<<"$out" &&
	    [ "$(current_of 1)" = "$R1" ]; then
		ok "deploy checks as the service user: a file it cannot read is refused"
	else not_ok "deploy checks as the service user" "$out"; fi

	# A new release with a new configuration, under requests.
	write_config "$TD/good.env" TOKEN_TTL_SECONDS=1200
	chmod 600 "$TD/good.env"
	start_loops 20
	sleep 0.5
	out=$(deploy --config "$TD/good.env" 2>&1)
	rc=$?
	sleep 0.5
	stop_loops
	R2=$(current_of 1)
	if [ $rc = 0 ] && [ "$R2" != "$R1" ] && [ "$(current_of 2)" = "$R2" ] &&
	    [ "$(readlink "$(host_root 1)/opt/livekit-token/previous")" = "$R1" ]; then
		ok "a second deploy switches both hosts to ${R2#releases/} (previous: ${R1#releases/})"
	else not_ok "a second deploy switches both hosts" "$out"; fi
	w=$(workers_release 1)
	[ "$w" = "${R2#releases/} " ] && ok "host 1's workers run the new release's binary" ||
		not_ok "host 1's workers run the new release (got '$w')"
	[ "$(host_token 1)" = "200 1200" ] && [ "$(host_token 2)" = "200 1200" ] &&
		ok "both hosts use the new configuration (TTL 1200)" ||
		not_ok "both hosts use the new configuration" "$(host_token 1) / $(host_token 2)"
	[ "$(loop_failures)" = 0 ] && [ "$(loop_total)" -gt 10 ] &&
		ok "no request failed during the switch: $(loop_summary)" ||
		not_ok "no request failed during the switch" "$(loop_summary)"

	# Roll back, under requests.
	start_loops 15
	sleep 0.5
	out=$(deploy --rollback 2>&1)
	rc=$?
	sleep 0.5
	stop_loops
	if [ $rc = 0 ] && [ "$(current_of 1)" = "$R1" ] && [ "$(current_of 2)" = "$R1" ] &&
	    [ "$(workers_release 2)" = "${R1#releases/} " ]; then
		ok "--rollback returns both hosts (and their workers) to ${R1#releases/}"
	else not_ok "--rollback returns both hosts to the previous release" "$out $(workers_release 2)"; fi
	# Issue 13: --rollback restores the configuration that was in force
	# with the previous release (TTL 900), not only its binary.
	[ "$(host_token 2)" = "200 900" ] && [ "$(loop_failures)" = 0 ] &&
		ok "no request failed during the rollback, which restored the previous configuration too (TTL 900): $(loop_summary)" ||
		not_ok "no request failed during the rollback" "$(host_token 2); $(loop_summary)"

	# Old releases are pruned; current and previous stay.
	deploy --keep 2 >/dev/null 2>&1 && deploy --keep 2 >/dev/null 2>&1
	n=$(ls "$(host_root 1)/opt/livekit-token/releases" | wc -l)
	cur=$(current_of 1) prev=$(readlink "$(host_root 1)/opt/livekit-token/previous")
	[ "$n" = 2 ] && [ -d "$(host_root 1)/opt/livekit-token/$cur" ] && [ -d "$(host_root 1)/opt/livekit-token/$prev" ] &&
		[ "$(host_token 1)" = "200 900" ] &&
		ok "--keep 2 leaves 2 releases: current and previous" ||
		not_ok "--keep 2 leaves 2 releases (got $n)" "$(ls -l "$(host_root 1)/opt/livekit-token/releases")"

	# --release DIR from a fresh checkout (no build/deploy/ yet), with
	# files a login user owns (uid 1000, group-writable as umask 002
	# leaves them).
	UR=$TD/user-release
	rm -rf "$UR" && mkdir -p "$UR"/{bin,nginx,systemd,docs}
	install -m 0775 "$BIN" scripts/livekit-token-service scripts/fetch-jwks scripts/fetch-revocations "$UR/bin/"
	install -m 0664 nginx/*.conf nginx/*.in "$UR/nginx/"
	install -m 0664 systemd/* "$UR/systemd/"
	chmod 0775 "$UR" "$UR"/*
	chown -R 1000:1000 "$UR"
	rm -rf build/deploy
	# Releases uploaded before rsync's --chown (uid 1000's, group
	# writable) are still there for a rollback: the deploy makes them
	# root's too.
	ssh_h 1 "chown -R 1000:1000 /opt/livekit-token/releases && chmod -R g+w /opt/livekit-token/releases"
	out=$(DEPLOY_SSH="ssh $SSH_OPTS" scripts/deploy --release "$UR" root@${ADDR[0]} root@${ADDR[1]} 2>&1)
	rc=$?
	R3=$(current_of 1)
	[ $rc = 0 ] && [ "$R3" != "$cur" ] && [ "$R3" = "$(current_of 2)" ] &&
		ok "deploy --release DIR with no build/deploy/ (a fresh checkout)" ||
		not_ok "deploy --release DIR with no build/deploy/ (rc $rc)" "$out"
	bad=$(for n in 1 2; do find "$(host_root "$n")/opt/livekit-token/releases" ! -type l \( ! -user root -o ! -group root -o -perm /022 \) -printf "h$n %u:%g %m %P\n"; done | head -n 5)
	[ $rc = 0 ] && [ -z "$bad" ] &&
		ok "every release is root's on the hosts, writable by root alone, though uid 1000 owned the files (and the older releases)" ||
		not_ok "the release on the hosts is root's and writable by root alone" "$bad"

	# A per-user burst of 5 (RATE_LIMIT_BURST=5): the gate's 10 requests
	# must not all come as one user.
	for n in 1 2; do
		ssh_h "$n" "sed -i 's/zone=livekit_token_user burst=[0-9]*/zone=livekit_token_user burst=5/' /etc/nginx/sites-available/livekit-token && nginx -s reload 2>/dev/null"
	done
	sleep 1
	out=$(deploy 2>&1)
	rc=$?
	[ $rc = 0 ] && [ "$(current_of 1)" != "$R3" ] &&
		ok "the deploy's gate passes on hosts whose per-user burst is 5" ||
		not_ok "the deploy's gate passes with a per-user burst of 5 (rc $rc)" "$out"
	for n in 1 2; do
		ssh_h "$n" "sed -i 's/zone=livekit_token_user burst=5/zone=livekit_token_user burst=10/' /etc/nginx/sites-available/livekit-token && nginx -s reload 2>/dev/null"
	done
fi
deploy_cleanup
left=$(ip netns list | grep -c lkt-ops; ip link show | grep -c lkt-ops)
[ "$(echo $left | tr -d ' ')" = "00" ] && ok "the test hosts are gone (namespaces, veths)" || not_ok "the test hosts are gone" "$(ip netns list; ip link show | grep lkt-ops)"

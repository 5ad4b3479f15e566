# Sourced by tests/operations/run (needs $T, $SVC and lib.sh).
# Regression test, issue 10 "Privilege and secrets": livekit-token-service
# `stage` runs as root and used to write its copy of the configuration with
# mktemp + cat > + chmod + chown inside the runtime directory, which the
# service user can write. A compromised worker could plant a symbolic link
# there and have root truncate, chmod and chown any file (the TLS key,
# /etc/shadow). Here the directory belongs to an unprivileged user (nobody)
# who races stage, replacing each new file with a link to a root-only
# victim; stage must refuse that directory and leave the victim alone.
echo "== staging as root: only in a directory only root can write"
E=$T/evil-run
rm -rf "$E"; mkdir -p "$E"
chown nobody "$E"; chmod 755 "$E"
victim=$T/victim
printf 'precious\n' >"$victim"; chmod 600 "$victim"; chown root:root "$victim"
runuser -u nobody -- ln -s "$victim" "$E/env.next"
runuser -u nobody -- bash -c '
	end=$((SECONDS + 20))
	while [ $SECONDS -lt $end ]; do
		for f in "$1"/.env.*; do
			[ -e "$f" ] && [ ! -L "$f" ] && rm -f "$f" && ln -s "$2" "$f"
		done
	done' racer "$E" "$victim" &
RACER=$!
refused=0
for i in $(seq 1 40); do
	LIVEKIT_TOKEN_RUNTIME_DIR=$E RUNTIME_DIRECTORY=$E "$SVC" stage 2>"$T/stage.err" || refused=$((refused + 1))
done
kill "$RACER" 2>/dev/null; wait "$RACER" 2>/dev/null
vst=$(stat -c '%U:%G %a' "$victim")
if [ "$(cat "$victim")" = precious ] && [ "$vst" = "root:root 600" ] && [ "$refused" = 40 ] &&
    grep -q "must be root's" "$T/stage.err"; then
	ok "stage refuses a runtime directory the service user can write; a planted link changes nothing"
else not_ok "stage with a planted link: the victim is untouched and stage refuses ($refused of 40 refused, victim $vst: $(head -c 40 "$victim"))" "$(cat "$T/stage.err")"; fi
rm -rf "$E"; mkdir -p "$T/evil-target"; ln -sfn "$T/evil-target" "$E"
out=$(LIVEKIT_TOKEN_RUNTIME_DIR=$E RUNTIME_DIRECTORY=$E "$SVC" stage 2>&1)
[ $? != 0 ] && grep -q 'symbolic link' <<<"$out" && [ -z "$(ls -A "$T/evil-target")" ] &&
	ok "stage refuses a runtime directory that is a symbolic link" || not_ok "stage refuses a linked directory" "$out"
rm -rf "$E" "$T/evil-target" "$victim"

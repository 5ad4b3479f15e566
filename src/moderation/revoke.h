/*
 * The moderator's command and its checker (docs/moderation.md):
 *
 *   livekit-token revoke --user ID [--until TIME] [--kick] [--file PATH]
 *   livekit-token revoke --session ID [--until TIME] [--kick --identity ID]
 *   livekit-token revoke --lift --user ID | --session ID
 *   livekit-token check-revocations FILE
 */
#ifndef REVOKE_H
#define REVOKE_H

/* argv[0] is "revoke". Returns the exit status: 0, 1 failed, 2 usage. */
int	revoke_command(int argc, char *argv[]);

/* 0 when the workers would take FILE (scripts/fetch-revocations), else 1. */
int	check_revocations(const char *path);

/*
 * TIME for --until: Unix seconds, "YYYY-MM-DDTHH:MM:SSZ" (UTC), or "+N"
 * with a unit s, m, h or d from now. Returns 0 and *out; -1 when s is
 * none of these; -2 when it is after REVOCATION_UNTIL_MAX, which the
 * list cannot hold.
 */
int	revoke_parse_time(const char *s, long now, long *out);

#endif

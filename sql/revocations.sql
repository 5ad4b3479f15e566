-- livekit-token revocation feed (issue 11; docs/moderation.md).
--
-- Apply once to the Supabase project's database, as the postgres role, in
-- the dashboard's SQL editor (or psql). It is idempotent: applying it again
-- (after an upgrade of this file) keeps the entries and the settings.
--
-- What it does:
--   * livekit_token.revocations: one row per revoked user or session, with
--     the instant from which it no longer matters ("until");
--   * triggers on auth.users (a ban set or lifted through banned_until; a
--     user deleted, or soft-deleted through deleted_at) and on auth.sessions
--     (a session deleted, which is what signing out does) fill it;
--   * rows are kept only as long as a token could still be valid: an access
--     token lives at most livekit_token.settings.max_token_seconds (the
--     project's JWT expiry, 3600 s unless you changed it) after the event;
--   * livekit_token.changes_since(cursor) returns what changed since a
--     cursor, for scripts/fetch-revocations;
--   * livekit_token_feed, a login role that may call that function and
--     nothing else. Set its password afterwards (docs/moderation.md):
--       alter role livekit_token_feed with password '...';
--
-- Why a cursor of transaction ids, not a sequence: a sequence number is
-- taken when a row is written, but its transaction can commit after a
-- reader has already seen a higher number, and that row would be skipped
-- for ever. Every row carries the id of the transaction that wrote it; the
-- cursor handed back is the oldest transaction still running (the
-- snapshot's xmin), so a row committed later always has an id at or above
-- it and is read next time. A row may be read twice; the feed is a set of
-- current states, so reading one twice changes nothing.

begin;

create schema if not exists livekit_token;
revoke all on schema livekit_token from public;

create table if not exists livekit_token.settings (
	only_row		boolean primary key default true
				check (only_row),
	-- The longest an access token of this project can live: Supabase's
	-- "JWT expiry" (Authentication settings), 3600 s by default.
	max_token_seconds	integer not null default 3600
				check (max_token_seconds between 60 and 604800),
	-- How long an entry that no longer matters is kept for fetchers that
	-- were offline; one whose cursor is older starts again from scratch.
	keep_ended_seconds	integer not null default 86400
				check (keep_ended_seconds between 60 and 2592000),
	-- Transaction ids at or above this may have had rows purged before a
	-- fetcher saw them: a cursor below it gets a full snapshot.
	purged_through		bigint not null default 0
);
insert into livekit_token.settings default values on conflict do nothing;

create table if not exists livekit_token.revocations (
	kind		text not null check (kind in ('user', 'session')),
	id		uuid not null,
	-- From this instant on the entry no longer applies (a ban lifted, or
	-- every token that could carry the id has expired).
	until		timestamptz not null,
	reason		text not null check (reason in
			    ('banned', 'unbanned', 'deleted', 'signed_out')),
	changed_at	timestamptz not null default now(),
	txid		bigint not null,
	primary key (kind, id)
);
create index if not exists revocations_txid on livekit_token.revocations (txid);
create index if not exists revocations_until on livekit_token.revocations (until);
revoke all on all tables in schema livekit_token from public;

-- Record (kind, id) as refused until `until`, and drop what ended long ago.
create or replace function livekit_token.record(p_kind text, p_id uuid,
    p_until timestamptz, p_reason text)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
	keep	integer;
	gone	bigint;
begin
	insert into livekit_token.revocations as r
	    (kind, id, until, reason, changed_at, txid)
	values (p_kind, p_id, p_until, p_reason, now(),
	    pg_current_xact_id()::text::bigint)
	on conflict (kind, id) do update
	    set until = excluded.until, reason = excluded.reason,
		changed_at = excluded.changed_at, txid = excluded.txid;

	select keep_ended_seconds into keep from livekit_token.settings;
	-- A bounded purge per call, so that no sign-out waits behind a
	-- large one (a mass sign-out ends all at once a day later).
	with purged as (
		delete from livekit_token.revocations
		where ctid in (select ctid from livekit_token.revocations
		    where until < now() - make_interval(secs => keep)
		    limit 100)
		returning txid
	)
	select max(txid) into gone from purged;
	if gone is not null then
		update livekit_token.settings
		    set purged_through = greatest(purged_through, gone + 1);
	end if;
end;
$$;

create or replace function livekit_token.on_user_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	life	interval;
	was_banned	boolean;
	is_banned	boolean;
begin
	select make_interval(secs => max_token_seconds) into life
	    from livekit_token.settings;
	if tg_op = 'DELETE' then
		perform livekit_token.record('user', old.id, now() + life,
		    'deleted');
		return old;
	end if;
	if new.deleted_at is not null and
	    (tg_op = 'INSERT' or old.deleted_at is null) then
		perform livekit_token.record('user', new.id, now() + life,
		    'deleted');
		return new;
	end if;
	if new.deleted_at is not null then
		return new;
	end if;
	is_banned := new.banned_until is not null and new.banned_until > now();
	was_banned := tg_op = 'UPDATE' and old.banned_until is not null and
	    old.banned_until > now();
	if is_banned and (not was_banned or
	    new.banned_until is distinct from old.banned_until) then
		-- Supabase issues a banned user no new token, so once every
		-- token from before the ban has expired the entry is moot.
		perform livekit_token.record('user', new.id,
		    least(new.banned_until, now() + life), 'banned');
	elsif was_banned and not is_banned then
		perform livekit_token.record('user', new.id, now(),
		    'unbanned');
	end if;
	return new;
end;
$$;

create or replace function livekit_token.on_session_delete()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
	life	interval;
begin
	select make_interval(secs => max_token_seconds) into life
	    from livekit_token.settings;
	-- A session with a fixed end (not_after) issues no token past it.
	perform livekit_token.record('session', old.id,
	    least(coalesce(old.not_after, 'infinity'), now() + life),
	    'signed_out');
	return old;
end;
$$;

drop trigger if exists livekit_token_revocations on auth.users;
create trigger livekit_token_revocations
	after insert or update of banned_until, deleted_at or delete
	on auth.users
	for each row execute function livekit_token.on_user_change();

drop trigger if exists livekit_token_revocations on auth.sessions;
create trigger livekit_token_revocations
	after delete on auth.sessions
	for each row execute function livekit_token.on_session_delete();

-- What changed since p_cursor (0: everything), as rows of text:
--   ('cursor', <next cursor>, null)       always the first row
--   ('reset', null, null)                 drop what you hold, a snapshot follows
--   ('user' | 'session', <uuid>, <until as Unix seconds>)
-- An entry whose until is in the past was lifted or has ended: forget it.
create or replace function livekit_token.changes_since(p_cursor bigint)
returns table (kind text, id text, until bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
	next_cursor	bigint := pg_snapshot_xmin(pg_current_snapshot())::text::bigint;
	purged		bigint;
	from_txid	bigint := greatest(coalesce(p_cursor, 0), 0);
begin
	select s.purged_through into purged from livekit_token.settings s;
	kind := 'cursor'; id := next_cursor::text; until := null;
	return next;
	if from_txid > 0 and from_txid < purged then
		kind := 'reset'; id := null; until := null;
		return next;
		from_txid := 0;
	end if;
	return query
	    select r.kind, r.id::text, floor(extract(epoch from r.until))::bigint
	    from livekit_token.revocations r
	    where r.txid >= from_txid
	      and (from_txid > 0 or r.until > now())
	    order by r.txid, r.kind, r.id;
end;
$$;

revoke all on function livekit_token.record(text, uuid, timestamptz, text) from public;
revoke all on function livekit_token.on_user_change() from public;
revoke all on function livekit_token.on_session_delete() from public;
revoke all on function livekit_token.changes_since(bigint) from public;

do $$
begin
	if not exists (select from pg_roles where rolname = 'livekit_token_feed') then
		create role livekit_token_feed login nosuperuser nocreatedb
		    nocreaterole noinherit noreplication nobypassrls
		    connection limit 10;
	end if;
end
$$;
alter role livekit_token_feed set default_transaction_read_only = on;
alter role livekit_token_feed set statement_timeout = '5s';
grant usage on schema livekit_token to livekit_token_feed;
grant execute on function livekit_token.changes_since(bigint) to livekit_token_feed;

commit;

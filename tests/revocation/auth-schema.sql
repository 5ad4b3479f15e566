-- The part of Supabase's auth schema that sql/revocations.sql touches,
-- with the names and types Supabase Auth's migrations give them
-- (users.id uuid, banned_until timestamptz, deleted_at timestamptz;
-- sessions.id uuid, user_id uuid references users on delete cascade,
-- not_after timestamptz). Owned, as on Supabase, by supabase_auth_admin,
-- which is the role that bans, deletes and signs out.
create role supabase_auth_admin login noinherit;
create role authenticated nologin;
create role anon nologin;
create schema auth authorization supabase_auth_admin;
create table auth.users (
	instance_id	uuid null,
	id		uuid not null primary key,
	email		varchar(255) null,
	banned_until	timestamptz null,
	deleted_at	timestamptz null,
	is_anonymous	boolean not null default false,
	created_at	timestamptz null default now(),
	updated_at	timestamptz null default now()
);
create table auth.sessions (
	id		uuid not null primary key,
	user_id		uuid not null references auth.users (id) on delete cascade,
	created_at	timestamptz null default now(),
	updated_at	timestamptz null default now(),
	not_after	timestamptz null
);
alter table auth.users owner to supabase_auth_admin;
alter table auth.sessions owner to supabase_auth_admin;

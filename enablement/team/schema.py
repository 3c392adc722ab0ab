"""The PostgreSQL-only part of a team library's schema, applied by ``server init`` as the
owner role after the Alembic migrations.

Everything here is re-runnable: functions are replaced, triggers and policies dropped and
created again, tables and columns added only when missing. That makes ``server init``
idempotent and lets a later Alembic migration's new tables be covered by running it again.

What it builds (see TEAM.md for the why):
- ``app.me()``: the user id of ``session_user`` (which ``SET ROLE`` cannot change);
- FORCE row-level security on every table, with grants per role group;
- usage events and searches append-only, own rows only, a server receipt time and a guard
  against events dated in the future;
- ``app.change_log``: one ordered row per changed entity (an advisory lock makes sequence
  order equal commit order) and a NOTIFY per statement;
- ``app.audit_log``: who changed which row of the catalog, written by triggers, read by no login;
- ``app.blob_chunks``: file bytes in 1 MiB chunks, readable only for visible versions and
  checked against their SHA-256 at commit;
- ``row_version`` bumped on every UPDATE of an editable row;
- ``app.add_user`` and friends: the only way to create or change a login (admins and the DBA).
"""

from __future__ import annotations

from enablement.team.names import RoleNames

TEAM_SCHEMA_VERSION = "1"

# Tables created by the Alembic migrations (public schema).
PUBLIC_TABLES = (
    "library_meta", "users", "stages", "gates", "facet_values", "synonyms", "blobs", "pieces",
    "piece_versions", "piece_stages", "piece_gates", "piece_facets", "usage_events", "search_log",
    "kits", "kit_items", "content_requests", "renditions", "alembic_version", "saved_searches", "favourites",
    "search_changes",
)
APP_TABLES = ("change_log", "audit_log", "blob_chunks", "piece_uses", "piece_uses_delta")

# (table, entity reported in the change log, column holding the entity's id)
CHANGE_FEED = (
    ("pieces", "piece", "id"), ("piece_versions", "piece", "piece_id"), ("piece_stages", "piece", "piece_id"),
    ("piece_gates", "piece", "piece_id"), ("piece_facets", "piece", "piece_id"),
    ("stages", "taxonomy", "id"), ("gates", "taxonomy", "id"), ("facet_values", "taxonomy", "id"),
    ("synonyms", "taxonomy", "id"), ("users", "user", "id"), ("content_requests", "request", "id"),
    ("blobs", "blob", None), ("library_meta", "meta", None), ("renditions", "piece", "piece_id"),
    ("saved_searches", "shelf", "id"),
)
AUDITED = ("library_meta", "users", "stages", "gates", "facet_values", "synonyms", "blobs", "pieces",
           "piece_versions", "piece_stages", "piece_gates", "piece_facets", "kits", "content_requests")
# taxonomy rows name who changed them last (an edit conflict says who): set from the login
EDITOR_STAMPED = ("stages", "gates", "facet_values", "synonyms")
VERSIONED = ("users", "stages", "gates", "facet_values", "synonyms", "pieces", "kits", "content_requests",
             "saved_searches")
USE_KINDS_SQL = "('opened','exported','sent','used_in_call','kit_exported')"

SCHEMA_SQL = r"""
CREATE SCHEMA IF NOT EXISTS app;
GRANT USAGE ON SCHEMA app TO @user@;
CREATE TABLE IF NOT EXISTS app.meta (key text PRIMARY KEY, value text NOT NULL);

-- identity -------------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app.me() RETURNS integer LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public AS
$$ SELECT id FROM public.users WHERE login = session_user::text AND active $$;
CREATE OR REPLACE FUNCTION app.my_role() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public AS
$$ SELECT role FROM public.users WHERE login = session_user::text AND active $$;
REVOKE ALL ON FUNCTION app.me(), app.my_role() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.me(), app.my_role() TO @user@;

-- change feed ----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS app.change_log (
  seq bigint PRIMARY KEY, entity text NOT NULL, entity_id bigint, key text, op "char" NOT NULL,
  at timestamptz NOT NULL DEFAULT now(), by_user name NOT NULL DEFAULT session_user);
CREATE SEQUENCE IF NOT EXISTS app.change_seq;
CREATE INDEX IF NOT EXISTS change_log_entity ON app.change_log (entity, entity_id);

-- One advisory lock per writing transaction (held to COMMIT) makes sequence order equal
-- commit order: a reader that has seen seq N never later finds N-1. One row per
-- (statement, entity) and one NOTIFY (a poke; the log is the truth) per statement.
CREATE OR REPLACE FUNCTION app.log_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, app AS $$
DECLARE ent text := TG_ARGV[0]; col text := TG_ARGV[1];
BEGIN
  PERFORM pg_advisory_xact_lock(@lock@);
  IF col IS NOT NULL THEN
    IF TG_OP = 'DELETE' THEN
      INSERT INTO app.change_log(seq, entity, entity_id, op)
        SELECT nextval('app.change_seq'), ent, k, 'D'
        FROM (SELECT DISTINCT (to_jsonb(o) ->> col)::bigint AS k FROM old_rows o) s;
    ELSE
      INSERT INTO app.change_log(seq, entity, entity_id, op)
        SELECT nextval('app.change_seq'), ent, k, left(TG_OP, 1)
        FROM (SELECT DISTINCT (to_jsonb(n) ->> col)::bigint AS k FROM new_rows n) s;
    END IF;
  ELSE
    IF TG_OP = 'DELETE' THEN
      INSERT INTO app.change_log(seq, entity, key, op)
        SELECT nextval('app.change_seq'), ent, coalesce(to_jsonb(o) ->> 'sha256', to_jsonb(o) ->> 'key'), 'D'
        FROM old_rows o;
    ELSE
      INSERT INTO app.change_log(seq, entity, key, op)
        SELECT nextval('app.change_seq'), ent, coalesce(to_jsonb(n) ->> 'sha256', to_jsonb(n) ->> 'key'),
               left(TG_OP, 1)
        FROM new_rows n;
    END IF;
  END IF;
  PERFORM pg_notify('@channel@', txid_current()::text);
  RETURN NULL;
END $$;

-- audit log ------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS app.audit_log (
  id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(),
  who name NOT NULL DEFAULT session_user, tbl text NOT NULL, op text NOT NULL, row_id text);
CREATE OR REPLACE FUNCTION app.audit() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, app AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO app.audit_log(tbl, op, row_id)
      SELECT TG_TABLE_NAME, TG_OP, coalesce(to_jsonb(o) ->> 'id', to_jsonb(o) ->> 'sha256', to_jsonb(o) ->> 'key',
                                            (to_jsonb(o) - 'piece_id')::text || ' of piece ' || (to_jsonb(o) ->> 'piece_id'))
      FROM old_rows o;
  ELSE
    INSERT INTO app.audit_log(tbl, op, row_id)
      SELECT TG_TABLE_NAME, TG_OP, coalesce(to_jsonb(n) ->> 'id', to_jsonb(n) ->> 'sha256', to_jsonb(n) ->> 'key',
                                            (to_jsonb(n) - 'piece_id')::text || ' of piece ' || (to_jsonb(n) ->> 'piece_id'))
      FROM new_rows n;
  END IF;
  RETURN NULL;
END $$;

-- optimistic concurrency ------------------------------------------------------------------
CREATE OR REPLACE FUNCTION app.bump_row_version() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN NEW.row_version := OLD.row_version + 1; RETURN NEW; END $$;
-- who changed a piece (or a taxonomy row) last is the login's person, whatever the client sent (the DBA and the
-- owner, who are nobody in users, keep what was written: a published library's history)
CREATE OR REPLACE FUNCTION app.stamp_editor() RETURNS trigger LANGUAGE plpgsql AS
$$ BEGIN NEW.updated_by_id := coalesce((SELECT app.me()), NEW.updated_by_id); RETURN NEW; END $$;

-- file bytes ------------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS app.blob_chunks (
  sha256 varchar(64) NOT NULL REFERENCES public.blobs(sha256) ON DELETE CASCADE,
  n integer NOT NULL CHECK (n >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (sha256, n));
ALTER TABLE app.blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;  -- PDFs and OOXML are compressed already

-- A blob row and its chunks land in one transaction; at COMMIT the chunks must hash to the
-- blob's name and add up to its size, so nobody can plant wrong bytes under a known hash.
CREATE OR REPLACE FUNCTION app.check_blob_bytes() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, public, app AS $$
DECLARE got text; total bigint; parts integer; top integer;
BEGIN
  SELECT encode(sha256(coalesce(string_agg(data, ''::bytea ORDER BY n), ''::bytea)), 'hex'),
         coalesce(sum(length(data)), 0), count(*), coalesce(max(n), -1)
    INTO got, total, parts, top FROM app.blob_chunks WHERE sha256 = NEW.sha256;
  IF got <> NEW.sha256 OR total <> NEW.size OR parts <> top + 1 THEN
    RAISE EXCEPTION 'the bytes sent for file % do not match its SHA-256 and size', NEW.sha256
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS check_bytes ON public.blobs;
CREATE CONSTRAINT TRIGGER check_bytes AFTER INSERT ON public.blobs DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION app.check_blob_bytes();

-- usage events: append-only, own rows, server receipt time ----------------------------------
ALTER TABLE public.usage_events ADD COLUMN IF NOT EXISTS received_at timestamptz NOT NULL DEFAULT now();
CREATE OR REPLACE FUNCTION app.usage_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.received_at := now();                      -- the client cannot choose it
  IF NEW.occurred_at > (now() AT TIME ZONE 'utc') + interval '10 minutes' THEN
    RAISE EXCEPTION 'a use dated in the future (%) is refused', NEW.occurred_at USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS guard ON public.usage_events;
CREATE TRIGGER guard BEFORE INSERT ON public.usage_events FOR EACH ROW EXECUTE FUNCTION app.usage_guard();
DROP TRIGGER IF EXISTS guard ON public.search_log;
CREATE OR REPLACE FUNCTION app.search_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.occurred_at > (now() AT TIME ZONE 'utc') + interval '10 minutes' THEN
    RAISE EXCEPTION 'a search dated in the future (%) is refused', NEW.occurred_at USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER guard BEFORE INSERT ON public.search_log FOR EACH ROW EXECUTE FUNCTION app.search_guard();

-- popularity without exposing other reps' events: compacted totals + append-only deltas ------
CREATE TABLE IF NOT EXISTS app.piece_uses (piece_id integer PRIMARY KEY, uses bigint NOT NULL);
CREATE TABLE IF NOT EXISTS app.piece_uses_delta (piece_id integer NOT NULL, n integer NOT NULL);
CREATE OR REPLACE FUNCTION app.count_uses() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, app AS $$
BEGIN
  INSERT INTO app.piece_uses_delta (piece_id, n) SELECT piece_id, count(*) FROM new_rows
    WHERE piece_id IS NOT NULL AND kind IN @use_kinds@ GROUP BY piece_id;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS count_uses ON public.usage_events;
CREATE TRIGGER count_uses AFTER INSERT ON public.usage_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.count_uses();
CREATE OR REPLACE FUNCTION app.popularity() RETURNS TABLE(piece_id integer, uses bigint) LANGUAGE sql STABLE
  SECURITY DEFINER SET search_path = pg_catalog, app AS
$$ SELECT piece_id, sum(uses)::bigint FROM (SELECT piece_id, uses FROM app.piece_uses
     UNION ALL SELECT piece_id, n FROM app.piece_uses_delta) s GROUP BY piece_id $$;
CREATE OR REPLACE FUNCTION app.compact_uses() RETURNS void LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog, app AS $$
  WITH d AS (DELETE FROM app.piece_uses_delta RETURNING piece_id, n)
  INSERT INTO app.piece_uses AS u (piece_id, uses) SELECT piece_id, sum(n) FROM d GROUP BY piece_id ORDER BY piece_id
  ON CONFLICT (piece_id) DO UPDATE SET uses = u.uses + EXCLUDED.uses $$;
CREATE OR REPLACE FUNCTION app.recount_uses() RETURNS void LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog, app, public AS $$
  DELETE FROM app.piece_uses_delta;
  DELETE FROM app.piece_uses;
  INSERT INTO app.piece_uses SELECT piece_id, count(*) FROM public.usage_events
    WHERE piece_id IS NOT NULL AND kind IN @use_kinds@ GROUP BY piece_id $$;
REVOKE ALL ON FUNCTION app.popularity(), app.compact_uses(), app.recount_uses() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.popularity(), app.compact_uses() TO @user@;

-- logins: the only way to create or change one ------------------------------------------------
-- The owner holds CREATEROLE; these functions run as the owner and may only touch logins of
-- this library (members of its groups with a users row), so an admin cannot reach the DBA or
-- another library's logins. Passwords arrive as SCRAM verifiers, never as plain text.
CREATE OR REPLACE FUNCTION app.check_admin() RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog AS $$
BEGIN
  IF NOT (pg_has_role(session_user, '@admin@', 'MEMBER')
          OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = session_user AND (rolsuper OR rolcreaterole))) THEN
    RAISE EXCEPTION 'permission denied: only an admin may manage users' USING ERRCODE = 'insufficient_privilege';
  END IF;
END $$;
CREATE OR REPLACE FUNCTION app.check_verifier(p_verifier text) RETURNS void LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF p_verifier IS NULL OR p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
    RAISE EXCEPTION 'a password must arrive as a SCRAM-SHA-256 verifier' USING ERRCODE = 'invalid_parameter_value';
  END IF;
END $$;
CREATE OR REPLACE FUNCTION app.group_of(p_role text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE p_role WHEN 'rep' THEN '@rep@' WHEN 'marketing' THEN '@marketing@'
                     WHEN 'manager' THEN '@manager@' WHEN 'admin' THEN '@admin@' END;
END $$;
CREATE OR REPLACE FUNCTION app.our_login(p_login text) RETURNS integer LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, public AS $$
DECLARE uid integer;
BEGIN
  SELECT u.id INTO uid FROM public.users u WHERE u.login = p_login;
  IF uid IS NULL OR NOT EXISTS (
      SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = p_login AND g.rolname IN ('@rep@', '@marketing@', '@manager@', '@admin@')) THEN
    RAISE EXCEPTION 'no login % in this library', p_login USING ERRCODE = 'undefined_object';
  END IF;
  RETURN uid;
END $$;
CREATE OR REPLACE FUNCTION app.add_user(p_name text, p_login text, p_role text, p_verifier text, p_team text DEFAULT '')
  RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, app AS $$
DECLARE uid integer; grp text := app.group_of(p_role);
BEGIN
  PERFORM app.check_admin();
  PERFORM app.check_verifier(p_verifier);
  IF grp IS NULL THEN
    RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF p_login !~ '^[a-z_][a-z0-9_.\-]{0,62}$' THEN
    RAISE EXCEPTION 'not a usable login: %', p_login USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
    RAISE EXCEPTION 'a login called % already exists on this server', p_login USING ERRCODE = 'duplicate_object';
  END IF;
  IF EXISTS (SELECT 1 FROM public.users WHERE name = p_name) THEN
    RAISE EXCEPTION 'there is already a user called %', p_name USING ERRCODE = 'duplicate_object';
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION INHERIT PASSWORD %L',
                 p_login, p_verifier);
  EXECUTE format('GRANT %I TO %I', grp, p_login);
  EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_login, '@statement_timeout@');
  EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', p_login, '@lock_timeout@');
  EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_login, '@idle_timeout@');
  INSERT INTO public.users (name, role, team, active, is_demo, created_at, login, row_version)
    VALUES (p_name, p_role, coalesce(p_team, ''), true, false, (now() AT TIME ZONE 'utc'), p_login, 1)
    RETURNING id INTO uid;
  RETURN uid;
END $$;
-- link a users row that already exists (an embedded library being published) to a new login
CREATE OR REPLACE FUNCTION app.link_user(p_user_id integer, p_login text, p_verifier text)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, app AS $$
DECLARE r text; grp text;
BEGIN
  PERFORM app.check_admin();
  PERFORM app.check_verifier(p_verifier);
  SELECT role INTO r FROM public.users WHERE id = p_user_id AND login IS NULL;
  grp := app.group_of(r);
  IF grp IS NULL THEN
    RAISE EXCEPTION 'no unlinked user %', p_user_id USING ERRCODE = 'undefined_object';
  END IF;
  IF p_login !~ '^[a-z_][a-z0-9_.\-]{0,62}$' THEN
    RAISE EXCEPTION 'not a usable login: %', p_login USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN
    RAISE EXCEPTION 'a login called % already exists on this server', p_login USING ERRCODE = 'duplicate_object';
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS NOREPLICATION INHERIT PASSWORD %L',
                 p_login, p_verifier);
  EXECUTE format('GRANT %I TO %I', grp, p_login);
  EXECUTE format('ALTER ROLE %I SET statement_timeout = %L', p_login, '@statement_timeout@');
  EXECUTE format('ALTER ROLE %I SET lock_timeout = %L', p_login, '@lock_timeout@');
  EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L', p_login, '@idle_timeout@');
  UPDATE public.users SET login = p_login WHERE id = p_user_id;
END $$;
CREATE OR REPLACE FUNCTION app.set_user_role(p_login text, p_role text)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, app AS $$
DECLARE uid integer; grp text := app.group_of(p_role); g text;
BEGIN
  PERFORM app.check_admin();
  uid := app.our_login(p_login);
  IF grp IS NULL THEN
    RAISE EXCEPTION 'unknown role %', p_role USING ERRCODE = 'invalid_parameter_value';
  END IF;
  FOREACH g IN ARRAY ARRAY['@rep@', '@marketing@', '@manager@', '@admin@'] LOOP
    IF g <> grp THEN EXECUTE format('REVOKE %I FROM %I', g, p_login); END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', grp, p_login);
  UPDATE public.users SET role = p_role WHERE id = uid;
END $$;
CREATE OR REPLACE FUNCTION app.set_user_active(p_login text, p_active boolean)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, app AS $$
DECLARE uid integer;
BEGIN
  PERFORM app.check_admin();
  uid := app.our_login(p_login);
  EXECUTE format('ALTER ROLE %I %s', p_login, CASE WHEN p_active THEN 'LOGIN' ELSE 'NOLOGIN' END);
  UPDATE public.users SET active = p_active WHERE id = uid;
END $$;
CREATE OR REPLACE FUNCTION app.set_user_password(p_login text, p_verifier text)
  RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, app AS $$
BEGIN
  PERFORM app.check_admin();
  PERFORM app.our_login(p_login);
  PERFORM app.check_verifier(p_verifier);
  EXECUTE format('ALTER ROLE %I PASSWORD %L', p_login, p_verifier);
END $$;
REVOKE ALL ON FUNCTION app.check_admin(), app.check_verifier(text), app.group_of(text), app.our_login(text),
  app.add_user(text, text, text, text, text), app.link_user(integer, text, text), app.set_user_role(text, text),
  app.set_user_active(text, boolean), app.set_user_password(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION app.check_admin(), app.check_verifier(text), app.group_of(text), app.our_login(text),
  app.add_user(text, text, text, text, text), app.link_user(integer, text, text), app.set_user_role(text, text),
  app.set_user_active(text, boolean), app.set_user_password(text, text) TO @admin@, @dba@;
"""

GRANTS_SQL = r"""
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA app FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM @user@, @rep@, @marketing@, @manager@, @admin@;
REVOKE ALL ON ALL TABLES IN SCHEMA app FROM @user@, @rep@, @marketing@, @manager@, @admin@;
-- everyone reads what RLS lets them see
GRANT SELECT ON library_meta, users, stages, gates, facet_values, synonyms, blobs, pieces, piece_versions,
  piece_stages, piece_gates, piece_facets, usage_events, search_log, kits, kit_items, content_requests,
  renditions, alembic_version TO @user@;
GRANT SELECT ON app.change_log, app.blob_chunks, app.meta TO @user@;
-- everyone logs their own use, searches, requests and builds their own kits
GRANT INSERT ON usage_events, search_log, content_requests, kits, kit_items TO @user@;
GRANT UPDATE (opened_piece_id) ON search_log TO @user@;
GRANT UPDATE, DELETE ON kits, kit_items TO @user@;
-- shelves: everyone keeps their own saved searches and favourites (RLS: own rows; only
-- marketing and admins write recommended searches)
GRANT SELECT, INSERT, UPDATE, DELETE ON saved_searches, favourites TO @user@;
-- reps: their own submissions (the piece, its first version, tags and bytes); while one is
-- pending review they may edit its metadata and tags (RLS: their own pending drafts only),
-- never its status, source, review state or author
GRANT INSERT ON pieces, piece_versions, piece_stages, piece_gates, piece_facets, blobs, app.blob_chunks TO @rep@;
GRANT UPDATE (current_version_id, title, description, owner, review_by, url, updated_at, updated_by_id,
  row_version) ON pieces TO @rep@;
GRANT DELETE ON piece_stages, piece_gates, piece_facets TO @rep@;
GRANT UPDATE (status, decline_reason, resolved_at, resolved_by_id) ON content_requests TO @rep@;
-- marketing and admins: the catalog and the taxonomy (no DELETE of pieces: archive, or purge by an admin)
GRANT INSERT, UPDATE ON pieces, piece_versions TO @marketing@, @admin@;
GRANT INSERT, UPDATE, DELETE ON renditions TO @marketing@, @admin@;
GRANT INSERT, DELETE ON piece_stages, piece_gates, piece_facets TO @marketing@, @admin@;
GRANT INSERT, UPDATE, DELETE ON stages, gates, facet_values, synonyms TO @marketing@, @admin@;
GRANT INSERT ON blobs, app.blob_chunks TO @marketing@, @admin@;
GRANT UPDATE ON content_requests TO @marketing@, @admin@;
GRANT DELETE ON blobs, app.blob_chunks TO @admin@;
GRANT INSERT, UPDATE ON library_meta TO @admin@;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO @user@;
-- nobody but the owner: alembic_version writes, users writes (app.add_user & co), the audit
-- log, change-log writes, UPDATE or DELETE of usage events and searches
"""


ROW_POLICIES: dict[str, list[str]] = {
    "library_meta": [
        "CREATE POLICY read ON library_meta FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY write ON library_meta FOR ALL TO @admin@ USING (true) WITH CHECK (true)",
        "CREATE POLICY owner_write ON library_meta FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "users": [
        "CREATE POLICY read ON users FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY owner_write ON users FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "alembic_version": [
        "CREATE POLICY read ON alembic_version FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY owner_write ON alembic_version FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "pieces": [
        # managers read every piece, archived ones included, or history drops out of their reports
        "CREATE POLICY read_staff ON pieces FOR SELECT TO @marketing@, @admin@, @manager@ USING (true)",
        "CREATE POLICY read ON pieces FOR SELECT TO @rep@ "
        "USING (status = 'published' OR created_by_id = (SELECT app.me()))",
        "CREATE POLICY submit ON pieces FOR INSERT TO @rep@ WITH CHECK (source = 'rep' AND status = 'draft' "
        "AND review_state = 'pending' AND created_by_id = (SELECT app.me()))",
        # A rep edits their own pending submission. The row found is only what they can read
        # (published pieces and their own), and the row written must still be their own pending
        # draft; since they cannot set source, status, review state or author, any other row
        # fails that check: an error, not a silent "0 rows".
        "CREATE POLICY edit_own_pending ON pieces FOR UPDATE TO @rep@ USING (true) WITH CHECK (source = 'rep' "
        "AND status = 'draft' AND review_state = 'pending' AND created_by_id = (SELECT app.me()))",
        "CREATE POLICY add ON pieces FOR INSERT TO @marketing@, @admin@ WITH CHECK (status <> 'purged')",
        # only an admin purges (a purged piece is a tombstone row)
        "CREATE POLICY edit ON pieces FOR UPDATE TO @marketing@ USING (status <> 'purged') "
        "WITH CHECK (status <> 'purged')",
        "CREATE POLICY admin_edit ON pieces FOR UPDATE TO @admin@ USING (true) WITH CHECK (true)",
    ],
    "piece_versions": [
        "CREATE POLICY read ON piece_versions FOR SELECT TO @user@ "
        "USING (EXISTS (SELECT 1 FROM pieces p WHERE p.id = piece_id))",
        "CREATE POLICY submit ON piece_versions FOR INSERT TO @rep@ WITH CHECK (EXISTS (SELECT 1 FROM pieces p "
        "WHERE p.id = piece_id AND p.source = 'rep' AND p.review_state = 'pending' "
        "AND p.created_by_id = (SELECT app.me())))",
        "CREATE POLICY write ON piece_versions FOR ALL TO @marketing@, @admin@ USING (true) WITH CHECK (true)",
    ],
    "renditions": [
        # a version's drawn pages: seen with the version, made by whoever may write the catalog
        "CREATE POLICY read ON renditions FOR SELECT TO @user@ "
        "USING (EXISTS (SELECT 1 FROM piece_versions v WHERE v.id = version_id))",
        "CREATE POLICY write ON renditions FOR ALL TO @marketing@, @admin@ USING (true) WITH CHECK (true)",
    ],
    "blobs": [
        "CREATE POLICY read ON blobs FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY add ON blobs FOR INSERT TO @rep@, @marketing@, @admin@ WITH CHECK (true)",
        "CREATE POLICY purge ON blobs FOR DELETE TO @admin@ USING (true)",
    ],
    "app.blob_chunks": [
        # only the bytes of versions this login may see
        "CREATE POLICY read ON app.blob_chunks FOR SELECT TO @user@ "
        "USING (EXISTS (SELECT 1 FROM piece_versions v WHERE v.blob_sha256 = blob_chunks.sha256) "
        "OR EXISTS (SELECT 1 FROM renditions r WHERE r.blob_sha256 = blob_chunks.sha256))",
        # content-addressed and checked against the hash at commit (app.check_blob_bytes)
        "CREATE POLICY add ON app.blob_chunks FOR INSERT TO @rep@, @marketing@, @admin@ WITH CHECK (true)",
        "CREATE POLICY purge ON app.blob_chunks FOR DELETE TO @admin@ USING (true)",
    ],
    "usage_events": [
        "CREATE POLICY add_own ON usage_events FOR INSERT TO @user@ "
        "WITH CHECK (user_id = (SELECT app.me()) AND NOT is_demo)",
        "CREATE POLICY read_own ON usage_events FOR SELECT TO @rep@ USING (user_id = (SELECT app.me()))",
        "CREATE POLICY read_all ON usage_events FOR SELECT TO @manager@, @marketing@, @admin@ USING (true)",
        "CREATE POLICY owner_add ON usage_events FOR INSERT TO @owner@ WITH CHECK (true)",
    ],
    "search_log": [
        "CREATE POLICY add_own ON search_log FOR INSERT TO @user@ "
        "WITH CHECK (user_id = (SELECT app.me()) AND NOT is_demo)",
        "CREATE POLICY opened_own ON search_log FOR UPDATE TO @user@ USING (user_id = (SELECT app.me())) "
        "WITH CHECK (user_id = (SELECT app.me()))",
        "CREATE POLICY read_own ON search_log FOR SELECT TO @rep@ USING (user_id = (SELECT app.me()))",
        "CREATE POLICY read_all ON search_log FOR SELECT TO @manager@, @marketing@, @admin@ USING (true)",
        "CREATE POLICY owner_add ON search_log FOR INSERT TO @owner@ WITH CHECK (true)",
    ],
    "kits": [
        "CREATE POLICY own ON kits FOR ALL TO @user@ USING (owner_id = (SELECT app.me())) "
        "WITH CHECK (owner_id = (SELECT app.me()))",
        "CREATE POLICY owner_write ON kits FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "kit_items": [
        "CREATE POLICY own ON kit_items FOR ALL TO @user@ USING (EXISTS (SELECT 1 FROM kits k WHERE k.id = kit_id)) "
        "WITH CHECK (EXISTS (SELECT 1 FROM kits k WHERE k.id = kit_id))",
        "CREATE POLICY owner_write ON kit_items FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "content_requests": [
        "CREATE POLICY add_own ON content_requests FOR INSERT TO @user@ "
        "WITH CHECK (requester_id = (SELECT app.me()) AND status = 'open' AND NOT is_demo)",
        "CREATE POLICY read_own ON content_requests FOR SELECT TO @rep@ USING (requester_id = (SELECT app.me()))",
        "CREATE POLICY read_all ON content_requests FOR SELECT TO @marketing@, @manager@, @admin@ USING (true)",
        # a rep may only withdraw their own open request
        "CREATE POLICY withdraw_own ON content_requests FOR UPDATE TO @rep@ "
        "USING (requester_id = (SELECT app.me()) AND status = 'open') "
        "WITH CHECK (requester_id = (SELECT app.me()) AND status = 'declined' AND piece_id IS NULL)",
        "CREATE POLICY triage ON content_requests FOR UPDATE TO @marketing@, @admin@ USING (true) WITH CHECK (true)",
        "CREATE POLICY owner_write ON content_requests FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "saved_searches": [
        # one's own, and every recommended one (marketing shares them with everyone)
        "CREATE POLICY read ON saved_searches FOR SELECT TO @user@ "
        "USING (recommended OR owner_id = (SELECT app.me()))",
        "CREATE POLICY own ON saved_searches FOR ALL TO @user@ "
        "USING (owner_id = (SELECT app.me()) AND NOT recommended) "
        "WITH CHECK (owner_id = (SELECT app.me()) AND NOT recommended)",
        # marketing and admins write recommended searches (and recommend or withdraw their own)
        "CREATE POLICY recommend ON saved_searches FOR ALL TO @marketing@, @admin@ "
        "USING (recommended OR owner_id = (SELECT app.me())) WITH CHECK (recommended OR owner_id = (SELECT app.me()))",
        "CREATE POLICY owner_write ON saved_searches FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "favourites": [
        "CREATE POLICY own ON favourites FOR ALL TO @user@ USING (user_id = (SELECT app.me())) "
        "WITH CHECK (user_id = (SELECT app.me()))",
        "CREATE POLICY owner_write ON favourites FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    # the search index's change log: bookkeeping of a library whose index opens against the
    # database, which a team server's never does (laptops index their replicas): no login's
    "search_changes": [
        "CREATE POLICY owner_write ON search_changes FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "app.change_log": [
        "CREATE POLICY read ON app.change_log FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY owner_write ON app.change_log FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "app.audit_log": [
        "CREATE POLICY owner_write ON app.audit_log FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "app.piece_uses": [
        "CREATE POLICY owner_write ON app.piece_uses FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "app.piece_uses_delta": [
        "CREATE POLICY owner_write ON app.piece_uses_delta FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
    "app.meta": [
        "CREATE POLICY read ON app.meta FOR SELECT TO @user@ USING (true)",
        "CREATE POLICY owner_write ON app.meta FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ],
}
for _tag_table in ("piece_stages", "piece_gates", "piece_facets"):
    ROW_POLICIES[_tag_table] = [
        f"CREATE POLICY read ON {_tag_table} FOR SELECT TO @user@ "
        "USING (EXISTS (SELECT 1 FROM pieces p WHERE p.id = piece_id))",
        f"CREATE POLICY submit ON {_tag_table} FOR INSERT TO @rep@ WITH CHECK (EXISTS (SELECT 1 FROM pieces p "
        "WHERE p.id = piece_id AND p.source = 'rep' AND p.review_state = 'pending' "
        "AND p.created_by_id = (SELECT app.me())))",
        f"CREATE POLICY retag_own_pending ON {_tag_table} FOR DELETE TO @rep@ USING (EXISTS (SELECT 1 FROM pieces p "
        "WHERE p.id = piece_id AND p.source = 'rep' AND p.status = 'draft' AND p.review_state = 'pending' "
        "AND p.created_by_id = (SELECT app.me())))",
        f"CREATE POLICY write ON {_tag_table} FOR ALL TO @marketing@, @admin@ USING (true) WITH CHECK (true)",
    ]
for _tax_table in ("stages", "gates", "facet_values", "synonyms"):
    ROW_POLICIES[_tax_table] = [
        f"CREATE POLICY read ON {_tax_table} FOR SELECT TO @user@ USING (true)",
        f"CREATE POLICY write ON {_tax_table} FOR ALL TO @marketing@, @admin@ USING (true) WITH CHECK (true)",
        f"CREATE POLICY owner_write ON {_tax_table} FOR ALL TO @owner@ USING (true) WITH CHECK (true)",
    ]
# The owner's own rows (migrations, seeding, publishing run as the owner): it may write the
# catalog, never rewrite history (no UPDATE/DELETE of usage events or searches).
for _cat_table in ("pieces", "piece_versions", "piece_stages", "piece_gates", "piece_facets", "blobs",
                   "app.blob_chunks", "renditions"):
    ROW_POLICIES[_cat_table].append(
        f"CREATE POLICY owner_write ON {_cat_table} FOR ALL TO @owner@ USING (true) WITH CHECK (true)")

ALL_TABLES = tuple(PUBLIC_TABLES) + tuple(f"app.{t}" for t in APP_TABLES) + ("app.meta",)


def render(sql: str, names: RoleNames, *, dba: str, statement_timeout: str = "120s",
           lock_timeout: str = "10s", idle_timeout: str = "60s") -> str:
    """Fill the role names, channel, lock key and per-login limits into a SQL text."""
    values = {
        "owner": _q(names.owner), "user": _q(names.user), "rep": _q(names.group("rep")),
        "marketing": _q(names.group("marketing")), "manager": _q(names.group("manager")),
        "admin": _q(names.group("admin")), "dba": _q(dba), "channel": names.channel,
        "lock": str(names.lock_key), "use_kinds": USE_KINDS_SQL,
        "statement_timeout": statement_timeout, "lock_timeout": lock_timeout, "idle_timeout": idle_timeout,
    }
    # inside quoted strings (group names in function bodies) the bare name is wanted
    for key in ("rep", "marketing", "manager", "admin"):
        sql = sql.replace(f"'@{key}@'", f"'{names.group(key)}'")
    for key, value in values.items():
        sql = sql.replace(f"@{key}@", value)
    return sql


def trigger_statements() -> list[str]:
    """Change feed, audit and row-version triggers (dropped first: re-runnable)."""
    out: list[str] = []
    for table, entity, column in CHANGE_FEED:
        col = f"'{column}'" if column else "NULL"
        for op, ref in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "NEW TABLE AS new_rows"),
                        ("DELETE", "OLD TABLE AS old_rows")):
            name = f"change_{op.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
            out.append(f"CREATE TRIGGER {name} AFTER {op} ON public.{table} REFERENCING {ref} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION app.log_change('{entity}', {col})")
    for table in AUDITED:
        for op, ref in (("INSERT", "NEW TABLE AS new_rows"), ("UPDATE", "NEW TABLE AS new_rows"),
                        ("DELETE", "OLD TABLE AS old_rows")):
            name = f"audit_{op.lower()}"
            out.append(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
            out.append(f"CREATE TRIGGER {name} AFTER {op} ON public.{table} REFERENCING {ref} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION app.audit()")
    for table in VERSIONED:
        out.append(f"DROP TRIGGER IF EXISTS bump_row_version ON public.{table}")
        out.append(f"CREATE TRIGGER bump_row_version BEFORE UPDATE ON public.{table} "
                   "FOR EACH ROW EXECUTE FUNCTION app.bump_row_version()")
    for table, ops in (("pieces", "UPDATE"), *((t, "INSERT OR UPDATE") for t in EDITOR_STAMPED)):
        out.append(f"DROP TRIGGER IF EXISTS stamp_editor ON public.{table}")
        out.append(f"CREATE TRIGGER stamp_editor BEFORE {ops} ON public.{table} "
                   "FOR EACH ROW EXECUTE FUNCTION app.stamp_editor()")
    return out


def policy_statements() -> list[str]:
    """Drop every policy on our tables, then FORCE RLS and create the policies again."""
    out = ["DO $$ DECLARE r record; BEGIN FOR r IN SELECT schemaname, tablename, policyname FROM pg_policies "
           "WHERE schemaname IN ('public', 'app') LOOP EXECUTE format('DROP POLICY %I ON %I.%I', "
           "r.policyname, r.schemaname, r.tablename); END LOOP; END $$"]
    for table in ALL_TABLES:
        qualified = table if "." in table else f"public.{table}"
        out.append(f"ALTER TABLE {qualified} ENABLE ROW LEVEL SECURITY")
        out.append(f"ALTER TABLE {qualified} FORCE ROW LEVEL SECURITY")
        policies = ROW_POLICIES.get(table, [])
        if not any("owner_write" in p for p in policies):
            out.append(f"CREATE POLICY owner_read ON {qualified} FOR SELECT TO @owner@ USING (true)")
        out.extend(policies)
    return out


def unforce_statements() -> list[str]:
    """Before migrating an existing server: the owner's migrations see every row."""
    return [f"ALTER TABLE IF EXISTS {t if '.' in t else 'public.' + t} NO FORCE ROW LEVEL SECURITY"
            for t in ALL_TABLES]


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'

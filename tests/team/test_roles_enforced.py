"""Acceptance: the database itself refuses what a role may not do.

Connected as each person's own login with plain psycopg (no app code in between), every
forbidden statement of the issue fails with an error from PostgreSQL."""

from __future__ import annotations

import hashlib
import uuid
from typing import Iterator

import psycopg
import pytest
from psycopg import errors

from tests.team.server import TeamServer, team_server

pytestmark = pytest.mark.postgres

FILE = b"%PDF-1.4 a tiny file standing in for a datasheet\n" * 40


@pytest.fixture(scope="module")
def server() -> Iterator[TeamServer]:
    with team_server() as srv:
        srv.add("Maya Marketing", "maya", "marketing")
        srv.add("Morgan Manager", "morgan", "manager")
        srv.add("Rita Rep", "rita", "rep")
        srv.add("Ravi Rep", "ravi", "rep")
        _seed(srv)
        yield srv


def _seed(srv: TeamServer) -> None:
    """As the DBA: a published piece with a file and tags, a draft, one use by each rep."""
    sha = hashlib.sha256(FILE).hexdigest()
    with psycopg.connect(srv.dba_url) as conn:
        uid = dict(conn.execute("SELECT login, id FROM users").fetchall())
        maya = uid[srv.logins["Maya Marketing"]]
        conn.execute("INSERT INTO blobs (sha256, size, file_type, created_at) VALUES (%s, %s, 'pdf', now())",
                     (sha, len(FILE)))
        conn.execute("INSERT INTO app.blob_chunks (sha256, n, data) VALUES (%s, 0, %s)", (sha, FILE))
        for title, status in (("Datasheet", "published"), ("Secret draft", "draft")):
            pid = conn.execute(
                "INSERT INTO pieces (title, description, kind, url, status, source, review_state, review_note, owner,"
                " created_by_id, created_at, updated_at, is_demo) VALUES (%s, '', 'file', '', %s, 'marketing', "
                "'none', '', 'Maya', %s, now(), now(), false) RETURNING id", (title, status, maya)).fetchone()[0]
            vid = conn.execute(
                "INSERT INTO piece_versions (piece_id, number, blob_sha256, original_name, file_type, size, doc_title,"
                " doc_author, text, outcome, outcome_detail, note, created_at) VALUES (%s, 1, %s, 'd.pdf', 'pdf', %s,"
                " '', '', 'text', 'ok', '', '', now()) RETURNING id",
                (pid, sha if status == "published" else None, len(FILE))).fetchone()[0]
            conn.execute("UPDATE pieces SET current_version_id = %s WHERE id = %s", (vid, pid))
            conn.execute("INSERT INTO piece_stages (piece_id, stage_id) SELECT %s, min(id) FROM stages", (pid,))
        for name in ("Rita Rep", "Ravi Rep"):
            conn.execute("INSERT INTO usage_events (id, kind, user_id, piece_id, occurred_at, account, comment, is_demo)"
                         " VALUES (%s, 'opened', %s, 1, now() AT TIME ZONE 'utc', '', '', false)",
                         (str(uuid.uuid4()), uid[srv.logins[name]]))


def as_login(srv: TeamServer, name: str) -> psycopg.Connection:
    return psycopg.connect(srv.url(srv.logins[name]), autocommit=True)


def refused(conn: psycopg.Connection, statement: str, params: tuple = ()) -> None:
    """The statement fails with a privilege error from the server."""
    with pytest.raises(errors.InsufficientPrivilege):
        conn.execute(statement, params)


REP_FORBIDDEN = [
    "UPDATE pieces SET title = 'mine now'",
    "UPDATE pieces SET title = 'mine now' WHERE status = 'published'",
    "DELETE FROM pieces",
    "UPDATE piece_versions SET note = 'x'",
    "DELETE FROM piece_versions",
    "UPDATE piece_stages SET stage_id = stage_id",
    "UPDATE usage_events SET kind = 'sent'",
    "DELETE FROM usage_events",
    "UPDATE search_log SET query = 'x'",
    "DELETE FROM search_log",
    # publishing is a status change; a submission's review state and author are not theirs to set
    "UPDATE pieces SET status = 'published'",
    "UPDATE pieces SET review_state = 'published'",
    "UPDATE pieces SET created_by_id = created_by_id",
    "UPDATE pieces SET source = 'rep'",
    "UPDATE pieces SET status = 'published', published_at = now() WHERE id = 2",
    # the taxonomy and the users
    "UPDATE stages SET name = 'x'",
    "INSERT INTO stages (key, name, description, position, retired) VALUES ('x', 'x', '', 99, false)",
    "UPDATE users SET role = 'admin'",
    "INSERT INTO users (name, role, team, active, is_demo, created_at) VALUES ('x', 'admin', '', true, false, now())",
    # the schema version, the audit log
    "UPDATE alembic_version SET version_num = '9999'",
    "DELETE FROM alembic_version",
    "INSERT INTO alembic_version VALUES ('9999')",
    "SELECT * FROM app.audit_log",
    "DELETE FROM app.change_log",
    # row-level security cannot be switched off
    "ALTER TABLE pieces DISABLE ROW LEVEL SECURITY",
    "ALTER TABLE usage_events NO FORCE ROW LEVEL SECURITY",
    "SET row_security = off; SELECT count(*) FROM usage_events",
    # no new objects anywhere
    "CREATE TABLE public.mine (x int)",
    "CREATE TABLE app.mine (x int)",
    "CREATE TEMP TABLE mine (x int)",
    "CREATE SCHEMA mine",
    "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
    "CREATE VIEW public.v AS SELECT 1",
    # no roles, no other group
    "CREATE ROLE sneaky LOGIN",
    "SELECT app.add_user('x', 'x_sneaky', 'admin', 'SCRAM-SHA-256$4096:YQ==$YQ==:YQ==', '')",
    "SELECT app.recount_uses()",
]


@pytest.mark.parametrize("statement", REP_FORBIDDEN)
def test_a_rep_is_refused_by_the_database(server: TeamServer, statement: str) -> None:
    with as_login(server, "Rita Rep") as conn:
        if statement.startswith("SET row_security"):
            conn.execute("SET row_security = off")
            refused(conn, "SELECT count(*) FROM usage_events")
        else:
            refused(conn, statement)


def test_a_rep_cannot_log_use_for_someone_else(server: TeamServer) -> None:
    with psycopg.connect(server.dba_url) as dba:
        ravi = dba.execute("SELECT id FROM users WHERE login = %s", (server.logins["Ravi Rep"],)).fetchone()[0]
        rita = dba.execute("SELECT id FROM users WHERE login = %s", (server.logins["Rita Rep"],)).fetchone()[0]
    insert = ("INSERT INTO usage_events (id, kind, user_id, piece_id, occurred_at, account, comment, is_demo) "
              "VALUES (%s, 'sent', %s, 1, now() AT TIME ZONE 'utc', '', '', false)")
    with as_login(server, "Rita Rep") as conn:
        refused(conn, insert, (str(uuid.uuid4()), ravi))
        refused(conn, "INSERT INTO search_log (id, user_id, query, filters, result_count, shown_piece_ids, "
                      "occurred_at, is_demo) VALUES (%s, %s, 'x', '', 0, '', now(), false)", (str(uuid.uuid4()), ravi))
        refused(conn, "INSERT INTO content_requests (requester_id, title, need, account, status, decline_reason, "
                      "created_at, is_demo) VALUES (%s, 'x', '', '', 'open', '', now(), false)", (ravi,))
        # their own use goes in, with the server's receipt time
        conn.execute(insert, (str(uuid.uuid4()), rita))
        # a use dated far in the future does not
        with pytest.raises(errors.CheckViolation):
            conn.execute("INSERT INTO usage_events (id, kind, user_id, piece_id, occurred_at, account, comment, "
                         "is_demo) VALUES (%s, 'sent', %s, 1, now() + interval '1 day', '', '', false)",
                         (str(uuid.uuid4()), rita))


def test_a_rep_reads_only_their_own_events_and_published_pieces(server: TeamServer) -> None:
    with psycopg.connect(server.dba_url) as dba:
        ravi = dba.execute("SELECT id FROM users WHERE login = %s", (server.logins["Ravi Rep"],)).fetchone()[0]
        total = dba.execute("SELECT count(*) FROM usage_events").fetchone()[0]
    with as_login(server, "Rita Rep") as conn:
        assert conn.execute("SELECT count(*) FROM usage_events WHERE user_id = %s", (ravi,)).fetchone()[0] == 0
        mine = conn.execute("SELECT count(*) FROM usage_events").fetchone()[0]
        assert 1 <= mine < total
        assert [r[0] for r in conn.execute("SELECT title FROM pieces")] == ["Datasheet"]
        assert conn.execute("SELECT count(*) FROM piece_versions WHERE blob_sha256 IS NULL").fetchone()[0] == 0
        # the draft's current version cannot be re-pointed either: RLS hides the row
        assert conn.execute("UPDATE pieces SET current_version_id = 1 WHERE id = 2").rowcount == 0
        # popularity counts the team's use without exposing the events
        assert dict(conn.execute("SELECT piece_id, uses FROM app.popularity()").fetchall())[1] >= 2
    with as_login(server, "Morgan Manager") as conn:
        assert conn.execute("SELECT count(*) FROM usage_events").fetchone()[0] == total
        assert conn.execute("SELECT count(*) FROM pieces").fetchone()[0] == 2


def _submit(conn: psycopg.Connection, title: str) -> int:
    """As a rep: a piece of their own, pending review, with one stage."""
    pid = conn.execute(
        "INSERT INTO pieces (title, description, kind, url, status, source, review_state, review_note, owner,"
        " created_by_id, created_at, updated_at, is_demo) VALUES (%s, '', 'link', 'https://example.com', 'draft',"
        " 'rep', 'pending', '', '', app.me(), now(), now(), false) RETURNING id", (title,)).fetchone()[0]
    conn.execute("INSERT INTO piece_stages (piece_id, stage_id) SELECT %s, min(id) FROM stages", (pid,))
    return pid


def test_a_rep_edits_their_own_pending_submission_and_nothing_else(server: TeamServer) -> None:
    with as_login(server, "Rita Rep") as rita, as_login(server, "Ravi Rep") as ravi:
        mine = _submit(rita, "Rita's battlecard")
        theirs = _submit(ravi, "Ravi's battlecard")
        # their own pending submission: metadata and tags
        assert rita.execute("UPDATE pieces SET title = 'Rita''s battlecard v2', description = 'x', "
                            "updated_at = now() WHERE id = %s", (mine,)).rowcount == 1
        assert rita.execute("DELETE FROM piece_stages WHERE piece_id = %s", (mine,)).rowcount == 1
        rita.execute("INSERT INTO piece_stages (piece_id, stage_id) SELECT %s, max(id) FROM stages", (mine,))
        # anyone else's piece, published or another rep's submission: refused or out of reach
        refused(rita, "UPDATE pieces SET title = 'mine now' WHERE id = 1")
        assert rita.execute("UPDATE pieces SET title = 'mine now' WHERE id = %s", (theirs,)).rowcount == 0
        assert rita.execute("DELETE FROM piece_stages").rowcount == 1  # only their own submission's tag
        assert rita.execute("DELETE FROM piece_facets").rowcount == 0
        # their own submission may not publish itself or change hands
        refused(rita, "UPDATE pieces SET status = 'published' WHERE id = %s", (mine,))
        refused(rita, "UPDATE pieces SET created_by_id = %s WHERE id = %s", (1, mine))
    with psycopg.connect(server.dba_url, autocommit=True) as dba:
        assert dba.execute("SELECT title FROM pieces WHERE id = %s", (mine,)).fetchone()[0] == "Rita's battlecard v2"
        assert dba.execute("SELECT count(*) FROM piece_stages WHERE piece_id IN (1, 2, %s)",
                           (theirs,)).fetchone()[0] == 3
        # once reviewed it is marketing's: the rep's edits are refused
        dba.execute("UPDATE pieces SET review_state = 'published', status = 'published' WHERE id = %s", (mine,))
    with as_login(server, "Rita Rep") as rita:
        refused(rita, "UPDATE pieces SET title = 'late edit' WHERE id = %s", (mine,))
        assert rita.execute("DELETE FROM piece_stages WHERE piece_id = %s", (mine,)).rowcount == 0
    with psycopg.connect(server.dba_url, autocommit=True) as dba:
        dba.execute("DELETE FROM piece_stages WHERE piece_id IN (%s, %s)", (mine, theirs))
        dba.execute("DELETE FROM pieces WHERE id IN (%s, %s)", (mine, theirs))


@pytest.mark.parametrize("group", ["marketing", "manager", "admin", "owner"])
def test_a_rep_cannot_switch_to_another_group(server: TeamServer, group: str) -> None:
    with as_login(server, "Rita Rep") as conn:
        refused(conn, f'SET ROLE "{server.prefix}_{group}"')
        refused(conn, f'GRANT "{server.prefix}_{group}" TO "{server.logins["Rita Rep"]}"')


def test_the_shared_user_group_a_rep_is_in_grants_nothing_more(server: TeamServer) -> None:
    """Every group is a member of ``<prefix>_user`` (the shared read grants), so a rep may
    SET ROLE to it: it only narrows what they see, and app.me() still names them."""
    with as_login(server, "Rita Rep") as conn:
        conn.execute(f'SET ROLE "{server.prefix}_user"')
        refused(conn, "UPDATE pieces SET title = 'x'")
        refused(conn, "DELETE FROM usage_events")
        assert conn.execute("SELECT count(*) FROM pieces").fetchone()[0] == 0


@pytest.mark.parametrize("statement", [
    "UPDATE pieces SET title = 'x'",
    "UPDATE pieces SET status = 'archived'",
    "INSERT INTO pieces (title, description, kind, url, status, source, review_state, review_note, owner, created_at,"
    " updated_at, is_demo) VALUES ('x', '', 'link', 'https://x', 'draft', 'marketing', 'none', '', '', now(), now(),"
    " false)",
    "DELETE FROM pieces",
    "UPDATE piece_versions SET note = 'x'",
    "DELETE FROM piece_stages",
    "UPDATE stages SET name = 'x'",
    "UPDATE usage_events SET kind = 'sent'",
    "UPDATE users SET role = 'admin'",
])
def test_a_manager_cannot_edit_pieces(server: TeamServer, statement: str) -> None:
    with as_login(server, "Morgan Manager") as conn:
        refused(conn, statement)


@pytest.mark.parametrize("statement", [
    "UPDATE users SET role = 'admin'",
    "UPDATE users SET active = false",
    "DELETE FROM users",
    "INSERT INTO users (name, role, team, active, is_demo, created_at) VALUES ('x', 'admin', '', true, false, now())",
    "SELECT app.set_user_role('x', 'admin')",
    "SELECT app.set_user_active('x', false)",
    "SELECT app.add_user('x', 'x_sneaky', 'admin', 'SCRAM-SHA-256$4096:YQ==$YQ==:YQ==', '')",
    "CREATE ROLE sneaky LOGIN",
    "UPDATE usage_events SET kind = 'sent'",
    "DELETE FROM usage_events",
    "UPDATE pieces SET status = 'purged'",
    "SELECT * FROM app.audit_log",
])
def test_marketing_cannot_touch_users(server: TeamServer, statement: str) -> None:
    with as_login(server, "Maya Marketing") as conn:
        if statement.startswith("UPDATE pieces SET status = 'purged'"):
            with pytest.raises(errors.InsufficientPrivilege):  # RLS: only an admin purges
                conn.execute(statement)
        else:
            refused(conn, statement)


def test_an_admin_cannot_reach_logins_outside_the_library(server: TeamServer) -> None:
    with as_login(server, "Ada Admin") as conn:
        with pytest.raises(errors.UndefinedObject):
            conn.execute("SELECT app.set_user_password('postgres', 'SCRAM-SHA-256$4096:YQ==$YQ==:YQ==')")
        with pytest.raises(errors.InvalidParameterValue):
            conn.execute("SELECT app.set_user_password(%s, 'plain text')", (server.logins["Rita Rep"],))
        refused(conn, "CREATE ROLE sneaky LOGIN")
        refused(conn, f'GRANT "{server.prefix}_owner" TO "{server.logins["Ada Admin"]}"')
        refused(conn, "SELECT * FROM app.audit_log")


def test_no_app_login_has_powers_or_owns_anything(server: TeamServer) -> None:
    with psycopg.connect(server.dba_url) as dba:
        logins = [r[0] for r in dba.execute("SELECT login FROM users WHERE login IS NOT NULL")]
        assert len(logins) == 5
        rows = dba.execute("SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole, rolreplication "
                           "FROM pg_roles WHERE rolname = ANY(%s)", (logins,)).fetchall()
        assert len(rows) == 5
        assert all(not any(flags) for _, *flags in rows), rows
        owned = dba.execute(
            "SELECT r.rolname, x.what FROM pg_roles r JOIN ("
            " SELECT relowner AS o, 'relation ' || relname AS what FROM pg_class"
            " UNION ALL SELECT proowner, 'function ' || proname FROM pg_proc"
            " UNION ALL SELECT nspowner, 'schema ' || nspname FROM pg_namespace"
            " UNION ALL SELECT typowner, 'type ' || typname FROM pg_type"
            " UNION ALL SELECT datdba, 'database ' || datname FROM pg_database) x ON x.o = r.oid"
            " WHERE r.rolname = ANY(%s)", (logins,)).fetchall()
        assert owned == []
        # each login is in exactly one of the library's groups, never the owner
        groups = dba.execute(
            "SELECT r.rolname, array_agg(g.rolname ORDER BY g.rolname) FROM pg_auth_members m"
            " JOIN pg_roles r ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid"
            " WHERE r.rolname = ANY(%s) GROUP BY r.rolname", (logins,)).fetchall()
        assert len(groups) == 5
        for login, member_of in groups:
            assert len(member_of) == 1 and member_of[0].startswith(server.prefix + "_"), (login, member_of)
            assert not member_of[0].endswith(("_owner", "_user"))
        # every table refuses to bypass its policies, even for its owner
        unforced = dba.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'r' AND n.nspname IN ('public', 'app')"
            " AND NOT (c.relrowsecurity AND c.relforcerowsecurity)").fetchall()
        assert unforced == []


def test_each_login_carries_server_side_time_limits(server: TeamServer) -> None:
    with as_login(server, "Rita Rep") as conn:
        limits = {name: conn.execute(f"SHOW {name}").fetchone()[0]
                  for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")}
    assert limits == {"statement_timeout": "2min", "lock_timeout": "10s", "idle_in_transaction_session_timeout": "1min"}


def test_the_change_log_is_in_commit_order_and_pokes_listeners(server: TeamServer) -> None:
    """Two catalog writers: the second waits for the first's COMMIT (advisory lock), so a reader
    that has seen seq N never later finds a smaller one; every change NOTIFYs listeners."""
    import threading

    listener = psycopg.connect(server.url(server.logins["Rita Rep"]), autocommit=True)
    listener.execute(f'LISTEN "{server.prefix}_changes"')
    first = psycopg.connect(server.url(server.logins["Maya Marketing"]))
    second = psycopg.connect(server.url(server.logins["Maya Marketing"]))
    try:
        first.execute("UPDATE pieces SET owner = 'first' WHERE id = 1")
        done = threading.Event()

        def write_second() -> None:
            second.execute("UPDATE pieces SET owner = 'second' WHERE id = 2")
            second.commit()
            done.set()

        thread = threading.Thread(target=write_second)
        thread.start()
        assert not done.wait(1.0), "the second writer did not wait for the first to commit"
        first.commit()
        thread.join(10)
        assert done.is_set()
        with psycopg.connect(server.dba_url) as dba:
            rows = dba.execute("SELECT entity_id, by_user FROM app.change_log WHERE entity = 'piece' "
                               "AND entity_id IN (1, 2) AND op = 'U' ORDER BY seq DESC LIMIT 2").fetchall()
        assert [r[0] for r in rows] == [2, 1]
        pokes = list(listener.notifies(timeout=2, stop_after=2))
        assert len(pokes) == 2 and all(p.channel == f"{server.prefix}_changes" for p in pokes)
        with psycopg.connect(server.dba_url) as dba:
            versions = dict(dba.execute("SELECT id, row_version FROM pieces WHERE id IN (1, 2)").fetchall())
        assert versions[1] >= 2 and versions[2] >= 2
    finally:
        first.close()
        second.close()
        listener.close()

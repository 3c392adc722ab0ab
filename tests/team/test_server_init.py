"""``server init``: roles, the owner, migrations, the PostgreSQL-only schema; twice is
harmless; a database holding anything else is refused."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from enablement.errors import LibraryError, PermissionDenied
from enablement.storage.migrate import head_revision
from enablement.team.server import init_server
from tests.pg import throwaway_database_url
from tests.team.server import drop_roles_with, team_server

pytestmark = pytest.mark.postgres


def test_init_builds_roles_owner_schema_and_an_admin_login() -> None:
    with team_server() as srv:
        assert srv.init.created and srv.init.admin_password and len(srv.init.admin_password) >= 16
        with psycopg.connect(srv.dba_url) as dba:
            roles = dict(dba.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE %s",
                                     (srv.prefix + "\\_%",)).fetchall())
            assert roles == {f"{srv.prefix}_{g}": False
                             for g in ("owner", "user", "rep", "marketing", "manager", "admin")}
            owners = {r[0] for r in dba.execute(
                "SELECT DISTINCT pg_get_userbyid(c.relowner) FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'app')")}
            assert owners == {f"{srv.prefix}_owner"}
            assert dba.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()
            assert dba.execute("SELECT count(*) FROM stages").fetchone()[0] == 7
            admin = dba.execute("SELECT name, role, login FROM users").fetchall()
            assert admin == [("Ada Admin", "admin", srv.admin_login)]
            tables = {r[0] for r in dba.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'app'")}
            assert {"change_log", "audit_log", "blob_chunks", "piece_uses", "piece_uses_delta"} <= tables
            storage = dba.execute("SELECT attstorage FROM pg_attribute WHERE attrelid = 'app.blob_chunks'::regclass "
                                  "AND attname = 'data'").fetchone()[0]
            assert storage == "e"  # EXTERNAL: no second compression of PDFs and OOXML
            # the taxonomy seeded by init is in the change log already (one ordered sequence)
            seqs = [r[0] for r in dba.execute("SELECT seq FROM app.change_log ORDER BY seq")]
            assert seqs == sorted(set(seqs))


def test_init_twice_is_harmless_and_keeps_everything() -> None:
    with team_server() as srv:
        srv.add("Rita Rep", "rita", "rep")
        with psycopg.connect(srv.dba_url) as dba:
            before = dba.execute("SELECT count(*) FROM pg_policies").fetchone()[0]
        again = init_server(srv.dba_url, srv.admin_login, "Ada Admin")
        assert not again.created and again.admin_password is None and again.prefix == srv.prefix
        with psycopg.connect(srv.dba_url) as dba:
            assert dba.execute("SELECT count(*) FROM pg_policies").fetchone()[0] == before
            assert dba.execute("SELECT count(*) FROM users").fetchone()[0] == 2
            assert dba.execute("SELECT count(*) FROM stages").fetchone()[0] == 7
        with psycopg.connect(srv.url(srv.logins["Rita Rep"])) as rita:
            assert rita.execute("SELECT app.my_role()").fetchone()[0] == "rep"


def test_init_refuses_a_database_that_holds_something_else() -> None:
    with throwaway_database_url() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE invoices (id int)")
        suffix = uuid.uuid4().hex[:10]
        try:
            with pytest.raises(LibraryError, match="not empty and is not an Enablement team library"):
                init_server(url, f"ada_{suffix}", prefix=f"t{suffix}")
            with psycopg.connect(url) as conn:
                assert conn.execute("SELECT to_regclass('app.meta')").fetchone()[0] is None
        finally:
            drop_roles_with(suffix)


def test_init_as_an_app_login_is_refused() -> None:
    with team_server() as srv:
        with pytest.raises(PermissionDenied, match="may not create roles"):
            init_server(srv.url(srv.admin_login), srv.admin_login)

"""Setting up a team server: ``enablement server init``.

Run as a role that may create roles (a DBA) on an empty database. In one transaction it
creates the NOLOGIN owner and role groups, runs the Alembic migrations as the owner, seeds
the default taxonomy, applies the PostgreSQL-only schema (``team.schema``) and creates the
first admin's login. Running it again upgrades and re-applies everything (harmless); a
database that holds anything else is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from enablement.errors import Conflict, LibraryError, PermissionDenied
from enablement.team import schema
from enablement.team.accounts import new_password, scram_verifier
from enablement.team.connection import ServerAddress, connect, parse_server_url, scalar
from enablement.team.names import APP_ROLES, RoleNames, check_login, default_prefix

if TYPE_CHECKING:
    import psycopg
    from sqlalchemy.engine import Connection, Engine


@dataclass(frozen=True)
class InitResult:
    prefix: str
    database: str
    created: bool  # False: the server was set up before and is now current
    admin_login: str
    admin_password: str | None  # the one-time password when a new admin login was made


def read_prefix(cur: psycopg.Cursor[Any]) -> str | None:
    """The role prefix recorded by ``server init`` (None when the database is not a team library)."""
    cur.execute("SELECT to_regclass('app.meta') IS NOT NULL")
    if not scalar(cur):
        return None
    cur.execute("SELECT value FROM app.meta WHERE key = 'prefix'")
    row = cur.fetchone()
    return row[0] if row else None


def _psycopg(sa_conn: Connection) -> psycopg.Connection[Any]:
    """The psycopg connection under a SQLAlchemy one (for SQL composed with psycopg.sql)."""
    import psycopg

    raw = sa_conn.connection.dbapi_connection
    if not isinstance(raw, psycopg.Connection):
        raise TypeError("the team server is reached through psycopg")
    return raw


def init_server(url: str, admin_login: str | None, admin_name: str | None = None, *, prefix: str | None = None,
                admin_password: str | None = None, seed: bool = True,
                password: str | None = None) -> InitResult:
    """Set up (or bring up to date) the team library in the database at ``url``.

    ``admin_login`` None makes no login and ``seed`` False no default taxonomy: what
    ``team publish`` wants before it copies a library's own rows in. ``password`` is the DBA's
    (otherwise libpq's own sources and the keyring are asked)."""
    address = parse_server_url(url)
    admin_login = check_login(admin_login) if admin_login is not None else None
    engine = team_admin_engine(address, password)
    try:
        # one transaction: a failure anywhere leaves the database as it was
        with engine.begin() as sa_conn:
            conn = _psycopg(sa_conn)
            with conn.cursor() as cur:
                cur.execute("SELECT current_database(), current_user, rolsuper, rolcreaterole FROM pg_roles "
                            "WHERE rolname = current_user")
                row = cur.fetchone()
                if row is None:
                    raise LibraryError(f"The login '{address.user}' cannot see its own role at {address.where}.")
                database, dba, is_super, can_create_roles = row
                if not (is_super or can_create_roles):
                    raise PermissionDenied(f"'{dba}' may not create roles; run 'server init' as a DBA "
                                           "(a role with CREATEROLE).")
                existing = read_prefix(cur)
                if existing is None:
                    cur.execute("SELECT count(*) FROM pg_tables "
                                "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
                    if scalar(cur):
                        raise LibraryError(f"The database '{database}' at {address.where} is not empty and is not "
                                           "an Enablement team library; set up an empty database (to move an "
                                           "existing library there, use 'enablement team publish').")
                elif prefix and prefix != existing:
                    raise Conflict(f"The database '{database}' is already set up with the role prefix "
                                   f"'{existing}'.")
                names = RoleNames(existing or prefix or default_prefix(database))
            password = _init_in_one_transaction(sa_conn, address, names, dba, is_super, existing is None,
                                                admin_login, admin_name or admin_login, admin_password, seed)
        return InitResult(names.prefix, database, existing is None, admin_login or "", password)
    finally:
        engine.dispose()


@dataclass(frozen=True)
class UpgradeResult:
    database: str
    before: str  # the schema the server had
    after: str  # the schema it has now (this app's)


def upgrade_server(url: str, password: str | None = None) -> UpgradeResult:
    """Bring the team library at ``url``, set up by an older version, to this app's schema:
    ``server init`` again, in one transaction, with no new admin and no seeding (run as the
    DBA). A database that is not a team library, or is at a newer schema, is refused."""
    from enablement.storage.migrate import SCHEMA_HEAD, schema_gap

    address = parse_server_url(url)
    with connect(address, password=password) as conn, conn.cursor() as cur:
        if read_prefix(cur) is None:
            raise LibraryError(f"The database '{address.dbname}' at {address.where} is not a team library; "
                               "set one up with 'enablement server init'.")
        cur.execute("SELECT version_num FROM alembic_version")
        row = cur.fetchone()
    before = str(row[0]) if row else "none"
    if schema_gap(before if row else None) > 0:
        raise LibraryError(f"The team server at {address.where} has schema {before}, newer than this app's "
                           f"({SCHEMA_HEAD}); upgrade it with a newer Enablement.")
    init_server(url, None, seed=False, password=password)
    return UpgradeResult(address.dbname, before, SCHEMA_HEAD)


def team_admin_engine(address: ServerAddress, password: str | None = None) -> Engine:
    """A one-connection engine over ``connect(address)`` (timeouts, password sources, errors)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    return create_engine("postgresql+psycopg://", creator=lambda: connect(address, password=password),
                         poolclass=NullPool)


def _init_in_one_transaction(sa_conn: Connection, address: ServerAddress, names: RoleNames, dba: str, is_super: bool,
                             fresh: bool, admin_login: str | None, admin_name: str | None,
                             admin_password: str | None, seed: bool) -> str | None:
    from psycopg import sql

    ident = sql.Identifier
    conn = _psycopg(sa_conn)
    with conn.cursor() as cur:
        _create_roles(cur, names)
        if not is_super:
            cur.execute(sql.SQL("GRANT {} TO {}").format(ident(names.owner), ident(dba)))
        db = ident(address.dbname)
        cur.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(db))
        cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, ident(names.user)))
        cur.execute(sql.SQL("GRANT CREATE ON DATABASE {} TO {}").format(db, ident(names.owner)))
        cur.execute(sql.SQL("ALTER SCHEMA public OWNER TO {}").format(ident(names.owner)))
        cur.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident(names.user)))
        cur.execute(sql.SQL("SET LOCAL ROLE {}").format(ident(names.owner)))
        if not fresh:
            for statement in schema.unforce_statements():
                cur.execute(statement)
    _migrate_and_seed(sa_conn, seed)
    render = lambda text: schema.render(text, names, dba=dba)  # noqa: E731
    with conn.cursor() as cur:
        cur.execute(render(schema.SCHEMA_SQL))
        cur.execute(render(schema.GRANTS_SQL))
        for statement in schema.trigger_statements() + schema.policy_statements():
            cur.execute(render(statement))
        cur.execute("INSERT INTO app.meta (key, value) VALUES ('prefix', %s), ('schema', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (names.prefix, schema.TEAM_SCHEMA_VERSION))
        if fresh:
            cur.execute("SELECT app.recount_uses()")
        cur.execute("RESET ROLE")
        password = None
        if admin_login is None:
            return None
        cur.execute("SELECT 1 FROM users WHERE login = %s", (admin_login,))
        if cur.fetchone() is None:
            password = admin_password or new_password()
            verifier = scram_verifier(conn, admin_login, password)
            cur.execute("SELECT app.add_user(%s, %s, 'admin', %s, '')", (admin_name, admin_login, verifier))
    return None if admin_password else password


def _create_roles(cur: psycopg.Cursor[Any], names: RoleNames) -> None:
    from psycopg import sql

    ident = sql.Identifier
    wanted = [(names.owner, "NOLOGIN CREATEROLE"), (names.user, "NOLOGIN")]
    wanted += [(names.group(r), "NOLOGIN") for r in APP_ROLES]
    for role, options in wanted:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        if cur.fetchone() is None:
            cur.execute(sql.SQL("CREATE ROLE {} " + options).format(ident(role)))
    for r in APP_ROLES:
        cur.execute(sql.SQL("GRANT {} TO {}").format(ident(names.user), ident(names.group(r))))


def _migrate_and_seed(sa_conn: Connection, seed: bool) -> None:
    """Alembic to head and the default taxonomy, in the caller's transaction (as the owner)."""
    from alembic import command
    from sqlmodel import Session, select

    from enablement.models.tables import LibraryMeta, Stage
    from enablement.storage.migrate import alembic_config
    from enablement.storage.taxonomy_repo import apply_taxonomy
    from enablement.taxonomy import default_taxonomy

    cfg = alembic_config()
    cfg.attributes["connection"] = sa_conn
    command.upgrade(cfg, "head")
    if not seed:
        return
    with Session(bind=sa_conn, join_transaction_mode="create_savepoint") as s:
        if s.get(LibraryMeta, "library_id") is None:
            s.add(LibraryMeta(key="library_id", value=str(uuid.uuid4())))
        if s.exec(select(Stage.id).limit(1)).first() is None:
            apply_taxonomy(s, default_taxonomy(), retire_missing=False)
        s.commit()


@dataclass(frozen=True)
class PruneResult:
    forgotten: int  # change-log rows removed
    upto: int  # the highest change number forgotten (0: nothing was)
    latest: int  # the newest change number on the server


def prune_server(url: str, keep_days: int, password: str | None = None) -> PruneResult:
    """Forget the change log's entries older than ``keep_days`` days (run by the DBA, as the
    owner). A laptop that last synced before the newest forgotten change takes a full copy at
    its next sync; every other laptop goes on with changes only."""
    from psycopg import sql

    from enablement.errors import InvalidInput
    from enablement.team.sync import PRUNED, prune_change_log

    if keep_days < 0:
        raise InvalidInput("--keep-days cannot be negative.")
    address = parse_server_url(url)
    engine = team_admin_engine(address, password)
    try:
        with engine.begin() as sa_conn:
            conn = _psycopg(sa_conn)
            with conn.cursor() as cur:
                prefix = read_prefix(cur)
                if prefix is None:
                    raise LibraryError(f"The database '{address.dbname}' at {address.where} is not set up as a team "
                                       "library.")
                names = RoleNames(prefix)
                cur.execute("SELECT rolsuper OR pg_has_role(current_user, %s, 'MEMBER') FROM pg_roles "
                            "WHERE rolname = current_user", (names.owner,))
                if not scalar(cur):
                    raise PermissionDenied(f"'{address.user}' may not prune the change log; run it as the DBA who "
                                           "set the server up.")
                cur.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(names.owner)))
                cur.execute("SELECT coalesce(max(seq), 0) FROM app.change_log WHERE entity <> %s "
                            "AND at < now() - make_interval(days => %s)", (PRUNED, keep_days))
                upto = int(scalar(cur))
                cur.execute("SELECT count(*) FROM app.change_log WHERE entity <> %s AND seq <= %s", (PRUNED, upto))
                forgotten = int(scalar(cur))
            if upto:
                prune_change_log(sa_conn, upto)
            with conn.cursor() as cur:
                cur.execute("SELECT coalesce(max(seq), 0) FROM app.change_log")
                latest = int(scalar(cur))
        return PruneResult(forgotten, upto, latest)
    finally:
        engine.dispose()

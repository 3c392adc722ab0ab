"""``team publish``: copy an embedded library onto an empty team server, resumably.

Order: set the server up (no taxonomy, no admin: the library brings its own), then each
file with its chunks in its own transaction, then every catalog row in one transaction,
then usage events and searches in batches, then a login per user (one-time passwords),
then the sequences. Every step skips what is already there (rows keep their ids, usage
events their UUIDs), so a run killed anywhere completes on the next run without
duplicates. Last, it verifies: row counts, each file's SHA-256 on the server, and every
report equal on both (the server's run as the manager group, row-level security on).

A run may be stopped (``cancel``): it stops between two transactions (after the file being
sent, or the batch of uses being copied), so the server holds only whole steps and the next
run completes it. Once logins are being made it runs to its end: their one-time passwords
exist only in this run's report.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import Table, create_engine, event, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from enablement.errors import LibraryError
from enablement.models.tables import (Blob, ContentRequest, FacetValue, Gate, Kit, KitItem, LibraryMeta, Piece,
                                      PieceFacet, PieceGate, PieceStage, PieceVersion, Rendition, SearchLog, Stage,
                                      Synonym, UsageEvent, User, SavedSearch, Favourite, table_of)
from enablement.team.accounts import new_password, scram_verifier
from enablement.team.blobs import send_chunks
from enablement.team.connection import ServerAddress, connect, parse_server_url, scalar
from enablement.team.names import RoleNames
from enablement.team.schema import ALL_TABLES
from enablement.team.server import init_server, read_prefix

if TYPE_CHECKING:
    import psycopg

    from enablement.services.library import Library

Progress = Callable[[int, int, str], None]
BATCH = 5_000

# catalog rows, parents first (pieces.merged_into_id is set after all pieces are in)
CATALOG: tuple[type[SQLModel], ...] = (LibraryMeta, User, Stage, Gate, FacetValue, Synonym, Piece, PieceVersion,
                                        Rendition, PieceStage, PieceGate, PieceFacet, Kit, KitItem, ContentRequest,
                                        SavedSearch, Favourite)
HISTORY: tuple[type[SQLModel], ...] = (UsageEvent, SearchLog)
SERIAL_TABLES = ("users", "stages", "gates", "facet_values", "synonyms", "pieces", "piece_versions", "kits",
                 "kit_items", "content_requests", "saved_searches")


@dataclass
class PublishReport:
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → (library, server)
    files_checked: int = 0
    files_wrong: list[str] = field(default_factory=list)
    reports_differing: list[str] = field(default_factory=list)
    reports_checked: int = 0
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (name, login, one-time password)
    stopped: bool = False  # cancelled before the end: publish again to complete it

    @property
    def verified(self) -> bool:
        return (not self.stopped and all(a == b for a, b in self.counts.values()) and not self.files_wrong
                and not self.reports_differing)

    def lines(self) -> list[str]:
        if self.stopped:
            return ["Stopped before the end. The server keeps what was copied; publish again to complete it "
                    "(nothing is copied twice)."]
        out = [f"One-time password for '{login}' ({name}): {password}" for name, login, password in self.logins]
        if self.logins:
            out.append("These passwords are shown only now: hand each over in person.")
        differing = [f"{t} {a}≠{b}" for t, (a, b) in self.counts.items() if a != b]
        out.append(f"Rows: {sum(a for a, _ in self.counts.values()):,} in {len(self.counts)} tables"
                   + (f"; DIFFERENT: {', '.join(differing)}" if differing else ", all equal on the server."))
        out.append(f"Files: {self.files_checked} checked by SHA-256 on the server"
                   + (f"; WRONG: {', '.join(self.files_wrong)}" if self.files_wrong else ", all intact."))
        out.append(f"Reports: {self.reports_checked} compared"
                   + (f"; DIFFERENT: {', '.join(self.reports_differing)}" if self.reports_differing
                      else ", all equal."))
        out.append("Published and verified." if self.verified else "NOT verified: run 'team publish' again.")
        return out


def publish_library(root: Path, url: str, *, prefix: str | None = None, login_suffix: str = "",
                    progress: Progress | None = None, verify_reports: bool = True,
                    password: str | None = None, cancel: threading.Event | None = None) -> PublishReport:
    """Copy the embedded library in ``root`` to the (empty, or half-published) server at ``url``.

    ``password`` is the DBA's (kept in memory for this run); without it libpq's own sources and
    the keyring are asked, as for every connection. ``cancel`` set: the run stops at the next
    step's end and the report says ``stopped`` (see the module's note)."""
    from enablement.services.library import Library

    if not (Path(root) / "library.db").is_file():
        raise LibraryError(f"There is no embedded library in {root}.")
    address = parse_server_url(url)
    tick = progress or (lambda done, total, label: None)

    def stop() -> bool:
        return cancel is not None and cancel.is_set()
    with Library.open(Path(root), with_index=False) as lib:
        library_id = lib.meta("library_id")
        names = _prepare_server(url, address, library_id, prefix, password)
        server = _owner_engine(address, names.owner, password)
        try:
            local = lib.ctx.engine
            for step in (lambda: _copy_files(lib, local, server, tick, stop), lambda: _copy_catalog(local, server),
                         lambda: _copy_history(local, server, tick, stop)):
                if stop():
                    return PublishReport(stopped=True)
                step()
            if stop():
                return PublishReport(stopped=True)
            report = PublishReport()
            report.logins = _make_logins(address, server, login_suffix, password)
            _finish(server)
            _verify_counts(local, server, report)
            _verify_files(local, server, report)
            if verify_reports:
                _verify_reports(lib, address, names, report, password)
            return report
        finally:
            server.dispose()


def _prepare_server(url: str, address: ServerAddress, library_id: str, prefix: str | None,
                    password: str | None = None) -> RoleNames:
    """Set the server up on first run; on a later run, make sure it is our half-done copy."""
    conn = connect(address, password=password)
    try:
        with conn.cursor() as cur:
            existing = read_prefix(cur)
            if existing is not None:
                cur.execute("SELECT value FROM app.meta WHERE key = 'published_from'")
                row = cur.fetchone()
                cur.execute("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM stages)")
                rows = scalar(cur)
                if (row and row[0] != library_id) or (not row and rows):
                    raise LibraryError(f"The database '{address.dbname}' at {address.where} already holds a team "
                                       "library; publish into an empty database.")
        conn.rollback()
    finally:
        conn.close()
    result = init_server(url, None, prefix=prefix, seed=False, password=password)
    conn = connect(address, password=password)
    try:
        with conn.cursor() as cur:
            cur.execute("INSERT INTO app.meta (key, value) VALUES ('published_from', %s) ON CONFLICT (key) DO NOTHING",
                        (library_id,))
        conn.commit()
    finally:
        conn.close()
    return RoleNames(result.prefix)


def _owner_engine(address: ServerAddress, role: str, password: str | None = None) -> Engine:
    """Connections as the DBA that act as ``role`` (the owner, or a group for checking)."""
    engine = create_engine("postgresql+psycopg://", creator=lambda: connect(address, password=password),
                           poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _set_role(dbapi_conn: psycopg.Connection[Any], _record: object) -> None:
        from psycopg import sql

        dbapi_conn.autocommit = True
        dbapi_conn.execute(sql.SQL("SET SESSION ROLE {}").format(sql.Identifier(role)))
        dbapi_conn.autocommit = False

    return engine


def _rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    query = select(table).order_by(*table.primary_key.columns)
    return [dict(r._mapping) for r in conn.execute(query)]


def _copy_files(lib: Library, local: Engine, server: Engine, tick: Progress, stop: Callable[[], bool]) -> None:
    """Each file with its chunks in one transaction (the server checks the hash at COMMIT)."""
    blobs = table_of(Blob)
    with local.connect() as conn:
        wanted = _rows(conn, blobs)
    with server.connect() as conn:
        have = {r[0] for r in conn.execute(text("SELECT sha256 FROM blobs"))}
    todo = [b for b in wanted if b["sha256"] not in have]
    for i, blob in enumerate(todo, 1):
        if stop():
            return
        path = lib.ctx.blobs.path_for(blob["sha256"])
        if not path.is_file():
            raise LibraryError(f"The file {blob['sha256'][:12]}… is missing from the library folder; "
                               "run 'enablement check' first.")
        with server.begin() as conn:
            conn.execute(pg_insert(blobs).values(**blob).on_conflict_do_nothing())
            send_chunks(conn, blob["sha256"], path)
        tick(i, len(todo), f"file {i} of {len(todo)}")


def _copy_catalog(local: Engine, server: Engine) -> None:
    """Every catalog row in one transaction, ids kept; rows already there are left alone."""
    with local.connect() as src, server.begin() as dst:
        merges: list[dict[str, Any]] = []
        for model in CATALOG:
            table = table_of(model)
            rows = _rows(src, table)
            if model is User:
                rows = [{**r, "login": None} for r in rows]
            if model is Piece:
                merges = [{"id": r["id"], "m": r["merged_into_id"]} for r in rows if r["merged_into_id"]]
                rows = [{**r, "merged_into_id": None} for r in rows]
            if rows:  # executemany: SQLAlchemy batches the VALUES within the parameter limit
                dst.execute(pg_insert(table).on_conflict_do_nothing(), rows)
        for merge in merges:
            dst.execute(text("UPDATE pieces SET merged_into_id = :m WHERE id = :id AND merged_into_id IS NULL"), merge)


def _copy_history(local: Engine, server: Engine, tick: Progress, stop: Callable[[], bool]) -> None:
    """Usage events and searches in batches (each its own transaction; UUIDs make reruns safe).
    Read in key order from the last key seen: no OFFSET scans over a million rows."""
    for model in HISTORY:
        table = table_of(model)
        key = table.c.id
        with local.connect() as src:
            total = src.execute(select(text("count(*)")).select_from(table)).scalar_one()
            done, last = 0, None
            while not stop():
                query = select(table).order_by(key).limit(BATCH)
                if last is not None:
                    query = query.where(key > last)
                rows = [dict(r._mapping) for r in src.execute(query)]
                if not rows:
                    break
                with server.begin() as dst:
                    dst.execute(pg_insert(table).on_conflict_do_nothing(), rows)
                done, last = done + len(rows), rows[-1]["id"]
                tick(done, total, f"{table.name} {done:,}")


def login_for(name: str, suffix: str = "") -> str:
    """A login made from a person's name: 'Rita Rep' → 'rita_rep'."""
    base = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "user"
    if base[0].isdigit():
        base = "u_" + base
    return (base[:50] + suffix)[:63]


def _make_logins(address: ServerAddress, server: Engine, suffix: str,
                 dba_password: str | None = None) -> list[tuple[str, str, str]]:
    """A login with a one-time password for every user that has none yet."""
    made: list[tuple[str, str, str]] = []
    with server.connect() as conn:
        todo = conn.execute(text("SELECT id, name, active FROM users WHERE login IS NULL ORDER BY id")).all()
    for user_id, name, active in todo:
        pg = connect(address, password=dba_password)
        try:
            with pg.cursor() as cur:
                login = login_for(name, suffix)
                for n in range(2, 100):
                    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,))
                    if cur.fetchone() is None:
                        break
                    login = login_for(name, f"_{n}{suffix}")
                password = new_password()
                cur.execute("SELECT app.link_user(%s, %s, %s)", (user_id, login, scram_verifier(pg, login, password)))
                if not active:
                    cur.execute("SELECT app.set_user_active(%s, false)", (login,))
            pg.commit()
        finally:
            pg.close()
        made.append((name, login, password))
    return made


def _finish(server: Engine) -> None:
    """Sequences past the copied ids; popularity counted from the copied events; planner
    statistics for every table. Without them the planner takes the freshly filled tables for
    nearly empty ones until autovacuum gets round to them, and picks nested loops over a
    million events: reports took 4–6 s instead of under one (bench/RESULTS.md, team server)."""
    with server.begin() as conn:
        for table in SERIAL_TABLES:
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('public.{table}', 'id'), "
                              f"greatest((SELECT max(id) FROM public.{table}), 1))"))
        conn.execute(text("SELECT app.recount_uses()"))
        for table in ALL_TABLES:  # the owner owns them all
            conn.execute(text(f"ANALYZE {table if '.' in table else 'public.' + table}"))


def _verify_counts(local: Engine, server: Engine, report: PublishReport) -> None:
    with local.connect() as src, server.connect() as dst:
        for model in CATALOG + HISTORY + (Blob,):
            name = table_of(model).name
            a = src.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            b = dst.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            report.counts[name] = (int(a), int(b))


def _verify_files(local: Engine, server: Engine, report: PublishReport) -> None:
    with local.connect() as src:
        wanted = [r[0] for r in src.execute(text("SELECT sha256 FROM blobs ORDER BY sha256"))]
    with server.connect() as dst:
        for sha in wanted:
            got = dst.execute(text("SELECT encode(sha256(coalesce(string_agg(data, ''::bytea ORDER BY n), "
                                   "''::bytea)), 'hex') FROM app.blob_chunks WHERE sha256 = :sha"),
                              {"sha": sha}).scalar_one()
            report.files_checked += 1
            if got != sha:
                report.files_wrong.append(sha[:12])


def _verify_reports(lib: Library, address: ServerAddress, names: RoleNames, report: PublishReport,
                    password: str | None = None) -> None:
    """Every report on both, the server's as the manager group sees it (RLS on)."""
    from enablement.models.dto import Actor
    from enablement.services.context import LibraryContext
    from enablement.services.reports_service import REPORTS, ReportService

    engine = _owner_engine(address, names.group("manager"), password)
    try:
        ctx = LibraryContext(paths=lib.ctx.paths, settings=lib.ctx.settings, engine=engine, blobs=lib.ctx.blobs,
                             today=lib.ctx.today)
        on_server = ReportService(ctx)
        reader = Actor(0, "publish check", "manager")
        for name in REPORTS:
            here = lib.reports.run(reader, name).to_dict()
            there = on_server.run(reader, name).to_dict()
            report.reports_checked += 1
            if here != there:
                report.reports_differing.append(name)
    finally:
        engine.dispose()

"""The same Alembic migrations build the schema on SQLite and PostgreSQL, and it matches
the models exactly (the equivalent of ``alembic check``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import SQLModel

import enablement.models.tables  # noqa: F401
from enablement.services.library import Library
from enablement.storage.engine import make_engine
from enablement.storage.migrate import alembic_config, current_revision, head_revision
from tests.conftest import make_ready
from tests.pg import throwaway_database_url


def upgrade_from_empty(url: str) -> list:
    """Run every migration on an empty database; return the differences from the models."""
    engine = make_engine(url)
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                    SQLModel.metadata)
        assert current_revision(engine) == head_revision()
        return diff
    finally:
        engine.dispose()


def test_migrations_match_the_models_on_sqlite(tmp_path: Path) -> None:
    assert upgrade_from_empty(f"sqlite:///{tmp_path / 'x.db'}") == []


@pytest.mark.postgres
def test_migrations_match_the_models_on_postgresql() -> None:
    with throwaway_database_url() as url:
        assert upgrade_from_empty(url) == []


@pytest.mark.postgres
def test_a_library_opens_and_works_on_postgresql(tmp_path: Path) -> None:
    with throwaway_database_url() as url:
        with Library.open(tmp_path / "lib", database_url=url, with_index=False) as lib:
            lib.users.create(None, "Ada", "admin")
            actor = lib.users.default_actor()
            pid = lib.importer.add_link(actor, "https://example.com/tour", "Product tour").value
            lib.pieces.publish(actor, make_ready(lib, actor, pid))
            assert [p.title for p in lib.pieces.list()] == ["Product tour"]
            assert len(lib.taxonomy.get().stages) == 7
        with Library.open(tmp_path / "lib", database_url=url, with_index=False) as lib:
            assert not lib.created
            assert lib.pieces.get(pid).summary.status == "published"


def test_an_older_library_is_backed_up_then_upgraded_on_open(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        lib.users.create(None, "Ada", "admin")
    engine = make_engine(f"sqlite:///{tmp_path / 'lib' / 'library.db'}")
    try:
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0001")
        assert current_revision(engine) == "0001"
    finally:
        engine.dispose()
    with Library.open(tmp_path / "lib") as lib:
        assert [u.name for u in lib.users.list()] == ["Ada"]
    backups = list((tmp_path / "lib" / "backups").glob("before-upgrade-0001-*.db"))
    assert len(backups) == 1
    import sqlite3

    con = sqlite3.connect(backups[0])
    try:
        assert con.execute("select version_num from alembic_version").fetchone()[0] == "0001"
        assert con.execute("select name from users").fetchall() == [("Ada",)]
    finally:
        con.close()
    engine = make_engine(f"sqlite:///{tmp_path / 'lib' / 'library.db'}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_the_fast_path_head_constant_is_alembics_head() -> None:
    from enablement.storage.migrate import SCHEMA_HEAD

    assert SCHEMA_HEAD == head_revision()


def test_opening_a_current_library_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    with Library.open(tmp_path / "lib"):
        pass
    code = ("import sys; from pathlib import Path; from enablement.services.library import Library; "
            f"Library.open(Path({str(tmp_path / 'lib')!r}), with_index=False).close(); "
            "print('alembic' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_schema_gap_tells_older_from_newer() -> None:
    from enablement.storage.migrate import SCHEMA_HEAD, schema_gap

    assert schema_gap(SCHEMA_HEAD) == 0
    assert schema_gap("0001") == -1 and schema_gap(None) == -1  # an upgrade brings it here
    assert schema_gap("9999") == 1 and schema_gap("abc123") == 1  # a newer app made it

"""Opening libraries, migrations on SQLite, settings, users and roles."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from enablement.config import Settings
from enablement.errors import Conflict, InvalidInput, LibraryError, NotFound, PermissionDenied
from enablement.services.library import Library
from enablement.storage.migrate import head_revision


def test_new_library_is_created_stamped_and_seeded(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    try:
        assert lib.created
        con = sqlite3.connect(tmp_path / "lib" / "library.db")
        assert con.execute("select version_num from alembic_version").fetchone()[0] == head_revision()
        assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
        con.close()
        taxonomy = lib.taxonomy.get()
        assert [s.key for s in taxonomy.stages][:3] == ["awareness", "consideration", "evaluation"]
        assert len(taxonomy.stages) == 7
        assert all(2 <= len(s.gates) <= 4 for s in taxonomy.stages)
        assert all(g.question.endswith("?") and g.exit_criteria for s in taxonomy.stages for g in s.gates)
        assert {"persona", "industry", "product", "content_type", "language"} <= set(taxonomy.facets)
        assert any("return on investment" in group for group in taxonomy.synonyms)
    finally:
        lib.close()


def test_reopening_keeps_data_and_does_not_reseed(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib:
        lib.users.create(None, "Ada", "admin")
        stages = len(lib.taxonomy.get().stages)
    with Library.open(tmp_path / "lib") as lib:
        assert not lib.created
        assert [u.name for u in lib.users.list()] == ["Ada"]
        assert len(lib.taxonomy.get().stages) == stages


def test_a_database_that_is_not_a_library_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    con = sqlite3.connect(tmp_path / "lib" / "library.db")
    con.execute("create table something (x)")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="not an Enablement library"):
        Library.open(tmp_path / "lib")


def test_a_library_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib"):
        pass
    con = sqlite3.connect(tmp_path / "lib" / "library.db")
    con.execute("update alembic_version set version_num = 'ffff_future'")
    con.commit()
    con.close()
    with pytest.raises(LibraryError, match="newer version"):
        Library.open(tmp_path / "lib")


def test_settings_round_trip_and_tolerate_junk(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    Settings(review_period_days=90, hours_to_build_piece=6.5).save(path)
    loaded = Settings.load(path)
    assert loaded.review_period_days == 90 and loaded.hours_to_build_piece == 6.5
    path.write_text("{not json")
    assert Settings.load(path) == Settings()


def test_users_and_roles(library: Library, actors: dict) -> None:
    assert {u.role for u in library.users.list()} == {"admin", "marketing", "manager", "rep"}
    with pytest.raises(Conflict):
        library.users.create(actors["admin"], "Rita Rep", "rep")
    with pytest.raises(InvalidInput, match="Unknown role"):
        library.users.create(actors["admin"], "Zed", "wizard")
    with pytest.raises(PermissionDenied, match="may not manage users"):
        library.users.create(actors["rep"], "Zed", "rep")
    with pytest.raises(InvalidInput, match="Say who"):
        library.users.create(None, "Zed", "rep")
    with pytest.raises(NotFound, match="No user called 'Nobody'"):
        library.users.actor("Nobody")
    assert library.users.default_actor().role == "admin"


def test_settings_changed_from_the_app_persist(library: Library, actors) -> None:
    from pathlib import Path

    with pytest.raises(PermissionDenied):
        library.settings.set_hours_per_piece(actors["rep"], 6)
    with pytest.raises(InvalidInput):
        library.settings.set_hours_per_piece(actors["manager"], 0)
    library.settings.set_hours_per_piece(actors["manager"], 6.5)
    library.settings.set_review_period(actors["marketing"], 90)
    root = Path(library.ctx.paths.root)
    assert library.settings.get().hours_to_build_piece == 6.5
    with Library.open(root) as again:
        assert again.settings.get().hours_to_build_piece == 6.5
        assert again.settings.get().review_period_days == 90

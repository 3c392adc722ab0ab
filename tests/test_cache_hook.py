"""Caches follow the change-set: after every mutating service call, search agrees with the
database in the same process (no restart, no reindex), because one commit hook applies
each committed change-set to the index, popularity, thumbnails and taxonomy caches."""

from __future__ import annotations

import inspect
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from sqlmodel import col, select

from enablement.models.dto import Actor, Done, TagSelection, UseRecord
from enablement.models.tables import Piece, PieceStage
from enablement.services.library import Library
from enablement.services.pieces import piece_changes
from enablement.storage.taxonomy_repo import taxonomy_document
from tests.conftest import make_ready, settings_for_tests
from tests.filemaker_docs import make_pdf

SERVICES = ("users", "taxonomy", "pieces", "importer", "usage", "kits", "requests", "maintenance",
            "settings", "search", "reports")


@pytest.fixture(scope="module")
def lib(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library.open(tmp_path_factory.mktemp("hook") / "library", settings=settings_for_tests())
    library.users.create(None, "Ada Admin", "admin")
    admin = library.users.default_actor()
    library.users.create(admin, "Maya Marketing", "marketing")
    library.users.create(admin, "Rita Rep", "rep")
    yield library
    library.close()


def actor(lib: Library, name: str) -> Actor:
    return lib.users.actor(name)


def admin(lib: Library) -> Actor:
    return actor(lib, "Ada Admin")


def marketing(lib: Library) -> Actor:
    return actor(lib, "Maya Marketing")


def new_link(lib: Library, title: str = "Security overview") -> int:
    return lib.importer.add_link(marketing(lib), "https://example.com/doc", title).value


def ready_link(lib: Library) -> int:
    return make_ready(lib, marketing(lib), new_link(lib))


def new_file(lib: Library, tmp: Path, text: str, source: str = "marketing") -> int:
    path = make_pdf(tmp / f"{abs(hash(text))}.pdf", [text])
    who = actor(lib, "Rita Rep") if source == "rep" else marketing(lib)
    return lib.importer.import_paths(who, [path], source=source).value.piece_ids[0]


def stage_ids(lib: Library) -> list[int]:
    return [s.id for s in lib.ctx.taxonomy().stages if not s.retired]


def new_kit(lib: Library) -> tuple[int, int]:
    piece = new_link(lib, "Kit piece")
    kit = lib.kits.create(admin(lib), "Call with Harbor").value
    lib.kits.add(admin(lib), kit, piece)
    return kit, piece


def new_request(lib: Library) -> int:
    return lib.requests.create(actor(lib, "Rita Rep"), "ROI sheet for retail").value


def _merge(lib: Library, tmp: Path) -> Done[Any]:
    official = new_file(lib, tmp, "Official security whitepaper for insurers")
    submission = new_file(lib, tmp, "My own security deck for Harbor Mutual", source="rep")
    return lib.pieces.merge_submission(marketing(lib), submission, official)


def _tag_and_publish(lib: Library, tmp: Path) -> Done[Any]:
    submission = new_file(lib, tmp, "A battlecard I made for a call", source="rep")
    return lib.pieces.tag_and_publish(marketing(lib), submission, tags=TagSelection(gates=[_first_gate(lib)]),
                                      owner="Maya Marketing", review_by=lib.ctx.today() + timedelta(days=90))


def _decline(lib: Library, tmp: Path) -> Done[Any]:
    submission = new_file(lib, tmp, "A deck I made for a call", source="rep")
    return lib.pieces.decline_submission(marketing(lib), submission, "Use the official one.")


def _expire(lib: Library) -> Done[Any]:
    pid = ready_link(lib)
    lib.pieces.update(marketing(lib), pid, expires_on=lib.ctx.today())
    lib.pieces.publish(marketing(lib), pid)
    return lib.pieces.expire_due(marketing(lib))


def _put_back(lib: Library) -> Done[Any]:
    pid = ready_link(lib)
    before = lib.pieces.states([pid])
    lib.pieces.publish(marketing(lib), pid)
    return lib.pieces.put_back(marketing(lib), before)


def _restore(lib: Library) -> Done[Any]:
    pid = new_link(lib)
    lib.pieces.archive(marketing(lib), pid)
    return lib.pieces.restore(marketing(lib), pid)


def _new_version(lib: Library, tmp: Path) -> Done[Any]:
    pid = new_file(lib, tmp, "Pricing sheet for the first year")
    return lib.importer.new_version(marketing(lib), pid, make_pdf(tmp / "v2.pdf", ["Pricing sheet, second year"]))


def _taxonomy_file(lib: Library, tmp: Path) -> Done[Any]:
    path = lib.taxonomy.export_file(tmp / "taxonomy.json")
    return lib.taxonomy.import_file(admin(lib), path)


def _reorder_stages(lib: Library) -> Done[Any]:
    ids = [s.id for s in lib.ctx.taxonomy().stages]
    return lib.taxonomy.reorder_stages(admin(lib), list(reversed(ids)))


def _reorder_gates(lib: Library) -> Done[Any]:
    stage = next(s for s in lib.ctx.taxonomy().stages if len(s.gates) > 1)
    return lib.taxonomy.reorder_gates(admin(lib), stage.id, [g.id for g in reversed(stage.gates)])


def _first_gate(lib: Library) -> int:
    return next(g.id for s in lib.ctx.taxonomy().stages for g in s.gates)


def _persona(lib: Library) -> int:
    return lib.ctx.taxonomy().facets["persona"][0].id


def _kit_export(lib: Library, tmp: Path) -> Done[Any]:
    kit, _ = new_kit(lib)
    return lib.kits.export(admin(lib), kit, tmp / "kits")


def _kit_reorder(lib: Library) -> Done[Any]:
    kit, first = new_kit(lib)
    second = new_link(lib, "Second kit piece")
    lib.kits.add(admin(lib), kit, second)
    return lib.kits.reorder(admin(lib), kit, [second, first])


def _search_opened(lib: Library, via_search: bool) -> Done[Any]:
    search_id = lib.usage.log_search(admin(lib), "security overview", "", 1, []).value
    piece = new_link(lib, "Opened from a search")
    return lib.search.opened(search_id, piece) if via_search else lib.usage.search_opened(search_id, piece)


def _collect_garbage(lib: Library, tmp: Path) -> Done[Any]:
    """A stored file no row names (an import killed between the file and its rows)."""
    import hashlib

    data = f"orphan {tmp}".encode()
    sha = hashlib.sha256(data).hexdigest()
    path = lib.ctx.blobs.path_for(sha)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    done = lib.maintenance.collect_garbage(admin(lib))
    assert sha in done.changes.gone_blobs and not path.exists()
    return done


Case = Callable[[Library, Path], Done[Any]]

CASES: dict[str, Case] = {
    # pieces
    "pieces.update": lambda lib, tmp: lib.pieces.update(marketing(lib), new_link(lib), title="Renamed battlecard"),
    "pieces.set_tags": lambda lib, tmp: lib.pieces.set_tags(
        marketing(lib), new_link(lib), TagSelection(stages=stage_ids(lib)[:1])),
    "pieces.bulk_set_tags": lambda lib, tmp: lib.pieces.bulk_set_tags(
        marketing(lib), [new_link(lib), new_link(lib)], TagSelection(stages=stage_ids(lib)[2:3])),
    "pieces.bulk_update": lambda lib, tmp: lib.pieces.bulk_update(
        marketing(lib), [new_link(lib), new_link(lib)], owner="Priya", review_by=lib.ctx.today()),
    "pieces.publish": lambda lib, tmp: lib.pieces.publish(marketing(lib), ready_link(lib)),
    "pieces.publish_many": lambda lib, tmp: lib.pieces.publish_many(marketing(lib), [ready_link(lib), new_link(lib)]),
    "pieces.put_back": lambda lib, tmp: _put_back(lib),
    "pieces.expire_due": lambda lib, tmp: _expire(lib),
    "pieces.archive": lambda lib, tmp: lib.pieces.archive(marketing(lib), new_link(lib)),
    "pieces.restore": lambda lib, tmp: _restore(lib),
    "pieces.decline_submission": _decline,
    "pieces.tag_and_publish": _tag_and_publish,
    "pieces.merge_submission": _merge,
    "pieces.purge": lambda lib, tmp: lib.pieces.purge(admin(lib), new_file(lib, tmp, "Outdated price list")),
    # import
    "importer.import_paths": lambda lib, tmp: lib.importer.import_paths(
        marketing(lib), [make_pdf(tmp / "roi.pdf", ["ROI calculator guide"])],
        tags=TagSelection(stages=stage_ids(lib)[1:2])),
    "importer.new_version": _new_version,
    "importer.add_link": lambda lib, tmp: lib.importer.add_link(
        marketing(lib), "https://example.com/x", "Analyst report", tags=TagSelection(stages=stage_ids(lib)[:1])),
    # usage, kits, requests
    "usage.record": lambda lib, tmp: lib.usage.record(admin(lib), UseRecord(kind="opened", piece_id=new_link(lib))),
    "usage.record_many": lambda lib, tmp: lib.usage.record_many(admin(lib), [
        UseRecord(kind="used_in_call", piece_id=new_link(lib)), UseRecord(kind="opened", piece_id=new_link(lib))]),
    "kits.create": lambda lib, tmp: lib.kits.create(admin(lib), "Renewal call"),
    "kits.update": lambda lib, tmp: lib.kits.update(admin(lib), new_kit(lib)[0], name="Renamed kit"),
    "kits.delete": lambda lib, tmp: lib.kits.delete(admin(lib), new_kit(lib)[0]),
    "kits.add": lambda lib, tmp: lib.kits.add(admin(lib), new_kit(lib)[0], new_link(lib)),
    "kits.add_many": lambda lib, tmp: lib.kits.add_many(admin(lib), new_kit(lib)[0], [new_link(lib), new_link(lib)]),
    "kits.remove": lambda lib, tmp: lib.kits.remove(admin(lib), *new_kit(lib)),
    "kits.reorder": lambda lib, tmp: _kit_reorder(lib),
    "kits.annotate": lambda lib, tmp: lib.kits.annotate(admin(lib), *new_kit(lib), "Open with this"),
    "kits.refresh_item": lambda lib, tmp: lib.kits.refresh_item(admin(lib), *new_kit(lib)),
    "kits.export": _kit_export,
    "kits.record_handout": lambda lib, tmp: lib.kits.record_handout(admin(lib), new_kit(lib)[0]),
    "requests.create": lambda lib, tmp: lib.requests.create(actor(lib, "Rita Rep"), "Case study for banks"),
    "requests.start": lambda lib, tmp: lib.requests.start(marketing(lib), new_request(lib)),
    "requests.fulfil": lambda lib, tmp: lib.requests.fulfil(marketing(lib), new_request(lib), new_link(lib)),
    "requests.decline": lambda lib, tmp: lib.requests.decline(marketing(lib), new_request(lib), "Exists already"),
    "requests.withdraw": lambda lib, tmp: lib.requests.withdraw(actor(lib, "Rita Rep"), new_request(lib)),
    # taxonomy (labels are embedded in every document, so these touch many documents)
    "taxonomy.add_stage": lambda lib, tmp: lib.taxonomy.add_stage(admin(lib), "Advocacy"),
    "taxonomy.edit_stage": lambda lib, tmp: lib.taxonomy.edit_stage(admin(lib), stage_ids(lib)[0], name="Aware"),
    "taxonomy.set_stage_retired": lambda lib, tmp: lib.taxonomy.set_stage_retired(
        admin(lib), lib.taxonomy.add_stage(admin(lib), "Short lived").value, True),
    "taxonomy.reorder_stages": lambda lib, tmp: _reorder_stages(lib),
    "taxonomy.add_gate": lambda lib, tmp: lib.taxonomy.add_gate(admin(lib), stage_ids(lib)[0], "Why now?"),
    "taxonomy.edit_gate": lambda lib, tmp: lib.taxonomy.edit_gate(admin(lib), _first_gate(lib), question="Why us?"),
    "taxonomy.set_gate_retired": lambda lib, tmp: lib.taxonomy.set_gate_retired(admin(lib), _first_gate(lib), True),
    "taxonomy.reorder_gates": lambda lib, tmp: _reorder_gates(lib),
    "taxonomy.add_facet_value": lambda lib, tmp: lib.taxonomy.add_facet_value(admin(lib), "industry", "Mining"),
    "taxonomy.rename_facet_value": lambda lib, tmp: lib.taxonomy.rename_facet_value(
        admin(lib), _persona(lib), "Chief Financial Officer"),
    "taxonomy.set_facet_value_retired": lambda lib, tmp: lib.taxonomy.set_facet_value_retired(
        admin(lib), _persona(lib), True),
    "taxonomy.set_synonyms": lambda lib, tmp: lib.taxonomy.set_synonyms(admin(lib), [["roi", "payback"]]),
    "taxonomy.import_file": _taxonomy_file,
    "taxonomy.apply": lambda lib, tmp: lib.taxonomy.apply(admin(lib), taxonomy_document(lib.taxonomy.get())),
    "reports.file_gap_request": lambda lib, tmp: lib.reports.file_gap_request(
        admin(lib), {"query": "data residency germany", "searches": 3, "zero_results": 3, "no_open": 0}),
    # users and settings
    "users.create": lambda lib, tmp: lib.users.create(admin(lib), f"User {abs(hash(tmp))}", "rep"),
    "users.set_role": lambda lib, tmp: lib.users.set_role(
        admin(lib), lib.users.find("Rita Rep").id, "rep"),  # type: ignore[union-attr]
    "users.set_active": lambda lib, tmp: lib.users.set_active(
        admin(lib), lib.users.find("Rita Rep").id, True),  # type: ignore[union-attr]
    "settings.set_hours_per_piece": lambda lib, tmp: lib.settings.set_hours_per_piece(admin(lib), 6),
    "settings.set_review_period": lambda lib, tmp: lib.settings.set_review_period(admin(lib), 90),
    "settings.set_search_engine": lambda lib, tmp: lib.settings.set_search_engine(admin(lib), "whoosh"),
    "settings.set_expiry_action": lambda lib, tmp: lib.settings.set_expiry_action(admin(lib), "archive"),
    "settings.set_publish_requires": lambda lib, tmp: lib.settings.set_publish_requires(
        admin(lib), lib.settings.get().publish_requires),
    "users.ensure": lambda lib, tmp: lib.users.ensure(f"Ensured {abs(hash(tmp))}", "rep"),
    "usage.log_search": lambda lib, tmp: lib.usage.log_search(admin(lib), "data residency", "", 0, []),
    "usage.search_opened": lambda lib, tmp: _search_opened(lib, via_search=False),
    "search.opened": lambda lib, tmp: _search_opened(lib, via_search=True),
    "maintenance.collect_garbage": _collect_garbage,
    "library.set_meta": lambda lib, tmp: lib.set_meta("welcome_seen", "true"),
}


def mutating_methods(lib: Library) -> set[str]:
    """Every public service method that returns ``Done`` (a changing call)."""
    names = set()
    for attr in (*SERVICES, "library"):
        service = lib if attr == "library" else getattr(lib, attr)
        for name, member in inspect.getmembers(type(service), inspect.isfunction):
            if name.startswith("_"):
                continue
            returns = inspect.signature(member).return_annotation
            if isinstance(returns, str) and returns.startswith("Done"):
                names.add(f"{attr}.{name}")
    return names


def test_every_mutating_service_method_is_covered(lib: Library) -> None:
    assert mutating_methods(lib) == set(CASES)


def assert_index_agrees(lib: Library) -> None:
    """Search as the user would (no reindex), then compare with the database row by row."""
    who = admin(lib)
    with lib.ctx.read() as s:
        live = {pid for pid in s.exec(select(Piece.id).where(Piece.status != "purged"))}
        tagged: dict[int, set[int]] = {}
        for pid, sid in s.exec(select(PieceStage.piece_id, PieceStage.stage_id)
                               .where(col(PieceStage.piece_id).in_(list(live)))):
            tagged.setdefault(sid, set()).add(pid)
    everything = lib.search.search(who, "", include_archived=True, limit=10_000)
    assert {h.piece_id for h in everything.results.hits} == live
    for stage in lib.ctx.taxonomy().stages:
        found = lib.search.search(who, f"stage:{stage.key}", include_archived=True, limit=10_000)
        assert {h.piece_id for h in found.results.hits} == tagged.get(stage.id, set()), stage.key
    if not live:
        # An index with no document yet reports itself "damaged" (the backend cannot read an
        # empty index's columns): a search-engine matter, reported on the board.
        return
    state = lib.ctx.index.check()  # type: ignore[union-attr]
    assert (state["stale"], state["extra"]) == (0, 0), state


@pytest.mark.parametrize("method", sorted(CASES))
def test_index_agrees_with_database_after(lib: Library, tmp_path: Path, method: str) -> None:
    assert_index_agrees(lib)
    done = CASES[method](lib, tmp_path)
    assert isinstance(done, Done)
    assert not done.changes.empty, f"{method} changed something but says nothing changed"
    assert_index_agrees(lib)


def test_bulk_tagging_is_found_by_stage_search_at_once(lib: Library) -> None:
    """The bug this hook fixes: bulk tags were committed but the index kept the old ones."""
    stage = lib.ctx.taxonomy().stages[3]
    ids = [new_link(lib, "Bulk one"), new_link(lib, "Bulk two")]
    lib.search.search(admin(lib), "")  # the index is fresh in this process
    lib.pieces.bulk_set_tags(marketing(lib), ids, TagSelection(stages=[stage.id]))
    found = lib.search.search(admin(lib), f"stage:{stage.key}", limit=1000)
    assert set(ids) <= {h.piece_id for h in found.results.hits}


def test_popularity_follows_recorded_uses(lib: Library) -> None:
    pid = new_link(lib, "Popular piece")
    before = lib.ctx.index.popularity().get(pid, 0)  # type: ignore[union-attr]
    lib.usage.record(admin(lib), UseRecord(kind="opened", piece_id=pid))
    lib.usage.record(admin(lib), UseRecord(kind="viewed", piece_id=pid))  # a view is not a use
    assert lib.ctx.index.popularity()[pid] == before + 1  # type: ignore[union-attr]


def test_a_piece_change_drops_its_cached_thumbnails(lib: Library) -> None:
    pid = new_link(lib, "Thumbnailed piece")
    folder = lib.ctx.paths.thumbnails
    old = folder / f"piece-{pid}-0123456789ab.png"
    other = folder / f"piece-{pid}0-0123456789ab.png"
    old.write_bytes(b"png")
    other.write_bytes(b"png")
    lib.pieces.update(marketing(lib), pid, title="Thumbnailed piece, renamed")
    assert not old.exists() and other.exists()


def test_a_failed_write_reaches_no_cache(lib: Library) -> None:
    """Only committed change-sets reach the hook: a rolled-back unit of work changes nothing."""
    seen: list[object] = []
    lib.ctx.caches.listeners.append(seen.append)
    try:
        with pytest.raises(RuntimeError):
            with lib.ctx.write() as w:
                w.record(piece_changes(1))
                raise RuntimeError("boom")
        assert seen == []
        lib.pieces.update(marketing(lib), new_link(lib), title="Seen")
        assert len(seen) == 2  # the link's creation and its update
    finally:
        lib.ctx.caches.listeners.remove(seen.append)


def test_check_tells_the_truth_about_a_stale_index(lib: Library) -> None:
    """A row changed behind the hook's back: ``check`` reports it, and the next search
    really repairs it (the process no longer trusts its fresh flag)."""
    pid = new_link(lib, "Changed behind the back")
    lib.search.search(admin(lib), "")
    with lib.ctx.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE pieces SET title = 'Quietly renamed', updated_at = '2031-01-01 00:00:00' "
                             f"WHERE id = {pid}")
    state = lib.ctx.index.check()  # type: ignore[union-attr]
    assert state["stale"] == 1 and "next search repairs it" in str(state["problem"])
    hits = lib.search.search(admin(lib), "quietly renamed").results.hits
    assert pid in {h.piece_id for h in hits}
    assert lib.ctx.index.check()["stale"] == 0  # type: ignore[union-attr]


def _wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


def _indexed(lib: Library) -> set[int]:
    return set(lib.ctx.index.backend.stamps())  # type: ignore[union-attr]


def test_a_background_hold_applies_one_batch_at_a_time_while_the_holder_goes_on(lib: Library) -> None:
    """``held(background=True)``: a flush hands what was collected to a thread and returns;
    a flush while that batch is still being applied takes nothing (the change-sets wait for
    the next batch); leaving the hold waits for the thread and applies the rest."""
    holder = threading.current_thread()
    batches: list[tuple[bool, list[int]]] = []
    release = threading.Event()

    def listener(changes: Any) -> None:
        batches.append((threading.current_thread() is holder, sorted(changes.piece_ids)))
        if len(batches) == 1:
            release.wait(60)  # the first batch stays "being applied" until the test says so

    lib.ctx.caches.listeners.append(listener)
    try:
        with lib.ctx.caches.held(background=True) as flush:
            first = new_link(lib, "Background alpha brief")
            assert flush() is True
            _wait_for(lambda: len(batches) == 1, "the first batch to be applied")
            second = new_link(lib, "Background beta brief")
            assert flush() is False  # still applying the first: the second waits
            indexed = _indexed(lib)
            assert first in indexed and second not in indexed  # the holder is still inside the hold
            release.set()
        assert batches == [(False, [first]), (True, [second])]
        assert {first, second} <= _indexed(lib)
    finally:
        release.set()
        lib.ctx.caches.listeners.remove(listener)


def test_a_background_batch_is_followed_by_a_rest_twice_as_long(lib: Library) -> None:
    """After a batch took a while to apply, a flush right away takes nothing (the change-sets
    wait, so batches grow); once the rest is over, the next flush takes them."""
    took_a_second: list[bool] = []

    def listener(changes: Any) -> None:
        if not took_a_second:
            time.sleep(1.0)
            took_a_second.append(True)

    lib.ctx.caches.listeners.append(listener)
    try:
        with lib.ctx.caches.held(background=True) as flush:
            first = new_link(lib, "Resting alpha brief")
            assert flush() is True
            _wait_for(lambda: bool(took_a_second) and first in _indexed(lib), "the first batch")
            second = new_link(lib, "Resting beta brief")
            assert flush() is False  # resting: about two seconds after a one-second batch
            assert second not in _indexed(lib)
            _wait_for(flush, "the rest to end")
            _wait_for(lambda: second in _indexed(lib), "the second batch")
    finally:
        lib.ctx.caches.listeners.remove(listener)


def test_an_error_while_applying_in_the_background_reaches_the_holder(lib: Library) -> None:
    def listener(changes: Any) -> None:
        raise RuntimeError("cache refused")

    lib.ctx.caches.listeners.append(listener)
    try:
        with pytest.raises(RuntimeError, match="cache refused"):
            with lib.ctx.caches.held(background=True) as flush:
                pid = new_link(lib, "Background gamma brief")
                assert flush() is True
        assert pid in _indexed(lib)  # the index was refreshed before the failing listener
    finally:
        lib.ctx.caches.listeners.remove(listener)

"""More sort orders, sorted by the library's database and kept by the search: title, type,
stage, gate, owner, updated, uses, helpful and review date, both ways; pieces without a value
come last either way, and a page of a sorted search is the top of the whole result, not of the
rows already loaded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from enablement.errors import InvalidInput
from enablement.models.dto import TagSelection, UseRecord
from enablement.search.documents import SORT_ORDERS
from enablement.services.library import Library
from tests.conftest import make_ready

TITLES = ("delta plan", "Alpha guide", "charlie sheet", "Bravo deck", "echo notes")


@pytest.fixture
def lib(library: Library, actors) -> Library:  # type: ignore[no-untyped-def]
    mk = actors["marketing"]
    stages = library.taxonomy.get().stages
    for n, title in enumerate(TITLES):
        pid = library.importer.add_link(mk, f"https://example.com/{n}", title).value
        make_ready(library, mk, pid, owner=("" if title == "echo notes" else f"Owner {'ZYXWV'[n]}"),
                   review_by=library.ctx.today() + timedelta(days=10 * (n + 1)))
        stage = stages[len(stages) - 1 - n]
        library.pieces.set_tags(mk, pid, TagSelection(stages=[stage.id], gates=[stage.gates[0].id]))
        library.pieces.publish(actors["admin"], pid, force=True)  # "echo notes" has no owner
    return library


def ids_of(lib: Library) -> dict[str, int]:
    return {p.title: p.id for p in lib.pieces.list()}


def titles(lib: Library, actor, sort: str, text: str = "", limit: int = 50) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.title for p in lib.search.search(actor, text, sort=sort, limit=limit).pieces]


def test_every_order_is_known_and_bad_ones_are_refused(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    for sort in SORT_ORDERS:
        assert sorted(titles(lib, actors["rep"], sort)) == sorted(TITLES), sort
    with pytest.raises(InvalidInput, match="Sort by one of"):
        lib.search.search(actors["rep"], "", sort="shoe size")


def test_title_both_ways_ignores_case(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    expected = sorted(TITLES, key=str.casefold)
    assert titles(lib, actors["rep"], "title") == expected
    assert titles(lib, actors["rep"], "title_desc") == expected[::-1]


def test_a_piece_without_an_owner_comes_last_both_ways(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    up, down = titles(lib, actors["rep"], "owner"), titles(lib, actors["rep"], "owner_desc")
    assert up[-1] == down[-1] == "echo notes"
    assert up[:-1] == down[:-1][::-1]
    owners = {p.title: p.owner for p in lib.pieces.list()}
    assert [owners[t] for t in up[:-1]] == sorted(owners[t] for t in up[:-1])


def test_stage_and_gate_follow_the_journey(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    # The fixture tagged the first title with the last stage, and so on backwards.
    assert titles(lib, actors["rep"], "stage") == list(TITLES[::-1])
    assert titles(lib, actors["rep"], "stage_desc") == list(TITLES)
    assert titles(lib, actors["rep"], "gate") == list(TITLES[::-1])


def test_review_date_puts_the_soonest_first(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    assert titles(lib, actors["rep"], "review") == list(TITLES)
    assert titles(lib, actors["rep"], "review_desc") == list(TITLES[::-1])


def test_uses_and_helpful_follow_what_reps_logged(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    ids, rep = ids_of(lib), actors["rep"]
    for title, helped in (("charlie sheet", True), ("charlie sheet", True), ("Alpha guide", True),
                          ("Alpha guide", False), ("delta plan", False)):
        lib.usage.record(rep, UseRecord(kind="used_in_call", piece_id=ids[title], helpful=helped))
    assert titles(lib, rep, "helpful")[:3] == ["charlie sheet", "Alpha guide", "delta plan"]
    assert titles(lib, rep, "least_helpful")[:3] == ["delta plan", "Alpha guide", "charlie sheet"]
    assert set(titles(lib, rep, "helpful")[3:]) == {"Bravo deck", "echo notes"}  # never rated: last
    assert set(titles(lib, rep, "most_used")[:2]) == {"Alpha guide", "charlie sheet"}  # two uses each
    assert set(titles(lib, rep, "least_used")[:2]) == {"Bravo deck", "echo notes"}
    alpha = next(p for p in lib.search.search(rep, "alpha").pieces if p.title == "Alpha guide")
    assert (alpha.helped, alpha.answered, alpha.helpful_percent) == (1, 2, 50)


def test_a_page_of_a_sorted_search_is_the_top_of_the_whole_result(library: Library, actors) -> None:  # type: ignore[no-untyped-def]
    mk = actors["marketing"]
    names = [f"Piece {n:03d}" for n in range(60)]
    for n, title in enumerate(reversed(names)):
        pid = library.importer.add_link(mk, f"https://example.com/p{n}", title).value
        library.pieces.publish(mk, make_ready(library, mk, pid))
    first = library.search.search(actors["rep"], "", sort="title", limit=10)
    assert [p.title for p in first.pieces] == names[:10] and first.results.total == 60
    second = library.search.search(actors["rep"], "", sort="title", limit=10, offset=10)
    assert [p.title for p in second.pieces] == names[10:20]
    words = library.search.search(actors["rep"], "piece", sort="title_desc", limit=5)
    assert [p.title for p in words.pieces] == names[::-1][:5]


def test_a_new_title_moves_the_piece_at_the_next_search(lib: Library, actors) -> None:  # type: ignore[no-untyped-def]
    assert titles(lib, actors["rep"], "title")[0] == "Alpha guide"
    lib.pieces.update(actors["marketing"], ids_of(lib)["echo notes"], title="Aardvark notes")
    assert titles(lib, actors["rep"], "title")[0] == "Aardvark notes"

"""The journey map core: counts per gate, recent use, stale and empty cells (no Qt)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.ui.pages_support import actor, add_link, gates, use
from enablement.services.journey import cell_pieces, journey_map
from enablement.services.library import Library


@pytest.fixture
def library(tmp_path):  # type: ignore[no-untyped-def]
    lib = Library.open(tmp_path / "lib")
    actor(lib, "admin")
    yield lib
    lib.close()


def test_counts_use_and_freshness_per_gate(library: Library) -> None:
    g = gates(library)
    a = add_link(library, "ROI guide", gates=(g[0].id,))
    add_link(library, "Old ROI sheet", gates=(g[0].id,), review_by=library.ctx.today() - timedelta(days=3))
    add_link(library, "Draft only", gates=(g[0].id,), publish=False)
    add_link(library, "Stage only", stages=(g[0].stage_id,))
    rep = actor(library, "rep")
    use(library, rep, a, days_ago=5)
    use(library, rep, a, days_ago=10)
    use(library, rep, a, days_ago=200)  # outside the window

    journey = journey_map(library, window_days=90)
    cell = journey.cell(g[0].stage_id, g[0].id)
    assert (cell.published, cell.used_pieces, cell.uses, cell.stale_pieces) == (2, 1, 2, 1)
    assert cell.age_days == 0 and not cell.empty and not cell.stale
    assert journey.cell(g[1].stage_id, g[1].id).empty
    loose = journey.cell(g[0].stage_id, None)
    assert loose is not None and loose.published == 1
    assert 0 < journey.coverage < 1

    listed = cell_pieces(library, g[0].stage_id, g[0].id)
    assert [p.title for p in listed.pieces] == ["ROI guide", "Old ROI sheet"]
    assert listed.recent_uses == {a: 2}


def test_stale_cell_and_facet_filter(library: Library) -> None:
    g = gates(library)
    taxonomy = library.taxonomy.get()
    cfo = taxonomy.facets["persona"][0]
    add_link(library, "Past review", gates=(g[2].id,), review_by=library.ctx.today() - timedelta(days=1),
             facets={"persona": [cfo.id]})
    add_link(library, "Other persona", gates=(g[3].id,))
    assert journey_map(library).cell(g[2].stage_id, g[2].id).stale
    filtered = journey_map(library, facet_value_ids=[cfo.id])
    assert filtered.cell(g[2].stage_id, g[2].id).published == 1
    assert filtered.cell(g[3].stage_id, g[3].id).empty


def test_retired_gates_and_stages_are_left_out(library: Library) -> None:
    admin = actor(library, "admin")
    stage = library.taxonomy.get().stages[0]
    library.taxonomy.set_gate_retired(admin, stage.gates[0].id, True)
    journey = journey_map(library)
    assert journey.cell(stage.id, stage.gates[0].id) is None
    library.taxonomy.set_stage_retired(admin, stage.id, True)
    assert stage.id not in {s.id for s in journey_map(library).stages}

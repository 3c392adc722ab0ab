"""Report 2: the coverage map, stage × gate, laid out like the journey map.

Each cell (a gate, or "stage only" for pieces tagged with a stage but none of its gates)
shows: published pieces, pieces used in the period, uses in the period and the age of the
freshest published piece. A cell with no published piece is a GAP; a cell whose pieces
had no use in the period is marked NO USE. A piece tagged with two gates counts in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select

from enablement.models.tables import PieceGate, table_of
from enablement.reports.base import DEFINITIONS, PIECE_STAGES, Report, ReportFilter, ReportTable, fetch
from enablement.reports.pieces import published_pieces, uses_by_piece
from enablement.storage.source import ReadContext

PIECE_GATES = table_of(PieceGate)
STAGE_ONLY = "(stage only, no gate)"
GAP, NO_USE, COVERED = "GAP", "NO USE", "ok"


@dataclass(frozen=True, kw_only=True)
class CoverageReport(Report):
    cells: int
    gaps: int
    unused_cells: int
    covered_cells: int
    HEADLINE = (("cells", "Gates on the map"), ("gaps", "Gaps (no published piece)"),
                ("unused_cells", "Gates with pieces but no use"), ("covered_cells", "Gates covered and used"))


def coverage(ctx: ReadContext, f: ReportFilter) -> CoverageReport:
    """The stage × gate grid with gaps highlighted."""
    today = ctx.today()
    pieces = {p.id: p for p in published_pieces(ctx.engine, f, today)}
    uses = uses_by_piece(ctx.engine, f)
    taxonomy = ctx.taxonomy()
    gate_stage = {g.id: s.id for s in taxonomy.stages for g in s.gates}
    by_gate: dict[int, list[int]] = {}
    gated_stages: dict[int, set[int]] = {}
    for r in fetch(ctx.engine, select(PIECE_GATES.c.piece_id, PIECE_GATES.c.gate_id)):
        if r.piece_id in pieces:
            by_gate.setdefault(r.gate_id, []).append(r.piece_id)
            gated_stages.setdefault(r.piece_id, set()).add(gate_stage.get(r.gate_id, -1))
    by_stage: dict[int, list[int]] = {}
    for r in fetch(ctx.engine, select(PIECE_STAGES.c.piece_id, PIECE_STAGES.c.stage_id)):
        if r.piece_id in pieces and r.stage_id not in gated_stages.get(r.piece_id, set()):
            by_stage.setdefault(r.stage_id, []).append(r.piece_id)

    def cell(ids: list[int]) -> Optional[_Cell]:
        if not ids:
            return None
        ages = [age for i in ids if (age := pieces[i].age_days) is not None]
        counts = [uses[i].uses if i in uses else 0 for i in ids]
        return _Cell(len(ids), sum(1 for c in counts if c), sum(counts), min(ages) if ages else None)

    rows: list[tuple[Any, ...]] = []
    counts = {GAP: 0, NO_USE: 0, COVERED: 0}
    for stage in ctx.taxonomy().stages:
        if stage.retired or (f.stage_id is not None and stage.id != f.stage_id):
            continue
        for gate in stage.gates:
            if gate.retired:
                continue
            row = _row(stage.name, gate.id, gate.key, gate.question, cell(by_gate.get(gate.id, [])))
            counts[row[-1]] += 1
            rows.append(row)
        extra = cell(by_stage.get(stage.id, []))
        if extra is not None:
            rows.append(_row(stage.name, None, "", STAGE_ONLY, extra))
    notes = (DEFINITIONS["published"], DEFINITIONS["used"],
             "Uses = events of the use kinds in the period on the cell's published pieces.",
             "Freshest age = days since the newest piece of the cell was published (or created).",
             "GAP = no published piece for the gate; NO USE = pieces exist but none was used in the period.",
             "A piece tagged with several gates counts in each; 'stage only' rows are pieces tagged with the "
             "stage but none of its gates (not counted as gates on the map).")
    table = ReportTable("grid", "Coverage map: stage × gate",
                        ("stage", "gate_id", "gate_key", "gate", "published", "used", "uses",
                         "freshest_age_days", "status"), tuple(rows))
    return CoverageReport(name="coverage", title="Coverage map", filter=f, today=today, tables=(table,), notes=notes,
                          cells=sum(counts.values()), gaps=counts[GAP], unused_cells=counts[NO_USE],
                          covered_cells=counts[COVERED])


@dataclass(frozen=True)
class _Cell:
    published: int
    used: int
    uses: int
    freshest: Optional[int]


def _row(stage: str, gate_id: Optional[int], key: str, question: str, c: Optional[_Cell]) -> tuple[Any, ...]:
    if c is None:
        return (stage, gate_id, key, question, 0, 0, 0, None, GAP)
    return (stage, gate_id, key, question, c.published, c.used, c.uses, c.freshest, COVERED if c.used else NO_USE)

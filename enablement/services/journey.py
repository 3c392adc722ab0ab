"""The journey map: every stage of the buyer's cycle and its gates, with how much published
content each gate has, how much of it reps used lately and how fresh it is.

For a rep it answers "what do I send at this gate"; for marketing it is the content plan
(empty and stale cells are the work to do). Pure core: no Qt.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Optional, Protocol, Sequence, Union

from enablement.models.dto import TaxonomyInfo
from enablement.models.journey import CellPieces, JourneyCell, JourneyMap, JourneyStage
from enablement.reports.coverage import CoverageReport
from enablement.services.context import LibraryContext
from enablement.storage import journey_repo, pieces_repo

DEFAULT_WINDOW_DAYS = 90


class _HasContext(Protocol):
    @property
    def ctx(self) -> LibraryContext: ...


def _ctx(ctx_or_library: Union[LibraryContext, _HasContext]) -> LibraryContext:
    return ctx_or_library if isinstance(ctx_or_library, LibraryContext) else ctx_or_library.ctx


def _since(today: date, window_days: int) -> datetime:
    return datetime.combine(today - timedelta(days=window_days), time.min)


def journey_map(ctx_or_library: Union[LibraryContext, _HasContext], *, window_days: int = DEFAULT_WINDOW_DAYS,
                facet_value_ids: Sequence[int] = ()) -> JourneyMap:
    """Coverage of the active stages × gates by published pieces (optionally only pieces
    carrying every one of ``facet_value_ids``, e.g. a persona and an industry)."""
    ctx = _ctx(ctx_or_library)
    today = ctx.today()
    since = _since(today, window_days)
    taxonomy = ctx.taxonomy()
    with ctx.read() as s:
        by_gate = journey_repo.content_by_gate(s, today, facet_value_ids)
        used_by_gate = journey_repo.use_by_gate(s, since, facet_value_ids)
        by_stage = journey_repo.content_by_stage_only(s, today, facet_value_ids)
        used_by_stage = journey_repo.use_by_stage_only(s, since, facet_value_ids)
    stages = []
    for stage in taxonomy.stages:
        if stage.retired:
            continue
        cells = [_cell(stage.id, g.id, g.question, g.exit_criteria, by_gate.get(g.id),
                       used_by_gate.get(g.id), today)
                 for g in stage.gates if not g.retired]
        loose = by_stage.get(stage.id)
        if loose is not None and loose.published:
            cells.append(_cell(stage.id, None, f"Other {stage.name} content", "", loose,
                               used_by_stage.get(stage.id), today))
        stages.append(JourneyStage(stage.id, stage.name, stage.description, tuple(cells)))
    return JourneyMap(tuple(stages), window_days, today)


def _cell(stage_id: int, gate_id: Optional[int], question: str, exit_criteria: str,
          counts: Optional[journey_repo.CellCounts], used: Optional[tuple[int, int]], today: date) -> JourneyCell:
    counts = counts or journey_repo.CellCounts()
    used_pieces, uses = used or (0, 0)
    age = (today - counts.freshest.date()).days if counts.freshest else None
    return JourneyCell(stage_id, gate_id, question, exit_criteria, counts.published, used_pieces, uses,
                       counts.stale, counts.freshest, max(age, 0) if age is not None else None)


def cell_pieces(ctx_or_library: Union[LibraryContext, _HasContext], stage_id: int, gate_id: Optional[int], *,
                window_days: int = DEFAULT_WINDOW_DAYS, facet_value_ids: Sequence[int] = ()) -> CellPieces:
    """The published pieces of one cell, most used in the window first."""
    ctx = _ctx(ctx_or_library)
    today = ctx.today()
    with ctx.read() as s:
        ids = journey_repo.cell_piece_ids(s, stage_id, gate_id, facet_value_ids)
        recent = journey_repo.recent_use_counts(s, ids, _since(today, window_days))
        summaries = pieces_repo.summaries(s, ids, today)
    ordered = sorted(summaries, key=lambda p: (-recent.get(p.id, 0), p.stale, p.title.lower()))
    return CellPieces(stage_id, gate_id, tuple(ordered), recent)


def journey_from_coverage(report: CoverageReport, taxonomy: TaxonomyInfo) -> JourneyMap:
    """The coverage report's stage × gate table as a JourneyMap, so the journey grid can
    show a report's period and filters. Ages there are days since publication."""
    period = (report.filter.until or report.today) - (report.filter.since or report.today)
    stages_by_name = {s.name: s for s in taxonomy.stages}
    cells: dict[int, list[JourneyCell]] = {}
    for row in report.table("grid").as_dicts():
        stage = stages_by_name.get(row["stage"])
        if stage is None:
            continue
        gate = taxonomy.gate(row["gate_id"]) if row["gate_id"] is not None else None
        age = row["freshest_age_days"]
        cells.setdefault(stage.id, []).append(JourneyCell(
            stage.id, row["gate_id"], gate.question if gate else f"Other {stage.name} content",
            gate.exit_criteria if gate else "", int(row["published"]), int(row["used"]), int(row["uses"]), 0,
            None, age))
    stages = tuple(JourneyStage(s.id, s.name, s.description, tuple(cells[s.id]))
                   for s in taxonomy.stages if s.id in cells)
    return JourneyMap(stages, max(period.days + 1, 1), report.today)

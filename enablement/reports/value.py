"""Reports 8 and 9: the hours-saved estimate and helpfulness.

Hours saved is an ESTIMATE, never a fact: reuses × the manager's assumption of the hours it
takes to build a piece from scratch. A reuse is one rep putting one library piece in front
of a buyer (sent, used in a call, exported or exported in a kit) at least once in the
period; several uses of the same piece by the same person count once, and a person's uses
of a piece they made themselves do not count.

Helpfulness = the share of "did it help?" feedback answered yes, per piece and per gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, or_, select

from enablement.models.vocab import BUYER_FACING_KINDS, UsageKind
from enablement.reports.base import (all_of, EVENTS, PIECES, USERS, Report, ReportFilter, ReportTable, count_if,
                                     event_conditions, fetch, ratio, unindexed)
from enablement.reports.coverage import PIECE_GATES
from enablement.storage.source import ReadContext

FORMULA = "hours saved = reuses × hours to build a piece from scratch"


@dataclass(frozen=True, kw_only=True)
class HoursSavedReport(Report):
    reuses: int
    hours_per_piece: float
    hours_saved: float
    formula: str
    assumption: str
    HEADLINE = (("reuses", "Reuses"), ("hours_per_piece", "Assumed hours to build a piece"),
                ("hours_saved", "Estimated hours saved"), ("formula", "Formula"), ("assumption", "Assumption"))


@dataclass(frozen=True, kw_only=True)
class HelpfulnessReport(Report):
    feedback: int
    helpful: int
    not_helpful: int
    helpful_ratio: Optional[float]
    HEADLINE = (("feedback", "Feedback answers"), ("helpful", "Helpful"), ("not_helpful", "Not helpful"),
                ("helpful_ratio", "Share helpful"))


def hours_saved(ctx: ReadContext, f: ReportFilter, hours_per_piece: float) -> HoursSavedReport:
    """Reuses × assumed hours per piece, overall and by person."""
    today = ctx.today()
    user = unindexed(ctx.engine, EVENTS.c.user_id).label("user_id")
    piece = unindexed(ctx.engine, EVENTS.c.piece_id).label("piece_id")
    pairs = (select(user, piece)
             .where(all_of(event_conditions(f, sorted(BUYER_FACING_KINDS), scan=ctx.engine)), piece.is_not(None))
             .group_by(user, piece).subquery("pairs"))
    rows = fetch(ctx.engine, select(USERS.c.id, USERS.c.name, USERS.c.team, func.count().label("reuses"))
                 .select_from(pairs.join(PIECES, PIECES.c.id == pairs.c.piece_id)
                              .join(USERS, USERS.c.id == pairs.c.user_id))
                 .where(or_(PIECES.c.created_by_id.is_(None), PIECES.c.created_by_id != pairs.c.user_id))
                 .group_by(USERS.c.id, USERS.c.name, USERS.c.team)
                 .order_by(func.count().desc(), USERS.c.name))
    reuses = sum(int(r.reuses) for r in rows)
    assumption = (f"Assumes {hours_per_piece:g} hours to build one piece from scratch (set by the manager); "
                  "an estimate, not a measurement.")
    notes = (FORMULA, assumption,
             "Reuse = one person putting one library piece in front of a buyer (sent, used in a call, exported, "
             "kit exported) at least once in the period; repeat uses of the same piece by the same person count "
             "once; uses of one's own pieces do not count.")
    table = ReportTable("by_person", "Estimated hours saved by person", ("user_id", "person", "team", "reuses",
                                                                        "hours_saved"),
                        tuple((r.id, r.name, r.team, int(r.reuses), int(r.reuses) * hours_per_piece) for r in rows))
    return HoursSavedReport(name="hours-saved", title="Hours saved (estimate)", filter=f, today=today,
                            tables=(table,), notes=notes, reuses=reuses, hours_per_piece=hours_per_piece,
                            hours_saved=reuses * hours_per_piece, formula=FORMULA, assumption=assumption)


def helpfulness(ctx: ReadContext, f: ReportFilter) -> HelpfulnessReport:
    """Feedback ratio per piece and per gate."""
    today = ctx.today()
    yes, no = EVENTS.c.helpful == True, EVENTS.c.helpful == False  # noqa: E712
    per_piece = (select(EVENTS.c.piece_id, count_if(yes).label("yes"), count_if(no).label("no"))
                 .where(all_of(event_conditions(f, [UsageKind.FEEDBACK.value])), EVENTS.c.helpful.is_not(None),
                        EVENTS.c.piece_id.is_not(None))
                 .group_by(EVENTS.c.piece_id).subquery("fb"))
    pieces = fetch(ctx.engine, select(per_piece.c.piece_id, PIECES.c.title, per_piece.c.yes, per_piece.c.no)
                   .join(PIECES, PIECES.c.id == per_piece.c.piece_id)
                   .order_by((per_piece.c.yes + per_piece.c.no).desc(), PIECES.c.title, per_piece.c.piece_id))
    answers = {r.piece_id: (int(r.yes), int(r.no)) for r in pieces}
    gates: dict[int, list[int]] = {}
    for r in fetch(ctx.engine, select(PIECE_GATES.c.piece_id, PIECE_GATES.c.gate_id)):
        if r.piece_id in answers:
            y, n = answers[r.piece_id]
            tally = gates.setdefault(r.gate_id, [0, 0])
            tally[0] += y
            tally[1] += n
    gate_rows: list[tuple[Any, ...]] = []
    for stage in ctx.taxonomy().stages:
        for gate in stage.gates:
            if gate.id in gates:
                y, n = gates[gate.id]
                gate_rows.append((stage.name, gate.id, gate.question, y, n, ratio(y, y + n)))
    piece_rows = tuple((r.piece_id, r.title, int(r.yes), int(r.no), ratio(int(r.yes), int(r.yes) + int(r.no)))
                       for r in pieces)
    helpful, not_helpful = sum(r[2] for r in piece_rows), sum(r[3] for r in piece_rows)
    notes = ("Helpful ratio = helpful answers / all answers to 'did it help?' in the period.",
             "A piece tagged with several gates counts in each gate.")
    tables = (
        ReportTable("by_piece", "Helpfulness per piece", ("piece_id", "title", "helpful", "not_helpful", "ratio"),
                    piece_rows),
        ReportTable("by_gate", "Helpfulness per gate", ("stage", "gate_id", "gate", "helpful", "not_helpful", "ratio"),
                    tuple(gate_rows)),
    )
    return HelpfulnessReport(name="helpfulness", title="Helpfulness", filter=f, today=today, tables=tables,
                             notes=notes, feedback=helpful + not_helpful, helpful=helpful, not_helpful=not_helpful,
                             helpful_ratio=ratio(helpful, helpful + not_helpful))

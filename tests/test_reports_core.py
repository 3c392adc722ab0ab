"""Every number of every manager report, against values worked out by hand.

The world (today = 2024-06-30, period = June 2024):

pieces (published unless said)      published   review_by   owner  gate / stage            type
  P1 ROI Calculator                 2024-01-01  2024-12-31  Mona   worth-investment (Dec.)  ROI Calculator
  P2 Security Whitepaper            2024-03-01  2024-05-01  Mona   security-ok (Eval.)      Whitepaper
  P3 Case Study Acme                2024-06-10  2025-01-01  Otto   vendor-credible (Cons.)  Case Study
  P4 Old Deck                       2023-06-30  2024-01-31  Otto   problem-real (Aware.)    Deck
  P5 Rep Battlecard (rep-made by Rita) 2024-05-01  none     Rita   better-than-alt. (Eval.) Battlecard
  P6 Draft piece (draft)            -           -           Mona   -                        -
  P7 Archived deck (archived)       2023-01-01  -           Otto   -                        Deck
  P8 Stage-only Guide               2024-02-01  2024-06-15  Mona   Onboarding stage, no gate Guide

events: see USES below; searches: see SEARCHES; requests: see REQUESTS.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from enablement.errors import PermissionDenied
from enablement.models.tables import ContentRequest, Piece, PieceFacet, PieceGate, PieceStage
from enablement.reports import ReportFilter
from enablement.services.library import Library
from enablement.models.dto import UseRecord
from enablement.storage.engine import write_session

TODAY = date(2024, 6, 30)
JUNE = ReportFilter(since=date(2024, 6, 1), until=date(2024, 6, 30))

# (user, piece, kind, when, helpful)
USES = [
    ("Rita", 1, "opened", "2024-06-03 10:00", None),
    ("Rita", 1, "sent", "2024-06-03 11:00", None),
    ("Rita", 1, "used_in_call", "2024-06-10 09:00", None),
    ("Rita", 5, "used_in_call", "2024-06-12 09:00", None),   # her own piece: no reuse
    ("Rita", 1, "feedback", "2024-06-10 10:00", True),
    ("Rita", 7, "opened", "2024-06-05 09:00", None),         # archived piece
    ("Ravi", 1, "opened", "2024-06-17 09:00", None),
    ("Ravi", 3, "viewed", "2024-06-18 09:00", None),
    ("Ravi", 5, "kit_exported", "2024-06-20 09:00", None),
    ("Ravi", 5, "feedback", "2024-06-20 10:00", False),
    ("Ravi", 1, "exported", "2024-06-24 09:00", None),
    ("Rosa", 1, "sent", "2024-06-25 09:00", None),
    ("Rosa", 5, "sent", "2024-06-26 09:00", None),
    ("Rosa", 1, "feedback", "2024-06-26 10:00", True),
    ("Rosa", 2, "opened", "2024-05-15 09:00", None),         # before the period
    ("Max", 1, "previewed", "2024-06-28 09:00", None),
    ("Rita", 4, "sent", "2024-05-20 09:00", None),           # before the period
]
# (user, query, result_count, shown ids, opened id, when)
SEARCHES = [
    ("Rita", "security whitepaper", 2, [2, 4], None, "2024-06-04 09:00"),
    ("Ravi", "GDPR checklist", 0, [], None, "2024-06-06 09:00"),
    ("Ravi", "gdpr checklist ", 0, [], None, "2024-06-07 09:00"),
    ("Rosa", "roi", 1, [1], 1, "2024-06-08 09:00"),
    ("Rita", "pricing", 0, [], None, "2024-05-20 09:00"),    # before the period
    ("Rosa", "evaluation battlecard competitor", 1, [5], None, "2024-06-09 09:00"),
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def build_world(root: Path, database_url: str | None = None) -> tuple[Library, dict[str, Any]]:
    """The hand-made library described in the module docstring."""
    lib = Library.open(root, database_url=database_url, with_index=False)
    lib.ctx.today = lambda: TODAY
    lib.users.create(None, "Ada", "admin")
    admin = lib.users.actor("Ada")
    for name, role, team in (("Max", "manager", ""), ("Mona", "marketing", ""), ("Rita", "rep", "East"),
                             ("Ravi", "rep", "East"), ("Rosa", "rep", "West"), ("Remy", "rep", "West")):
        lib.users.create(admin, name, role, team)
    actors = {u.name: lib.users.actor_for(u) for u in lib.users.list()}
    tax = lib.ctx.taxonomy()
    stage = {s.key: s.id for s in tax.stages}
    gate = {g.key: g.id for s in tax.stages for g in s.gates}
    ctype = {v.label: v.id for v in tax.facets["content_type"]}
    rita = actors["Rita"].user_id
    pieces = [  # id, title, status, source, owner, published, review_by, gate key, stage key, type, created_by
        (1, "ROI Calculator", "published", "marketing", "Mona", "2024-01-01", date(2024, 12, 31), "worth-investment",
         "decision", "ROI Calculator", None),
        (2, "Security Whitepaper", "published", "marketing", "Mona", "2024-03-01", date(2024, 5, 1), "security-ok",
         "evaluation", "Whitepaper", None),
        (3, "Case Study Acme", "published", "marketing", "Otto", "2024-06-10", date(2025, 1, 1), "vendor-credible",
         "consideration", "Case Study", None),
        (4, "Old Deck", "published", "marketing", "Otto", "2023-06-30", date(2024, 1, 31), "problem-real",
         "awareness", "Deck", None),
        (5, "Rep Battlecard", "published", "rep", "Rita", "2024-05-01", None, "better-than-alternatives",
         "evaluation", "Battlecard", rita),
        (6, "Draft piece", "draft", "marketing", "Mona", None, None, None, None, None, None),
        (7, "Archived deck", "archived", "marketing", "Otto", "2023-01-01", None, None, None, "Deck", None),
        (8, "Stage-only Guide", "published", "marketing", "Mona", "2024-02-01", date(2024, 6, 15), None,
         "onboarding", "Guide", None),
    ]
    with write_session(lib.ctx.engine) as s:
        for pid, title, status, source, owner, published, review_by, gkey, skey, tlabel, by in pieces:
            when = at(published + " 09:00") if published else at("2024-06-01 09:00")
            s.add(Piece(id=pid, title=title, status=status, source=source, owner=owner, review_by=review_by,
                        created_at=when, updated_at=when, published_at=when if published else None, created_by_id=by))
        s.flush()
        for pid, *_, gkey, skey, tlabel, _by in pieces:
            if skey:
                s.add(PieceStage(piece_id=pid, stage_id=stage[skey]))
            if gkey:
                s.add(PieceGate(piece_id=pid, gate_id=gate[gkey]))
            if tlabel:
                s.add(PieceFacet(piece_id=pid, facet_value_id=ctype[tlabel]))
    for user, piece, kind, when, helpful in USES:
        lib.usage.record(actors[user], UseRecord(kind, piece, occurred_at=at(when), helpful=helpful))
    for user, query, count, shown, opened, when in SEARCHES:
        sid = lib.usage.log_search(actors[user], query, "", count, shown, occurred_at=at(when)).value
        if opened:
            lib.usage.search_opened(sid, opened)
    requests = [  # requester, title, stage, gate, created, status, resolved
        ("Rita", "GDPR checklist", "evaluation", "security-ok", "2024-06-05 09:00", "fulfilled", "2024-06-08 09:00"),
        ("Ravi", "Pricing sheet", "purchase", "terms-acceptable", "2024-06-10 00:00", "open", None),
        ("Rosa", "Security FAQ", "evaluation", "security-ok", "2024-06-12 00:00", "fulfilled", "2024-06-13 12:00"),
        ("Rosa", "Video", None, None, "2024-06-15 00:00", "declined", "2024-06-16 00:00"),
        ("Rita", "Old ask", None, None, "2024-05-01 00:00", "open", None),
        ("Ravi", "Terms explainer", "purchase", "terms-acceptable", "2024-06-20 00:00", "in_progress", None),
    ]
    with write_session(lib.ctx.engine) as s:
        for user, title, skey, gkey, created, status, resolved in requests:
            s.add(ContentRequest(requester_id=actors[user].user_id, title=title, stage_id=stage.get(skey),
                                 gate_id=gate.get(gkey), status=status, created_at=at(created),
                                 resolved_at=at(resolved) if resolved else None,
                                 piece_id=2 if status == "fulfilled" else None))
    return lib, {"actors": actors, "stage": stage, "gate": gate, "type": ctype}


@pytest.fixture
def world(tmp_path: Path):  # type: ignore[no-untyped-def]
    lib, ids = build_world(tmp_path / "lib")
    yield lib, ids
    lib.close()


def manager(world: Any) -> Any:
    return world[1]["actors"]["Max"]


def test_used_vs_ignored(world: Any) -> None:
    lib, _ = world
    r = lib.reports.used_vs_ignored(manager(world), JUNE)
    assert (r.published, r.used, r.ignored) == (6, 2, 4)
    assert r.share_used == pytest.approx(2 / 6)
    assert (r.never_surfaced, r.surfaced_not_opened, r.opened_not_used) == (1, 2, 1)
    assert r.archive_candidates == 3
    assert r.table("ignored").rows == (
        (3, "Case Study Acme", "Otto", 20, "opened but never used in a call or sent", date(2025, 1, 1), ""),
        (4, "Old Deck", "Otto", 366, "surfaced but never opened", date(2024, 1, 31), "yes"),
        (2, "Security Whitepaper", "Mona", 121, "surfaced but never opened", date(2024, 5, 1), "yes"),
        (8, "Stage-only Guide", "Mona", 150, "never surfaced in any search", date(2024, 6, 15), "yes"),
    )
    assert r.table("reasons").rows == (("never surfaced in any search", 1), ("surfaced but never opened", 2),
                                       ("opened but never used in a call or sent", 1))
    assert r.table("archive_candidates").rows == (
        (4, "Old Deck", "Otto", 366, date(2024, 1, 31), 151),
        (2, "Security Whitepaper", "Mona", 121, date(2024, 5, 1), 60),
        (8, "Stage-only Guide", "Mona", 150, date(2024, 6, 15), 15),
    )
    assert any("Used = at least one event" in n for n in r.notes)


def test_used_vs_ignored_filters(world: Any) -> None:
    lib, ids = world
    west = lib.reports.used_vs_ignored(manager(world), ReportFilter(since=date(2024, 6, 1), until=TODAY, team="West"))
    assert (west.published, west.used, west.never_surfaced, west.surfaced_not_opened, west.opened_not_used) == \
        (6, 2, 4, 0, 0)
    evaluation = lib.reports.used_vs_ignored(manager(world), ReportFilter(since=date(2024, 6, 1),
                                                                         stage_id=ids["stage"]["evaluation"]))
    assert (evaluation.published, evaluation.used, evaluation.share_used) == (2, 1, 0.5)
    decks = lib.reports.used_vs_ignored(manager(world), ReportFilter(content_type_value_id=ids["type"]["Deck"]))
    assert (decks.published, decks.used) == (1, 1)  # P4 (sent in May); P7 is archived
    may = lib.reports.used_vs_ignored(manager(world), ReportFilter(since=date(2024, 5, 1), until=date(2024, 5, 31)))
    assert (may.published, may.used) == (5, 2)  # P3 (published in June) is not counted; P2 and P4 used


def test_demo_rows_count_unless_excluded(world: Any) -> None:
    lib, ids = world
    lib.usage.record(ids["actors"]["Remy"], UseRecord("used_in_call", 3, occurred_at=at("2024-06-27 09:00")),
                     is_demo=True)
    assert lib.reports.used_vs_ignored(manager(world), JUNE).used == 3
    no_demo = ReportFilter(since=date(2024, 6, 1), until=TODAY, exclude_demo=True)
    assert lib.reports.used_vs_ignored(manager(world), no_demo).used == 2
    assert lib.reports.adoption(manager(world), JUNE).active_reps == 4
    assert lib.reports.adoption(manager(world), no_demo).active_reps == 3


def test_coverage(world: Any) -> None:
    lib, _ = world
    r = lib.reports.coverage(manager(world), JUNE)
    assert (r.cells, r.gaps, r.unused_cells, r.covered_cells) == (18, 13, 3, 2)
    rows = {(row[0], row[2]): row[4:] for row in r.table("grid").rows}
    assert rows[("Decision", "worth-investment")] == (1, 1, 6, 181, "ok")
    assert rows[("Evaluation", "better-than-alternatives")] == (1, 1, 3, 60, "ok")
    assert rows[("Evaluation", "security-ok")] == (1, 0, 0, 121, "NO USE")
    assert rows[("Consideration", "vendor-credible")] == (1, 0, 0, 20, "NO USE")
    assert rows[("Awareness", "problem-real")] == (1, 0, 0, 366, "NO USE")
    assert rows[("Onboarding", "")] == (1, 0, 0, 150, "NO USE")  # the stage-only row
    assert rows[("Purchase", "terms-acceptable")] == (0, 0, 0, None, "GAP")
    assert len(r.table("grid").rows) == 19
    assert [row[0] for row in r.table("grid").rows][:3] == ["Awareness", "Awareness", "Consideration"]


def test_trends(world: Any) -> None:
    lib, _ = world
    r = lib.reports.trends(manager(world), JUNE, "week")
    assert (r.uses, r.pieces_used) == (10, 3)
    assert r.table("over_time").rows == (("2024-05-27", 0, 0), ("2024-06-03", 3, 1), ("2024-06-10", 2, 2),
                                         ("2024-06-17", 2, 1), ("2024-06-24", 3, 2))
    assert r.table("top").rows == ((1, "ROI Calculator", 6, 0.6), (5, "Rep Battlecard", 3, 0.3),
                                   (7, "Archived deck", 1, 0.1))
    assert r.table("by_type").rows == (("ROI Calculator", 1, 6), ("Battlecard", 1, 3), ("Deck", 1, 1))
    month = lib.reports.trends(manager(world), JUNE, "month")
    assert month.table("over_time").rows == (("2024-06", 10, 6),)
    history = lib.reports.trends(manager(world), ReportFilter(until=TODAY), "month")
    assert history.table("over_time").rows == (("2024-05", 2, 1), ("2024-06", 10, 6))
    # recent = 2024-06-03..30, before = 2024-05-06..06-02: P2 and P4 fell, so they are not trending
    assert history.table("trending").rows == ((1, "ROI Calculator", 6, 0, 6), (5, "Rep Battlecard", 3, 0, 3),
                                              (7, "Archived deck", 1, 0, 1))


def test_adoption(world: Any) -> None:
    lib, _ = world
    r = lib.reports.adoption(manager(world), JUNE)
    assert (r.reps, r.active_reps, r.share_active, r.rep_uses, r.uses_per_rep, r.reps_never_searched) == \
        (4, 3, 0.75, 10, 2.5, 1)
    rows = [row[1:] for row in r.table("reps").rows]
    assert rows == [("Ravi", "East", 3, 5, 2, "yes", date(2024, 6, 24)), ("Remy", "West", 0, 0, 0, "no", None),
                    ("Rita", "East", 5, 6, 1, "yes", date(2024, 6, 12)),
                    ("Rosa", "West", 2, 3, 2, "yes", date(2024, 6, 26))]
    assert [row[1:] for row in r.table("never_searched").rows] == [("Remy", "West", 0)]
    assert r.table("by_source").rows == (("marketing", 5, 1, 0.2), ("rep-made", 1, 1, 1.0))
    east = lib.reports.adoption(manager(world), ReportFilter(since=date(2024, 6, 1), team="East"))
    assert (east.reps, east.active_reps, east.rep_uses, east.uses_per_rep) == (2, 2, 8, 4.0)


def test_search_gaps_and_request(world: Any) -> None:
    lib, ids = world
    r = lib.reports.search_gaps(manager(world), JUNE)
    assert (r.searches, r.zero_result_searches, r.unopened_searches, r.gap_queries) == (5, 2, 2, 3)
    assert r.share_unanswered == pytest.approx(0.8)
    ev, sec = ids["stage"]["evaluation"], ids["gate"]["security-ok"]
    assert [row[:6] + row[8:] for row in r.table("gaps").rows] == [
        ("gdpr checklist", 2, 2, 0, 1, date(2024, 6, 7), None, None),
        ("evaluation battlecard competitor", 1, 0, 1, 1, date(2024, 6, 9), ev, None),
        ("security whitepaper", 1, 0, 1, 1, date(2024, 6, 4), ev, sec),
    ]
    assert r.table("gaps").rows[2][6:8] == ("Evaluation", "Does it pass our security and compliance review?")
    row = r.table("gaps").as_dicts()[2]
    pre = lib.reports.gap_request(row)
    assert (pre.title, pre.stage_id, pre.gate_id) == ("Content for: security whitepaper", ev, sec)
    assert "1 had results nobody opened" in pre.need
    request_id = lib.reports.file_gap_request(manager(world), row).value
    filed = lib.requests.get(request_id)
    assert (filed.title, filed.stage_id, filed.gate_id, filed.status) == (pre.title, ev, sec, "open")


def test_requests(world: Any) -> None:
    lib, _ = world
    r = lib.reports.requests(manager(world), JUNE)
    assert (r.requests, r.open, r.fulfilled, r.declined) == (5, 2, 2, 1)
    assert (r.mean_days_to_fulfil, r.max_days_to_fulfil) == (2.25, 3.0)
    assert r.table("by_gate").rows == (
        ("Evaluation", "Does it pass our security and compliance review?", 2, 0, 2, 0, 2.25),
        ("Purchase", "Are the price and terms acceptable?", 2, 2, 0, 0, None),
        ("(no stage)", "(no gate)", 1, 0, 0, 1, None),
    )
    assert [(row[1], row[2], row[5], row[6]) for row in r.table("open").rows] == [
        ("Pricing sheet", "Ravi", "open", 20), ("Terms explainer", "Ravi", "in_progress", 10)]


def test_freshness(world: Any) -> None:
    lib, _ = world
    r = lib.reports.freshness(manager(world), JUNE)
    assert (r.published, r.stale, r.share_stale, r.no_review_date) == (6, 3, 0.5, 1)
    assert r.table("by_owner").rows == (("Mona", 3, 2, pytest.approx(2 / 3), 60), ("Otto", 2, 1, 0.5, 151),
                                        ("Rita", 1, 0, 0.0, None))
    assert r.table("stale").rows == ((4, "Old Deck", "Otto", date(2024, 1, 31), 151, "no"),
                                     (2, "Security Whitepaper", "Mona", date(2024, 5, 1), 60, "no"),
                                     (8, "Stage-only Guide", "Mona", date(2024, 6, 15), 15, "no"))


def test_hours_saved(world: Any) -> None:
    lib, _ = world
    r = lib.reports.hours_saved(manager(world), JUNE)
    assert (r.reuses, r.hours_per_piece, r.hours_saved) == (5, 4.0, 20.0)
    assert "reuses × hours" in r.formula and "estimate" in r.assumption
    assert [row[1:] for row in r.table("by_person").rows] == [("Ravi", "East", 2, 8.0), ("Rosa", "West", 2, 8.0),
                                                             ("Rita", "East", 1, 4.0)]
    assert lib.reports.hours_saved(manager(world), JUNE, hours_per_piece=2.5).hours_saved == 12.5


def test_helpfulness(world: Any) -> None:
    lib, _ = world
    r = lib.reports.helpfulness(manager(world), JUNE)
    assert (r.feedback, r.helpful, r.not_helpful) == (3, 2, 1)
    assert r.helpful_ratio == pytest.approx(2 / 3)
    assert r.table("by_piece").rows == ((1, "ROI Calculator", 2, 0, 1.0), (5, "Rep Battlecard", 0, 1, 0.0))
    assert [row[0:1] + row[2:] for row in r.table("by_gate").rows] == [
        ("Evaluation", "Why this over the alternatives?", 0, 1, 0.0),
        ("Decision", "Is this worth the investment?", 2, 0, 1.0)]


def test_piece_stats(world: Any) -> None:
    lib, _ = world
    s = lib.reports.piece_stats(manager(world), 1)
    assert s.by_kind == {"opened": 2, "sent": 2, "used_in_call": 1, "feedback": 2, "exported": 1, "previewed": 1}
    assert (s.uses, s.uses_last_30_days, s.uses_last_90_days, s.users) == (6, 6, 6, 3)
    assert s.last_used == datetime(2024, 6, 25, 9, 0)
    assert (s.helpful, s.not_helpful, s.helpful_ratio) == (2, 0, 1.0)


def test_reports_need_permission(world: Any) -> None:
    lib, ids = world
    with pytest.raises(PermissionDenied):
        lib.reports.used_vs_ignored(ids["actors"]["Rita"], JUNE)
    assert lib.reports.coverage(ids["actors"]["Mona"], JUNE).cells == 18  # marketing may view reports


def test_an_unbounded_filter_builds_every_report_without_sqlalchemy_deprecations(world: Any) -> None:
    """No period and no scope leaves a report with no conditions at all: that must mean
    "every row", never a bare ``and_()`` (deprecated, and an error in a later SQLAlchemy)."""
    import warnings

    from sqlalchemy.exc import SADeprecationWarning

    lib, _ = world
    with warnings.catch_warnings():
        warnings.simplefilter("error", SADeprecationWarning)
        board = lib.reports.dashboard(manager(world), ReportFilter())
    assert board.used.published > 0 and board.adoption is not None

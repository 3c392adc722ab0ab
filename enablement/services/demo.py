"""The demo library: sample collateral from assets/demo, users in every role, and six
months of demo usage with a realistic skew (a few pieces used a lot, many never).

Every demo row is marked ``is_demo`` and the library is labelled demo (``meta demo=true``),
so the app can say so and a real library never mixes with it silently.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Callable

from enablement.config import ASSETS_DIR, Settings
from enablement.models.dto import Actor, TaxonomyInfo, UserInfo
from enablement.models.tables import ContentRequest, Kit, KitItem, Piece, SearchLog, UsageEvent, stored_id, utcnow
from enablement.models.vocab import RequestStatus, ReviewState, Role, Source, Status, UsageKind
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from enablement.models.changes import Changes
from enablement.services.pieces import piece_changes
from enablement.storage import pieces_repo, users_repo

DEMO_DIR = ASSETS_DIR / "demo"
DEMO_SEED = 20261101
ADMIN = ("Avery Admin", Role.ADMIN, "Operations")
MANAGER = ("Morgan Lee", Role.MANAGER, "Sales")
REPS = [("Sam Rivera", "East"), ("Jordan Kim", "East"), ("Taylor Brooks", "West"), ("Casey Nguyen", "West"),
        ("Riley Patel", "Central"), ("Jamie Ortiz", "Central")]
# How busy each rep is (the last one barely uses the library and never searches).
REP_ACTIVITY = [1.0, 0.8, 0.6, 0.45, 0.3, 0.05]
ACCOUNTS = ["Harbor Mutual", "Calder Precision", "Fernway Grocers", "St Aldric Health", "Marrow County",
            "Bluefin Logistics", "Quarry Lane Bank", "Oakridge Foods", "Vela Robotics", "Northgate Clinic"]
QUERIES = ["security review", "soc 2", "roi", "pricing", "case study healthcare", "onboarding",
           "competitor brightgrid", "tco", "datasheet analytics", "procurement dpa", "renewal",
           "implementation plan", "gdpr", "integrations", "mobile app", "executive overview",
           "why now", "migration risk", "reference customer", "battlecard"]
# Queries that find nothing in the demo collateral: the search-gap report's raw material.
GAP_QUERIES = ["data residency germany", "nonprofit discount", "sso okta setup video",
               "public sector accessibility vpat", "hipaa baa template"]
KIND_WEIGHTS = [(UsageKind.VIEWED, 34), (UsageKind.PREVIEWED, 20), (UsageKind.OPENED, 14),
                (UsageKind.USED_IN_CALL, 13), (UsageKind.SENT, 10), (UsageKind.FEEDBACK, 6),
                (UsageKind.EXPORTED, 3)]

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class DemoEntry:
    raw: dict

    @property
    def is_link(self) -> bool:
        return "link" in self.raw

    @property
    def key(self) -> str:
        """The entry's file name, or its link: how the demo finds the piece made from it."""
        return str(self.raw.get("file") or self.raw["link"])


def load_manifest() -> list[DemoEntry]:
    return [DemoEntry(e) for e in json.loads((DEMO_DIR / "manifest.json").read_text(encoding="utf-8"))]


def create_demo_library(root: Path, progress: Progress | None = None, settings: Settings | None = None,
                        today: date | None = None) -> Library:
    """Create (or reopen) the demo library in ``root``. Idempotent: an existing demo is reused."""
    library = Library.open(root, settings=settings)
    if library.is_demo:
        return library
    if library.pieces.list(statuses=None):
        library.close()
        from enablement.errors import InvalidInput

        raise InvalidInput(f"{root} already holds a library; the demo needs an empty folder.")
    try:
        with library.ctx.caches.held() as flush:
            _fill(library, progress or (lambda *_: None), today or library.ctx.today(), flush)
    except BaseException:
        library.close()
        raise
    return library


def _fill(library: Library, progress: Progress, today: date, flush: Callable[[], bool]) -> None:
    entries = load_manifest()
    users = library.users
    admin = users.ensure(*ADMIN, is_demo=True).value
    admin_actor = Actor(admin.id, admin.name, admin.role)
    owners = sorted({e.raw.get("owner", "") for e in entries} - {""})
    marketers = [users.ensure(name, Role.MARKETING, "Marketing", is_demo=True).value for name in owners]
    manager = users.ensure(*MANAGER, is_demo=True).value
    reps = [users.ensure(name, Role.REP, team, is_demo=True).value for name, team in REPS]
    taxonomy = library.ctx.taxonomy()
    total = len(entries) + 3
    step = 0

    def tick(text: str) -> None:
        nonlocal step
        step += 1
        progress(step, total, text)

    # Files: marketing pieces in one parallel batch, rep-made pieces as their reps.
    files = {e.raw["file"]: e for e in entries if not e.is_link}
    rep_files = [e for e in files.values() if e.raw.get("source") == Source.REP]
    marketing_files = [e for e in files.values() if e.raw.get("source") != Source.REP]
    mk_actor = Actor(marketers[0].id, marketers[0].name, Role.MARKETING)
    done = library.importer.import_paths(
        mk_actor, [DEMO_DIR / e.raw["file"] for e in marketing_files],
        progress=lambda d, _t, text: progress(step + d, total, text))
    piece_of: dict[str, int] = {}
    for o in done.value.outcomes:
        if o.piece_id is None:
            raise RuntimeError(f"demo file {o.path} did not import: {o.outcome} {o.detail}")
        piece_of[Path(o.path).name] = o.piece_id
    for n, entry in enumerate(rep_files):
        rep = reps[n % len(reps)]
        out = library.importer.import_paths(Actor(rep.id, rep.name, Role.REP), [DEMO_DIR / entry.raw["file"]],
                                            source=Source.REP)
        landed = out.value.outcomes[0]
        if landed.piece_id is None:
            raise RuntimeError(f"demo file {landed.path} did not import: {landed.outcome} {landed.detail}")
        piece_of[entry.raw["file"]] = landed.piece_id
    step += len(files)
    for entry in entries:
        if entry.is_link:
            pid = library.importer.add_link(mk_actor, entry.raw["link"], entry.raw["title"],
                                            entry.raw.get("description", "")).value
            piece_of[entry.raw["link"]] = pid
            tick(entry.raw["title"])
    # Metadata, tags and status, as marketing set them.
    for entry in entries:
        pid = piece_of[entry.key]
        raw = entry.raw
        library.pieces.update(admin_actor, pid, title=raw["title"], description=raw.get("description", ""),
                              owner=raw.get("owner", ""),
                              review_by=date.fromisoformat(raw["review_by"]) if raw.get("review_by") else None)
        library.pieces.set_tags(admin_actor, pid, _tags(taxonomy, raw))
        if raw.get("status") in (Status.PUBLISHED, Status.ARCHIVED) and raw.get("source") != Source.REP:
            library.pieces.publish(admin_actor, pid)
    tick("Usage history")
    _backdate_and_mark(library, piece_of, entries, today)
    # The demo searches below must see every piece: apply what was collected so far.
    flush()
    _usage(library, reps, manager, today)
    # Pieces marketing retired: used while they were current, archived since.
    for entry in entries:
        if entry.raw.get("status") == Status.ARCHIVED:
            library.pieces.archive(admin_actor, piece_of[entry.key])
    tick("Requests and kits")
    _requests_and_kit(library, reps, marketers, piece_of, taxonomy, today)
    library.set_meta("demo", "true")
    tick("Done")


def _tags(taxonomy: TaxonomyInfo, raw: dict) -> TagSelection:
    stages = {s.key: s.id for s in taxonomy.stages}
    gates = {g.key: g.id for s in taxonomy.stages for g in s.gates}
    facets: dict[str, list[int]] = {}
    for facet, values in taxonomy.facets.items():
        by_label = {v.label: v.id for v in values}
        facets[facet] = [by_label[label] for label in raw.get(facet, []) if label in by_label]
    return TagSelection(stages=[stages[k] for k in raw.get("stages", []) if k in stages],
                        gates=[gates[k] for k in raw.get("gates", []) if k in gates], facets=facets)


def _backdate_and_mark(library: Library, piece_of: dict[str, int], entries: list[DemoEntry], today: date) -> None:
    """Spread creation/publication over the past year so ages look real."""
    rng = random.Random(DEMO_SEED)
    with library.ctx.write() as w:
        s = w.session
        w.record(piece_changes(*piece_of.values()))
        for n, entry in enumerate(entries):
            piece = s.get(Piece, piece_of[entry.key])
            assert piece is not None
            created = datetime.combine(today - timedelta(days=rng.randint(200, 420)), time(9, 0))
            piece.created_at = created
            if piece.published_at is not None:
                piece.published_at = created + timedelta(days=rng.randint(2, 20))
            piece.updated_at = (piece.published_at or created) + timedelta(days=rng.randint(0, 60))
            piece.is_demo = True
            for version in pieces_repo.versions(s, stored_id(piece.id)):
                version.created_at = created
            if piece.source == Source.REP:
                piece.review_state = ReviewState.PENDING


def _usage(library: Library, reps: list[UserInfo], manager: UserInfo, today: date) -> None:
    """Six months of usage by the reps: Zipf-like over published pieces, some never used."""
    rng = random.Random(DEMO_SEED + 1)
    published = library.pieces.list(statuses=[Status.PUBLISHED])
    published.sort(key=lambda p: p.id)
    rng.shuffle(published)
    # About a third of the published pieces are never used (the "ignored" ones).
    used_pool = published[: max(1, int(len(published) * 0.65))]
    weights = [1.0 / (rank + 1) ** 1.1 for rank in range(len(used_pool))]
    kinds, kind_w = zip(*KIND_WEIGHTS)
    start = today - timedelta(days=182)
    events: list[UsageEvent] = []
    searches: list[SearchLog] = []
    search_cache: dict[str, tuple[int, list[int]]] = {}
    rep_actor = Actor(reps[0].id, reps[0].name, Role.REP)
    for rep, activity in zip(reps, REP_ACTIVITY):
        for day in range(182):
            when_day = start + timedelta(days=day)
            if when_day.weekday() >= 5 or rng.random() > activity:
                continue
            for _ in range(rng.randint(1, 4)):
                at = datetime.combine(when_day, time(rng.randint(8, 17), rng.randint(0, 59)))
                if activity > 0.1 and rng.random() < 0.45:
                    query = rng.choice(GAP_QUERIES) if rng.random() < 0.12 else rng.choice(QUERIES)
                    if query not in search_cache:
                        outcome = library.search.search(rep_actor, query, limit=10)
                        search_cache[query] = (outcome.results.total, [p.id for p in outcome.pieces])
                    count, shown = search_cache[query]
                    opened = shown[0] if shown and rng.random() < 0.6 else None
                    searches.append(SearchLog(id=str(uuid.UUID(int=rng.getrandbits(128))), user_id=rep.id,
                                              query=query, result_count=count, opened_piece_id=opened,
                                              shown_piece_ids=",".join(map(str, shown)), occurred_at=at,
                                              is_demo=True))
                piece = rng.choices(used_pool, weights)[0]
                kind = rng.choices(kinds, kind_w)[0]
                gate_ids = piece.ids("gate")
                stage_ids = piece.ids("stage")
                events.append(UsageEvent(
                    id=str(uuid.UUID(int=rng.getrandbits(128))), kind=kind, user_id=rep.id, piece_id=piece.id,
                    occurred_at=at + timedelta(minutes=rng.randint(0, 20)),
                    account=rng.choice(ACCOUNTS) if kind in (UsageKind.USED_IN_CALL, UsageKind.SENT) else "",
                    deal_stage_id=stage_ids[0] if stage_ids and kind == UsageKind.USED_IN_CALL else None,
                    gate_id=gate_ids[0] if gate_ids and kind == UsageKind.USED_IN_CALL else None,
                    helpful=(rng.random() < 0.75) if kind == UsageKind.FEEDBACK else None,
                    comment="Buyer asked for exactly this." if kind == UsageKind.FEEDBACK and rng.random() < 0.2 else "",
                    is_demo=True))
    with library.ctx.write() as w:
        s = w.session
        w.record(Changes(usage=True))  # many uses at once: popularity is recounted
        versions = pieces_repo.current_versions(s)
        for e in events:
            e.version_id = versions.get(e.piece_id or -1)
        s.add_all(events)
        s.add_all(searches)


def _requests_and_kit(library: Library, reps: list, marketers: list, piece_of: dict[str, int],
                      taxonomy: TaxonomyInfo, today: date) -> None:
    gates = {g.key: g for s in taxonomy.stages for g in s.gates}
    personas = {v.label: v.id for v in taxonomy.facets.get("persona", ())}
    now = utcnow()
    rows = [
        (reps[0], "Customer reference video for a renewal", "Buyer wants to hear from a peer who renewed.",
         "advocate", RequestStatus.OPEN, None, "", 12),
        (reps[1], "One-slide stakeholder map for a CFO", "The CFO asked who else signs off and why.",
         "stakeholders-agree", RequestStatus.IN_PROGRESS, None, "", 20),
        (reps[2], "ROI summary for manufacturing", "Plant director needs payback in months.",
         "worth-investment", RequestStatus.FULFILLED, "roi-business-case-guide.pdf", "", 40),
        (reps[3], "Comparison against spreadsheets", "Buyer is considering staying on spreadsheets.",
         "approaches", RequestStatus.DECLINED, None, "Covered by the 'Why now' whitepaper; send that.", 55),
    ]
    with library.ctx.write() as w:
        s = w.session
        w.record(Changes(requests=True, kits=True, users=True))
        for rep, title, need, gate_key, status, piece_file, reason, age in rows:
            gate = gates.get(gate_key)
            created = now - timedelta(days=age)
            resolved = created + timedelta(days=6) if status in (RequestStatus.FULFILLED, RequestStatus.DECLINED) else None
            s.add(ContentRequest(requester_id=rep.id, title=title, need=need, stage_id=gate.stage_id if gate else None,
                                 gate_id=gate.id if gate else None, persona_id=personas.get("CFO"),
                                 account="Calder Precision", status=status,
                                 piece_id=piece_of.get(piece_file) if piece_file else None, decline_reason=reason,
                                 created_at=created, resolved_at=resolved,
                                 resolved_by_id=marketers[0].id if resolved else None, is_demo=True))
        kit = Kit(name="Harbor Mutual — security review call", owner_id=reps[0].id, account="Harbor Mutual",
                  notes="Thursday call with their CISO and procurement.")
        s.add(kit)
        s.flush()
        for pos, name in enumerate(["security-whitepaper.pdf", "case-study-harbor-mutual-insurance.pdf",
                                    "security-questionnaire-faq.docx"]):
            pid = piece_of.get(name)
            if pid is not None:
                row = s.get(Piece, pid)
                version = row.current_version_id if row is not None else None
                s.add(KitItem(kit_id=stored_id(kit.id), piece_id=pid, position=pos, version_id_at_add=version))
        for user in users_repo.users(s, include_inactive=True):
            user.is_demo = True

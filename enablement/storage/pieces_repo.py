"""Piece rows → DTOs, in batches (one query per table, never one per piece)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import bindparam, case, func, literal, text, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from enablement.errors import ChangedMeanwhile
from enablement.models.dto import PieceDetail, PieceSummary, Tag, VersionInfo
from enablement.models.tables import (FacetValue, Gate, Piece, PieceFacet, PieceGate, PieceStage,
                                      PieceVersion, Stage, UsageEvent, User, stored_id)
from enablement.models.vocab import USE_KINDS, ReviewState, Source

_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _tags_query() -> Any:
    """Every tag of some pieces (``ids``, expanding), stages then gates then facet values, each
    in taxonomy order: one statement, built once (building three selects per call cost more
    than running them on a page of search results)."""
    ids: Any = bindparam("ids", expanding=True)
    stages: Any = (sa_select(col(PieceStage.piece_id), literal(0).label("part"), col(Stage.position).label("p1"),
                        literal(0).label("p2"), literal("stage").label("dimension"), col(Stage.id).label("tag_id"),
                        col(Stage.name).label("label"))
              .join(Stage, col(Stage.id) == col(PieceStage.stage_id)).where(col(PieceStage.piece_id).in_(ids)))
    gates = (sa_select(col(PieceGate.piece_id), literal(1), col(Stage.position), col(Gate.position),
                       literal("gate"), col(Gate.id), col(Gate.question))
             .join(Gate, col(Gate.id) == col(PieceGate.gate_id)).join(Stage, col(Stage.id) == col(Gate.stage_id))
             .where(col(PieceGate.piece_id).in_(ids)))
    facets = (sa_select(col(PieceFacet.piece_id), literal(2), col(FacetValue.position), literal(0),
                        col(FacetValue.facet), col(FacetValue.id), col(FacetValue.label))
              .join(FacetValue, col(FacetValue.id) == col(PieceFacet.facet_value_id))
              .where(col(PieceFacet.piece_id).in_(ids)))
    united = union_all(stages, gates, facets).subquery()
    return sa_select(*united.c).order_by(united.c.part, united.c.p1, united.c.p2, united.c.tag_id)


_TAGS: list[Any] = []


def tags_for(session: Session, piece_ids: Sequence[int]) -> dict[int, list[Tag]]:
    """Every tag of the given pieces, in taxonomy order."""
    if not _TAGS:
        _TAGS.append(_tags_query())
    tags: dict[int, list[Tag]] = defaultdict(list)
    connection = session.connection()  # a Core statement: the ORM layer adds nothing but time
    for chunk in _chunks(piece_ids):
        for pid, _part, _p1, _p2, dimension, tag_id, label in connection.execute(_TAGS[0], {"ids": list(chunk)}):
            tags[pid].append(Tag(dimension, stored_id(tag_id), label))
    return tags


def _team_popularity(session: Session) -> bool:
    """A team server counts uses team-wide in ``app.popularity()`` (counts only, no events):
    a rep, who may read only their own events, still ranks by what the whole team uses.
    Asked once per pooled connection."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return False
    known = conn.info.get("team_popularity")
    if known is None:
        known = conn.info["team_popularity"] = bool(conn.execute(text(
            "SELECT to_regprocedure('app.popularity()') IS NOT NULL "
            "AND has_function_privilege('app.popularity()', 'EXECUTE')")).scalar())
    return known


def use_counts(session: Session, piece_ids: Sequence[int] | None = None) -> dict[int, int]:
    """How often each piece was used (opened, exported, sent, used in a call, in a kit), by the
    whole team: on a team replica as of the last pull plus this laptop's waiting uses; on the
    team server from its counts-only app.popularity(), whatever the login may read."""
    from enablement.storage import replica_repo

    if replica_repo.is_replica(session.connection()):
        team = replica_repo.replica_use_counts(session.connection())
        return team if piece_ids is None else {p: team[p] for p in piece_ids if p in team}
    if _team_popularity(session):
        server = "SELECT piece_id, uses FROM app.popularity()"
        if piece_ids is None:
            return {int(pid): int(n) for pid, n in session.execute(text(server)) if pid is not None}
        team_counts: dict[int, int] = {}
        for chunk in _chunks(piece_ids):
            rows = session.execute(text(server + " WHERE piece_id = ANY(:ids)"), {"ids": list(chunk)})
            team_counts.update({int(pid): int(n) for pid, n in rows})
        return team_counts
    query = (select(UsageEvent.piece_id, func.count()).where(col(UsageEvent.kind).in_(USE_KINDS))
             .group_by(col(UsageEvent.piece_id)))
    if piece_ids is None:
        return {pid: n for pid, n in session.exec(query) if pid is not None}
    counts: dict[int, int] = {}
    for chunk in _chunks(piece_ids):
        counts.update({pid: n for pid, n in session.exec(query.where(col(UsageEvent.piece_id).in_(chunk)))
                       if pid is not None})
    return counts


_SUMMARY_COLUMNS = tuple(col(c) for c in (
    Piece.id, Piece.title, Piece.kind, Piece.status, Piece.source, Piece.review_state, Piece.owner,
    Piece.review_by, Piece.updated_at, Piece.is_demo, PieceVersion.file_type, PieceVersion.page_count,
    PieceVersion.outcome, PieceVersion.outcome_detail, PieceVersion.id, Piece.expires_on, Piece.row_version))
_SUMMARY_QUERY: Any = (sa_select(*_SUMMARY_COLUMNS)
                  .outerjoin(PieceVersion, col(PieceVersion.id) == col(Piece.current_version_id))
                  .where(col(Piece.id).in_(bindparam("ids", expanding=True))))


def summaries(session: Session, piece_ids: Sequence[int], today: date,
              uses: Mapping[int, int] | None = None) -> list[PieceSummary]:
    """Summaries in the order of ``piece_ids`` (unknown ids are skipped). ``uses``: the
    caller's up-to-date use counts of every piece (search keeps them for ranking), instead of
    counting the events again.

    The columns a summary shows, in one query (loading whole ORM rows cost as much as the
    search itself on a result page: 15 of ~60 ms at 10k pieces)."""
    ids = list(dict.fromkeys(piece_ids))
    rows = {}
    connection = session.connection()
    for chunk in _chunks(ids):
        rows.update({int(r[0]): r for r in connection.execute(_SUMMARY_QUERY, {"ids": list(chunk)})})
    tags = tags_for(session, ids)
    counts = uses if uses is not None else use_counts(session, ids)
    shares = helpful_shares(session, ids)
    out = []
    for pid in ids:
        r = rows.get(pid)
        if r is None:
            continue
        (_, title, kind, status, source, review_state, owner, review_by, updated_at, is_demo,
         file_type, page_count, outcome, outcome_detail, version_id, expires_on, row_version) = r
        has_version = version_id is not None
        out.append(PieceSummary(
            id=pid, title=title, kind=kind, status=status, source=source, review_state=review_state, owner=owner,
            review_by=review_by, stale=is_stale(review_by, status, today),
            file_type=file_type if has_version else ("link" if kind == "link" else ""),
            page_count=page_count if has_version else None,
            outcome=outcome if has_version else "ok", outcome_detail=outcome_detail if has_version else "",
            updated_at=updated_at, use_count=counts.get(pid, 0), tags=tuple(tags.get(pid, [])),
            is_demo=bool(is_demo), expires_on=expires_on, expired=is_expired(expires_on, status, today),
            row_version=int(row_version or 0),
            helped=shares.get(pid, (0, 0))[0], answered=shares.get(pid, (0, 0))[1]))
    return out


def to_summary(p: Piece, v: PieceVersion | None, tags: list[Tag], uses: int, today: date) -> PieceSummary:
    return PieceSummary(
        id=stored_id(p.id), title=p.title, kind=p.kind, status=p.status, source=p.source,
        review_state=p.review_state, owner=p.owner, review_by=p.review_by,
        stale=is_stale(p.review_by, p.status, today),
        file_type=v.file_type if v else ("link" if p.kind == "link" else ""),
        page_count=v.page_count if v else None,
        outcome=v.outcome if v else "ok", outcome_detail=v.outcome_detail if v else "",
        updated_at=p.updated_at, use_count=uses, tags=tuple(tags), is_demo=p.is_demo,
        expires_on=p.expires_on, expired=is_expired(p.expires_on, p.status, today), row_version=p.row_version)


def is_expired(expires_on: date | None, status: str, today: date) -> bool:
    """A piece whose expiry date has come (archived pieces are not flagged)."""
    return expires_on is not None and expires_on <= today and status != "archived"


def expired_ids(session: Session, today: date) -> list[int]:
    """Pieces past their expiry date that are not archived (nor purged)."""
    query = select(col(Piece.id)).where(col(Piece.expires_on).is_not(None), col(Piece.expires_on) <= today,
                                        col(Piece.status).in_(["draft", "published"]))
    return [pid for pid in session.exec(query) if pid is not None]


def is_stale(review_by: date | None, status: str, today: date) -> bool:
    """A piece past its review-by date is stale (archived pieces are not flagged)."""
    return review_by is not None and review_by < today and status != "archived"


def detail(session: Session, piece_id: int, today: date) -> PieceDetail | None:
    p = session.get(Piece, piece_id)
    if p is None:
        return None
    summary = summaries(session, [piece_id], today)[0]
    names = {u.id: u.name for u in session.exec(select(User))}
    versions = tuple(
        VersionInfo(stored_id(v.id), v.number, v.original_name, v.file_type, v.size, v.page_count, v.blob_sha256,
                    v.outcome, v.outcome_detail, v.note, v.created_at, names.get(v.created_by_id or -1, ""),
                    v.doc_title)
        for v in session.exec(select(PieceVersion).where(PieceVersion.piece_id == piece_id)
                              .order_by(col(PieceVersion.number).desc())))
    current = next((v for v in versions if v.id == p.current_version_id), None)
    excerpt = ""
    if current is not None:
        row = session.get(PieceVersion, current.id)
        excerpt = (row.text if row else "")[:4000]
    return PieceDetail(summary=summary, description=p.description, url=p.url, review_note=p.review_note,
                       merged_into_id=p.merged_into_id, created_at=p.created_at,
                       created_by=names.get(p.created_by_id or -1, ""), published_at=p.published_at,
                       versions=versions, current_version_id=p.current_version_id, text_excerpt=excerpt,
                       updated_by=names.get(p.updated_by_id or -1, ""))


def changed_meanwhile(session: Session, seen: Mapping[int, int], actor_id: int | None) -> list[ChangedMeanwhile]:
    """The pieces whose version is no longer the one seen: who changed each last and when
    (a purged piece is not among them: it is gone, which its own error says)."""
    out: list[ChangedMeanwhile] = []
    ids = list(seen)
    for chunk in _chunks(ids):
        rows = session.execute(sa_select(col(Piece.id), col(Piece.title), col(Piece.row_version),
                                         col(Piece.updated_at), col(Piece.updated_by_id), col(User.name))
                               .outerjoin(User, col(User.id) == col(Piece.updated_by_id))
                               .where(col(Piece.id).in_(chunk), col(Piece.status) != "purged"))
        for pid, title, version, at, by_id, name in rows:
            if version != seen[pid]:
                out.append(ChangedMeanwhile(int(pid), title, name or "", at,
                                            by_you=by_id is not None and by_id == actor_id))
    order = {pid: i for i, pid in enumerate(ids)}
    return sorted(out, key=lambda c: order[c.piece_id])


def row_versions(session: Session, piece_ids: Sequence[int]) -> dict[int, int]:
    """The current version of each piece."""
    out: dict[int, int] = {}
    for chunk in _chunks(list(piece_ids)):
        out.update({int(pid): int(v) for pid, v in session.execute(
            sa_select(col(Piece.id), col(Piece.row_version)).where(col(Piece.id).in_(chunk)))})
    return out


def set_tags(session: Session, piece_id: int, stage_ids: Iterable[int] | None = None,
             gate_ids: Iterable[int] | None = None, facet_value_ids: Iterable[int] | None = None) -> None:
    """Replace the piece's tags in the dimensions given (None leaves a dimension alone). Only
    the rows that differ are deleted or added: a bulk tag adds one tag to thousands of pieces,
    and deleting and adding back every tag they kept was most of its time (row by row
    through the session, which a team library's outbox watches)."""
    for table, column, wanted in ((PieceStage, "stage_id", stage_ids), (PieceGate, "gate_id", gate_ids),
                                  (PieceFacet, "facet_value_id", facet_value_ids)):
        if wanted is None:
            continue
        keep = dict.fromkeys(wanted)
        have = {getattr(row, column): row for row in session.exec(select(table).where(table.piece_id == piece_id))}
        for key, row in have.items():
            if key not in keep:
                session.delete(row)
        for key in keep:
            if key not in have:
                session.add(table(piece_id=piece_id, **{column: key}))


def piece_with_blob(session: Session, sha256: str) -> Piece | None:
    """The (non-purged) piece that holds these exact bytes in any of its versions."""
    return session.exec(select(Piece).join(PieceVersion, col(PieceVersion.piece_id) == col(Piece.id))
                        .where(PieceVersion.blob_sha256 == sha256).limit(1)).first()


def lock_blob(session: Session, sha256: str) -> None:
    """Serialise the writers adding a piece for these bytes, until the transaction ends.

    PostgreSQL: a transaction-level advisory lock keyed by the hash (a row lock would need
    UPDATE rights on blobs, which team logins do not have). SQLite: write transactions are
    already serial (BEGIN IMMEDIATE), so nothing to do."""
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(sha256[:15], 16)})


def all_piece_ids(session: Session, statuses: Iterable[str] | None = None) -> list[int]:
    query = select(col(Piece.id)).order_by(col(Piece.updated_at).desc(), col(Piece.id).desc())
    if statuses is not None:
        query = query.where(col(Piece.status).in_(list(statuses)))
    return [pid for pid in session.exec(query) if pid is not None]


def versions(session: Session, piece_id: int) -> list[PieceVersion]:
    """Every version row of a piece (text included)."""
    return list(session.exec(select(PieceVersion).where(PieceVersion.piece_id == piece_id)))


def current_files(session: Session, piece_ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
    """(piece id, title, SHA-256, size) of the current files of these pieces (links have none),
    in the order asked."""
    found: dict[int, tuple[int, str, str, int]] = {}
    for chunk in _chunks(list(piece_ids)):
        rows = session.exec(select(Piece.id, Piece.title, PieceVersion.blob_sha256, PieceVersion.size)
                            .join(PieceVersion, col(PieceVersion.id) == col(Piece.current_version_id))
                            .where(col(Piece.id).in_(chunk), col(PieceVersion.blob_sha256).is_not(None)))
        for pid, title, sha, size in rows:
            if pid is not None and sha:
                found[int(pid)] = (int(pid), str(title), str(sha), int(size or 0))
    return [found[pid] for pid in dict.fromkeys(piece_ids) if pid in found]


def blob_titles(session: Session) -> dict[str, str]:
    """Hash → title of every piece version's bytes already in the library."""
    rows = session.exec(select(PieceVersion.blob_sha256, Piece.title)
                        .join(Piece, col(Piece.id) == PieceVersion.piece_id)
                        .where(col(PieceVersion.blob_sha256).is_not(None)))
    return {sha: title for sha, title in rows if sha}


def current_versions(session: Session) -> dict[int, int | None]:
    """Every piece's current version id."""
    return {pid: vid for pid, vid in session.exec(select(Piece.id, Piece.current_version_id)) if pid is not None}


def review_queue_ids(session: Session) -> list[int]:
    """Rep-made submissions waiting for marketing, oldest first."""
    return [pid for pid in session.exec(select(col(Piece.id)).where(Piece.review_state == ReviewState.PENDING)
                                        .order_by(col(Piece.created_at))) if pid is not None]


def submission_ids_by(session: Session, user_id: int) -> list[int]:
    """A rep's own submissions, newest first."""
    query = (select(col(Piece.id)).where(Piece.created_by_id == user_id, Piece.source == Source.REP)
             .order_by(col(Piece.created_at).desc()))
    return [pid for pid in session.exec(query) if pid is not None]


def stage_ids(session: Session, piece_id: int) -> list[int]:
    return list(session.exec(select(PieceStage.stage_id).where(PieceStage.piece_id == piece_id)))


def gate_ids(session: Session, piece_id: int) -> list[int]:
    return list(session.exec(select(PieceGate.gate_id).where(PieceGate.piece_id == piece_id)))


def facet_value_ids(session: Session, piece_id: int) -> list[int]:
    return list(session.exec(select(PieceFacet.facet_value_id).where(PieceFacet.piece_id == piece_id)))


def erase(session: Session, piece_id: int) -> set[str]:
    """Purge a piece's content, keeping a tombstone row (usage history stays consistent):
    tags and kit items go, version text and file names are blanked. Returns the blob hashes
    no other version uses any more (their rows are deleted; the caller removes the files).
    The versions' renditions (their pages drawn as PDFs) go too."""
    from enablement.models.tables import Blob, KitItem, Rendition

    rows = versions(session, piece_id)
    hashes: set[str] = set()
    for v in rows:
        if v.blob_sha256:
            hashes.add(v.blob_sha256)
    for drawn in session.exec(select(Rendition).where(Rendition.piece_id == piece_id)):
        if drawn.blob_sha256:
            hashes.add(drawn.blob_sha256)
        session.delete(drawn)
    tag_rows = [*session.exec(select(PieceStage).where(PieceStage.piece_id == piece_id)),
                *session.exec(select(PieceGate).where(PieceGate.piece_id == piece_id)),
                *session.exec(select(PieceFacet).where(PieceFacet.piece_id == piece_id)),
                *session.exec(select(KitItem).where(KitItem.piece_id == piece_id))]
    for row in tag_rows:
        session.delete(row)
    for v in rows:
        v.text, v.blob_sha256, v.original_name, v.doc_title, v.doc_author = "", None, "", "", ""
    session.flush()
    still_used = {sha for sha in session.exec(select(PieceVersion.blob_sha256)
                                             .where(col(PieceVersion.blob_sha256).in_(list(hashes)))) if sha}
    still_used |= {sha for sha in session.exec(select(Rendition.blob_sha256)
                                               .where(col(Rendition.blob_sha256).in_(list(hashes)))) if sha}
    orphaned = hashes - still_used
    for sha in orphaned:
        blob = session.get(Blob, sha)
        if blob is not None:
            session.delete(blob)
    return orphaned


# --- orders the library can be sorted in (the search keeps the matching ones in this order) ---

ORDER_KEYS = ("title", "updated", "owner", "type", "stage", "gate", "review", "helpful")


def _helpful_query() -> Any:
    helped = func.sum(case((col(UsageEvent.helpful) == True, 1), else_=0))  # noqa: E712
    return (sa_select(col(UsageEvent.piece_id), helped, func.count())
            .where(col(UsageEvent.helpful).is_not(None), col(UsageEvent.piece_id).is_not(None))
            .group_by(col(UsageEvent.piece_id)))


# Built once: building the statement cost more than running it for a page of search results.
_HELPFUL_OF: Any = _helpful_query().where(col(UsageEvent.piece_id).in_(bindparam("ids", expanding=True)))


def helpful_shares(session: Session, piece_ids: Sequence[int] | None = None) -> dict[int, tuple[int, int]]:
    """piece id → (answers "it helped", all answers to "did it help?") of the feedback this
    session may read; pieces nobody answered for are left out."""
    if piece_ids is None:
        return {int(pid): (int(yes), int(n)) for pid, yes, n in session.execute(_helpful_query())}
    out: dict[int, tuple[int, int]] = {}
    connection = session.connection()
    for chunk in _chunks(piece_ids):
        out.update({int(pid): (int(yes), int(n))
                    for pid, yes, n in connection.execute(_HELPFUL_OF, {"ids": list(chunk)})})
    return out


def ordered_ids(session: Session, key: str, descending: bool = False) -> list[int]:
    """Every piece's id (purged ones left out) sorted by ``key`` (one of ``ORDER_KEYS``), in
    one query: pieces without a value (no owner, no stage, never rated) come last either way,
    ties by id. Stages and gates sort by their place on the journey (a piece by its earliest)."""
    if key not in ORDER_KEYS:
        raise ValueError(f"cannot order pieces by {key!r}")
    query = sa_select(col(Piece.id)).where(col(Piece.status) != "purged")
    value: object
    if key == "title":
        value = func.lower(col(Piece.title))
    elif key == "updated":
        value = col(Piece.updated_at)
    elif key == "owner":
        value = func.nullif(func.lower(col(Piece.owner)), "")
    elif key == "type":  # what the piece is ("Case study"), else its file type
        kinds = (sa_select(col(PieceFacet.piece_id), func.min(func.lower(col(FacetValue.label))).label("v"))
                 .join(FacetValue, col(FacetValue.id) == col(PieceFacet.facet_value_id))
                 .where(col(FacetValue.facet) == "content_type").group_by(col(PieceFacet.piece_id)).subquery())
        query = (query.outerjoin(PieceVersion, col(PieceVersion.id) == col(Piece.current_version_id))
                 .outerjoin(kinds, kinds.c.piece_id == col(Piece.id)))
        value = func.coalesce(kinds.c.v, func.nullif(col(PieceVersion.file_type), ""), col(Piece.kind))
    elif key == "review":
        value = col(Piece.review_by)
    elif key == "stage":
        first = (sa_select(col(PieceStage.piece_id), func.min(col(Stage.position)).label("v"))
                 .join(Stage, col(Stage.id) == col(PieceStage.stage_id)).group_by(col(PieceStage.piece_id)).subquery())
        query = query.outerjoin(first, first.c.piece_id == col(Piece.id))
        value = first.c.v
    elif key == "gate":
        first = (sa_select(col(PieceGate.piece_id), func.min(col(Stage.position) * 1000 + col(Gate.position)).label("v"))
                 .join(Gate, col(Gate.id) == col(PieceGate.gate_id)).join(Stage, col(Stage.id) == col(Gate.stage_id))
                 .group_by(col(PieceGate.piece_id)).subquery())
        query = query.outerjoin(first, first.c.piece_id == col(Piece.id))
        value = first.c.v
    else:  # helpful: the share of "it helped" answers
        helped = func.sum(case((col(UsageEvent.helpful) == True, 1.0), else_=0.0))  # noqa: E712
        share = (sa_select(col(UsageEvent.piece_id), (helped / func.count()).label("v"))
                 .where(col(UsageEvent.helpful).is_not(None), col(UsageEvent.piece_id).is_not(None))
                 .group_by(col(UsageEvent.piece_id)).subquery())
        query = query.outerjoin(share, share.c.piece_id == col(Piece.id))
        value = share.c.v
    sort = value.desc() if descending else value
    query = query.order_by(case((value.is_(None), 1), else_=0), sort,
                           col(Piece.id).desc() if descending else col(Piece.id))
    return [int(pid) for (pid,) in session.execute(query)]

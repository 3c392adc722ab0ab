"""Pieces: metadata, tags, the publish/archive life cycle, rep-made submissions, purge."""

from __future__ import annotations

import builtins
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Iterable, Iterator, Mapping, Sequence

from sqlmodel import Session

from enablement.errors import Conflict, EditConflict, FileNotHere, InvalidInput, NotFound, PermissionDenied
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, PieceDetail, PieceState, PieceSummary, TagSelection, TaxonomyInfo
from enablement.models.tables import Piece, PieceVersion, stored_id, utcnow
from enablement.models.vocab import FACETS, ReviewState, Role, Source, Status
from enablement.services.conflicts import checked_write
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, PublishPlan, can, plan_publish, publish_check, require
from enablement.services.titles import BY_HAND, title_source
from enablement.storage import pieces_repo
from enablement.storage.source import UnitOfWork

PURGED = "purged"


def piece_changes(*ids: int) -> Changes:
    return Changes(pieces=True, index=True, piece_ids=frozenset(ids))


class PieceService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    # --- reading ------------------------------------------------------------------------------
    def list(self, statuses: Iterable[str] | None = (Status.DRAFT, Status.PUBLISHED)) -> builtins.list[PieceSummary]:
        """Pieces newest first (purged tombstones never appear)."""
        wanted = [s for s in (statuses or (Status.DRAFT, Status.PUBLISHED, Status.ARCHIVED)) if s != PURGED]
        with self.ctx.read() as s:
            ids = pieces_repo.all_piece_ids(s, wanted)
            return pieces_repo.summaries(s, ids, self.ctx.today())

    def summaries(self, piece_ids: Sequence[int],
                  uses: Mapping[int, int] | None = None) -> builtins.list[PieceSummary]:
        """Summaries in the order of ``piece_ids``; ``uses``: every piece's current use count
        when the caller keeps them (search does), so they are not counted again."""
        with self.ctx.read() as s:
            return pieces_repo.summaries(s, piece_ids, self.ctx.today(), uses)

    def get(self, piece_id: int) -> PieceDetail:
        with self.ctx.read() as s:
            found = pieces_repo.detail(s, piece_id, self.ctx.today())
        if found is None or found.summary.status == PURGED:
            raise NotFound(f"No piece with id {piece_id}.")
        first = found.versions[-1] if found.versions else None  # newest first: the last is the first import
        source = title_source(found.title, first.doc_title, first.original_name) if first else BY_HAND
        return replace(found, title_source=source)

    def review_queue(self) -> builtins.list[PieceSummary]:
        """Rep-made submissions waiting for marketing."""
        with self.ctx.read() as s:
            ids = pieces_repo.review_queue_ids(s)
            return pieces_repo.summaries(s, ids, self.ctx.today())

    def submissions_by(self, user_id: int) -> builtins.list[PieceSummary]:
        """A rep's own submissions and what happened to them."""
        with self.ctx.read() as s:
            ids = pieces_repo.submission_ids_by(s, user_id)
            return pieces_repo.summaries(s, ids, self.ctx.today())

    def submission_details(self, user_id: int) -> builtins.list[PieceDetail]:
        """``submissions_by`` with each piece's whole detail (review notes), in one read."""
        with self.ctx.read() as s:
            details = [pieces_repo.detail(s, pid, self.ctx.today()) for pid in pieces_repo.submission_ids_by(s, user_id)]
        return [d for d in details if d is not None and d.summary.status != PURGED]

    def version_file(self, piece_id: int, version_id: int | None = None) -> tuple[str, str, str]:
        """(blob path, original name, file type) of the current or a given version."""
        with self.ctx.read() as s:
            piece = s.get(Piece, piece_id)
            if piece is None or piece.status == PURGED:
                raise NotFound(f"No piece with id {piece_id}.")
            vid = version_id or piece.current_version_id
            version = s.get(PieceVersion, vid) if vid else None
            if version is None or version.piece_id != piece_id or not version.blob_sha256:
                raise NotFound(f"'{piece.title}' has no file (it is a link).")
            title, sha, name, file_type = piece.title, version.blob_sha256, version.original_name, version.file_type
        try:
            return str(self.ctx.blobs.local_path(sha)), name, file_type
        except FileNotHere:
            raise FileNotHere(f"The file of '{title}' is not on this laptop and the team server cannot be reached; "
                              "it will be downloaded at the next sync.") from None

    # --- editing ------------------------------------------------------------------------------
    def update(self, actor: Actor, piece_id: int, *, title: str | None = None,
               description: str | None = None, owner: str | None = None,
               review_by: date | None | str = "keep", url: str | None = None,
               expires_on: date | None | str = "keep", tags: TagSelection | None = None,
               add_tags: bool = False, seen: int | None = None) -> Done[int]:
        """Edit metadata, and with ``tags`` replace the tags too (``add_tags``: add them to the
        piece's), in one transaction (the editor's Save). ``review_by`` and ``expires_on`` take
        a date, None (clear) or "keep".
        ``seen``: the piece's ``row_version`` when the editor read it; if anyone changed the
        piece since, nothing is saved and ``EditConflict`` says who and when. Returns the
        piece's version after the edit."""
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._editable(s, actor, piece_id)
            if tags is not None:
                self.apply_tags_in(s, piece, _merged(self.ctx.taxonomy(), s, piece_id, tags) if add_tags else tags)
            if title is not None:
                if not title.strip():
                    raise InvalidInput("A piece needs a title.")
                piece.title = title.strip()[:300]
            if description is not None:
                piece.description = description
            if owner is not None:
                piece.owner = owner.strip()[:120]
            if not isinstance(review_by, str):  # a date, or None to clear it; "keep" leaves it
                piece.review_by = review_by
            if not isinstance(expires_on, str):  # likewise
                piece.expires_on = expires_on
            if url is not None:
                if piece.kind != "link":
                    raise InvalidInput("Only a link has a URL.")
                piece.url = _check_url(url)
            _touch(piece, actor)
            s.flush()
            version = piece.row_version  # what the editor carries as ``seen`` for its next save
            w.record(piece_changes(piece_id))
        return Done(version, w.changes)

    def bulk_update(self, actor: Actor, piece_ids: Sequence[int], *, owner: str | None = None,
                    review_by: date | None | str = "keep", seen: Mapping[int, int] | None = None) -> Done[int]:
        """Set the owner and/or the review date of many pieces in one transaction (``None``
        owner and "keep" leave them as they are). ``seen``: piece id → the version the user
        saw; if any of them changed since, none is changed (``EditConflict`` names them)."""
        with self._edit(actor, seen, len(piece_ids)) as w:
            s = w.session
            for pid in piece_ids:
                piece = self._editable(s, actor, pid)
                if owner is not None:
                    piece.owner = owner.strip()[:120]
                if not isinstance(review_by, str):  # a date, or None to clear it; "keep" leaves it
                    piece.review_by = review_by
                _touch(piece, actor)
            w.record(piece_changes(*piece_ids))
        return Done(len(piece_ids), w.changes)

    def set_tags(self, actor: Actor, piece_id: int, tags: TagSelection, seen: int | None = None) -> Done[None]:
        """Replace tags; a gate also tags its stage, so the map never shows a gate orphaned."""
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._editable(s, actor, piece_id)
            self.apply_tags_in(s, piece, tags)
            _touch(piece, actor)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def bulk_set_tags(self, actor: Actor, piece_ids: Sequence[int], tags: TagSelection,
                      add_only: bool = True, *, owner: str | None = None,
                      review_by: date | None | str = "keep", seen: Mapping[int, int] | None = None) -> Done[int]:
        """Tag many pieces at once, and set their owner and review date when given, in one
        transaction (the import dialog's Apply). With ``add_only`` the given tags are added
        to each piece; ``None`` owner and "keep" leave those as they are. ``seen`` as for
        ``bulk_update``: one piece changed meanwhile and none is tagged."""
        with self._edit(actor, seen, len(piece_ids)) as w:
            s = w.session
            for pid in piece_ids:
                piece = self._editable(s, actor, pid)
                selection = tags
                if add_only:
                    selection = _merged(self.ctx.taxonomy(), s, pid, tags)
                self.apply_tags_in(s, piece, selection)
                if owner is not None:
                    piece.owner = owner.strip()[:120]
                if not isinstance(review_by, str):  # a date, or None to clear it; "keep" leaves it
                    piece.review_by = review_by
                _touch(piece, actor)
            w.record(piece_changes(*piece_ids))
        return Done(len(piece_ids), w.changes)

    def apply_tags_in(self, s: Session, piece: Piece, tags: TagSelection) -> None:
        """Validate and set tags inside the caller's open write session (imports use it so a
        file's rows and tags land in one transaction)."""
        taxonomy = self.ctx.taxonomy()
        stages = list(tags.stages) if tags.stages is not None else None
        if tags.gates is not None:
            for gid in tags.gates:
                gate = taxonomy.gate(gid)
                if gate is None:
                    raise InvalidInput(f"No gate with id {gid}.")
                if stages is None:
                    stages = list(pieces_repo.stage_ids(s, stored_id(piece.id)))
                if gate.stage_id not in stages:
                    stages.append(gate.stage_id)
        if stages is not None:
            for sid in stages:
                if taxonomy.stage(sid) is None:
                    raise InvalidInput(f"No stage with id {sid}.")
        facet_ids = None
        if tags.facets is not None:
            valid = {v.id: facet for facet, values in taxonomy.facets.items() for v in values}
            for facet, ids in tags.facets.items():
                if facet not in FACETS:
                    raise InvalidInput(f"Unknown facet '{facet}'.")
                for vid in ids:
                    if valid.get(vid) != facet:
                        raise InvalidInput(f"Value {vid} is not a {facet}.")
            keep = [vid for vid in pieces_repo.facet_value_ids(s, stored_id(piece.id)) if valid.get(vid) not in tags.facets]
            facet_ids = keep + [vid for ids in tags.facets.values() for vid in ids]
        pieces_repo.set_tags(s, stored_id(piece.id), stages, tags.gates, facet_ids)

    def publish(self, actor: Actor, piece_id: int, force: bool = False, seen: int | None = None) -> Done[None]:
        """Publish a piece that carries the library's required fields (``force``: an admin
        publishes it without them). ``seen``: publish it only as the user saw it."""
        require(actor, Permission.PUBLISH)
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._row(s, piece_id)
            if piece.status == Status.PUBLISHED:
                return Done(None, Changes())
            self._publish_in(s, actor, piece, force)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def tag_and_publish(self, actor: Actor, piece_id: int, *, tags: TagSelection, owner: str,
                        review_by: date | None, seen: int | None = None) -> Done[None]:
        """Marketing's review of a draft (a rep-made piece) in one step and one transaction:
        its tags, owner and review date set, then published. When it would still lack the
        library's required fields, nothing is saved and ``NotReadyToPublish`` names them."""
        require(actor, Permission.PUBLISH)
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._editable(s, actor, piece_id)
            self.apply_tags_in(s, piece, tags)
            piece.owner = owner.strip()[:120]
            piece.review_by = review_by
            s.flush()
            self._publish_in(s, actor, piece, False)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def publish_plan(self, piece_ids: Sequence[int]) -> PublishPlan:
        """What publishing these pieces would do: ready, skipped (and why), already published."""
        return plan_publish(self.summaries(piece_ids), self.ctx.settings.publish_requires)

    def publish_many(self, actor: Actor, piece_ids: Sequence[int],
                     seen: Mapping[int, int] | None = None) -> Done[PublishPlan]:
        """Publish the pieces that are ready, in one transaction; the rest are skipped with the
        fields they lack. Returns the plan as it was carried out. ``seen`` as for ``bulk_update``."""
        require(actor, Permission.PUBLISH)
        required = self.ctx.settings.publish_requires
        with self._edit(actor, seen, len(piece_ids)) as w:
            s = w.session
            plan = plan_publish(pieces_repo.summaries(s, piece_ids, self.ctx.today()), required)
            for summary in plan.ready:
                self._publish_in(s, actor, self._row(s, summary.id), False)
            if plan.ready:
                w.record(piece_changes(*(p.id for p in plan.ready)))
        return Done(plan, w.changes)

    def _publish_in(self, s: Session, actor: Actor, piece: Piece, force: bool) -> None:
        pid = stored_id(piece.id)
        summary = pieces_repo.summaries(s, [pid], self.ctx.today())[0]
        publish_check(actor, summary, self.ctx.settings.publish_requires, force)
        piece.status = Status.PUBLISHED
        piece.published_at = piece.published_at or utcnow()
        if piece.review_state == ReviewState.PENDING:
            piece.review_state = ReviewState.PUBLISHED
        if piece.review_by is None:  # not required by this library: the usual period applies
            piece.review_by = date.fromordinal(self.ctx.today().toordinal() + self.ctx.settings.review_period_days)
        _touch(piece, actor)

    def expire_due(self, actor: Actor) -> Done[int]:
        """Archive the pieces whose expiry date has come, when the library's ``expiry_action`` is
        "archive" (with "flag" they stay, shown as expired). Returns how many were archived."""
        if self.ctx.settings.expiry_action != "archive":
            return Done(0, Changes())
        require(actor, Permission.EDIT_PIECES)
        with self.ctx.write() as w:
            s = w.session
            due = pieces_repo.expired_ids(s, self.ctx.today())
            for pid in due:
                piece = self._row(s, pid)
                piece.status = Status.ARCHIVED
                _touch(piece, actor)
            if due:
                w.record(piece_changes(*due))
        return Done(len(due), w.changes)

    def archive(self, actor: Actor, piece_id: int, seen: int | None = None) -> Done[None]:
        """Archive (the only "delete" short of an admin's purge)."""
        require(actor, Permission.EDIT_PIECES)
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._row(s, piece_id)
            piece.status = Status.ARCHIVED
            _touch(piece, actor)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def restore(self, actor: Actor, piece_id: int, seen: int | None = None) -> Done[None]:
        """Bring an archived piece back: published again if it had been published."""
        require(actor, Permission.EDIT_PIECES)
        with self._edit(actor, _one(piece_id, seen)) as w:
            s = w.session
            piece = self._row(s, piece_id)
            if piece.status != Status.ARCHIVED:
                raise Conflict(f"'{piece.title}' is not archived.")
            piece.status = Status.PUBLISHED if piece.published_at else Status.DRAFT
            _touch(piece, actor)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def decline_submission(self, actor: Actor, piece_id: int, reason: str) -> Done[None]:
        """Turn down a rep-made piece with a reason the rep will see."""
        require(actor, Permission.PUBLISH)
        if not reason.strip():
            raise InvalidInput("Say why the piece is declined; the rep will see it.")
        with self.ctx.write() as w:
            s = w.session
            piece = self._row(s, piece_id)
            if piece.review_state != ReviewState.PENDING:
                raise Conflict(f"'{piece.title}' is not waiting for review.")
            piece.review_state = ReviewState.DECLINED
            piece.review_note = reason.strip()
            piece.status = Status.ARCHIVED
            _touch(piece, actor)
            w.record(piece_changes(piece_id))
        return Done(None, w.changes)

    def merge_submission(self, actor: Actor, piece_id: int, into_piece_id: int) -> Done[int]:
        """Adopt a rep-made piece as the new version of an official one."""
        require(actor, Permission.PUBLISH)
        with self.ctx.write() as w:
            s = w.session
            sub = self._row(s, piece_id)
            target = self._row(s, into_piece_id)
            if sub.review_state != ReviewState.PENDING:
                raise Conflict(f"'{sub.title}' is not waiting for review.")
            version = s.get(PieceVersion, sub.current_version_id) if sub.current_version_id else None
            if version is None or not version.blob_sha256:
                raise Conflict("Only a submission with a file can become a new version.")
            last = max(v.number for v in pieces_repo.versions(s, into_piece_id))
            new = PieceVersion(piece_id=into_piece_id, number=last + 1, blob_sha256=version.blob_sha256,
                               original_name=version.original_name, file_type=version.file_type,
                               size=version.size, page_count=version.page_count, doc_title=version.doc_title,
                               doc_author=version.doc_author, text=version.text, outcome=version.outcome,
                               outcome_detail=version.outcome_detail,
                               note=f"Adopted from {sub.title!r} (rep-made)", created_by_id=actor.user_id)
            s.add(new)
            s.flush()
            target.current_version_id = new.id
            _touch(target, actor)
            sub.review_state = ReviewState.MERGED
            sub.merged_into_id = target.id
            sub.status = Status.ARCHIVED
            sub.review_note = f"Merged into '{target.title}' as version {new.number}."
            _touch(sub, actor)
            version_id = stored_id(new.id)
            w.record(piece_changes(piece_id, into_piece_id))
        return Done(version_id, w.changes)

    def purge(self, actor: Actor, piece_id: int) -> Done[None]:
        """Admin only: erase a piece's content for good. A tombstone row keeps the usage
        history consistent (usage events are never deleted); blobs no other piece uses go."""
        if actor.role != Role.ADMIN:
            raise PermissionDenied(f"{actor.name} ({actor.role}) may not purge pieces; only an admin may.")
        with self.ctx.write() as w:
            s = w.session
            piece = self._row(s, piece_id)
            piece.title, piece.description, piece.url, piece.status = "(purged)", "", "", PURGED
            _touch(piece, actor)
            orphaned = pieces_repo.erase(s, piece_id)
            w.record(piece_changes(piece_id))
        for sha in orphaned:
            self.ctx.blobs.remove(sha)
        return Done(None, w.changes)

    # --- undo ---------------------------------------------------------------------------------
    def states(self, piece_ids: Sequence[int]) -> tuple[PieceState, ...]:
        """What each piece is now (metadata, status, tags), to be put back by ``put_back``."""
        with self.ctx.read() as s:
            out = []
            for pid in dict.fromkeys(piece_ids):
                piece = self._row(s, pid)
                out.append(PieceState(pid, piece.title, piece.description, piece.owner, piece.review_by,
                                      piece.expires_on, piece.url,
                                      piece.status, piece.published_at, piece.review_state, piece.review_note,
                                      tuple(sorted(pieces_repo.stage_ids(s, pid))),
                                      tuple(sorted(pieces_repo.gate_ids(s, pid))),
                                      tuple(sorted(pieces_repo.facet_value_ids(s, pid)))))
            return tuple(out)

    def put_back(self, actor: Actor, states: Sequence[PieceState],
                 seen: Mapping[int, int] | None = None) -> Done[int]:
        """Undo: return pieces to states taken by ``states`` before a change, in one transaction.
        Changing whether a piece is published needs the right to publish. ``seen``: the
        versions the change left; a piece someone changed after it is not put back (none is)."""
        require(actor, Permission.EDIT_PIECES)
        with self._edit(actor, seen, len(states)) as w:
            s = w.session
            for state in states:
                piece = self._row(s, state.piece_id)
                if piece.status != state.status and Status.PUBLISHED in (piece.status, state.status):
                    require(actor, Permission.PUBLISH)
                piece.title, piece.description, piece.owner = state.title, state.description, state.owner
                piece.review_by, piece.url, piece.status = state.review_by, state.url, state.status
                piece.expires_on = state.expires_on
                piece.published_at, piece.review_state = state.published_at, state.review_state
                piece.review_note = state.review_note
                pieces_repo.set_tags(s, state.piece_id, state.stage_ids, state.gate_ids, state.facet_value_ids)
                _touch(piece, actor)
            w.record(piece_changes(*(state.piece_id for state in states)))
        return Done(len(states), w.changes)

    def versions_of(self, piece_ids: Sequence[int]) -> dict[int, int]:
        """Each piece's current ``row_version`` (what an edit made now would carry as ``seen``)."""
        with self.ctx.read() as s:
            return pieces_repo.row_versions(s, piece_ids)

    # --- helpers ------------------------------------------------------------------------------
    @contextmanager
    def _edit(self, actor: Actor, seen: Mapping[int, int] | None, of: int = 1) -> Iterator[UnitOfWork]:
        """A write of pieces that overwrites nobody: with ``seen`` (piece id → the version the
        user read), a piece changed since refuses the whole write, naming who changed it and
        when. Without ``seen`` the write still never lands on a row that changed between this
        transaction's read and its UPDATE (the version counter); that clash is refused too."""
        expected = {pid: v for pid, v in (seen or {}).items() if v}
        with checked_write(self.ctx, bool(expected),
                           lambda s: pieces_repo.changed_meanwhile(s, expected, actor.user_id), of) as w:
            yield w

    def _row(self, s: Session, piece_id: int) -> Piece:
        piece = s.get(Piece, piece_id)
        if piece is None or piece.status == PURGED:
            raise NotFound(f"No piece with id {piece_id}.")
        return piece

    def _editable(self, s: Session, actor: Actor, piece_id: int) -> Piece:
        """Marketing edits anything; a rep only their own pending submission."""
        piece = self._row(s, piece_id)
        if can(actor, Permission.EDIT_PIECES):
            return piece
        if (piece.source == Source.REP and piece.created_by_id == actor.user_id
                and piece.review_state == ReviewState.PENDING):
            return piece
        raise PermissionDenied(f"{actor.name} ({actor.role}) may not edit pieces.")


def _one(piece_id: int, seen: int | None) -> dict[int, int] | None:
    return None if seen is None else {piece_id: seen}


def _touch(piece: Piece, actor: Actor) -> None:
    """The piece changed now, by ``actor`` (a team server sets the person from the login)."""
    piece.updated_at = utcnow()
    piece.updated_by_id = actor.user_id


def _merged(taxonomy: TaxonomyInfo, s: Session, piece_id: int, tags: TagSelection) -> TagSelection:
    """The piece's current tags plus ``tags`` (for bulk add)."""
    stages = set(pieces_repo.stage_ids(s, piece_id)) | set(tags.stages or ())
    gates = set(pieces_repo.gate_ids(s, piece_id)) | set(tags.gates or ())
    facets = None
    if tags.facets is not None:
        current = set(pieces_repo.facet_value_ids(s, piece_id))
        facets = {}
        for facet, ids in tags.facets.items():
            mine = {v.id for v in taxonomy.facets.get(facet, ())} & current
            facets[facet] = sorted(mine | set(ids))
    return TagSelection(sorted(stages), sorted(gates), facets)


def _check_url(url: str) -> str:
    url = url.strip()
    if not url.lower().startswith(("https://", "http://")):
        raise InvalidInput("A link must start with http:// or https://.")
    if len(url) > 2000:
        raise InvalidInput("That link is longer than 2,000 characters.")
    return url

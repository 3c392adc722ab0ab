"""Usage events: append-only, identified by a client-made UUID so a retry never double-counts.

No code path updates or deletes a usage event.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Sequence

from sqlalchemy.exc import IntegrityError

from enablement.errors import InvalidInput, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, UseRecord
from enablement.models.tables import Gate, Piece, SearchLog, Stage, UsageEvent, utcnow
from enablement.models.vocab import UsageKind
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.storage import usage_repo, users_repo
from enablement.storage.source import retrying

KINDS = tuple(k.value for k in UsageKind)
SEARCHES_CHANGED = Changes(searches=True)


class UsageService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def record(self, actor: Actor, use: UseRecord, *, is_demo: bool = False) -> Done[bool]:
        """Store one use; returns False (and stores nothing) when that id was stored before."""
        require(actor, Permission.LOG_USE)
        if use.kind not in KINDS:
            raise InvalidInput(f"Unknown use '{use.kind}'; uses are: {', '.join(KINDS)}.")
        try:
            uuid.UUID(use.id)
        except ValueError as exc:
            raise InvalidInput(f"A use id must be a UUID, not {use.id!r}.") from exc
        if use.kind == UsageKind.FEEDBACK and use.helpful is None:
            raise InvalidInput("Feedback needs an answer to 'did it help?'.")
        try:
            # Idempotent by its id, so a transaction the server aborted is simply run again.
            for attempt in retrying():
                with attempt, self.ctx.queue() as w:
                    s = w.session
                    if s.get(UsageEvent, use.id) is not None:
                        return Done(False, Changes())
                    version_id = use.version_id
                    if use.piece_id is not None:
                        piece = s.get(Piece, use.piece_id)
                        if piece is None:
                            raise NotFound(f"No piece with id {use.piece_id}.")
                        version_id = version_id or piece.current_version_id
                    if use.deal_stage_id is not None and s.get(Stage, use.deal_stage_id) is None:
                        raise InvalidInput(f"No stage with id {use.deal_stage_id}.")
                    if use.gate_id is not None and s.get(Gate, use.gate_id) is None:
                        raise InvalidInput(f"No gate with id {use.gate_id}.")
                    s.add(UsageEvent(id=use.id, kind=use.kind, user_id=actor.user_id, piece_id=use.piece_id,
                                     version_id=version_id, occurred_at=use.occurred_at or utcnow(),
                                     account=use.account[:200], deal_stage_id=use.deal_stage_id,
                                     gate_id=use.gate_id, helpful=use.helpful, comment=use.comment[:4000],
                                     kit_id=use.kit_id, is_demo=is_demo))
                    w.record(Changes(usage=True, piece_ids=frozenset({use.piece_id} if use.piece_id else ()),
                                     uses=((use.piece_id, use.kind),)))
        except IntegrityError:
            # Two writers raced with the same id: the other one stored it.
            return Done(False, Changes())
        return Done(True, w.changes)

    def record_many(self, actor: Actor, uses: Sequence[UseRecord]) -> Done[int]:
        """Store several uses in one call (a use and the rep's feedback on it); returns how many
        were new. Each use keeps its client-made id, so a retry of the whole call stores none twice."""
        stored, changes = 0, Changes()
        for use in uses:
            done = self.record(actor, use)
            stored += int(done.value)
            changes = changes | done.changes
        return Done(stored, changes)

    def history(self, piece_id: int, limit: int = 200) -> list[dict]:
        """Recent uses of a piece (newest first) for the piece page."""
        with self.ctx.read() as s:
            names = users_repo.names_by_id(s)
            return [{"id": e.id, "kind": e.kind, "user": names.get(e.user_id, ""), "at": e.occurred_at,
                     "account": e.account, "helpful": e.helpful, "comment": e.comment}
                    for e in usage_repo.recent_uses(s, piece_id, limit)]

    def piece_stats(self, piece_id: int) -> dict[str, object]:
        """Counts by kind, distinct users, helpful ratio and last use of one piece."""
        with self.ctx.read() as s:
            return usage_repo.piece_use_counts(s, piece_id)

    def log_search(self, actor: Actor, query: str, filters: str, result_count: int,
                   shown_piece_ids: list[int], search_id: str | None = None,
                   occurred_at: datetime | None = None, is_demo: bool = False) -> Done[str]:
        """Record a search (the raw data of the search-gap report); its id."""
        search_id = search_id or str(uuid.uuid4())
        with self.ctx.queue() as w:
            s = w.session
            if s.get(SearchLog, search_id) is None:
                w.record(SEARCHES_CHANGED)
                s.add(SearchLog(id=search_id, user_id=actor.user_id, query=query[:500], filters=filters[:1000],
                                result_count=result_count, shown_piece_ids=",".join(map(str, shown_piece_ids[:50])),
                                occurred_at=occurred_at or utcnow(), is_demo=is_demo))
        return Done(search_id, w.changes)

    def search_opened(self, search_id: str, piece_id: int) -> Done[None]:
        """Note which result a search led to (the first opened result is kept)."""
        with self.ctx.queue() as w:
            s = w.session
            row = s.get(SearchLog, search_id)
            if row is not None and row.opened_piece_id is None:
                w.record(SEARCHES_CHANGED)
                row.opened_piece_id = piece_id
        return Done(None, w.changes)

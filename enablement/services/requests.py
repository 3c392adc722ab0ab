"""Content requests: a rep asks for what is missing instead of making it; marketing
fulfils the request with a piece (the requester sees it) or declines with a reason."""

from __future__ import annotations

import builtins
from datetime import date

from sqlmodel import Session

from enablement.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done, RequestInfo
from enablement.models.tables import ContentRequest, Piece, stored_id, utcnow
from enablement.models.vocab import RequestStatus
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, can, require
from enablement.storage import requests_repo, users_repo

REQUEST_CHANGED = Changes(requests=True)


class RequestService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def create(self, actor: Actor, title: str, need: str = "", *, stage_id: int | None = None,
               gate_id: int | None = None, persona_id: int | None = None, industry_id: int | None = None,
               account: str = "", due: date | None = None) -> Done[int]:
        require(actor, Permission.REQUEST)
        if not title.strip():
            raise InvalidInput("Say in a few words what piece you need.")
        taxonomy = self.ctx.taxonomy()
        if gate_id is not None:
            gate = taxonomy.gate(gate_id)
            if gate is None:
                raise InvalidInput(f"No gate with id {gate_id}.")
            stage_id = stage_id or gate.stage_id
        if stage_id is not None and taxonomy.stage(stage_id) is None:
            raise InvalidInput(f"No stage with id {stage_id}.")
        for value_id, facet in ((persona_id, "persona"), (industry_id, "industry")):
            if value_id is not None and value_id not in {v.id for v in taxonomy.facets.get(facet, ())}:
                raise InvalidInput(f"No {facet} with id {value_id}.")
        with self.ctx.queue() as w:
            s = w.session
            w.record(REQUEST_CHANGED)
            row = ContentRequest(requester_id=actor.user_id, title=title.strip()[:300], need=need,
                                 stage_id=stage_id, gate_id=gate_id, persona_id=persona_id,
                                 industry_id=industry_id, account=account.strip()[:200], due=due)
            s.add(row)
            s.flush()
            request_id = stored_id(row.id)
        return Done(request_id, REQUEST_CHANGED)

    def list(self, actor: Actor, statuses: tuple[str, ...] | None = None, mine: bool = False) -> builtins.list[RequestInfo]:
        """Marketing sees every request; a rep (or ``mine``) sees their own."""
        with self.ctx.read() as s:
            own = mine or not can(actor, Permission.TRIAGE_REQUESTS) and not can(actor, Permission.VIEW_REPORTS)
            rows = requests_repo.requests(s, actor.user_id if own else None, statuses)
            return self._infos(s, rows)

    def get(self, request_id: int) -> RequestInfo:
        with self.ctx.read() as s:
            row = s.get(ContentRequest, request_id)
            if row is None:
                raise NotFound(f"No request with id {request_id}.")
            return self._infos(s, [row])[0]

    def start(self, actor: Actor, request_id: int) -> Done[None]:
        """Marketing has picked the request up."""
        require(actor, Permission.TRIAGE_REQUESTS)
        with self.ctx.write() as w:
            s = w.session
            w.record(REQUEST_CHANGED)
            row = self._open(s, request_id)
            row.status = RequestStatus.IN_PROGRESS
        return Done(None, REQUEST_CHANGED)

    def fulfil(self, actor: Actor, request_id: int, piece_id: int) -> Done[None]:
        require(actor, Permission.TRIAGE_REQUESTS)
        with self.ctx.write() as w:
            s = w.session
            w.record(REQUEST_CHANGED)
            row = self._open(s, request_id)
            piece = s.get(Piece, piece_id)
            if piece is None or piece.status == "purged":
                raise NotFound(f"No piece with id {piece_id}.")
            row.status, row.piece_id = RequestStatus.FULFILLED, piece_id
            row.resolved_at, row.resolved_by_id = utcnow(), actor.user_id
        return Done(None, REQUEST_CHANGED)

    def decline(self, actor: Actor, request_id: int, reason: str) -> Done[None]:
        require(actor, Permission.TRIAGE_REQUESTS)
        if not reason.strip():
            raise InvalidInput("Say why the request is declined; the rep will see it.")
        with self.ctx.write() as w:
            s = w.session
            w.record(REQUEST_CHANGED)
            row = self._open(s, request_id)
            row.status, row.decline_reason = RequestStatus.DECLINED, reason.strip()
            row.resolved_at, row.resolved_by_id = utcnow(), actor.user_id
        return Done(None, REQUEST_CHANGED)

    def withdraw(self, actor: Actor, request_id: int) -> Done[None]:
        """The requester no longer needs it (recorded as declined by them)."""
        with self.ctx.write() as w:
            s = w.session
            w.record(REQUEST_CHANGED)
            row = self._open(s, request_id)
            if row.requester_id != actor.user_id:
                raise PermissionDenied("Only the requester can withdraw a request.")
            row.status, row.decline_reason = RequestStatus.DECLINED, "withdrawn by the requester"
            row.resolved_at, row.resolved_by_id = utcnow(), actor.user_id
        return Done(None, REQUEST_CHANGED)

    def _open(self, s: Session, request_id: int) -> ContentRequest:
        row = s.get(ContentRequest, request_id)
        if row is None:
            raise NotFound(f"No request with id {request_id}.")
        if row.status in (RequestStatus.FULFILLED, RequestStatus.DECLINED):
            raise Conflict(f"Request {request_id} is already {row.status}.")
        return row

    def _infos(self, s: Session, rows: builtins.list[ContentRequest]) -> builtins.list[RequestInfo]:
        taxonomy = self.ctx.taxonomy()
        users = users_repo.names_by_id(s)
        values = requests_repo.facet_labels(s)
        pieces = requests_repo.piece_titles(s, [r.piece_id for r in rows if r.piece_id])
        out = []
        for r in rows:
            stage = taxonomy.stage(r.stage_id) if r.stage_id else None
            gate = taxonomy.gate(r.gate_id) if r.gate_id else None
            out.append(RequestInfo(
                stored_id(r.id), r.title, r.need, r.requester_id, users.get(r.requester_id, ""), r.stage_id,
                stage.name if stage else "", r.gate_id, gate.question if gate else "",
                values.get(r.persona_id or -1, ""), values.get(r.industry_id or -1, ""), r.account, r.due,
                r.status, r.piece_id, pieces.get(r.piece_id or -1, ""), r.decline_reason, r.created_at,
                r.resolved_at, users.get(r.resolved_by_id or -1, "")))
        return out

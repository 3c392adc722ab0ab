"""Shelves: a person's saved searches, the searches marketing recommends (for a stage and/or a
gate of the journey), favourite pieces, and the pieces they opened lately.

Personal rows (one's own searches, favourites) are writes that may wait: a team laptop keeps
them with an outbox entry. Recommended searches are shared with everyone, so only marketing
and admins write them (``Permission.RECOMMEND_SEARCHES``), and on a team server only online.
"Recently opened" has no table of its own: it is read from the person's usage events.
"""

from __future__ import annotations

import builtins
import json
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Mapping

from sqlmodel import Session

from enablement.errors import Conflict, InvalidInput, NotFound
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done
from enablement.models.shelves import RECENT_KINDS, FavouriteInfo, RecentInfo, SavedSearchInfo
from enablement.models.tables import Favourite, Piece, SavedSearch, User, stored_id, utcnow
from enablement.search.documents import FILTER_DIMENSIONS, sort_order
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, require
from enablement.services.pieces import PieceService
from enablement.storage import pieces_repo, shelves_repo

SHELVES_CHANGED = Changes(shelves=True)
NAME_LIMIT = 120
QUERY_LIMIT = 500
MAX_FILTER_VALUES = 50
RECENT_LIMIT = 20

Counter = Callable[[Actor, str, Mapping[str, frozenset[str]], str], int]


class ShelfService:
    """Saved and recommended searches, favourites and recently opened pieces, per person."""

    def __init__(self, ctx: LibraryContext, pieces: PieceService, counter: Counter | None = None) -> None:
        self.ctx = ctx
        self.pieces = pieces
        self.counter = counter  # how many pieces a search finds (the search service; None: unknown)

    # --- saved and recommended searches ----------------------------------------------------
    def searches(self, actor: Actor) -> builtins.list[SavedSearchInfo]:
        """The actor's own saved searches and every recommended one (recommended first)."""
        with self.ctx.read() as s:
            rows = shelves_repo.saved_searches(s, actor.user_id)
        return [self._info(row, owner) for row, owner in rows]

    def recommended(self, stage_id: int | None = None, gate_id: int | None = None,
                    actor: Actor | None = None) -> builtins.list[SavedSearchInfo]:
        """Recommended searches; with a stage and/or gate, those meant for that place on the
        journey (a search for a stage fits each of its gates; one for no place fits none)."""
        with self.ctx.read() as s:
            rows = shelves_repo.saved_searches(s, actor.user_id if actor else -1)
        found = [self._info(row, owner) for row, owner in rows if row.recommended]
        if stage_id is None and gate_id is None:
            return found
        return [r for r in found if (r.stage_id is not None or r.gate_id is not None)
                and r.stage_id in (None, stage_id) and r.gate_id in (None, gate_id)]

    def get(self, actor: Actor, search_id: int) -> SavedSearchInfo:
        """One saved search the actor may see (their own, or a recommended one)."""
        with self.ctx.read() as s:
            row = s.get(SavedSearch, search_id)
            if row is None or not (row.recommended or row.owner_id == actor.user_id):
                raise NotFound(f"No saved search with id {search_id}.")
            owner = s.get(User, row.owner_id)
            return self._info(row, owner.name if owner else "")

    def find(self, actor: Actor, name_or_id: str) -> SavedSearchInfo:
        """A saved search by its id or its name (the actor's own before a recommended one)."""
        text = name_or_id.strip()
        if text.isascii() and text.isdigit() and len(text) <= 18:  # an id ("¹" is a digit, not an id)
            return self.get(actor, int(text))
        searches = self.searches(actor)
        mine = [x for x in searches if x.name.lower() == text.lower() and not x.recommended]
        shared = [x for x in searches if x.name.lower() == text.lower() and x.recommended]
        if mine or shared:
            return (mine or shared)[0]
        raise NotFound(f"No saved search called '{text}'.")

    def save(self, actor: Actor, name: str, query: str = "", filters: Mapping[str, Iterable[str]] | None = None,
             sort: str = "relevance", *, recommended: bool = False, stage_id: int | None = None,
             gate_id: int | None = None, replace: bool = False) -> Done[int]:
        """Save a search under ``name``: the actor's own, or (marketing, admins) a recommended one
        for everyone. A name already used among those asks for ``replace``; its id."""
        name = _name(name)
        query, filters_json, sort = _query(query), _filters(filters), sort_order(sort)
        if recommended:
            require(actor, Permission.RECOMMEND_SEARCHES)
        stage_id, gate_id = self._target(stage_id, gate_id) if recommended else (None, None)
        with (self.ctx.write() if recommended else self.ctx.queue()) as w:
            s = w.session
            w.record(SHELVES_CHANGED)
            row = shelves_repo.named(s, actor.user_id, name, recommended)
            if row is not None and not replace:
                whose = "A recommended search" if recommended else "You already have a saved search"
                raise Conflict(f"{whose} called '{row.name}' exists: choose another name, or replace it.")
            if row is None:
                row = SavedSearch(owner_id=actor.user_id, name=name)
                s.add(row)
            row.name, row.query, row.filters, row.sort = name, query, filters_json, sort
            row.recommended, row.stage_id, row.gate_id = recommended, stage_id, gate_id
            row.updated_at = utcnow()
            s.flush()
            search_id = stored_id(row.id)
        return Done(search_id, SHELVES_CHANGED)

    def rename(self, actor: Actor, search_id: int, name: str) -> Done[None]:
        """Give a saved search a new name (one's own; a recommended one: marketing, admins)."""
        name = _name(name)
        with self._writing(actor, search_id) as (s, row):
            other = shelves_repo.named(s, actor.user_id, name, row.recommended)
            if other is not None and other.id != row.id:
                raise Conflict(f"A saved search called '{other.name}' exists already: choose another name.")
            row.name = name
            row.updated_at = utcnow()
        return Done(None, SHELVES_CHANGED)

    def recommend(self, actor: Actor, search_id: int, recommended: bool = True, stage_id: int | None = None,
                  gate_id: int | None = None) -> Done[None]:
        """Share a saved search with everyone as recommended (for a stage and/or gate), change
        where it is meant for, or take the recommendation back (it stays the owner's own)."""
        require(actor, Permission.RECOMMEND_SEARCHES)
        stage_id, gate_id = self._target(stage_id, gate_id) if recommended else (None, None)
        with self.ctx.read() as s:
            row = s.get(SavedSearch, search_id)
            if row is None or not (row.recommended or row.owner_id == actor.user_id):
                raise NotFound(f"No saved search with id {search_id}.")
        with self.ctx.write() as w:
            w.record(SHELVES_CHANGED)
            row = w.session.get(SavedSearch, search_id)
            if row is None:
                raise NotFound(f"No saved search with id {search_id}.")
            clash = shelves_repo.named(w.session, row.owner_id, row.name, recommended)
            if clash is not None and clash.id != row.id:
                raise Conflict(f"A {'recommended' if recommended else 'saved'} search called '{clash.name}' "
                               "exists already: rename this one first.")
            row.recommended, row.stage_id, row.gate_id = recommended, stage_id, gate_id
            row.updated_at = utcnow()
        return Done(None, SHELVES_CHANGED)

    def delete(self, actor: Actor, search_id: int) -> Done[None]:
        """Delete a saved search (one's own; a recommended one: marketing, admins)."""
        with self._writing(actor, search_id) as (s, row):
            s.delete(row)
        return Done(None, SHELVES_CHANGED)

    def count(self, actor: Actor, search: SavedSearchInfo) -> int | None:
        """How many pieces the search finds for the actor now (None when no search is wired)."""
        if self.counter is None:
            return None
        return self.counter(actor, search.query, search.filter_map(), search.sort)

    @contextmanager
    def _writing(self, actor: Actor, search_id: int) -> Iterator[tuple[Session, SavedSearch]]:
        """One saved search in a transaction, for a change by its owner (a recommended one:
        by marketing or an admin, on the server in team mode; one's own may wait in the queue)."""
        with self.ctx.read() as s:
            row = s.get(SavedSearch, search_id)
            if row is None or not (row.recommended or row.owner_id == actor.user_id):
                raise NotFound(f"No saved search with id {search_id}.")
            recommended = row.recommended
        if recommended:
            require(actor, Permission.RECOMMEND_SEARCHES)
        with (self.ctx.write() if recommended else self.ctx.queue()) as w:
            w.record(SHELVES_CHANGED)
            row = w.session.get(SavedSearch, search_id)
            if row is None:
                raise NotFound(f"No saved search with id {search_id}.")
            yield w.session, row

    def _target(self, stage_id: int | None, gate_id: int | None) -> tuple[int | None, int | None]:
        """A recommended search's stage and gate, checked against the taxonomy (a gate names
        its stage)."""
        taxonomy = self.ctx.taxonomy()
        if stage_id is not None and taxonomy.stage(stage_id) is None:
            raise InvalidInput(f"No stage with id {stage_id}.")
        if gate_id is not None:
            gate = taxonomy.gate(gate_id)
            if gate is None:
                raise InvalidInput(f"No gate with id {gate_id}.")
            if stage_id is not None and gate.stage_id != stage_id:
                stage = taxonomy.stage(stage_id)
                raise InvalidInput(f"The gate “{gate.question}” is not in the stage {stage.name if stage else stage_id}.")
            stage_id = gate.stage_id
        return stage_id, gate_id

    def _info(self, row: SavedSearch, owner: str) -> SavedSearchInfo:
        taxonomy = self.ctx.taxonomy()
        stage = taxonomy.stage(row.stage_id) if row.stage_id is not None else None
        gate = taxonomy.gate(row.gate_id) if row.gate_id is not None else None
        return SavedSearchInfo(
            id=stored_id(row.id), name=row.name, query=row.query, filters=_filters_back(row.filters),
            sort=row.sort, recommended=row.recommended, owner_id=row.owner_id, owner=owner,
            stage_id=row.stage_id, gate_id=row.gate_id, stage=stage.name if stage else "",
            gate=gate.question if gate else "", updated_at=row.updated_at, row_version=row.row_version)

    # --- favourites ------------------------------------------------------------------------
    def favourites(self, actor: Actor) -> builtins.list[FavouriteInfo]:
        """The actor's favourites, last starred first; one whose piece is archived or gone says so."""
        with self.ctx.read() as s:
            rows = shelves_repo.favourites(s, actor.user_id)
            summaries = {p.id: p for p in pieces_repo.summaries(s, [r.piece_id for r in rows], self.ctx.today())}
        return [FavouriteInfo(r.piece_id, summaries[r.piece_id].title if r.piece_id in summaries else r.title,
                              r.created_at, summaries.get(r.piece_id)) for r in rows]

    def favourite_ids(self, actor: Actor) -> frozenset[int]:
        """The ids of the actor's favourite pieces (the star on cards and rows)."""
        with self.ctx.read() as s:
            return frozenset(shelves_repo.favourite_ids(s, actor.user_id))

    def set_favourite(self, actor: Actor, piece_id: int, on: bool = True) -> Done[bool]:
        """Star (``on``) or unstar a piece; doing what is already so is no error. Whether it
        is a favourite now."""
        with self.ctx.queue() as w:
            s = w.session
            row = s.get(Favourite, (actor.user_id, piece_id))
            if on and row is None:
                piece = s.get(Piece, piece_id)
                if piece is None or piece.status == "purged":
                    raise NotFound(f"No piece with id {piece_id}.")
                s.add(Favourite(user_id=actor.user_id, piece_id=piece_id, title=piece.title[:300]))
                w.record(SHELVES_CHANGED)
            elif not on and row is not None:
                s.delete(row)
                w.record(SHELVES_CHANGED)
        return Done(on, w.changes)

    def toggle_favourite(self, actor: Actor, piece_id: int) -> Done[bool]:
        """Star a piece that is not a favourite, unstar one that is."""
        return self.set_favourite(actor, piece_id, piece_id not in self.favourite_ids(actor))

    # --- recently opened -------------------------------------------------------------------
    def recent(self, actor: Actor, limit: int = RECENT_LIMIT) -> builtins.list[RecentInfo]:
        """The pieces the actor viewed, previewed, opened, exported or used last, newest first
        (from their own usage events; pieces no longer in the library left out)."""
        with self.ctx.read() as s:
            uses = shelves_repo.recent_uses(s, actor.user_id, RECENT_KINDS, max(1, limit))
            summaries = {p.id: p for p in pieces_repo.summaries(s, [u[0] for u in uses], self.ctx.today())}
        return [RecentInfo(summaries[pid], at, kind) for pid, at, kind in uses
                if pid in summaries and summaries[pid].status != "purged"]


def _name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("A saved search needs a name.")
    if len(name) > NAME_LIMIT:
        raise InvalidInput(f"A saved search's name has at most {NAME_LIMIT} characters (this one has {len(name)}).")
    return name


def _query(query: str) -> str:
    query = query.strip()
    if len(query) > QUERY_LIMIT:
        raise InvalidInput(f"A saved query has at most {QUERY_LIMIT} characters (this one has {len(query)}).")
    return query


def _filters(filters: Mapping[str, Iterable[str]] | None) -> str:
    """The filters as stored: JSON of dimension → sorted keys (a clear error for a dimension
    the search does not know)."""
    out: dict[str, list[str]] = {}
    for dimension, keys in (filters or {}).items():
        if dimension not in FILTER_DIMENSIONS:
            raise InvalidInput(f"Cannot filter by '{dimension}'; filters are: {', '.join(sorted(FILTER_DIMENSIONS))}.")
        values = sorted({k.strip() for k in keys if k and k.strip()})
        if len(values) > MAX_FILTER_VALUES or any(len(v) > 200 for v in values):
            raise InvalidInput(f"Too many or too long values for the filter '{dimension}'.")
        if values:
            out[dimension] = values
    return json.dumps(out, sort_keys=True) if out else ""


def _filters_back(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Stored filters as (dimension, keys) pairs; a damaged value reads as no filters."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return ()
    if not isinstance(data, dict):
        return ()
    return tuple((str(d), tuple(str(k) for k in keys)) for d, keys in sorted(data.items()) if isinstance(keys, list))

"""What the shelves show: saved and recommended searches, favourites, recently opened pieces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Mapping, Optional

from enablement.models.dto import PieceSummary

# Usage events that mean "the person had this piece in front of them" (the Recent shelf).
RECENT_KINDS: tuple[str, ...] = ("viewed", "previewed", "opened", "exported", "sent", "used_in_call")


@dataclass(frozen=True)
class SavedSearchInfo:
    """A named query with its filters (dimension → keys) and sort. ``recommended``: shared by
    marketing with everyone, for ``stage_id`` and/or ``gate_id`` when set."""

    id: int
    name: str
    query: str
    filters: tuple[tuple[str, tuple[str, ...]], ...]
    sort: str
    recommended: bool
    owner_id: int
    owner: str
    stage_id: Optional[int]
    gate_id: Optional[int]
    stage: str  # the stage's name ("" when not for a stage)
    gate: str  # the gate's question ("" when not for a gate)
    updated_at: datetime
    row_version: int = 1

    def filter_map(self) -> dict[str, frozenset[str]]:
        """The filters as the search takes them."""
        return {dimension: frozenset(keys) for dimension, keys in self.filters}

    @property
    def target(self) -> str:
        """Where on the journey a recommended search is meant for ("Evaluation · Is it secure?")."""
        return " · ".join(x for x in (self.stage, self.gate) if x)

    def describe(self) -> str:
        """The search in words (see ``describe_search``)."""
        return describe_search(self.query, self.filter_map(), self.sort)


def describe_search(query: str, filters: Mapping[str, Iterable[str]], sort: str) -> str:
    """A search in words: query, filters, sort ("“security” · stage: evaluation · sorted by newest")."""
    parts = [f"“{query}”" if query else "everything"]
    parts += [f"{dimension}: {', '.join(sorted(keys))}" for dimension, keys in sorted(filters.items()) if keys]
    if sort != "relevance":
        parts.append(f"sorted by {sort.replace('_', ' ')}")
    return " · ".join(parts)


@dataclass(frozen=True)
class FavouriteInfo:
    """A starred piece. ``piece`` is None when it is no longer in the library as this person
    sees it (archived for a rep's team copy, or purged); ``note`` then says so."""

    piece_id: int
    title: str
    starred_at: datetime
    piece: Optional[PieceSummary]

    @property
    def note(self) -> str:
        """Why this favourite cannot be used as it is ("" when it can)."""
        if self.piece is None:
            return "no longer in the library"
        if self.piece.status == "archived":
            return "archived"
        if self.piece.status == "purged":
            return "removed from the library"
        return ""


@dataclass(frozen=True)
class RecentInfo:
    """A piece the person had open lately, with when and how last."""

    piece: PieceSummary
    at: datetime
    kind: str

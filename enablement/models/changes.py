"""Change-sets: a changing service call says what it changed, so each view reloads only that."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    """What one service call changed. ``piece_ids`` names the pieces whose rows changed
    (their search documents and thumbnails follow); ``taxonomy`` drops taxonomy caches."""

    pieces: bool = False
    taxonomy: bool = False
    usage: bool = False
    kits: bool = False
    requests: bool = False
    users: bool = False
    index: bool = False
    settings: bool = False
    searches: bool = False  # searches logged or their opened result noted (the search-gap report)
    shelves: bool = False  # saved or recommended searches, or favourites
    piece_ids: frozenset[int] = frozenset()
    # Each use recorded, as (piece id or None, kind), so the popularity cache can count it
    # instead of recounting every event. ``usage`` without ``uses``: recount.
    uses: tuple[tuple[int | None, str], ...] = ()
    # Files (SHA-256) no piece of this library refers to any more (a team replica's pull):
    # a local copy of them is only a cache and goes.
    gone_blobs: frozenset[str] = frozenset()

    def __or__(self, other: "Changes") -> "Changes":
        return Changes(
            pieces=self.pieces or other.pieces,
            taxonomy=self.taxonomy or other.taxonomy,
            usage=self.usage or other.usage,
            kits=self.kits or other.kits,
            requests=self.requests or other.requests,
            users=self.users or other.users,
            index=self.index or other.index,
            settings=self.settings or other.settings,
            searches=self.searches or other.searches,
            shelves=self.shelves or other.shelves,
            piece_ids=self.piece_ids | other.piece_ids,
            uses=self.uses + other.uses,
            gone_blobs=self.gone_blobs | other.gone_blobs,
        )

    @property
    def empty(self) -> bool:
        return self == Changes()


NO_CHANGES = Changes()

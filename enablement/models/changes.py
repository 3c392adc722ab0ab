"""Change-sets: a changing service call says what it changed, so each view reloads only that."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Changes:
    pieces: bool = False
    taxonomy: bool = False
    usage: bool = False
    kits: bool = False
    requests: bool = False
    users: bool = False
    index: bool = False
    settings: bool = False
    piece_ids: frozenset[int] = frozenset()

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
            piece_ids=self.piece_ids | other.piece_ids,
        )

    @property
    def empty(self) -> bool:
        return self == Changes()


NO_CHANGES = Changes()

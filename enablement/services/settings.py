"""Library settings that users change from the app (persisted beside the database)."""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from enablement.config import Settings
from enablement.errors import InvalidInput
from enablement.models.changes import Changes
from enablement.models.dto import Actor, Done
from enablement.services.context import LibraryContext
from enablement.services.permissions import Permission, check_publish_fields, require


class SettingsService:
    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def get(self) -> Settings:
        return self.ctx.settings

    def set_hours_per_piece(self, actor: Actor, hours: float) -> Done[Settings]:
        """The manager's assumption behind the hours-saved estimate."""
        require(actor, Permission.VIEW_REPORTS)
        if not 0 < hours <= 1000:
            raise InvalidInput("Hours to build a piece must be more than 0 and at most 1,000.")
        return self._save(replace(self.ctx.settings, hours_to_build_piece=float(hours)))

    def set_review_period(self, actor: Actor, days: int) -> Done[Settings]:
        """How far ahead a newly published piece's review date is set."""
        require(actor, Permission.EDIT_TAXONOMY)
        if not 7 <= days <= 3650:
            raise InvalidInput("The review period must be between 7 and 3,650 days.")
        return self._save(replace(self.ctx.settings, review_period_days=int(days)))

    def set_search_engine(self, actor: Actor, engine: str) -> Done[Settings]:
        """Which search engine the library uses: "auto", "whoosh" or "tantivy". A change is
        applied by the next index check, which rebuilds in the background."""
        require(actor, Permission.EDIT_TAXONOMY)
        if engine not in ("auto", "whoosh", "tantivy"):
            raise InvalidInput("The search engine must be auto, whoosh or tantivy.")
        return self._save(replace(self.ctx.settings, search_engine=engine))

    def set_publish_requires(self, actor: Actor, fields: Iterable[str]) -> Done[Settings]:
        """What a piece must carry before it can be published (admins only): any of stage,
        gate, owner, review_by and the facet names; none at all lifts the rule."""
        require(actor, Permission.LIBRARY_RULES)
        return self._save(replace(self.ctx.settings, publish_requires=check_publish_fields(fields)))

    def set_expiry_action(self, actor: Actor, action: str) -> Done[Settings]:
        """What a piece's expiry date does (admins only): "archive" it, or "flag" it as expired."""
        require(actor, Permission.LIBRARY_RULES)
        if action not in ("archive", "flag"):
            raise InvalidInput("On its expiry date a piece is either archived ('archive') or flagged ('flag').")
        return self._save(replace(self.ctx.settings, expiry_action=action))

    def _save(self, settings: Settings) -> Done[Settings]:
        settings.save(self.ctx.paths.settings_file)
        self.ctx.settings = settings
        changes = Changes(settings=True)
        self.ctx.caches(changes)  # settings live in a file, not a unit of work: same hook
        return Done(settings, changes)

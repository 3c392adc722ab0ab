"""Shared helpers of the UI tests: the user of a role, tagged pieces and usage in a real
library, and a real mouse click on a button."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Optional

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from enablement.models.dto import Actor
from enablement.models.vocab import UsageKind
from enablement.services.library import Library
from enablement.models.dto import TagSelection
from enablement.models.dto import UseRecord
from tests.conftest import make_ready
from enablement.services.identity import LocalUser

if TYPE_CHECKING:
    from ui.context import AppContext
    from ui.tasks import TaskRunner


def actor(library: Library, role: str) -> Actor:
    """The first active user with ``role`` (created when missing)."""
    users = library.users.list()
    found = next((u for u in users if u.role == role), None)
    if found is None:
        found = (library.users.create(None, f"Test {role.title()}", role).value if not users
                 else library.users.ensure(f"Test {role.title()}", role).value)
    return library.users.actor_for(found)


def app_context(library: Library, role: str, runner: Optional[TaskRunner] = None) -> AppContext:
    """An AppContext for the first user with ``role``, through the identity seam, as start-up
    makes one (the taxonomy read with it)."""
    from ui.context import AppContext
    from ui.tasks import SyncTaskRunner

    user = library.as_user(LocalUser(actor(library, role).name))
    return AppContext(user, runner or SyncTaskRunner(), library.taxonomy.get())


def click(qtbot, button) -> None:  # type: ignore[no-untyped-def]
    """Click ``button`` with the mouse, as a user would (so it must be visible and enabled)."""
    from PySide6.QtCore import Qt

    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def add_link(library: Library, title: str, *, gates: tuple[int, ...] = (), stages: tuple[int, ...] = (),
             facets: dict | None = None, publish: bool = True, review_by: date | None = None) -> int:
    marketing = actor(library, "marketing")
    slug = title.lower().replace(" ", "-")
    pid = library.importer.add_link(marketing, f"https://example.com/{slug}", title,
                                    tags=TagSelection(stages=list(stages), gates=list(gates),
                                                      facets=facets)).value
    library.pieces.update(marketing, pid, owner="Maya Marketing",
                          review_by=review_by or library.ctx.today() + timedelta(days=180))
    if publish and gates:
        library.pieces.publish(marketing, pid)
    elif publish:  # no gate, a field the library requires: an admin publishes it anyway
        library.pieces.publish(actor(library, "admin"), pid, force=True)
    return pid


def add_pdf(library: Library, tmp: Path, title: str, text: str, gates: tuple[int, ...] = ()) -> int:
    from tests.filemaker_docs import make_pdf

    marketing = actor(library, "marketing")
    path = make_pdf(tmp / f"{title.replace(' ', '_')}.pdf", [f"{title}\n{text}"], title=title)
    done = library.importer.import_paths(marketing, [path], tags=TagSelection(gates=list(gates)))
    pid = done.value.piece_ids[0]
    library.pieces.publish(marketing, make_ready(library, marketing, pid))
    return pid


def use(library: Library, who: Actor, piece_id: int, kind: str = UsageKind.USED_IN_CALL, days_ago: int = 1,
        **extra) -> None:
    from datetime import datetime, time

    when = datetime.combine(library.ctx.today() - timedelta(days=days_ago), time(10))
    library.usage.record(who, UseRecord(kind=kind, piece_id=piece_id, occurred_at=when, **extra))


def gates(library: Library) -> list:
    return [g for s in library.taxonomy.get().stages for g in s.gates]

"""The status bar's link to the team server: online / syncing / offline ("3 waiting to sync"),
the last sync, and the sync problems (changes the server refused), with "Sync now".

What it shows is read on a worker (``read_link``: the replica's state is in its local
database); the widget itself only draws a ``LinkStatus``."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QMenu, QStyle, QToolButton, QWidget

from enablement.display import count, listed

from . import tones

if TYPE_CHECKING:
    from enablement.team.replica import TeamLibrary

ONLINE, SYNCING, OFFLINE = "online", "syncing", "offline"


@dataclass(frozen=True)
class SyncProblem:
    """One change the server refused (a dead letter), with the server's reason."""

    id: int
    kind: str
    key: str
    reason: str
    refused_at: str
    detail: str = ""  # what a person knows it by: the use's kind, the request's title


@dataclass(frozen=True)
class LinkStatus:
    connection: str  # ONLINE, SYNCING or OFFLINE
    waiting: int = 0  # entries in the outbox
    last_sync: str = ""  # ISO time (UTC) of the last completed sync
    offline_since: str = ""
    last_error: str = ""
    next_try: str = ""
    problems: tuple[SyncProblem, ...] = field(default_factory=tuple)
    waiting_by_kind: tuple[tuple[str, int], ...] = ()  # (outbox kind, entries), for the words


def read_link(library: "TeamLibrary") -> LinkStatus:
    """Worker: the replica's link as the status bar shows it (a team library only)."""
    replica = library.replica
    state = replica.state()
    problems = tuple(SyncProblem(int(d["id"]), str(d["kind"]), str(d["key"]), str(d["reason"]), str(d["refused_at"]),
                                 _detail(d.get("payload")))
                     for d in replica.dead_letters())
    by_kind = replica.outbox_counts()
    return LinkStatus(str(replica.status), sum(by_kind.values()), state.get("last_sync_at") or "",
                      state.get("offline_since") or "", state.get("last_error") or "", state.get("retry_at") or "",
                      problems, tuple(sorted(by_kind.items(), key=lambda kv: _KIND_ORDER.get(kv[0], 9))))


def _detail(payload: object) -> str:
    """A use's kind, a request's or a shared piece's title from a refused entry's row."""
    row = payload
    if isinstance(payload, str):
        import json

        try:
            row = json.loads(payload)
        except ValueError:
            return ""
    if not isinstance(row, dict):
        return ""
    if isinstance(row.get("piece"), dict):  # a piece of the person's own: its title
        row = row["piece"]
    if row.get("title"):
        return str(row["title"])
    if row.get("kind"):
        return str(row["kind"]).replace("_", " ")
    return ""


def local_time(stamp: str) -> str:
    """'15:42' (today) or '3 Mar 15:42' from an ISO time, in this computer's time zone."""
    if not stamp:
        return ""
    try:
        at = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    at = at.astimezone()
    now = datetime.now().astimezone()
    return at.strftime("%H:%M") if at.date() == now.date() else f"{at.day} {at.strftime('%b %H:%M')}"


# What a person calls each kind of waiting entry (singular, plural), most telling first.
_KIND_WORDS = {"submission": ("shared piece", "shared pieces"), "usage": ("use", "uses"),
               "request": ("request", "requests"), "kit": ("kit change", "kit changes"),
               "search": ("search", "searches"), "opened": ("opened result", "opened results")}
_KIND_ORDER = {kind: i for i, kind in enumerate(_KIND_WORDS)}


def waiting_words(status: LinkStatus) -> str:
    """'3 uses waiting to sync', '3 uses and 1 request waiting to sync' (kinds it cannot name: 'changes')."""
    parts = [count(n, *_KIND_WORDS[kind]) for kind, n in status.waiting_by_kind if kind in _KIND_WORDS and n]
    named = sum(n for kind, n in status.waiting_by_kind if kind in _KIND_WORDS)
    if not parts or named != status.waiting:
        return f"{count(status.waiting, 'change')} waiting to sync"
    return f"{listed(parts)} waiting to sync"


def describe(status: LinkStatus) -> tuple[str, str, str]:
    """(text, tooltip, tone) of the status bar's link."""
    last = local_time(status.last_sync)
    synced = f"synced {last}" if last else "not synced yet"
    problems = f" · {len(status.problems)} sync problem{'s' if len(status.problems) != 1 else ''}" \
        if status.problems else ""
    if status.connection == SYNCING:
        return f"Syncing…{problems}", "Sending what waits on this computer, then fetching changes.", "info"
    if status.connection == OFFLINE:
        text = "Offline" + (f" · {waiting_words(status)}" if status.waiting else f" · {synced}")
        tip = ["The team server does not answer; you work from this computer's copy."]
        if status.offline_since:
            tip.append(f"Offline since {local_time(status.offline_since)}.")
        if status.last_error:
            tip.append(status.last_error[:1].upper() + status.last_error[1:] + ".")
        if status.next_try:
            tip.append(f"Next try at {local_time(status.next_try)}, or choose Sync now.")
        if status.waiting:
            tip.append(f"{waiting_words(status).capitalize()}: sent when the server answers again.")
        return text + problems, "\n".join(tip), "stale"
    text = "Online · " + (waiting_words(status) if status.waiting else synced)
    return text + problems, "Connected to the team server.", "empty" if status.problems else "good"


class TeamStatusButton(QToolButton):
    """The link to the team server in the status bar; its menu syncs and shows sync problems."""

    sync_requested = Signal()
    problems_requested = Signal()

    def __init__(self, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamStatus")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.menu_ = QMenu(self)
        self.sync_action = QAction("Sync now", self.menu_)
        self.sync_action.setObjectName("syncNow")
        self.sync_action.triggered.connect(self.sync_requested.emit)
        self.problems_action = QAction("Sync problems…", self.menu_)
        self.problems_action.setObjectName("syncProblems")
        self.problems_action.triggered.connect(self.problems_requested.emit)
        self.menu_.addAction(self.sync_action)
        self.menu_.addAction(self.problems_action)
        self.setMenu(self.menu_)
        self.status: Optional[LinkStatus] = None
        self.setText("Connecting…")

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        # The menu's arrow is drawn in the button's corner, over centred text: room for it.
        hint = super().sizeHint()
        return QSize(hint.width() + 2 * self.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator), hint.height())

    def show_status(self, status: LinkStatus) -> None:
        self.status = status
        text, tip, tone = describe(status)
        self.setText(f"● {text}")
        self.setToolTip(tip)
        # The tone through the palette, not a style sheet: a style sheet's box would leave the
        # menu arrow no room and cut the end of the text.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.ButtonText, tones.accent(palette, tone))
        self.setPalette(palette)
        self.sync_action.setEnabled(status.connection != SYNCING)
        self.problems_action.setText(f"Sync problems ({len(status.problems)})…" if status.problems
                                     else "Sync problems…")

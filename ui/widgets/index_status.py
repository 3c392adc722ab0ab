"""The status bar's word on the search index's background work: "Updating the search index… 42%"
while a rebuild runs (an engine switch, a renamed stage or persona written into every document,
a repair), and when one failed, why, that searches use the previous index meanwhile, and when
it is tried again.

The index says what it does from the thread that follows the rebuild
(``SearchIndex.work_listeners``, each ``IndexWork`` carrying the rebuild child's progress); a
relay hands it to the GUI thread by a queued signal. Nothing here polls or reads a file or the
database: the label draws the last state and counts down to the retry, then asks for it on a
worker (``ensure_fresh`` starts the rebuild again)."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QWidget

from enablement.models.dto import IndexWork

if TYPE_CHECKING:
    from enablement.services.search import SearchIndex
    from ui.tasks import TaskRunner

TICK_MS = 1000
_SAID_ELSEWHERE = "; it is tried again later"  # the label says when, in its own words


class WorkRelay(QObject):
    """Hands ``IndexWork`` from the rebuild's thread to the GUI thread (a queued signal)."""

    work = Signal(object)

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._open = True

    def emit_work(self, work: IndexWork) -> None:  # the rebuild's thread
        with self._lock:
            if self._open:
                self.work.emit(work)

    def close(self) -> None:
        with self._lock:  # held by the rebuild's thread at most while it posts one signal
            self._open = False


def work_text(work: IndexWork, retry_in: float) -> str:
    """What the status bar says for ``work`` (empty when there is nothing to say)."""
    if work.state == "updating":
        percent = work.percent
        return "Updating the search index…" + (f" {percent}%" if percent is not None else "")
    if work.state == "failed":
        reason = work.error.split(_SAID_ELSEWHERE)[0].rstrip(". ")
        return f"Search index update failed: {reason}. Search uses the previous index; {_when(retry_in)}."
    return ""


def work_label(work: IndexWork, retry_in: float) -> str:
    """The status bar's own words: short, so a failure's reason (in the tooltip, ``work_text``)
    never pushes the bar's other messages aside."""
    if work.state == "failed":
        return f"Search index update failed; {_when(retry_in)}"
    return work_text(work, retry_in)


def _when(retry_in: float) -> str:
    return "retrying now" if retry_in < 1 else f"retrying in {_duration(retry_in)}"


def _duration(seconds: float) -> str:
    whole = int(seconds + 0.999)
    return f"{whole} s" if whole < 90 else f"{(whole + 59) // 60} min"


class IndexStatus(QLabel):
    """A label in the status bar, hidden while the index has nothing under way."""

    def __init__(self, index: "SearchIndex", runner: "TaskRunner", parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.setObjectName("indexStatus")
        self.index = index
        self.runner = runner
        self.work = index.work()  # the object's own state: no I/O
        self._retry_at = 0.0  # time.monotonic() of the next try, while failed
        self._asked = False  # the retry was asked for (once per failure)
        self.relay = WorkRelay(self)
        self.relay.work.connect(self.show_work)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        index.work_listeners.append(self.relay.emit_work)
        self.show_work(self.work)

    def show_work(self, work: IndexWork) -> None:
        self.work = work
        self._retry_at = time.monotonic() + work.retry_in
        self._asked = False
        if work.state == "failed":
            self.timer.start()
        else:
            self.timer.stop()
        self._draw()

    def _draw(self) -> None:
        retry_in = self._retry_at - time.monotonic()
        text = work_label(self.work, retry_in)
        self.setText(text)
        self.setToolTip(work_text(self.work, retry_in))
        self.setVisible(bool(text))

    def _tick(self) -> None:
        self._draw()
        if self._retry_at <= time.monotonic() and not self._asked:
            self._asked = True
            self.runner.op(self.index.ensure_fresh).success(lambda _fixed: self.show_work(self.index.work())).quiet(
                "the search index is tried again at the next search").read()

    def stop(self) -> None:
        """The window is closing: nothing more is shown or asked for."""
        self.timer.stop()
        self.relay.close()
        try:
            self.index.work_listeners.remove(self.relay.emit_work)
        except ValueError:
            pass

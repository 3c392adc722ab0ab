"""Start-up probe for the benchmarks: when ``ENABLEMENT_REPORT_STARTUP=1`` is set, print (on
stderr) the wall-clock time at which the main window is first painted, and optionally leave.

    ENABLEMENT_REPORT_STARTUP=1        print ``ENABLEMENT_STARTUP painted <unix time>`` once
    ENABLEMENT_STARTUP_EXIT_MS=3000    then, that many ms later, print
                                       ``ENABLEMENT_STARTUP idle_rss <bytes>`` and quit

Call ``watch(window)`` right after ``window.show()`` (``ui.app.Startup._show``). Without the
environment variable it does nothing and costs nothing: the app never depends on it.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

ENV = "ENABLEMENT_REPORT_STARTUP"
EXIT_ENV = "ENABLEMENT_STARTUP_EXIT_MS"
_probe: Any = None


def enabled() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def _rss_bytes() -> int:
    try:
        for line in open("/proc/self/status", encoding="ascii"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def watch(window: Any) -> None:
    """Report the first paint of ``window`` (or any widget inside it)."""
    global _probe
    if not enabled() or _probe is not None:
        return
    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    instance = QApplication.instance()
    if instance is None:
        return
    app: QCoreApplication = instance

    class _Probe(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.window() is window:
                app.removeEventFilter(self)
                print(f"ENABLEMENT_STARTUP painted {time.time():.6f}", file=sys.stderr, flush=True)
                exit_ms = os.environ.get(EXIT_ENV)
                if exit_ms:
                    QTimer.singleShot(int(exit_ms), _leave)
            return False

    def _leave() -> None:
        print(f"ENABLEMENT_STARTUP idle_rss {_rss_bytes()}", file=sys.stderr, flush=True)
        window.close()
        app.quit()

    _probe = _Probe(app)
    app.installEventFilter(_probe)

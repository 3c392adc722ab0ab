"""How commands print: a terminal progress bar and JSON for ``--json``."""

from __future__ import annotations

import json
import sys
import threading
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from typing import Any, TextIO


class ProgressBar:
    """A one-line terminal progress bar (silent when stdout is not a terminal)."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self._lock = threading.Lock()

    def __call__(self, done: int, total: int, text: str = "") -> None:
        if not self.tty:
            return
        with self._lock:
            width = 30
            filled = int(width * done / total) if total else width
            name = (text or "")[:40]
            self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name:<40}")
            self.stream.flush()

    def close(self) -> None:
        """End the bar's line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def to_jsonable(value: Any) -> Any:
    """Dataclasses, dates and tuples as JSON-friendly values."""
    if is_dataclass(value) and not isinstance(value, type):
        return to_jsonable(asdict(value))
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as indented JSON."""
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))

"""The last copy of each report a team library computed on the server, kept on this computer
so a manager offline still sees the numbers as they were (a derived cache, like thumbnails:
deleting the folder loses nothing the server does not have).

A copy is JSON (written atomically: temporary file, then rename) holding the time it was
computed and the report's frozen DTOs. Reading one never runs code: a value is rebuilt only
as a dataclass of the app's own report and model modules (``ALLOWED``), an enum of them, a
date, a time span or plain JSON; anything else, like a file that cannot be read (another
version, a damaged or foreign file), makes the copy absent, and the next computed report
replaces it.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import json
import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")
FORMAT = 2  # bumped when the stored shape changes: older copies are then ignored
# the modules whose dataclasses and enums a kept copy may name
ALLOWED = ("enablement.reports.", "enablement.models.", "enablement.services.reports_service")


@dataclass(frozen=True)
class KeptCopy(Generic[T]):
    value: T
    at: datetime  # when it was computed (naive UTC)


class _Unreadable(Exception):
    """A kept copy that names something a copy may not hold, or holds it in another shape."""


def _file(folder: Path, key: str) -> Path:
    return folder / (re.sub(r"[^a-z0-9_-]", "_", key.lower()) + ".json")


def _name(kind: type) -> str:
    name = f"{kind.__module__}:{kind.__qualname__}"
    if not kind.__module__.startswith(ALLOWED):
        raise TypeError(f"a kept report cannot hold {name}")
    return name


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, enum.Enum):  # before int/str: IntEnum and StrEnum are both
        return {"$enum": _name(type(value)), "value": _encode(value.value)}
    if isinstance(value, (int, float)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$dc": _name(type(value)),
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$timedelta": value.total_seconds()}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v) for v in value]}
    if isinstance(value, (set, frozenset)):
        return {"$set": [_encode(v) for v in value], "frozen": isinstance(value, frozenset)}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {"$map": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"a kept report cannot hold {type(value).__name__}")


def _kind(name: Any) -> type:
    if not isinstance(name, str) or ":" not in name:
        raise _Unreadable(name)
    module, _, qualname = name.partition(":")
    if not module.startswith(ALLOWED) or not re.fullmatch(r"[A-Za-z_][\w.]*", qualname):
        raise _Unreadable(name)
    try:
        found: Any = importlib.import_module(module)  # one of the app's own modules
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise _Unreadable(name) from exc
    if not isinstance(found, type):
        raise _Unreadable(name)
    return found


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "$dc" in value:
        kind = _kind(value["$dc"])
        stored = value.get("fields")
        if not dataclasses.is_dataclass(kind) or not isinstance(stored, dict):
            raise _Unreadable(value["$dc"])
        names = {f.name for f in dataclasses.fields(kind)}
        if set(stored) != names:
            raise _Unreadable(f"{value['$dc']} changed shape")
        made = object.__new__(kind)  # no constructor runs: the fields are set as they were kept
        for field, raw in stored.items():
            object.__setattr__(made, field, _decode(raw))
        return made
    if "$enum" in value:
        kind = _kind(value["$enum"])
        if not issubclass(kind, enum.Enum):
            raise _Unreadable(value["$enum"])
        try:
            return kind(_decode(value.get("value")))
        except ValueError as exc:
            raise _Unreadable(value["$enum"]) from exc
    if "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if "$date" in value:
        return date.fromisoformat(value["$date"])
    if "$time" in value:
        return time.fromisoformat(value["$time"])
    if "$timedelta" in value:
        return timedelta(seconds=float(value["$timedelta"]))
    if "$tuple" in value:
        return tuple(_decode(v) for v in value["$tuple"])
    if "$set" in value:
        items = [_decode(v) for v in value["$set"]]
        return frozenset(items) if value.get("frozen") else set(items)
    if "$map" in value:
        return {_decode(k): _decode(v) for k, v in value["$map"]}
    raise _Unreadable(sorted(value)[:3])


def keep(folder: Path, key: str, value: Any, at: datetime) -> None:
    """Store ``value`` as the last copy of ``key``. A failure to write (disk full, read-only
    folder) only means no copy is kept: the report itself was shown."""
    try:
        text = json.dumps({"format": FORMAT, "at": at.isoformat(), "value": _encode(value)},
                          separators=(",", ":"))
    except (TypeError, ValueError):  # a value no copy can hold: nothing is kept
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _file(folder, key)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        pass


def kept(folder: Path, key: str) -> KeptCopy[Any] | None:
    """The last copy of ``key`` with its time, or None (never kept, or unreadable)."""
    try:
        stored = json.loads(_file(folder, key).read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return None
        at = datetime.fromisoformat(stored["at"])
        return KeptCopy(_decode(stored["value"]), at)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError, _Unreadable):
        return None

"""Qt dates as Python dates (``QDate.toPython`` is typed to return any object)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate


def as_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())

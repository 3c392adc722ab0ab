"""Qt dates as Python dates (``QDate.toPython`` is typed to return any object), and the
optional date field the editors share."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit


def as_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def optional_date(label: str, name: str = "") -> tuple[QCheckBox, QDateEdit]:
    """A checkbox that switches a date on (``label``: "Review by") and its date field, with a
    calendar and the app's day-month-year format; the field is enabled while the box is ticked."""
    box = QCheckBox(label)
    field = QDateEdit()
    if name:
        field.setObjectName(name)
    field.setCalendarPopup(True)
    field.setDisplayFormat("d MMM yyyy")
    box.toggled.connect(field.setEnabled)
    return box, field

"""Errors from background tasks: a clear message for the user's problems, a report for bugs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

from PySide6.QtWidgets import QMessageBox, QWidget

from enablement.errors import UserFacingError
from ..tasks import traceback_text

log = logging.getLogger(__name__)


def error_box(parent: Optional[QWidget], exc: BaseException, log_file: Optional[Path]) -> QMessageBox:
    """The message box for ``exc`` (not yet shown)."""
    box = QMessageBox(parent)
    box.setObjectName("errorBox")
    if isinstance(exc, UserFacingError):
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Enablement")
        box.setText(str(exc))
    else:
        details = traceback_text(exc)
        log.error("unexpected error in a background task:\n%s", details)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText("Enablement hit an unexpected problem. Your library is safe: nothing half-done was saved.")
        where = f"The details were written to the log file:\n{log_file}" if log_file else ""
        box.setInformativeText(f"{type(exc).__name__}: {exc}\n\n{where}\nPlease send it to your administrator.")
        box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box

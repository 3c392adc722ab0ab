"""File choosers in one place (tests replace these functions instead of clicking native dialogs)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

IMPORT_FILTER = "Collateral (*.pdf *.docx *.pptx *.xlsx *.txt *.md *.html *.htm);;All files (*)"


def ask_open_files(parent: Optional[QWidget], title: str, file_filter: str = IMPORT_FILTER) -> list[Path]:
    names, _ = QFileDialog.getOpenFileNames(parent, title, "", file_filter)
    return [Path(n) for n in names]


def ask_open_file(parent: Optional[QWidget], title: str, file_filter: str = IMPORT_FILTER) -> Optional[Path]:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(name) if name else None


def ask_folder(parent: Optional[QWidget], title: str) -> Optional[Path]:
    name = QFileDialog.getExistingDirectory(parent, title)
    return Path(name) if name else None


def ask_save_file(parent: Optional[QWidget], title: str, suggested: str) -> Optional[Path]:
    name, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / suggested))
    return Path(name) if name else None


def open_in_default_app(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

"""Untrusted file → text + metadata, parsed in sandboxed worker processes.

Importing this package is cheap: parser libraries (pypdf, python-docx, python-pptx,
openpyxl, lxml) are imported only inside workers, or on first in-process extraction.

Outcomes (``Extracted.outcome``) and their details:
- ``ok``: text found (detail may note a corrected extension or a text cut);
- ``ok_no_text``: readable but no text ("no searchable text (scanned?)" for PDFs);
- ``rejected``: must leave no trace (empty, too large, unsupported, executable,
  macro-enabled, zip bomb, DOCTYPE, unsafe zip names, 0-page PDF, ...);
- ``failed``: supported but unreadable (damaged, password-protected, timeout, memory,
  crash); the caller still keeps the file as a piece.
"""

from __future__ import annotations

import os
from pathlib import Path

from enablement.config import ImportLimits
from enablement.extract.results import Block, Extracted, SniffResult
from enablement.extract.sandbox import ExtractionPool, extract_file_sandboxed

__all__ = ["Block", "Extracted", "ExtractionPool", "SniffResult", "extract_file",
           "extract_in_process", "sniff_file"]


def sniff_file(path: str | os.PathLike[str], limits: ImportLimits) -> SniffResult:
    """Judge a file's type from its bytes, in-process and cheaply.

    Refuses empty and over-size files, executables, macro-enabled and legacy Office
    files; reports an extension that disagrees with the content.
    """
    from enablement.extract.sniff import sniff_path

    return sniff_path(Path(path), limits)


def extract_in_process(path: str | os.PathLike[str], limits: ImportLimits) -> Extracted:
    """Extract ``path`` in the current process, without a sandbox (workers and tests).

    Never use this on untrusted files in the app: there is no timeout or memory cap.
    """
    from enablement.extract.pipeline import run_extraction

    return run_extraction(Path(path), limits)


def extract_file(path: str | os.PathLike[str], limits: ImportLimits) -> Extracted:
    """Extract one file in a sandboxed worker process; blocks until the outcome."""
    return extract_file_sandboxed(path, limits)

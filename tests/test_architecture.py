"""The layering rules of STYLE.md, enforced by import-linter (pyproject's contracts)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_importing_the_core_pulls_in_no_qt_and_no_parsers() -> None:
    code = ("import sys; import enablement.services.library, enablement.cli; "
            "bad = [m for m in ('PySide6', 'whoosh', 'pypdf', 'docx', 'pptx', 'reportlab') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""

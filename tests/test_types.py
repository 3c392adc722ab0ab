"""The type checker runs in the suite: mypy with pyproject's configuration, zero errors, and
every ``# type: ignore`` names its error code and says why (at most 15 of them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = ("enablement", "ui", "main.py")  # pyproject's [tool.mypy] files
MAX_IGNORES = 15
IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")


def test_mypy_checks_what_this_test_scans() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert tuple(config["tool"]["mypy"]["files"]) == CHECKED


def test_mypy_finds_no_error(tmp_path: Path) -> None:
    mypy = Path(sys.executable).with_name("mypy")
    # a private cache: a developer's own mypy run in the same tree never races this one
    result = subprocess.run([str(mypy), "--config-file", str(ROOT / "pyproject.toml"),
                             "--cache-dir", str(tmp_path / "cache")],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def _ignores() -> list[tuple[str, int, str, str]]:
    found = []
    for name in CHECKED:
        where = ROOT / name
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                m = IGNORE.search(line)
                if m:
                    found.append((str(path.relative_to(ROOT)), n, m["codes"] or "", m["rest"]))
    return found


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    ignores = _ignores()
    assert len(ignores) <= MAX_IGNORES, "\n".join(f"{p}:{n}" for p, n, _, _ in ignores)
    unexplained = [f"{p}:{n}" for p, n, codes, rest in ignores
                   if not codes or not re.search(r"#\s*\w+", rest)]
    assert not unexplained, "a type: ignore needs [code]  # reason: " + ", ".join(unexplained)


def test_the_ignore_check_sees_a_bare_ignore() -> None:
    assert IGNORE.search("x = f()  # type: ignore")["codes"] is None
    m = IGNORE.search("x = f()  # type: ignore[attr-defined]  # set by the metaclass")
    assert m["codes"] == "[attr-defined]" and re.search(r"#\s*\w+", m["rest"])

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
    code = ("import sys; import enablement.services.library, enablement.cli.entry; "
            "enablement.cli.entry.build_parser(); "  # imports every command group's module
            "bad = [m for m in ('PySide6', 'whoosh', 'pypdf', 'docx', 'pptx', 'reportlab') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_ci_runs_exactly_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line.strip() for line in block.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert len(commands) == 2, "the README starts with two commands: run the app, pass the tests"
    assert "enablement-app" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert commands[1] in [line.strip() for line in ci]


def test_data_shapes_are_imported_from_models_never_through_a_service() -> None:
    """DTOs live in enablement/models; a service module that happens to import one is not a
    second place to get it from (no re-exports), so moving code never breaks an importer."""
    import ast

    import enablement.models.dto as dto
    import enablement.models.journey as journey

    shapes = {name for module in (dto, journey) for name, value in vars(module).items()
              if isinstance(value, type) and value.__module__ == module.__name__}
    found = []
    for folder in ("enablement", "ui", "tests", "bench", "scripts"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("enablement.services")):
                    found += [f"{path.relative_to(ROOT)}: {a.name} from {node.module}" for a in node.names
                              if a.name in shapes]
    assert not found, "import these from enablement.models:\n" + "\n".join(found)

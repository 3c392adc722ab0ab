"""SQL lives in ``enablement/storage/`` (repositories) and ``enablement/reports/`` (read-only
aggregations); services orchestrate through ``ctx.read()`` / ``ctx.write()``. A grep, so a
query slipping back into a service fails here with the file and line."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "enablement" / "services"
REPORTS = ROOT / "enablement" / "reports"
QUERY_NAMES = {"select", "func", "text", "update", "delete", "insert", "col"}


def _imports(path: Path) -> list[tuple[int, str, str]]:
    """(line, module, name) of every ``from X import name`` in the file, nested ones too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [(node.lineno, node.module or "", alias.name) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) for alias in node.names]


def test_services_build_no_queries() -> None:
    found = [f"{path.name}:{line}: from {module} import {name}"
             for path in sorted(SERVICES.glob("*.py"))
             for line, module, name in _imports(path)
             if module.split(".")[0] in ("sqlmodel", "sqlalchemy") and name in QUERY_NAMES]
    assert found == [], "queries belong in enablement/storage/ repositories:\n" + "\n".join(found)


def test_services_write_only_through_a_unit_of_work() -> None:
    """``write_session``/``read_session`` on the engine would bypass the data source (and
    the cache hook): services use ``ctx.write()`` and ``ctx.read()``."""
    found = [f"{path.name}:{line}: {name}" for path in sorted(SERVICES.glob("*.py"))
             for line, module, name in _imports(path)
             if module == "enablement.storage.engine" and name in ("write_session", "read_session")]
    assert found == []


def test_reports_do_not_reach_up_into_services() -> None:
    found = [f"{path.name}:{line}: from {module} import {name}" for path in sorted(REPORTS.rglob("*.py"))
             for line, module, name in _imports(path) if module.startswith("enablement.services")]
    assert found == []


def test_services_open_no_connection_of_their_own() -> None:
    """A connection a service opened itself (sqlite3, ``engine.connect()``, raw driver SQL)
    would sit outside the error translator and the data source: storage does that."""
    found = []
    for path in sorted(SERVICES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                found += [f"{path.name}:{node.lineno}: import {m}" for m in modules
                          if m.split(".")[0] in ("sqlite3", "psycopg")]
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("connect", "raw_connection", "exec_driver_sql", "execute")):
                found.append(f"{path.name}:{node.lineno}: .{node.func.attr}(...)")
    assert found == [], "connections and raw SQL belong in enablement/storage/:\n" + "\n".join(found)

"""Plain-text rendering of a report for the terminal: headline, aligned tables, definitions."""

from __future__ import annotations

from typing import Any, Sequence

from enablement.reports.base import Report
from enablement.reports.export import cell_text, percent

MAX_CELL = 48


def _display(column: str, value: Any) -> str:
    if column.startswith("share") or column.endswith("ratio") or column == "ratio":
        return percent(value) if value is not None else ""
    text = cell_text(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_rows: int | None = None) -> str:
    """Columns aligned with two spaces; numbers right-aligned."""
    shown = list(rows if max_rows is None else rows[:max_rows])
    cells = [[_display(c, v) for c, v in zip(columns, row)] for row in shown]
    numeric = [all(isinstance(r[i], (int, float)) or r[i] is None for r in shown) and bool(shown)
               for i in range(len(columns))]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric)).rstrip()

    out = [line(list(columns)), line(["-" * w for w in widths])] + [line(r) for r in cells]
    if max_rows is not None and len(rows) > max_rows:
        out.append(f"… {len(rows) - max_rows} more rows (export to see all)")
    if not rows:
        out.append("(none)")
    return "\n".join(out)


def render_text(report: Report, max_rows: int | None = 50) -> str:
    """The whole report as readable text."""
    parts = [report.title, "=" * len(report.title), f"{report.filter.describe()}; as of {report.today}", ""]
    headline = report.headline()
    width = max((len(label) for label, _ in headline), default=0)
    for (attr, _), (label, value) in zip(report.HEADLINE, headline):
        shown = percent(value) if attr.startswith("share") or attr.endswith("ratio") else cell_text(value)
        parts.append(f"{label.ljust(width)}  {shown}")
    for table in report.tables:
        parts += ["", table.title, format_table(table.columns, table.rows, max_rows)]
    if report.notes:
        parts += ["", "Definitions:"] + [f"  - {n}" for n in report.notes]
    return "\n".join(parts) + "\n"

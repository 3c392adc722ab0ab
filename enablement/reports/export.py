"""Export reports to CSV (one report, in sections) and XLSX (a sheet per table, plus a
summary sheet with every headline number and the definitions). PDF lives in ``pdf.py``.

Every export carries the filter, the headline numbers and the definitions, so a number
read in a spreadsheet can be traced back to how it was counted.
"""

from __future__ import annotations

import csv
import io
import os
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence, TextIO

from enablement.errors import StorageError
from enablement.reports.base import Report

HEADLINE_SECTION = "Headline"
DEFINITIONS_SECTION = "Definitions"


def cell_text(value: Any) -> str:
    """A value as plain text: ratios as percentages, floats trimmed, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def percent(value: Any) -> str:
    """A 0..1 ratio as '62.5%'."""
    return "" if value is None else f"{value * 100:.1f}%"


def write_csv(report: Report, out: TextIO) -> None:
    """Write one report as CSV sections: title and filter, headline, each table, definitions.

    Each section starts with a row ``## <section title>``; tables then have a header row."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["# " + report.title])
    w.writerow(["# " + report.filter.describe() + f"; as of {report.today.isoformat()}"])
    w.writerow([])
    w.writerow(["## " + HEADLINE_SECTION])
    w.writerow(["measure", "value"])
    for label, value in report.headline():
        w.writerow([label, cell_text(value)])
    for table in report.tables:
        w.writerow([])
        w.writerow(["## " + table.title])
        w.writerow(list(table.columns))
        for row in table.rows:
            w.writerow([cell_text(v) for v in row])
    w.writerow([])
    w.writerow(["## " + DEFINITIONS_SECTION])
    for note in report.notes:
        w.writerow([note])


def csv_text(report: Report) -> str:
    """The CSV form of a report, as a string."""
    buf = io.StringIO()
    write_csv(report, buf)
    return buf.getvalue()


@contextmanager
def written_whole(path: Path) -> Iterator[Path]:
    """Write an export through a ``.part`` file beside ``path``: the body writes the file it is
    given, which then replaces ``path``. Whatever fails, writing or the final rename, the
    ``.part`` file is removed, so a failed export leaves nothing behind; a failed rename is
    said in one line (the reader of a half-saved report deserves to know)."""
    tmp = path.with_name(path.name + ".part")
    try:
        yield tmp
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise StorageError(f"Could not save {path.name} in {path.parent}: {exc.strerror or exc}; "
                               "the unfinished file was removed.") from exc
    except BaseException:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # the folder went away or refuses: nothing of ours can be left in it then
        raise


def to_csv(report: Report, path: Path) -> Path:
    """Write one report to a CSV file (UTF-8 with BOM so Excel reads the accents)."""
    path = Path(path)
    with written_whole(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as out:
        write_csv(report, out)
    return path


def _sheet_name(report: Report, table_name: str, used: set[str]) -> str:
    base = f"{report.name} {table_name}".replace("_", " ")[:31]
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, (int, float, date, datetime)):
        return value
    return str(value)


def _fit_columns(ws: Any, rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in rows:
        for i, v in enumerate(row, 1):
            widths[i] = max(widths.get(i, 0), len(cell_text(v)))
    for i, width in widths.items():
        ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def to_xlsx(reports: Sequence[Report], path: Path) -> Path:
    """Write reports to one workbook: a Summary sheet (headline numbers and definitions
    of every report) then one sheet per table, with styled headers and fitted columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    bold, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F4E79")
    title_font = Font(bold=True, size=13)
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the blank sheet a new workbook starts with
    summary = wb.create_sheet("Summary")
    lines: list[list[Any]] = []
    for report in reports:
        lines += [[report.title], [report.filter.describe() + f"; as of {report.today.isoformat()}"]]
        lines += [[label, _xlsx_value(value)] for label, value in report.headline()]
        lines += [[note] for note in report.notes] + [[]]
    for line in lines:
        summary.append(line)
    for row in summary.iter_rows():
        if row and row[0].value in {r.title for r in reports}:
            row[0].font = title_font
    summary.column_dimensions["A"].width = 60
    summary.column_dimensions["B"].width = 40
    used = {"summary"}
    for report in reports:
        for table in report.tables:
            ws = wb.create_sheet(_sheet_name(report, table.name, used))
            ws.append(list(table.columns))
            for cell in ws[1]:
                cell.font, cell.fill = bold, header_fill
                cell.alignment = Alignment(vertical="center")
            for row in table.rows:
                ws.append([_xlsx_value(v) for v in row])
            ws.freeze_panes = "A2"
            _fit_columns(ws, [table.columns, *table.rows])
            for i, column in enumerate(table.columns, 1):
                if column.startswith("share") or column == "ratio":
                    for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                        cell.number_format = "0.0%"
            note_row = ws.max_row + 2
            for j, note in enumerate((table.title, *table.notes, *report.notes)):
                ws.cell(row=note_row + j, column=1, value=note).font = Font(italic=True, color="555555")
    path = Path(path)
    with written_whole(path) as tmp:
        wb.save(tmp)
    return path

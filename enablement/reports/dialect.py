"""The SQL that differs between SQLite and PostgreSQL, in one place: date buckets, day
differences and keeping the SQLite planner off an index where a scan is faster."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, literal
from sqlalchemy.engine import Engine

from enablement.storage.engine import is_sqlite


def unindexed(engine: Engine, column: Any) -> Any:
    """On SQLite, ``column`` in a form the planner cannot use an index for (``x || ''`` or
    ``x + 0``, SQLite's documented way to disqualify a term); elsewhere ``column`` itself.
    Used where an index would mean a random table lookup per row of a large aggregate."""
    if not is_sqlite(engine):
        return column
    from sqlalchemy import Integer, type_coerce

    if isinstance(column.type, Integer):
        return column + 0
    return type_coerce(column.op("||")(literal("")), column.type)


def bucket_expr(engine: Engine, column: Any, bucket: str) -> Any:
    """A text label of the week (its Monday, YYYY-MM-DD) or month (YYYY-MM) of ``column``.

    The one place that branches on the SQL dialect for date bucketing."""
    if bucket not in ("week", "month"):
        raise ValueError(f"bucket must be week or month, not {bucket!r}")
    if is_sqlite(engine):
        if bucket == "week":
            return func.date(column, "weekday 0", "-6 days")
        return func.strftime("%Y-%m", column)
    if bucket == "week":
        return func.to_char(func.date_trunc("week", column), "YYYY-MM-DD")
    return func.to_char(column, "YYYY-MM")


def bucket_labels(first: date, last: date, bucket: str) -> list[str]:
    """Every bucket label from ``first`` to ``last`` (so empty weeks show as zero)."""
    labels: list[str] = []
    if bucket == "week":
        day = first - timedelta(days=first.weekday())
        while day <= last:
            labels.append(day.isoformat())
            day += timedelta(days=7)
    else:
        y, m = first.year, first.month
        while (y, m) <= (last.year, last.month):
            labels.append(f"{y:04d}-{m:02d}")
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return labels


def days_between(engine: Engine, start: Any, end: Any) -> Any:
    """(end - start) in days as a real number, in SQL."""
    if is_sqlite(engine):
        return func.julianday(end) - func.julianday(start)
    return func.extract("epoch", end - start) / 86400.0

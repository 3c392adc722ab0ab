"""Report 6: content requests. Open, fulfilled and declined requests, time to fulfil, by
stage and gate.

Requests counted are those created in the period (by the chosen team/rep); their status is
today's. Open includes in progress. Days to fulfil = resolved_at - created_at, in days, for
fulfilled requests only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select

from enablement.models.tables import ContentRequest, table_of
from enablement.models.vocab import RequestStatus
from enablement.reports.base import (all_of, USERS, Report, ReportFilter, ReportTable, count_if, days_between, fetch,
                                     in_period, user_conditions)
from enablement.storage.source import ReadContext

REQUESTS = table_of(ContentRequest)
OPEN_STATUSES = (RequestStatus.OPEN.value, RequestStatus.IN_PROGRESS.value)


@dataclass(frozen=True, kw_only=True)
class RequestsReport(Report):
    requests: int
    open: int
    fulfilled: int
    declined: int
    mean_days_to_fulfil: Optional[float]
    max_days_to_fulfil: Optional[float]
    HEADLINE = (("requests", "Requests made"), ("open", "Open (incl. in progress)"), ("fulfilled", "Fulfilled"),
                ("declined", "Declined"), ("mean_days_to_fulfil", "Mean days to fulfil"),
                ("max_days_to_fulfil", "Longest days to fulfil"))


def _round(value: Any) -> Optional[float]:
    return None if value is None else round(float(value), 2)


def requests_report(ctx: ReadContext, f: ReportFilter) -> RequestsReport:
    """Requests by status and by stage/gate, with time to fulfil."""
    today = ctx.today()
    conds = in_period(REQUESTS.c.created_at, f) + user_conditions(REQUESTS.c.requester_id, f)
    if f.stage_id is not None:
        conds.append(REQUESTS.c.stage_id == f.stage_id)
    if f.exclude_demo:
        conds.append(REQUESTS.c.is_demo == False)  # noqa: E712
    status = REQUESTS.c.status
    fulfilled = status == RequestStatus.FULFILLED.value
    days = days_between(ctx.engine, REQUESTS.c.created_at, REQUESTS.c.resolved_at)
    cols = (func.count().label("n"), count_if(status.in_(OPEN_STATUSES)).label("open"),
            count_if(fulfilled).label("fulfilled"), count_if(status == RequestStatus.DECLINED.value).label("declined"),
            func.avg(days).filter(fulfilled).label("mean_days"), func.max(days).filter(fulfilled).label("max_days"))
    where = all_of(conds)
    total = fetch(ctx.engine, select(*cols).where(where))[0]
    by_cell = fetch(ctx.engine, select(REQUESTS.c.stage_id, REQUESTS.c.gate_id, *cols).where(where)
                    .group_by(REQUESTS.c.stage_id, REQUESTS.c.gate_id))
    taxonomy = ctx.taxonomy()
    stage_order = {s.id: s.position for s in taxonomy.stages}
    gate_order = {g.id: g.position for s in taxonomy.stages for g in s.gates}

    def sort_key(r: Any) -> tuple[int, int]:
        return (stage_order.get(r.stage_id, 10**6), gate_order.get(r.gate_id, -1))

    cells = []
    for r in sorted(by_cell, key=sort_key):
        stage = taxonomy.stage(r.stage_id) if r.stage_id else None
        gate = taxonomy.gate(r.gate_id) if r.gate_id else None
        cells.append((stage.name if stage else "(no stage)", gate.question if gate else "(no gate)", int(r.n),
                      int(r.open), int(r.fulfilled), int(r.declined), _round(r.mean_days)))
    open_rows = fetch(ctx.engine, select(REQUESTS.c.id, REQUESTS.c.title, USERS.c.name, REQUESTS.c.stage_id,
                                         REQUESTS.c.gate_id, REQUESTS.c.status, REQUESTS.c.created_at)
                      .join(USERS, USERS.c.id == REQUESTS.c.requester_id)
                      .where(where, status.in_(OPEN_STATUSES)).order_by(REQUESTS.c.created_at, REQUESTS.c.id)
                      .limit(500))
    open_list = []
    for r in open_rows:
        stage = taxonomy.stage(r.stage_id) if r.stage_id else None
        gate = taxonomy.gate(r.gate_id) if r.gate_id else None
        open_list.append((r.id, r.title, r.name, stage.name if stage else "", gate.question if gate else "",
                          r.status, (today - r.created_at.date()).days))
    notes = ("Requests created in the period; status as of today. Open includes in progress.",
             "Days to fulfil = time from request to fulfilment, in days (fulfilled requests only).")
    tables = (
        ReportTable("by_gate", "Requests by stage and gate",
                    ("stage", "gate", "requests", "open", "fulfilled", "declined", "mean_days_to_fulfil"),
                    tuple(cells)),
        ReportTable("open", "Open requests (oldest first)",
                    ("request_id", "title", "requester", "stage", "gate", "status", "age_days"), tuple(open_list)),
    )
    return RequestsReport(name="requests", title="Content requests", filter=f, today=today, tables=tables,
                          notes=notes, requests=int(total.n), open=int(total.open), fulfilled=int(total.fulfilled),
                          declined=int(total.declined), mean_days_to_fulfil=_round(total.mean_days),
                          max_days_to_fulfil=_round(total.max_days))

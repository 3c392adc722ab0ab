"""Content requests as a table, and the proxy that filters them by status group and text."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt

from enablement.models.vocab import RequestStatus
from enablement.models.dto import RequestInfo
from .row_table_model import FIRST_CUSTOM_ROLE, Index, ItemIdRole, RowRole, RowTableModel, SortRole
from ..text import shown, tooltip

TITLE, WHERE, REQUESTER, STATUS, DUE, OUTCOME, FILED = range(7)
HEADERS = ("Request", "Stage / gate", "Requested by", "Status", "Due", "What happened", "Filed")
RequestRole = RowRole  # the RequestInfo
RequestIdRole = ItemIdRole
StatusRole = FIRST_CUSTOM_ROLE  # the RequestStatus

STATUS_LABELS: dict[str, str] = {RequestStatus.OPEN: "Open", RequestStatus.IN_PROGRESS: "In progress",
                 RequestStatus.FULFILLED: "Fulfilled", RequestStatus.DECLINED: "Declined"}
# The queue's tabs: which statuses each shows.
GROUPS: dict[str, frozenset[str]] = {
    "open": frozenset({RequestStatus.OPEN}),
    "in_progress": frozenset({RequestStatus.IN_PROGRESS}),
    "done": frozenset({RequestStatus.FULFILLED, RequestStatus.DECLINED}),
    "all": frozenset(RequestStatus),
}
_STATUS_ORDER: dict[str, int] = {RequestStatus.OPEN: 0, RequestStatus.IN_PROGRESS: 1, RequestStatus.FULFILLED: 2,
                 RequestStatus.DECLINED: 3}


def where_text(r: RequestInfo) -> str:
    if r.stage and r.gate:
        return f"{r.stage} › {r.gate}"
    return r.stage or "—"


def outcome_text(r: RequestInfo) -> str:
    if r.status == RequestStatus.FULFILLED:
        return f"Got: {r.piece_title}" if r.piece_title else "Fulfilled"
    if r.status == RequestStatus.DECLINED:
        return f"Declined: {r.decline_reason}" if r.decline_reason else "Declined"
    if r.status == RequestStatus.IN_PROGRESS:
        return "Marketing is working on it"
    return "Waiting for marketing"


class RequestsTableModel(RowTableModel[RequestInfo]):
    """Thin adapter over RequestInfo rows."""

    headers = HEADERS

    def display(self, r: RequestInfo, column: int, position: int) -> Any:
        if column == TITLE:
            return shown(r.title)
        if column == WHERE:
            return shown(where_text(r))
        if column == REQUESTER:
            return shown(r.requester) or "—"
        if column == STATUS:
            return STATUS_LABELS.get(r.status, r.status)
        if column == DUE:
            return f"{r.due:%d %b %Y}" if r.due else "—"
        if column == OUTCOME:
            return outcome_text(r)
        if column == FILED:
            return f"{r.created_at:%d %b %Y}"
        return None

    def sort_value(self, r: RequestInfo, column: int, position: int) -> Any:
        if column == REQUESTER:
            return r.requester.casefold()
        if column == STATUS:
            return _STATUS_ORDER.get(r.status, 9)
        if column == DUE:
            return (r.due or date.max).isoformat()
        if column == FILED:
            return r.created_at.isoformat()
        return super().sort_value(r, column, position)

    def role_data(self, r: RequestInfo, column: int, role: int) -> Any:
        if role == StatusRole:
            return r.status
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(r.need or r.title)
        return None


class RequestsFilterProxyModel(QSortFilterProxyModel):
    """Shows one status group and rows whose title, need, requester or account match."""

    def __init__(self, parent: Optional[QObject] = None) -> None:
        super().__init__(parent)
        self.group = "all"
        self.text = ""
        self.setSortRole(SortRole)

    def set_group(self, group: str) -> None:
        self.beginFilterChange()
        self.group = group
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self.text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        r: RequestInfo = self.sourceModel().index(source_row, 0, source_parent).data(RequestRole)
        if r is None or r.status not in GROUPS[self.group]:
            return False
        if self.text:
            hay = " ".join((r.title, r.need, r.requester, r.account, r.stage, r.gate)).casefold()
            return self.text in hay
        return True

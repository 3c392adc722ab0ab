"""Content requests as a table, and the proxy that filters them by status group and text."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from enablement.models.vocab import RequestStatus
from enablement.services.requests import RequestInfo

Index = QModelIndex | QPersistentModelIndex

TITLE, WHERE, REQUESTER, STATUS, DUE, OUTCOME, FILED = range(7)
HEADERS = ("Request", "Stage / gate", "Requested by", "Status", "Due", "What happened", "Filed")
RequestRole = Qt.ItemDataRole.UserRole + 1
RequestIdRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3
StatusRole = Qt.ItemDataRole.UserRole + 4

STATUS_LABELS = {RequestStatus.OPEN: "Open", RequestStatus.IN_PROGRESS: "In progress",
                 RequestStatus.FULFILLED: "Fulfilled", RequestStatus.DECLINED: "Declined"}
# The queue's tabs: which statuses each shows.
GROUPS: dict[str, frozenset[str]] = {
    "open": frozenset({RequestStatus.OPEN}),
    "in_progress": frozenset({RequestStatus.IN_PROGRESS}),
    "done": frozenset({RequestStatus.FULFILLED, RequestStatus.DECLINED}),
    "all": frozenset(RequestStatus),
}
_STATUS_ORDER = {RequestStatus.OPEN: 0, RequestStatus.IN_PROGRESS: 1, RequestStatus.FULFILLED: 2,
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


class RequestsTableModel(QAbstractTableModel):
    """Thin adapter over RequestInfo rows."""

    def __init__(self, parent=None, today: Optional[date] = None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self._rows: list[RequestInfo] = []
        self.today = today or date.today()

    def set_requests(self, rows: Sequence[RequestInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @property
    def requests(self) -> list[RequestInfo]:
        return list(self._rows)

    def row_of(self, request_id: int) -> int:
        return next((n for n, r in enumerate(self._rows) if r.id == request_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.title, where_text(r), r.requester or "—", STATUS_LABELS.get(r.status, r.status),
                    f"{r.due:%d %b %Y}" if r.due else "—", outcome_text(r), f"{r.created_at:%d %b %Y}")[col]
        if role == SortRole:
            return (r.title.casefold(), where_text(r).casefold(), r.requester.casefold(),
                    _STATUS_ORDER.get(r.status, 9), (r.due or date.max).isoformat(), outcome_text(r).casefold(),
                    r.created_at.isoformat())[col]
        if role == RequestRole:
            return r
        if role == RequestIdRole:
            return r.id
        if role == StatusRole:
            return r.status
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.need or r.title
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(HEADERS):
            return HEADERS[section]
        return None


class RequestsFilterProxyModel(QSortFilterProxyModel):
    """Shows one status group and rows whose title, need, requester or account match."""

    def __init__(self, parent=None) -> None:  # type: ignore[no-untyped-def]
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

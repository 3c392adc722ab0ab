"""Reports: one dashboard for sales and marketing. Used vs ignored (and why), coverage of
the buyer journey, usage over time, adoption, search gaps, requests, freshness, hours saved
and helpfulness, for a period and a team, rep, stage or content type; every table drills
down to the pieces behind its numbers, and everything exports to CSV, XLSX or PDF."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDoubleSpinBox, QFormLayout, QGridLayout,
                               QGroupBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSplitter, QTabWidget,
                               QVBoxLayout, QWidget)

from enablement.display import count
from enablement.errors import UserFacingError
from enablement.models.changes import Changes
from enablement.models.dto import Actor, UserInfo
from enablement.reports.base import ReportFilter
from enablement.models.vocab import Role
from enablement.models.journey import JourneyCell
from enablement.services.journey import cell_pieces
from enablement.services.permissions import Permission
from enablement.services.reports_service import Dashboard, stale_note
from ..context import AppContext
from ..pages.lazy_page import LazyPage
from ..text import count_phrase
from ..dialogs import files
from ..dialogs.request_dialog import RequestDialog
from ..widgets import report_views
from ..widgets.dates import as_date
from ..widgets.journey_grid import CARD_HEIGHT, JourneyGridView
from ..widgets.page_header import Banner, PageHeader
from ..widgets.piece_table import PieceTableView
from ..widgets.report_views import KpiCard, ReportTableView

PERIODS = ((30, "Last 30 days"), (90, "Last 90 days"), (180, "Last 180 days"), (365, "Last 365 days"),
           (0, "Custom…"))
# Which report the CSV export of each tab writes.
TAB_REPORTS = ("used", "coverage", "used", "adoption", "search-gaps", "requests", "freshness", "hours-saved")


def _pct(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.0%}"


def _group(title: str, *widgets: QWidget, note: str = "") -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    if note:
        label = QLabel(note)
        label.setWordWrap(True)
        layout.addWidget(label)
    for w in widgets:
        layout.addWidget(w)
    return box


class ReportsPage(LazyPage):
    title = "Reports"
    works_offline = True  # a team library shows the copy kept when the server last answered

    def __init__(self, app: AppContext, parent: Optional[QWidget] = None) -> None:
        super().__init__(parent)
        self.app = app
        self.bundle: Optional[Dashboard] = None
        self._seq = 0
        self.request_dialog: Optional[RequestDialog] = None
        self._charts: list[QWidget] = []

        self.header = PageHeader(self.title, "One set of numbers for sales and marketing: what gets used, what is "
                                 "ignored and why, where the buyer journey has no content, and what it is worth.")
        self.csv_button = QPushButton("Export CSV…")
        self.csv_button.setToolTip("The report of the current tab as CSV")
        self.xlsx_button = QPushButton("Export XLSX…")
        self.xlsx_button.setToolTip("Every report, one sheet each")
        self.pdf_button = QPushButton("Export PDF…")
        self.pdf_button.setToolTip("Every report with its definitions, for a meeting")
        for button, fmt in ((self.csv_button, "csv"), (self.xlsx_button, "xlsx"), (self.pdf_button, "pdf")):
            button.clicked.connect(lambda _c=False, f=fmt: self.export(f))
            self.header.controls.addWidget(button)

        self._build_filters()
        self.banner = Banner()
        self.last_export: Optional[Path] = None
        self.banner.action_clicked.connect(self._open_export)
        # offline on a team library: the copy kept when the server last answered, read-only
        self.kept_banner = Banner()
        self._online = app.actions.online
        app.actions.changed.connect(self._link_changed)
        self.denied_label = QLabel("Reports are for managers, marketing and admins.")
        self.denied_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._overview_tab(), "Overview")
        self.tabs.addTab(self._coverage_tab(), "Coverage")
        self.tabs.addTab(self._used_tab(), "Used vs ignored")
        self.tabs.addTab(self._adoption_tab(), "Adoption")
        self.tabs.addTab(self._gaps_tab(), "Search gaps")
        self.tabs.addTab(self._requests_tab(), "Requests")
        self.tabs.addTab(self._freshness_tab(), "Freshness")
        self.tabs.addTab(self._value_tab(), "Value")

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(self.filter_row)
        layout.addWidget(self.kept_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.denied_label, 1)
        self.on_actor_changed(app.actor)

    # --- building --------------------------------------------------------------------------
    def _build_filters(self) -> None:
        self.period_combo = QComboBox()
        for days, label in PERIODS:
            self.period_combo.addItem(label, days)
        self.period_combo.setCurrentIndex(1)
        today = QDate.currentDate()
        self.since_edit = QDateEdit(today.addDays(-89))
        self.until_edit = QDateEdit(today)
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setVisible(False)
            edit.dateChanged.connect(lambda _d: self.reload())
        self.team_combo, self.rep_combo = QComboBox(), QComboBox()
        self.stage_combo, self.type_combo = QComboBox(), QComboBox()
        self.demo_check = QCheckBox("Exclude demo data")
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        for combo in (self.team_combo, self.rep_combo, self.stage_combo, self.type_combo):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.demo_check.toggled.connect(lambda _c: self.reload())
        self.filter_row = QHBoxLayout()
        for w in (QLabel("Period"), self.period_combo, self.since_edit, self.until_edit, QLabel("Team"),
                  self.team_combo, QLabel("Rep"), self.rep_combo, QLabel("Stage"), self.stage_combo,
                  QLabel("Type"), self.type_combo, self.demo_check):
            self.filter_row.addWidget(w)
        self.filter_row.addStretch(1)

    def _fill_filters(self) -> None:
        """Read the people and the taxonomy the filters offer (off the GUI thread), then fill them."""
        self.app.runner.op(self.app.library.users.list).success(self._show_filters).read()

    def _show_filters(self, users: list[UserInfo]) -> None:
        taxonomy = self.app.taxonomy
        if taxonomy is None:
            return  # not read yet: its arrival is announced as a taxonomy change, which refills these
        options = (
            (self.team_combo, "All teams", [(t, t) for t in sorted({u.team for u in users if u.team})]),
            (self.rep_combo, "All reps", [(u.name, u.id) for u in users if u.role == Role.REP]),
            (self.stage_combo, "All stages", [(s.name, s.id) for s in taxonomy.stages if not s.retired]),
            (self.type_combo, "All types", [(v.label, v.id) for v in taxonomy.facets.get("content_type", ())
                                            if not v.retired]),
        )
        for combo, blank, items in options:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(blank, None)
            for label, value in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def _overview_tab(self) -> QWidget:
        self.cards = {key: KpiCard(label) for key, label in (
            ("used", "Published pieces used"), ("hours", "Hours saved (estimate)"), ("adoption", "Reps active"),
            ("coverage", "Buyer questions with content"), ("stale", "Past their review date"),
            ("helpful", "Rated helpful"))}
        cards = QGridLayout()
        for n, card in enumerate(self.cards.values()):
            cards.addWidget(card, 0, n)
        self.reasons_label = QLabel()
        self.reasons_label.setWordWrap(True)
        self.reasons_label.setTextFormat(Qt.TextFormat.RichText)
        self.charts_grid = QGridLayout()
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(cards)
        layout.addWidget(self.reasons_label)
        layout.addLayout(self.charts_grid, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        return scroll

    def _coverage_tab(self) -> QWidget:
        self.coverage_grid = JourneyGridView(self, can_request=True)
        self.coverage_grid.cell_selected.connect(self._coverage_cell)
        self.coverage_grid.request_wanted.connect(lambda cell: self.request(
            f"Content for “{cell.question}”" if cell.gate_id else "", cell.stage_id, cell.gate_id))
        self.coverage_summary = QLabel()
        self.cell_pieces = PieceTableView(self)
        self.cell_pieces.piece_opened.connect(self.app.signals.open_piece.emit)
        self.cell_label = QLabel("Click a gate to see the published pieces behind its numbers.")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.cell_label)
        lower_layout.addWidget(self.cell_pieces)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.coverage_grid)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.coverage_summary)
        layout.addWidget(splitter, 1)
        return tab

    def _table(self) -> ReportTableView:
        """A report table whose pieces open on double-click (``set_table`` names its stretching column)."""
        view = ReportTableView(self)
        view.piece_opened.connect(self.app.signals.open_piece.emit)
        return view

    def _used_tab(self) -> QWidget:
        self.reasons_table = self._table()
        self.reasons_table.row_chosen.connect(self._reason_chosen)
        self.reasons_table.setMaximumHeight(140)
        self.ignored_table = self._table()
        self.archive_table = self._table()
        self.ignored_box = _group("Ignored pieces", self.ignored_table,
                                  note="Double-click a piece to open it. Click a reason above to list only its pieces.")
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.ignored_box)
        splitter.addWidget(_group("Archiving candidates: stale and unused", self.archive_table))
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(_group("Why pieces are ignored", self.reasons_table))
        layout.addWidget(splitter, 1)
        return tab

    def _adoption_tab(self) -> QWidget:
        self.adoption_label = QLabel()
        self.adoption_label.setWordWrap(True)
        self.reps_table = self._table()
        self.never_table = self._table()
        self.source_table = self._table()
        self.source_table.setMaximumHeight(110)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.adoption_label)
        layout.addWidget(_group("Uses per rep", self.reps_table), 2)
        row = QHBoxLayout()
        row.addWidget(_group("Reps who never searched", self.never_table))
        row.addWidget(_group("Rep-made vs marketing pieces in use", self.source_table))
        layout.addLayout(row, 1)
        return tab

    def _gaps_tab(self) -> QWidget:
        self.gaps_label = QLabel()
        self.gaps_label.setWordWrap(True)
        self.gaps_table = self._table()
        self.gaps_table.set_row_action("Request this…", self.request_gap)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.gaps_label)
        layout.addWidget(self.gaps_table, 1)
        return tab

    def _requests_tab(self) -> QWidget:
        self.requests_label = QLabel()
        self.requests_label.setWordWrap(True)
        self.requests_gate_table = self._table()
        self.requests_open_table = self._table()
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.requests_label)
        layout.addWidget(_group("Requests by stage and gate", self.requests_gate_table), 1)
        layout.addWidget(_group("Open requests, oldest first", self.requests_open_table), 1)
        return tab

    def _freshness_tab(self) -> QWidget:
        self.freshness_label = QLabel()
        self.freshness_label.setWordWrap(True)
        self.owners_table = self._table()
        self.stale_table = self._table()
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.freshness_label)
        layout.addWidget(_group("Stale pieces by owner", self.owners_table), 1)
        layout.addWidget(_group("Pieces past their review date (double-click to open)", self.stale_table), 2)
        return tab

    def _value_tab(self) -> QWidget:
        self.hours_spin = QDoubleSpinBox()
        self.hours_spin.setRange(0.5, 1000)  # the library's setting accepts more than 0, up to 1,000
        self.hours_spin.setDecimals(1)
        self.hours_spin.setSingleStep(0.5)
        self.hours_spin.setSuffix(" h")
        self.hours_spin.setMaximumWidth(self.hours_spin.fontMetrics().horizontalAdvance("1000.0 h") + 48)
        self.hours_spin.setValue(self.app.library.settings.get().hours_to_build_piece)
        self.hours_spin.setToolTip("How long a rep would spend building a piece from scratch "
                                   "(saved for everyone who opens this library)")
        self.hours_spin.editingFinished.connect(self._hours_changed)
        self.hours_result = QLabel()
        font = self.hours_result.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.hours_result.setFont(font)
        self.formula_label = QLabel()
        self.formula_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Hours to build one piece", self.hours_spin)
        form.addRow("Hours saved", self.hours_result)
        form.addRow("How it is counted", self.formula_label)
        self.hours_table = self._table()
        self.helpful_pieces = self._table()
        self.helpful_gates = self._table()
        hours_box = QGroupBox("Hours saved (an estimate, not a measurement)")
        hours_layout = QVBoxLayout(hours_box)
        hours_layout.addLayout(form)
        hours_layout.addWidget(self.hours_table)
        self.helpful_label = QLabel()
        tab = QWidget()
        layout = QHBoxLayout(tab)
        layout.addWidget(hours_box, 1)
        right = QVBoxLayout()
        right.addWidget(self.helpful_label)
        right.addWidget(_group("Helpfulness per piece", self.helpful_pieces), 1)
        right.addWidget(_group("Helpfulness per gate", self.helpful_gates), 1)
        layout.addLayout(right, 1)
        return tab

    # --- page contract ---------------------------------------------------------------------
    def can_load(self) -> bool:
        return self.allowed

    def apply_changes(self, changes: Changes) -> None:
        if (changes.usage or changes.searches or changes.pieces or changes.requests or changes.taxonomy
                or changes.users):
            if changes.users or changes.taxonomy:
                self._fill_filters()
            self.mark_stale()

    def on_actor_changed(self, actor: Actor) -> None:
        self.allowed = self.app.can(Permission.VIEW_REPORTS)
        self.tabs.setVisible(self.allowed)
        self.denied_label.setVisible(not self.allowed)
        for w in (self.csv_button, self.xlsx_button, self.pdf_button):
            w.setEnabled(self.allowed)
        for i in range(self.filter_row.count()):
            entry = self.filter_row.itemAt(i)
            item = entry.widget() if entry is not None else None
            if item is not None and item not in (self.since_edit, self.until_edit):
                item.setVisible(self.allowed)
        if self.allowed:
            self._fill_filters()
            self.mark_stale()

    # --- loading ---------------------------------------------------------------------------
    def _period_changed(self) -> None:
        custom = self.period_combo.currentData() == 0
        self.since_edit.setVisible(custom)
        self.until_edit.setVisible(custom)
        self.reload()

    def report_filter(self) -> ReportFilter:
        today = self.app.library.ctx.today()
        days = self.period_combo.currentData()
        if days:
            since, until = today - timedelta(days=days - 1), today
        else:
            since, until = as_date(self.since_edit.date()), as_date(self.until_edit.date())
            if since > until:
                since, until = until, since
        return ReportFilter(since=since, until=until, team=self.team_combo.currentData(),
                            user_id=self.rep_combo.currentData(), stage_id=self.stage_combo.currentData(),
                            content_type_value_id=self.type_combo.currentData(),
                            exclude_demo=self.demo_check.isChecked())

    def reload(self) -> None:
        if not self.allowed:
            return
        self._dirty = False
        self._seq += 1
        seq = self._seq
        self.app.runner.op(self.app.library.reports.dashboard, self.app.actor, self.report_filter(),
                           self.hours_spin.value()).success(lambda b: self._loaded(seq, b)).failure(self._failed).read()

    def _link_changed(self) -> None:
        """The team server went or came back: show the kept copy, or current numbers again."""
        if self.app.actions.online != self._online:
            self._online = self.app.actions.online
            if self.allowed:
                self.mark_stale()

    def _show_kept(self, bundle: Dashboard) -> None:
        """A kept copy (``as_of``) is read-only: its filters cannot be changed until reconnected."""
        kept = bundle.as_of is not None
        if bundle.as_of is not None:
            self.kept_banner.show_message(f"{stale_note(bundle.as_of)} Showing {bundle.filter.describe().lower()}.",
                                          "stale", closable=False)
        else:
            self.kept_banner.hide()
        for i in range(self.filter_row.count()):
            item = self.filter_row.itemAt(i)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setEnabled(not kept)
        self.hours_spin.setEnabled(not kept)

    def _failed(self, exc: BaseException) -> None:
        """A user's error shows in the banner; a bug goes to the report dialog (the operation does that)."""
        if isinstance(exc, UserFacingError):
            self.banner.show_message(str(exc), "empty")

    def _loaded(self, seq: int, bundle: Dashboard) -> None:
        if seq != self._seq:
            return
        self.bundle = bundle
        self._show_kept(bundle)
        self._show_overview(bundle)
        self._show_coverage(bundle)
        u = bundle.used
        self.reasons_table.set_table(u.table("reasons"), "reason")
        self.ignored_table.set_table(u.table("ignored"), "title")
        self.ignored_table.proxy.setFilterFixedString("")
        self.ignored_box.setTitle("Ignored pieces")
        self.archive_table.set_table(u.table("archive_candidates"), "title")
        a = bundle.adoption
        self.adoption_label.setText(f"<b>{a.active_reps} of {a.reps}</b> reps used the library in the period "
                                    f"({_pct(a.share_active)}); {count(a.rep_uses, 'use')} by reps, "
                                    f"{a.reps_never_searched} never searched.")
        self.reps_table.set_table(a.table("reps"), "rep")
        self.never_table.set_table(a.table("never_searched"), "rep")
        self.source_table.set_table(a.table("by_source"), "source")
        g = bundle.gaps
        self.gaps_label.setText(f"<b>{g.zero_result_searches + g.unopened_searches:,}</b> of {count(g.searches, 'search', 'searches')} "
                                f"found nothing useful ({_pct(g.share_unanswered)}): {g.zero_result_searches:,} had "
                                f"zero results, {g.unopened_searches:,} had results nobody opened. Each row is "
                                "content reps looked for; “Request this…” asks marketing for it.")
        self.gaps_table.set_table(g.table("gaps"), "query")
        r = bundle.requests
        mean = f"{r.mean_days_to_fulfil:.1f} days" if r.mean_days_to_fulfil is not None else "—"
        self.requests_label.setText(f"<b>{r.requests}</b> {'request' if r.requests == 1 else 'requests'} in the period: {r.open} open, {r.fulfilled} "
                                    f"fulfilled, {r.declined} declined. Mean time to fulfil: {mean}.")
        self.requests_gate_table.set_table(r.table("by_gate"), "gate")
        self.requests_open_table.set_table(r.table("open"), "title")
        fr = bundle.freshness
        self.freshness_label.setText(f"<b>{fr.stale}</b> of {count(fr.published, 'published piece')} "
                                     f"{'is' if fr.stale == 1 else 'are'} past their review date ({_pct(fr.share_stale)}); "
                                     f"{fr.no_review_date} {'has' if fr.no_review_date == 1 else 'have'} no review date.")
        self.owners_table.set_table(fr.table("by_owner"), "owner")
        self.stale_table.set_table(fr.table("stale"), "title")
        self._show_value(bundle)
        self.banner.hide()

    def _show_overview(self, b: Dashboard) -> None:
        u, h, a, c, fr, hp = b.used, b.hours, b.adoption, b.coverage, b.freshness, b.helpfulness
        self.cards["used"].set_value(_pct(u.share_used), f"{u.used} of {count(u.published, 'published piece')}; "
                                     f"{u.ignored} ignored", "good" if (u.share_used or 0) >= 0.5 else "stale")
        self.cards["hours"].set_value(f"{h.hours_saved:,.0f} h", f"{count(h.reuses, 'reuse')} × {h.hours_per_piece:g} h")
        self.cards["adoption"].set_value(f"{a.active_reps} of {a.reps}", f"{_pct(a.share_active)} of reps active")
        self.cards["coverage"].set_value(f"{c.cells - c.gaps} of {c.cells}", f"{count(c.gaps, 'gate')} with no content",
                                         "empty" if c.gaps else "good")
        self.cards["stale"].set_value(str(fr.stale), f"{_pct(fr.share_stale)} of published pieces",
                                      "stale" if fr.stale else None)
        self.cards["helpful"].set_value(_pct(hp.helpful_ratio), f"{hp.helpful} of {count(hp.feedback, 'answer')}")
        self.reasons_label.setText(
            f"<b>Why {count_phrase(u.ignored, 'piece was', 'pieces were')} ignored:</b> "
            f"{u.never_surfaced} never came up in a search, {u.surfaced_not_opened} came up but "
            f"{'was' if u.surfaced_not_opened == 1 else 'were'} never opened, {u.opened_not_used} "
            f"{'was' if u.opened_not_used == 1 else 'were'} opened but never used with a buyer. "
            f"{count_phrase(u.archive_candidates, 'is', 'are')} stale and unused: candidates to archive.")
        for chart in self._charts:
            chart.deleteLater()
        palette = self.palette()
        reasons = [("Never surfaced", u.never_surfaced), ("Surfaced, not opened", u.surfaced_not_opened),
                   ("Opened, not used", u.opened_not_used)]
        self._charts = [report_views.chart_view(report_views.usage_over_time(b.trends.table("over_time"), palette)),
                        report_views.chart_view(report_views.used_vs_ignored(u.used, reasons, palette)),
                        report_views.chart_view(report_views.top_pieces(b.trends.table("top"), palette))]
        self.charts_grid.addWidget(self._charts[0], 0, 0, 1, 2)
        self.charts_grid.addWidget(self._charts[1], 1, 0)
        self.charts_grid.addWidget(self._charts[2], 1, 1)
        self.charts_grid.setRowMinimumHeight(0, 260)
        self.charts_grid.setRowMinimumHeight(1, 280)

    def _show_coverage(self, b: Dashboard) -> None:
        c = b.coverage
        self.coverage_grid.set_map(b.journey)
        self.coverage_grid.setMinimumHeight(min(self.coverage_grid.minimum_grid_height(), 3 * CARD_HEIGHT + 40))
        self.coverage_summary.setText(f"<b>{c.cells - c.gaps} of {c.cells}</b> gates have published content; "
                                      f"<b>{c.gaps}</b> gaps and <b>{c.unused_cells}</b> gates whose pieces were not "
                                      "used in the period. Right-click a gate to request content for it.")

    def _show_value(self, b: Dashboard) -> None:
        h, hp = b.hours, b.helpfulness
        self.hours_result.setText(f"{h.hours_saved:,.1f} hours")
        self.formula_label.setText(f"{h.formula}.\n{h.assumption}")
        self.hours_table.set_table(h.table("by_person"), "person")
        self.helpful_label.setText(f"<b>{_pct(hp.helpful_ratio)}</b> of {hp.feedback} feedback answers said the "
                                   "piece helped.")
        self.helpful_pieces.set_table(hp.table("by_piece"), "title")
        self.helpful_gates.set_table(hp.table("by_gate"), "gate")

    # --- drill-down and actions ------------------------------------------------------------
    def _coverage_cell(self, cell: JourneyCell) -> None:
        self.cell_label.setText(f"{cell.question}: published pieces")
        self.app.runner.op(cell_pieces, self.app.library, cell.stage_id, cell.gate_id,
                           window_days=self.bundle.journey.window_days if self.bundle else 90).success(
            lambda result: self.cell_pieces.table_model.set_rows(result.pieces, result.recent_uses)).read()

    def _reason_chosen(self, row: dict) -> None:
        reason = row.get("reason", "")
        column = self.ignored_table.table_model.column_index("why_ignored")
        self.ignored_table.proxy.setFilterKeyColumn(column)
        self.ignored_table.proxy.setFilterFixedString(reason)
        self.ignored_box.setTitle(f"Ignored pieces: {reason}")

    def _hours_changed(self) -> None:
        """Save the manager's assumption (write lane), then recount the hours-saved report."""
        hours = self.hours_spin.value()
        if hours == self.app.library.settings.get().hours_to_build_piece and (
                self.bundle is None or hours == self.bundle.hours.hours_per_piece):
            return
        self.app.runner.op(self.app.library.settings.set_hours_per_piece, self.app.actor, hours).success(
            self._hours_saved).failure(self._hours_failed).write()

    def _hours_saved(self, settings) -> None:
        hours = settings.hours_to_build_piece  # the change is announced: a settings change reloads no page
        if self.bundle is None or hours == self.bundle.hours.hours_per_piece:
            return

        def shown(report) -> None:
            if self.bundle is not None:
                from dataclasses import replace

                self.bundle = replace(self.bundle, hours=report)
                self._show_value(self.bundle)
                self.cards["hours"].set_value(f"{report.hours_saved:,.0f} h",
                                              f"{count(report.reuses, 'reuse')} × {report.hours_per_piece:g} h")

        # Only this report depends on the setting: recount just it.
        self.app.runner.op(self.app.library.reports.hours_saved, self.app.actor, self.bundle.filter,
                           hours).success(shown).failure(self._failed).read()

    def _hours_failed(self, exc: BaseException) -> None:
        self.hours_spin.setValue(self.app.library.settings.get().hours_to_build_piece)  # back to what is stored
        self._failed(exc)

    def request_gap(self, row: dict) -> None:
        args = self.app.library.reports.gap_request(row)
        self.request(args.title, args.stage_id, args.gate_id, args.need)

    def request(self, title: str, stage_id: Optional[int], gate_id: Optional[int], need: str = "") -> RequestDialog:
        if self.request_dialog is not None:
            self.request_dialog.deleteLater()
        self.request_dialog = RequestDialog(self.app, self, title=title, stage_id=stage_id, gate_id=gate_id, need=need)
        self.request_dialog.open()
        return self.request_dialog

    def export(self, fmt: str) -> None:
        names = [TAB_REPORTS[self.tabs.currentIndex()]] if fmt == "csv" else []
        suggested = f"{names[0] if names else 'enablement-reports'}-{date.today():%Y-%m-%d}.{fmt}"
        path = files.ask_save_file(self, f"Export reports as {fmt.upper()}", suggested)
        if path is None:
            return
        extra = {"hours_per_piece": self.hours_spin.value()}
        self.banner.show_message(f"Exporting to {path.name}…", "info", closable=False)
        self.app.runner.op(self.app.library.reports.export, self.app.actor, names, fmt, Path(path),
                           self.report_filter(), **extra).success(self._exported).failure(self._failed).read()

    def _exported(self, path: Path) -> None:
        self.last_export = path
        self.banner.show_message(f"Saved {path}", "good", action="Open")

    def _open_export(self) -> None:
        if self.last_export is not None:
            files.open_in_default_app(self.last_export)

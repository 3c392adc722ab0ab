"""Manager reports: used vs ignored, coverage, trends, adoption, search gaps, requests,
freshness, hours saved and helpfulness, plus their export.

Every method needs the VIEW_REPORTS permission and takes the acting user first. The
numbers come from GROUP BY queries over the usage and search logs (see enablement.reports);
the definitions travel with each report in its ``notes`` and in every export.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TypeVar

from enablement.errors import InvalidInput, Offline, when_text
from enablement.models.dto import Actor, Done
from enablement.models.journey import JourneyMap
from enablement.reports.adoption import AdoptionReport, adoption
from enablement.reports.base import Report, ReportFilter
from enablement.reports.coverage import CoverageReport, coverage
from enablement.reports.freshness import FreshnessReport, freshness
from enablement.reports.piece import PieceStats, piece_stats
from enablement.reports.requests_report import RequestsReport, requests_report
from enablement.reports.search_gaps import GapRequest, SearchGapsReport, gap_request, search_gaps
from enablement.reports.trends import TrendsReport, trends
from enablement.reports.used import UsedVsIgnoredReport, used_vs_ignored
from enablement.reports.value import HelpfulnessReport, HoursSavedReport, helpfulness, hours_saved
from enablement.models.tables import utcnow
from enablement.services.context import LibraryContext
from enablement.services.journey import journey_from_coverage
from enablement.services.permissions import Permission, require
from enablement.storage import report_copies

T = TypeVar("T")
NO_COPY = ("Reports need the team server, which cannot be reached now, and no copy of them was kept on this "
           "computer yet; reconnect to see them.")


@dataclass(frozen=True)
class Dashboard:
    """Every report of the app's dashboard for one filter, with the journey map of its coverage."""

    filter: ReportFilter
    used: UsedVsIgnoredReport
    coverage: CoverageReport
    journey: JourneyMap
    trends: TrendsReport
    adoption: AdoptionReport
    gaps: SearchGapsReport
    requests: RequestsReport
    freshness: FreshnessReport
    hours: HoursSavedReport
    helpfulness: HelpfulnessReport
    as_of: Optional[datetime] = None  # a kept copy shown offline: when it was computed


def stale_note(at: datetime) -> str:
    """What a kept copy says wherever it is shown or exported."""
    return f"As of {when_text(at)} — offline; reconnect for current numbers."


def _as_kept(value: T, at: datetime) -> T:
    """A kept report (or dashboard of reports) marked with when it was computed: its title,
    first note and ``as_of`` say so, in the app and in every export."""
    if isinstance(value, Report):
        return replace(value, title=f"{value.title} (as of {when_text(at)}, offline copy)",
                       notes=(stale_note(at), *value.notes), as_of=at)
    if isinstance(value, Dashboard):
        marked = {f.name: _as_kept(getattr(value, f.name), at) for f in fields(value)
                  if isinstance(getattr(value, f.name), Report)}
        return replace(value, as_of=at, **marked)
    return value


@dataclass(frozen=True)
class ReportSpec:
    """A report the CLI and the export know by name."""

    name: str
    description: str
    run: Callable[["ReportService", Actor, ReportFilter], Report]


class ReportService:
    """Read-only aggregations over the usage log, for managers (and marketing).

    A team library computes them on the server; each dashboard and named report it computed
    last is kept on this computer, and while the server cannot be reached that copy comes
    back instead, marked with when it was computed (``as_of``)."""

    def __init__(self, ctx: LibraryContext) -> None:
        self.ctx = ctx

    def _kept_or_computed(self, key: str, compute: Callable[[], T]) -> T:
        source = self.ctx.source
        if source is None or source.engine is self.ctx.engine:
            return compute()  # an embedded library: reports read the local database itself
        folder = self.ctx.paths.report_copies
        try:
            value = compute()
        except Offline:
            copy = report_copies.kept(folder, key)
            if copy is None:
                raise Offline(NO_COPY) from None
            return _as_kept(copy.value, copy.at)
        report_copies.keep(folder, key, value, utcnow())
        return value

    def used_vs_ignored(self, actor: Actor, f: ReportFilter = ReportFilter()) -> UsedVsIgnoredReport:
        """Share of published pieces used; ignored pieces with owner, age and why; archiving candidates."""
        require(actor, Permission.VIEW_REPORTS)
        return used_vs_ignored(self.ctx, f)

    def coverage(self, actor: Actor, f: ReportFilter = ReportFilter()) -> CoverageReport:
        """The stage × gate grid: published, used, uses, freshest age; gaps flagged."""
        require(actor, Permission.VIEW_REPORTS)
        return coverage(self.ctx, f)

    def trends(self, actor: Actor, f: ReportFilter = ReportFilter(), bucket: str = "week") -> TrendsReport:
        """Top and trending pieces, uses per week or month, uses by content type."""
        require(actor, Permission.VIEW_REPORTS)
        if bucket not in ("week", "month"):
            raise InvalidInput(f"Group uses by week or month, not '{bucket}'.")
        return trends(self.ctx, f, bucket)

    def adoption(self, actor: Actor, f: ReportFilter = ReportFilter()) -> AdoptionReport:
        """Active reps vs all reps, uses per rep, reps who never searched, rep-made vs marketing pieces."""
        require(actor, Permission.VIEW_REPORTS)
        return adoption(self.ctx, f)

    def search_gaps(self, actor: Actor, f: ReportFilter = ReportFilter()) -> SearchGapsReport:
        """Queries with zero results or no opened result, mapped to stage/gate."""
        require(actor, Permission.VIEW_REPORTS)
        return search_gaps(self.ctx, f)

    def requests(self, actor: Actor, f: ReportFilter = ReportFilter()) -> RequestsReport:
        """Open, fulfilled and declined requests; time to fulfil; by stage/gate."""
        require(actor, Permission.VIEW_REPORTS)
        return requests_report(self.ctx, f)

    def freshness(self, actor: Actor, f: ReportFilter = ReportFilter()) -> FreshnessReport:
        """Published pieces past their review date, by owner."""
        require(actor, Permission.VIEW_REPORTS)
        return freshness(self.ctx, f)

    def hours_saved(self, actor: Actor, f: ReportFilter = ReportFilter(),
                    hours_per_piece: Optional[float] = None) -> HoursSavedReport:
        """Reuses × hours to build a piece (default: the library setting), with formula and assumption."""
        require(actor, Permission.VIEW_REPORTS)
        hours = self.ctx.settings.hours_to_build_piece if hours_per_piece is None else float(hours_per_piece)
        if hours < 0:
            raise InvalidInput("Hours to build a piece cannot be negative.")
        return hours_saved(self.ctx, f, hours)

    def helpfulness(self, actor: Actor, f: ReportFilter = ReportFilter()) -> HelpfulnessReport:
        """Feedback ratio per piece and per gate."""
        require(actor, Permission.VIEW_REPORTS)
        return helpfulness(self.ctx, f)

    def dashboard(self, actor: Actor, f: ReportFilter = ReportFilter(),
                  hours_per_piece: Optional[float] = None) -> Dashboard:
        """Every report of the dashboard in one call; trends by month over spans of 200+ days.
        Offline on a team library: the last dashboard computed here, marked ``as_of``."""
        require(actor, Permission.VIEW_REPORTS)
        return self._kept_or_computed("dashboard", lambda: self._dashboard(actor, f, hours_per_piece))

    def _dashboard(self, actor: Actor, f: ReportFilter, hours_per_piece: Optional[float]) -> Dashboard:
        today = self.ctx.today()
        span = ((f.until or today) - (f.since or today)).days
        cover = self.coverage(actor, f)
        return Dashboard(f, self.used_vs_ignored(actor, f), cover, journey_from_coverage(cover, self.ctx.taxonomy()),
                         self.trends(actor, f, "month" if span > 200 else "week"), self.adoption(actor, f),
                         self.search_gaps(actor, f), self.requests(actor, f), self.freshness(actor, f),
                         self.hours_saved(actor, f, hours_per_piece), self.helpfulness(actor, f))

    def piece_stats(self, actor: Actor, piece_id: int) -> PieceStats:
        """One piece's all-time numbers (for the piece page)."""
        require(actor, Permission.VIEW_REPORTS)
        return piece_stats(self.ctx, piece_id)

    # --- search gaps → requests ---------------------------------------------------------
    def gap_request(self, gap_row: dict[str, Any]) -> GapRequest:
        """RequestService.create arguments pre-filled from a search-gap row."""
        return gap_request(gap_row)

    def file_gap_request(self, actor: Actor, gap_row: dict[str, Any]) -> Done[int]:
        """One click: file a content request for a search gap (returns the request id)."""
        from enablement.services.requests import RequestService

        args = gap_request(gap_row)
        return RequestService(self.ctx).create(actor, args.title, args.need, stage_id=args.stage_id,
                                               gate_id=args.gate_id)

    # --- by name, and export ------------------------------------------------------------
    def run(self, actor: Actor, name: str, f: ReportFilter = ReportFilter(), **options: Any) -> Report:
        """Run the report called ``name`` (see REPORTS). Offline on a team library: the last
        copy of it computed here, marked ``as_of`` (an export of it says so)."""
        spec = REPORTS.get(name)
        if spec is None:
            raise InvalidInput(f"No report called '{name}'. Reports: {', '.join(REPORTS)}.")
        require(actor, Permission.VIEW_REPORTS)
        if name == "trends":
            return self._kept_or_computed(name, lambda: self.trends(actor, f, options.get("bucket") or "week"))
        if name == "hours-saved":
            return self._kept_or_computed(name, lambda: self.hours_saved(actor, f, options.get("hours_per_piece")))
        return self._kept_or_computed(name, lambda: spec.run(self, actor, f))

    def export(self, actor: Actor, names: Sequence[str], fmt: str, path: Path,
               f: ReportFilter = ReportFilter(), **options: Any) -> Path:
        """Write the named reports to ``path`` as csv (one report), xlsx or pdf."""
        from enablement.reports import export

        reports = [self.run(actor, name, f, **options) for name in (names or list(REPORTS))]
        path = Path(path)
        if fmt == "csv":
            if len(reports) != 1:
                raise InvalidInput("A CSV file holds one report; choose one, or export XLSX or PDF.")
            export.to_csv(reports[0], path)
        elif fmt == "xlsx":
            export.to_xlsx(reports, path)
        elif fmt == "pdf":
            from enablement.reports.pdf import to_pdf

            to_pdf(reports, path)
        else:
            raise InvalidInput(f"Export as csv, xlsx or pdf, not '{fmt}'.")
        return path


REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    ReportSpec("used", "Used vs ignored: share of published pieces used, ignored pieces and why",
               ReportService.used_vs_ignored),
    ReportSpec("coverage", "Coverage map: stage × gate, published/used/uses/freshest, gaps", ReportService.coverage),
    ReportSpec("trends", "Top and trending pieces, uses per week/month and by content type", ReportService.trends),
    ReportSpec("adoption", "Active reps, uses per rep, reps who never searched, rep-made vs marketing",
               ReportService.adoption),
    ReportSpec("search-gaps", "Queries with zero results or no opened result, by stage/gate",
               ReportService.search_gaps),
    ReportSpec("requests", "Content requests: open, fulfilled, declined, time to fulfil", ReportService.requests),
    ReportSpec("freshness", "Pieces past their review date, by owner", ReportService.freshness),
    ReportSpec("hours-saved", "Estimated hours saved: reuses × hours to build a piece", ReportService.hours_saved),
    ReportSpec("helpfulness", "Feedback ratio per piece and per gate", ReportService.helpfulness),
)}

"""Manager reports: read-only aggregations over the usage and search logs, and their export
(CSV, XLSX, PDF). The service layer (enablement.services.reports_service) is the API."""

from enablement.reports.base import DEFINITIONS, Report, ReportFilter, ReportTable

__all__ = ["DEFINITIONS", "Report", "ReportFilter", "ReportTable"]

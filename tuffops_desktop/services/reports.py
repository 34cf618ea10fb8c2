"""The Reports page's figures (rules and decisions: ``domain/reports.py``).

``ReportService.kpis`` reads every figure in one read transaction, each one SQL aggregate
computed by the database, the same on SQLite and PostgreSQL; the money, units and stock
figures come from ``services/report_money.py``. ``ReportService.drill`` says which list,
filtered how, shows exactly the rows behind a tile or a bar.
"""

from __future__ import annotations

from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.reports import Bar, DrillDown, KpiKey, KpiReport, Period, ReportFilters
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.REPORTS_VIEW)
    def kpis(self, period: Period, filters: ReportFilters | None = None) -> KpiReport:
        """Every figure of the page for ``period`` and ``filters``, read in one transaction
        (money figures only with ``invoices.view``)."""
        raise NotImplementedError

    @requires(P.REPORTS_VIEW)
    def drill(
        self, kpi_key: KpiKey | str, period: Period, filters: ReportFilters | None = None, bucket: Bar | None = None
    ) -> DrillDown:
        """The list showing exactly the rows behind tile ``kpi_key`` (or its bar ``bucket``)."""
        raise NotImplementedError

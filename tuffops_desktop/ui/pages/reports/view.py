"""What the Reports page shows of a ``KpiReport``: tiles, charts and tables, as data.

``report_view`` turns the figures into ``TileSpec``s (a value and a sub-line), ``ChartSpec``s
(categories, series, colours, which bar is which ``Bar`` for the drill-down) and
``TableSpec``s (the numbers behind each chart, for the CSV export and the PDF), every
text formatted in the user's locale (``ui.formatting``). The page's widgets paint these,
the CSV export writes the tables' raw values, and the PDF (``documents.report_pdf``)
prints the same tiles, charts and tables, so screen, file and paper always agree.

Money figures are absent from the report (``None``) for a user without ``invoices.view``;
their tiles, charts and tables are then simply not made.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from PySide6.QtCore import QDate

from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.receivables import Bucket as AgeingBucket
from tuffops_desktop.domain.reports import (
    Bar,
    Bucket,
    KpiKey,
    KpiReport,
    Period,
    month_starts,
    week_starts,
)
from tuffops_desktop.domain.requests import RequestSource
from tuffops_desktop.domain.work_orders import WorkOrderType
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.formatting import count_text, date_text, date_time_text, formats, money_text
from tuffops_desktop.ui.pages.inbox.columns import source_label
from tuffops_desktop.ui.pages.work_orders.columns import type_label
from tuffops_desktop.ui.theme import ACCENT, ATTENTION, ERROR_TEXT, GOOD, IN_PROGRESS, OVER

ValueKind = Literal["count", "money", "hours", "percent"]
ChartKind = Literal["bar", "stacked", "horizontal"]
Cell = str | int | Decimal | float | date | None

TEAL = "#0d9488"  # a series colour with no meaning of its own (the fifth work type)
MAX_AXIS_LABELS = 14  # category labels under a bar chart; the others stay blank (the tooltip names them)
SERIES_COLOURS = {
    RequestSource.QR.value: ACCENT,
    RequestSource.OFFICE.value: IN_PROGRESS,
    WorkOrderType.REPAIR.value: ACCENT,
    WorkOrderType.MAINTENANCE.value: GOOD,
    WorkOrderType.INSTALLATION.value: IN_PROGRESS,
    WorkOrderType.SERVICE.value: TEAL,
    WorkOrderType.OTHER.value: OVER,
    "invoiced": ACCENT,
    "collected": GOOD,
}
# Ages of money owed: on time in green, a little late in amber (someone should look), then
# reds darkening with age.
AGEING_COLOURS = {
    AgeingBucket.CURRENT.value: GOOD,
    AgeingBucket.DAYS_1_30.value: ATTENTION,
    AgeingBucket.DAYS_31_60.value: "#f87171",
    AgeingBucket.DAYS_61_90.value: "#dc2626",
    AgeingBucket.DAYS_OVER_90.value: ERROR_TEXT,
}


# ----------------------------------------------------------------- specs
@dataclass(frozen=True)
class TileSpec:
    """One tile: ``key`` is the ``KpiKey`` it drills into (when ``drillable``)."""

    key: str
    title: str
    value: str
    detail: str = ""
    tooltip: str = ""
    drillable: bool = True


@dataclass(frozen=True)
class SeriesSpec:
    """One series of bars: ``key`` is what ``Bar.series`` carries for it ("" for none)."""

    key: str
    name: str
    values: tuple[float, ...]
    colour: str


@dataclass(frozen=True)
class ChartSpec:
    """One chart. ``starts`` / ``ids``: per category, the ``Bar.start`` (a week or month)
    or ``Bar.id`` (a technician, customer, unit, location) its bars drill into."""

    key: str
    title: str
    kind: ChartKind
    categories: tuple[str, ...]
    series: tuple[SeriesSpec, ...]
    value_kind: ValueKind = "count"
    short_categories: tuple[str, ...] = ()
    starts: tuple[date | None, ...] = ()
    ids: tuple[int | None, ...] = ()
    drillable: bool = True
    empty_text: str = ""
    table: str = ""  # the key of the TableSpec with its numbers
    legend: bool = True  # shown when there are several series
    span: Literal["week", "month", ""] = ""  # what a category's ``start`` covers

    def largest(self) -> float:
        if not self.series or not self.categories:
            return 0.0
        if self.kind == "stacked":
            return max(sum(s.values[i] for s in self.series) for i in range(len(self.categories)))
        return max(max(s.values, default=0.0) for s in self.series)

    def axis_label(self, value: float) -> str:
        """A step of the value axis as the locale writes it: ``1,500``, ``20 %``, ``40 h``
        (money in whole units, without the symbol: the title says what it is)."""
        number = formats().number(_decimal(value, 0 if value == int(value) else 1))
        if self.value_kind == "percent":
            return f"{number}\u00a0%"
        if self.value_kind == "hours":
            return _("{hours} h").format(hours=number)
        return number

    def value_text(self, value: float) -> str:
        """One bar's value for its tooltip."""
        if self.value_kind == "money":
            return money_text(_decimal(value, 2))
        if self.value_kind == "percent":
            return percent_text(value / 100)
        if self.value_kind == "hours":
            return hours_text(value)
        return count_text(round(value))

    def bar(self, series: int, category: int) -> Bar:
        """The ``Bar`` the drill-down asks for, for that series and category."""
        key = self.series[series].key if 0 <= series < len(self.series) else ""
        start = self.starts[category] if category < len(self.starts) else None
        ident = self.ids[category] if category < len(self.ids) else None
        return Bar(start=start, series=key or None, id=ident)


@dataclass(frozen=True)
class TableSpec:
    """The rows behind a chart or a list: ``raw`` for the CSV file (numbers as numbers,
    dates as ISO), ``text`` for the screen and the PDF (the locale's formats)."""

    key: str
    title: str
    columns: tuple[str, ...]
    raw: tuple[tuple[Cell, ...], ...]
    text: tuple[tuple[str, ...], ...]
    right: frozenset[int] = frozenset()
    file_name: str = "report"


@dataclass(frozen=True)
class ReportView:
    """Everything the page shows for one report."""

    period: Period
    tiles: tuple[TileSpec, ...]
    charts: tuple[ChartSpec, ...]
    tables: tuple[TableSpec, ...] = field(default=())

    def table(self, key: str) -> TableSpec | None:
        return next((t for t in self.tables if t.key == key), None)


# ----------------------------------------------------------------- text helpers
def _decimal(value: float, places: int = 1) -> Decimal:
    return Decimal(f"{value:.{places}f}")


def percent_text(share: float | None) -> str:
    """A share 0..1 as ``87.5 %``; "–" when there is nothing to divide."""
    return "–" if share is None else formats().percent(_decimal(100 * share), 1)


def hours_text(hours: float | Decimal | None) -> str:
    if hours is None:
        return "–"
    return _("{hours} h").format(hours=formats().number(_decimal(float(hours))))


def duration_text(hours: float | None) -> str:
    """Hours as people say them: ``45 min``, ``5.5 h``, ``3.2 days`` ("–" for none)."""
    if hours is None:
        return "–"
    if hours < 1:
        return _("{minutes} min").format(minutes=count_text(round(hours * 60)))
    if hours < 48:
        return hours_text(hours)
    return _("{days} days").format(days=formats().number(_decimal(hours / 24)))


def period_text(period: Period) -> str:
    return f"{date_text(period.start)} – {date_text(period.end)}"


def _short_date(day: date, pattern: str) -> str:
    """``30 Nov`` / ``Nov 2026`` as the locale names months (chart labels)."""
    return formats().locale.toString(QDate(day.year, day.month, day.day), pattern)


def week_label(day: date) -> str:
    return _short_date(day, "d MMM")


def month_label(day: date) -> str:
    return _short_date(day, "MMM yyyy")


def _sparse(labels: Sequence[str]) -> tuple[str, ...]:
    """Every n-th label, so that at most ``MAX_AXIS_LABELS`` are written under a chart;
    the others are distinct runs of zero-width spaces (Qt's category axis needs distinct
    names) that show nothing."""
    step = max(1, -(-len(labels) // MAX_AXIS_LABELS))
    return tuple(label if n % step == 0 else "\u200b" * (n + 1) for n, label in enumerate(labels))


def _value(value: int | Decimal) -> float:
    return float(value)  # bar heights only: printed numbers come from the Decimal


# ----------------------------------------------------------------- building
def _bucket_series(
    buckets: Sequence[Bucket],
    starts: Sequence[date],
    keys: Sequence[str],
    name: Callable[[str], str],
    colours: dict[str, str],
) -> tuple[SeriesSpec, ...]:
    """One series per key (in ``keys`` order, then any other found), a value per start."""
    found = {(b.start, b.series): b.value for b in buckets}
    every = list(keys) + sorted({b.series for b in buckets} - set(keys))
    series = []
    for n, key in enumerate(every):
        values = tuple(_value(found.get((start, key), 0)) for start in starts)
        if any(values) or key in keys:
            colour = colours.get(key, (ACCENT, IN_PROGRESS, GOOD, TEAL, OVER)[n % 5])
            series.append(SeriesSpec(key, name(key), values, colour))
    return tuple(series)


def _weekly_table(
    key: str, title: str, file_name: str, starts: Sequence[date], series: Sequence[SeriesSpec], money: bool = False
) -> TableSpec:
    columns = (_("Week of"), *(s.name for s in series), _("Total"))
    raw: list[tuple[Cell, ...]] = []
    text: list[tuple[str, ...]] = []
    for n, start in enumerate(starts):
        values = [s.values[n] for s in series]
        raw.append((start, *(int(v) for v in values), int(sum(values))))
        text.append((date_text(start), *(count_text(int(v)) for v in values), count_text(int(sum(values)))))
    return TableSpec(key, title, columns, tuple(raw), tuple(text), frozenset(range(1, len(columns))), file_name)


def report_view(report: KpiReport) -> ReportView:
    """The tiles, charts and tables of ``report`` (money ones only when it has them)."""
    period = report.period
    weeks = week_starts(period)
    tiles: list[TileSpec] = []
    charts: list[ChartSpec] = []
    tables: list[TableSpec] = []

    # requests
    received = report.requests_received
    by_source = received.by_source
    tiles.append(
        TileSpec(
            KpiKey.REQUESTS_RECEIVED.value,
            _("Requests received"),
            count_text(received.total),
            _("{qr} by QR · {office} by the office").format(
                qr=count_text(by_source.get("qr", 0)), office=count_text(by_source.get("office", 0))
            ),
        )
    )
    sources = [s.value for s in RequestSource]
    series = _bucket_series(received.weekly, weeks, sources, source_label, SERIES_COLOURS)
    labels = tuple(week_label(w) for w in weeks)
    charts.append(
        ChartSpec(
            KpiKey.REQUESTS_RECEIVED.value,
            _("Requests received per week, by source"),
            "stacked",
            labels,
            series,
            short_categories=_sparse(labels),
            starts=tuple(weeks),
            table="requests_weekly",
            span="week",
        )
    )
    tables.append(_weekly_table("requests_weekly", _("Requests received per week"), "requests-per-week", weeks, series))

    triage = report.time_to_triage
    tiles.append(
        TileSpec(
            KpiKey.TIME_TO_TRIAGE.value,
            _("Time to triage (median)"),
            duration_text(triage.median_hours),
            _("90th percentile {p90} · {open} not triaged yet").format(
                p90=duration_text(triage.p90_hours), open=count_text(triage.untriaged)
            ),
            _(
                "From receipt to conversion or closing, for the {count} requests received in the period and triaged."
            ).format(count=count_text(triage.triaged)),
        )
    )

    # work
    completed = report.work_orders_completed
    tiles.append(
        TileSpec(
            KpiKey.WORK_ORDERS_COMPLETED.value,
            _("Work orders completed"),
            count_text(completed.total),
            " · ".join(
                f"{count_text(n)} {type_label(t).lower()}"
                for t, n in sorted(completed.by_type.items(), key=lambda kv: -kv[1])[:3]
                if n
            ),
            _("Approved in the period (completed or billed since)."),
        )
    )
    types = [t.value for t in WorkOrderType]
    series = _bucket_series(completed.weekly, weeks, types, type_label, SERIES_COLOURS)
    series = tuple(s for s in series if any(s.values)) or series[:1]
    charts.append(
        ChartSpec(
            KpiKey.WORK_ORDERS_COMPLETED.value,
            _("Work orders completed per week, by type"),
            "stacked",
            labels,
            series,
            short_categories=_sparse(labels),
            starts=tuple(weeks),
            table="completed_weekly",
            span="week",
        )
    )
    tables.append(
        _weekly_table("completed_weekly", _("Work orders completed per week"), "work-orders-completed", weeks, series)
    )

    sla = report.sla_compliance
    tiles.append(
        TileSpec(
            KpiKey.SLA_COMPLIANCE.value,
            _("Completed before due"),
            percent_text(None if sla.percent is None else sla.percent / 100),
            _("{met} of {due} with a due time · {missed} late").format(
                met=count_text(sla.met), due=count_text(sla.with_due), missed=count_text(sla.missed)
            ),
            _("SLA compliance: of the work orders completed in the period with a due time, the share approved by it."),
        )
    )
    fix = report.first_time_fix
    tiles.append(
        TileSpec(
            KpiKey.FIRST_TIME_FIX.value,
            _("First-time fix"),
            percent_text(fix.rate),
            _("{count} call-backs").format(count=count_text(fix.called_back))
            if fix.called_back != 1
            else _("1 call-back"),
            _("Completed work orders with no repair on the same unit within 30 days. Click to list the call-backs."),
        )
    )
    callback_rows = [
        (
            work_order_number(c.work_order_id),
            c.completed_at,
            c.unit_label,
            c.technician_name,
            work_order_number(c.callback_id),
            c.callback_created_at,
        )
        for c in fix.callbacks
    ]
    tables.append(
        TableSpec(
            "callbacks",
            _("Call-backs"),
            (_("Work order"), _("Completed"), _("Unit"), _("Technician"), _("Call-back"), _("Opened")),
            tuple((a, _iso(b), c, d, e, _iso(f)) for a, b, c, d, e, f in callback_rows),
            tuple((a, date_time_text(b), c, d or "–", e, date_time_text(f)) for a, b, c, d, e, f in callback_rows),
            frozenset(),
            "call-backs",
        )
    )

    load = report.utilisation
    tiles.append(
        TileSpec(
            KpiKey.UTILISATION.value,
            _("Technician utilisation"),
            percent_text(load.utilisation),
            _("{booked} booked of {working} working").format(
                booked=hours_text(load.booked_hours), working=hours_text(load.working_hours)
            ),
            _("Estimated hours of the work booked to technicians / their working hours in the period."),
        )
    )
    techs = tuple(r.name for r in load.rows)
    charts.append(
        ChartSpec(
            KpiKey.UTILISATION.value,
            _("Utilisation by technician"),
            "horizontal",
            techs,
            (
                SeriesSpec(
                    "",
                    _("Utilisation"),
                    tuple(100 * (r.utilisation or 0.0) for r in load.rows),
                    ACCENT,
                ),
            ),
            "percent",
            ids=tuple(r.technician_id for r in load.rows),
            table="utilisation",
        )
    )
    tables.append(
        TableSpec(
            "utilisation",
            _("Utilisation by technician"),
            (_("Technician"), _("Booked hours"), _("Working hours"), _("Utilisation"), _("Work orders booked")),
            tuple(
                (
                    r.name,
                    r.booked_hours,
                    r.working_hours,
                    None if r.utilisation is None else round(100 * r.utilisation, 1),
                    r.booked_work_orders,
                )
                for r in load.rows
            ),
            tuple(
                (
                    r.name,
                    hours_text(r.booked_hours),
                    hours_text(r.working_hours),
                    percent_text(r.utilisation),
                    count_text(r.booked_work_orders),
                )
                for r in load.rows
            ),
            frozenset({1, 2, 3, 4}),
            "utilisation",
        )
    )
    site = report.time_on_site
    tiles.append(
        TileSpec(
            KpiKey.TIME_ON_SITE.value,
            _("Time on site"),
            hours_text(site.hours),
            _("on {count} work orders").format(count=count_text(site.work_orders))
            if site.work_orders != 1
            else _("on 1 work order"),
            _("Hours work orders spent ongoing (started, not paused) in the period."),
        )
    )
    charts.append(
        ChartSpec(
            KpiKey.TIME_ON_SITE.value,
            _("Time on site by technician"),
            "horizontal",
            tuple(r.name for r in site.rows),
            (SeriesSpec("", _("Hours on site"), tuple(r.hours for r in site.rows), IN_PROGRESS),),
            "hours",
            ids=tuple(r.technician_id for r in site.rows),
            table="time_on_site",
        )
    )
    tables.append(
        TableSpec(
            "time_on_site",
            _("Time on site by technician"),
            (_("Technician"), _("Hours on site"), _("Work orders")),
            tuple((r.name, round(r.hours, 2), r.work_orders) for r in site.rows),
            tuple((r.name, hours_text(r.hours), count_text(r.work_orders)) for r in site.rows),
            frozenset({1, 2}),
            "time-on-site",
        )
    )

    maintenance = report.maintenance
    tiles.append(
        TileSpec(
            KpiKey.MAINTENANCE_OVERDUE.value,
            _("Maintenance overdue"),
            count_text(maintenance.overdue),
            _("units, as of {date}").format(date=date_text(maintenance.as_of)),
            _("Active units whose preventive maintenance date has passed (whatever the period)."),
        )
    )
    tiles.append(
        TileSpec(
            KpiKey.MAINTENANCE_DUE_SOON.value,
            _("Maintenance due in 30 days"),
            count_text(maintenance.due_soon),
            _("units, from {date}").format(date=date_text(maintenance.as_of)),
        )
    )

    _money(report, tiles, charts, tables)

    repairs = report.units_most_repairs
    if repairs is not None:
        charts.append(
            ChartSpec(
                KpiKey.UNITS_MOST_REPAIRS.value,
                _("Units with the most repairs"),
                "horizontal",
                tuple(r.label for r in repairs.rows),
                (SeriesSpec("", _("Repairs"), tuple(float(r.repairs) for r in repairs.rows), ATTENTION),),
                ids=tuple(r.unit_id for r in repairs.rows),
                empty_text=_("No repairs in this period."),
                table="units_most_repairs",
            )
        )
        tables.append(
            TableSpec(
                "units_most_repairs",
                _("Units with the most repairs"),
                (_("Unit"), _("Customer"), _("Repairs")),
                tuple((r.label, r.customer_name, r.repairs) for r in repairs.rows),
                tuple((r.label, r.customer_name or "–", count_text(r.repairs)) for r in repairs.rows),
                frozenset({2}),
                "units-most-repairs",
            )
        )
    return ReportView(period, tuple(tiles), tuple(charts), tuple(tables))


def _money(report: KpiReport, tiles: list[TileSpec], charts: list[ChartSpec], tables: list[TableSpec]) -> None:
    """The money tiles, charts and tables (none without ``invoices.view``)."""
    revenue = report.revenue
    if revenue is not None:
        tiles.append(
            TileSpec(
                KpiKey.REVENUE.value,
                _("Revenue invoiced"),
                money_text(revenue.invoiced),
                _("{amount} collected").format(amount=money_text(revenue.collected)),
                _("Invoices issued in the period (cancelled ones left out) and payments received in it."),
            )
        )
        months = month_starts(report.period)
        labels = tuple(month_label(m) for m in months)
        series = _bucket_series(revenue.monthly, months, ["invoiced", "collected"], _money_series_name, SERIES_COLOURS)
        charts.append(
            ChartSpec(
                KpiKey.REVENUE.value,
                _("Revenue invoiced and collected per month"),
                "bar",
                labels,
                series,
                "money",
                short_categories=_sparse(labels),
                starts=tuple(months),
                table="revenue_monthly",
                span="month",
            )
        )
        found = {(b.start, b.series): b.value for b in revenue.monthly}
        rows = [(m, Decimal(found.get((m, "invoiced"), 0)), Decimal(found.get((m, "collected"), 0))) for m in months]
        tables.append(
            TableSpec(
                "revenue_monthly",
                _("Revenue per month"),
                (_("Month"), _("Invoiced"), _("Collected")),
                tuple((m, i, c) for m, i, c in rows),
                tuple((month_label(m), money_text(i), money_text(c)) for m, i, c in rows),
                frozenset({1, 2}),
                "revenue-per-month",
            )
        )
    receivables = report.receivables
    if receivables is not None:
        overdue = sum((r.amount for r in receivables.rows if r.bucket != AgeingBucket.CURRENT.value), Decimal(0))
        tiles.append(
            TileSpec(
                KpiKey.RECEIVABLES.value,
                _("Receivables"),
                money_text(receivables.total),
                _("{amount} past due").format(amount=money_text(overdue)),
                _("What customers owe on {date}, whatever the period.").format(date=date_text(receivables.as_of)),
            )
        )
        rows_by_bucket = {r.bucket: r for r in receivables.rows}
        ordered = [b.value for b in AgeingBucket]
        charts.append(
            ChartSpec(
                KpiKey.RECEIVABLES.value,
                _("Receivables by age"),
                "stacked",  # one bar per age, in its own colour
                tuple(_(AgeingBucket(b).label) for b in ordered),
                tuple(
                    SeriesSpec(
                        b,
                        _(AgeingBucket(b).label),
                        tuple(
                            _value(rows_by_bucket[b].amount) if b == other and b in rows_by_bucket else 0.0
                            for other in ordered
                        ),
                        AGEING_COLOURS[b],
                    )
                    for b in ordered
                ),
                "money",
                table="receivables",
                legend=False,  # the axis names the ages
            )
        )
        tables.append(
            TableSpec(
                "receivables",
                _("Receivables by age"),
                (_("Age"), _("Amount"), _("Invoices")),
                tuple(
                    (
                        b,
                        rows_by_bucket[b].amount if b in rows_by_bucket else Decimal(0),
                        rows_by_bucket[b].invoices if b in rows_by_bucket else 0,
                    )
                    for b in ordered
                ),
                tuple(
                    (
                        _(AgeingBucket(b).label),
                        money_text(rows_by_bucket[b].amount if b in rows_by_bucket else Decimal(0)),
                        count_text(rows_by_bucket[b].invoices if b in rows_by_bucket else 0),
                    )
                    for b in ordered
                ),
                frozenset({1, 2}),
                "receivables",
            )
        )
    top = report.top_customers
    if top is not None:
        charts.append(
            ChartSpec(
                KpiKey.TOP_CUSTOMERS.value,
                _("Top customers by revenue"),
                "horizontal",
                tuple(r.name for r in top.rows),
                (SeriesSpec("", _("Revenue"), tuple(_value(r.revenue) for r in top.rows), GOOD),),
                "money",
                ids=tuple(r.customer_id for r in top.rows),
                table="top_customers",
            )
        )
        tables.append(
            TableSpec(
                "top_customers",
                _("Top customers by revenue"),
                (_("Customer"), _("Revenue"), _("Invoices")),
                tuple((r.name, r.revenue, r.invoices) for r in top.rows),
                tuple((r.name, money_text(r.revenue), count_text(r.invoices)) for r in top.rows),
                frozenset({1, 2}),
                "top-customers",
            )
        )
    stock = report.stock_value
    if stock is not None:
        tiles.append(
            TileSpec(
                KpiKey.STOCK_VALUE.value,
                _("Stock value"),
                money_text(stock.total),
                _("in {count} locations").format(count=count_text(len(stock.rows)))
                if len(stock.rows) != 1
                else _("in 1 location"),
                _("Parts on hand at their cost, now."),
                drillable=False,
            )
        )
        charts.append(
            ChartSpec(
                KpiKey.STOCK_VALUE.value,
                _("Stock value by location"),
                "horizontal",
                tuple(r.name for r in stock.rows),
                (SeriesSpec("", _("Value"), tuple(_value(r.value) for r in stock.rows), IN_PROGRESS),),
                "money",
                ids=tuple(r.location_id for r in stock.rows),
                drillable=False,
                table="stock_value",
            )
        )
        tables.append(
            TableSpec(
                "stock_value",
                _("Stock value by location"),
                (_("Location"), _("Value")),
                tuple((r.name, r.value) for r in stock.rows),
                tuple((r.name, money_text(r.value)) for r in stock.rows),
                frozenset({1}),
                "stock-value",
            )
        )


def _money_series_name(key: str) -> str:
    return {"invoiced": _("Invoiced"), "collected": _("Collected")}.get(key, key)


def _iso(value: datetime) -> str:
    """A moment for a CSV file: ISO 8601 in the workstation's time zone, to the second."""
    return value.astimezone().replace(microsecond=0).isoformat()

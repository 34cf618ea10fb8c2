"""``tuffops report kpis``: the Reports page's figures for scripts and scheduled jobs.

Kept apart from ``cli.py`` so the report command lives in one place; ``cli.py`` only adds
the parser and hands the parsed arguments here.

``tuffops report kpis --from DAY --to DAY [--technician NAME] [--work-type T] [--customer-type T] [--format json|csv]``

The figures are ``ReportService.kpis`` (the same as the page, as the system user: every
figure, money included). ``json`` prints the report as one object: each figure with its
fields, derived values (percentages, rates) included, weekly and monthly series as lists
of ``{"start", "series", "value"}``. ``csv`` prints the same numbers in long form, one
value a line: ``figure,item,start,measure,value`` (``item``: a series, a technician, a
customer, a unit, a location; ``start``: the week's Monday or the month's first day of a
bar). Money is printed as exact decimals, days as YYYY-MM-DD, moments in ISO 8601 (UTC).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.domain.errors import NotFound
from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.domain.reports import Bucket, KpiReport, Period, ReportFilters
from tuffops_desktop.domain.work_orders import WorkOrderType
from tuffops_desktop.services.csv_io import spreadsheet_text

EXIT_OK, EXIT_FAILED = 0, 1
CSV_HEADER = ("figure", "item", "start", "measure", "value")
# Fields that name a table row rather than measure it (the CSV's ``item``).
NAMES = ("name", "label", "bucket", "technician_name")
IDS = ("technician_id", "customer_id", "unit_id", "location_id", "work_order_id")


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser], day: Any) -> None:
    """The ``report`` command; ``day`` parses a YYYY-MM-DD argument (one clear line if not)."""
    report = sub.add_parser("report", help="the Reports page's figures")
    report_sub = report.add_subparsers(dest="report_command", required=True, parser_class=parser_class)
    kpis = report_sub.add_parser("kpis", help="every figure of the Reports page for a period, as JSON or CSV")
    kpis.add_argument("--from", dest="start", required=True, type=day, help="first day, YYYY-MM-DD")
    kpis.add_argument("--to", dest="end", required=True, type=day, help="last day, YYYY-MM-DD (included)")
    kpis.add_argument("--technician", metavar="NAME", help="only this technician's work (user name or full name)")
    kpis.add_argument("--work-type", choices=[t.value for t in WorkOrderType], help="only this type of work")
    kpis.add_argument("--customer-type", choices=[t.value for t in CustomerType], help="only this type of customer")
    kpis.add_argument("--format", choices=("json", "csv"), default="json", help="output format (default json)")


def run(services: Any, args: argparse.Namespace) -> int:
    """Run one ``report`` subcommand with the system user's services."""
    if args.report_command != "kpis":
        return EXIT_FAILED
    period = Period(args.start, args.end)  # a period ending before it starts: one clear line
    technician = technician_id(services, args.technician) if args.technician else None
    filters = ReportFilters(technician, args.customer_type, args.work_type)
    report = services.reports.kpis(period, filters)
    print(as_json(report) if args.format == "json" else as_csv(report), end="")
    return EXIT_OK


def technician_id(services: Any, name: str) -> int:
    """The technician whose user name or full name is ``name`` (case and spacing do not matter)."""
    wanted = " ".join(name.split()).casefold()
    technicians = services.work_orders.technicians()
    for t in technicians:
        if wanted in (t.username.casefold(), " ".join(t.full_name.split()).casefold()):
            return int(t.id)
    known = ", ".join(t.username for t in technicians) or "none yet"
    raise NotFound(f"There is no technician called “{name}” (technicians: {known}).")


# ----------------------------------------------------------------- JSON
def plain(value: Any) -> Any:
    """``value`` as JSON-ready data: dataclasses as objects with their derived properties,
    money as decimal strings, days and moments as ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in _properties(type(value)):
            found[name] = plain(getattr(value, name))
        return found
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _properties(cls: type) -> list[str]:
    return [name for name in dir(cls) if not name.startswith("_") and isinstance(getattr(cls, name), property)]


def as_json(report: KpiReport) -> str:
    return json.dumps(plain(report), indent=2, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- CSV
def rows(report: KpiReport) -> Iterator[tuple[str, str, str, str, Any]]:
    """``(figure, item, start, measure, value)`` for every number of the report."""
    for field in dataclasses.fields(report):
        figure = field.name
        value = getattr(report, figure)
        if figure in ("period", "filters", "computed_at") or value is None:
            continue
        yield from _figure_rows(figure, value)


def _figure_rows(figure: str, value: Any) -> Iterator[tuple[str, str, str, str, Any]]:
    data = plain(value)
    for name, item in data.items():
        if isinstance(item, list):
            for element in item:
                yield from _element_rows(figure, name, element)
        elif isinstance(item, dict):
            for key, number in item.items():
                yield figure, key, "", name, number
        else:
            yield figure, "", "", name, item


def _element_rows(figure: str, listing: str, element: Any) -> Iterator[tuple[str, str, str, str, Any]]:
    if not isinstance(element, dict):
        yield figure, "", "", listing, element
        return
    if set(element) == {f.name for f in dataclasses.fields(Bucket)}:
        yield figure, element["series"], element["start"], listing, element["value"]
        return
    if "callback_id" in element:  # a call-back: named by the completed work order
        item = work_order_number(element["work_order_id"])
    else:
        item = next((str(element[n]) for n in NAMES if element.get(n)), "")
    if not item:
        item = next((f"{n}={element[n]}" for n in IDS if element.get(n) is not None), "")
    for measure, number in element.items():
        if measure in NAMES:
            continue
        yield figure, item, "", f"{listing}.{measure}", number


def as_csv(report: KpiReport) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for figure, item, start, measure, value in rows(report):
        # names are the customers' and technicians' own: never run as a spreadsheet formula
        writer.writerow([figure, spreadsheet_text(item), start, measure, "" if value is None else value])
    return out.getvalue()

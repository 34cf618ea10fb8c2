"""``tuffops report kpis``, run as a scheduled job would (a real process), on SQLite and
PostgreSQL: the same figures as the Reports page as JSON and as CSV, filters by name, and
a bad date, a backwards period or an unknown technician as one clear line and a non-zero exit."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tests.factories import make_customer, make_unit
from tests.services.invoice_support import issued
from tuffops_desktop.domain.requests import RequestInput


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def _seed(url: str) -> date:
    """A request from the office and a repair done by Tess today, invoiced; returns today."""
    from tuffops_desktop.bootstrap import open_database, system_services

    db = open_database(url)
    try:
        s = system_services(db)
        customer = make_customer(s, customer_type="commercial", first_name="", last_name="", company_name="=Hotel Bay")
        unit = make_unit(s, customer.id)
        today = s.ctx.today()
        s.requests.submit_office(unit.id, RequestInput("No cooling", today + timedelta(days=1), "All Day", "555-1234"))
        issued(s, unit.id)  # a repair by Tess (tests/services/invoice_support.py), approved and invoiced
        return today
    finally:
        db.engine.dispose()


def test_figures_as_json_and_csv(url, tmp_path):
    today = _seed(url)
    days = ("--from", (today - timedelta(days=6)).isoformat(), "--to", today.isoformat())

    shown = tuffops("report", "kpis", *days, data_dir=tmp_path, url=url)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["period"] == {"start": days[1], "end": days[3], "days": 7}
    assert report["requests_received"]["by_source"] == {"qr": 0, "office": 1}
    assert report["work_orders_completed"]["by_type"]["repair"] == 1
    assert report["first_time_fix"]["rate"] == 1.0
    assert [r["name"] for r in report["utilisation"]["rows"]] == ["tess"]
    assert report["top_customers"]["rows"][0]["invoices"] == 1  # money too: the command runs as the system user
    assert len(report["work_orders_completed"]["weekly"]) in (5, 10)  # every week × type

    as_csv = tuffops("report", "kpis", *days, "--format", "csv", data_dir=tmp_path, url=url)
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.reader(io.StringIO(as_csv.stdout)))
    assert rows[0] == ["figure", "item", "start", "measure", "value"]
    assert ["work_orders_completed", "", "", "total", "1"] in rows
    assert ["requests_received", "office", "", "by_source", "1"] in rows
    assert ["sla_compliance", "", "", "completed", "1"] in rows
    week = (today - timedelta(days=today.weekday())).isoformat()
    assert ["work_orders_completed", "repair", week, "weekly", "1"] in rows
    assert ["utilisation", "tess", "", "rows.booked_work_orders", "0"] in rows  # assigned without a start time
    assert any(r[0] == "top_customers" and r[1] == "'=Hotel Bay" for r in rows)  # never run as a formula

    other = tuffops(
        "report", "kpis", *days, "--technician", " TESS ", "--work-type", "maintenance", "--format", "csv",
        data_dir=tmp_path, url=url,
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert ["work_orders_completed", "", "", "total", "0"] in list(csv.reader(io.StringIO(other.stdout)))


@pytest.mark.parametrize(
    ("arguments", "code", "says"),
    [
        (("--from", "2026-02-30", "--to", "2026-03-01"), 2, "'2026-02-30' is not a date; use YYYY-MM-DD"),
        (("--from", "2026-03-02", "--to", "2026-03-01"), 1, "The period must end on or after the day it starts."),
        (("--from", "2026-03-01", "--to", "2026-03-02", "--technician", "nobody"), 1, "no technician called “nobody”"),
        (("--from", "2026-03-01", "--to", "2026-03-02", "--format", "xml"), 2, "invalid choice: 'xml'"),
        (("--from", "2026-03-01"), 2, "the following arguments are required: --to"),
    ],
)
def test_mistakes_are_one_clear_line(tmp_path, arguments, code, says):
    result = tuffops("report", "kpis", *arguments, data_dir=tmp_path)
    assert result.returncode == code
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and says in result.stderr, result.stderr

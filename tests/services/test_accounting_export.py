"""The accounting export (QuickBooks-style CSV), through the service on both databases and
as ``tuffops invoice export`` in a real process."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tests.services.invoice_support import completed_work_order, customer_with_unit, issued
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.invoices import InvoicingDisabled
from tuffops_desktop.services.accounting_export import COLUMNS
from tuffops_desktop.services.registry import build_services


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_invoices_and_payments_of_the_period_with_remote_ids(services):
    today = services.ctx.today()
    _c1, unit1 = customer_with_unit(services, remote_id="QB-1042", first_name="=Ann")
    _c2, unit2 = customer_with_unit(services, company_name="Sugar Bay Resort", customer_type="commercial")
    first = services.invoices.get(issued(services, unit1, tax_rate="10"))
    second = services.invoices.get(issued(services, unit2, tax_rate="0"))
    services.invoices.record_payment(first.id, "50", today, "cheque", "CHQ 1001")
    paid = services.invoices.record_payment(first.id, "10", today, "cash")
    services.invoices.void_payment(paid.payments[-1].id, "Counted twice")
    services.invoices.cancel(second.id, "Billed the wrong site", second.version)
    older_day = today - timedelta(days=40)
    older = build_services(
        replace(services.ctx, clock=lambda: datetime(older_day.year, older_day.month, older_day.day, 12, tzinfo=UTC))
    )
    issued(older, unit2)  # outside the period
    out = io.StringIO()
    summary = services.accounting_export.export(today - timedelta(days=7), today, out)
    assert (summary.invoices, summary.lines, summary.payments) == (2, 4, 2)
    assert out.getvalue().splitlines()[0] == ",".join(COLUMNS)
    rows = _rows(out.getvalue())
    lines = [r for r in rows if r["RecordType"] == "Invoice"]
    payments = [r for r in rows if r["RecordType"] == "Payment"]
    assert [(r["InvoiceNo"], r["LineNo"]) for r in lines] == [
        (first.number, "1"),
        (first.number, "2"),
        (second.number, "1"),
        (second.number, "2"),
    ]
    head = lines[0]
    assert head["Customer"] == "'=Ann Liburd"  # never run as a formula
    assert (head["CustomerRef"], head["Terms"], head["Status"]) == ("QB-1042", "Net 30", "Sent")
    assert (head["ItemType"], head["ItemDescription"], head["ItemQuantity"], head["ItemUnit"]) == (
        "Service",
        "Labour (per hour)",
        "1.5",
        "hour",
    )
    assert (head["ItemRate"], head["ItemAmount"], head["TaxRate"]) == ("65.00", "97.50", "10.00")
    assert head["InvoiceTotal"] == f"{first.total:.2f}" and head["InvoiceDate"] == today.isoformat()
    assert lines[2]["CustomerRef"].startswith("TUFF-") and lines[2]["Status"] == "Cancelled"
    assert lines[2]["Memo"] == "Billed the wrong site"
    assert [
        (p["PaymentAmount"], p["PaymentMethod"], p["PaymentRef"], p["Voided"], p["VoidReason"]) for p in payments
    ] == [
        ("50.00", "Cheque", "CHQ 1001", "No", ""),
        ("10.00", "Cash", "", "Yes", "Counted twice"),
    ]
    with pytest.raises(ValidationError, match="starts"):
        services.accounting_export.export(today, today - timedelta(days=1), io.StringIO())
    services.settings.update({"feature_flag_invoices_enabled": False})
    with pytest.raises(InvoicingDisabled):
        services.accounting_export.export(today, today, io.StringIO())


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def test_cli_export_writes_the_file_and_mistakes_leave_none(url, tmp_path):
    db = open_database(url)
    try:
        services = system_services(db)
        _c, unit = customer_with_unit(services)
        number = services.invoices.get(issued(services, unit)).number
        completed_work_order(services, unit)
    finally:
        db.engine.dispose()
    today = date.today().isoformat()
    out = tmp_path / "export.csv"
    result = tuffops(
        "invoice", "export", "--from", "2020-01-01", "--to", today, "--out", str(out), data_dir=tmp_path, url=url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Exported 1 invoices (2 lines) and 0 payments from 2020-01-01 to {today} to {out}."
    assert [r["InvoiceNo"] for r in _rows(out.read_text(encoding="utf-8"))] == [number, number]
    for args, message in [
        (("--from", "2026-13-01", "--to", today), "is not a date; use YYYY-MM-DD"),
        (("--from", today, "--to", "2020-01-01"), "The period starts"),
    ]:
        bad = tmp_path / "bad.csv"
        result = tuffops("invoice", "export", *args, "--out", str(bad), data_dir=tmp_path, url=url)
        assert result.returncode != 0
        assert message in result.stderr + result.stdout
        assert not bad.exists()
        assert [p.name for p in tmp_path.glob(".bad-*")] == []

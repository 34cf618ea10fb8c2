"""``tuffops invoice pdf`` and ``tuffops invoice statement``, run as a user would (a real
process), on SQLite and PostgreSQL: a real invoice issued and paid in part through the
services, its PDF's amounts read back, and every mistake one line with no file left."""

from __future__ import annotations

import subprocess
from datetime import date
from decimal import Decimal

import pytest

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tests.qrscan import require_tools
from tests.services.invoice_support import customer_with_unit, issued
from tuffops_desktop.documents.page_plan import money_print


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def _seed_invoice(url: str) -> tuple[str, int, dict[str, Decimal]]:
    """One invoice with a partial payment; its number, customer id and amounts."""
    from tuffops_desktop.bootstrap import open_database, system_services

    db = open_database(url)
    try:
        services = system_services(db)
        services.settings.update({"company_name": "Cool Breeze HVAC Ltd.", "company_address": "12 Bay Road"})
        customer_id, unit_id = customer_with_unit(services, first_name="Zoë", last_name="Ñúñez — Ōsaka")
        invoice_id = issued(services, unit_id, tax_rate="17")
        invoice = services.invoices.record_payment(invoice_id, Decimal("50.00"), date.today(), "bank_transfer", "TX-77")
        amounts = {
            "subtotal": invoice.net,
            "tax": invoice.tax,
            "total": invoice.total,
            "paid": invoice.paid,
            "balance": invoice.balance,
            **{f"line{line.position}": line.amount for line in invoice.lines},
        }
        return invoice.number, customer_id, amounts
    finally:
        db.engine.dispose()


def _switch_invoicing(url: str, on: bool) -> None:
    from tuffops_desktop.bootstrap import open_database, system_services

    db = open_database(url)
    try:
        system_services(db).settings.update({"feature_flag_invoices_enabled": on})
    finally:
        db.engine.dispose()


def _layout_text(pdf) -> str:
    require_tools()
    result = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


def test_invoice_pdf_prints_the_invoice_and_a_statement(url, tmp_path):
    number, customer_id, amounts = _seed_invoice(url)
    pdf = tmp_path / "invoice.pdf"
    result = tuffops("invoice", "pdf", number, "--out", str(pdf), data_dir=tmp_path, url=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Invoice {number} (1 page) written to {pdf}."
    text = _layout_text(pdf)
    assert number in text and "Zoë Ñúñez — Ōsaka" in text and "Cool Breeze HVAC Ltd." in text
    for key, amount in amounts.items():
        assert money_print(amount) in text, key
    assert f"Total {money_print(amounts['total'])}" in text
    assert f"Balance due {money_print(amounts['balance'])}" in text
    assert "TX-77" in text
    assert not list(tmp_path.glob(".*.part"))

    statement = tmp_path / "statement.pdf"
    today = date.today().isoformat()
    result = tuffops(
        "invoice", "statement", str(customer_id), "--from", today, "--to", today, "--out", str(statement),
        data_dir=tmp_path, url=url,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = _layout_text(statement)
    assert "STATEMENT" in text and "Zoë Ñúñez — Ōsaka" in text and number in text
    assert f"Closing balance {money_print(amounts['balance'])}" in text


def test_invoice_pdf_mistakes_are_one_line_and_leave_no_file(url, tmp_path):
    number, _customer, _amounts = _seed_invoice(url)
    out = tmp_path / "invoice.pdf"
    nowhere = tmp_path / "no" / "such" / "invoice.pdf"
    cases = [
        (("invoice", "pdf", "INV-2026-99999", "--out", str(out)), "tuffops: "),
        (("invoice", "pdf", "not-a-number", "--out", str(out)), "tuffops: “not-a-number” is not an invoice number"),
        (("invoice", "pdf", number, "--out", str(nowhere)), f"tuffops: Cannot write {nowhere}"),
        (("invoice", "statement", "1", "--from", "2026-13-01", "--to", "2026-12-31", "--out", str(out)), "tuffops: "),
    ]  # fmt: skip
    for args, start in cases:
        result = tuffops(*args, data_dir=tmp_path, url=url)
        assert result.returncode != 0, args
        assert result.stdout == "" and result.stderr.count("\n") == 1 and result.stderr.startswith(start), (
            args,
            result.stderr,
        )
    unknown = tuffops("invoice", "pdf", "INV-2026-99999", "--out", str(out), data_dir=tmp_path, url=url)
    assert "INV-2026-99999" in unknown.stderr
    _switch_invoicing(url, False)
    off = tuffops("invoice", "pdf", number, "--out", str(out), data_dir=tmp_path, url=url)
    assert off.returncode == 1 and off.stderr.count("\n") == 1 and "Invoicing is turned off" in off.stderr
    assert not out.exists() and not list(tmp_path.rglob("*.pdf")) and not list(tmp_path.rglob(".*.part"))

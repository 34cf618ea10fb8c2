"""The Invoices page, the Issue invoice card of the work-order panel, the payment, void
and cancel dialogs, the receivables tab, and the invoicing feature flag in the window."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.services.invoice_support import completed_work_order, customer_with_unit, issued
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import build_services
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.invoices.dialogs import (
    CancelInvoiceDialog,
    IssueInvoiceDialog,
    PaymentDialog,
    VoidPaymentDialog,
)
from tuffops_desktop.ui.pages.invoices.page import RECEIVABLES_TAB, InvoicesPage
from tuffops_desktop.ui.pages.invoices.receivables import CUSTOMER_ID_ROLE
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage
from tuffops_desktop.ui.pdf_preview import DocumentPreviewDialog

FLAG = "feature_flag_invoices_enabled"


def make_page(qtbot, services, kit) -> InvoicesPage:  # noqa: ANN001
    page = InvoicesPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitUntil(lambda: page.count_label.text() != "", timeout=5000)
    return page


def answer_dialog(qtbot, dialog_type, fill) -> None:  # noqa: ANN001
    """Fill the next modal dialog of ``dialog_type`` when it opens (``fill`` presses its button)."""

    def attempt() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, dialog_type) and widget.isVisible():
                fill(widget)
                if widget.isVisible():
                    widget.reject()
                return
        QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test")
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    assert window.live.wait_ready(5)
    return window


@pytest.fixture
def admin(demo):  # noqa: ANN001, ANN201
    return demo.services_as("admin")


@pytest.fixture
def billed_customer(admin):  # noqa: ANN001, ANN201
    """A new customer with one unit and one invoice of 126.38 (1.5 h x 65 + 0.75 kg x 38.50, no tax)."""
    customer_id, unit_id = customer_with_unit(admin, company_name="Invoice Tests Ltd")
    invoice_id = issued(admin, unit_id, tax_rate=Decimal("0"))
    return customer_id, unit_id, invoice_id


def test_issue_from_a_completed_work_order_bills_it_and_opens_the_invoice(qtbot, demo, kit, admin):
    office = demo.services_as("office")
    _customer_id, unit_id = customer_with_unit(admin, company_name="Issue From Panel Ltd")
    order_id = completed_work_order(admin, unit_id)
    window = make_window(qtbot, office, kit)
    window.resize(1400, 860)
    page = window.show_section("work_orders")
    assert isinstance(page, WorkOrdersPage)
    assert page.show_record(order_id)
    card = page.editor.invoice_card
    qtbot.waitUntil(lambda: card.status.text() == "No invoice yet.", timeout=5000)
    assert card.isVisibleTo(page.editor) and card.issue_button.isVisibleTo(page.editor)

    seen: dict[str, str] = {}

    def fill(dialog: IssueInvoiceDialog) -> None:
        assert dialog.lines.rowCount() == 2 and not dialog.refusal.isVisible()
        dialog.tax_rate.setText("10")
        seen["tax"] = dialog.values["tax"].text()
        seen["total"] = dialog.values["total"].text()
        dialog.issue()

    answer_dialog(qtbot, IssueInvoiceDialog, fill)
    card.issue_button.click()

    invoice = office.invoices.for_work_order(order_id)
    assert invoice is not None and invoice.status == "sent"
    assert invoice.tax_rate == Decimal("10.00") and invoice.tax == Decimal("12.64")
    assert invoice.total == Decimal("139.02")
    assert seen["tax"].startswith("12.64") and seen["total"].endswith("139.02")
    assert office.work_orders.get(order_id).status == "billed"
    invoices = window.current_page()
    assert isinstance(invoices, InvoicesPage)  # the new invoice opens
    qtbot.waitUntil(lambda: invoices.panel.invoice_id() == invoice.id, timeout=5000)
    assert invoice.id in invoices.model.ids()
    # back on the work order: billed, with its invoice instead of the button
    page = window.show_section("work_orders")
    assert page.show_record(order_id)
    qtbot.waitUntil(lambda: invoice.number in page.editor.invoice_card.status.text(), timeout=5000)
    assert page.editor.detail is not None and page.editor.detail.status == "billed"
    assert not page.editor.invoice_card.issue_button.isVisibleTo(page.editor)


def test_a_refused_issue_shows_the_services_reason(qtbot, kit, admin):
    _customer_id, unit_id = customer_with_unit(admin, company_name="Refused Issue Ltd")
    order_id = completed_work_order(admin, unit_id)
    preview = admin.invoices.preview(order_id)
    # meanwhile another workstation issues it
    admin.invoices.issue(order_id, expected_version=preview.work_order_version)
    dialog = IssueInvoiceDialog(admin, kit.ops, preview)
    qtbot.addWidget(dialog)
    assert not dialog.issue()
    assert kit.prompts.calls == [], "shown in the dialog, not in a message box"
    assert "already has invoice" in dialog.errors.form_message()
    assert len([i for i in admin.invoices.list_ids(ListQuery(filters={"work_order": Ref(order_id)}))]) == 1
    # a preview of an invoiced work order names the invoice and offers no Issue
    again = IssueInvoiceDialog(admin, kit.ops, admin.invoices.preview(order_id))
    qtbot.addWidget(again)
    assert "already has invoice" in again.refusal.text() and not again.issue_button.isEnabled()


def test_partial_then_full_payment_makes_it_paid(qtbot, kit, admin, billed_customer):
    _c, _u, invoice_id = billed_customer
    page = make_page(qtbot, admin, kit)
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    assert page.panel.payment_button.isVisible() and page.panel.cancel_button.isVisible()

    def pay(amount: str):  # noqa: ANN202
        def fill(dialog: PaymentDialog) -> None:
            dialog.amount.setText(amount)
            dialog.method.setCurrentIndex(dialog.method.findData("cheque"))
            dialog.reference.setText("CHQ 100234")
            assert dialog.save()

        return fill

    answer_dialog(qtbot, PaymentDialog, pay("100"))
    page.panel.payment_button.click()
    after = admin.invoices.get(invoice_id)
    assert (after.status, after.paid, after.balance) == ("sent", Decimal("100.00"), Decimal("26.38"))
    assert page.panel.total_values["balance"].text().endswith("26.38")
    assert not page.panel.cancel_button.isVisible()  # something is paid: no cancel
    row = page.model.row_of_id(invoice_id)
    qtbot.waitUntil(lambda: page.model.row_data(row) is not None and page.model.row_data(row).paid == 100, timeout=3000)

    def check_default(dialog: PaymentDialog) -> None:
        assert dialog.amount.text() == "26.38"  # the balance to start with
        assert dialog.save()

    answer_dialog(qtbot, PaymentDialog, check_default)
    page.panel.payment_button.click()
    paid = admin.invoices.get(invoice_id)
    assert (paid.status, paid.balance) == ("paid", Decimal("0.00"))
    assert page.panel.status_tag.text() == "Paid"
    assert not page.panel.payment_button.isVisible()


def test_an_overpayment_is_refused_inline_and_nothing_is_stored(qtbot, kit, admin, billed_customer):
    _c, _u, invoice_id = billed_customer
    invoice = admin.invoices.get(invoice_id)
    dialog = PaymentDialog(admin, kit.ops, invoice)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.amount.setText("200")
    assert not dialog.save()
    message = dialog.errors.visible_messages()["amount"]
    assert "more than the balance of 126.38" in message and invoice.number in message
    assert dialog.isVisible() and not kit.prompts.calls  # inline, no message box
    dialog.amount.setText("abc")
    assert not dialog.save()
    assert "Enter the amount" in dialog.errors.visible_messages()["amount"]
    after = admin.invoices.get(invoice_id)
    assert after.payments == () and after.paid == 0 and after.version == invoice.version


def test_voiding_a_payment_needs_a_reason_is_confirmed_and_reopens_the_invoice(qtbot, kit, admin, billed_customer):
    _c, _u, invoice_id = billed_customer
    paid = admin.invoices.record_payment(invoice_id, Decimal("126.38"), date.today(), "cash", "")
    assert paid.status == "paid"
    page = make_page(qtbot, admin, kit)
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    panel = page.panel
    assert panel.void_button.isVisible() and panel.void_button.isEnabled()  # the one payment is selected
    payment = panel.selected_payment()
    assert payment is not None

    dialog = VoidPaymentDialog(admin, kit.ops, kit.prompts, panel.invoice, payment, page)
    qtbot.addWidget(dialog)
    assert not dialog.save()  # no reason
    assert "Give a reason" in dialog.errors.visible_messages()["reason"]
    assert kit.prompts.kinds() == []
    kit.prompts.confirm_answer = False
    dialog.reason.setText("Entered twice")
    assert not dialog.save()  # not confirmed: nothing happens
    assert admin.invoices.get(invoice_id).status == "paid"
    kit.prompts.confirm_answer = True

    def fill(d: VoidPaymentDialog) -> None:
        d.reason.setText("Entered twice")
        assert d.save()

    answer_dialog(qtbot, VoidPaymentDialog, fill)
    panel.void_button.click()
    after = admin.invoices.get(invoice_id)
    assert after.status == "sent" and after.balance == Decimal("126.38")
    assert after.payments[0].voided and after.payments[0].void_reason == "Entered twice"
    assert panel.status_tag.text() == "Sent" and panel.payment_button.isVisible()
    struck = panel.payments.item(0, 1)
    assert struck.font().strikeOut() and "Voided: Entered twice" in panel.payments.item(0, 3).text()
    assert not panel.void_button.isEnabled()  # the voided payment cannot be voided again
    assert ("confirm", "Void this payment?") in [(k, t) for k, t, _x in kit.prompts.calls]


def test_cancel_only_while_nothing_is_paid(qtbot, kit, admin, billed_customer):
    _c, unit_id, invoice_id = billed_customer
    page = make_page(qtbot, admin, kit)
    admin.invoices.record_payment(invoice_id, Decimal("10"), date.today(), "cash", "")
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    assert not page.panel.cancel_button.isVisible()

    unpaid_id = issued(admin, unit_id)
    page.refresh()
    assert page.show_record(unpaid_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == unpaid_id, timeout=5000)
    assert page.panel.cancel_button.isVisible()

    def fill(dialog: CancelInvoiceDialog) -> None:
        dialog.reason.setText("Wrong customer")
        assert dialog.save()

    answer_dialog(qtbot, CancelInvoiceDialog, fill)
    page.panel.cancel_button.click()
    cancelled = admin.invoices.get(unpaid_id)
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Wrong customer"
    assert cancelled.number  # kept
    assert page.panel.status_tag.text() == "Cancelled"
    assert not page.panel.cancel_button.isVisible() and not page.panel.payment_button.isVisible()
    assert "Wrong customer" in page.panel.values["cancelled"].text()
    # the work order can be invoiced again
    assert admin.invoices.preview(cancelled.work_order_id).refusal == ""


def test_read_only_users_see_invoices_without_actions(qtbot, demo, kit, admin, billed_customer):
    from tests.factories import as_role
    from tuffops_desktop.domain.permissions import Role

    _c, _u, invoice_id = billed_customer
    viewer = as_role(admin, Role.READ_ONLY)
    page = make_page(qtbot, viewer, kit)
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    for button in (page.panel.payment_button, page.panel.void_button, page.panel.cancel_button):
        assert not button.isVisible()


def test_money_columns_are_right_aligned_and_balance_sorts_as_a_number(qtbot, kit, admin):
    customer_id, unit_id = customer_with_unit(admin, company_name="Sorting By Balance Ltd")
    ids = [issued(admin, unit_id, tax_rate=Decimal("0")) for _ in range(3)]
    # balances 126.38, 26.38 (paid 100) and 116.38 (paid 10): as text "26.38" would sort after "116.38"
    admin.invoices.record_payment(ids[1], Decimal("100"), date.today(), "cash", "")
    admin.invoices.record_payment(ids[2], Decimal("10"), date.today(), "cash", "")
    page = make_page(qtbot, admin, kit)
    page.filter_customer(customer_id, "Sorting By Balance Ltd")
    qtbot.waitUntil(lambda: sorted(page.model.ids()) == sorted(ids), timeout=5000)
    column = page.model.column_of_sort_key("balance")
    from tuffops_desktop.ui.models.columns import RIGHT

    assert page.model.columns[column].align == RIGHT
    assert all(page.model.columns[page.model.column_of_sort_key(k)].align == RIGHT for k in ("total", "paid"))
    page.model.sort(column)  # a header click: the page asks SQL again
    qtbot.waitUntil(lambda: page.controller.query.sort == "balance", timeout=2000)
    qtbot.waitUntil(lambda: page.model.ids() == [ids[1], ids[2], ids[0]], timeout=5000)
    texts = [page.model.data(page.model.index(r, column)) for r in range(3)]
    assert [t[-6:].strip() for t in texts] == ["26.38", "116.38", "126.38"]


def test_overdue_invoices_are_red_and_filtered(qtbot, kit, admin):
    customer_id, unit_id = customer_with_unit(admin, company_name="Late Payer Ltd")
    # issued 70 days ago on net 30: due 40 days ago
    past = build_services(replace(admin.ctx, clock=lambda: datetime.now(UTC) - timedelta(days=70)))
    invoice_id = issued(past, unit_id, tax_rate=Decimal("0"))
    page = make_page(qtbot, admin, kit)
    page.overdue.setChecked(True)
    qtbot.waitUntil(lambda: invoice_id in page.model.ids(), timeout=5000)
    rows = admin.invoices.rows(page.model.ids())
    assert all(r.overdue for r in rows)
    row = page.model.row_of_id(invoice_id)
    due = page.model.column_of_sort_key("due")
    qtbot.waitUntil(lambda: page.model.row_data(row) is not None, timeout=3000)
    from PySide6.QtCore import Qt

    assert page.model.data(page.model.index(row, due)).endswith("(overdue)")
    assert page.model.data(page.model.index(row, due), Qt.ItemDataRole.ForegroundRole).color().name() == "#b91c1c"
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    assert page.panel.overdue_tag.text() == "40 days overdue"

    # receivables: its balance is in the 31-60 bucket; double-click lists the customer's invoices
    page.show_tab(RECEIVABLES_TAB)
    view = page.receivables
    qtbot.waitUntil(lambda: view.report is not None and view.select_customer(customer_id), timeout=5000)
    selected = view.table.currentRow()
    assert view.table.item(selected, 3).text().endswith("126.38")  # 31–60 days
    last = view.table.rowCount() - 1
    assert view.table.item(last, 0).text() == "Total" and view.table.item(last, 0).data(CUSTOMER_ID_ROLE) is None
    assert view.table.item(last, 6).text().endswith(str(view.report.totals.total))
    view.table.itemDoubleClicked.emit(view.table.item(selected, 0))
    assert page.stack.currentIndex() == 0
    qtbot.waitUntil(lambda: page.model.ids() == [invoice_id], timeout=5000)
    assert page.customer_button.text() == "Ann Liburd (Late Payer Ltd)"


def test_invoicing_flag_hides_the_section_and_the_issue_button_without_restarting(qtbot, demo, kit, admin):
    _customer_id, unit_id = customer_with_unit(admin, company_name="Flag Test Ltd")
    order_id = completed_work_order(admin, unit_id)
    window = make_window(qtbot, demo.services_as("office"), kit)
    assert "invoices" in window.section_keys()
    page = window.show_section("work_orders")
    assert page.show_record(order_id)
    qtbot.waitUntil(lambda: page.editor.invoice_card.isVisibleTo(page.editor), timeout=5000)
    other = system_services(open_database(demo.url))  # an administrator at another workstation
    other.settings.update({FLAG: False})
    try:
        qtbot.waitUntil(lambda: "invoices" not in window.section_keys(), timeout=5000)
        page = window.show_section("work_orders")
        assert page.show_record(order_id)
        qtbot.waitUntil(lambda: page.editor.work_order_id() == order_id, timeout=5000)
        assert not page.editor.invoice_card.isVisibleTo(page.editor)
        assert not window.open_record("invoice", 1)
    finally:
        other.settings.update({FLAG: True})
    qtbot.waitUntil(lambda: "invoices" in window.section_keys(), timeout=5000)


def test_another_workstations_invoices_and_payments_appear_live(qtbot, demo, kit, admin):
    customer_id, unit_id = customer_with_unit(admin, company_name="Live Invoices Ltd")
    first = issued(admin, unit_id)
    window = make_window(qtbot, demo.services_as("office"), kit)
    page = window.show_section("invoices")
    assert isinstance(page, InvoicesPage)
    page.filter_customer(customer_id, "Live Invoices Ltd")
    qtbot.waitUntil(lambda: page.model.ids() == [first], timeout=5000)
    assert page.show_record(first)
    other = system_services(open_database(demo.url))  # a second workstation
    second = issued(other, unit_id)
    qtbot.waitUntil(lambda: page.model.ids() == [second, first], timeout=3000)
    other.invoices.record_payment(first, Decimal("26.38"), date.today(), "card", "")
    row = page.model.row_of_id(first)
    paid = page.model.column_of_sort_key("paid")
    qtbot.waitUntil(lambda: page.model.data(page.model.index(row, paid)).endswith("26.38"), timeout=3000)
    assert page.table.selected_id() == first  # the selection stays
    qtbot.waitUntil(lambda: page.panel.total_values["paid"].text().endswith("26.38"), timeout=3000)


def test_the_invoice_and_a_statement_are_previewed_and_saved_as_pdf(qtbot, kit, admin, billed_customer, tmp_path):
    customer_id, _u, invoice_id = billed_customer
    invoice = admin.invoices.get(invoice_id)
    page = make_page(qtbot, admin, kit)
    assert page.show_record(invoice_id)
    qtbot.waitUntil(lambda: page.panel.invoice_id() == invoice_id, timeout=5000)
    with qtbot.waitSignal(page.panel.pdf_requested, timeout=1000):
        page.panel.preview_button.click()
    previews = [w for w in QApplication.topLevelWidgets() if isinstance(w, DocumentPreviewDialog) and w.isVisible()]
    assert len(previews) == 1 and previews[0].windowTitle() == f"Invoice {invoice.number}"
    qtbot.waitUntil(lambda: previews[0].plan is not None, timeout=10000)
    previews[0].close()

    kit.prompts.save_path = tmp_path / "invoice.pdf"
    page.panel.save_pdf_button.click()
    qtbot.waitUntil(lambda: kit.prompts.save_path.exists(), timeout=10000)
    text = subprocess.run(
        ["pdftotext", "-layout", str(kit.prompts.save_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert invoice.number in text and "126.38" in text

    page.show_tab(RECEIVABLES_TAB)
    view = page.receivables
    qtbot.waitUntil(lambda: view.report is not None and view.select_customer(customer_id), timeout=5000)
    assert view.statement_button.isEnabled()
    statement = page.statement_pdf(customer_id, "Invoice Tests Ltd", date.today() - timedelta(days=30), date.today())
    qtbot.addWidget(statement)
    assert statement.windowTitle() == "Statement of Invoice Tests Ltd"
    qtbot.waitUntil(lambda: statement.plan is not None, timeout=10000)

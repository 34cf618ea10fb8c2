"""Units page and dialogs: copy URL, SQL search/sort/filter, permissions, new unit
validation, transfer with history, link/unlink, bind blank label, retire."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from tuffops_desktop.db.models import BlankQrLabel
from tuffops_desktop.domain.qr import short_code
from tuffops_desktop.services.listing import ListQuery, Ref, any_of
from tuffops_desktop.ui.formatting import date_text
from tuffops_desktop.ui.pages.units.columns import QR_COLUMN
from tuffops_desktop.ui.pages.units.dialogs import BindLabelDialog, LinkDialog, TransferDialog
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.pages.units.unit_dialog import UnitDialog


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


def make_page(qtbot, services, kit) -> UnitsPage:  # noqa: ANN001
    page = UnitsPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    return page


def test_copy_url_puts_the_exact_public_url_on_the_clipboard(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    unit_id = page.model.ids()[3]
    page.table.select_id(unit_id)
    QGuiApplication.clipboard().setText("something else")
    qtbot.mouseClick(page.detail.copy_button, Qt.MouseButton.LeftButton)
    detail = office.units.get(unit_id)
    assert detail.public_url == f"http://localhost:8765/u/{detail.qr_code_guid}"
    assert QGuiApplication.clipboard().text() == detail.public_url
    assert page.detail.copy_button.text() == "Copied"
    assert page.detail.url_field.text() == detail.public_url


def test_search_by_qr_guid_and_by_customer(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    target = office.units.get(page.model.ids()[5])
    page.search.setText(target.qr_code_guid)
    qtbot.waitUntil(lambda: page.model.ids() == [target.id], timeout=2000)
    qtbot.waitUntil(
        lambda: page.model.data(page.model.index(0, QR_COLUMN)) == short_code(target.qr_code_guid), timeout=2000
    )  # rows arrive in the background
    first_name = target.customer_name.split()[0]
    page.search.setText(first_name.lower())
    expected = office.units.list_ids(ListQuery(sort="customer", text=first_name.lower()))
    qtbot.waitUntil(lambda: page.model.ids() == expected, timeout=2000)


def test_sorting_and_filters_come_from_sql(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    page.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)  # Customer
    assert page.model.ids() == office.units.list_ids(ListQuery(sort="customer"))
    page.table.sortByColumn(7, Qt.SortOrder.DescendingOrder)  # Warranty (computed expiry)
    assert page.model.ids() == office.units.list_ids(ListQuery(sort="warranty", descending=True))
    page.table.sortByColumn(10, Qt.SortOrder.AscendingOrder)  # Linked: not sortable, indicator restored
    assert page.controller.query.sort == "warranty"
    assert page.table.horizontalHeader().sortIndicatorSection() == 7
    page.filter.setCurrentIndex(page.filter.findData("stock"))
    rows = [page.model.row_data(n) for n in range(page.model.rowCount())]
    assert rows and all(r.customer_id is None for r in rows)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 4)) == "(stock)", timeout=2000)


def test_actions_follow_permissions(qtbot, demo, kit):
    office_page = make_page(qtbot, demo.services_as("office"), kit)
    assert office_page.new_button.isVisible() and office_page.transfer_button.isVisible()
    assert not office_page.retire_button.isVisible()
    auditor_page = make_page(qtbot, demo.services_as("auditor"), kit)
    for button in (
        auditor_page.new_button,
        auditor_page.transfer_button,
        auditor_page.link_button,
        auditor_page.unlink_button,
        auditor_page.bind_button,
        auditor_page.retire_button,
    ):
        assert not button.isVisible()
    assert auditor_page.edit_button.text() == "Open…"


def test_new_unit_needs_a_model_then_computes_warranty(qtbot, office, kit):
    before = office.units.count()
    dialog = UnitDialog(kit.ops, office, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.location.setText("Lobby AC #9")
    assert not dialog.save()
    assert dialog.errors.visible_messages() == {"device_model_id": "Choose the device model."}
    assert office.units.count() == before

    model = next(m for m in office.catalog.device_models() if m.default_warranty_months == 60)
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(model.id))
    assert dialog.warranty_months.value() == 60  # the model's default
    dialog.installed_at.set_value(office.ctx.today().replace(year=office.ctx.today().year - 1))
    assert "In warranty" in dialog.warranty_info.text()
    customer_id = office.customers.list_ids(ListQuery(filters={"type": any_of("commercial")}))[0]
    customer = office.customers.get(customer_id)
    dialog.customer.set_customer(customer.id, customer.display_name, customer.customer_type)
    assert dialog.address.text() == customer.address  # offered from the customer
    assert dialog.save()
    saved = office.units.get(dialog.saved.id)
    assert (saved.customer_id, saved.location, saved.warranty_months) == (customer.id, "Lobby AC #9", 60)
    assert saved.warranty_state == "active"


def test_edit_dialog_shows_url_and_keeps_the_owner(qtbot, office, kit):
    unit_id = office.units.list_ids(ListQuery())[0]
    detail = office.units.get(unit_id)
    dialog = UnitDialog(kit.ops, office, detail)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.url_field.text() == detail.public_url
    assert not dialog.customer.isVisible()
    assert dialog.owner_label.text() == detail.customer_name
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == detail.public_url
    dialog.serial_number.setText("ZX-1")
    assert dialog.save()
    assert office.units.get(unit_id).serial_number == "ZX-1"


def test_transfer_keeps_history(qtbot, office, kit):
    unit_id = office.units.list_ids(ListQuery())[1]
    detail = office.units.get(unit_id)
    target = next(c for c in office.customers.list_ids(ListQuery()) if c != detail.customer_id)
    target_detail = office.customers.get(target)
    dialog = TransferDialog(kit.ops, office, detail)
    qtbot.addWidget(dialog)
    assert dialog.history.rowCount() == 1
    dialog.picker.set_customer(target, target_detail.display_name, target_detail.customer_type)
    dialog.note.setText("sold with the building")
    assert dialog.save()
    history = office.units.ownership_history(unit_id)
    assert [h.customer_id for h in history] == [detail.customer_id, target]
    assert history[-1].note == "sold with the building"


def test_link_and_unlink_from_the_page(qtbot, office, kit):
    customer_id = next(c for c in office.customers.list_ids(ListQuery(sort="units", descending=True)))
    unit_ids = office.units.list_ids(ListQuery(sort="label", filters={"customer": Ref(customer_id)}))
    assert len(unit_ids) >= 2
    first = office.units.get(unit_ids[0])
    dialog = LinkDialog(kit.ops, office, first)
    qtbot.addWidget(dialog)
    assert dialog.other.count() == len(unit_ids) - 1
    dialog.other.setCurrentIndex(dialog.other.findData(unit_ids[1]))
    assert dialog.save()
    assert office.units.linked_unit_ids(first.id) == [unit_ids[1]]

    page = make_page(qtbot, office, kit)
    page.table.select_id(first.id)
    qtbot.waitUntil(lambda: page.model.data(page.model.index(page.model.row_of_id(first.id), 10)) == "2", timeout=2000)
    assert page.unlink_button.isEnabled()
    page.unlink_button.click()
    assert kit.prompts.kinds()[-1] == "confirm"
    assert office.units.linked_unit_ids(first.id) == []


def test_bind_blank_label_checks_inline_then_binds(qtbot, demo, office, kit):
    unit_id = office.units.list_ids(ListQuery())[2]
    detail = office.units.get(unit_id)
    dialog = BindLabelDialog(kit.ops, office, detail)
    qtbot.addWidget(dialog)
    dialog.pasted.setText("not a code")
    assert not dialog.save()
    assert dialog.errors.visible_messages() == {"guid": "That is not a TuffOps sticker URL or code."}
    with demo.db.read() as session:
        blank = session.scalar(select(BlankQrLabel.guid).where(BlankQrLabel.bound_unit_id.is_(None)))
    dialog.pasted.setText(f"https://service.example/u/{blank}")
    assert dialog.save()
    assert office.units.get(unit_id).qr_code_guid == blank


def test_retire_needs_confirmation(qtbot, demo, kit):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    unit_id = page.model.ids()[0]
    page.table.select_id(unit_id)
    kit.prompts.confirm_answer = False
    page.retire_button.click()
    assert admin.units.get(unit_id).active
    kit.prompts.confirm_answer = True
    page.retire_button.click()
    assert not admin.units.get(unit_id).active
    assert unit_id not in page.model.ids()


def test_default_sort_readable_columns_one_warranty_word_and_maintenance_dates(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    assert page.controller.query.sort == "customer"
    assert page.model.ids() == office.units.list_ids(ListQuery(sort="customer"))
    rows = [page.model.row_data(n) for n in range(page.model.rowCount())]
    owned = [(r.customer_name, r.label) for r in rows if r.customer_name]
    assert owned == sorted(owned, key=lambda pair: (pair[0].encode(), pair[1].encode()))  # customer, then label
    headers = [page.model.headerData(n, Qt.Orientation.Horizontal) for n in range(page.model.columnCount())]
    assert headers[2:5] == ["Model", "Type", "Customer"] and "Next maintenance" in headers
    widths = {h: page.table.columnWidth(n) for n, h in enumerate(headers)}
    assert widths["Customer"] <= 200 and widths["Model"] >= 200 and widths["Type"] >= 120
    for n, header in enumerate(headers[:10]):  # no header text cut off
        assert page.table.horizontalHeader().sectionSizeFromContents(n).width() <= widths[header] + 2, header

    expired = next(r for r in rows if r.warranty_state == "expired")
    page.table.select_id(expired.id)
    warranty = headers.index("Warranty")
    assert page.model.data(page.model.index(page.model.row_of_id(expired.id), warranty)) == "Expired"
    assert page.detail.warranty.text().startswith("Expired")

    scheduled = next(r for r in rows if r.next_maintenance_at is not None)
    page.table.select_id(scheduled.id)
    next_text = page.detail._values["next_maintenance"].text()
    assert next_text.startswith(date_text(scheduled.next_maintenance_at))
    assert ("overdue" in next_text) == scheduled.maintenance_overdue
    column = headers.index("Next maintenance")
    assert page.model.data(page.model.index(page.model.row_of_id(scheduled.id), column)) == date_text(
        scheduled.next_maintenance_at
    )


def test_transfer_dialog_says_what_stock_means(qtbot, office, kit):
    unit_id = office.units.list_ids(ListQuery(sort="label"))[0]
    dialog = TransferDialog(kit.ops, office, office.units.get(unit_id))
    qtbot.addWidget(dialog)
    texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "“Stock” means the unit belongs to no customer" in texts


def test_the_panel_lists_the_units_requests_and_work_orders_and_opens_them(qtbot, office, kit):
    """Issue #10.7: every request and work order of the unit, newest first, one double-click away."""
    order_ids = office.work_orders.list_ids(ListQuery(sort="created", descending=True))
    unit_id = office.work_orders.rows(order_ids[:1])[0].unit_id
    expected = office.unit_history.entries(unit_id)
    page = make_page(qtbot, office, kit)
    assert page.show_record(unit_id)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.id == unit_id, timeout=5000)
    items = [page.detail.work_list.item(n) for n in range(page.detail.work_list.count())]
    assert [i.data(Qt.ItemDataRole.UserRole)[1] for i in items] == [e.id for e in expected]
    assert expected[0].number in items[0].text()
    first_work_order = next(i for i in items if i.data(Qt.ItemDataRole.UserRole)[0] == "work_order")
    with qtbot.waitSignal(page.open_record_requested) as opened:
        page.detail.work_list.itemActivated.emit(first_work_order)
    assert opened.args == ["work_order", first_work_order.data(Qt.ItemDataRole.UserRole)[1]]

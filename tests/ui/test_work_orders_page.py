"""The work-orders page: list, filters, the panel's moves for each kind of user."""

from __future__ import annotations

import subprocess

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.factories import make_customer, make_unit
from tuffops_desktop.services.listing import ListQuery, Ref, any_of
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.pages.work_orders.editor import AssignDialog, PauseDialog
from tuffops_desktop.ui.pages.work_orders.page import WorkOrdersPage


def make_page(qtbot, services, kit) -> WorkOrdersPage:  # noqa: ANN001
    page = WorkOrdersPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 or page.count_label.text() != "", timeout=5000)
    return page


def listed(page: WorkOrdersPage) -> list[int]:
    return page.model.ids()


def answer_dialog(qtbot, dialog_type, fill) -> None:  # noqa: ANN001
    """Fill and accept the next modal dialog of ``dialog_type`` when it opens."""

    def attempt() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, dialog_type) and widget.isVisible():
                fill(widget)
                widget.accept()
                return
        QTimer.singleShot(20, attempt)

    QTimer.singleShot(0, attempt)


@pytest.fixture
def office_order(demo):
    """A fresh unassigned work order on a customer's unit, made by the office."""
    office = demo.services_as("office")
    system = demo.services_as("admin")
    unit = make_unit(
        system, customer_id=make_customer(system, company_name="Harbour Hotel").id, serial_number="WO-UI-1"
    )
    return office.work_orders.create(unit.id, "repair", "Ice on the outdoor coil")


def test_the_list_shows_open_work_by_default_and_filters_in_sql(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    open_ids = office.work_orders.list_ids(page.controller.query)
    assert listed(page) == open_ids
    statuses = {r.status for r in office.work_orders.rows(open_ids)}
    assert statuses <= {"unassigned", "pending", "ongoing", "paused", "waiting_approval"}
    page.status_filter.setCurrentIndex(page.status_filter.findData("cancelled"))
    expected = office.work_orders.list_ids(ListQuery(sort="due", filters={"status": any_of("cancelled")}))
    qtbot.waitUntil(lambda: listed(page) == expected, timeout=5000)
    assert expected
    page.technician_filter.setCurrentIndex(page.technician_filter.findData(0))  # unassigned
    qtbot.waitUntil(lambda: all(not r.technician for r in office.work_orders.rows(listed(page))), timeout=5000)


def test_office_assigns_and_the_technician_starts_then_pauses(qtbot, demo, kit, office_order):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    assert page.show_record(office_order.id)
    qtbot.waitUntil(lambda: page.editor.work_order_id() == office_order.id, timeout=5000)
    visible = {a for a, b in page.editor.action_buttons.items() if b.isVisibleTo(page.editor)}
    assert visible == {"assign", "cancel"}
    tech_name = "maria"
    tech = next(t for t in office.work_orders.technicians() if t.username == tech_name)

    def pick(dialog: AssignDialog) -> None:
        dialog.technician.setCurrentIndex(dialog.technician.findData(tech.id))

    answer_dialog(qtbot, AssignDialog, pick)
    page.editor.action_buttons["assign"].click()
    qtbot.waitUntil(lambda: page.editor.detail is not None and page.editor.detail.status == "pending", timeout=5000)
    assert page.editor.values["technician"].text() == tech_name
    assert "Unassigned → Pending" in page.editor.history.toPlainText()

    technician = demo.services_as(tech_name)
    tech_page = make_page(qtbot, technician, kit)
    assert tech_page.show_record(office_order.id)
    qtbot.waitUntil(lambda: tech_page.editor.work_order_id() == office_order.id, timeout=5000)
    assert {a for a, b in tech_page.editor.action_buttons.items() if b.isVisibleTo(tech_page.editor)} == {"start"}
    tech_page.editor.action_buttons["start"].click()
    qtbot.waitUntil(lambda: tech_page.editor.detail.status == "ongoing", timeout=5000)
    answer_dialog(qtbot, PauseDialog, lambda d: d.reason.setCurrentIndex(d.reason.findData("awaiting_parts")))
    tech_page.editor.action_buttons["pause"].click()
    qtbot.waitUntil(lambda: tech_page.editor.detail.status == "paused", timeout=5000)
    assert "(Awaiting parts)" in tech_page.editor.history.toPlainText()
    assert all(r.technician == tech_name for r in technician.work_orders.rows(listed(tech_page)))


def test_cancel_asks_first_and_a_move_made_elsewhere_is_reported(qtbot, demo, kit, office_order):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    assert page.show_record(office_order.id)
    qtbot.waitUntil(lambda: page.editor.work_order_id() == office_order.id, timeout=5000)
    kit.prompts.confirm_answer = False
    page.editor.action_buttons["cancel"].click()
    assert kit.prompts.kinds()[-1] == "confirm"
    assert office.work_orders.get(office_order.id).status == "unassigned"  # said no: nothing happened
    other = demo.services_as("admin")  # another workstation cancels meanwhile
    other.work_orders.act(office_order.id, "cancel", office_order.version)
    kit.prompts.confirm_answer = True
    page.editor.action_buttons["cancel"].click()
    assert any("just changed by admin" in str(text) for _kind, _title, text in kit.prompts.calls)
    qtbot.waitUntil(lambda: page.editor.detail is not None and page.editor.detail.status == "cancelled", timeout=5000)


def test_notes_are_plain_text(qtbot, demo, kit, office_order):
    page = make_page(qtbot, demo.services_as("office"), kit)
    assert page.show_record(office_order.id)
    qtbot.waitUntil(lambda: page.editor.work_order_id() == office_order.id, timeout=5000)
    page.editor.note_edit.setText("<b>Gate</b> code &amp; 1234")
    page.editor.add_note_button.click()
    qtbot.waitUntil(lambda: "<b>Gate</b> code &amp; 1234" in page.editor.notes.toPlainText(), timeout=5000)
    assert page.editor.note_edit.text() == ""


def test_the_window_opens_the_page_from_the_sidebar(qtbot, demo, kit):
    window = MainWindow(demo.services_as("office"), kit.ops, kit.prompts, kit.monitor, database_label="SQLite")
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("work_orders")
    assert isinstance(page, WorkOrdersPage)
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    window.close()


def test_the_job_sheet_is_saved_from_the_panel(qtbot, demo, kit, office_order, tmp_path):
    page = make_page(qtbot, demo.services_as("office"), kit)
    assert page.show_record(office_order.id)
    qtbot.waitUntil(lambda: page.editor.work_order_id() == office_order.id, timeout=5000)
    kit.prompts.save_path = tmp_path / "sheet.pdf"
    with qtbot.waitSignal(page.editor.job_sheet_saved, timeout=10000):
        page.editor.job_sheet_button.click()
    text = subprocess.run(
        ["pdftotext", str(kit.prompts.save_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert office_order.number in text and "Ice on the outdoor coil" in text
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.pdf"]  # no temporary file left behind


def test_maintenance_due_creates_one_work_order_per_picked_unit(qtbot, demo, kit):
    from tuffops_desktop.ui.pages.work_orders.maintenance_dialog import MaintenanceDueDialog

    office = demo.services_as("office")
    dialog = MaintenanceDueDialog(office, kit.ops, kit.prompts)
    qtbot.addWidget(dialog)
    dialog.within.setValue(366)
    expected = office.maintenance.due_ids(dialog.query(), 366)
    qtbot.waitUntil(lambda: dialog.model.ids() == expected and bool(expected), timeout=5000)
    dialog.table.selectRow(0)
    picked = dialog.selected_unit_ids()
    assert len(picked) == 1 and dialog.create_button.isEnabled()
    dialog.create()
    assert kit.prompts.kinds()[-2:] == ["confirm", "info"]
    assert dialog.created_count == 1
    qtbot.waitUntil(lambda: picked[0] not in dialog.model.ids(), timeout=5000)  # now it has a work order
    (made,) = office.work_orders.list_ids(
        ListQuery(filters={"unit": Ref(picked[0]), "type": any_of("maintenance"), "status": any_of("unassigned")})
    )
    assert office.work_orders.get(made).work_type == "maintenance"

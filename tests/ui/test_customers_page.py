"""Customers page and dialog: SQL search and sort, permissions, inline validation,
concurrent edits, CSV import/export, plain-text display."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QPoint, QSortFilterProxyModel, Qt

from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.prompts import ConflictChoice


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


def make_page(qtbot, services, kit) -> CustomersPage:  # noqa: ANN001
    page = CustomersPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    return page


def click_header(qtbot, page: CustomersPage, column: int) -> None:
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_list_shows_what_sql_answers(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    assert page.model.ids() == office.customers.list_ids(ListQuery(sort="name"))
    assert page.count_label.text() == f"{page.model.rowCount()} customers"
    assert not isinstance(page.table.model(), QSortFilterProxyModel)


def test_search_is_debounced_and_runs_in_sql(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    expected = office.customers.list_ids(ListQuery(text="bay road"))
    assert 0 < len(expected) < page.model.rowCount()
    qtbot.keyClicks(page.search, "bay road")
    assert page.model.rowCount() != len(expected)  # nothing happens while typing
    qtbot.waitUntil(lambda: page.model.ids() == expected, timeout=2000)
    assert page.controller.query.text == "bay road"


def test_header_clicks_re_query_sql_in_its_order(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    by_name = page.model.ids()
    click_header(qtbot, page, 5)  # City
    by_city = office.customers.list_ids(ListQuery(sort="city"))
    assert (page.controller.query.sort, page.controller.query.descending) == ("city", False)
    assert page.model.ids() == by_city != by_name
    click_header(qtbot, page, 5)
    assert page.model.ids() == office.customers.list_ids(ListQuery(sort="city", descending=True))
    click_header(qtbot, page, 6)  # Units: a count subquery, impossible to get right by sorting text
    assert page.model.ids() == office.customers.list_ids(ListQuery(sort="units"))
    assert page.table.horizontalHeader().sortIndicatorSection() == 6


def test_street_address_column_sorts_in_sql(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    assert page.model.headerData(4, Qt.Orientation.Horizontal) == "Address"
    click_header(qtbot, page, 4)
    by_address = office.customers.list_ids(ListQuery(sort="address"))
    assert page.controller.query.sort == "address" and page.model.ids() == by_address
    first = office.customers.get(by_address[0])
    assert page.model.data(page.model.index(0, 4)) == first.address
    addresses = [office.customers.get(i).address for i in by_address]
    assert addresses == sorted(addresses, key=lambda a: a.encode())  # byte order, like SQL's default


def test_a_unit_in_the_detail_panel_opens_on_the_units_page(qtbot, office, kit):
    from tuffops_desktop.ui.main_window import MainWindow
    from tuffops_desktop.ui.pages.units.page import UnitsPage

    window = MainWindow(office, kit.ops, kit.prompts, kit.monitor, database_label="test")
    qtbot.addWidget(window)
    window.show()
    page = window.current_page()
    assert isinstance(page, CustomersPage)
    owner = next(i for i in page.model.ids() if page.model.row_data(page.model.row_of_id(i)).unit_count > 0)
    page.table.select_id(owner)
    units = page.detail.units_table
    assert units.model().rowCount() > 0
    unit_id = units.model().row_id(0)
    units.select_id(unit_id)
    units.setFocus()
    qtbot.keyClick(units, Qt.Key.Key_Return)
    shown = window.current_page()
    assert isinstance(shown, UnitsPage) and shown.table.selected_id() == unit_id


def test_type_filter(qtbot, office, kit):
    page = make_page(qtbot, office, kit)
    page.type_filter.setCurrentIndex(page.type_filter.findData("government"))
    rows = [page.model.row_data(n) for n in range(page.model.rowCount())]
    assert rows and {r.customer_type for r in rows} == {"government"}


def test_buttons_follow_permissions(qtbot, demo, kit):
    office_page = make_page(qtbot, demo.services_as("office"), kit)
    assert office_page.new_button.isVisible() and office_page.import_button.isVisible()
    assert not office_page.deactivate_button.isVisible()  # office may not delete
    auditor_page = make_page(qtbot, demo.services_as("auditor"), kit)
    assert not auditor_page.new_button.isVisible()
    assert not auditor_page.import_button.isVisible()
    assert not auditor_page.deactivate_button.isVisible()
    assert auditor_page.edit_button.text() == "Open…"
    assert auditor_page.export_button.isVisible()
    assert not auditor_page.integration_note.isVisible()


def test_integration_hides_new_and_shows_the_note(qtbot, demo, kit):
    admin = demo.services_as("admin")
    admin.settings.set_readonly_value("customer_integration_enabled", True)
    try:
        page = make_page(qtbot, admin, kit)
        assert not page.new_button.isVisible() and not page.import_button.isVisible()
        assert page.integration_note.isVisible()
        assert page.integration_note.text() == "Customer data is managed by an external system."
        detail = admin.customers.get(page.model.ids()[0])
        dialog = CustomerDialog(kit.ops, admin.customers, detail, integration=True)
        qtbot.addWidget(dialog)
        assert dialog.first_name.isReadOnly() and not dialog.notes.isReadOnly()
    finally:
        admin.settings.set_readonly_value("customer_integration_enabled", False)


def test_add_dialog_shows_errors_next_to_fields_and_saves_nothing(qtbot, office, kit):
    before = office.customers.count()
    dialog = CustomerDialog(kit.ops, office.customers, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.last_name.setText("Liburd")
    qtbot.keyClicks(dialog.phones, "12")
    qtbot.keyClicks(dialog.discount_rate, "250")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible() and dialog.saved is None
    messages = dialog.errors.visible_messages()
    assert messages["first_name"] == "Enter a First Name or a Company Name."
    assert "wrong number of digits" in messages["phones"]
    assert messages["discount_rate"] == "The discount is a percentage from 0 to 100."
    assert dialog.first_name.property("invalid") is True
    assert kit.prompts.calls == []  # inline only, no message box
    assert office.customers.count() == before


def test_add_dialog_saves_normalised_values_and_previews_the_name(qtbot, office, kit):
    dialog = CustomerDialog(kit.ops, office.customers, None)
    qtbot.addWidget(dialog)
    dialog.first_name.setText("Zoë")  # non-ASCII through setText (keyClicks would abort)
    dialog.last_name.setText("Łukasz")
    dialog.company_name.setText("Sugar Bay Resort")
    assert dialog.preview.text() == "Shown in lists as: Zoë Łukasz (Sugar Bay Resort)"
    dialog.customer_type.setCurrentIndex(dialog.customer_type.findData("commercial"))
    dialog.phones.setText("555 1234")
    dialog.emails.setText("Zoe@Example.COM")
    assert dialog.save()
    saved = office.customers.get(dialog.saved.id)
    assert saved.display_name == "Zoë Łukasz (Sugar Bay Resort)"
    assert saved.phones == ("+18695551234",)
    reopened = CustomerDialog(kit.ops, office.customers, saved)
    qtbot.addWidget(reopened)
    assert reopened.phones.text() == "+1-869-555-1234"


def test_payment_terms_in_the_dialog_refused_inline_then_saved(qtbot, office, kit):
    dialog = CustomerDialog(kit.ops, office.customers, None)
    qtbot.addWidget(dialog)
    dialog.company_name.setText("Terms Test Ltd")
    dialog.payment_terms_days.setText("400")
    assert not dialog.save()
    assert "365" in dialog.errors.visible_messages()["payment_terms_days"]
    dialog.payment_terms_days.setText("14")
    assert dialog.save()
    saved = office.customers.get(dialog.saved.id)
    assert saved.payment_terms_days == 14
    reopened = CustomerDialog(kit.ops, office.customers, saved)
    qtbot.addWidget(reopened)
    assert reopened.payment_terms_days.text() == "14"


def test_saving_a_stale_dialog_asks_and_never_overwrites(qtbot, demo, kit):
    office, admin = demo.services_as("office"), demo.services_as("admin")
    target = office.customers.list_ids(ListQuery(filters={"type": any_of("residential")}))[0]
    opened = office.customers.get(target)
    dialog = CustomerDialog(kit.ops, office.customers, opened)
    qtbot.addWidget(dialog)
    dialog.show()

    theirs = admin.customers.update(target, replace(_input(opened), city="Sandy Point Town"), opened.version)
    dialog.first_name.setText("Mine")
    kit.prompts.conflict_answer = ConflictChoice.CANCEL
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert kit.prompts.kinds() == ["conflict"]
    assert "changed by someone else" in kit.prompts.calls[0][2]
    assert dialog.isVisible() and dialog.saved is None
    assert dialog.first_name.text() == "Mine"  # Cancel keeps the user's edit on screen
    now = office.customers.get(target)
    assert (now.first_name, now.city, now.version) == (opened.first_name, "Sandy Point Town", theirs.version)

    kit.prompts.conflict_answer = ConflictChoice.RELOAD
    assert not dialog.save()
    assert dialog.city.text() == "Sandy Point Town" and dialog.first_name.text() == opened.first_name
    assert dialog.reloaded_note.isVisible()
    dialog.first_name.setText("Mine")
    assert dialog.save()
    final = office.customers.get(target)
    assert (final.first_name, final.city) == ("Mine", "Sandy Point Town")


def test_read_only_users_get_a_dialog_without_save(qtbot, demo, kit):
    auditor = demo.services_as("auditor")
    detail = auditor.customers.get(auditor.customers.list_ids(ListQuery())[0])
    dialog = CustomerDialog(kit.ops, auditor.customers, detail, can_edit=False)
    qtbot.addWidget(dialog)
    assert dialog.save_button is None
    assert dialog.first_name.isReadOnly() and not dialog.customer_type.isEnabled()


def test_user_text_is_shown_as_plain_text(qtbot, office, kit):
    created = office.customers.create(CustomerInput(customer_type="commercial", company_name="<b>Bold</b> & Co"))
    page = make_page(qtbot, office, kit)
    page.search.setText("bold")
    qtbot.waitUntil(lambda: page.model.ids() == [created.id], timeout=2000)
    page.table.select_id(created.id)
    assert page.detail.name.text() == "<b>Bold</b> & Co"
    assert page.detail.name.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(lambda: page.model.data(page.model.index(0, 1)) == "<b>Bold</b> & Co", timeout=2000)


def test_import_errors_are_listed_with_line_numbers_and_nothing_is_imported(qtbot, office, kit, tmp_path):
    bad = tmp_path / "customers.csv"
    bad.write_text(
        "type,first_name,company_name,phones\nresidential,Ann,,4652200\nresidential,,,\nmartian,Bob,,\n",
        encoding="utf-8",
    )
    page = make_page(qtbot, office, kit)
    before = office.customers.count()
    kit.prompts.open_path = bad
    page.import_button.click()
    qtbot.waitUntil(lambda: "import_errors" in kit.prompts.kinds(), timeout=10_000)
    kinds = kit.prompts.kinds()
    assert kinds == ["open_file", "import_errors"]
    lines = [line for line, _text in kit.prompts.calls[1][2]]
    assert lines == [3, 4]
    assert office.customers.count() == before


def test_import_then_export(qtbot, office, kit, tmp_path):
    good = tmp_path / "new.csv"
    good.write_text("\ufefftype,first_name,last_name,phones\nresidential,Renée,Phipps,4652211\n", encoding="utf-8")
    page = make_page(qtbot, office, kit)
    before = office.customers.count()
    kit.prompts.open_path = good
    page.import_button.click()
    qtbot.waitUntil(lambda: kit.prompts.calls[-1][0] == "info", timeout=10_000)
    assert office.customers.count() == before + 1
    qtbot.waitUntil(lambda: page.model.rowCount() == len(office.customers.list_ids(ListQuery())), timeout=5000)
    assert page.model.rowCount() == len(office.customers.list_ids(ListQuery()))

    out = tmp_path / "export.csv"
    kit.prompts.save_path = out
    page.export_button.click()
    qtbot.waitUntil(lambda: kit.prompts.calls[-1][1] == "Export finished", timeout=10_000)
    text = out.read_text(encoding="utf-8-sig")
    assert text.startswith("id,type,first_name")
    assert "Renée" in text
    assert len(text.strip().splitlines()) == office.customers.count() + 1


def test_deactivate_hides_the_customer_unless_asked(qtbot, demo, kit):
    admin = demo.services_as("admin")
    page = make_page(qtbot, admin, kit)
    target = page.model.ids()[0]
    page.table.select_id(target)
    kit.prompts.confirm_answer = True
    page.deactivate_button.click()
    assert not admin.customers.get(target).active
    assert target not in page.model.ids()
    page.show_inactive.setChecked(True)
    assert target in page.model.ids()
    page.table.select_id(target)
    assert page.deactivate_button.text() == "Reactivate"
    page.deactivate_button.click()
    assert admin.customers.get(target).active


def _input(detail) -> CustomerInput:  # noqa: ANN001
    return CustomerInput(
        customer_type=detail.customer_type,
        first_name=detail.first_name,
        last_name=detail.last_name,
        company_name=detail.company_name,
        emails=list(detail.emails),
        phones=list(detail.phones),
        address=detail.address,
        city=detail.city,
        postcode=detail.postcode,
        country=detail.country,
        discount_rate=detail.discount_rate,
        default_sla_hours=detail.default_sla_hours,
        remote_id=detail.remote_id or "",
        notes=detail.notes,
    )


def test_an_earlier_relist_arriving_late_does_not_hide_a_new_customer(qtbot, office, kit):
    """Two change-feed re-lists: the first (from before a customer was added) is slow and arrives
    last; the list must keep the second answer, with the new customer in it."""
    import threading

    from tuffops_desktop.services.changes import Change

    page = make_page(qtbot, office, kit)
    real = page._list_ids
    gate = threading.Event()
    calls: list[str] = []

    def list_ids(query):  # noqa: ANN001, ANN202
        if not calls:
            calls.append("old")
            ids = real(query)  # read before the customer exists
            gate.wait(5)
            return ids
        calls.append("new")
        return real(query)

    page._list_ids = list_ids
    page.apply_changes([Change("customer", None, "update")])
    qtbot.waitUntil(lambda: calls == ["old"], timeout=3000)
    added = office.customers.create(CustomerInput(customer_type="residential", first_name="Late", last_name="Answer"))
    page.apply_changes([Change("customer", added.id, "create")])
    qtbot.waitUntil(lambda: page.model.row_of_id(added.id) is not None, timeout=3000)
    gate.set()
    qtbot.wait(300)
    assert page.model.row_of_id(added.id) is not None

"""Keyboard: page switching, the sidebar, Tab out of a table, Enter and Del on a row, the
shortcuts list, and Open by scan (Ctrl+K) with a GUID, a URL, a ticket and a name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication

from tuffops_desktop.domain.qr import public_url
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.open_by_scan import OpenByScanDialog
from tuffops_desktop.ui.shortcuts import LIST, SHORTCUTS, key_text

CTRL = Qt.KeyboardModifier.ControlModifier


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test")
    qtbot.addWidget(window)
    window.show()
    # Build every page first: under the offscreen platform, building a page leaves the
    # window inactive, and shortcuts only reach the active window.
    start = window.navigation.currentRow()
    for key in window.section_keys():
        window.show_section(key)
    window.navigation.setCurrentRow(start)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    return window


def current_key(window: MainWindow) -> str:
    return window.section_keys()[window.navigation.currentRow()]


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


def test_ctrl_numbers_and_ctrl_page_keys_switch_pages(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    keys = window.section_keys()
    qtbot.keyClick(window, Qt.Key.Key_1, CTRL)
    assert current_key(window) == keys[0] == "inbox"
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    assert current_key(window) == keys[4] == "units"
    assert QApplication.focusWidget() is window.current_page().search  # the page's tab order starts there
    qtbot.keyClick(window, Qt.Key.Key_PageDown, CTRL)
    assert current_key(window) == keys[5]
    qtbot.keyClick(window, Qt.Key.Key_PageUp, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_PageUp, CTRL)
    assert current_key(window) == keys[3] == "customers"
    window.go_to_page(0)
    qtbot.keyClick(window, Qt.Key.Key_PageUp, CTRL)  # wraps round
    assert current_key(window) == keys[-1]


def test_sidebar_takes_focus_and_arrow_keys_move_through_it(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert window.navigation.hasFocus()
    start = window.navigation.currentRow()
    qtbot.keyClick(window.navigation, Qt.Key.Key_Down)
    assert window.navigation.currentRow() == start + 1
    assert window.current_page() is window._pages[current_key(window)]
    qtbot.keyClick(window, Qt.Key.Key_F6)
    assert QApplication.focusWidget() is window.current_page().search


def test_tab_order_starts_at_search_and_tab_leaves_the_table(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    page = window.current_page()  # customers
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is page.search
    qtbot.keyClick(page.search, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is page.type_filter
    page.table.setFocus()
    page.table.select_id(page.model.row_id(0))
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not page.table
    assert page.table.currentIndex().column() == 0  # it did not walk to the next cell
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is page.table


def submit(services, text: str = "Noisy fan in the server room"):  # noqa: ANN001, ANN201
    unit_id = services.units.list_ids(ListQuery(sort="label"))[0]
    return services.requests.submit_office(
        unit_id, RequestInput(text, date.today() + timedelta(days=2), "Morning", "the caretaker")
    )


def test_enter_opens_the_selected_row(qtbot, office, kit):
    submit(office)
    window = make_window(qtbot, office, kit)
    inbox = window.show_section("inbox")
    inbox.refresh()
    inbox.table.setFocus()
    first = inbox.model.row_id(0)
    inbox.table.select_id(first)
    with qtbot.waitSignal(inbox.table.open_requested) as opened:
        qtbot.keyClick(inbox.table, Qt.Key.Key_Return)
    assert opened.args == [first]
    assert QApplication.focusWidget() is inbox.editor.request_text  # the request is open for triage


def test_del_deactivates_after_confirmation_and_only_with_permission(qtbot, demo, kit):
    admin = demo.services_as("admin")
    window = make_window(qtbot, admin, kit)
    page = window.current_page()  # customers
    customer_id = page.model.row_id(0)
    page.table.select_id(customer_id)
    page.table.setFocus()
    kit.prompts.confirm_answer = False
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert kit.prompts.kinds() == ["confirm"] and kit.prompts.calls[0][1] == "Deactivate customer"
    assert admin.customers.get(customer_id).active
    kit.prompts.confirm_answer = True
    try:
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
        assert not admin.customers.get(customer_id).active
        kit.prompts.calls.clear()
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)  # already deactivated: Del does not reactivate
        assert kit.prompts.calls == [] and not admin.customers.get(customer_id).active
    finally:
        detail = admin.customers.get(customer_id)
        admin.customers.set_active(customer_id, True, detail.version)


def test_del_does_nothing_without_the_permission(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    page = window.current_page()
    customer_id = page.model.row_id(0)
    page.table.select_id(customer_id)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert kit.prompts.calls == [] and office.customers.get(customer_id).active


def test_shortcuts_list_has_every_registered_shortcut(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    for key in window.section_keys():
        window.show_section(key)
    dialog = window.show_shortcuts()
    listed = {keys for keys, _text, _where in dialog.rows()}
    registered = {key_text(a.shortcuts()) for a in window.findChildren(QAction) if a.shortcuts()}
    registered |= {key_text([s.key()]) for s in window.findChildren(QShortcut) if not s.key().isEmpty()}
    assert registered and registered <= listed
    assert {key_text(s.keys) for s in SHORTCUTS if s.where == LIST} <= listed
    for n, key in enumerate(window.section_keys()[:9], start=1):
        assert (
            key_text([f"Ctrl+{n}"]),
            f"Go to {window.navigation.item(n - 1).text()}",
            "Anywhere",
        ) in dialog.rows(), key
    assert ("Ctrl+K", "Open by scan…", "Anywhere") in dialog.rows()
    dialog.close()


def scan(qtbot, window: MainWindow, text: str) -> OpenByScanDialog:
    window.activateWindow()  # (offscreen does not give activation back when a dialog closes)
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window, Qt.Key.Key_K, CTRL)
    dialog = window.scan_dialog
    assert isinstance(dialog, OpenByScanDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.box, text)  # a keyboard-wedge scanner types, then presses Enter
    qtbot.keyClick(dialog.box, Qt.Key.Key_Return)
    return dialog


def test_scanning_a_sticker_guid_or_url_opens_the_unit(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    unit_id = office.units.list_ids(ListQuery(sort="label"))[3]
    unit = office.units.get(unit_id)
    for text in (unit.qr_code_guid.upper(), public_url("https://service.example.com", unit.qr_code_guid)):
        window.show_section("customers")
        dialog = scan(qtbot, window, text)
        assert not dialog.isVisible() and dialog.chosen is not None
        page = window.current_page()
        assert page is window._pages["units"]
        assert page.table.selected_id() == unit_id
        assert page.detail.detail is not None and page.detail.detail.id == unit_id  # its detail is shown


def test_scanning_an_unknown_code_says_so(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    dialog = scan(qtbot, window, "00000000-0000-4000-8000-000000000000")
    assert dialog.isVisible() and dialog.matches() == []
    assert dialog.hint.text() == "Nothing found for “00000000-0000-4000-8000-000000000000”."
    dialog.reject()


def test_a_ticket_opens_the_request_in_the_inbox(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    request = submit(office, "Thermostat shows E4")
    scan(qtbot, window, request.ticket.lower())
    inbox = window.current_page()
    assert inbox is window._pages["inbox"]
    assert inbox.table.selected_id() == request.id
    assert inbox.editor.request_id() == request.id


def test_a_name_lists_matches_and_enter_opens_the_chosen_one(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    customer_id = office.customers.list_ids(ListQuery(sort="name"))[0]
    customer = office.customers.get(customer_id)
    dialog = scan(qtbot, window, customer.display_name)
    matches = dialog.matches()
    assert dialog.isVisible() and len(matches) > 1  # the customer and its units and requests
    assert (matches[0].kind, matches[0].id) == ("customer", customer_id)
    assert {m.kind for m in matches} >= {"customer", "unit"}
    assert dialog.results.hasFocus() and dialog.results.currentRow() == 0
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    page = window.current_page()
    assert page is window._pages["customers"] and page.table.selected_id() == customer_id


def test_typing_lists_matches_in_the_background(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    dialog = window.open_by_scan()
    dialog.box.setText("a")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=3000)
    qtbot.keyClick(dialog.box, Qt.Key.Key_Down)
    assert dialog.results.hasFocus() and dialog.results.currentRow() == 0
    dialog.reject()


def test_menus_show_the_shortcut_actions(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Go", "&Help"]
    help_menu = window.menuBar().actions()[1].menu()
    shortcuts = [a.shortcut() for a in help_menu.actions() if not a.isSeparator()]
    assert shortcuts == [QKeySequence("F1"), QKeySequence()]  # keyboard help, then About (no key)
    assert "About" in help_menu.actions()[-1].text()

"""An empty list says why: a search with no result names the search and offers to clear
it (the ListPage base, so every list does it); the row actions move under the search box
when the page is too narrow for one row."""

from __future__ import annotations

import pytest

from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.pages.users.page import UsersPage

PAGES = [(CustomersPage, "customers"), (UnitsPage, "units"), (InboxPage, "requests"), (UsersPage, "users")]


@pytest.mark.parametrize(("page_class", "things"), PAGES, ids=[t for _c, t in PAGES])
def test_a_search_without_result_says_so_and_clears(qtbot, demo, kit, page_class, things):
    page = page_class(demo.services_as("admin"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitUntil(lambda: not page.empty_state.isVisible() or page.model.rowCount() == 0, timeout=2000)
    before = page.model.ids()

    page.search.setText("zq-nothing-like-this")  # listed again after the typing pause
    expected = f"No {things} match “zq-nothing-like-this”"
    qtbot.waitUntil(lambda: page.empty_state.isVisible() and page.empty_state.message.text() == expected, timeout=2000)
    assert page.model.rowCount() == 0
    assert page.empty_state.clear_button.isVisible()
    assert page.empty_state.geometry() == page.table.viewport().rect()

    page.empty_state.clear_button.click()
    qtbot.waitUntil(
        lambda: (
            page.model.ids() == before
            and not (page.empty_state.isVisible() and page.empty_state.message.text() == expected)
        ),
        timeout=2000,
    )
    assert page.search.text() == ""
    assert page.empty_state.isVisible() == (not before)


def test_an_empty_list_without_a_search_has_no_clear_button(qtbot, demo, kit):
    page = CustomersPage(demo.services_as("admin"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    page._show_empty_state(0)  # as when a filter leaves nothing
    assert page.empty_state.message.text() == "No customers to show."
    assert not page.empty_state.clear_button.isVisible()
    page._show_empty_state(3)
    assert not page.empty_state.isVisible()


def test_row_actions_move_under_the_search_box_when_narrow(qtbot, demo, kit):
    page = UnitsPage(demo.services_as("admin"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1700, 800)
    page.show()
    qtbot.waitUntil(
        lambda: (
            page.actions_bar.y() == page.search.y()
            or page.actions_bar.geometry().center().y() == page.search.geometry().center().y()
        ),
        timeout=1000,
    )
    page.resize(820, 640)  # the units page at a 1024 px wide window, beside the sidebar
    qtbot.waitUntil(lambda: page.actions_bar.y() > page.search.y() + page.search.height() // 2, timeout=1000)
    assert page.search.width() >= page.search.minimumWidth() >= 200
    page.resize(1700, 800)
    qtbot.waitUntil(
        lambda: page.actions_bar.geometry().center().y() == page.search.geometry().center().y(), timeout=1000
    )

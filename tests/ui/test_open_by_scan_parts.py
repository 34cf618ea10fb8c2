"""Open by scan (Ctrl+K) with part labels: a scanned ``TUFFOPS:PART:<number>`` or a typed
part number opens the part on the Inventory page; words find parts among the rest; a user
without the Inventory page gets no parts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_keyboard import make_window, scan
from tuffops_desktop.domain.part_labels import part_code
from tuffops_desktop.ui.open_by_scan import PART, ScanSearch


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


def part_id(services, number: str) -> int:  # noqa: ANN001
    return services.part_labels.part_ids([number])[0]


def test_a_scanned_part_label_opens_the_part(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    wanted = part_id(office, "CAP-DR-45/5")
    window.show_section("customers")
    dialog = scan(qtbot, window, part_code("CAP-DR-45/5"))
    assert not dialog.isVisible() and dialog.chosen is not None
    assert (dialog.chosen.kind, dialog.chosen.id) == (PART, wanted)
    page = window.current_page()
    assert page is window._pages["inventory"]
    qtbot.waitUntil(lambda: page.table.selected_id() == wanted, timeout=3000)


def test_a_typed_part_number_opens_the_part_at_once(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    wanted = part_id(office, "REF-R410A")
    dialog = scan(qtbot, window, "ref-r410a")  # any case: Enter opens the only match
    assert not dialog.isVisible()
    page = window.current_page()
    assert page is window._pages["inventory"]
    qtbot.waitUntil(lambda: page.table.selected_id() == wanted, timeout=3000)


def test_an_unknown_part_label_says_so_and_words_list_parts(qtbot, office, kit):
    window = make_window(qtbot, office, kit)
    dialog = scan(qtbot, window, "TUFFOPS:PART:NO-SUCH-PART")
    assert dialog.isVisible() and dialog.matches() == []
    assert dialog.hint.text() == "Nothing found for “TUFFOPS:PART:NO-SUCH-PART”."
    dialog.reject()
    dialog = scan(qtbot, window, "capacitor 45")
    matches = dialog.matches()
    assert matches and {m.kind for m in matches} == {PART}
    assert "CAP-DR-45/5" in {m.title for m in matches}
    assert all(m.detail.startswith("Part · ") for m in matches)
    chosen = next(n for n, m in enumerate(matches) if m.title == "CAP-R-45")
    dialog.results.setCurrentRow(chosen)
    qtbot.keyClick(dialog.results, Qt.Key.Key_Return)
    page = window.current_page()
    assert page is window._pages["inventory"]
    qtbot.waitUntil(lambda: page.table.selected_id() == matches[chosen].id, timeout=3000)


def test_without_the_inventory_page_a_part_label_finds_nothing(demo):  # noqa: ANN001
    estimator = demo.services_as("estimator")  # customers and units, no inventory
    search = ScanSearch(estimator, {"customer", "unit"})
    assert search.find(part_code("CAP-DR-45/5")) == []
    assert all(m.kind != PART for m in search.find("capacitor"))
    office = ScanSearch(demo.services_as("office"), {"customer", "unit", PART})
    assert [m.title for m in office.find(" tuffops:part:cap-dr-45/5 ")] == ["CAP-DR-45/5"]

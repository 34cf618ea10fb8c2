"""Remembered state: geometry, page, splitter, columns, sort, filters and search come back
after the window is closed and made again; a geometry saved on a monitor that is gone
lands wholly on a screen that exists."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.window_state import WindowState


@pytest.fixture
def state_file(tmp_path: Path) -> Path:
    return tmp_path / "window-state.ini"


def make_window(qtbot, services, kit, state_file: Path, user: str = "office") -> MainWindow:  # noqa: ANN001
    state = WindowState(QSettings(str(state_file), QSettings.Format.IniFormat), user)
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test", state=state)
    qtbot.addWidget(window)
    window.show()
    return window


def test_units_page_comes_back_as_it_was_left(qtbot, demo, kit, state_file):
    office = demo.services_as("office")
    window = make_window(qtbot, office, kit, state_file)
    window.resize(1024, 700)  # fits the test screen, so the next window gets the same size
    page = window.show_section("units")
    header = page.table.horizontalHeader()
    header.resizeSection(1, 171)
    header.moveSection(header.visualIndex(2), 0)
    page.table.set_column_shown(3, False)
    page.splitter.setSizes([300, 330])
    page.filter.setCurrentIndex(page.filter.findData("no_sticker"))
    page.show_retired.setChecked(True)
    page.controller.update(sort="serial", descending=True)
    page.search.set_search("Bayamón")
    expected_query = page.controller.query
    sizes = page.splitter.sizes()
    window.close()

    again = make_window(qtbot, office, kit, state_file)
    restored = again.current_page()
    assert restored is again._pages["units"]  # the page last shown
    header = restored.table.horizontalHeader()
    assert header.sectionSize(1) == 171
    assert header.visualIndex(2) == 0
    assert header.isSectionHidden(3) and not header.isSectionHidden(1)
    assert restored.splitter.sizes() == sizes
    assert restored.filter.currentData() == "no_sticker"
    assert restored.show_retired.isChecked()
    assert restored.search.text() == "Bayamón"
    assert restored.controller.query == expected_query
    assert restored.model.ids() == office.units.list_ids(expected_query)
    assert header.sortIndicatorSection() == restored.model.column_of_sort_key("serial")


def test_state_is_per_user(qtbot, demo, kit, state_file):
    window = make_window(qtbot, demo.services_as("office"), kit, state_file)
    window.show_section("units")
    window.close()
    other = make_window(qtbot, demo.services_as("admin"), kit, state_file, user="admin")
    assert other.current_page() is other._pages["customers"]  # admin has its own (empty) state


def test_damaged_entries_keep_the_defaults(qtbot, demo, kit, state_file):
    settings = QSettings(str(state_file), QSettings.Format.IniFormat)
    prefix = "v1/users/office/pages/customers"
    settings.setValue(f"{prefix}/columns", "{not json")
    settings.setValue(f"{prefix}/sort", json.dumps(["no-such-column", True]))
    settings.setValue(f"{prefix}/filters", json.dumps({"filter0": "no-such-type", "filter1": "yes"}))
    settings.setValue(f"{prefix}/splitter", "garbage")
    settings.setValue("v1/users/office/window/geometry", "garbage")
    settings.sync()
    window = make_window(qtbot, demo.services_as("office"), kit, state_file)
    page = window.current_page()
    assert page.controller.query.sort == "name" and not page.controller.query.descending
    assert page.type_filter.currentIndex() == 0 and not page.show_inactive.isChecked()
    assert page.model.rowCount() > 0


def test_header_menu_shows_and_hides_columns_but_never_the_last(qtbot, demo, kit, state_file):
    window = make_window(qtbot, demo.services_as("office"), kit, state_file)
    table = window.current_page().table
    header = table.horizontalHeader()
    menu = table.column_menu()
    actions = menu.actions()
    assert [a.text() for a in actions] == [
        str(table.model().headerData(n, header.orientation())) for n in range(header.count())
    ]
    actions[1].setChecked(False)
    assert header.isSectionHidden(1)
    for logical in range(header.count()):
        table.set_column_shown(logical, False)
    assert header.count() - header.hiddenSectionCount() == 1
    menu = table.column_menu()
    last = next(a for a in menu.actions() if a.isChecked())
    assert not last.isEnabled()
    menu.actions()[1].setChecked(True)
    assert not header.isSectionHidden(1) and header.sectionSize(1) >= 20


# The test screen (offscreen, 800×800) is smaller than the window's minimum size, so the
# geometry is checked in a child process with the screens it needs.
SCRIPT = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMainWindow
from tuffops_desktop.ui.window_state import WindowState

app = QApplication([])
state = WindowState(QSettings(sys.argv[2], QSettings.Format.IniFormat), "office")
window = QMainWindow()
window.setMinimumSize(1024, 640)
if sys.argv[1] == "save":
    window.resize(1300, 800)
    window.move(int(sys.argv[3]), 50)
    window.show()
    app.processEvents()
    print(window.screen().name())
    state.save_window(window)
    state.sync()
else:
    print(state.restore_window(window))
    window.show()
    app.processEvents()
    frame = window.frameGeometry()
    area = window.screen().availableGeometry()
    print(area.contains(frame), window.width(), window.height(), window.x(), window.y())
"""


def _run(tmp_path: Path, screens: list[dict[str, int]], *args: str) -> list[str]:
    config = tmp_path / f"screens-{len(screens)}.json"
    config.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": f"screen{n}", "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1, **s}
                    for n, s in enumerate(screens)
                ]
            }
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.split()


LEFT = {"x": 0, "y": 0, "width": 1920, "height": 1080}
RIGHT = {"x": 1920, "y": 0, "width": 1920, "height": 1080}


def test_window_comes_back_where_it_was(tmp_path):
    ini = str(tmp_path / "state.ini")
    assert _run(tmp_path, [LEFT, RIGHT], "save", ini, "2100") == ["screen1"]
    assert _run(tmp_path, [LEFT, RIGHT], "restore", ini) == ["True", "True", "1300", "800", "2100", "50"]


def test_window_saved_on_a_monitor_that_is_gone_lands_on_a_remaining_screen(tmp_path):
    ini = str(tmp_path / "state.ini")
    assert _run(tmp_path, [LEFT, RIGHT], "save", ini, "2100") == ["screen1"]  # saved on the second monitor
    _restored, inside, width, height, x, y = _run(
        tmp_path, [{"x": 0, "y": 0, "width": 1280, "height": 720}], "restore", ini
    )
    assert inside == "True"
    assert 1024 <= int(width) <= 1280 and 640 <= int(height) <= 720  # shrunk to fit, not below the minimum
    assert int(x) >= 0 and int(y) >= 0

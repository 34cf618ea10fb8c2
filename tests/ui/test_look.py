"""The theme's conventions: Explorer-like sort arrows and disabled controls that look
disabled (compared on the pixels the themed widgets actually paint)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableView,
    QWidget,
)

from tuffops_desktop.ui.theme import apply_theme
from tuffops_desktop.ui.widgets.optional_date import OptionalDateEdit
from tuffops_desktop.ui.widgets.sort_header import ExplorerHeader


@pytest.fixture
def themed(qapp) -> Iterator[QApplication]:  # noqa: ANN001
    """The app's theme for one test; the plain test look is restored afterwards."""
    style, palette, sheet, font = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet(), qapp.font()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)


# ----------------------------------------------------------------- sort arrows
def _arrow_widths(table: QTableView, column: int) -> list[int]:
    """Per pixel row, how many arrow pixels the header shows at the right end of ``column``."""
    header = table.horizontalHeader()
    image = header.grab().toImage()
    right = header.sectionViewportPosition(column) + header.sectionSize(column)
    widths = []
    for y in range(image.height()):
        dark = sum(1 for x in range(right - 24, right - 2) if QColor(image.pixel(x, y)).lightness() < 170)
        widths.append(dark)
    return [w for w in widths if w]


def _sorted_table(qtbot, order: Qt.SortOrder) -> QTableView:  # noqa: ANN001
    model = QStandardItemModel(3, 2)
    model.setHorizontalHeaderLabels(["Name", "City"])
    table = QTableView()
    table.setHorizontalHeader(ExplorerHeader(table))
    table.setModel(model)
    table.setColumnWidth(0, 220)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.horizontalHeader().setSortIndicatorShown(True)
    table.horizontalHeader().setSortIndicator(0, order)
    qtbot.addWidget(table)
    table.resize(500, 160)
    table.show()
    return table


def test_ascending_sort_shows_an_upward_arrow_like_explorer(qtbot, themed):
    ascending = _arrow_widths(_sorted_table(qtbot, Qt.SortOrder.AscendingOrder), 0)
    descending = _arrow_widths(_sorted_table(qtbot, Qt.SortOrder.DescendingOrder), 0)
    assert len(ascending) >= 2 and len(descending) >= 2, "no arrow drawn"
    assert ascending[0] < ascending[-1], f"ascending arrow is not ▲: {ascending}"  # narrow tip on top
    assert descending[0] > descending[-1], f"descending arrow is not ▼: {descending}"


def test_every_list_uses_the_explorer_header(qtbot, demo, kit):
    from tuffops_desktop.ui.pages.customers.page import CustomersPage

    page = CustomersPage(demo.services_as("office"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    header = page.table.horizontalHeader()
    assert isinstance(header, ExplorerHeader) and header.sectionsClickable()
    assert isinstance(page.detail.units_table.horizontalHeader(), ExplorerHeader)


# ----------------------------------------------------------------- disabled controls
def _combo() -> QWidget:
    combo = QComboBox()
    combo.addItems(["Open", "Closed"])
    return combo


def _spin() -> QWidget:
    spin = QSpinBox()
    spin.setValue(12)
    return spin


def _double_spin() -> QWidget:
    spin = QDoubleSpinBox()
    spin.setValue(1.5)
    return spin


KINDS: dict[str, Callable[[], QWidget]] = {
    "combo box": _combo,
    "spin box": _spin,
    "double spin box": _double_spin,
    "date edit": lambda: QDateEdit(QDate(2026, 11, 29)),
    "check box": lambda: QCheckBox("Remember me on this computer"),
    "radio button": lambda: QRadioButton("Choice"),
    "line edit": lambda: QLineEdit("some text"),
    "text box": lambda: QPlainTextEdit("a note"),
    "button": lambda: QPushButton("Save"),
}


def _grab(qtbot, widget: QWidget, enabled: bool) -> QImage:  # noqa: ANN001
    qtbot.addWidget(widget)
    widget.setEnabled(enabled)
    widget.resize(260, 34)
    widget.show()
    return widget.grab().toImage()


def _text_colour(image: QImage) -> int:
    """The darkest lightness painted (the text), 0 = black."""
    return min(QColor(image.pixel(x, y)).lightness() for x in range(image.width()) for y in range(image.height()))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_disabled_control_looks_disabled(qtbot, themed, kind):
    enabled = _grab(qtbot, KINDS[kind](), True)
    disabled = _grab(qtbot, KINDS[kind](), False)
    assert enabled != disabled, f"a disabled {kind} paints exactly like an enabled one"
    assert _text_colour(disabled) > _text_colour(enabled) + 40, f"a disabled {kind}'s text is not greyed"


def test_the_palette_greys_disabled_text_and_fields(themed):
    palette = themed.palette()
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText,
                 QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        assert palette.color(QPalette.ColorGroup.Disabled, role) != palette.color(QPalette.ColorGroup.Active, role)


def test_an_unknown_date_looks_disabled(qtbot, themed):
    """The new-unit dialog's install date while "known" is unticked."""
    unknown = OptionalDateEdit("Installed")
    known = OptionalDateEdit("Installed")
    for widget in (unknown, known):
        qtbot.addWidget(widget)
        widget.resize(300, 34)
        widget.show()
    known.known.setChecked(True)
    assert not unknown.edit.isEnabled()
    assert _text_colour(unknown.edit.grab().toImage()) > _text_colour(known.edit.grab().toImage()) + 40

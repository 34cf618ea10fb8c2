"""The theme's conventions: Explorer-like sort arrows and disabled controls that look
disabled (compared on the pixels the themed widgets actually paint)."""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QImage, QPalette, QStandardItemModel
from PySide6.QtWidgets import (
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

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.ui import theme
from tuffops_desktop.ui.pages.inbox import columns as inbox_columns
from tuffops_desktop.ui.pages.users import columns as user_columns
from tuffops_desktop.ui.pages.work_orders import columns as work_order_columns
from tuffops_desktop.ui.widgets.optional_date import OptionalDateEdit
from tuffops_desktop.ui.widgets.sort_header import ExplorerHeader


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
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
        QPalette.ColorRole.Base,
        QPalette.ColorRole.Button,
    ):
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


# ----------------------------------------------------------------- colour language
def _hue(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    return hue * 360, saturation, lightness


def _is_amber(hex_colour: str) -> bool:
    hue, saturation, lightness = _hue(hex_colour)
    return 18 <= hue < 45 and saturation > 0.4 and 0.2 < lightness < 0.8


def test_amber_is_declared_once_and_used_only_for_attention():
    ui = Path(theme.__file__).parent
    strays = [
        f"{path.relative_to(ui)}: {colour}"
        for path in ui.rglob("*.py")
        if path.name != "theme.py"
        for colour in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8"))
        if _is_amber(colour)
    ]
    assert not strays, "amber outside the theme (use theme.ATTENTION): " + ", ".join(strays)

    assert _is_amber(theme.ATTENTION)
    attention = {"warranty ending soon", "unverified contact", "work order paused", "work order waiting approval"}
    states = {
        **{f"warranty {k}": v for k, v in theme.WARRANTY_COLOURS.items()},
        **{f"request {k}": v for k, v in inbox_columns.STATUS_COLOURS.items()},
        "verified contact": inbox_columns.VERIFIED_COLOUR,
        "unverified contact": inbox_columns.UNVERIFIED_COLOUR,
        **{f"work order {k.replace('_', ' ')}": v for k, v in work_order_columns.STATUS_COLOURS.items()},
        **{f"role {k}": v for k, v in user_columns.ROLE_COLOURS.items()},
        **{f"customer type {t.value}": t.colour for t in CustomerType},
    }
    states["warranty ending soon"] = states.pop("warranty expiring")
    amber = {name for name, colour in states.items() if _is_amber(colour)}
    assert amber == attention


def test_the_customer_type_squares_are_explained(qtbot, demo, kit):
    from tuffops_desktop.ui.pages.units.columns import CUSTOMER_COLUMN
    from tuffops_desktop.ui.pages.units.page import UnitsPage

    page = UnitsPage(demo.services_as("office"), kit.ops, kit.prompts)
    qtbot.addWidget(page)
    tip = page.model.headerData(CUSTOMER_COLUMN, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    hues = {"green": (90, 160), "blue": (200, 250), "yellow": (45, 65)}
    for customer_type in CustomerType:
        named = re.search(rf"(\w+) = {customer_type.label}", tip)
        assert named, f"{customer_type.label} missing from the legend: {tip}"
        low, high = hues[named.group(1)]
        assert low <= _hue(customer_type.colour)[0] <= high, f"{customer_type.label} is not {named.group(1)}"
    row = next(r for r in (page.model.row_data(n) for n in range(page.model.rowCount())) if r.customer_name)
    cell_tip = page.model.data(
        page.model.index(page.model.row_of_id(row.id), CUSTOMER_COLUMN), Qt.ItemDataRole.ToolTipRole
    )
    assert cell_tip.endswith(CustomerType(row.customer_type).label)

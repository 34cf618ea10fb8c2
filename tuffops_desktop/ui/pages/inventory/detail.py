"""The panel under the parts list: one part, where it is kept, and everything that
happened to its stock.

Two columns, so a wide screen is used well: on the left the part's facts (price; cost
and markup for users who may see costs) and its stock at each location — on hand,
reserved, available, on order, the office's minimum and reorder quantity, the bin — with
low rows in red; on the right its ledger, newest first, optionally at one location.

The ledger can be long (a fast-moving part gathers thousands of movements), so it is a
list like the pages' own: the ids come from SQL in the background and rows are fetched
in blocks as they are scrolled into view (``IdTableModel``). Selecting a row of the stock
table picks the location the page's Receive / Transfer / Adjust / Count / Levels start at.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import UnitOfMeasure, unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.inventory import PartDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text, money_text
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.columns import (
    LOW_COLOUR,
    REASON_COLUMN,
    ledger_columns,
    location_kind_label,
    markup_text,
)
from tuffops_desktop.ui.pages.invoices.dialogs import read_only_table, table_item
from tuffops_desktop.ui.pages.work_orders.items import quantity_text
from tuffops_desktop.ui.tasks import Task
from tuffops_desktop.ui.theme import MUTED_TEXT, OVER
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.forms import facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

LOCATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
STOCK_ROWS_SHOWN = 4  # location rows the stock table shows before it scrolls
LEFT_MAX_WIDTH = 380  # px: the facts column; the tables take the rest
ALL_LOCATIONS = -1


def _price_text(price: Decimal, unit: str) -> str:
    """``13.90 each``, ``38.50 per kg``."""
    if unit == UnitOfMeasure.EACH.value:
        return _("{price} each").format(price=money_text(price))
    return _("{price} per {unit}").format(price=money_text(price), unit=_(unit_label(unit)))


class PartPanel(QFrame):
    """Shows one part read-only; the page's toolbar acts on it.

    Signals:
        location_chosen(object): the stock table's selected location id (or None).
        ledger_listed(int): the ledger now lists this many movements.
    """

    location_chosen = Signal(object)
    ledger_listed = Signal(int)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._costs = services.ctx.actor.can("inventory.costs")
        self.part: PartDetail | None = None
        self.preferred_location: int | None = None  # the page's location filter
        self._ledger_task: Task | None = None

        self.empty = plain_label(_("Select a part to see its stock at each location and its ledger."), role="hint")
        self.title = plain_label(role="title", wrap=True, selectable=True)
        self.inactive_tag = plain_label(_("Deactivated"))
        self.inactive_tag.setStyleSheet(tag_style(OVER))
        self.low_tag = plain_label(_("Low stock"))
        self.low_tag.setStyleSheet(tag_style(LOW_COLOUR))
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.inactive_tag)
        tags.addWidget(self.low_tag)
        tags.addStretch(1)
        rows = [
            ("name", _("Name")),
            ("made", _("Manufacturer")),
            ("category", _("Category")),
            ("price", _("Price")),
        ]
        if self._costs:
            rows += [("cost", _("Cost")), ("markup", _("Markup"))]
        rows += [("unit", _("Unit")), ("total", _("In stock"))]
        self.facts, self.values = facts_grid(rows)

        self.stock = read_only_table(
            [
                _("Location"),
                _("On hand"),
                _("Reserved"),
                _("Available"),
                _("On order"),
                _("Minimum"),
                _("Reorder"),
                _("Bin"),
            ],
            {1, 2, 3, 4, 5, 6},
        )
        header = self.stock.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)  # the bin: whatever is left
        self.stock.itemSelectionChanged.connect(lambda: self.location_chosen.emit(self.selected_location_id()))
        self.no_stock = plain_label(_("Not kept anywhere yet: receive it into a location."), role="hint", wrap=True)

        self.ledger_location = QComboBox()
        self.ledger_location.setObjectName("ledger_location")
        self.ledger_location.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.ledger_location.currentIndexChanged.connect(lambda _i: self._list_ledger())
        self.ledger_count = plain_label(role="hint")
        self.ledger_model: IdTableModel = IdTableModel(
            ledger_columns(), services.inventory_listing.ledger_rows, ops=ops, parent=self
        )
        self.ledger = DataTable(self.ledger_model, self, stretch_column=REASON_COLUMN)
        self.ledger.horizontalHeader().setSortIndicatorShown(False)
        self.ledger.setMinimumHeight(120)

        left = QWidget()
        left.setMaximumWidth(LEFT_MAX_WIDTH)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.setSpacing(8)
        left_layout.addWidget(self.title)
        left_layout.addLayout(tags)
        left_layout.addLayout(self.facts)
        left_layout.addStretch(1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(6)
        right_layout.addWidget(plain_label(_("Stock by location"), role="subtitle"))
        right_layout.addWidget(self.no_stock)
        right_layout.addWidget(self.stock)
        head = QHBoxLayout()
        head.addWidget(plain_label(_("Ledger"), role="subtitle"))
        head.addSpacing(8)
        head.addWidget(self.ledger_count)
        head.addStretch(1)
        head.addWidget(self.ledger_location)
        right_layout.addSpacing(4)
        right_layout.addLayout(head)
        right_layout.addWidget(self.ledger, 1)

        self.body = QWidget()
        body = QHBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(20)
        body.addWidget(left, 2)
        body.addWidget(right, 5)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.show_part(None)

    # ----------------------------------------------------------------- showing
    def part_id(self) -> int | None:
        return self.part.id if self.part is not None else None

    def show_part(self, part: PartDetail | None) -> None:
        """Show ``part`` (None: nothing selected). The same part shown again (it changed)
        keeps the chosen stock row and ledger location, and the ledger its scroll position."""
        same = part is not None and self.part is not None and part.id == self.part.id
        chosen = self.selected_location_id() if same else None
        self.part = part
        self.empty.setVisible(part is None)
        self.body.setVisible(part is not None)
        if part is None:
            self._drop_ledger_task()
            self.ledger_model.set_ids([])
            return
        self.title.setText(part.number)
        self.inactive_tag.setVisible(not part.active)
        self.low_tag.setVisible(any(s.low for s in part.stock))
        unit = _(unit_label(part.unit))
        values = {
            "name": part.name,
            "made": part.manufacturer or "—",
            "category": part.category or "—",
            "price": _price_text(part.price, part.unit) if part.price is not None else _("No price yet"),
            "unit": unit,
            "cost": money_text(part.cost) if part.cost is not None else _("No cost recorded"),
            "markup": markup_text(part.markup) or "—",
            "total": _("{on_hand} on hand · {reserved} reserved · {available} available").format(
                on_hand=quantity_text(part.on_hand),
                reserved=quantity_text(part.reserved),
                available=quantity_text(part.available),
            )
            + (_(" · {incoming} on order").format(incoming=quantity_text(part.incoming)) if part.incoming else ""),
        }
        for key, label in self.values.items():
            label.setText(values.get(key, ""))
        self._show_stock(part, chosen)
        self._fill_ledger_locations(part, keep=same)
        self._list_ledger(keep=same)

    def _show_stock(self, part: PartDetail, chosen: int | None) -> None:
        table = self.stock
        table.blockSignals(True)
        table.setRowCount(0)
        for stock in part.stock:
            row = table.rowCount()
            table.insertRow(row)
            name = stock.location_name + ("" if stock.location_active else " " + _("(deactivated)"))
            tooltip = location_kind_label(stock.location_kind)
            if stock.low:
                tooltip += "\n" + _("Low: below the minimum (counting what is reserved and on order), or short.")
            cells = [
                table_item(name, tooltip=tooltip),
                table_item(quantity_text(stock.on_hand), right=True),
                table_item(quantity_text(stock.reserved), right=True),
                table_item(quantity_text(stock.available), right=True),
                table_item(quantity_text(stock.incoming) if stock.incoming else "", right=True),
                table_item(quantity_text(stock.minimum) if stock.minimum is not None else "", right=True),
                table_item(
                    quantity_text(stock.reorder_quantity) if stock.reorder_quantity is not None else "", right=True
                ),
                table_item(stock.bin),
            ]
            for column, item in enumerate(cells):
                item.setData(LOCATION_ID_ROLE, stock.location_id)
                if stock.low and column in (0, 3):
                    item.setForeground(QColor(LOW_COLOUR))
                elif not stock.location_active:
                    item.setForeground(QColor(MUTED_TEXT))
                table.setItem(row, column, item)
        table.blockSignals(False)
        rows = [s.location_id for s in part.stock]
        if rows:
            # the location chosen before, else the one the list is narrowed to, else the first
            wanted = chosen if chosen in rows else self.preferred_location if self.preferred_location in rows else None
            table.blockSignals(True)
            table.selectRow(rows.index(wanted) if wanted is not None else 0)
            table.blockSignals(False)
        self.stock.setVisible(bool(part.stock))
        self.no_stock.setVisible(not part.stock)
        self._fit_stock()
        self.location_chosen.emit(self.selected_location_id())

    def _fit_stock(self) -> None:
        """As tall as its rows (up to ``STOCK_ROWS_SHOWN``), plus the horizontal scroll bar
        when a narrow window cannot show every column."""
        table = self.stock
        table.ensurePolished()
        rows = table.rowCount()
        shown = max(1, min(rows, STOCK_ROWS_SHOWN))
        row_height = max(table.verticalHeader().defaultSectionSize(), table.sizeHintForRow(0) if rows else 0)
        height = table.horizontalHeader().sizeHint().height() + shown * row_height + 2 * table.frameWidth() + 4
        if table.horizontalHeader().length() > table.viewport().width():
            height += table.horizontalScrollBar().sizeHint().height()
        if table.height() != height:
            table.setFixedHeight(height)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_stock()

    def selected_location_id(self) -> int | None:
        """The location of the stock table's selected row (None: none selected)."""
        rows = self.stock.selectionModel().selectedRows() if self.stock.selectionModel() else []
        if not rows:
            return None
        item = self.stock.item(rows[0].row(), 0)
        value = item.data(LOCATION_ID_ROLE) if item is not None else None
        return int(value) if value is not None else None

    # ----------------------------------------------------------------- the ledger
    def _fill_ledger_locations(self, part: PartDetail, *, keep: bool) -> None:
        combo = self.ledger_location
        previous = combo.currentData() if keep else None
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(_("All locations"), ALL_LOCATIONS)
        for stock in part.stock:
            combo.addItem(stock.location_name, stock.location_id)
        index = combo.findData(previous) if previous is not None else 0
        combo.setCurrentIndex(max(0, index))
        combo.blockSignals(False)

    def ledger_location_id(self) -> int | None:
        value = self.ledger_location.currentData()
        return None if value in (None, ALL_LOCATIONS) else int(value)

    def _list_ledger(self, *, keep: bool = False) -> None:
        """Ask for the ledger's ids in the background; ``keep``: the same part changed, so
        the rows that stay keep their place (new movements come in on top)."""
        part = self.part
        if part is None:
            return
        self._drop_ledger_task()
        location_id = self.ledger_location_id()

        def arrived(ids: list[int]) -> None:
            self._ledger_task = None
            if self.part is None or self.part.id != part.id or self.ledger_location_id() != location_id:
                return
            if keep:
                self.ledger_model.apply_ids(ids)
                self.ledger_model.update_rows(ids[:1])
            else:
                self.ledger_model.set_ids(ids)
            self.ledger_count.setText(
                _("1 movement") if len(ids) == 1 else _("{count} movements").format(count=count_text(len(ids)))
            )
            self.ledger_listed.emit(len(ids))

        self._ledger_task = self._ops.run(
            self._services.inventory_listing.ledger_ids, part.id, location_id, parent=self, on_done=arrived
        )

    def _drop_ledger_task(self) -> None:
        if self._ledger_task is not None:
            self._ledger_task.cancel()
            self._ledger_task = None

    def ledger_rows_shown(self) -> list[str]:
        """The ledger's rows as text (for tests and screen readers): "When | Movement | …"."""
        out = []
        for row in range(self.ledger_model.rowCount()):
            cells = [
                str(self.ledger_model.data(self.ledger_model.index(row, c)) or "")
                for c in range(self.ledger_model.columnCount())
            ]
            out.append(" | ".join(cells))
        return out

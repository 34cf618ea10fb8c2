"""The Items card of the work-order panel: what was used on the job, and what it costs.

Lines are picked from the price list (``ItemPickerDialog``: type part of a name, the
matches come grouped as services and materials; arrows and Enter choose) and start at
quantity 1; the quantity is edited in place (double-click, F2 or "Change quantity") and
may have decimals (metres, kilograms). Removing asks first. The price, discount and
amount columns and the totals show only to users with ``work_orders.pricing``; the
service records the prices either way. Who may change the lines and when is the
service's decision (``WorkOrderItems.can_edit``); otherwise the card says why not.
Everything is read and written through ``Ops`` off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import ItemKind, kind_label, unit_label
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.work_orders import PriceListEntry, WorkOrderItemInfo, WorkOrderItems
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import money_text, number_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.labels import plain_label

SEARCH_DELAY_MS = 150
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# key, title, with prices only
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("name", N_("Item"), False),
    ("kind", N_("Kind"), False),
    ("quantity", N_("Qty"), False),
    ("unit", N_("Unit"), False),
    ("unit_price", N_("Unit price"), True),
    ("discount", N_("Discount"), True),
    ("amount", N_("Amount"), True),
)
QTY_COLUMN = 2
NUMERIC = {"quantity", "unit_price", "discount", "amount"}


def quantity_text(value: Decimal) -> str:
    """1.500 → "1.5", 2.000 → "2" (in the locale's digits)."""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_text(value, places)


def percent_text(value: Decimal | None) -> str:
    if not value:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{number_text(value, places)} %"


class ItemsModel(QAbstractTableModel):
    """The lines of one work order; the quantity cell is editable when the user may change items.

    Signals:
        quantity_edited(int, str): the user typed a new quantity for this line (the model
            itself does not change: it shows the service's answer).
    """

    quantity_edited = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines: tuple[WorkOrderItemInfo, ...] = ()
        self.editable = False

    def set_card(self, card: WorkOrderItems | None) -> None:
        self.beginResetModel()
        self.lines = card.lines if card else ()
        self.editable = bool(card and card.can_edit)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key = COLUMNS[section][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if key in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, key)
        if role == Qt.ItemDataRole.EditRole:
            return format(line.quantity.normalize(), "f") if key == "quantity" else self._text(line, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if key in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            return line.name
        if role == ITEM_ID_ROLE:
            return line.id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == QTY_COLUMN and self.editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or index.column() != QTY_COLUMN or not index.isValid():
            return False
        line = self.lines[index.row()]
        text = str(value).strip()
        if text and text != format(line.quantity.normalize(), "f"):
            self.quantity_edited.emit(line.id, text)
        return False

    @staticmethod
    def _text(line: WorkOrderItemInfo, key: str) -> str:
        if key == "name":
            return line.name
        if key == "kind":
            return _(kind_label(line.kind))
        if key == "quantity":
            return quantity_text(line.quantity)
        if key == "unit":
            return _(unit_label(line.unit))
        if key == "unit_price":
            return money_text(line.unit_price) if line.unit_price is not None else ""
        if key == "discount":
            return percent_text(line.discount_rate)
        if key == "amount":
            return money_text(line.amount) if line.amount is not None else ""
        return ""


def lines_table(model: ItemsModel, *, maximum_height: int, type_to_edit: bool) -> QTableView:
    """The table of a card of priced lines (work-order items, quotation lines): one row
    selected at a time, the quantity edited in place (also by typing when ``type_to_edit``)."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    triggers = QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
    if type_to_edit:
        triggers |= QAbstractItemView.EditTrigger.AnyKeyPressed
    table.setEditTriggers(triggers)
    table.setTabKeyNavigation(False)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(COLUMNS)):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(110)
    table.setMaximumHeight(maximum_height)
    return table


class _SearchLine(QLineEdit):
    """The picker's search field: Down moves into the matches, Enter takes the chosen one."""

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            return
        super().keyPressEvent(event)


class ItemPickerDialog(FormDialog):
    """Choose a price-list entry (searched by name, grouped services / materials) and a quantity."""

    def __init__(self, services: Services, ops: Ops, *, pricing: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._pricing = pricing
        self.setWindowTitle(_("Add an item"))
        self.setMinimumWidth(560)
        self.search = _SearchLine()
        self.search.setPlaceholderText(_("Type part of a name, e.g. filter, labour, R-410A"))
        self.search.setClearButtonEnabled(True)
        self.matches = QTreeWidget()
        self.matches.setRootIsDecorated(False)
        self.matches.setHeaderLabels([_("Item"), _("Unit"), _("Price")] if pricing else [_("Item"), _("Unit")])
        self.matches.setColumnCount(3 if pricing else 2)
        header = self.matches.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, self.matches.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.matches.setMinimumHeight(260)
        self.empty = plain_label("", role="hint")
        self.quantity = QLineEdit("1")
        self.quantity.setMaximumWidth(120)
        self.unit_hint = plain_label("", role="hint")
        quantity_row = QHBoxLayout()
        quantity_row.addWidget(self.quantity)
        quantity_row.addWidget(self.unit_hint, 1)
        form = QFormLayout()
        search_label = QLabel(_("&Search"))
        search_label.setBuddy(self.search)
        quantity_label = QLabel(_("&Quantity"))
        quantity_label.setBuddy(self.quantity)
        form.addRow(search_label, self.search)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.add_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.add_button.setText(_("&Add"))
        self.add_button.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.empty)
        quantity_form = QFormLayout()
        quantity_form.addRow(quantity_label, quantity_row)
        layout.addLayout(quantity_form)
        layout.addWidget(self.buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self._asked = ""
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.down.connect(self._into_matches)
        self.search.returnPressed.connect(self._take_first)
        self.matches.currentItemChanged.connect(self._chosen_changed)
        self.matches.itemDoubleClicked.connect(lambda item, _col: self.accept() if self._entry(item) else None)
        self._search()

    # ----------------------------------------------------------------- results
    def chosen(self) -> PriceListEntry | None:
        return self._entry(self.matches.currentItem())

    def quantity_text(self) -> str:
        return self.quantity.text().strip()

    def entries(self) -> list[PriceListEntry]:
        """The matches shown, in order (for tests)."""
        found: list[PriceListEntry] = []
        for g in range(self.matches.topLevelItemCount()):
            group = self.matches.topLevelItem(g)
            found.extend(e for c in range(group.childCount()) if (e := self._entry(group.child(c))) is not None)
        return found

    def _search(self) -> None:
        text = self.search.text()
        self._asked = text
        self._ops.run(
            self._services.price_list.search,
            text,
            parent=self,
            on_done=lambda found, asked=text: self._fill(found, asked),
        )

    def _fill(self, found: Sequence[PriceListEntry], asked: str) -> None:
        if asked != self._asked:
            return  # an older answer: the user typed on meanwhile
        self.matches.clear()
        first: QTreeWidgetItem | None = None
        for kind, title in ((ItemKind.SERVICE, _("Services")), (ItemKind.MATERIAL, _("Materials"))):
            entries = [e for e in found if e.kind == kind.value]
            if not entries:
                continue
            group = QTreeWidgetItem([title])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.matches.addTopLevelItem(group)
            for entry in entries:
                cells = [entry.name, _(unit_label(entry.unit))]
                if self._pricing:
                    cells.append(money_text(entry.price) if entry.price is not None else "")
                item = QTreeWidgetItem(cells)
                item.setData(0, ITEM_ID_ROLE, entry)
                if self._pricing:
                    item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                group.addChild(item)
                first = first or item
            group.setExpanded(True)
        self.empty.setText("" if found else _("Nothing on the price list matches “{text}”.").format(text=asked))
        self.empty.setVisible(not found)
        if first is not None:
            self.matches.setCurrentItem(first)
        else:
            self._chosen_changed(None, None)

    def _entry(self, item: QTreeWidgetItem | None) -> PriceListEntry | None:
        value = item.data(0, ITEM_ID_ROLE) if item is not None else None
        return value if isinstance(value, PriceListEntry) else None

    def _chosen_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        entry = self._entry(current)
        self.add_button.setEnabled(entry is not None)
        self.unit_hint.setText(_(unit_label(entry.unit)) if entry else "")

    def _into_matches(self) -> None:
        self.matches.setFocus()
        if self.chosen() is None and self.entries():
            self.matches.setCurrentItem(self.matches.topLevelItem(0).child(0))

    def _take_first(self) -> None:
        if self._timer.isActive():  # typed and pressed Enter at once: search first
            self._timer.stop()
            self._search()
            return
        if self.chosen() is not None:
            self.quantity.setFocus()
            self.quantity.selectAll()


class WorkOrderItemsSection(QWidget):
    """The Items card of one work order (see the module docstring).

    Signals:
        changed(object): the lines were changed here (the new ``WorkOrderItems``).
    """

    changed = Signal(object)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.work_order_id: int | None = None
        self.card: WorkOrderItems | None = None

        self.model = ItemsModel(self)
        self.model.quantity_edited.connect(self.set_quantity)
        self.table = lines_table(self.model, maximum_height=190, type_to_edit=True)

        self.totals = plain_label("", role="hint")
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note = plain_label("", role="hint", wrap=True)
        self.add_button = QPushButton(_("Add &item…"))
        self.add_button.clicked.connect(self.add_item)
        self.quantity_button = QPushButton(_("Change &quantity"))
        self.quantity_button.clicked.connect(self.edit_quantity)
        self.remove_button = QPushButton(_("Remo&ve item"))
        self.remove_button.clicked.connect(self.remove_item)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.quantity_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.totals)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(plain_label(_("Items"), role="subtitle"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        self._show(None)

    # ----------------------------------------------------------------- showing
    def show_work_order(self, work_order_id: int | None) -> None:
        """Show this work order's items (read in the background; None: nothing)."""
        if work_order_id != self.work_order_id:
            self._show(None)
        self.work_order_id = work_order_id
        self.reload()

    def reload(self) -> None:
        asked = self.work_order_id
        if asked is None:
            self._show(None)
            return
        self._ops.run(
            self._services.work_order_items.items,
            asked,
            parent=self,
            on_done=lambda card: self._show(card) if asked == self.work_order_id else None,
        )

    def current_line(self) -> WorkOrderItemInfo | None:
        row = self.table.currentIndex().row()
        return self.model.lines[row] if 0 <= row < len(self.model.lines) else None

    def _show(self, card: WorkOrderItems | None) -> None:
        keep = self.current_line()
        self.card = card
        self.model.set_card(card)
        pricing = bool(card and card.pricing)
        for column, (_key, _title, priced) in enumerate(COLUMNS):
            self.table.setColumnHidden(column, priced and not pricing)
        if card is not None and pricing and card.lines:
            parts = []
            if card.discount:
                parts.append(_("Before discount {gross}").format(gross=money_text(card.gross or 0)))
                parts.append(_("Discount −{discount}").format(discount=money_text(card.discount)))
            parts.append(_("Total {total}").format(total=money_text(card.total or 0)))
            self.totals.setText("  ·  ".join(parts))
        else:
            self.totals.setText("")
        if card is None:
            self.note.setText("")
        elif not card.can_edit:
            self.note.setText(card.edit_refusal)
        elif not card.lines:
            self.note.setText(_("No items yet. Add what was used: labour, fees, parts, refrigerant."))
        else:
            self.note.setText("")
        self.note.setVisible(bool(self.note.text()))
        for button in (self.add_button, self.quantity_button, self.remove_button):
            button.setVisible(bool(card and card.can_edit))
        if keep is not None:
            for row, line in enumerate(self.model.lines):
                if line.id == keep.id:
                    self.table.selectRow(row)
        self._enable()

    def _enable(self) -> None:
        has_line = self.current_line() is not None
        self.quantity_button.setEnabled(has_line)
        self.remove_button.setEnabled(has_line)

    # ----------------------------------------------------------------- changes
    def add_item(self) -> None:
        card = self.card
        if card is None:
            return
        dialog = ItemPickerDialog(self._services, self._ops, pricing=card.pricing, parent=self)
        if not dialog.exec():
            return
        entry = dialog.chosen()
        if entry is not None:
            self.add_entry(entry.id, dialog.quantity_text())

    def add_entry(self, entry_id: int, quantity: str = "1") -> bool:
        if self.work_order_id is None:
            return False
        result = self._ops.call(
            self._services.work_order_items.add, self.work_order_id, entry_id, quantity or "1", parent=self
        )
        return self._after(result.value if result.ok else None, result.ok)

    def edit_quantity(self) -> None:
        """Open the quantity cell of the chosen line for typing."""
        row = self.table.currentIndex().row()
        if row >= 0:
            index = self.model.index(row, QTY_COLUMN)
            self.table.setCurrentIndex(index)
            self.table.edit(index)

    def set_quantity(self, item_id: int, quantity: str) -> bool:
        line = next((line for line in self.model.lines if line.id == item_id), None)
        if line is None:
            return False
        result = self._ops.call(
            self._services.work_order_items.change_quantity,
            item_id,
            quantity,
            line.version,
            parent=self,
            on_reload=lambda _current: self.reload(),
        )
        return self._after(result.value if result.ok else None, result.ok)

    def remove_item(self) -> bool:
        line = self.current_line()
        if line is None:
            return False
        if not self._prompts.confirm(
            self,
            _("Remove this item?"),
            _("“{name}” ({quantity} {unit}) comes off this work order.").format(
                name=line.name, quantity=quantity_text(line.quantity), unit=_(unit_label(line.unit))
            ),
            _("Remove"),
        ):
            return False
        result = self._ops.call(
            self._services.work_order_items.remove,
            line.id,
            line.version,
            parent=self,
            on_reload=lambda _current: self.reload(),
        )
        return self._after(result.value if result.ok else None, result.ok)

    def _after(self, card: WorkOrderItems | None, ok: bool) -> bool:
        if ok and card is not None:
            self._show(card)
            self.changed.emit(card)
        else:  # refused (the message was shown): show the items as they are now
            self.reload()
        return ok

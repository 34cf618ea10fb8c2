"""The Items card of the work-order panel: what was used on the job, and what it costs.

Lines are picked from the price list (``ItemPickerDialog``: type part of a name, the
matches come grouped as services and materials; arrows and Enter choose) and start at
quantity 1; the quantity is edited in place (double-click, F2 or "Quantity") and
may have decimals (metres, kilograms). Removing asks first. The price, discount and
amount columns and the totals show only to users with ``work_orders.pricing``; the
service records the prices either way. Who may change the lines and when is the
service's decision (``WorkOrderItems.can_edit``); otherwise the card says why not.

Stocked parts come from the inventory: the picker's "Parts" group is searched by part
number or name and shows what is free; a part line says where its stock comes from (a
small combo of the active locations, each with what is free there: choosing another
moves the line's reservation) and how much the work order holds reserved for it. Which
location is used by default, and when stock is reserved, consumed or released, is the
services' decision (``services/work_order_stock.py``); a refusal (say, not enough free
at the chosen location) goes through the central error mapper.
Everything is read and written through ``Ops`` off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import ItemKind, kind_label, unit_label
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.work_orders import (
    PartChoice,
    PriceListEntry,
    StockPlace,
    WorkOrderItemInfo,
    WorkOrderItems,
)
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import money_text, number_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.labels import plain_label

SEARCH_DELAY_MS = 150
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
PLACE_ROLE = Qt.ItemDataRole.UserRole + 2  # a location combo's entry: its StockPlace

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
# The Items card adds where a stocked part comes from and what is reserved for it (after
# the money, so the columns above keep their places on the quotation's Lines card too).
STOCK_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("location", N_("From"), False),
    ("reserved", N_("Reserved"), False),
)
ITEM_COLUMNS = COLUMNS + STOCK_COLUMNS
QTY_COLUMN = 2
LOCATION_COLUMN = len(COLUMNS)
NUMERIC = {"quantity", "unit_price", "discount", "amount", "reserved"}


def quantity_text(value: Decimal) -> str:
    """1.500 → "1.5", 2.000 → "2" (in the locale's digits)."""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return number_text(value, places)


def place_text(place: StockPlace) -> str:
    """A location as the combos offer it: "Van — Maria (3 available)"."""
    return _("{name} ({available} available)").format(name=place.name, available=quantity_text(place.available))


def percent_text(value: Decimal | None) -> str:
    if not value:
        return ""
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return f"{number_text(value, places)} %"


class ItemsModel(QAbstractTableModel):
    """The lines of one work order; the quantity cell is editable when the user may change items.

    ``columns``: ``COLUMNS`` (a quotation's lines) or ``ITEM_COLUMNS`` (a work order's
    items, with where each stocked part comes from and what is reserved for it).

    Signals:
        quantity_edited(int, str): the user typed a new quantity for this line (the model
            itself does not change: it shows the service's answer).
        location_edited(int, int): the user chose another stock location for this part line.
    """

    quantity_edited = Signal(int, str)
    location_edited = Signal(int, int)

    def __init__(self, parent: QWidget | None = None, columns: tuple[tuple[str, str, bool], ...] = COLUMNS) -> None:
        super().__init__(parent)
        self.columns = columns
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
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        key = self.columns[section][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(self.columns[section][1])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if key in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.lines):
            return None
        line = self.lines[index.row()]
        key = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(line, key)
        if role == Qt.ItemDataRole.EditRole:
            if key == "location":
                return getattr(line, "stock_location_id", None)
            return format(line.quantity.normalize(), "f") if key == "quantity" else self._text(line, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignRight if key in NUMERIC else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "name":
            return line.name
        if role == Qt.ItemDataRole.ToolTipRole and key in ("location", "reserved") and _is_part(line):
            return _("{reserved} of {quantity} {unit} reserved for this work order at {place}").format(
                reserved=quantity_text(line.reserved or Decimal(0)),
                quantity=quantity_text(line.quantity),
                unit=_(unit_label(line.unit)),
                place=line.location_name or "",
            )
        if role == ITEM_ID_ROLE:
            return line.id
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if not index.isValid() or not self.editable:
            return flags
        key = self.columns[index.column()][0]
        if key == "quantity" or (key == "location" and _is_part(self.lines[index.row()])):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(
        self, index: QModelIndex | QPersistentModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        line = self.lines[index.row()]
        if self.columns[index.column()][0] == "location":
            if _is_part(line) and isinstance(value, int) and value != line.stock_location_id:
                self.location_edited.emit(line.id, value)
            return False
        if index.column() != QTY_COLUMN:
            return False
        text = str(value).strip()
        if text and text != format(line.quantity.normalize(), "f"):
            self.quantity_edited.emit(line.id, text)
        return False

    @staticmethod
    def _text(line: WorkOrderItemInfo, key: str) -> str:
        if key == "name":
            number = getattr(line, "part_number", None)
            return f"{line.name} · {number}" if number else line.name
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
        if key == "location":
            return (line.location_name or "") if _is_part(line) else ""
        if key == "reserved":
            return quantity_text(line.reserved) if _is_part(line) and line.reserved is not None else ""
        return ""


def _is_part(line: object) -> bool:
    """A stocked part's line (a quotation line never is)."""
    return getattr(line, "part_id", None) is not None


class _PlaceListDelegate(QStyledItemDelegate):
    """The open list of a location combo: each location with what is free there, while the
    closed combo shows just the name (so the cell stays small)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        place = index.data(PLACE_ROLE)
        if isinstance(place, StockPlace):
            option.text = place_text(place)


class LocationDelegate(QStyledItemDelegate):
    """The "From" cell of a part line: a small combo of the active stock locations (the open
    list says what is free at each); choosing one asks the model to move the line
    (``location_edited``)."""

    def __init__(self, model: ItemsModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(  # noqa: N802
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        line = self._model.lines[index.row()]
        combo = QComboBox(parent)
        combo.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        places = list(line.places)
        if line.stock_location_id is not None and all(p.location_id != line.stock_location_id for p in places):
            combo.addItem(line.location_name or "", line.stock_location_id)  # no longer used for stock
        for place in places:
            combo.addItem(place.name, place.location_id)
            combo.setItemData(combo.count() - 1, place, PLACE_ROLE)
        combo.setItemDelegate(_PlaceListDelegate(combo))
        combo.setToolTip(_("Where this part is taken from; choosing another moves its reservation."))
        widest = max((combo.fontMetrics().horizontalAdvance(place_text(p)) for p in places), default=0)
        combo.view().setMinimumWidth(widest + 32)  # the list is wider than the cell
        combo.activated.connect(lambda _row, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            row = editor.findData(index.data(Qt.ItemDataRole.EditRole))
            editor.blockSignals(True)
            editor.setCurrentIndex(max(row, 0))
            editor.blockSignals(False)

    def setModelData(  # noqa: N802
        self, editor: QWidget, model: QAbstractTableModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox) and editor.currentData() is not None:
            model.setData(index, int(editor.currentData()), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(  # noqa: N802
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        editor.setGeometry(option.rect)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        line = self._model.lines[index.row()] if 0 <= index.row() < len(self._model.lines) else None
        if line is None or not _is_part(line):
            return hint
        # as wide as the combo needs for its longest location name (its open list is wider still,
        # with what is free at each: see createEditor)
        names = [line.location_name or "", *(place.name for place in line.places)]
        name = max(option.fontMetrics.horizontalAdvance(n) for n in names)
        return QSize(max(hint.width(), name + 44), hint.height())


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
    for column in range(1, model.columnCount()):
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
    """Choose a price-list entry (searched by name, grouped services / materials) and a
    quantity; with ``parts`` also a stocked part (searched by number or name, the "Parts"
    group, with what is free) and where to take it from ("Automatic": the services choose)."""

    def __init__(
        self, services: Services, ops: Ops, *, pricing: bool, parts: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._pricing = pricing
        self._with_parts = parts
        self.setWindowTitle(_("Add an item"))
        self.setMinimumWidth(600 if parts else 560)
        self.search = _SearchLine()
        self.search.setPlaceholderText(
            _("Type part of a name or a part number, e.g. filter, labour, P-100")
            if parts
            else _("Type part of a name, e.g. filter, labour, R-410A")
        )
        self.search.setClearButtonEnabled(True)
        self.matches = QTreeWidget()
        self.matches.setRootIsDecorated(False)
        headers = [_("Item"), _("Unit")]
        if parts:
            headers.append(_("Free"))
        if pricing:
            headers.append(_("Price"))
        self._price_column = len(headers) - 1 if pricing else -1
        self._free_column = 2 if parts else -1
        self.matches.setColumnCount(len(headers))
        self.matches.setHeaderLabels(headers)
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
        self.location = QComboBox()
        self.location.setToolTip(
            _("Automatic: the assigned technician's van when it has enough, else the warehouse with the most free.")
        )
        self.location_label = QLabel(_("&From"))
        self.location_label.setBuddy(self.location)
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
        quantity_form.addRow(self.location_label, self.location)
        layout.addLayout(quantity_form)
        layout.addWidget(self.buttons)
        self.location.setVisible(False)
        self.location_label.setVisible(False)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._search)
        self._asked = ""
        self._found: list[PriceListEntry] = []
        self._found_parts: list[PartChoice] = []
        self._answered: set[str] = set()  # which searches ("entries", "parts") answered ``_asked``
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.down.connect(self._into_matches)
        self.search.returnPressed.connect(self._take_first)
        self.matches.currentItemChanged.connect(self._chosen_changed)
        self.matches.itemDoubleClicked.connect(lambda item, _col: self.accept() if self._choice(item) else None)
        self._search()

    # ----------------------------------------------------------------- results
    def chosen(self) -> PriceListEntry | None:
        """The price-list entry chosen (None when nothing, or a part, is chosen)."""
        value = self._choice(self.matches.currentItem())
        return value if isinstance(value, PriceListEntry) else None

    def chosen_part(self) -> PartChoice | None:
        """The stocked part chosen (None when nothing, or a price-list entry, is chosen)."""
        value = self._choice(self.matches.currentItem())
        return value if isinstance(value, PartChoice) else None

    def location_id(self) -> int | None:
        """Where the chosen part is taken from (None: automatic)."""
        value = self.location.currentData()
        return int(value) if value is not None else None

    def quantity_text(self) -> str:
        return self.quantity.text().strip()

    def entries(self) -> list[PriceListEntry]:
        """The price-list matches shown, in order (for tests)."""
        return [c for c in self._choices() if isinstance(c, PriceListEntry)]

    def parts(self) -> list[PartChoice]:
        """The stocked parts shown, in order (for tests)."""
        return [c for c in self._choices() if isinstance(c, PartChoice)]

    def _choices(self) -> list[PriceListEntry | PartChoice]:
        found: list[PriceListEntry | PartChoice] = []
        for g in range(self.matches.topLevelItemCount()):
            group = self.matches.topLevelItem(g)
            found.extend(c for n in range(group.childCount()) if (c := self._choice(group.child(n))) is not None)
        return found

    def _search(self) -> None:
        text = self.search.text()
        self._asked = text
        self._answered = set()
        self._ops.run(
            self._services.price_list.search,
            text,
            parent=self,
            on_done=lambda found, asked=text: self._fill("entries", found, asked),
        )
        if self._with_parts:
            self._ops.run(
                self._services.work_order_items.search_parts,
                text,
                parent=self,
                on_done=lambda found, asked=text: self._fill("parts", found, asked),
            )

    def _fill(self, what: str, found: Sequence[PriceListEntry] | Sequence[PartChoice], asked: str) -> None:
        if asked != self._asked:
            return  # an older answer: the user typed on meanwhile
        if what == "parts":
            self._found_parts = [p for p in found if isinstance(p, PartChoice)]
        else:
            self._found = [e for e in found if isinstance(e, PriceListEntry)]
        self._answered.add(what)
        if self._with_parts and len(self._answered) < 2:
            return  # show both groups at once, so the list does not jump under the user
        self._show_matches(asked)

    def _show_matches(self, asked: str) -> None:
        self.matches.clear()
        first: QTreeWidgetItem | None = None
        groups: list[tuple[str, list[PriceListEntry | PartChoice]]] = [
            (_("Services"), [e for e in self._found if e.kind == ItemKind.SERVICE.value]),
            (_("Materials"), [e for e in self._found if e.kind == ItemKind.MATERIAL.value]),
        ]
        if self._with_parts:
            groups.append((_("Parts"), list(self._found_parts)))
        for title, choices in groups:
            if not choices:
                continue
            group = QTreeWidgetItem([title])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.matches.addTopLevelItem(group)
            for choice in choices:
                group.addChild(self._row(choice))
                first = first or group.child(group.childCount() - 1)
            group.setExpanded(True)
        anything = bool(self._found or self._found_parts)
        nothing = (
            _("Nothing on the price list or in stock matches “{text}”.")
            if self._with_parts
            else _("Nothing on the price list matches “{text}”.")
        )
        self.empty.setText("" if anything else nothing.format(text=asked))
        self.empty.setVisible(not anything)
        if first is not None:
            self.matches.setCurrentItem(first)
        else:
            self._chosen_changed(None, None)

    def _row(self, choice: PriceListEntry | PartChoice) -> QTreeWidgetItem:
        if isinstance(choice, PartChoice):
            cells = [f"{choice.number}  {choice.name}", _(unit_label(choice.unit))]
        else:
            cells = [choice.name, _(unit_label(choice.unit))]
        if self._with_parts:
            cells.append(quantity_text(choice.available) if isinstance(choice, PartChoice) else "")
        if self._pricing:
            cells.append(money_text(choice.price) if choice.price is not None else "")
        item = QTreeWidgetItem(cells)
        item.setData(0, ITEM_ID_ROLE, choice)
        for column in (self._free_column, self._price_column):
            if column >= 0:
                item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if isinstance(choice, PartChoice):
            free = [p for p in choice.places if p.available > 0]
            item.setToolTip(
                0,
                "\n".join(place_text(p) for p in free) if free else _("None free at any location."),
            )
        return item

    def _choice(self, item: QTreeWidgetItem | None) -> PriceListEntry | PartChoice | None:
        value = item.data(0, ITEM_ID_ROLE) if item is not None else None
        return value if isinstance(value, (PriceListEntry, PartChoice)) else None

    def _chosen_changed(self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None) -> None:
        choice = self._choice(current)
        self.add_button.setEnabled(choice is not None)
        self.unit_hint.setText(_(unit_label(choice.unit)) if choice else "")
        part = choice if isinstance(choice, PartChoice) else None
        self.location.clear()
        if part is not None:
            self.location.addItem(_("Automatic"), None)
            for place in part.places:
                self.location.addItem(place_text(place), place.location_id)
        self.location.setVisible(part is not None)
        self.location_label.setVisible(part is not None)

    def _into_matches(self) -> None:
        self.matches.setFocus()
        if self._choice(self.matches.currentItem()) is None and self._choices():
            self.matches.setCurrentItem(self.matches.topLevelItem(0).child(0))

    def _take_first(self) -> None:
        if self._timer.isActive():  # typed and pressed Enter at once: search first
            self._timer.stop()
            self._search()
            return
        if self._choice(self.matches.currentItem()) is not None:
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

        self.model = ItemsModel(self, ITEM_COLUMNS)
        self.model.quantity_edited.connect(self.set_quantity)
        # queued: the combo that asked must not be torn down (by the reload) while it signals
        self.model.location_edited.connect(self.set_location, Qt.ConnectionType.QueuedConnection)
        self.table = lines_table(self.model, maximum_height=190, type_to_edit=True)
        self.location_delegate = LocationDelegate(self.model, self.table)
        self.table.setItemDelegateForColumn(LOCATION_COLUMN, self.location_delegate)

        # below the buttons and wrapping: a discounted total is wider than the narrowest panel
        self.totals = plain_label("", role="hint", wrap=True)
        self.totals.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.note = plain_label("", role="hint", wrap=True)
        self.add_button = QPushButton(_("Add &item…"))
        self.add_button.clicked.connect(self.add_item)
        # short labels: the three buttons share one row of a panel 335 px wide at 1024×640
        self.quantity_button = QPushButton(_("&Quantity"))
        self.quantity_button.setToolTip(_("Change the chosen line's quantity (or double-click it, or press F2)"))
        self.quantity_button.clicked.connect(self.edit_quantity)
        self.remove_button = QPushButton(_("Remo&ve"))
        self.remove_button.setToolTip(_("Remove the chosen line"))
        self.remove_button.clicked.connect(self.remove_item)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self._enable())
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.quantity_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(plain_label(_("Items"), role="subtitle"))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.totals)
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
        stocked = bool(card and any(line.is_part for line in card.lines))
        for column in range(len(COLUMNS), len(ITEM_COLUMNS)):
            self.table.setColumnHidden(column, not stocked)
        if card is not None and card.can_edit:
            for row, line in enumerate(card.lines):
                if line.is_part:  # the location combo, shown in the cell
                    self.table.openPersistentEditor(self.model.index(row, LOCATION_COLUMN))
        if card is not None and pricing and card.lines:
            parts = []
            if card.discount:
                parts.append(_("Before discount {gross}").format(gross=money_text(card.gross or 0)))
                parts.append(_("Discount −{discount}").format(discount=money_text(card.discount)))
            parts.append(_("Total {total}").format(total=money_text(card.total or 0)))
            self.totals.setText("  ·  ".join(parts))
        else:
            self.totals.setText("")
        self.totals.setVisible(bool(self.totals.text()))
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
        dialog = ItemPickerDialog(self._services, self._ops, pricing=card.pricing, parts=True, parent=self)
        if not dialog.exec():
            return
        entry = dialog.chosen()
        part = dialog.chosen_part()
        if entry is not None:
            self.add_entry(entry.id, dialog.quantity_text())
        elif part is not None:
            self.add_part(part.id, dialog.quantity_text(), dialog.location_id())

    def add_entry(self, entry_id: int, quantity: str = "1") -> bool:
        if self.work_order_id is None:
            return False
        result = self._ops.call(
            self._services.work_order_items.add, self.work_order_id, entry_id, quantity or "1", parent=self
        )
        return self._after(result.value if result.ok else None, result.ok)

    def add_part(self, part_id: int, quantity: str = "1", location_id: int | None = None) -> bool:
        """Add a stocked part (``location_id`` None: the services choose where it comes from)."""
        if self.work_order_id is None:
            return False
        result = self._ops.call(
            self._services.work_order_items.add_part,
            self.work_order_id,
            part_id,
            quantity or "1",
            location_id,
            parent=self,
        )
        return self._after(result.value if result.ok else None, result.ok)

    def set_location(self, item_id: int, location_id: int) -> bool:
        """Take a part line's stock from another location (its reservation moves with it)."""
        line = next((line for line in self.model.lines if line.id == item_id), None)
        if line is None:
            return False
        result = self._ops.call(
            self._services.work_order_items.set_location,
            item_id,
            location_id,
            line.version,
            parent=self,
            on_reload=lambda _current: self.reload(),
        )
        if not result.ok:
            self._show(self.card)  # the combo goes back to where the line still is at once
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

"""The price list in Settings: the services and materials work-order items are picked from.

Listed with kind, unit, price and cost; searched by name; retired entries shown on
request. Users with ``settings.edit`` add and edit entries and retire them (a retired
entry is no longer offered in the item picker; the work orders that used it keep their
lines). Everyone else sees the list read-only, without prices unless they may see
work-order pricing. A changed price applies to items added from then on: lines already
on work orders keep the price they were added at.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.pricing import ItemKind, PriceListInput, UnitOfMeasure, kind_label, unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.work_orders import PriceListEntry
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import money_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label

SEARCH_DELAY_MS = 200
HEADERS = ("Name", "Kind", "Unit", "Price", "Cost", "")


def _plain(value: object) -> str:
    return "" if value is None else format(value, "f")


class PriceListEntryDialog(FormDialog):
    """Add or edit one price-list entry; field problems show under the fields.

    Attributes:
        saved: the entry as stored, after a successful save.
    """

    def __init__(
        self, services: Services, ops: Ops, entry: PriceListEntry | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._entry = entry
        self.saved: PriceListEntry | None = None
        self.setWindowTitle(_("Edit price-list entry") if entry else _("New price-list entry"))
        self.setMinimumWidth(460)
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.name = QLineEdit(entry.name if entry else "")
        self.name.setMaxLength(120)
        self.name.setPlaceholderText(_("e.g. Labour (per hour), Air filter 16x25x1"))
        self.kind = QComboBox()
        for kind in ItemKind:
            self.kind.addItem(_(kind.label), kind.value)
        self.unit = QComboBox()
        for unit in UnitOfMeasure:
            self.unit.addItem(_(unit.label), unit.value)
        self.price = QLineEdit(_plain(entry.price) if entry else "")
        self.price.setPlaceholderText("0.00")
        self.cost = QLineEdit(_plain(entry.cost) if entry else "")
        self.cost.setPlaceholderText(_("optional"))
        if entry:
            self.kind.setCurrentIndex(max(self.kind.findData(entry.kind), 0))
            self.unit.setCurrentIndex(max(self.unit.findData(entry.unit), 0))
        group, form = form_group(_("Entry"))
        for key, title, widget, hint in (
            ("name", _("Name"), self.name, ""),
            ("kind", _("Kind"), self.kind, _("Services are labour and fees; materials are parts and consumables.")),
            ("unit", _("Unit"), self.unit, ""),
            ("price", _("Price"), self.price, _("Per unit, before the customer's discount.")),
            ("cost", _("Cost"), self.cost, _("What it costs the company; never shown to customers.")),
        ):
            box, error = field_box(widget, hint)
            self.errors.bind(key, widget, error)
            form.addRow(plain_label(title, role="fieldname"), box)
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addWidget(form_error)
        layout.addWidget(action_buttons(self, _("Save") if entry else _("Add"), self.save))

    def data(self) -> PriceListInput:
        return PriceListInput(
            name=self.name.text(),
            kind=str(self.kind.currentData()),
            unit=str(self.unit.currentData()),
            price=self.price.text(),
            cost=self.cost.text(),
        )

    def save(self) -> bool:
        self.errors.clear()
        if self._entry is None:
            result = self._ops.call(self._services.price_list.add, self.data(), parent=self, form=self.errors)
        else:
            result = self._ops.call(
                self._services.price_list.update,
                self._entry.id,
                self.data(),
                self._entry.version,
                parent=self,
                form=self.errors,
            )
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True


class PriceListSection(QGroupBox):
    """Settings → Price list (see the module docstring)."""

    def __init__(self, ops: Ops, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(_("Price list"), parent)
        self._ops = ops
        self._services = services
        self.can_edit = services.ctx.actor.can("settings.edit")
        self.entries: list[PriceListEntry] = []
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search the price list by name"))
        self.search.setClearButtonEnabled(True)
        self.show_retired = QCheckBox(_("Show &retired entries"))
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.setMinimumHeight(240)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(HEADERS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        sees_prices = self.can_edit or services.ctx.actor.can("work_orders.pricing")
        for column in (3, 4):  # prices are not listed to those who may not see them
            self.table.setColumnHidden(column, not sees_prices)
        self.add_button = QPushButton(_("&Add entry…"))
        self.edit_button = QPushButton(_("&Edit…"))
        self.retire_button = QPushButton(_("Re&tire"))
        for button in (self.add_button, self.edit_button, self.retire_button):
            button.setVisible(self.can_edit)
        self.add_button.clicked.connect(self.add_entry)
        self.edit_button.clicked.connect(self.edit_entry)
        self.retire_button.clicked.connect(self.toggle_active)
        self.table.itemSelectionChanged.connect(self._enable)
        self.table.doubleClicked.connect(lambda _index: self.edit_entry())
        note = plain_label(
            _("Items on work orders keep the price they were added at; a new price applies to items added later.")
            if self.can_edit
            else _("You can see the price list; only an administrator can change it."),
            role="hint" if self.can_edit else "note",
            wrap=True,
        )
        self.count = plain_label("", role="hint")
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_retired)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.retire_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.show_retired.toggled.connect(lambda _on: self.refresh())
        self._asked: tuple[str, bool] = ("", False)
        self.refresh()

    # ----------------------------------------------------------------- showing
    def refresh(self) -> None:
        """List again (in the background), keeping the chosen entry chosen."""
        asked = (self.search.text(), self.show_retired.isChecked())
        self._asked = asked
        self._ops.run(
            self._services.price_list.search,
            asked[0],
            include_inactive=asked[1],
            parent=self,
            on_done=lambda found: self._fill(found) if asked == self._asked else None,
        )

    def current(self) -> PriceListEntry | None:
        row = self.table.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) and self.table.selectedItems() else None

    def _fill(self, found: Sequence[PriceListEntry]) -> None:
        keep = self.current()
        self.entries = list(found)
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            cells = (
                entry.name,
                _(kind_label(entry.kind)),
                _(unit_label(entry.unit)),
                money_text(entry.price) if entry.price is not None else "",
                money_text(entry.cost) if entry.cost is not None else "",
                "" if entry.active else _("retired"),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if not entry.active:
                    item.setForeground(self.palette().placeholderText())
                self.table.setItem(row, column, item)
            if keep is not None and entry.id == keep.id:
                self.table.selectRow(row)
        self.count.setText(_("{count} entries").format(count=len(self.entries)))
        self._enable()

    def _enable(self) -> None:
        entry = self.current()
        self.edit_button.setEnabled(entry is not None)
        self.retire_button.setEnabled(entry is not None)
        self.retire_button.setText(_("Re&tire") if entry is None or entry.active else _("Bring &back"))

    # ----------------------------------------------------------------- changes
    def add_entry(self) -> None:
        dialog = PriceListEntryDialog(self._services, self._ops, parent=self)
        if dialog.exec():
            self.refresh()

    def edit_entry(self) -> None:
        entry = self.current()
        if entry is None or not self.can_edit:
            return
        dialog = PriceListEntryDialog(self._services, self._ops, entry, parent=self)
        if dialog.exec():
            self.refresh()

    def toggle_active(self) -> bool:
        entry = self.current()
        if entry is None or not self.can_edit:
            return False
        result = self._ops.call(
            self._services.price_list.set_active,
            entry.id,
            not entry.active,
            entry.version,
            parent=self,
            on_reload=lambda _current: self.refresh(),
        )
        self.refresh()
        return result.ok

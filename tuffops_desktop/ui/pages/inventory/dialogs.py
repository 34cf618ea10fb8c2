"""The dialogs of the Inventory page: a part's facts (new / edit), the stock movements the
office makes by hand (receive, transfer, adjust), and stock locations (new / edit, and
the list of them with deactivate / reactivate).

Each dialog collects its input, then asks the service once (``Ops.call``, off the GUI
thread). A refusal — bad input, a transfer of more than is available, a number already
used — is shown under the field it is about, or in the dialog's message line, in the
service's own words; the dialog stays open and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.inventory import REASON_MAX
from tuffops_desktop.domain.pricing import UnitOfMeasure, unit_label
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.inventory import LocationInfo, PartDetail, PartStockAt
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.columns import location_kind_label
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog, plain_decimal, read_only_table, table_item
from tuffops_desktop.ui.pages.work_orders.items import quantity_text
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.theme import MUTED_TEXT
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

LOCATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _money_field(value: Decimal | None) -> QLineEdit:
    edit = QLineEdit(plain_decimal(value) if value is not None else "")
    edit.setMaximumWidth(140)
    edit.setPlaceholderText("0.00")
    return edit


def _quantity_field(placeholder: str = "1") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaximumWidth(140)
    edit.setPlaceholderText(placeholder)
    return edit


def location_combo(locations: Sequence[LocationInfo], *, selected: int | None = None) -> QComboBox:
    """The active locations, warehouses first, each with its kind (and the van's technician)."""
    combo = QComboBox()
    for where in sorted(locations, key=lambda x: (x.kind != "warehouse", x.name.casefold())):
        if not where.active:
            continue
        combo.addItem(where.name, where.id)
        tip = location_kind_label(where.kind) + (f" · {where.technician_name}" if where.technician_name else "")
        combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
    if selected is not None and combo.findData(selected) >= 0:
        combo.setCurrentIndex(combo.findData(selected))
    return combo


def _stock_at(part: PartDetail, location_id: object) -> PartStockAt | None:
    return next((s for s in part.stock if s.location_id == location_id), None)


def _heading(part: PartDetail) -> QWidget:
    return plain_label(f"{part.number} · {part.name}", role="subtitle", wrap=True)


# ----------------------------------------------------------------- parts
class PartDialog(FieldsDialog):
    """A new part, or a part's facts changed (number, name, manufacturer, category, unit,
    price, and the cost for users who may see costs). Editing checks the version the
    dialog opened: a change made meanwhile elsewhere is refused with Reload.

    Attributes:
        saved_id: the part's id once saved.
    """

    def __init__(
        self,
        services: Services,
        ops: Ops,
        part: PartDetail | None,
        categories: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._part = part
        self._costs = services.ctx.actor.can("inventory.costs")
        self.saved_id: int | None = None
        self.setWindowTitle(_("Edit part") if part else _("New part"))
        self.setMinimumWidth(480)
        self.number = QLineEdit(part.number if part else "")
        self.number.setMaxLength(40)
        self.name = QLineEdit(part.name if part else "")
        self.name.setMaxLength(120)
        self.manufacturer = QLineEdit(part.manufacturer if part else "")
        self.manufacturer.setMaxLength(80)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.addItems(list(categories))
        self.category.setCurrentText(part.category if part else "")
        self.category.lineEdit().setMaxLength(80)
        self.unit = QComboBox()
        for unit in UnitOfMeasure:
            self.unit.addItem(_(unit_label(unit.value)), unit.value)
        self.unit.setCurrentIndex(max(0, self.unit.findData(part.unit if part else UnitOfMeasure.EACH.value)))
        self.price = _money_field(part.price if part else None)
        self.cost = _money_field(part.cost if part else None)
        self.add_field("number", _("Part number"), self.number)
        self.add_field("name", _("Name"), self.name)
        self.add_field("manufacturer", _("Manufacturer"), self.manufacturer)
        self.add_field("category", _("Category"), self.category)
        self.add_field(
            "unit",
            _("Unit"),
            self.unit,
            _("Changing the unit does not convert the quantities already in stock.") if part else "",
        )
        self.add_field("price", _("Price"), self.price, _("What a customer pays per unit; empty: no price yet."))
        if self._costs:
            self.add_field("cost", _("Cost"), self.cost, _("What the part costs you; the markup follows from it."))
        self.buttons = action_buttons(self, _("Save part") if part else _("Add part"), self.save)
        layout = QVBoxLayout(self)
        if part is not None:
            layout.addWidget(_heading(part))
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def save(self) -> bool:
        self.errors.clear()
        inv = self._services.inventory
        fields = {
            "manufacturer": self.manufacturer.text(),
            "category": self.category.currentText(),
            "price": self.price.text().strip() or None,
        }
        if self._costs:
            fields["cost"] = self.cost.text().strip() or None
        unit = str(self.unit.currentData())
        part = self._part
        if part is None:
            result = self._ops.call(
                inv.add_part, self.number.text(), self.name.text(), unit, parent=self, form=self.errors, **fields
            )
        else:
            # bound first: ``name`` is also a keyword of the task runner's ``submit``
            update = partial(
                inv.update_part,
                part.id,
                number=self.number.text(),
                name=self.name.text(),
                unit=unit,
                expected_version=part.version,
                **fields,
            )
            result = self._ops.call(update, parent=self, form=self.errors, on_reload=self._reload)
        if not result.ok or result.value is None:
            return False
        self.saved_id = result.value.id
        self.accept()
        return True

    def _reload(self, _current: object) -> None:
        """Someone else changed the part: show it as it is now (their values), to edit again."""
        part = self._part
        if part is None:
            return
        result = self._ops.call(self._services.inventory.part, part.id, parent=self)
        if result.ok and result.value is not None:
            now = result.value
            self._part = now
            self.number.setText(now.number)
            self.name.setText(now.name)
            self.manufacturer.setText(now.manufacturer)
            self.category.setCurrentText(now.category)
            self.unit.setCurrentIndex(max(0, self.unit.findData(now.unit)))
            self.price.setText(plain_decimal(now.price) if now.price is not None else "")
            self.cost.setText(plain_decimal(now.cost) if now.cost is not None else "")


# ----------------------------------------------------------------- stock movements
class _MovementDialog(FieldsDialog):
    """A stock movement of one part, from the part as the panel showed it."""

    def __init__(self, services: Services, ops: Ops, part: PartDetail, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self.part = part
        self.done_ok = False
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self.unit_text = _(unit_label(part.unit))

    def finish(self, action: str, on_accept: object) -> None:
        self.buttons = action_buttons(self, action, on_accept)  # type: ignore[arg-type]
        layout = QVBoxLayout(self)
        layout.addWidget(_heading(self.part))
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def chosen_location(self, combo: QComboBox, missing: str) -> int | None:
        """The location chosen in ``combo``, or None with ``missing`` shown under it."""
        if combo.currentData() is None:
            self.errors.show_field_errors({"location": missing})
            return None
        return int(combo.currentData())

    def call(self, fn: object, *args: object) -> bool:
        self.errors.clear()
        result = self._ops.call(fn, *args, parent=self, form=self.errors)  # type: ignore[arg-type]
        if not result.ok:
            return False
        self.done_ok = True
        self.accept()
        return True


class ReceiveDialog(_MovementDialog):
    """Stock delivered to a location: how many, and a note (the supplier's delivery note)."""

    def __init__(
        self,
        services: Services,
        ops: Ops,
        part: PartDetail,
        locations: Sequence[LocationInfo],
        location_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, ops, part, _("Receive stock"), parent)
        self.location = location_combo(locations, selected=location_id)
        self.quantity = _quantity_field()
        self.note = QLineEdit()
        self.note.setMaxLength(REASON_MAX)
        self.note.setPlaceholderText(_("delivery note, supplier…"))
        self.add_field("location", _("Into"), self.location)
        self.add_field("quantity", _("Quantity ({unit})").format(unit=self.unit_text), self.quantity)
        self.add_field("reason", _("Note"), self.note)
        self.finish(_("Receive"), self.save)

    def save(self) -> bool:
        location = self.chosen_location(self.location, _("There is no active location to receive into."))
        if location is None:
            return False
        return self.call(
            self._services.inventory.receive, self.part.id, location, self.quantity.text().strip(), self.note.text()
        )


class TransferDialog(_MovementDialog):
    """Free stock moved from one location to another (the van restocked from the
    warehouse): both sides at once. The source offers only locations holding the part
    and says how much is available there."""

    def __init__(
        self,
        services: Services,
        ops: Ops,
        part: PartDetail,
        locations: Sequence[LocationInfo],
        location_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, ops, part, _("Transfer stock"), parent)
        holding = {s.location_id for s in part.stock if s.on_hand > 0}
        self.source = QComboBox()
        for stock in part.stock:
            if stock.location_id in holding:
                self.source.addItem(stock.location_name, stock.location_id)
        if location_id is not None and self.source.findData(location_id) >= 0:
            self.source.setCurrentIndex(self.source.findData(location_id))
        self.target = location_combo(locations)
        self.available = plain_label(role="hint", wrap=True)
        self.quantity = _quantity_field()
        self.add_field("from_location", _("From"), self.source)
        self.form.addRow("", self.available)
        self.add_field("to_location", _("To"), self.target)
        self.add_field("quantity", _("Quantity ({unit})").format(unit=self.unit_text), self.quantity)
        self.source.currentIndexChanged.connect(self._show_available)
        self._show_available()
        self.finish(_("Transfer"), self.save)

    def _show_available(self) -> None:
        stock = _stock_at(self.part, self.source.currentData())
        if stock is None:
            self.available.setText(_("No location holds this part."))
            return
        self.available.setText(
            _("Available at {location}: {available} {unit} (on hand {on_hand}, reserved {reserved})").format(
                location=stock.location_name,
                available=quantity_text(stock.available),
                unit=self.unit_text,
                on_hand=quantity_text(stock.on_hand),
                reserved=quantity_text(stock.reserved),
            )
        )
        # the other side is never the same place
        if self.target.currentData() == self.source.currentData():
            for n in range(self.target.count()):
                if self.target.itemData(n) != self.source.currentData():
                    self.target.setCurrentIndex(n)
                    break

    def save(self) -> bool:
        if self.source.currentData() is None:
            self.errors.show_field_errors({"from_location": _("No location holds this part.")})
            return False
        if self.target.currentData() is None:
            self.errors.show_field_errors({"to_location": _("There is no active location to transfer to.")})
            return False
        return self.call(
            self._services.inventory.transfer,
            self.part.id,
            int(self.source.currentData()),
            int(self.target.currentData()),
            self.quantity.text().strip(),
        )


class AdjustDialog(_MovementDialog):
    """A correction of the stock at a location, signed (−2: two fewer than the books say;
    3: three more), always with the reason (counted, damaged, lost, found)."""

    def __init__(
        self,
        services: Services,
        ops: Ops,
        part: PartDetail,
        locations: Sequence[LocationInfo],
        location_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(services, ops, part, _("Adjust stock"), parent)
        self.location = QComboBox()
        known = {s.location_id for s in part.stock}
        for stock in part.stock:
            self.location.addItem(stock.location_name, stock.location_id)
        for where in locations:
            if where.active and where.id not in known:
                self.location.addItem(where.name, where.id)
        if location_id is not None and self.location.findData(location_id) >= 0:
            self.location.setCurrentIndex(self.location.findData(location_id))
        self.now = plain_label(role="hint", wrap=True)
        self.change = _quantity_field(_("e.g. -2 or 3"))
        self.reason = QLineEdit()
        self.reason.setMaxLength(REASON_MAX)
        self.reason.setPlaceholderText(_("counted, damaged, lost, found…"))
        self.add_field("location", _("At"), self.location)
        self.form.addRow("", self.now)
        self.add_field(
            "quantity",
            _("Change ({unit})").format(unit=self.unit_text),
            self.change,
            _("Negative takes stock away, positive adds it."),
        )
        self.add_field("reason", _("Reason"), self.reason, _("Required; kept in the part's ledger."))
        self.location.currentIndexChanged.connect(self._show_now)
        self._show_now()
        self.finish(_("Adjust"), self.save)

    def _show_now(self) -> None:
        stock = _stock_at(self.part, self.location.currentData())
        on_hand = stock.on_hand if stock else Decimal(0)
        available = stock.available if stock else Decimal(0)
        self.now.setText(
            _("Now: {on_hand} on hand, {available} available").format(
                on_hand=quantity_text(on_hand), available=quantity_text(available)
            )
        )

    def save(self) -> bool:
        location = self.chosen_location(self.location, _("There is no location to adjust."))
        if location is None:
            return False
        return self.call(
            self._services.inventory.adjust, self.part.id, location, self.change.text().strip(), self.reason.text()
        )


# ----------------------------------------------------------------- locations
class LocationDialog(FieldsDialog):
    """A new location, or one renamed / made a van of another technician.

    Attributes:
        saved: the location once saved.
    """

    def __init__(
        self,
        services: Services,
        ops: Ops,
        location: LocationInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._location = location
        self.saved: LocationInfo | None = None
        self.setWindowTitle(_("Edit location") if location else _("New location"))
        self.setMinimumWidth(420)
        self.name = QLineEdit(location.name if location else "")
        self.name.setMaxLength(80)
        self.kind = QComboBox()
        for kind in ("warehouse", "van"):
            self.kind.addItem(location_kind_label(kind), kind)
        self.kind.setCurrentIndex(max(0, self.kind.findData(location.kind if location else "warehouse")))
        self.technician = QComboBox()
        self.technician.addItem(_("No technician"), None)
        if services.ctx.actor.can("work_orders.view"):
            result = ops.call(services.work_orders.technicians, parent=parent)
            for tech in result.value or []:
                self.technician.addItem(tech.full_name or tech.username, tech.id)
        if location is not None and location.technician_id is not None:
            if self.technician.findData(location.technician_id) < 0:
                self.technician.addItem(location.technician_name or str(location.technician_id), location.technician_id)
            self.technician.setCurrentIndex(self.technician.findData(location.technician_id))
        self.add_field("name", _("Name"), self.name)
        self.add_field("kind", _("Kind"), self.kind)
        self.add_field("technician_id", _("Technician"), self.technician, _("Whose van it is."))
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.buttons = action_buttons(self, _("Save location") if location else _("Add location"), self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def _kind_changed(self) -> None:
        van = self.kind.currentData() == "van"
        self.technician.setEnabled(van)
        if not van:
            self.technician.setCurrentIndex(0)

    def save(self) -> bool:
        self.errors.clear()
        technician = self.technician.currentData()
        technician_id = int(technician) if technician is not None else None
        kind = str(self.kind.currentData())
        inv = self._services.inventory
        if self._location is None:
            result = self._ops.call(
                inv.add_location, self.name.text(), kind, technician_id, parent=self, form=self.errors
            )
        else:
            result = self._ops.call(
                inv.update_location,
                self._location.id,
                self.name.text(),
                kind,
                technician_id,
                seen=self._location,
                parent=self,
                form=self.errors,
            )
        if not result.ok or result.value is None:
            return False
        self.saved = result.value
        self.accept()
        return True


class LocationsDialog(FieldsDialog):
    """The warehouses and vans: add one, edit one, stop using one (refused while it still
    holds stock) or use it again. Deactivated locations are listed greyed.

    Attributes:
        changed: something was saved here (the page lists its locations again).
    """

    def __init__(
        self, services: Services, ops: Ops, prompts: Prompts, *, can_edit: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.changed = False
        self.locations: list[LocationInfo] = []
        self.setWindowTitle(_("Stock locations"))
        self.setMinimumSize(560, 360)
        self.table: QTableWidget = read_only_table([_("Name"), _("Kind"), _("Technician"), _("Status")], set())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit())
        self.new_button = QPushButton(_("New location…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.active_button = QPushButton(_("Deactivate"))
        self.new_button.clicked.connect(self.new)
        self.edit_button.clicked.connect(self.edit)
        self.active_button.clicked.connect(self.toggle_active)
        row = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.active_button):
            row.addWidget(button)
            button.setEnabled(can_edit)
            if not can_edit:
                button.setToolTip(_("Needs permission to edit inventory (inventory.edit)"))
        row.addStretch(1)
        self._can_edit = can_edit
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.form_error)
        layout.addWidget(close)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        result = self._ops.call(self._services.inventory.locations, parent=self)
        if not result.ok or result.value is None:
            return
        self.locations = list(result.value)
        self.table.setRowCount(0)
        for where in self.locations:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = [
                table_item(where.name),
                table_item(location_kind_label(where.kind)),
                table_item(where.technician_name),
                table_item(_("In use") if where.active else _("Deactivated")),
            ]
            for column, item in enumerate(cells):
                item.setData(LOCATION_ID_ROLE, where.id)
                if not where.active:
                    item.setForeground(QColor(MUTED_TEXT))
                self.table.setItem(row, column, item)
            if where.id == select:
                self.table.selectRow(row)
        self._update_buttons()

    def selected(self) -> LocationInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        location_id = item.data(LOCATION_ID_ROLE) if item is not None else None
        return next((x for x in self.locations if x.id == location_id), None)

    def _update_buttons(self) -> None:
        where = self.selected()
        if self._can_edit:
            self.edit_button.setEnabled(where is not None)
            self.active_button.setEnabled(where is not None)
        self.active_button.setText(_("Reactivate") if where is not None and not where.active else _("Deactivate"))

    def new(self) -> None:
        dialog = LocationDialog(self._services, self._ops, None, self)
        if dialog.exec() and dialog.saved is not None:
            self.changed = True
            self.reload(dialog.saved.id)

    def edit(self) -> None:
        where = self.selected()
        if where is None or not self._can_edit:
            return
        dialog = LocationDialog(self._services, self._ops, where, self)
        if dialog.exec() and dialog.saved is not None:
            self.changed = True
        self.reload(where.id)

    def toggle_active(self) -> None:
        where = self.selected()
        if where is None:
            return
        self.errors.clear()
        if where.active and not self._prompts.confirm(
            self,
            _("Deactivate location"),
            _("Stop using {name} for stock? Its ledger is kept; you can use it again later.").format(name=where.name),
            _("Deactivate"),
        ):
            return
        result = self._ops.call(
            self._services.inventory.set_location_active, where.id, not where.active, parent=self, form=self.errors
        )
        if result.ok:
            self.changed = True
        self.reload(where.id)

"""What happens to a unit over its life: transfer to another customer, link into a
system with the customer's other units, bind a pre-printed blank QR label.

Each dialog collects input, then makes one service call (one transaction); field
messages appear inline and a concurrent edit goes through the error mapper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QVBoxLayout, QWidget

from tuffops_desktop.domain.qr import short_code
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.units import UnitDetail
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.picker import CustomerPicker
from tuffops_desktop.ui.pages.units.common import ownership_table
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label


class _UnitActionDialog(FormDialog):
    """One action on one unit: collect input, then one service call; field errors inline."""

    def __init__(
        self, ops: Ops, services: Services, detail: UnitDetail, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._detail = detail
        self.saved: UnitDetail | None = None
        self.setWindowTitle(title)
        self.form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(self.form_error)

    def _run(self, fn: Callable[..., UnitDetail], *args: Any, **kwargs: Any) -> bool:
        """Make the call; on success keep the saved unit and close, else leave the dialog open."""
        result = self._ops.call(fn, *args, parent=self, form=self.errors, **kwargs)
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True


class TransferDialog(_UnitActionDialog):
    """Give a unit to another customer (or back to stock); the history is kept."""

    def __init__(self, ops: Ops, services: Services, detail: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(ops, services, detail, _("Transfer unit"), parent)
        self.resize(720, 520)
        history = ops.call(services.units.ownership_history, detail.id, parent=self)
        periods = list(history.value or []) if history.ok else []

        self.picker = CustomerPicker(ops, services.customers, self, exclude_id=detail.customer_id)
        self.note = QLineEdit()
        self.note.setPlaceholderText(_("Why: sold with the building, warranty swap, …"))
        self.note.setMaxLength(500)

        group, form = form_group(_("New owner"))
        for name, label, widget in (("customer_id", _("Customer"), self.picker), ("note", _("Note"), self.note)):
            box, error = field_box(widget)
            self.errors.bind(name, widget, error)
            form.addRow(plain_label(label, role="fieldname"), box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(plain_label(detail.label, role="title"))
        layout.addWidget(
            plain_label(
                _("Current owner: {name}").format(name=detail.customer_name or _("Stock (no customer)")), role="hint"
            )
        )
        layout.addWidget(
            plain_label(
                _(
                    "“Stock” means the unit belongs to no customer: it is in your warehouse, "
                    "waiting to be installed or sold. Choose a customer to give it to them, or "
                    "Stock to take it back."
                ),
                role="note",
                wrap=True,
            )
        )
        layout.addWidget(self.form_error)
        layout.addWidget(group)
        layout.addWidget(plain_label(_("Ownership history"), role="subtitle"))
        self.history = ownership_table(periods)
        layout.addWidget(self.history, 1)
        layout.addWidget(action_buttons(self, _("Transfer"), self.save))
        self.picker.set_customer(None, "", "")

    def save(self) -> bool:
        self.errors.clear()
        return self._run(
            self._services.units.transfer,
            self._detail.id,
            self.picker.customer_id(),
            self._detail.version,
            self.note.text(),
            on_reload=lambda _current: self.reject(),
        )


class LinkDialog(_UnitActionDialog):
    """Link a unit with another unit of the same customer (one system, e.g. indoor + outdoor)."""

    def __init__(self, ops: Ops, services: Services, detail: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(ops, services, detail, _("Link units"), parent)
        self.setMinimumWidth(560)
        self.other = QComboBox()
        ids = ops.call(
            services.units.list_ids, ListQuery(sort="label", filters={"customer": Ref(detail.customer_id)}), parent=self
        )
        rows = ops.call(services.units.rows, ids.value or [], parent=self) if ids.ok else None
        linked = ops.call(services.units.linked_unit_ids, detail.id, parent=self)
        already = set(linked.value or []) if linked.ok else set()
        for row in (rows.value or []) if rows is not None and rows.ok else []:
            if row.id == detail.id or row.id in already:
                continue
            self.other.addItem(f"{row.label} · {row.model} · {short_code(row.qr_code_guid)}", row.id)
        group, form = form_group(_("Link with"))
        box, error = field_box(
            self.other, _("Only units of {name} can be linked with this one.").format(name=detail.customer_name)
        )
        self.errors.bind("other_unit_id", self.other, error)
        form.addRow(plain_label(_("Unit"), role="fieldname"), box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(plain_label(detail.label, role="title"))
        layout.addWidget(self.form_error)
        layout.addWidget(group)
        buttons = action_buttons(self, _("Link"), self.save)
        layout.addWidget(buttons)
        if self.other.count() == 0:
            self.errors.show_field_errors({"other_unit_id": _("This customer has no other unit.")})

    def save(self) -> bool:
        self.errors.clear()
        other = self.other.currentData()
        if other is None:
            self.errors.show_field_errors({"other_unit_id": _("Choose a unit.")})
            return False
        return self._run(self._services.units.link, self._detail.id, other)


class BindLabelDialog(_UnitActionDialog):
    """Bind a pre-printed blank sticker: paste its URL or its code."""

    def __init__(self, ops: Ops, services: Services, detail: UnitDetail, parent: QWidget | None = None) -> None:
        super().__init__(ops, services, detail, _("Bind blank label"), parent)
        self.setMinimumWidth(600)
        self.pasted = QLineEdit()
        self.pasted.setPlaceholderText("https://…/u/1b4e28ba-2fa1-11d2-883f-0016d3cca427")
        box, error = field_box(
            self.pasted, _("The unit answers to the sticker's code from now on; its current code stops working.")
        )
        self.errors.bind("guid", self.pasted, error)
        group, form = form_group(_("Sticker"))
        form.addRow(plain_label(_("URL or code"), role="fieldname"), box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(plain_label(detail.label, role="title"))
        layout.addWidget(self.form_error)
        layout.addWidget(group)
        layout.addWidget(action_buttons(self, _("Bind"), self.save))

    def save(self) -> bool:
        self.errors.clear()
        return self._run(
            self._services.units.bind_blank_label,
            self._detail.id,
            self.pasted.text(),
            self._detail.version,
            on_reload=lambda _current: self.reject(),
        )

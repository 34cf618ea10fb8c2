"""A part's settings at one location: the minimum to keep there, the reorder quantity
(the supplier's pack) and the bin on the shelf.

The minimum drives the low-stock list (empty: the part is not watched there; 0 is
allowed and lists the part only when reservations exceed what is there and on order).
The reorder quantity makes suggestions whole packs (empty: exactly what is missing).
Refusals are shown under the field in the service's words; nothing is stored then.
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from tuffops_desktop.domain.stock_control import BIN_MAX, quantity_text
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.stock_control import LevelSettings
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.invoices.dialogs import FieldsDialog
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label


def _decimal_text(value: Decimal | None) -> str:
    """As typed: 2.5, not 2.500."""
    return "" if value is None else quantity_text(value)


class LevelsDialog(FieldsDialog):
    """Minimum, reorder quantity and bin of a part at a location (read when opened).

    Attributes:
        saved: the settings once saved.
    """

    def __init__(
        self, services: Services, ops: Ops, part_id: int, location_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._part_id = part_id
        self._location_id = location_id
        self.saved: LevelSettings | None = None
        self.setWindowTitle(_("Minimum and bin"))
        self.setMinimumWidth(440)
        self.heading = plain_label(role="subtitle", wrap=True)
        self.minimum = QLineEdit()
        self.minimum.setMaximumWidth(140)
        self.minimum.setPlaceholderText(_("not watched"))
        self.reorder = QLineEdit()
        self.reorder.setMaximumWidth(140)
        self.reorder.setPlaceholderText(_("what is missing"))
        self.bin = QLineEdit()
        self.bin.setMaxLength(BIN_MAX)
        self.bin.setMaximumWidth(200)
        self.bin.setPlaceholderText(_("e.g. A-3-2"))
        self.add_field(
            "minimum",
            _("Minimum"),
            self.minimum,
            _("Below this (on hand − reserved + on order) the part is on the low-stock list. Empty: not watched."),
        )
        self.add_field(
            "reorder_quantity",
            _("Reorder quantity"),
            self.reorder,
            _("Orders are suggested in multiples of this (a box of 10). Empty: exactly what is missing."),
        )
        self.add_field("bin", _("Bin"), self.bin, _("Where it is kept at this location; shown on the count sheet."))
        self.buttons = action_buttons(self, _("Save"), self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        result = ops.call(services.stock_control.levels, part_id, location_id, parent=parent)
        if result.ok and result.value is not None:
            self.show_settings(result.value)
        else:
            self.buttons.setEnabled(False)

    def show_settings(self, settings: LevelSettings) -> None:
        self.heading.setText(
            _("Part {part} at {location}").format(part=settings.part_number, location=settings.location_name)
        )
        self.minimum.setText(_decimal_text(settings.minimum))
        self.reorder.setText(_decimal_text(settings.reorder_quantity))
        self.bin.setText(settings.bin)

    def save(self) -> bool:
        self.errors.clear()
        result = self._ops.call(
            self._services.stock_control.set_levels,
            self._part_id,
            self._location_id,
            self.minimum.text().strip() or None,
            self.reorder.text().strip() or None,
            self.bin.text(),
            parent=self,
            form=self.errors,
        )
        if not result.ok or result.value is None:
            return False
        self.saved = result.value
        self.accept()
        return True

"""Add or edit a unit.

The owner is chosen here only for a new unit; afterwards it changes through Transfer,
which keeps the ownership history. The warranty expiry is computed live from the
install date and months (it is never stored). Field messages come from the domain's
``validate_unit`` through the service; a concurrent edit goes through the error mapper.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.qr import short_code
from tuffops_desktop.domain.units import (
    WARRANTY_MONTHS_MAX,
    MaintenanceFrequency,
    UnitInput,
    warranty_expires_at,
    warranty_state,
)
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.catalog import DeviceModelInfo
from tuffops_desktop.services.dto.units import UnitDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.picker import CustomerPicker
from tuffops_desktop.ui.pages.units.columns import warranty_colour, warranty_label
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, copy_to_clipboard, form_group
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.optional_date import OptionalDateEdit


class UnitDialog(FormDialog):
    """Adds a unit (``detail`` None) or edits one.

    The owner is chosen here only for a new unit; afterwards it changes through
    Transfer, which keeps the ownership history.

    Attributes:
        saved: the unit as stored, after a successful save.
    """

    def __init__(
        self,
        ops: Ops,
        services: Services,
        detail: UnitDetail | None,
        *,
        can_edit: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._detail = detail
        self._today = services.ctx.today()
        self._warranty_touched = detail is not None
        self.saved: UnitDetail | None = None
        self.setWindowTitle(_("New unit") if detail is None else _("Unit"))
        # No fixed width: the dialog is never narrower than its two columns need (a fixed
        # minimum below that squeezed the Location hint and the device-model field).

        models = ops.call(services.catalog.device_models, parent=self)
        self._models: list[DeviceModelInfo] = list(models.value or []) if models.ok else []

        self.title = plain_label(role="title")
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.reloaded_note = plain_label(
            _("Reloaded the version saved by someone else. Apply your changes again, then save."),
            role="warning",
            wrap=True,
        )
        self.reloaded_note.hide()

        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # As wide as ~30 characters whatever the catalogue holds: a long model name makes
        # the field scroll, not the dialog grow past a 1024 px screen.
        self.model_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.model_combo.setMinimumContentsLength(30)
        self.model_combo.lineEdit().setPlaceholderText(_("Type to search manufacturer or model…"))
        for info in self._models:
            self.model_combo.addItem(info.label, info.id)
        completer = QCompleter(self.model_combo.model(), self.model_combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.model_combo.setCompleter(completer)
        self.model_combo.setCurrentIndex(-1)

        self.customer = CustomerPicker(ops, services.customers, self)
        self.customer.setVisible(detail is None)
        self.owner_label = plain_label(wrap=True)
        self.serial_number = QLineEdit()
        self.location = QLineEdit()
        self.location.setPlaceholderText(_("e.g. Lobby AC #2"))
        self.address = QLineEdit()
        self.city = QLineEdit()
        self.postcode = QLineEdit()
        self.installed_at = OptionalDateEdit(_("Known"))
        self.warranty_months = QSpinBox()
        self.warranty_months.setRange(0, WARRANTY_MONTHS_MAX)
        self.warranty_months.setSpecialValueText(_("No warranty"))
        self.warranty_months.setSuffix(_(" months"))
        self.warranty_info = plain_label(wrap=True)
        self.maintenance = QComboBox()
        for frequency in MaintenanceFrequency:
            self.maintenance.addItem(_(frequency.label), frequency.value)
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(64)
        self.notes.setTabChangesFocus(True)

        what, what_form = form_group(_("Equipment"))
        self._row(what_form, "device_model_id", _("Device model"), self.model_combo)
        self._row(what_form, "serial_number", _("Serial number"), self.serial_number)
        self._row(
            what_form,
            "location",
            _("Location"),
            self.location,
            _("What people call it; shown on the sticker and to the customer."),
        )
        self._row(what_form, "maintenance_frequency", _("Maintenance"), self.maintenance)

        where, where_form = form_group(_("Owner and site"))
        owner_widget: QWidget = self.customer if detail is None else self.owner_label
        self._row(
            where_form,
            "customer_id",
            _("Customer"),
            owner_widget,
            "" if detail is None else _("Use Transfer on the units page to change the owner."),
        )
        self._row(where_form, "address", _("Site address"), self.address)
        self._row(where_form, "city", _("City"), self.city)
        self._row(where_form, "postcode", _("Postcode"), self.postcode)

        warranty, warranty_form = form_group(_("Warranty"))
        self._row(warranty_form, "installed_at", _("Installed on"), self.installed_at)
        self._row(warranty_form, "warranty_months", _("Warranty"), self.warranty_months)
        warranty_form.addRow(plain_label(_("Expires"), role="fieldname"), self.warranty_info)

        self.qr_group, qr_form = form_group(_("QR sticker"))
        self.url_field = QLineEdit()
        self.url_field.setReadOnly(True)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setToolTip(_("Copy the unit's public URL to the clipboard"))
        url_row = QHBoxLayout()
        url_row.setContentsMargins(0, 0, 0, 0)
        url_row.addWidget(self.url_field, 1)
        url_row.addWidget(self.copy_button)
        url_widget = QWidget()
        url_widget.setLayout(url_row)
        self.short_code = plain_label(selectable=True)
        qr_form.addRow(plain_label(_("Public URL"), role="fieldname"), url_widget)
        qr_form.addRow(plain_label(_("Short code"), role="fieldname"), self.short_code)
        self.qr_group.setVisible(detail is not None)
        self.copy_button.clicked.connect(lambda: copy_to_clipboard(self.url_field.text(), self.copy_button))

        notes_group = QGroupBox(_("Notes"))
        notes_box, notes_error = field_box(self.notes)
        self.errors.bind("notes", self.notes, notes_error)
        QVBoxLayout(notes_group).addWidget(notes_box)

        left, right = QVBoxLayout(), QVBoxLayout()
        left.addWidget(what)
        left.addWidget(warranty)
        left.addStretch(1)
        right.addWidget(where)
        right.addWidget(self.qr_group)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        if can_edit:
            self.buttons = action_buttons(self, _("Save"), self.save)
        else:
            self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(self.title)
        layout.addWidget(self.reloaded_note)
        layout.addWidget(form_error)
        layout.addLayout(columns)
        layout.addWidget(notes_group)
        layout.addWidget(self.buttons)

        self.installed_at.changed.connect(self._update_warranty)
        self.warranty_months.valueChanged.connect(self._on_months_edited)
        self.model_combo.currentIndexChanged.connect(self._on_model_changed)
        self.customer.changed.connect(self._on_customer_changed)
        self.location.textChanged.connect(self._update_title)
        self.serial_number.textChanged.connect(self._update_title)
        if detail is not None:
            self.load(detail)
        self._update_warranty()
        self._update_title()
        if not can_edit:
            for widget in (self.model_combo, self.customer, self.installed_at, self.warranty_months, self.maintenance):
                widget.setEnabled(False)
            for edit in (self.serial_number, self.location, self.address, self.city, self.postcode):
                edit.setReadOnly(True)
            self.notes.setReadOnly(True)

    # ----------------------------------------------------------------- data
    def load(self, detail: UnitDetail) -> None:
        self._detail = detail
        self.model_combo.setCurrentIndex(self.model_combo.findData(detail.device_model_id))
        self.owner_label.setText(detail.customer_name or _("(stock: no customer)"))
        self.serial_number.setText(detail.serial_number)
        self.location.setText(detail.location)
        self.address.setText(detail.address)
        self.city.setText(detail.city)
        self.postcode.setText(detail.postcode)
        self.installed_at.set_value(detail.installed_at)
        self.warranty_months.blockSignals(True)
        self.warranty_months.setValue(detail.warranty_months or 0)
        self.warranty_months.blockSignals(False)
        self.maintenance.setCurrentIndex(max(self.maintenance.findData(detail.maintenance_frequency), 0))
        self.notes.setPlainText(detail.notes)
        self.url_field.setText(detail.public_url)
        self.url_field.setCursorPosition(0)
        self.short_code.setText(short_code(detail.qr_code_guid))
        self._update_warranty()
        self._update_title()

    def input(self) -> UnitInput:
        months = self.warranty_months.value()
        return UnitInput(
            device_model_id=self._chosen_model_id(),
            customer_id=self.customer.customer_id() if self._detail is None else self._detail.customer_id,
            serial_number=self.serial_number.text(),
            location=self.location.text(),
            address=self.address.text(),
            city=self.city.text(),
            postcode=self.postcode.text(),
            installed_at=self.installed_at.value(),
            warranty_months=months or None,
            maintenance_frequency=self.maintenance.currentData(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> bool:
        self.errors.clear()
        units = self._services.units
        if self._detail is None:
            result = self._ops.call(units.create, self.input(), parent=self, form=self.errors)
        else:
            result = self._ops.call(
                units.update,
                self._detail.id,
                self.input(),
                self._detail.version,
                parent=self,
                form=self.errors,
                on_reload=self._reload,
            )
        if not result.ok:
            return False
        self.saved = result.value
        self.accept()
        return True

    # ----------------------------------------------------------------- helpers
    def _row(self, form: QFormLayout, name: str, label: str, widget: QWidget, hint: str = "") -> None:
        box, error = field_box(widget, hint)
        self.errors.bind(name, widget, error)
        caption = plain_label(label, role="fieldname")
        caption.setMinimumHeight(28)
        form.addRow(caption, box)

    def _chosen_model_id(self) -> int | None:
        text = self.model_combo.currentText().strip()
        index = self.model_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        return self.model_combo.itemData(index) if index >= 0 else None

    def _reload(self, current: object) -> None:
        if not isinstance(current, UnitDetail) and self._detail is not None:
            result = self._ops.call(self._services.units.get, self._detail.id, parent=self)
            current = result.value if result.ok else None
        if isinstance(current, UnitDetail):
            self.load(current)
            self.errors.clear()
            self.reloaded_note.show()

    def _on_model_changed(self, _index: int) -> None:
        model_id = self._chosen_model_id()
        info = next((m for m in self._models if m.id == model_id), None)
        if info is None or self._detail is not None:
            return
        if not self._warranty_touched and info.default_warranty_months:
            self.warranty_months.blockSignals(True)
            self.warranty_months.setValue(info.default_warranty_months)
            self.warranty_months.blockSignals(False)
            self._update_warranty()
        index = self.maintenance.findData(info.default_maintenance_frequency)
        if index >= 0:
            self.maintenance.setCurrentIndex(index)
        self._update_title()

    def _on_months_edited(self, _value: int) -> None:
        self._warranty_touched = True
        self._update_warranty()

    def _on_customer_changed(self) -> None:
        """A new unit usually sits at its customer's address: offer it when the site is empty."""
        customer_id = self.customer.customer_id()
        if customer_id is None or self.address.text().strip() or self.city.text().strip():
            return
        result = self._ops.call(self._services.customers.get, customer_id, parent=self)
        if result.ok and result.value is not None:
            self.address.setText(result.value.address)
            self.city.setText(result.value.city)
            self.postcode.setText(result.value.postcode)

    def _update_warranty(self) -> None:
        installed, months = self.installed_at.value(), self.warranty_months.value() or None
        expires = warranty_expires_at(installed, months)
        state = warranty_state(installed, months, self._today).value
        if expires is None:
            self.warranty_info.setText(_("— (needs an install date and warranty months)"))
            self.warranty_info.setStyleSheet("")
        else:
            self.warranty_info.setText(f"{date_text(expires)}  ·  {warranty_label(state)}")
            self.warranty_info.setStyleSheet(f"color: {warranty_colour(state)}; font-weight: 600;")

    def _update_title(self) -> None:
        label = self.location.text().strip() or self.serial_number.text().strip()
        if self._detail is None:
            self.title.setText(label or _("New unit"))
        else:
            self.title.setText(
                _("{label}  ·  unit #{id}").format(label=label or self._detail.label, id=self._detail.id)
            )

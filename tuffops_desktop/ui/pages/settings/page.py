"""Company settings: shared by every workstation and the public QR page.

Built from the declared settings (``services.settings.list()``), each with the editor
its spec (``domain.settings``) calls for: a check box for yes/no, a drop-down for a fixed
list of choices (QR error correction), a spin box with its range, step and unit for
numbers (tax rate, durations), a preview with "Choose logo…" and "Remove" for the
company logo (``logo_editor.py``), a text field for the rest. Only changed values are
saved, in one transaction, with the versions they were read at; bad values get inline
messages. Read-only (installation) keys are not listed, and users without
``settings.edit`` see the values but cannot change them.
The "E-mail" group's editors sit in the E-mail section (``email_section.py``), beside the
mail server password (kept in this computer's keyring), the test e-mail and the e-mail
templates; they are saved and reverted with the others.
Below them, the label layouts used to print QR stickers (built-in and the company's own).
Their new and edited layouts are part of the page's changes: one Save changes stores the
edited settings and layouts in one transaction (all or nothing, one error report), Revert
drops both, and Save/Revert are enabled, and the status line says "Unsaved changes",
while either has any.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.settings import SETTINGS_BY_NAME, SettingSpec
from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.settings import SettingValue
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.settings.email_section import EmailSection
from tuffops_desktop.ui.pages.settings.logo_editor import LogoEditor
from tuffops_desktop.ui.pages.settings.price_list_section import PriceListSection
from tuffops_desktop.ui.pages.settings.quotation_statuses_section import QuotationStatusesSection
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.layouts_section import LabelLayoutsSection, plain_layout_message
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.labels import plain_label

HINTS = {
    "phone_default_region": "Two letters, e.g. KN, US, GB. Used for phone numbers typed without +.",
    "phone_default_area_code": "Added to 7-digit local numbers, e.g. 869 → +1-869-…",
    "public_base_url": "Printed in every QR sticker as <address>/u/<code>. Changing it breaks printed stickers.",
    "default_tax_rate": "Percent, e.g. 17 or 12.5.",
}


Editor = QLineEdit | QCheckBox | QComboBox | QDoubleSpinBox | LogoEditor


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


def make_editor(spec: SettingSpec | None, title: str, can_edit: bool) -> Editor:
    """The editor a setting's spec calls for (read-only when the user may not edit)."""
    editor: Editor
    if spec is not None and spec.kind == "bool":
        editor = QCheckBox(title)
        editor.setEnabled(can_edit)
    elif spec is not None and spec.choices:
        editor = QComboBox()
        for value, label in spec.choices:
            editor.addItem(_(label), value)
        editor.setEnabled(can_edit)
    elif spec is not None and spec.kind == "decimal" and spec.step is not None:
        editor = QDoubleSpinBox()
        step = spec.step.normalize()
        editor.setDecimals(max(0, -int(step.as_tuple().exponent)))
        editor.setSingleStep(float(step))
        editor.setRange(
            float(spec.minimum if spec.minimum is not None else 0),
            float(spec.maximum if spec.maximum is not None else 1_000_000),
        )
        if spec.unit:
            editor.setSuffix(f" {spec.unit}")
        editor.setReadOnly(not can_edit)
        editor.setButtonSymbols(
            QDoubleSpinBox.ButtonSymbols.UpDownArrows if can_edit else QDoubleSpinBox.ButtonSymbols.NoButtons
        )
        editor.setMaximumWidth(160)
    else:
        editor = QLineEdit()
        if spec is not None and spec.kind == "str":
            editor.setMaxLength(spec.max_length)
        editor.setReadOnly(not can_edit)
    return editor


def editor_value(editor: Editor) -> Any:
    """What the editor holds, in the setting's type (a spin box's number as an exact
    Decimal of the digits shown, never a float)."""
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QDoubleSpinBox):
        return Decimal(f"{editor.value():.{editor.decimals()}f}")
    if isinstance(editor, LogoEditor):
        return editor.value()
    return editor.text().strip()


def show_value(editor: Editor, value: Any) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentIndex(max(editor.findData(value), 0))
    elif isinstance(editor, QDoubleSpinBox):
        editor.setValue(float(value if value is not None else 0))
    elif isinstance(editor, LogoEditor):
        editor.set_value(str(value or ""))
    else:
        editor.setText(_text(value))
        editor.setCursorPosition(0)


def same_value(editor: Editor, loaded: Any) -> bool:
    current = editor_value(editor)
    if isinstance(editor, QDoubleSpinBox):
        return loaded is not None and current == Decimal(str(loaded))
    if isinstance(editor, QLineEdit):
        return bool(current == _text(loaded))
    if isinstance(editor, QCheckBox):
        return bool(current == bool(loaded))
    if isinstance(editor, LogoEditor):
        return bool(current == (loaded or ""))
    return bool(current == loaded)


class SettingsPage(QWidget):
    """Edits the company settings."""

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self._can_edit = services.ctx.actor.can("settings.edit")
        self._loaded: dict[str, SettingValue] = {}
        self.editors: dict[str, Editor] = {}

        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.status = plain_label(role="hint")
        self.read_only_note = plain_label(
            _("You can see the settings; only an administrator can change them."), role="note"
        )
        self.read_only_note.setVisible(not self._can_edit)
        self.save_button = QPushButton(_("Save changes"))
        self.save_button.setProperty("primary", True)
        self.revert_button = QPushButton(_("Revert"))
        self.save_button.setVisible(self._can_edit)
        self.revert_button.setVisible(self._can_edit)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.save_button.setEnabled(False)
        self.revert_button.setEnabled(False)

        self.groups_holder = QWidget()
        self.groups_layout = QVBoxLayout(self.groups_holder)
        self.groups_layout.setContentsMargins(0, 0, 8, 0)
        self.groups_layout.setSpacing(12)
        self.layouts_section = LabelLayoutsSection(ops, services)
        self.layouts_section.changed.connect(self._on_edited)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 8, 0)
        column_layout.setSpacing(12)
        column_layout.addWidget(self.groups_holder)
        self.email_section = EmailSection(ops, services, prompts)  # holds the "E-mail" group's editors
        column_layout.addWidget(self.email_section)
        column_layout.addWidget(self.layouts_section)
        self.price_list_section = PriceListSection(ops, services)
        column_layout.addWidget(self.price_list_section)
        self.quotation_statuses_section = QuotationStatusesSection(ops, services)
        column_layout.addWidget(self.quotation_statuses_section)
        column_layout.addStretch(1)
        self.groups_layout.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(column, 0)
        holder_layout.addStretch(1)
        column.setMaximumWidth(868)
        column.setMinimumWidth(648)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(holder)

        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addWidget(plain_label(_("Settings"), role="title"))
        layout.addWidget(
            plain_label(_("Company-wide: every workstation and the public QR page use these values."), role="hint")
        )
        layout.addWidget(self.read_only_note)
        layout.addWidget(form_error)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.refresh()

    # ----------------------------------------------------------------- page protocol
    def refresh(self) -> None:
        result = self._ops.call(self._services.settings.list, parent=self)
        if not result.ok:
            return
        self.layouts_section.refresh()
        self.quotation_statuses_section.refresh()
        values: list[SettingValue] = list(result.value or [])
        if set(self.editors) != {v.name for v in values}:
            self._build(values)
        self._loaded = {v.name: v for v in values}
        for value in values:
            show_value(self.editors[value.name], value.value)
        self.errors.clear()
        self.status.setText("")
        self.email_section.refresh()
        self._on_edited()

    def focus_search(self) -> None:
        """No search box on this page."""

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Settings edited elsewhere are not pulled in under the user's unsaved edits (F5
        reloads); the price list, edited entry by entry in dialogs, follows at once."""
        if any(change.entity == "price_list_item" for change in changes):
            self.price_list_section.refresh()
        if any(change.entity == "setting" for change in changes):
            self.quotation_statuses_section.refresh()
            self.email_section.refresh_templates()

    # ----------------------------------------------------------------- actions
    def changed_values(self) -> dict[str, Any]:
        changed: dict[str, Any] = {}
        for name, editor in self.editors.items():
            if name in self._loaded and not same_value(editor, self._loaded[name].value):
                value = editor_value(editor)
                changed[name] = editor.text() if isinstance(editor, QLineEdit) else value
        return changed

    def has_unsaved_changes(self) -> bool:
        """Edited settings or new/edited label layouts not saved yet."""
        return bool(self.changed_values()) or self.layouts_section.has_changes()

    def save(self) -> bool:
        """Store the edited settings and label layouts in one transaction (one user action)."""
        self.errors.clear()
        changed = self.changed_values()
        layouts = self.layouts_section.pending()
        if not changed and not layouts:
            self.status.setText(_("Nothing to save."))
            return True
        versions = {name: self._loaded[name].version for name in changed}
        result = self._ops.call(
            self._services.stickers.save_settings,
            changed,
            versions,
            layouts,
            parent=self,
            form=self,
            on_reload=lambda _current: self.refresh(),
        )
        if not result.ok:
            return False
        self.refresh()  # the layouts too: the saved ones are listed as stored, still selected
        parts = []
        if changed:
            parts.append(_("{count} setting(s)").format(count=len(changed)))
        if layouts:
            parts.append(_("{count} label layout(s)").format(count=len(layouts)))
        self.status.setText(_("Saved {what}.").format(what=_(" and ").join(parts)))
        return True

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        """The service's refusal: settings' messages under their fields; a layout's in
        the page's error line, in the words the layout dialog uses."""
        shown = dict(errors)
        for name in ("layout", "key"):
            if name in shown:
                shown[name] = _("Label layouts: {problem}").format(problem=plain_layout_message(shown[name]))
        self.errors.show_field_errors(shown)

    def _on_edited(self) -> None:
        """Save and Revert are offered, and the status says so, while anything is unsaved."""
        dirty = self._can_edit and self.has_unsaved_changes()
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        if dirty:
            self.status.setText(_("Unsaved changes."))
        elif self.status.text() == _("Unsaved changes."):
            self.status.setText("")

    # ----------------------------------------------------------------- helpers
    def _build(self, values: list[SettingValue]) -> None:
        while self.groups_layout.count():
            item = self.groups_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.editors = {}
        groups: dict[str, QFormLayout] = {}
        caption_width = (
            max((self.fontMetrics().horizontalAdvance(_(v.title)) for v in values if v.kind != "bool"), default=160)
            + 12
        )
        for value in values:
            form = groups.get(value.group)
            if form is None:
                box = QGroupBox(_(value.group))
                form = QFormLayout(box)
                form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                form.setVerticalSpacing(8)
                form.setHorizontalSpacing(14)
                groups[value.group] = form
                if value.group == EmailSection.GROUP:
                    self.email_section.place_settings(box, self.editors)
                else:
                    self.groups_layout.addWidget(box)
            spec = SETTINGS_BY_NAME.get(value.name)
            editor: Editor
            if spec is not None and spec.kind == "image":
                editor = LogoEditor(self._ops, self._prompts, self, self._can_edit)
            else:
                editor = make_editor(spec, _(value.title), self._can_edit)
            if isinstance(editor, QCheckBox):
                caption = plain_label("", role="fieldname")
            else:
                caption = plain_label(_(value.title), role="fieldname")
                caption.setMinimumHeight(28)
            caption.setFixedWidth(caption_width)
            caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            box_widget, error = field_box(editor, _(HINTS[value.name]) if value.name in HINTS else "")
            self.errors.bind(value.name, editor, error)
            if isinstance(editor, LogoEditor):
                caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                editor.changed.connect(lambda e=error: (e.clear(), e.hide()))  # a new logo: the refusal goes
            self.editors[value.name] = editor
            self._watch(editor)
            form.addRow(caption, box_widget)
        self.groups_layout.addStretch(1)

    def _watch(self, editor: Editor) -> None:
        if isinstance(editor, QCheckBox):
            editor.toggled.connect(lambda _on: self._on_edited())
        elif isinstance(editor, QComboBox):
            editor.currentIndexChanged.connect(lambda _i: self._on_edited())
        elif isinstance(editor, QDoubleSpinBox):
            editor.valueChanged.connect(lambda _v: self._on_edited())
        elif isinstance(editor, LogoEditor):
            editor.changed.connect(self._on_edited)
        else:
            editor.textChanged.connect(lambda _t: self._on_edited())

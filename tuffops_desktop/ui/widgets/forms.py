"""Building blocks of the app's forms: a titled group of fields and the action/Cancel
button row of a dialog, plus copying a value to the clipboard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QPushButton

from tuffops_desktop.i18n import _
from tuffops_desktop.ui.widgets.labels import plain_label


def form_group(title: str) -> tuple[QGroupBox, QFormLayout]:
    """A group box with a form layout: labels right-aligned, fields growing."""
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setVerticalSpacing(6)
    return group, form


def action_buttons(dialog: QDialog, action: str, on_accept: Callable[[], object]) -> QDialogButtonBox:
    """The primary ``action`` button (default) and Cancel (rejects ``dialog``)."""
    buttons = QDialogButtonBox()
    ok = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
    ok.setProperty("primary", True)
    ok.setDefault(True)
    buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
    buttons.accepted.connect(on_accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def copy_to_clipboard(text: str, button: QPushButton | None = None) -> None:
    """Put ``text`` on the system clipboard; the button says "Copied" for a moment."""
    QGuiApplication.clipboard().setText(text)
    if button is not None:
        original = button.text()
        button.setText(_("Copied"))
        QTimer.singleShot(1500, button, lambda: button.setText(original))


def facts_grid(rows: list[tuple[str, str]]) -> tuple[QGridLayout, dict[str, QLabel]]:
    """Caption / value pairs of a detail panel: ``rows`` are ``(key, caption)``; returns the
    grid and the value labels by key (plain text, wrapping, selectable)."""
    grid = QGridLayout()
    grid.setHorizontalSpacing(12)
    grid.setVerticalSpacing(4)
    values: dict[str, QLabel] = {}
    for row, (key, caption) in enumerate(rows):
        grid.addWidget(plain_label(caption, role="fieldname"), row, 0, Qt.AlignmentFlag.AlignTop)
        value = plain_label(wrap=True, selectable=True)
        grid.addWidget(value, row, 1)
        values[key] = value
    grid.setColumnStretch(1, 1)
    return grid, values

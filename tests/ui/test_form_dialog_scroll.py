"""A form taller than the screen moves into a scroll area when shown — and stays visible
at once (moving widgets to a new parent hides them until Qt shows them on a later turn)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea, QVBoxLayout

from tuffops_desktop.ui.widgets.form_dialog import FormDialog


def test_a_form_taller_than_the_screen_scrolls_and_every_field_is_shown_at_once(qtbot):
    dialog = FormDialog()
    qtbot.addWidget(dialog)
    outer = QVBoxLayout(dialog)
    form = QFormLayout()
    rows = QGuiApplication.primaryScreen().availableGeometry().height() // 20 + 10  # surely taller
    fields = []
    for n in range(rows):
        field = QLineEdit()
        form.addRow(QLabel(f"Field {n}"), field)
        fields.append(field)
    hidden_hint = QLabel("an error line, hidden until needed")
    hidden_hint.hide()
    form.addRow(hidden_hint)
    outer.addLayout(form)
    buttons = QHBoxLayout()
    buttons.addWidget(QPushButton("Save"))
    outer.addLayout(buttons)

    dialog.show()  # no event processing after this: the check is immediate
    assert dialog.findChild(QScrollArea, "FormScroll") is not None
    assert all(f.isVisible() for f in fields)
    assert all(label.isVisible() for label in dialog.findChildren(QLabel) if label.text().startswith("Field"))
    assert not hidden_hint.isVisible()  # what was hidden stays hidden
    assert dialog.height() <= QGuiApplication.primaryScreen().availableGeometry().height()

"""Inline validation: a message under each field, and one for the form as a whole.

Dialogs register their fields by the names the domain's ``ValidationError`` uses
(``first_name``, ``phones`` …). ``field_box`` wraps a widget with its (hidden) error
label; ``FormErrors.show_field_errors`` fills them in and marks the widgets red.
Messages for names no field claims go to the form-level label, never lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from tuffops_desktop.ui.theme import repolish
from tuffops_desktop.ui.widgets.labels import plain_label


class _FieldBox(QWidget):
    """A field with wrapped hint and error lines: its minimum height is the height those
    lines need at its width, so a form layout never squeezes them into each other
    (QFormLayout does not always honour height-for-width rows)."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        if self.width() > 0 and self.hasHeightForWidth():
            hint.setHeight(max(hint.height(), self.heightForWidth(self.width())))
        return hint

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self.updateGeometry()  # the lines wrap differently: the layout asks again

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # an error line appeared or went
        return super().event(event)


def field_box(widget: QWidget, hint: str = "") -> tuple[QWidget, QLabel]:
    """``widget`` stacked over an optional hint and its error label."""
    box = _FieldBox()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    if widget.sizePolicy().verticalPolicy() == widget.sizePolicy().Policy.Fixed:
        widget.setMinimumHeight(widget.sizeHint().height())
    layout.addWidget(widget)
    if hint:
        layout.addWidget(plain_label(hint, role="hint", wrap=True))
    error = plain_label(role="error", wrap=True)
    error.hide()
    layout.addWidget(error)
    return box, error


class FormErrors:
    """Shows a ``ValidationError``'s field messages next to the fields."""

    def __init__(self, form_label: QLabel) -> None:
        self._form_label = form_label
        self._form_label.hide()
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def bind(self, name: str, widget: QWidget, label: QLabel, *aliases: str) -> None:
        for key in (name, *aliases):
            self._fields[key] = (widget, label)

    def clear(self) -> None:
        for widget, label in self._fields.values():
            label.clear()
            label.hide()
            if widget.property("invalid"):
                widget.setProperty("invalid", False)
                repolish(widget)
        self._form_label.clear()
        self._form_label.hide()

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        self.clear()
        leftovers: list[str] = []
        first: QWidget | None = None
        for name, text in errors.items():
            target = self._fields.get(name)
            if target is None:
                leftovers.append(text)
                continue
            widget, label = target
            label.setText(text)
            label.show()
            widget.setProperty("invalid", True)
            repolish(widget)
            first = first or widget
        if leftovers:
            self._form_label.setText(" ".join(leftovers))
            self._form_label.show()
        if first is not None:
            first.setFocus()
        window = self._form_label.window()
        fit = getattr(window, "fit_height", None)
        if callable(fit):
            fit()

    def form_message(self) -> str:
        """The message shown for the form as a whole ("" when none)."""
        return self._form_label.text() if not self._form_label.isHidden() else ""

    def visible_messages(self) -> dict[str, str]:
        """Field name → message currently shown (tests and accessibility)."""
        return {name: label.text() for name, (_w, label) in self._fields.items() if label.text()}

    def names(self) -> Iterable[str]:
        return self._fields.keys()

"""Labels that never interpret what they show: user-typed text is plain text, always."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def plain_label(
    text: str = "",
    *,
    role: str | None = None,
    wrap: bool = False,
    selectable: bool = False,
    parent: QWidget | None = None,
) -> QLabel:
    """A ``QLabel`` with ``Qt.PlainText`` (no HTML), an optional style ``role``
    (``title``, ``subtitle``, ``hint``, ``error``, ``note``, ``warning``, ``fieldname``)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if role:
        label.setProperty("role", role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label

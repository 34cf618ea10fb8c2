"""A friendly stand-in for the pages later releases fill in."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.ui.widgets.labels import plain_label

CARD_WIDTH = 520


class PlaceholderPage(QWidget):
    """The page's title and one line: not built yet, and what it will be for."""

    def __init__(self, title: str, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        card = QFrame()
        card.setObjectName("DetailPanel")
        card.setFixedWidth(CARD_WIDTH)  # a known width, so wrapped text gets the height it needs
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(8)
        inner.addWidget(plain_label(title, role="title"))
        self.status_line = plain_label(
            _("Not built yet: {purpose}").format(purpose=purpose) if purpose else _("Not built yet."), wrap=True
        )
        inner.addWidget(self.status_line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        row = QHBoxLayout()  # centred by stretches: an aligned item would lose its height-for-width
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def refresh(self) -> None:
        """Nothing to reload yet."""

    def focus_search(self) -> None:
        """No search box."""

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Shows no records."""

"""Base of the app's form dialogs.

Forms have word-wrapped hints and error messages; Qt sizes a new top-level window from
its size hint, which can be shorter than what wrapped text needs at the real width
(labels then overlap). ``FormDialog`` grows itself to the layout's height-for-width
whenever it is shown or its messages change.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog


class FormDialog(QDialog):
    """A dialog that is never shorter than its wrapped content needs."""

    def fit_height(self) -> None:
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        self.fit_height()
        QTimer.singleShot(0, self, self.fit_height)

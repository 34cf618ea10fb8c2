"""What an empty list says: "No customers match “xyz”", with a button to clear the search.

The message lies over the list's viewport (under the column headers, which stay), so the
table keeps its columns, sort and selection machinery; it is shown only while the list
has no rows.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QFrame, QPushButton, QVBoxLayout

from tuffops_desktop.i18n import _
from tuffops_desktop.ui.widgets.labels import plain_label


class EmptyState(QFrame):
    """A centred message (and an optional "Clear search" button) over an empty list.

    Signals:
        clear_requested(): the user asked to clear the search.
    """

    clear_requested = Signal()

    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view.viewport())
        self.setObjectName("EmptyState")
        self.message = plain_label(role="hint", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.clear_button = QPushButton(_("Clear search"))
        self.clear_button.clicked.connect(self.clear_requested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(10)
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, *, can_clear: bool) -> None:
        self.message.setText(text)
        self.clear_button.setVisible(can_clear)
        self.setGeometry(self._viewport.rect())
        self.show()
        self.raise_()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._viewport.rect())
        return False

"""A search field that asks again only once the user pauses typing (250 ms)."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

SEARCH_DEBOUNCE_MS = 250


class SearchBox(QLineEdit):
    """Emits ``search_changed`` after a pause in typing, or at once on Enter.

    Signals:
        search_changed(str): the text to search for (stripped).
    """

    search_changed = Signal(str)

    def __init__(
        self, placeholder: str, parent: QWidget | None = None, *, debounce_ms: int = SEARCH_DEBOUNCE_MS
    ) -> None:
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.setMaxLength(200)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._emit)
        self._last = ""
        self.textChanged.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._emit)

    def current(self) -> str:
        return self.text().strip()

    def reset(self) -> None:
        """Empty the box without announcing it (the caller lists again itself)."""
        self._timer.stop()
        blocked = self.blockSignals(True)
        self.clear()
        self.blockSignals(blocked)
        self._last = ""

    def set_search(self, text: str) -> None:
        """Put ``text`` in the box and search for it at once (no typing pause)."""
        blocked = self.blockSignals(True)
        self.setText(text)
        self.blockSignals(blocked)
        self._emit()

    def _emit(self) -> None:
        self._timer.stop()
        text = self.current()
        if text != self._last:
            self._last = text
            self.search_changed.emit(text)

"""Base of the app's form dialogs.

Forms have word-wrapped hints and error messages; Qt sizes a new top-level window from
its size hint, which can be shorter than what wrapped text needs at the real width
(labels then overlap). ``FormDialog`` grows itself to the layout's height-for-width
whenever it is shown or its messages change. On a screen too low for the whole form
(1024×640), everything above the button row moves into a scroll area when the dialog is
first shown, so the buttons stay on screen and nothing is squeezed.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QBoxLayout, QDialog, QFrame, QScrollArea, QVBoxLayout, QWidget

from tuffops_desktop.ui.widgets import screen
from tuffops_desktop.ui.widgets.accelerators import assign_accelerators


class FormDialog(QDialog):
    """A dialog that is never shorter than its wrapped content needs."""

    def fit_height(self) -> None:
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), min(needed, max(screen.available_size(self).height(), self.minimumHeight())))

    def scroll_if_too_tall(self) -> bool:
        """Put all but the last row (the buttons) in a scroll area when the form is taller
        than the screen allows; True when it did."""
        layout = self.layout()
        room = screen.available_size(self)
        if (
            not isinstance(layout, QBoxLayout)
            or self.findChild(QScrollArea, "FormScroll") is not None
            or layout.count() < 2
            or self._needed_height(layout) <= room.height()
        ):
            return False
        shown = [w for w in self.findChildren(QWidget) if not w.isHidden()]
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(layout.spacing())
        items = [layout.takeAt(0) for _ in range(layout.count())]
        for item in items[:-1]:
            if item.widget() is not None:
                inner.addWidget(item.widget())
            elif item.layout() is not None:
                child = item.layout()
                child.setParent(None)
                inner.addLayout(child)
            else:
                inner.addItem(item)
        scroll = QScrollArea()
        scroll.setObjectName("FormScroll")
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(scroll, 1)
        last = items[-1]
        if last.widget() is not None:
            layout.addWidget(last.widget())
        elif last.layout() is not None:
            child = last.layout()
            child.setParent(None)
            layout.addLayout(child)
        # Moving a widget to a new parent hides it; Qt would show it again only on a later
        # turn of the event loop, so until then the form would be blank (and its labels
        # "invisible" to anything looking at once): show again what was shown before.
        for widget in (*shown, content, scroll):
            if widget.isHidden():
                widget.show()
        layout.activate()  # the dialog's minimum is the new, scrolled one before resizing
        self.resize(self.width(), min(self.height(), room.height()))
        return True

    def _needed_height(self, layout: QBoxLayout) -> int:
        """The height the form needs at the width it opens with (wrapped hints included)."""
        layout.activate()
        needed = layout.minimumSize().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(max(self.width(), self.minimumWidth())))
        return needed

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        assign_accelerators(self)
        self.scroll_if_too_tall()
        self.fit_height()
        QTimer.singleShot(0, self, self.fit_height)

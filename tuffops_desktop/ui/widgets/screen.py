"""Window sizes that fit the screen the window opens on (down to 1024×640)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_MARGIN = 40  # px left free around a dialog (taskbar, title bar)


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """``window.resize(width, height)``, shrunk to the available area of its screen."""
    parent = window.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is not None:
        area = screen.availableGeometry()
        width = min(width, area.width() - SCREEN_MARGIN)
        height = min(height, area.height() - SCREEN_MARGIN)
    window.resize(width, height)

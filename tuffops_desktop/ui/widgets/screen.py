"""Window sizes that fit the screen the window opens on (down to 1024×640)."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

SCREEN_MARGIN = 40  # px left free around a dialog (taskbar, title bar)


def available_size(window: QWidget) -> QSize:
    """The room a window has on its screen (the parent's screen, else the primary one)."""
    parent = window.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1024, 640)
    area = screen.availableGeometry()
    return QSize(area.width() - SCREEN_MARGIN, area.height() - SCREEN_MARGIN)


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """``window.resize(width, height)``, shrunk to the available area of its screen."""
    room = available_size(window)
    window.resize(min(width, room.width()), min(height, room.height()))

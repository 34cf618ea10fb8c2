"""What the app remembers between sessions: window geometry, splitters, list columns,
sort and filters, per signed-in TuffOps user and per machine.

One ``QSettings`` file (an INI in this computer's local, non-roaming data folder, made by
the composition root) holds a group per TuffOps user; inside it, the main window's
geometry and a group per page. Pages never touch ``QSettings``: the main window hands a
page its ``ViewState`` (a scoped view of that group) to ``restore_state``/``save_state``,
and the helpers here do the storing, so every list remembers the same things the same way.

Values are stored as JSON text or raw Qt byte arrays and read defensively: a damaged or
outdated entry (a column that no longer exists, a filter key the page dropped) is
ignored and the default stays.

Restoring a window's geometry always lands it on a screen that exists now: when the
monitor it was saved on is gone (a laptop undocked), it is moved (and shrunk if needed)
onto the nearest remaining screen.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QByteArray, QPoint, QRect, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QWidget

log = logging.getLogger(__name__)

STATE_VERSION = 1  # bump to drop every remembered layout after an incompatible change


class ViewState:
    """One page's (or window's) remembered values: a key prefix inside the settings.

    Args:
        settings: the app's ``QSettings``.
        prefix: ``users/<name>/pages/<page>``-like path (no trailing slash).
    """

    def __init__(self, settings: QSettings, prefix: str) -> None:
        self._settings = settings
        self._prefix = prefix

    def child(self, name: str) -> ViewState:
        return ViewState(self._settings, f"{self._prefix}/{_safe(name)}")

    # ----------------------------------------------------------------- plain values
    def value(self, name: str, default: Any = None) -> Any:
        """A value saved with ``set_value`` (JSON), or ``default`` when absent or damaged."""
        raw = self._settings.value(self._key(name))
        if not isinstance(raw, str):
            return default
        try:
            return json.loads(raw)
        except ValueError:
            return default

    def set_value(self, name: str, value: Any) -> None:
        self._settings.setValue(self._key(name), json.dumps(value))

    def _bytes(self, name: str) -> QByteArray | None:
        raw = self._settings.value(self._key(name))
        if isinstance(raw, QByteArray) and not raw.isEmpty():
            return raw
        if isinstance(raw, bytes) and raw:
            return QByteArray(raw)
        return None

    def _key(self, name: str) -> str:
        return f"{self._prefix}/{_safe(name)}"

    # ----------------------------------------------------------------- widgets
    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._settings.setValue(self._key(name), splitter.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> bool:
        saved = self._bytes(name)
        return saved is not None and splitter.restoreState(saved)

    def save_header(self, name: str, header: QHeaderView, column_ids: Sequence[str]) -> None:
        """Each column's width, position and hidden state, keyed by ``column_ids`` (so a
        column added or removed later leaves the others' remembered state intact)."""
        columns = {
            column_id: {
                "visual": header.visualIndex(logical),
                "width": header.sectionSize(logical),
                "hidden": header.isSectionHidden(logical),
            }
            for logical, column_id in enumerate(column_ids)
            if logical < header.count()
        }
        self.set_value(name, columns)

    def restore_header(self, name: str, header: QHeaderView, column_ids: Sequence[str]) -> bool:
        saved = self.value(name)
        if not isinstance(saved, dict):
            return False
        known = {
            logical: saved[column_id]
            for logical, column_id in enumerate(column_ids)
            if isinstance(saved.get(column_id), dict) and logical < header.count()
        }
        if not known:
            return False
        for logical, entry in known.items():
            width = entry.get("width")
            if (
                isinstance(width, int)
                and width > 0
                and header.sectionResizeMode(logical) != QHeaderView.ResizeMode.Stretch
            ):
                header.resizeSection(logical, width)
            header.setSectionHidden(logical, bool(entry.get("hidden")))
        if header.hiddenSectionCount() >= header.count():
            header.setSectionHidden(0, False)  # never a list without any column

        def position(logical: int) -> tuple[float, int]:
            visual = known.get(logical, {}).get("visual")
            return (visual if isinstance(visual, int) else logical - 0.5, logical)

        for target, logical in enumerate(sorted(range(header.count()), key=position)):
            current = header.visualIndex(logical)
            if current != target:
                header.moveSection(current, target)
        return True


@runtime_checkable
class RemembersState(Protocol):
    """A page that keeps its layout, sort and filters between sessions."""

    def save_state(self, state: ViewState) -> None:
        """Write what the user arranged (columns, splitter, sort, filters, search)."""

    def restore_state(self, state: ViewState) -> None:
        """Put back what ``save_state`` wrote (a missing or damaged value keeps the default)."""


class WindowState:
    """The remembered state of one signed-in user on this machine.

    Args:
        settings: where to store it (the composition root passes the app's INI file; tests
            a temporary one).
        user: the signed-in TuffOps user name (each user has their own layout).
    """

    def __init__(self, settings: QSettings, user: str) -> None:
        self._settings = settings
        self._root = f"v{STATE_VERSION}/users/{_safe(user) or '_'}"

    @property
    def settings(self) -> QSettings:
        return self._settings

    def page(self, key: str) -> ViewState:
        return ViewState(self._settings, f"{self._root}/pages/{_safe(key)}")

    def window(self) -> ViewState:
        return ViewState(self._settings, f"{self._root}/window")

    def save_window(self, window: QMainWindow) -> None:
        state = self.window()
        self._settings.setValue(state._key("geometry"), window.saveGeometry())
        self._settings.setValue(state._key("state"), window.saveState())

    def restore_window(self, window: QMainWindow) -> bool:
        """Put the window back where and how big it was; False when nothing was saved or
        Qt refused it (the saved screen's size differs too much). Either way the window
        ends up wholly on a screen that exists now."""
        state = self.window()
        geometry = state._bytes("geometry")
        restored = geometry is not None and window.restoreGeometry(geometry)
        saved_state = state._bytes("state")
        if saved_state is not None:
            window.restoreState(saved_state)
        fit_on_screen(window)
        # Once shown, the frame's real margins are known: check again.
        QTimer.singleShot(0, window, lambda: fit_on_screen(window))
        return restored

    def save_page(self, key: str, page: QWidget) -> None:
        if isinstance(page, RemembersState):
            page.save_state(self.page(key))

    def restore_page(self, key: str, page: QWidget) -> None:
        if isinstance(page, RemembersState):
            try:
                page.restore_state(self.page(key))
            except (TypeError, ValueError, KeyError, AttributeError):  # damaged entries: keep the defaults
                log.warning("ignored the remembered state of page %s", key, exc_info=True)

    def sync(self) -> None:
        self._settings.sync()


def fit_on_screen(window: QWidget) -> None:
    """Move (and if needed shrink) a top-level ``window`` so that its frame lies wholly on
    one existing screen: the one it overlaps most, else the one nearest to it."""
    screens = QGuiApplication.screens()
    if not screens:
        return
    frame = window.frameGeometry()
    if any(screen.availableGeometry().contains(frame) for screen in screens):
        return
    target = max(
        screens,
        key=lambda s: (_overlap(s.availableGeometry(), frame), -_distance(s.availableGeometry(), frame.center())),
    )
    area = target.availableGeometry()
    margins = (frame.width() - window.width(), frame.height() - window.height())
    width = max(window.minimumWidth(), min(window.width(), area.width() - margins[0]))
    height = max(window.minimumHeight(), min(window.height(), area.height() - margins[1]))
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    frame_width, frame_height = width + margins[0], height + margins[1]
    x = min(max(frame.x(), area.left()), area.right() + 1 - frame_width)
    y = min(max(frame.y(), area.top()), area.bottom() + 1 - frame_height)
    window.move(max(x, area.left()), max(y, area.top()))


def _overlap(area: QRect, frame: QRect) -> int:
    common = area.intersected(frame)
    return common.width() * common.height() if common.isValid() else 0


def _distance(area: QRect, point: QPoint) -> int:
    dx = max(area.left() - point.x(), 0, point.x() - area.right())
    dy = max(area.top() - point.y(), 0, point.y() - area.bottom())
    return dx * dx + dy * dy


def _safe(name: str) -> str:
    """A settings key segment: no separators that QSettings would read as groups."""
    return "".join(c if c.isalnum() or c in "-_.@" else "_" for c in name)

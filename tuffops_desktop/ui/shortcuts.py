"""The app's keyboard shortcuts, declared once, and the Help > Keyboard shortcuts list.

``SHORTCUTS`` is the one table: the main window makes an action for every ``WINDOW``
entry from it (``ShortcutActions``), the lists handle the ``LIST`` keys themselves
(``DataTable``), and the Help dialog is generated from the actions the window actually
registered plus the list keys, so the list cannot drift from what the keys do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.ui.widgets.labels import plain_label

WINDOW = N_("Anywhere")
LIST = N_("In a list")
PAGE_KEYS = 9  # Ctrl+1 … Ctrl+9


@dataclass(frozen=True)
class ShortcutSpec:
    """One entry of the shortcuts table.

    Attributes:
        name: what the window connects it to (``open_by_scan``).
        keys: portable key texts (``Ctrl+K``); the first is the one menus show.
        text: what it does, for menus and the Help list (``{page}`` for page keys).
        where: ``WINDOW`` (a window action) or ``LIST`` (handled by the list itself).
    """

    name: str
    keys: tuple[str, ...]
    text: str
    where: str = WINDOW


SHORTCUTS: tuple[ShortcutSpec, ...] = (
    ShortcutSpec("open_by_scan", ("Ctrl+K",), N_("&Open by scan…")),
    ShortcutSpec("find", ("Ctrl+F",), N_("&Find on this page")),
    ShortcutSpec("refresh", ("F5",), N_("&Refresh this page")),
    ShortcutSpec("next_page", ("Ctrl+PgDown",), N_("&Next page")),
    ShortcutSpec("previous_page", ("Ctrl+PgUp",), N_("&Previous page")),
    ShortcutSpec("go_to_page", tuple(f"Ctrl+{n}" for n in range(1, PAGE_KEYS + 1)), N_("Go to {page}")),
    ShortcutSpec("switch_focus", ("F6",), N_("Move between the &sidebar and the page")),
    ShortcutSpec("shortcuts", ("F1",), N_("&Keyboard shortcuts")),
    ShortcutSpec("open_row", ("Enter",), N_("Open the selected row"), LIST),
    ShortcutSpec("deactivate_row", ("Del",), N_("Deactivate the selected row (asks first)"), LIST),
    ShortcutSpec("leave_list", ("Tab", "Shift+Tab"), N_("Leave the list for the next or previous control"), LIST),
    ShortcutSpec("move_in_list", ("Up", "Down", "PgUp", "PgDown"), N_("Move in the list"), LIST),
)


def spec(name: str) -> ShortcutSpec:
    return next(s for s in SHORTCUTS if s.name == name)


def plain_text(text: str) -> str:
    """Menu text without its ``&`` accelerator marks (``&&`` stays a literal ``&``)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def key_text(keys: Sequence[QKeySequence] | Sequence[str]) -> str:
    """Keys as the user reads them on this system (``Ctrl+K``, ``Ctrl+PgUp``)."""
    return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


class ShortcutActions:
    """Makes the window's actions from ``SHORTCUTS`` and remembers them for the Help list.

    Args:
        window: the widget the actions belong to (their shortcuts work anywhere in it).
    """

    def __init__(self, window: QWidget) -> None:
        self._window = window
        self.actions: list[QAction] = []

    def add(self, name: str, slot: Callable[[], object], *, key: int | None = None, **text_args: str) -> QAction:
        """The action of ``SHORTCUTS[name]`` (only its ``key``-th key when given), triggering ``slot``."""
        entry = spec(name)
        keys = entry.keys if key is None else (entry.keys[key],)
        action = QAction(_(entry.text).format(**text_args), self._window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setData(entry.name)
        action.triggered.connect(lambda _checked=False: slot())
        self._window.addAction(action)
        self.actions.append(action)
        return action

    def rows(self) -> list[tuple[str, str, str]]:
        """``(keys, what it does, where)`` for every registered action, then the list keys."""
        rows = [(key_text(a.shortcuts()), plain_text(a.text()), _(WINDOW)) for a in self.actions if a.shortcuts()]
        rows += [(key_text(s.keys), _(s.text), _(s.where)) for s in SHORTCUTS if s.where == LIST]
        return rows


class ShortcutsDialog(QDialog):
    """Help > Keyboard shortcuts: a read-only table of keys and what they do."""

    def __init__(self, rows: Sequence[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([_("Keys"), _("What it does"), _("Where")])
        for row, values in enumerate(rows):
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(_("These keys work in the main window."), role="hint"))
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(720, min(520, 120 + 30 * len(rows)))

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]

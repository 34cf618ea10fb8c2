"""Every modal question and message the app asks or shows, behind one small object.

Pages, dialogs and the error mapper receive a ``Prompts`` and never call ``QMessageBox``
or ``QFileDialog`` themselves. Tests pass a recording fake that answers on script, so
modal dialogs never block a test run. All text is shown as plain text: messages often
quote what a user typed (a customer name, a file line), which must never be rendered
as rich text.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.i18n import _


class ConflictChoice(StrEnum):
    """What the user chose after "changed by someone else"."""

    RELOAD = "reload"
    CANCEL = "cancel"


class Prompts:
    """The real, modal implementation."""

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        box = self._box(parent, QMessageBox.Icon.Information, title, text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()

    def warning(self, parent: QWidget | None, title: str, text: str) -> None:
        box = self._box(parent, QMessageBox.Icon.Warning, title, text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.exec()

    def unexpected(self, parent: QWidget | None, text: str, details: str) -> None:
        box = self._box(parent, QMessageBox.Icon.Critical, _("Unexpected error"), text)
        box.addButton(QMessageBox.StandardButton.Ok)
        box.setInformativeText(_("The details were written to the log. You can keep working."))
        box.setDetailedText(details)
        box.exec()

    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        box = self._box(parent, QMessageBox.Icon.Question, title, text)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    def conflict(self, parent: QWidget | None, text: str) -> ConflictChoice:
        box = self._box(parent, QMessageBox.Icon.Warning, _("Changed by someone else"), text)
        reload_button = box.addButton(_("Reload"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload_button)
        box.setInformativeText(
            _(
                "Reload shows their version; your unsaved changes in this window are replaced. "
                "Cancel keeps your changes on screen without saving them."
            )
        )
        box.exec()
        return ConflictChoice.RELOAD if box.clickedButton() is reload_button else ConflictChoice.CANCEL

    def import_errors(self, parent: QWidget | None, rows: Sequence[tuple[int, str]]) -> None:
        ImportErrorsDialog(rows, parent).exec()

    def open_file(self, parent: QWidget | None, title: str, name_filter: str) -> Path | None:
        path, _chosen = QFileDialog.getOpenFileName(parent, title, "", name_filter)
        return Path(path) if path else None

    def save_file(self, parent: QWidget | None, title: str, suggested: str, name_filter: str) -> Path | None:
        path, _chosen = QFileDialog.getSaveFileName(parent, title, suggested, name_filter)
        return Path(path) if path else None

    @staticmethod
    def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        return box


class ImportErrorsDialog(QDialog):
    """Every bad line of a refused CSV import, so the user can fix the file in one go."""

    def __init__(self, rows: Sequence[tuple[int, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Import refused"))
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Nothing was imported. Fix these lines in the file and import it again:"))
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        listing = QPlainTextEdit()
        listing.setReadOnly(True)
        listing.setPlainText("\n".join(_("Line {line}: {text}").format(line=line, text=text) for line, text in rows))
        layout.addWidget(listing, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)

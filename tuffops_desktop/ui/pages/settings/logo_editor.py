"""Settings → Company → Logo: the image printed at the top of invoices, quotations and
statements.

A small preview of the logo (or "No logo"), its format and size, and two buttons:
"Choose logo…" opens a file dialog (``Prompts.open_file``) and reads the chosen file on
the background runner, never the GUI thread (a network drive may be slow), checking it
as the setting will (``domain.logo.inspect_logo``: PNG or JPEG, at most 512 KB, a
sensible pixel size) so a bad file is named under the row at once; "Remove" clears it.
Either is an unsaved edit of the page like any other setting: Save changes stores it,
Revert brings the stored logo back. Users without ``settings.edit`` see the preview only.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QPalette, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.logo import LOGO_MAX_BYTES, LogoProblem, inspect_logo, logo_bytes, logo_text
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.ui.error_mapper import FieldErrorSink
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label

SETTING = "company_logo"
# The printed logo fits 120 × 54 points (documents/priced_document.LOGO_MAX): same shape.
PREVIEW = QSize(160, 72)
FILE_FILTER = N_("Images (*.png *.jpg *.jpeg)")


def _preview_image(data: bytes) -> QImage:
    """The logo scaled into the preview box (safe off the GUI thread: QImage, not QPixmap)."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return image.scaled(PREVIEW, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


def read_logo_file(path: Path) -> tuple[str, str, QImage]:
    """Runs on the runner: the file at ``path`` as the setting's value, a description of it
    and its preview, or ``ValidationError`` naming what is wrong with it."""
    try:
        if path.stat().st_size > LOGO_MAX_BYTES:  # not read at all: it cannot be the logo
            size = round(path.stat().st_size / 1024)
            raise LogoProblem(
                _(
                    "“{name}” is {size} KB; the logo may be at most {limit} KB. "
                    "Save it smaller (about 600 pixels wide is plenty)."
                ).format(name=path.name, size=size, limit=LOGO_MAX_BYTES // 1024)
            )
        data = path.read_bytes()
        logo = inspect_logo(data)
    except LogoProblem as problem:
        raise ValidationError({SETTING: str(problem)}) from None
    except OSError as exc:
        raise ValidationError(
            {SETTING: _("Could not read “{name}”: {reason}").format(name=path.name, reason=exc.strerror or exc)}
        ) from None
    return logo_text(data), logo.describe(), _preview_image(data)


class LogoEditor(QWidget):
    """The logo row of the Settings page (see the module docstring).

    Signals:
        changed: the value was replaced or removed (not emitted by ``set_value``).
    """

    changed = Signal()

    def __init__(
        self, ops: Ops, prompts: Prompts, form: FieldErrorSink, can_edit: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._prompts = prompts
        self._form = form
        self._value = ""
        self.reading = False  # a chosen file is being read on the runner

        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW.width() + 8, PREVIEW.height() + 8)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setBackgroundRole(QPalette.ColorRole.Base)
        self.preview.setAutoFillBackground(True)
        self.preview.setAccessibleName(_("Logo preview"))
        self.description = plain_label(role="hint", wrap=True)
        self.choose_button = QPushButton(_("Choose logo…"))
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove)
        for button in (self.choose_button, self.remove_button):
            button.setVisible(can_edit)

        # The preview with its description beside it, the buttons under both: the row
        # stays narrow enough for the Settings column at 1024 pixels.
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(12)
        top.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.description, 1, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addLayout(buttons)
        self._show(None, "")

    # ----------------------------------------------------------------- value
    def value(self) -> str:
        """The setting's value: the image as base64 text, "" for no logo."""
        return self._value

    def set_value(self, value: str) -> None:
        """Show the stored logo (Revert, reload); not an edit."""
        self._value = value or ""
        data = logo_bytes(self._value)
        try:
            described = inspect_logo(data).describe() if data else ""
        except LogoProblem:
            described = ""
        self._show(_preview_image(data) if data else None, described)

    # ----------------------------------------------------------------- actions
    def choose(self) -> None:
        """Ask for an image file and read it on the runner; it replaces the logo once read."""
        path = self._prompts.open_file(self, _("Choose the company logo"), _(FILE_FILTER))
        if path is None:
            return
        self.reading = True
        self.choose_button.setEnabled(False)
        self.description.setText(_("Reading “{name}”…").format(name=path.name))
        self._ops.runner.submit(read_logo_file, path, on_done=self._read, on_error=self._failed, name="read logo file")

    def remove(self) -> None:
        """No logo: documents print the company name alone."""
        if not self._value:
            return
        self._value = ""
        self._show(None, "")
        self.changed.emit()

    # ----------------------------------------------------------------- helpers
    def _read(self, result: tuple[str, str, QImage]) -> None:
        if not shiboken6.isValid(self):
            return
        self.reading = False
        self.choose_button.setEnabled(True)
        value, described, image = result
        self._value = value
        self._show(image, described)
        self.changed.emit()

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self.reading = False
        self.choose_button.setEnabled(True)
        self.set_value(self._value)  # the logo as it was
        self._ops.mapper.handle(exc, self, form=self._form)

    def _show(self, image: QImage | None, described: str) -> None:
        if image is None or image.isNull():
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("No logo"))
            self.description.setText(
                _("Printed at the top of invoices, quotations and statements. PNG or JPEG, at most {limit} KB.").format(
                    limit=LOGO_MAX_BYTES // 1024
                )
            )
        else:
            self.preview.setText("")
            self.preview.setPixmap(QPixmap.fromImage(image))
            self.description.setText(described)
        self.remove_button.setEnabled(bool(self._value))

"""Help › About: which version this is, which database it works on, at which schema.

What support asks first when something is wrong: the app's version, the database (its
address without the password) and the schema revision in it next to the one this
version expects. The revision is read off the GUI thread; "Copy details" puts the
facts on the clipboard for an e-mail.
"""

from __future__ import annotations

import platform

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QPushButton, QVBoxLayout, QWidget
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from tuffops_desktop import APP_NAME, __version__
from tuffops_desktop.config.paths import user_data_dir
from tuffops_desktop.db.engine import SessionFactories
from tuffops_desktop.db.migrate import current_revision, head_revision
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.tasks import TaskRunner
from tuffops_desktop.ui.widgets.forms import copy_to_clipboard, facts_grid
from tuffops_desktop.ui.widgets.icons import app_icon
from tuffops_desktop.ui.widgets.labels import plain_label


def database_address(engine: Engine) -> str:
    """The database's address as it can be shown and copied: never with the password."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    shown = URL.create("postgresql", url.username, None, url.host, url.port, url.database)
    return shown.render_as_string(hide_password=False)  # (``URL.set(password=None)`` keeps it)


def schema_revision(engine: Engine) -> str | None:
    """The revision stamped in the database (read on a worker thread)."""
    with engine.connect() as conn:
        return current_revision(conn)


def describe_revision(revision: str | None, head: str) -> str:
    if revision == head:
        return _("{rev} (as this version expects)").format(rev=revision)
    if revision is None:
        return _("none (the database is empty)")
    return _("{rev} (this version expects {head})").format(rev=revision, head=head)


class AboutDialog(QDialog):
    """The About box; ``values`` holds the shown facts by key (tests read them)."""

    def __init__(self, db: SessionFactories, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About {app}").format(app=APP_NAME))
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(560)
        self._head = head_revision()

        card = QFrame()
        card.setObjectName("DetailPanel")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(18, 14, 18, 14)
        grid, self.values = facts_grid(
            [
                ("version", _("Version")),
                ("database", _("Database")),
                ("schema", _("Schema revision")),
                ("data", _("Data folder")),
                ("runtime", _("Runtime")),
            ]
        )
        inner.addLayout(grid)
        kind = _("This computer only (SQLite)") if db.dialect == "sqlite" else _("Office server (PostgreSQL)")
        self.values["version"].setText(__version__)
        self.values["database"].setText(f"{kind}\n{database_address(db.engine)}")
        self.values["schema"].setText(_("reading…"))
        self.values["data"].setText(str(user_data_dir()))
        self.values["runtime"].setText(
            f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version} · {platform.platform()}"
        )

        buttons = QDialogButtonBox()
        self.copy_button = QPushButton(_("Copy details"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(lambda: copy_to_clipboard(self.details(), self.copy_button))
        close = buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 18)
        layout.setSpacing(10)
        layout.addWidget(plain_label(APP_NAME, role="title"))
        layout.addWidget(
            plain_label(_("The office application of HVAC and equipment-service companies."), role="hint", wrap=True)
        )
        layout.addWidget(card)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.schema_task = runner.submit(
            schema_revision,
            db.engine,
            name="about: schema revision",
            on_done=lambda revision: self.values["schema"].setText(describe_revision(revision, self._head)),
            on_error=lambda exc: self.values["schema"].setText(
                _("cannot be read now ({error})").format(error=str(exc).splitlines()[0] if str(exc) else exc)
            ),
        )

    def details(self) -> str:
        """The facts as plain text, one per line (what "Copy details" copies)."""
        names = {
            "version": _("Version"),
            "database": _("Database"),
            "schema": _("Schema revision"),
            "data": _("Data folder"),
            "runtime": _("Runtime"),
        }
        lines = [APP_NAME]
        for key, caption in names.items():
            lines.append(f"{caption}: {self.values[key].text().replace(chr(10), ' · ')}")
        return "\n".join(lines)

    def done(self, result: int) -> None:
        self.schema_task.cancel()  # a late answer must not touch a closed dialog
        super().done(result)


def show_about(parent: QWidget, db: SessionFactories, runner: TaskRunner) -> AboutDialog:
    """Help › About: open the About box over ``parent`` (it deletes itself when closed)."""
    dialog = AboutDialog(db, runner, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

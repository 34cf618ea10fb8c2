"""Settings → E-mail → a template: the subject, the plain-text body and the HTML body of
one event's e-mail, with a live preview on real data.

The preview is rendered by the same code the sender uses
(``NotificationTemplateService.preview``: the latest matching record, e.g. the newest
invoice for "invoice issued", or example values when there is none yet), in the
background, a moment after typing stops; a template that does not render says why under
the editors and cannot be saved. "Use the default" puts the built-in text back in the
editors (Save stores it). Users without ``settings.edit`` see the template read-only.
The HTML preview is shown with Qt's rich text (no scripts, nothing fetched from the
network); what a mail client shows may differ in detail.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.notification_templates import TemplateText
from tuffops_desktop.i18n import _
from tuffops_desktop.services.notification_render import NotificationTemplateService, TemplateInfo, TemplatePreview
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.forms import action_buttons
from tuffops_desktop.ui.widgets.labels import plain_label

PREVIEW_DELAY_MS = 400


def _kilobytes(size: int) -> str:
    return _("{size} KB").format(size=max(1, round(size / 1024)))


class TemplateDialog(FormDialog):
    """Edit one event's e-mail template (see the module docstring).

    Attributes:
        saved: True once the template was stored.
        preview: the last preview shown (None before the first, or when it failed).
    """

    def __init__(
        self,
        ops: Ops,
        templates: NotificationTemplateService,
        info: TemplateInfo,
        *,
        can_edit: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._templates = templates
        self.info = info
        self.can_edit = can_edit
        self.saved = False
        self.preview: TemplatePreview | None = None
        self._asked: dict[str, str] = {}
        self.setWindowTitle(_("E-mail template: {event}").format(event=_(info.label)))
        self.setMinimumSize(980, 620)

        self.subject = QLineEdit(info.template.subject)
        self.text = QPlainTextEdit(info.template.text)
        self.html = QPlainTextEdit(info.template.html)
        for editor in (self.text, self.html):
            editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
            editor.setTabChangesFocus(True)
        self.subject.setReadOnly(not can_edit)
        self.text.setReadOnly(not can_edit)
        self.html.setReadOnly(not can_edit)
        bodies = QTabWidget()
        bodies.addTab(self.text, _("Plain text"))
        bodies.addTab(self.html, _("HTML"))
        fields = ", ".join(f"{{{{ {name} }}}}" for name, _help in info.fields)
        self.fields_hint = plain_label(
            _("The bodies may use: {fields}. The subject only: {subject}.").format(
                fields=fields, subject=", ".join(f"{{{{ {n} }}}}" for n in info.subject_fields)
            ),
            role="hint",
            wrap=True,
            selectable=True,
        )
        self.fields_hint.setToolTip("\n".join(f"{name}: {_(text)}" for name, text in info.fields))
        self.problem = plain_label(role="error", wrap=True)
        self.problem.hide()

        editing = QGroupBox(_("Template"))
        edit_layout = QVBoxLayout(editing)
        edit_layout.addWidget(plain_label(_("Subject"), role="fieldname"))
        edit_layout.addWidget(self.subject)
        edit_layout.addWidget(bodies, 1)
        edit_layout.addWidget(self.fields_hint)
        edit_layout.addWidget(self.problem)

        self.source = plain_label(role="hint", wrap=True)
        self.preview_subject = plain_label(role="subtitle", wrap=True, selectable=True)
        self.preview_text = QPlainTextEdit()
        self.preview_text.setReadOnly(True)
        self.preview_html = QTextBrowser()
        self.preview_html.setOpenLinks(False)
        self.preview_html.setOpenExternalLinks(False)
        self.attachments = plain_label(role="hint", wrap=True)
        shown = QTabWidget()
        shown.addTab(self.preview_html, _("As HTML"))
        shown.addTab(self.preview_text, _("As plain text"))
        previewing = QGroupBox(_("Preview"))
        preview_layout = QVBoxLayout(previewing)
        preview_layout.addWidget(self.source)
        preview_layout.addWidget(self.preview_subject)
        preview_layout.addWidget(shown, 1)
        preview_layout.addWidget(self.attachments)

        columns = QGridLayout()
        columns.addWidget(editing, 0, 0)
        columns.addWidget(previewing, 0, 1)
        columns.setColumnStretch(0, 1)
        columns.setColumnStretch(1, 1)

        self.default_button = QPushButton(_("Use the default"))
        self.default_button.setToolTip(_("Put the built-in text back in the editors; Save stores it"))
        self.default_button.clicked.connect(self.use_default)
        self.default_button.setVisible(can_edit)
        buttons = action_buttons(self, _("Save"), self.save)
        save_button = buttons.buttons()[0]
        save_button.setVisible(can_edit)
        if not can_edit:
            buttons.buttons()[1].setText(_("Close"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.default_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)

        layout = QVBoxLayout(self)
        if not can_edit:
            layout.addWidget(
                plain_label(_("You can see the template; only an administrator can change it."), role="note")
            )
        layout.addLayout(columns, 1)
        layout.addLayout(bottom)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        self.subject.textChanged.connect(lambda _text: self._timer.start())
        self.text.textChanged.connect(self._timer.start)
        self.html.textChanged.connect(self._timer.start)
        self.refresh_preview()

    # ----------------------------------------------------------------- editing
    def value(self) -> dict[str, str]:
        return {"subject": self.subject.text(), "text": self.text.toPlainText(), "html": self.html.toPlainText()}

    def use_default(self) -> None:
        default: TemplateText = self.info.default
        self.subject.setText(default.subject)
        self.text.setPlainText(default.text)
        self.html.setPlainText(default.html)
        self.refresh_preview()

    def save(self) -> bool:
        """Store the template (refused, with the reason under the editors, when it does not render)."""
        if not self.can_edit:
            return False
        self._timer.stop()
        result = self._ops.call(
            self._templates.save, self.info.event, self.value(), self.info.version or None, parent=self, form=self
        )
        if not result.ok:
            return False
        self.saved = True
        self.accept()
        return True

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        """The service's refusal (``FieldErrorSink``): one message under the editors."""
        self.problem.setText(" ".join(text for text in errors.values() if text))
        self.problem.setVisible(bool(self.problem.text()))

    # ----------------------------------------------------------------- preview
    def refresh_preview(self) -> None:
        """Render what the editors hold, in the background (a newer request wins)."""
        self._timer.stop()
        asked = self.value()
        self._asked = asked
        self._ops.run(
            self._templates.preview,
            self.info.event,
            asked,
            parent=self,
            report=False,
            on_done=lambda shown: self._show(asked, shown),
            on_failed=lambda exc: self._failed(asked, exc),
        )

    def _show(self, asked: dict[str, str], shown: TemplatePreview) -> None:
        if asked != self._asked:
            return
        self.preview = shown
        self.problem.hide()
        self.source.setText(_("Shown with: {source}").format(source=shown.source))
        self.preview_subject.setText(shown.subject)
        self.preview_text.setPlainText(shown.text)
        self.preview_html.setHtml(shown.html)
        files = [f"{name} ({_kilobytes(size)})" for name, size in shown.attachments]
        self.attachments.setText(_("Attached: {files}").format(files=", ".join(files)) if files else "")
        self.attachments.setVisible(bool(files))

    def _failed(self, asked: dict[str, str], exc: BaseException) -> None:
        if asked != self._asked:
            return
        self.preview = None
        errors = getattr(exc, "field_errors", None)
        if isinstance(errors, dict):
            self.show_field_errors(errors)
        else:
            self.show_field_errors({"": _("The preview failed: {reason}").format(reason=exc)})

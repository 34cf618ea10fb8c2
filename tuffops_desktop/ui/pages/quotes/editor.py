"""The panel beside the quotes list: one quotation, its units and lines, the moves this
user may make now, conversion into work orders, and notes.

The status buttons come from ``QuotationDetail.actions`` (the domain's transition table
asked with the signed-in user's permissions): a draft offers "Set status" (another draft
status, custom ones included), "Mark as sent" (locks it) and "Cancel"; a sent one the
customer's answer, recorded for them. Content changes only while the quotation is a
draft (``can_edit``; otherwise the panel says why); notes can always be added.
The quote as the customer will read it (only for users who see prices): "Preview…" opens
the shared document preview (``ui/pdf_preview``: laid out on the runner, painted as the
PDF is drawn, printable and savable from there), "Print…" opens the same preview and the
system print dialog as soon as the quote is laid out, and "Save PDF…" writes the file
straight away, in the background, whole or not at all. Everything people typed is shown
as plain text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.quotations import NOTE_MAX, Action
from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.quote_documents import quotation_plan, write_quotation_pdf
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text, date_time_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.quotes.columns import status_colour
from tuffops_desktop.ui.pages.quotes.dialogs import AddUnitDialog, ConvertDialog, PricingDialog, QuotationDialog
from tuffops_desktop.ui.pages.quotes.lines import QuotationLinesSection
from tuffops_desktop.ui.pages.work_orders.columns import status_label as work_order_status
from tuffops_desktop.ui.pdf_preview import DocumentPreviewDialog, show_document_preview
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.forms import facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

ASKS_FIRST = {
    Action.SEND: (
        N_("Mark as sent to the customer?"),
        N_("A sent quotation is locked: its lines, prices and customer can no longer change (notes still can)."),
        N_("Mark as sent"),
    ),
    Action.ACCEPT: (
        N_("Record the customer's acceptance?"),
        N_("You record the customer's answer on their behalf; the quotation can then be converted into work orders."),
        N_("Customer accepted"),
    ),
    Action.REJECT: (
        N_("Record the customer's rejection?"),
        N_("You record the customer's answer on their behalf. A rejected quotation is final."),
        N_("Customer rejected"),
    ),
    Action.CANCEL: (
        N_("Cancel this quotation?"),
        N_("A cancelled quotation stays on record but can never be sent, accepted or converted."),
        N_("Cancel quotation"),
    ),
}
BUTTON_ACTIONS = (Action.MOVE, Action.SEND, Action.ACCEPT, Action.REJECT, Action.CANCEL)


class QuotationEditor(QFrame):
    """Shows one quotation and what the signed-in user may do with it.

    Signals:
        saved(object): the quotation changed here (the new ``QuotationDetail``).
        open_record(str, int): show this record (``customer``, ``unit``, ``work_order``).
        pdf_saved(str): the quote PDF was written to this path.
    """

    saved = Signal(object)
    open_record = Signal(str, int)
    pdf_saved = Signal(str)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self.detail: QuotationDetail | None = None
        actor = services.ctx.actor
        self._can_edit = actor.can("quotations.edit")

        self.empty = plain_label(_("Select a quotation to see it, price it and send it."), role="hint", wrap=True)
        self.number = plain_label(role="title", selectable=True)
        self.title_text = plain_label(role="subtitle", wrap=True, selectable=True)
        self.status_tag = plain_label()
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.status_tag)
        tags.addStretch(1)

        self.actions_row = QHBoxLayout()
        self.actions_row.setSpacing(6)
        self.action_buttons: dict[str, QPushButton] = {}
        for action in BUTTON_ACTIONS:
            button = QPushButton(_(action.label) + ("…" if action is Action.MOVE else ""))
            button.clicked.connect(lambda _checked=False, action=action: self.take(action))
            button.setVisible(False)
            self.actions_row.addWidget(button)
            self.action_buttons[action.value] = button
        self.convert_button = QPushButton(_("Convert to &work orders…"))
        self.convert_button.clicked.connect(self.convert)
        self.actions_row.addWidget(self.convert_button)
        self.actions_row.addStretch(1)
        self.send_hint = plain_label("", role="hint", wrap=True)

        self.facts, self.values = facts_grid(
            [
                ("customer", _("Customer")),
                ("valid", _("Valid until")),
                ("created", _("Created")),
                ("sent", _("Sent")),
                ("answer", _("Customer's answer")),
                ("converted", _("Converted")),
            ]
        )
        links = QHBoxLayout()
        self.edit_button = QPushButton(_("&Edit…"))
        self.edit_button.clicked.connect(self.edit_head)
        self.pricing_button = QPushButton(_("Discount and &tax…"))
        self.pricing_button.clicked.connect(self.edit_pricing)
        self.open_customer = QPushButton(_("Open c&ustomer"))
        self.open_customer.setFlat(True)
        self.open_customer.setProperty("link", True)
        self.open_customer.clicked.connect(self._open_customer)
        for widget in (self.edit_button, self.pricing_button, self.open_customer):
            links.addWidget(widget)
        links.addStretch(1)

        # the quote as the customer reads it: only for users who see the prices
        self.preview_button = QPushButton(_("P&review…"))
        self.preview_button.setToolTip(_("See the quotation as the customer will; print or save it from there"))
        self.preview_button.clicked.connect(self.preview_document)
        self.print_button = QPushButton(_("Pr&int…"))
        self.print_button.setToolTip(_("Print the quotation (the preview opens, then the print dialog)"))
        self.print_button.clicked.connect(self.print_document)
        self.pdf_button = QPushButton(_("Save P&DF…"))
        self.pdf_button.setToolTip(_("Save the quotation as a PDF for the customer"))
        self.pdf_button.clicked.connect(self.save_pdf)
        document_row = QHBoxLayout()
        document_row.setSpacing(6)
        for button in (self.preview_button, self.print_button, self.pdf_button):
            button.setVisible(actor.can("quotations.pricing"))
            document_row.addWidget(button)
        document_row.addStretch(1)

        self.requests_text = QPlainTextEdit()
        self.requests_text.setReadOnly(True)
        self.requests_text.setMaximumHeight(70)

        self.units = QListWidget()
        self.units.setMaximumHeight(96)
        self.units.itemDoubleClicked.connect(self._open_unit_item)
        self.add_unit_button = QPushButton(_("Add u&nit…"))
        self.add_unit_button.clicked.connect(self.add_unit)
        self.remove_unit_button = QPushButton(_("Remove unit"))
        self.remove_unit_button.clicked.connect(self.remove_unit)
        unit_buttons = QHBoxLayout()
        unit_buttons.addWidget(self.add_unit_button)
        unit_buttons.addWidget(self.remove_unit_button)
        unit_buttons.addStretch(1)

        self.lines = QuotationLinesSection(services, ops, prompts)
        self.lines.changed.connect(self._changed)
        self.lines.reload_requested.connect(self._reload)

        self.notes = QPlainTextEdit()
        self.notes.setReadOnly(True)
        self.notes.setMaximumHeight(90)
        self.note_edit = QLineEdit()
        self.note_edit.setMaxLength(NOTE_MAX)
        self.note_edit.setPlaceholderText(_("Note (allowed even when the quotation is locked)"))
        self.add_note_button = QPushButton(_("Add n&ote"))
        self.add_note_button.clicked.connect(self.add_note)
        note_row = QHBoxLayout()
        note_row.addWidget(self.note_edit, 1)
        note_row.addWidget(self.add_note_button)
        self.note_edit.setVisible(self._can_edit)
        self.add_note_button.setVisible(self._can_edit)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.number)
        body.addWidget(self.title_text)
        body.addLayout(tags)
        body.addLayout(self.actions_row)
        body.addWidget(self.send_hint)
        body.addLayout(self.facts)
        body.addLayout(links)
        body.addLayout(document_row)
        body.addWidget(plain_label(_("What the customer asked for"), role="subtitle", wrap=True))
        body.addWidget(self.requests_text)
        body.addWidget(plain_label(_("Units (one work order each)"), role="subtitle", wrap=True))
        body.addWidget(self.units)
        body.addLayout(unit_buttons)
        body.addWidget(self.lines)
        body.addWidget(plain_label(_("Notes"), role="subtitle", wrap=True))
        body.addWidget(self.notes)
        body.addLayout(note_row)
        body.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(self.empty)
        layout.addWidget(self.body)
        self.show_quotation(None)

    # ----------------------------------------------------------------- showing
    def quotation_id(self) -> int | None:
        return self.detail.id if self.detail else None

    def show_quotation(self, detail: QuotationDetail | None) -> None:
        self.detail = detail
        self.lines.show_quotation(detail)
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if detail is None:
            return
        self.number.setText(detail.number)
        self.title_text.setText(detail.title)
        self.status_tag.setText(detail.status_label + (_(" · locked") if detail.locked else ""))
        self.status_tag.setToolTip(_("Locked: only notes can be added") if detail.locked else _("Draft: editable"))
        self.status_tag.setStyleSheet(tag_style(status_colour(detail.status)))
        answer = ""
        if detail.decided_at is not None:
            answer = _("{status} on {day}, recorded by {who}").format(
                status=detail.status_label if detail.status in ("accepted", "rejected") else _("Answered"),
                day=date_text(detail.decided_at.astimezone().date()),
                who=detail.decided_by,
            )
        values = {
            "customer": detail.customer_name or _("No customer yet"),
            "valid": date_text(detail.valid_until, _("Not limited")),
            "created": _("{when} by {who}").format(when=date_time_text(detail.created_at), who=detail.created_by),
            "sent": _("{when} by {who}").format(when=date_time_text(detail.submitted_at), who=detail.submitted_by)
            if detail.submitted_at
            else _("Not yet"),
            "answer": answer or _("None yet"),
            "converted": ", ".join(f"{w.number} ({work_order_status(w.status).lower()})" for w in detail.work_orders)
            or _("Not yet"),
        }
        for key, text in values.items():
            self.values[key].setText(text)
        for action, button in self.action_buttons.items():
            button.setVisible(action in detail.actions)
            button.setProperty("primary", action == Action.SEND.value or action == Action.ACCEPT.value)
        self.send_hint.setText(detail.send_refusal if "send" in detail.actions else "")
        self.send_hint.setVisible(bool(self.send_hint.text()))
        converted = detail.converted_at is not None
        self.convert_button.setVisible(detail.status == "accepted" and not converted and self._may_convert())
        self.convert_button.setEnabled(detail.can_convert)
        self.convert_button.setToolTip(detail.convert_refusal)
        self.edit_button.setVisible(detail.can_edit)
        self.pricing_button.setVisible(detail.can_edit and detail.pricing)
        self.open_customer.setEnabled(detail.customer_id is not None)
        self.requests_text.setPlainText(detail.customer_requests)
        self.units.clear()
        for unit in detail.units:
            text = unit.label + (f" — {unit.notes}" if unit.notes else "")
            if unit.work_order_number:
                text += f"  → {unit.work_order_number}"
            item = QListWidgetItem(text)
            item.setData(256, unit.unit_id)
            item.setData(257, unit.work_order_id)
            self.units.addItem(item)
        self.add_unit_button.setVisible(detail.can_edit)
        self.remove_unit_button.setVisible(detail.can_edit)
        self.add_unit_button.setEnabled(detail.customer_id is not None)
        self.remove_unit_button.setEnabled(bool(detail.units))
        self.notes.setPlainText(
            "\n".join(f"{date_time_text(n.created_at)} · {n.author}: {n.body}" for n in detail.notes)
        )

    def _may_convert(self) -> bool:
        return self._services.ctx.actor.can("work_orders.create")

    # ----------------------------------------------------------------- actions
    def take(self, action: Action) -> None:
        detail = self.detail
        if detail is None:
            return
        kwargs: dict[str, object] = {}
        if action is Action.MOVE:
            labels = [label for _key, label in detail.draft_statuses]
            if not labels:
                return
            chosen, ok = QInputDialog.getItem(
                self, _("Set the status"), _("Status of {number}:").format(number=detail.number), labels, 0, False
            )
            if not ok:
                return
            kwargs = {"status": detail.draft_statuses[labels.index(chosen)][0]}
        elif action in ASKS_FIRST:
            title, text, verb = ASKS_FIRST[action]
            if not self._prompts.confirm(self, _(title), _(text), _(verb)):
                return
        result = self._ops.call(
            self._services.quotations.act, detail.id, action.value, detail.version, parent=self, **kwargs
        )
        if result.ok:
            self._changed(result.value)
        else:
            self._reload()

    def convert(self) -> None:
        detail = self.detail
        if detail is None:
            return
        dialog = ConvertDialog(detail, self)
        if not dialog.exec():
            return
        result = self._ops.call(
            self._services.quotations.convert, detail.id, detail.version, dialog.chosen(), parent=self
        )
        if result.ok:
            self._changed(result.value)
        else:
            self._reload()

    def edit_head(self) -> None:
        if self.detail is None:
            return
        dialog = QuotationDialog(self._services, self._ops, self.detail, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def edit_pricing(self) -> None:
        if self.detail is None:
            return
        dialog = PricingDialog(self._services, self._ops, self.detail, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def add_unit(self) -> None:
        if self.detail is None:
            return
        dialog = AddUnitDialog(self._services, self._ops, self.detail, self)
        if dialog.exec() and dialog.saved is not None:
            self._changed(dialog.saved)

    def remove_unit(self) -> None:
        detail, item = self.detail, self.units.currentItem() or self.units.item(0)
        if detail is None or item is None:
            return
        result = self._ops.call(self._services.quotations.remove_unit, detail.id, int(item.data(256)), parent=self)
        if result.ok:
            self._changed(result.value)
        else:
            self._reload()

    def add_note(self) -> None:
        detail = self.detail
        if detail is None or not self.note_edit.text().strip():
            return
        result = self._ops.call(self._services.quotations.add_note, detail.id, self.note_edit.text(), parent=self)
        if result.ok:
            self.note_edit.clear()
            self._changed(result.value)

    def preview_document(self) -> DocumentPreviewDialog | None:
        """Open the quote in the shared document preview; it is read and laid out on the
        runner (the panel stays usable), then Print… and Save PDF… work from there."""
        detail = self.detail
        if detail is None:
            return None
        services, quotation_id = self._services, detail.id
        return show_document_preview(
            self,
            self._ops,
            self._prompts,
            lambda: quotation_plan(services.quotations, services.settings, quotation_id),
            title=_("Quotation {number}").format(number=detail.number),
            file_name=f"{detail.number}.pdf",
        )

    def print_document(self) -> DocumentPreviewDialog | None:
        """The preview, with the system print dialog as soon as the quote is laid out."""
        dialog = self.preview_document()
        if dialog is not None:
            dialog.plan_ready.connect(dialog.print_document)
        return dialog

    def save_pdf(self) -> None:
        """Write the quote PDF in the background (the whole file or none)."""
        detail = self.detail
        if detail is None:
            return
        path = self._prompts.save_file(self, _("Save the quotation"), f"{detail.number}.pdf", _("PDF files (*.pdf)"))
        if path is None:
            return
        services = self._services

        def write() -> Path:
            with whole_file(path) as temp, open(temp, "wb") as out:
                write_quotation_pdf(services.quotations, services.settings, detail.id, out)
            return path

        self._ops.run(write, parent=self, on_done=lambda saved: self.pdf_saved.emit(str(saved)))

    # ----------------------------------------------------------------- helpers
    def _changed(self, detail: object) -> None:
        if isinstance(detail, QuotationDetail):
            self.show_quotation(detail)
            self.saved.emit(detail)

    def _reload(self) -> None:
        if self.detail is None:
            return
        result = self._ops.call(self._services.quotations.get, self.detail.id, parent=self)
        self.show_quotation(result.value if result.ok else None)
        self.saved.emit(result.value if result.ok else None)

    def _open_customer(self) -> None:
        if self.detail is not None and self.detail.customer_id is not None:
            self.open_record.emit("customer", self.detail.customer_id)

    def _open_unit_item(self, item: QListWidgetItem) -> None:
        work_order_id = item.data(257)
        if work_order_id:
            self.open_record.emit("work_order", int(work_order_id))
        else:
            self.open_record.emit("unit", int(item.data(256)))

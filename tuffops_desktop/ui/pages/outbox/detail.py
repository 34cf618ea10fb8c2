"""The Outbox page's panel: one message in full (whom it went to, what it is about, every
attempt's outcome and the mail server's answer)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.domain.numbers import work_order_number
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.outbox import OutboxRow
from tuffops_desktop.ui.formatting import count_text, date_time_text
from tuffops_desktop.ui.pages.outbox.columns import event_label, status_colour, status_label, subject_text
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.swatch import tag_style

ATTACHMENTS = {"invoice": "the invoice (PDF)", "quotation": "the quotation (PDF)", "statement": "the statement (PDF)"}


class OutboxDetailPanel(QFrame):
    """Shows one outbox message read-only.

    Signals:
        open_record(str, int): open the message's customer or work order on its page.
    """

    open_record = Signal(str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self.message: OutboxRow | None = None
        self._links = (False, False)  # customers, work orders: the pages this user has
        self.empty = plain_label(
            _("Select a message to see whom it went to and what the mail server said."), role="hint", wrap=True
        )
        self.subject = plain_label(role="title", wrap=True, selectable=True)
        self.status_tag = QLabel()
        self.event_tag = plain_label(role="hint")
        tags = QHBoxLayout()
        tags.setSpacing(8)
        tags.addWidget(self.status_tag)
        tags.addWidget(self.event_tag)
        tags.addStretch(1)

        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(5)
        left = [
            ("to", _("To")),
            ("customer", _("Customer")),
            ("work_order", _("Work order")),
            ("attachment", _("Attachment")),
            ("queued", _("Queued")),
        ]
        right = [
            ("attempts", _("Attempts")),
            ("next", _("Next try")),
            ("sent", _("Sent")),
            ("message_id", _("Message-ID")),
        ]
        for column, fields in ((0, left), (2, right)):
            for row, (key, caption) in enumerate(fields):
                grid.addWidget(plain_label(caption, role="fieldname"), row, column)
                value = plain_label(wrap=True, selectable=True)
                grid.addWidget(value, row, column + 1)
                self.values[key] = value
        for row, (key, caption) in enumerate([("error", _("Error")), ("reply", _("Server's answer"))], len(left)):
            grid.addWidget(plain_label(caption, role="fieldname"), row, 0)
            value = plain_label(wrap=True, selectable=True)
            grid.addWidget(value, row, 1, 1, 3)
            self.values[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnMinimumWidth(2, 90)
        self.values["error"].setProperty("role", "error")

        self.customer_button = QPushButton(_("Open customer"))
        self.customer_button.clicked.connect(self._open_customer)
        self.work_order_button = QPushButton(_("Open work order"))
        self.work_order_button.clicked.connect(self._open_work_order)
        links = QHBoxLayout()
        links.addWidget(self.customer_button)
        links.addWidget(self.work_order_button)
        links.addStretch(1)

        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.subject)
        body.addLayout(tags)
        body.addLayout(grid)
        body.addLayout(links)
        body.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.show_message(None)

    def set_links(self, *, customers: bool, work_orders: bool) -> None:
        """Offer the links only to pages this user has."""
        self._links = (customers, work_orders)
        self.show_message(self.message)

    def show_message(self, message: OutboxRow | None) -> None:
        self.message = message
        self.empty.setVisible(message is None)
        self.body.setVisible(message is not None)
        customers, work_orders = self._links
        if message is None:
            return
        self.subject.setText(subject_text(message))
        self.status_tag.setText(status_label(message.status, message.gave_up))
        self.status_tag.setStyleSheet(tag_style(status_colour(message.status, message.gave_up)))
        self.event_tag.setText(event_label(message.event))
        waiting = message.status in ("queued", "failed") and message.next_attempt_at is not None
        attachment = ATTACHMENTS.get(message.attachment_kind or "", message.attachment_kind or "")
        texts = {
            "to": "\n".join(message.recipients),
            "customer": message.customer_name or "—",
            "work_order": work_order_number(message.work_order_id) if message.work_order_id else "—",
            "attachment": _(attachment) if attachment else "—",
            "queued": _("{when} by {who}").format(
                when=date_time_text(message.created_at), who=message.created_by or "—"
            ),
            "attempts": count_text(message.attempts),
            "next": date_time_text(message.next_attempt_at) if waiting else "—",
            "sent": date_time_text(message.sent_at) if message.sent_at else "—",
            "error": message.last_error or "—",
            "reply": message.server_reply or "—",
            "message_id": message.message_id or _("given when it is first sent"),
        }
        for key, text in texts.items():
            self.values[key].setText(text)
        self.customer_button.setVisible(customers and message.customer_id is not None)
        self.work_order_button.setVisible(work_orders and message.work_order_id is not None)

    def _open_customer(self) -> None:
        if self.message is not None and self.message.customer_id is not None:
            self.open_record.emit("customer", self.message.customer_id)

    def _open_work_order(self) -> None:
        if self.message is not None and self.message.work_order_id is not None:
            self.open_record.emit("work_order", self.message.work_order_id)

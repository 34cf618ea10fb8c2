"""Settings → Outbox: every e-mail the business queued, where it stands, and why one failed.

The list, its search, filters and sort run in SQL (``OutboxListingService``: ids first,
rows in blocks); status filter (everything, waiting, sent, failed, failed and not retried
any more, cancelled) and event filter. The panel under it shows the selected message in
full: its recipients, the attempts, the error and the mail server's answer.

Users with ``settings.edit`` can **Retry** a failed message (it is queued again and goes
out with the next sender round, with the same Message-ID) and **Cancel** a queued or
failed one (it will never go out), through ``OutboxService`` (audit row, change-feed
notice). A message the sender holds right now (``sending``) can be neither. Everyone who
sees Settings sees the list. What senders on any workstation do arrives through the change
feed (entity ``outbox``) row by row.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from tuffops_desktop.domain.notifications import Event, OutboxStatus
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.outbox import OutboxRow
from tuffops_desktop.services.listing import Filter, Flag, ListQuery, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_page import FilterChoice, ListPage
from tuffops_desktop.ui.pages.outbox.columns import SUBJECT_COLUMN, event_label, outbox_columns, subject_text
from tuffops_desktop.ui.pages.outbox.detail import OutboxDetailPanel
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label

STATUS_FILTERS: tuple[tuple[str, str, dict[str, Filter | None]], ...] = (
    ("", N_("All messages"), {"status": None, "gave_up": None}),
    ("waiting", N_("Waiting to go"), {"status": any_of("queued", "sending"), "gave_up": None}),
    ("sent", N_("Sent"), {"status": any_of("sent"), "gave_up": None}),
    ("failed", N_("Failed"), {"status": any_of("failed"), "gave_up": None}),
    ("gave_up", N_("Failed, not retried"), {"status": None, "gave_up": Flag(True)}),
    ("cancelled", N_("Cancelled"), {"status": any_of("cancelled"), "gave_up": None}),
)
DEFAULT_QUERY = ListQuery(sort="created", descending=True)


def can_retry(row: OutboxRow | None) -> bool:
    return row is not None and row.status == OutboxStatus.FAILED.value


def can_cancel(row: OutboxRow | None) -> bool:
    return row is not None and row.status in (OutboxStatus.QUEUED.value, OutboxStatus.FAILED.value)


class OutboxPage(ListPage):
    """The outbox list with the message panel under it."""

    entities = ("outbox",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        listing = services.outbox_listing
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Outbox"),
            search_hint=_("Search recipient, subject, customer, error…"),
            count_text=(_("1 message"), _("{count} messages")),
            columns=outbox_columns(),
            fetch_rows=listing.rows,
            list_ids=listing.list_ids,
            first_ids=listing.first_ids,
            query=DEFAULT_QUERY,
            muted=lambda r: r.status == "cancelled",
            stretch_column=SUBJECT_COLUMN,
            parent=parent,
        )
        self._listing = listing
        self._outbox = services.outbox
        actor = services.ctx.actor
        self.can_edit = actor.can("settings.edit")
        status_choices: list[FilterChoice] = [(_(title), key, values) for key, title, values in STATUS_FILTERS]
        self.status_filter = self.filter_combo(status_choices)
        self.status_filter.setObjectName("status")
        event_choices: list[FilterChoice] = [(_("All events"), "", {"event": None})] + [
            (event_label(e.value), e.value, {"event": any_of(e.value)}) for e in Event
        ]
        self.event_filter = self.filter_combo(event_choices)
        self.event_filter.setObjectName("event")
        self.retry_button = QPushButton(_("Retry now"))
        self.retry_button.setToolTip(_("Queue the failed message again; it goes out with the next sending round"))
        self.cancel_button = QPushButton(_("Cancel message"))
        self.cancel_button.setToolTip(_("The message will never be sent"))
        for button in (self.retry_button, self.cancel_button):
            button.setVisible(self.can_edit)
        self.detail = OutboxDetailPanel(self)
        self.detail.set_links(customers=actor.can("customers.view"), work_orders=actor.can("work_orders.view"))
        self.detail.open_record.connect(self.open_record_requested)
        note = plain_label(
            _(
                "E-mails to customers and staff: each one is queued with the event that causes it and sent by the "
                "sender of any workstation (or the office server's tuffops notify serve)."
            ),
            role="hint",
            wrap=True,
        )
        self.build(
            detail=self.detail,
            filters=[plain_label(_("Status"), role="fieldname"), self.status_filter, self.event_filter],
            actions=[self.retry_button, self.cancel_button],
            notes=[note],
            orientation=Qt.Orientation.Vertical,
            sizes=(420, 300),
            stretch=(3, 2),
        )
        self.retry_button.clicked.connect(self.retry)
        self.cancel_button.clicked.connect(self.cancel)
        self._update_buttons()
        self.controller.refresh()

    # ----------------------------------------------------------------- actions
    def retry(self) -> bool:
        """Queue the selected failed message again."""
        row = self.detail.message
        if not self.can_edit or not can_retry(row) or row is None:
            return False
        result = self._ops.call(self._outbox.retry, row.id, parent=self)
        self.after_change(row.id)
        return result.ok

    def cancel(self) -> bool:
        """Make sure the selected queued or failed message never goes out (after asking)."""
        row = self.detail.message
        if not self.can_edit or not can_cancel(row) or row is None:
            return False
        question = _("Cancel “{subject}” to {to}? It will never be sent; this cannot be undone.").format(
            subject=subject_text(row), to=", ".join(row.recipients)
        )
        if not self._prompts.confirm(self, _("Cancel message"), question, _("Cancel message")):
            return False
        result = self._ops.call(self._outbox.cancel, row.id, parent=self)
        self.after_change(row.id)
        return result.ok

    # ----------------------------------------------------------------- helpers
    def show_current(self, outbox_id: object) -> None:
        row: OutboxRow | None = None
        if isinstance(outbox_id, int):
            result = self._ops.call(self._listing.rows, [outbox_id], parent=self)
            rows = result.value if result.ok and result.value else []
            row = rows[0] if rows else None
        self.detail.show_message(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.detail.message
        self.retry_button.setEnabled(can_retry(row))
        self.cancel_button.setEnabled(can_cancel(row))

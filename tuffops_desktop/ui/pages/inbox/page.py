"""Inbox: customer requests from QR stickers and the office, triaged here.

Status filter ("Not closed" = Open and Ongoing by default), search and sort run in SQL (``RequestService.list_ids``);
the table fetches rows lazily; a header click asks SQL again (no proxy model). The
request editor sits under the list, like the units page's panel. New requests appear by
themselves: the change feed's request changes are applied row by row (``ListPage``), so
the selected request, the scroll position and the editor's unsaved text stay.
``inbox_changed`` tells the window to update the sidebar badge after a request was added
or triaged here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.requests import RequestDetail
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inbox.add_dialog import AddRequestDialog
from tuffops_desktop.ui.pages.inbox.columns import REQUEST_COLUMN, request_columns
from tuffops_desktop.ui.pages.inbox.editor import RequestEditor
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label

STATUS_FILTERS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("not_closed", N_("Not closed"), ("open", "ongoing")),
    ("open", N_("Open"), ("open",)),
    ("ongoing", N_("Ongoing"), ("ongoing",)),
    ("closed", N_("Closed"), ("closed",)),
    ("", N_("All requests"), ()),
)
DEFAULT_QUERY = ListQuery(sort="received", descending=True, filters={"status": any_of("open", "ongoing")})


class InboxPage(ListPage):
    """The request list with the request editor under it.

    Signals:
        inbox_changed(): a request was added or triaged on this page.
    """

    inbox_changed = Signal()
    entities = ("customer_request",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Inbox"),
            search_hint=_("Search ticket, request text, contact, unit, customer…"),
            count_text=(_("1 request"), _("{count} requests")),
            columns=request_columns(),
            fetch_rows=services.requests.rows,
            list_ids=services.requests.list_ids,
            query=DEFAULT_QUERY,
            muted=lambda r: r.status == "closed",
            stretch_column=REQUEST_COLUMN,
            parent=parent,
        )
        self._pinned: int | None = None
        actor = services.ctx.actor

        self.new_button = QPushButton(_("New request"))
        self.new_button.setProperty("primary", True)
        self.new_button.setToolTip(_("Log a request taken by phone or e-mail"))
        self.status_filter = self.filter_combo(
            [(_(title), key, {"status": any_of(*values) if values else None}) for key, title, values in STATUS_FILTERS]
        )
        self.editor = RequestEditor(services, ops, prompts, self)
        self.splitter = self.build(
            detail=self.editor,
            header=[self.new_button],
            filters=[plain_label(_("Status"), role="fieldname"), self.status_filter],
            orientation=Qt.Orientation.Vertical,
            sizes=(330, 420),
            stretch=(1, 1),
        )

        self.new_button.setVisible(actor.can("customer_requests.create"))

        self.table.open_requested.connect(lambda _id: self.editor.request_text.setFocus())
        self.editor.saved.connect(self._after_change)
        self.editor.open_record.connect(self.open_record_requested)
        self.new_button.clicked.connect(self.new_request)
        self.controller.refresh()

    # ----------------------------------------------------------------- page protocol
    def refresh(self) -> None:
        """List again (new requests, F5, connection back); the selection is kept."""
        self.controller.refresh()

    def current_changed_elsewhere(self, record_id: int) -> None:
        """Keep the editor as it is (the user may be typing); saving a stale request is
        caught as a conflict."""

    # ----------------------------------------------------------------- actions
    def new_request(self) -> None:
        dialog = AddRequestDialog(self._ops, self._services, self)
        if dialog.exec() and dialog.saved is not None:
            self.show_saved(dialog.saved)

    def show_saved(self, detail: RequestDetail) -> None:
        """After a request was added: list again and open it in the editor."""
        self._after_change(detail)

    # ----------------------------------------------------------------- helpers
    def _after_change(self, detail: object) -> None:
        """List again and keep ``detail`` in the editor, even when the filter no longer
        lists it (e.g. just closed while the list shows Open)."""
        if isinstance(detail, RequestDetail):
            self._pinned = detail.id
        self.controller.refresh()
        if isinstance(detail, RequestDetail) and not self.table.select_id(detail.id):
            self._pinned = detail.id
            if self.editor.request_id() != detail.id:
                self.editor.show_request(detail)
        self.inbox_changed.emit()

    def _on_listed(self, count: int) -> None:
        super()._on_listed(count)
        if self._pinned is not None and self.table.selected_id() is None:
            self.table.select_id(self._pinned)

    def show_current(self, request_id: object) -> None:
        if isinstance(request_id, int):
            self._pinned = None
            result = self._ops.call(self._services.requests.get, request_id, parent=self)
            self.editor.show_request(result.value if result.ok else None)
        elif self._pinned is not None and self.editor.request_id() == self._pinned:
            return  # keep showing the request just triaged, though this list no longer has it
        else:
            self.editor.show_request(None)

"""Quotes: every quotation from draft to fulfilled, filtered, searched and sorted in SQL
(``QuotationService.list_ids``), with the quotation panel beside the list.

Filters: a status group (open quotations by default: drafts of any name, sent and
accepted ones) and "not converted yet". Status names come from the editable list
(Settings → Quotation statuses). Changes from other workstations arrive through the
change feed and are applied row by row (``ListPage``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

from tuffops_desktop.domain.quotations import FINAL
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.quotations import QuotationDetail
from tuffops_desktop.services.listing import Flag, ListQuery, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_page import FilterChoice, ListPage
from tuffops_desktop.ui.pages.quotes.columns import TITLE_COLUMN, quote_columns
from tuffops_desktop.ui.pages.quotes.dialogs import QuotationDialog
from tuffops_desktop.ui.pages.quotes.editor import QuotationEditor
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.widgets.labels import plain_label


class QuotesPage(ListPage):
    """The quotes list with the quotation panel beside it."""

    entities = ("quotation",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        actor = services.ctx.actor
        statuses = ops.call(services.quotations.statuses, parent=parent)
        entries = statuses.value.entries if statuses.ok else ()
        open_keys = tuple(e.key for e in entries if e.key not in FINAL)
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Quotes"),
            search_hint=_("Search number, name, request text, customer…"),
            count_text=(_("1 quotation"), _("{count} quotations")),
            columns=quote_columns(actor.can("quotations.pricing")),
            fetch_rows=services.quotations.rows,
            list_ids=services.quotations.list_ids,
            first_ids=services.quotations.first_ids,
            query=ListQuery(sort="created", descending=True, filters={"status": any_of(*open_keys)}),
            muted=lambda r: r.status in FINAL,
            stretch_column=TITLE_COLUMN,
            parent=parent,
        )
        choices: list[FilterChoice] = [(_("Open quotations"), "open", {"status": any_of(*open_keys)})]
        choices += [(e.label, e.key, {"status": any_of(e.key)}) for e in entries]
        choices.append((_("All quotations"), "", {"status": None}))
        self.status_filter = self.filter_combo(choices)
        self.status_filter.setObjectName("status")
        self.unconverted = QCheckBox(_("Not &converted yet"))
        self.unconverted.setObjectName("unconverted")
        self.unconverted.toggled.connect(lambda on: self.set_filters({"converted": Flag(False) if on else None}))
        self.new_button = QPushButton(_("New &quotation…"))
        self.new_button.setProperty("primary", True)
        self.new_button.setVisible(actor.can("quotations.create"))
        self.new_button.clicked.connect(self.new_quotation)
        self.editor = QuotationEditor(services, ops, prompts, self)
        self.splitter = self.build(
            detail=self.editor,
            header=[self.new_button],
            filters=[plain_label(_("Status"), role="fieldname"), self.status_filter, self.unconverted],
            sizes=(600, 520),
            stretch=(3, 2),
        )
        self._pinned: QuotationDetail | None = None
        self.editor.saved.connect(self._after_change)
        self.editor.open_record.connect(self.open_record_requested)
        self.controller.refresh()

    def new_quotation(self) -> None:
        dialog = QuotationDialog(self._services, self._ops, None, self)
        if dialog.exec() and dialog.saved is not None:
            self._after_change(dialog.saved)

    def _after_change(self, detail: object) -> None:
        """List again; the quotation just changed stays in the panel even when the filter
        no longer lists it (e.g. just cancelled while the list shows open quotations)."""
        self._pinned = detail if isinstance(detail, QuotationDetail) else None
        self.controller.refresh()
        if self._pinned is not None and self.table.select_id(self._pinned.id):
            self._pinned = None
        elif self._pinned is not None:
            self.editor.show_quotation(self._pinned)

    def show_current(self, record_id: object) -> None:
        if isinstance(record_id, int):
            self._pinned = None
            result = self._ops.call(self._services.quotations.get, record_id, parent=self)
            self.editor.show_quotation(result.value if result.ok else None)
        elif self._pinned is not None:
            self.editor.show_quotation(self._pinned)
        else:
            self.editor.show_quotation(None)

    def current_changed_elsewhere(self, record_id: int) -> None:
        """Someone changed the quotation on screen: show it as it is now (the note line is kept)."""
        note = self.editor.note_edit.text()
        self.show_current(record_id)
        self.editor.note_edit.setText(note)

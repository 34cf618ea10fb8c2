"""Open by scan (Ctrl+K): a sticker scanned with a USB / keyboard-wedge scanner, or a few
typed words, opens the record — the desktop's answer to the technician's "scan and see".

A scanner types the sticker URL (``https://…/u/<guid>``) or the bare GUID quickly and
ends with Enter; a person types a customer, unit or ticket. ``ScanSearch`` turns the
text into matches using the services' own list searches (``ListQuery`` text search), and
runs only on the ``TaskRunner`` (through ``Ops``), never on the GUI thread:

- a sticker URL or GUID → the unit with that QR code;
- a part label (``TUFFOPS:PART:<number>``, ``domain.part_labels``) or a typed part number
  → that part (nothing else);
- a ticket (``R-XXXXX-XXXXX``) → that request;
- anything else → customers, units, requests and parts whose search text matches every word.

Enter opens the only match at once; with several, they are listed (arrow keys, Enter).
Only the kinds of record the user has a page for are searched.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.part_labels import parse_part_code
from tuffops_desktop.domain.qr import parse_guid_or_url
from tuffops_desktop.i18n import _
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.search_box import SearchBox

UNIT, CUSTOMER, REQUEST, PART = "unit", "customer", "customer_request", "part"  # change-feed entities, as open_record
PER_KIND = 8  # matches listed per kind of record
_TICKET = re.compile(r"R-?([0-9A-Z]{5})-?([0-9A-Z]{5})", re.IGNORECASE)


@dataclass(frozen=True)
class Match:
    """A record the text names: its kind (a change-feed entity), id and two lines to show."""

    kind: str
    id: int
    title: str
    detail: str


class ScanSearch:
    """Finds the records a scan or a search names (call ``find`` on the task runner).

    Args:
        services: the signed-in user's services.
        kinds: the kinds of record to look for (those the user has a page for).
    """

    def __init__(self, services: Services, kinds: Collection[str]) -> None:
        self._services = services
        self._kinds = set(kinds)

    def find(self, text: str) -> list[Match]:
        text = text.strip()
        if not text:
            return []
        guid = _guid(text)
        if guid is not None:
            return self._units(guid, include_inactive=True, qr_code=guid) if UNIT in self._kinds else []
        scanned = parse_part_code(text)
        if scanned is not None:
            return self._part_numbered(scanned) if PART in self._kinds else []
        if PART in self._kinds:
            exact = self._part_numbered(text)  # a part number typed in full
            if exact:
                return exact
        ticket = _TICKET.fullmatch(text)
        if ticket is not None and REQUEST in self._kinds:
            wanted = f"R-{ticket.group(1)}-{ticket.group(2)}".upper()
            exact = [m for m in self._requests(wanted) if m.title == wanted]
            if exact:
                return exact
        matches: list[Match] = []
        if CUSTOMER in self._kinds:
            matches += self._customers(text)
        if UNIT in self._kinds:
            matches += self._units(text)
        if REQUEST in self._kinds:
            matches += self._requests(text)
        if PART in self._kinds:
            matches += self._parts(text)
        return matches

    def _customers(self, text: str) -> list[Match]:
        service = self._services.customers
        ids = service.list_ids(ListQuery(text=text, sort="name"))[:PER_KIND]
        return [
            Match(CUSTOMER, r.id, r.display_name, " · ".join(p for p in (_("Customer"), r.city, r.phones) if p))
            for r in service.rows(ids)
        ]

    def _units(self, text: str, *, include_inactive: bool = False, qr_code: str | None = None) -> list[Match]:
        """Units matching ``text`` (with ``qr_code``: only the one whose sticker that is)."""
        service = self._services.units
        ids = service.list_ids(ListQuery(text=text, sort="label", include_inactive=include_inactive))[:PER_KIND]
        return [
            Match(
                UNIT,
                r.id,
                r.label or r.serial_number,
                " · ".join(p for p in (_("Unit"), r.model, r.customer_name or _("Stock"), r.city) if p),
            )
            for r in service.rows(ids)
            if qr_code is None or r.qr_code_guid == qr_code
        ]

    def _requests(self, text: str) -> list[Match]:
        service = self._services.requests
        ids = service.list_ids(ListQuery(text=text, sort="received", descending=True))[:PER_KIND]
        return [
            Match(REQUEST, r.id, r.ticket, " · ".join(p for p in (_("Request"), r.unit_label, r.customer_name) if p))
            for r in service.rows(ids)
        ]

    def _parts(self, text: str) -> list[Match]:
        """Parts whose number, name, maker or category hold every word of ``text``."""
        service = self._services.inventory_listing
        ids = service.list_ids(ListQuery(text=text, sort="number"))[:PER_KIND]
        return self._part_matches(ids)

    def _part_numbered(self, number: str) -> list[Match]:
        """The part numbered ``number`` (any case), or nothing."""
        try:
            ids = self._services.part_labels.part_ids([number])
        except ValidationError:
            return []
        return self._part_matches(ids)

    def _part_matches(self, ids: list[int]) -> list[Match]:
        return [
            Match(PART, r.id, r.number, " · ".join(p for p in (_("Part"), r.name, r.manufacturer) if p))
            for r in self._services.inventory_listing.rows(ids)
        ]


def _guid(text: str) -> str | None:
    try:
        return parse_guid_or_url(text)
    except ValidationError:
        return None


class OpenByScanDialog(QDialog):
    """The Ctrl+K box. After ``exec()``, ``chosen`` is the match to open (or None)."""

    def __init__(self, ops: Ops, search: ScanSearch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open by scan"))
        self._ops = ops
        self._search = search
        self._generation = 0
        self._listed_for: str | None = None
        self.chosen: Match | None = None
        self.box = SearchBox(_("Scan a sticker or part label, or type a customer, unit, ticket or part…"))
        self.box.setMaxLength(300)
        self.box.setMinimumWidth(420)
        prompt = QLabel(_("&Scan or search:"))
        prompt.setProperty("role", "fieldname")
        prompt.setBuddy(self.box)
        self.results = QListWidget()
        self.results.setUniformItemSizes(True)
        self.results.setAlternatingRowColors(True)  # two lines per match: keep matches apart
        self.results.setSpacing(2)
        self.hint = plain_label(
            _("Enter opens the record; with several matches, pick one with the arrow keys."), role="hint", wrap=True
        )
        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        layout.addWidget(self.box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.hint)
        self.box.search_changed.connect(self._search_later)
        self.box.returnPressed.connect(self._on_enter)
        self.box.installEventFilter(self)
        self.results.itemActivated.connect(self._open_item)
        self.resize(560, 380)

    def matches(self) -> list[Match]:
        return [self.results.item(n).data(Qt.ItemDataRole.UserRole) for n in range(self.results.count())]

    # ----------------------------------------------------------------- Qt overrides
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            watched is self.box
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self.results.count()
        ):
            self.results.setFocus()
            if self.results.currentRow() < 0:
                self.results.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)

    # ----------------------------------------------------------------- helpers
    def _search_later(self, text: str) -> None:
        """Typing paused: list the matches in the background (a later answer wins)."""
        self._generation += 1
        generation = self._generation
        if not text:
            self._show([], "")
            return
        self._ops.run(
            self._search.find,
            text,
            parent=self,
            report=False,
            on_done=lambda found: self._show(found, text) if generation == self._generation else None,
        )

    def _on_enter(self) -> None:
        """Enter (a scanner ends with it): open the only match, or list them."""
        self._generation += 1  # answers of searches started before this one are stale
        text = self.box.current()
        if not text:
            return
        if self._listed_for == text and self.results.currentItem() is not None:
            self._open_item(self.results.currentItem())
            return
        result = self._ops.call(self._search.find, text, parent=self)
        if not result.ok:
            return
        found = result.value or []
        if len(found) == 1:
            self.chosen = found[0]
            self.accept()
            return
        self._show(found, text)
        if found:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _show(self, found: list[Match], text: str) -> None:
        self.results.clear()
        self._listed_for = text
        for match in found:
            item = QListWidgetItem(f"{match.title}\n{match.detail}")
            item.setData(Qt.ItemDataRole.UserRole, match)
            self.results.addItem(item)
        if text and not found:
            self.hint.setText(_("Nothing found for “{text}”.").format(text=text))
        elif found:
            self.hint.setText(_("{count} found: Enter opens the selected one.").format(count=len(found)))
        else:
            self.hint.setText(_("Enter opens the record; with several matches, pick one with the arrow keys."))

    def _open_item(self, item: QListWidgetItem | None) -> None:
        match = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(match, Match):
            self.chosen = match
            self.accept()

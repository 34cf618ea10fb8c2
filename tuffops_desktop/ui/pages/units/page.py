"""Units: every installed piece of equipment (60,000+ at a large company).

Search (label, serial, model, customer, address, QR code), filter (stock, sticker not
printed) and sort run in SQL; the table fetches rows lazily. The side panel shows the
unit's public URL with a Copy button. Actions follow the user's permissions.
Several units can be selected (Ctrl/Shift-click) for "Print stickers…".
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QCheckBox, QDialog, QPushButton, QWidget

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.units import UnitDetail
from tuffops_desktop.services.listing import Filter, Flag, ListQuery, Ref
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.pages.units.columns import unit_columns
from tuffops_desktop.ui.pages.units.detail import UnitDetailPanel
from tuffops_desktop.ui.pages.units.dialogs import BindLabelDialog, LinkDialog, TransferDialog
from tuffops_desktop.ui.pages.units.unit_dialog import UnitDialog
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.sources import StickerActions

FILTERS: tuple[tuple[str, str, dict[str, Filter | None]], ...] = (
    (N_("All units"), "", {"customer": None, "sticker_printed": None}),
    (N_("Stock (no customer)"), "stock", {"customer": Ref(None), "sticker_printed": None}),
    (N_("Sticker not printed"), "no_sticker", {"customer": None, "sticker_printed": Flag(False)}),
)


class UnitsPage(ListPage):
    """The units list with its detail panel and actions."""

    entities = ("unit",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Units"),
            search_hint=_("Search unit, serial, customer, QR code…"),
            count_text=(_("1 unit"), _("{count} units")),
            columns=unit_columns(),
            fetch_rows=services.units.rows,
            list_ids=services.units.list_ids,
            query=ListQuery(sort="customer"),
            muted=lambda r: not r.active,
            parent=parent,
        )
        actor = services.ctx.actor
        self._can_edit = actor.can("units.edit")

        self.new_button = QPushButton(_("New unit"))
        self.new_button.setProperty("primary", True)
        self.edit_button = QPushButton(_("Edit…") if self._can_edit else _("Open…"))
        self.transfer_button = QPushButton(_("Transfer…"))
        self.link_button = QPushButton(_("Link…"))
        self.unlink_button = QPushButton(_("Unlink"))
        self.bind_button = QPushButton(_("Bind label…"))
        self.retire_button = QPushButton(_("Retire"))
        self.filter = self.filter_combo([(_(title), key, filters) for title, key, filters in FILTERS])
        self.show_retired = QCheckBox(_("Show retired"))

        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.stickers = StickerActions(
            services,
            ops,
            prompts,
            self,
            selected_ids=self.selected_ids,
            current_customer=self._current_customer,
            after_print=self.refresh,
        )
        self.detail = UnitDetailPanel(services, ops, self)
        self.detail.open_record.connect(self.open_record_requested)
        self.build(
            detail=self.detail,
            header=[self.stickers.button, self.new_button],
            filters=[self.filter, self.show_retired],
            actions=[
                self.edit_button,
                self.transfer_button,
                self.link_button,
                self.unlink_button,
                self.bind_button,
                self.retire_button,
            ],
            orientation=Qt.Orientation.Vertical,
            sizes=(520, 250),
        )

        self.new_button.setVisible(actor.can("units.create"))
        for button in (self.transfer_button, self.link_button, self.unlink_button, self.bind_button):
            button.setVisible(self._can_edit)
        self.retire_button.setVisible(actor.can("units.delete"))

        self.show_retired.toggled.connect(lambda on: self.controller.update(include_inactive=on))
        self.inactive_toggle = self.show_retired
        self.table.open_requested.connect(self.open_unit)
        self.new_button.clicked.connect(self.new_unit)
        self.edit_button.clicked.connect(lambda: self.open_unit(self.table.selected_id()))
        self.transfer_button.clicked.connect(lambda: self._run(TransferDialog))
        self.link_button.clicked.connect(lambda: self._run(LinkDialog))
        self.bind_button.clicked.connect(lambda: self._run(BindLabelDialog))
        self.unlink_button.clicked.connect(self.unlink)
        self.retire_button.clicked.connect(self.toggle_retired)
        self._update_buttons()
        self.controller.refresh()

    # ----------------------------------------------------------------- actions
    def new_unit(self) -> None:
        dialog = UnitDialog(self._ops, self._services, None, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self.after_change(dialog.saved.id)

    def open_unit(self, unit_id: int | None) -> None:
        detail = self._load(unit_id)
        if detail is None:
            return
        dialog = UnitDialog(self._ops, self._services, detail, can_edit=self._can_edit, parent=self)
        if dialog.exec() and dialog.saved is not None:
            self.after_change(dialog.saved.id)

    def unlink(self) -> None:
        detail = self._load(self.table.selected_id())
        if detail is None:
            return
        if not self._prompts.confirm(
            self,
            _("Unlink unit"),
            _("Take “{label}” out of its linked system?").format(label=detail.label),
            _("Unlink"),
        ):
            return
        if self._ops.call(self._services.units.unlink, detail.id, parent=self).ok:
            self.after_change(detail.id)

    def toggle_retired(self) -> None:
        detail = self._load(self.table.selected_id())
        if detail is None:
            return
        if detail.active:
            text = _("Retire “{label}”? Its QR sticker then answers “not found”; its history is kept.").format(
                label=detail.label
            )
            if not self._prompts.confirm(self, _("Retire unit"), text, _("Retire")):
                return
        result = self._ops.call(
            self._services.units.set_active,
            detail.id,
            not detail.active,
            detail.version,
            parent=self,
            on_reload=lambda _current: self.refresh(),
        )
        if result.ok:
            self.after_change(detail.id)

    def deactivate_selected(self) -> None:
        """Del: retire the selected unit (asks first; needs the permission)."""
        detail = self.detail.detail
        button = self.retire_button
        if detail is not None and detail.active and not button.isHidden() and button.isEnabled():
            self.toggle_retired()

    def selected_ids(self) -> list[int]:
        """The selected units' ids, in list order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [unit_id for unit_id in (self.model.row_id(row) for row in rows) if unit_id is not None]

    # ----------------------------------------------------------------- helpers
    def _current_customer(self) -> tuple[int, str, str] | None:
        detail = self.detail.detail
        if detail is None or detail.customer_id is None:
            return None
        return detail.customer_id, detail.customer_name, ""

    def _run(self, dialog_class: type[QDialog]) -> None:
        detail = self._load(self.table.selected_id())
        if detail is None:
            return
        dialog = dialog_class(self._ops, self._services, detail, self)
        if dialog.exec():
            self.after_change(detail.id)
        else:
            self.show_current(detail.id)

    def _load(self, unit_id: int | None) -> UnitDetail | None:
        if unit_id is None:
            return None
        result = self._ops.call(self._services.units.get, unit_id, parent=self)
        return result.value if result.ok else None

    def show_current(self, unit_id: object) -> None:
        self.detail.show_unit(self._load(unit_id) if isinstance(unit_id, int) else None)
        self._update_buttons()

    def _update_buttons(self) -> None:
        detail = self.detail.detail
        has = detail is not None
        self.edit_button.setEnabled(has)
        self.transfer_button.setEnabled(has and detail.active)
        self.link_button.setEnabled(has and detail.active and detail.customer_id is not None)
        self.unlink_button.setEnabled(has and detail.link_group_id is not None)
        self.bind_button.setEnabled(has and detail.active)
        self.retire_button.setText(_("Reactivate") if has and not detail.active else _("Retire"))
        self.retire_button.setEnabled(has and (detail.active or self._can_edit))
        self.link_button.setToolTip(
            "" if not has or detail.customer_id is not None else _("Only units of a customer can be linked")
        )

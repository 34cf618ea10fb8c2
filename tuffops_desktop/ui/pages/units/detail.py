"""The panel under the units list: the unit, its QR sticker and its history.

Three columns so a wide screen is used well: what and where the unit is; its public
URL (with Copy) and linked units; its requests and work orders (newest first; a
double-click opens one) and who owned it when.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.domain.qr import internal_url_reason, short_code
from tuffops_desktop.domain.units import MaintenanceFrequency
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.units import UnitDetail
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import date_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inbox.columns import status_label as request_status
from tuffops_desktop.ui.pages.units.common import ownership_table, warranty_tag
from tuffops_desktop.ui.pages.work_orders.columns import status_label as work_order_status
from tuffops_desktop.ui.theme import OVER, repolish
from tuffops_desktop.ui.widgets.columns_box import ColumnsBox
from tuffops_desktop.ui.widgets.forms import copy_to_clipboard, facts_grid
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.public_url import internal_url_warning
from tuffops_desktop.ui.widgets.swatch import tag_style


def frequency_label(value: str) -> str:
    try:
        return _(MaintenanceFrequency(value).label)
    except ValueError:
        return value


class UnitDetailPanel(QFrame):
    """Shows one unit read-only: model, owner, site, warranty, public URL (with Copy),
    linked units, its requests and work orders, and ownership history.

    Signals:
        open_record(str, int): open this request or work order on its page.
    """

    open_record = Signal(str, int)

    def __init__(self, services: Services, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("DetailPanel")
        self._services = services
        self._ops = ops
        self.detail: UnitDetail | None = None

        self.empty = plain_label(_("Select a unit to see its sticker, warranty and history."), role="hint", wrap=True)
        self.title = plain_label(role="title", wrap=True, selectable=True)
        self.model_label = plain_label(role="hint", wrap=True)
        self.warranty = QLabel()
        self.retired_tag = plain_label(_("Retired"))
        self.retired_tag.setStyleSheet(tag_style(OVER))
        tags = QHBoxLayout()
        tags.setSpacing(6)
        tags.addWidget(self.warranty)
        tags.addWidget(self.retired_tag)
        tags.addStretch(1)
        facts, self._values = facts_grid(
            [
                ("customer", _("Customer")),
                ("site", _("Site")),
                ("serial", _("Serial")),
                ("installed", _("Installed")),
                ("maintenance", _("Maintenance")),
                ("maintained", _("Last maintained")),
                ("next_maintenance", _("Next maintenance")),
            ]
        )
        first = QVBoxLayout()
        first.setSpacing(6)
        first.addWidget(self.title)
        first.addWidget(self.model_label)
        first.addLayout(tags)
        first.addLayout(facts)
        first.addStretch(1)

        self.url_field = QLineEdit()
        self.url_field.setReadOnly(True)
        self.copy_button = QPushButton(_("Copy URL"))
        self.copy_button.setToolTip(_("Copy the unit's public URL (what the QR sticker opens)"))
        self.copy_button.clicked.connect(self.copy_url)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url_field, 1)
        url_row.addWidget(self.copy_button)
        qr_facts, qr_values = facts_grid([("code", _("Short code")), ("linked", _("Linked with"))])
        self._values.update(qr_values)
        self.url_warning = plain_label(role="warning", wrap=True)
        self.url_warning.hide()
        second = QVBoxLayout()
        second.setSpacing(6)
        second.addWidget(plain_label(_("QR sticker"), role="subtitle"))
        second.addWidget(plain_label(_("Public URL"), role="fieldname"))
        second.addLayout(url_row)
        second.addWidget(self.url_warning)
        second.addLayout(qr_facts)
        second.addStretch(1)

        self.history_holder = QVBoxLayout()
        self.history_holder.setContentsMargins(0, 0, 0, 0)
        self._history: QWidget | None = None
        self.work_list = QListWidget()
        self.work_list.setMaximumHeight(150)
        self.work_list.setToolTip(_("Double-click to open"))
        self.work_list.itemActivated.connect(self._open_work)
        third = QVBoxLayout()
        third.setSpacing(6)
        third.addWidget(plain_label(_("Requests and work orders"), role="subtitle"))
        third.addWidget(self.work_list)
        third.addWidget(plain_label(_("Ownership history"), role="subtitle"))
        third.addLayout(self.history_holder, 1)

        # The history goes under the unit and its sticker when the panel is narrow.
        self.body = ColumnsBox([(first, 4), (second, 4), (third, 5)], wrap_below=900)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.empty)
        layout.addWidget(self.body, 1)
        self.show_unit(None)

    def copy_url(self) -> None:
        """Put the unit's public URL on the clipboard (to paste in an e-mail or a chat)."""
        if self.detail is not None:
            copy_to_clipboard(self.detail.public_url, self.copy_button)

    def show_unit(self, detail: UnitDetail | None) -> None:
        self.detail = detail
        self.empty.setVisible(detail is None)
        self.body.setVisible(detail is not None)
        if self._history is not None:
            self._history.deleteLater()
            self._history = None
        if detail is None:
            return
        self.title.setText(detail.label)
        self.model_label.setText(f"{detail.model} · {detail.device_type}")
        warranty_tag(self.warranty, detail.warranty_state, detail.warranty_expires_at)
        self.retired_tag.setVisible(not detail.active)
        place = " ".join(x for x in (detail.postcode, detail.city) if x)
        site = ", ".join(p for p in (detail.address, place) if p)
        self._values["customer"].setText(detail.customer_name or _("Stock (no customer)"))
        self._values["site"].setText(site or "—")
        self._values["serial"].setText(detail.serial_number or "—")
        self._values["installed"].setText(date_text(detail.installed_at, "—"))
        self._values["maintenance"].setText(frequency_label(detail.maintenance_frequency))
        self._values["maintained"].setText(date_text(detail.maintained_at, _("Never recorded")))
        due = detail.next_maintenance_at
        overdue = due is not None and due < self._services.ctx.today()
        self._values["next_maintenance"].setText(
            _("{date} (overdue)").format(date=date_text(due)) if overdue else date_text(due, _("Not scheduled"))
        )
        self._values["next_maintenance"].setProperty("role", "error" if overdue else None)
        repolish(self._values["next_maintenance"])
        self._values["code"].setText(short_code(detail.qr_code_guid))
        linked = self._ops.call(self._services.units.linked_unit_ids, detail.id, parent=self)
        others = list(linked.value or []) if linked.ok else []
        names: list[str] = []
        if others:
            rows = self._ops.call(self._services.units.rows, others, parent=self)
            names = [r.label for r in (rows.value or [])] if rows.ok else []
        self._values["linked"].setText("\n".join(names) or "—")
        self.url_field.setText(detail.public_url)
        reason = internal_url_reason(detail.public_url)
        self.url_warning.setText(internal_url_warning(reason) if reason else "")
        self.url_warning.setVisible(reason is not None)
        self.url_field.setCursorPosition(0)
        self._show_work(detail.id)
        history = self._ops.call(self._services.units.ownership_history, detail.id, parent=self)
        self._history = ownership_table(list(history.value or []) if history.ok else [])
        self.history_holder.addWidget(self._history)

    def _show_work(self, unit_id: int) -> None:
        """The unit's requests and work orders, newest first (those this user may see)."""
        self.work_list.clear()
        actor = self._services.ctx.actor
        if not (actor.can("customer_requests.view") or actor.can("work_orders.view")):
            self.work_list.addItem(_("—"))
            return
        entries = self._ops.call(self._services.unit_history.entries, unit_id, parent=self)
        for entry in entries.value or [] if entries.ok else []:
            status = work_order_status(entry.status) if entry.kind == "work_order" else request_status(entry.status)
            item = QListWidgetItem(
                f"{date_text(entry.at.astimezone().date())} · {entry.number} · {status} · {entry.text}"
            )
            item.setData(Qt.ItemDataRole.UserRole, (entry.kind, entry.id))
            item.setToolTip(entry.text)
            self.work_list.addItem(item)
        if self.work_list.count() == 0:
            self.work_list.addItem(_("No requests or work orders yet"))

    def _open_work(self, item: QListWidgetItem) -> None:
        target = item.data(Qt.ItemDataRole.UserRole)
        if target:
            kind, record_id = target
            self.open_record.emit("customer_request" if kind == "request" else "work_order", int(record_id))

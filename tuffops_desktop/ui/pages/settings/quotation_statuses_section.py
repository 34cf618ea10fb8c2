"""Settings → Quotation statuses: the list the Quotes page names statuses from.

The seven defaults can be renamed, never removed; the company may add statuses of its
own, which (like Draft and Ready to review) leave a quotation editable. The five that
lock a quotation (submitted, accepted, rejected, fulfilled, cancelled) are marked as
such. Each Add or Rename is saved at once, as one change (``QuotationService.add_status``
/ ``rename_status``, through the settings writer, checked against the version the list
was read at); users without ``settings.edit`` see the list only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from tuffops_desktop.domain.quotations import STATUS_LABEL_MAX
from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.quotations import QuotationStatuses
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.labels import plain_label

KEY_ROLE = Qt.ItemDataRole.UserRole + 1


class QuotationStatusesSection(QGroupBox):
    """The editable list of quotation statuses (see the module docstring)."""

    def __init__(self, ops: Ops, services: Services) -> None:
        super().__init__(_("Quotation statuses"))
        self._ops = ops
        self._services = services
        self._can_edit = services.ctx.actor.can("settings.edit")
        self.statuses: QuotationStatuses | None = None
        self.list = QListWidget()
        self.list.setMaximumHeight(200)
        self.add_button = QPushButton(_("Add status…"))
        self.add_button.clicked.connect(self.add)
        self.rename_button = QPushButton(_("Rename…"))
        self.rename_button.clicked.connect(self.rename)
        self.list.currentRowChanged.connect(
            lambda _row: self.rename_button.setEnabled(self.list.currentItem() is not None)
        )
        self.list.itemDoubleClicked.connect(lambda _item: self.rename() if self._can_edit else None)
        for button in (self.add_button, self.rename_button):
            button.setVisible(self._can_edit)
        self.rename_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rename_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                _(
                    "The names the Quotes page shows. Statuses you add leave a quotation editable; "
                    "the ones marked “locks” are fixed by the rules and freeze the quotation (notes still allowed)."
                ),
                role="hint",
                wrap=True,
            )
        )
        layout.addWidget(self.list)
        layout.addLayout(buttons)

    def refresh(self) -> None:
        self._ops.run(self._services.quotations.statuses, parent=self, on_done=self._show)

    def _show(self, statuses: QuotationStatuses) -> None:
        keep = self.list.currentItem().data(KEY_ROLE) if self.list.currentItem() else None
        self.statuses = statuses
        self.list.clear()
        for entry in statuses.entries:
            marks = [_("locks")] if entry.locks else []
            if not entry.fixed:
                marks.append(_("added"))
            item = QListWidgetItem(entry.label + (f"   ({', '.join(marks)})" if marks else ""))
            item.setData(KEY_ROLE, entry.key)
            item.setToolTip(_("Stored as “{key}”").format(key=entry.key))
            self.list.addItem(item)
            if entry.key == keep:
                self.list.setCurrentItem(item)

    def add(self) -> bool:
        if self.statuses is None:
            return False
        label, ok = QInputDialog.getText(self, _("Add a quotation status"), _("Name of the new status:"))
        if not ok or not label.strip():
            return False
        return self._save(self._services.quotations.add_status, label[:STATUS_LABEL_MAX], self.statuses.version)

    def rename(self) -> bool:
        item, statuses = self.list.currentItem(), self.statuses
        if item is None or statuses is None:
            return False
        key = str(item.data(KEY_ROLE))
        label, ok = QInputDialog.getText(self, _("Rename the status"), _("New name:"), text=statuses.label(key))
        if not ok or not label.strip():
            return False
        return self._save(self._services.quotations.rename_status, key, label[:STATUS_LABEL_MAX], statuses.version)

    def _save(self, fn, *args) -> bool:  # noqa: ANN001, ANN002
        result = self._ops.call(fn, *args, parent=self, on_reload=lambda _current: self.refresh())
        if result.ok:
            self._show(result.value)
        else:
            self.refresh()
        return result.ok

"""Which stickers to print: selected units, a customer (or one of its sites), every unit
without a printed sticker, or a batch of blank labels.

``StickerActions`` is the "Print stickers…" menu the Units page (and, for one customer,
the Customers page) offers; each choice becomes a :class:`StickerJob` for the print
dialog.  Every service call goes through ``Ops``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QComboBox, QDialog, QMenu, QPushButton, QSpinBox, QVBoxLayout, QWidget

from tuffops_desktop.domain.permissions import P
from tuffops_desktop.i18n import _
from tuffops_desktop.services.listing import ListQuery, Ref
from tuffops_desktop.services.registry import Services
from tuffops_desktop.services.stickers import MAX_STICKERS
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.picker import CustomerPicker
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.jobs import StickerJob, job_for_units
from tuffops_desktop.ui.stickers.print_dialog import PrintStickersDialog
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label

MAX_SITE_SCAN = 500
"""Sites are read unit by unit (there is no sites query yet); beyond this many units the
dialog offers "all sites" only."""
BLANK_DEFAULT = 30


def _units_text(count: int) -> str:
    return _("1 unit") if count == 1 else _("{count} units").format(count=count_text(count))


# ----------------------------------------------------------------- customer / site
class CustomerStickersDialog(FormDialog):
    """Choose a customer and, optionally, one of its sites.

    Attributes:
        job: the stickers to print, after Accept.
    """

    ALL_SITES = object()

    def __init__(
        self,
        ops: Ops,
        services: Services,
        parent: QWidget | None = None,
        *,
        customer: tuple[int, str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self.job: StickerJob | None = None
        self.setWindowTitle(_("Print stickers for a customer"))
        self.setMinimumWidth(560)
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.picker = CustomerPicker(ops, services.customers, self, allow_stock=False)
        self.site = QComboBox()
        self.site.setMinimumContentsLength(30)
        group, form = form_group(_("Units"))
        for name, label, widget, hint in (
            ("customer_id", _("Customer"), self.picker, ""),
            ("site", _("Site"), self.site, _("All of the customer's active units, or those at one address.")),
        ):
            box, error = field_box(widget, hint)
            self.errors.bind(name, widget, error)
            form.addRow(plain_label(label, role="fieldname"), box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(form_error)
        layout.addWidget(group)
        self.buttons = action_buttons(self, _("Preview stickers…"), self.accept_choice)
        layout.addWidget(self.buttons)
        self.picker.changed.connect(self._load_sites)
        if customer is not None:
            self.picker.set_customer(*customer)
        else:
            self._load_sites()

    def _load_sites(self) -> None:
        self.errors.clear()
        self.site.clear()
        customer_id = self.picker.customer_id()
        if customer_id is None:
            self.site.addItem(_("Choose a customer first"), None)
            self.site.setEnabled(False)
            return
        ids = self._ops.call(
            self._services.units.list_ids, ListQuery(sort="label", filters={"customer": Ref(customer_id)}), parent=self
        )
        unit_ids = list(ids.value or []) if ids.ok else []
        if not unit_ids:
            self.site.setEnabled(False)
            self.errors.show_field_errors({"customer_id": _("This customer has no active units.")})
            return
        self.site.setEnabled(True)
        self.site.addItem(_("All sites ({units})").format(units=_units_text(len(unit_ids))), self.ALL_SITES)
        if len(unit_ids) > MAX_SITE_SCAN:
            return
        sites: dict[str, int] = {}
        for unit_id in unit_ids:
            detail = self._ops.call(self._services.units.get, unit_id, parent=self)
            if not detail.ok:
                return
            sites[detail.value.address] = sites.get(detail.value.address, 0) + 1
        if len(sites) > 1:
            for address in sorted(sites, key=str.casefold):
                shown = address or _("(no address)")
                self.site.addItem(f"{shown}  ({_units_text(sites[address])})", address)

    def accept_choice(self) -> bool:
        self.errors.clear()
        customer_id = self.picker.customer_id()
        if customer_id is None:
            self.errors.show_field_errors({"customer_id": _("Choose a customer.")})
            return False
        site = self.site.currentData()
        address = None if site is self.ALL_SITES or site is None else site
        ids = self._ops.call(
            self._services.stickers.unit_ids_for_customer, customer_id, address, parent=self, form=self.errors
        )
        if not ids.ok:
            return False
        name = self.picker.display.text()
        title = name if address is None else f"{name} · {address or _('(no address)')}"
        job = job_for_units(self._ops, self._services, ids.value or [], title, self)
        if job is None:
            return False
        self.job = job
        self.accept()
        return True


# ----------------------------------------------------------------- blank labels
class BlankLabelsDialog(FormDialog):
    """How many blank labels: new codes are reserved, to be bound to units on site."""

    def __init__(
        self, ops: Ops, services: Services, parent: QWidget | None = None, *, default: int = BLANK_DEFAULT
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self.job: StickerJob | None = None
        self.setWindowTitle(_("Blank QR labels"))
        self.setMinimumWidth(520)
        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.count = QSpinBox()
        self.count.setRange(1, MAX_STICKERS)
        self.count.setValue(default)
        box, error = field_box(
            self.count,
            _(
                "New codes are reserved now. Stick a label on a unit, then use “Bind label…” on the unit "
                "(or scan it on site) to connect the two."
            ),
        )
        self.errors.bind("count", self.count, error)
        group, form = form_group(_("Blank labels"))
        form.addRow(plain_label(_("How many"), role="fieldname"), box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.addWidget(form_error)
        layout.addWidget(group)
        layout.addWidget(action_buttons(self, _("Reserve and preview…"), self.accept_choice))

    def accept_choice(self) -> bool:
        self.errors.clear()
        count = self.count.value()
        result = self._ops.call(
            self._services.stickers.blank_label_contents, count, self._services.units, parent=self, form=self.errors
        )
        if not result.ok:
            return False
        title = _("1 blank label") if count == 1 else _("{count} blank labels").format(count=count_text(count))
        self.job = StickerJob(title, tuple(result.value or ()), ())
        self.accept()
        return True


# ----------------------------------------------------------------- the menu
class StickerActions(QObject):
    """The "Print stickers…" button and its menu.

    Args:
        selected_ids: the units selected on the page, in display order.
        current_customer: ``(id, name, type)`` to preselect in the customer choice.
        after_print: called when a run marked units as printed (the page lists again).
        customer_only: a plain button for the current customer's units (Customers page).
    """

    def __init__(
        self,
        services: Services,
        ops: Ops,
        prompts: Prompts,
        parent: QWidget,
        *,
        selected_ids: Callable[[], list[int]] | None = None,
        current_customer: Callable[[], tuple[int, str, str] | None] | None = None,
        after_print: Callable[[], None] | None = None,
        customer_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self._page = parent
        self._selected_ids = selected_ids or (lambda: [])
        self._current_customer = current_customer or (lambda: None)
        self._after_print = after_print or (lambda: None)
        self.last_dialog: PrintStickersDialog | None = None
        self.run_dialog: Callable[[QDialog], object] = lambda dialog: dialog.exec()
        """How the print dialog is shown (modal); tests replace it."""
        actor = services.ctx.actor
        self.button = QPushButton(_("Print stickers…"))
        self.button.setToolTip(_("Print QR stickers on label sheets or a label printer"))
        self.menu = QMenu(self.button)
        self.selected_action = self.menu.addAction(_("Selected units…"), self.print_selected)
        self.customer_action = self.menu.addAction(_("Units of a customer or site…"), self.print_customer)
        self.unprinted_action = self.menu.addAction(_("Units without a printed sticker…"), self.print_unprinted)
        self.menu.addSeparator()
        self.blank_action = self.menu.addAction(_("Blank labels…"), self.print_blank)
        self.blank_action.setVisible(actor.can(P.UNITS_CREATE))
        self.menu.aboutToShow.connect(self.update_menu)
        if customer_only:
            self.button.setToolTip(_("Print QR stickers for this customer's units (all sites or one)"))
            self.button.clicked.connect(lambda: self.print_customer())
        else:
            self.button.setMenu(self.menu)
        self.button.setVisible(actor.can(P.UNITS_EDIT))  # printing marks the units printed

    def update_menu(self) -> None:
        count = len(self._selected_ids())
        self.selected_action.setEnabled(count > 0)
        self.selected_action.setText(
            _("Selected units ({count})…").format(count=count) if count else _("Selected units…")
        )

    # ----------------------------------------------------------------- choices
    def print_selected(self) -> None:
        ids = self._selected_ids()
        if not ids:
            self._prompts.info(self._page, _("Print stickers"), _("Select one or more units first."))
            return
        title = (
            _("1 selected unit") if len(ids) == 1 else _("{count} selected units").format(count=count_text(len(ids)))
        )
        self.open_job(job_for_units(self._ops, self._services, ids, title, self._page))

    def print_customer(self, customer: tuple[int, str, str] | None = None) -> None:
        dialog = CustomerStickersDialog(
            self._ops, self._services, self._page, customer=customer or self._current_customer()
        )
        if self.run_dialog(dialog) and dialog.job is not None:
            self.open_job(dialog.job)

    def print_unprinted(self) -> None:
        ids = self._ops.call(self._services.stickers.unit_ids_without_sticker, parent=self._page)
        if not ids.ok:
            return
        if not ids.value:
            self._prompts.info(self._page, _("Print stickers"), _("Every active unit has a printed sticker."))
            return
        if len(ids.value) > MAX_STICKERS:
            text = _("{count} units have no printed sticker; printing the first {limit}.").format(
                count=count_text(len(ids.value)), limit=count_text(MAX_STICKERS)
            )
            if not self._prompts.confirm(self._page, _("Print stickers"), text, _("Continue")):
                return
        chosen = list(ids.value)[:MAX_STICKERS]
        title = _("{units} without a printed sticker").format(units=_units_text(len(chosen)))
        self.open_job(job_for_units(self._ops, self._services, chosen, title, self._page))

    def print_blank(self) -> None:
        dialog = BlankLabelsDialog(self._ops, self._services, self._page)
        if self.run_dialog(dialog) and dialog.job is not None:
            self.open_job(dialog.job)

    def open_job(self, job: StickerJob | None) -> None:
        if job is None or not job.contents:
            return
        dialog = PrintStickersDialog(self._ops, self._services, self._prompts, job, self._page)
        self.last_dialog = dialog
        self.run_dialog(dialog)
        if dialog.marked_printed:
            self._after_print()

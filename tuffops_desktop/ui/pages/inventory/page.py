"""Inventory: the parts the office stocks, where each is kept, and every movement of them.

The page the stores side of the office keeps open all day, over tens of thousands of
parts. Tabs under the title:

* **Parts**: the list searched (number, name, manufacturer, category), filtered (one
  location — its stock then fills the columns —, category, active / deactivated, low
  stock only) and sorted in SQL (``InventoryListingService``), listed in two steps for
  long lists, with the part's panel under it (facts, stock by location, the ledger in
  blocks). Rows of parts low somewhere show their available stock in red; deactivated
  parts are greyed.
* **Low stock**, **On order** and **Valuation** (the last only with ``inventory.costs``):
  the stock-control views, built the first time their tab is shown.

Toolbar actions open the dialogs (new / edit part, receive, transfer, adjust, count a
location, minimum / reorder / bin of a part at a location, locations, deactivate). A user
without ``inventory.edit`` / ``inventory.create`` sees them disabled, with the reason in
the tooltip; technicians (``inventory.view`` only) see stock and no costs.

Other workstations' movements and edits arrive through the change feed (entity
``part``) row by row; supplier orders (``stock_order``) refresh the on-order figures and
locations (``stock_location``) the location filter. ``MainWindow.open_record("part", id)``
selects a part (a scanned part label opens it this way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.dto.inventory import LocationInfo, PartDetail
from tuffops_desktop.services.inventory_listing import location_of
from tuffops_desktop.services.listing import Flag, ListQuery, Ref, any_of
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.inventory.columns import NAME_COLUMN, part_columns
from tuffops_desktop.ui.pages.inventory.count_dialog import CountDialog
from tuffops_desktop.ui.pages.inventory.detail import PartPanel
from tuffops_desktop.ui.pages.inventory.dialogs import (
    AdjustDialog,
    LocationsDialog,
    PartDialog,
    ReceiveDialog,
    TransferDialog,
)
from tuffops_desktop.ui.pages.inventory.levels_dialog import LevelsDialog
from tuffops_desktop.ui.pages.inventory.low_stock import LowStockView
from tuffops_desktop.ui.pages.inventory.orders import OnOrderView
from tuffops_desktop.ui.pages.inventory.valuation import ValuationView
from tuffops_desktop.ui.pages.list_page import ListPage
from tuffops_desktop.ui.prompts import Prompts

DEFAULT_QUERY = ListQuery(sort="number", filters={"active": Flag(True)})
STATUS_FILTERS = (
    (N_("Active parts"), "active", {"active": Flag(True)}),
    (N_("Deactivated parts"), "inactive", {"active": Flag(False)}),
    (N_("All parts"), "all", {"active": None}),
)
PARTS_TAB = 0
FILTER_CHARS = 9  # a filter combo is this many characters wide (longer names elide): four filters fit at 1024 px
EDIT_PERMISSION = "inventory.edit"
CREATE_PERMISSION = "inventory.create"


class InventoryPage(ListPage):
    """The parts list with the part panel, the stock dialogs and the stock-control tabs."""

    entities = ("part",)

    def __init__(self, services: Services, ops: Ops, prompts: Prompts, parent: QWidget | None = None) -> None:
        actor = services.ctx.actor
        listing = services.inventory_listing
        super().__init__(
            services,
            ops,
            prompts,
            title=_("Inventory"),
            search_hint=_("Search part number, name, maker, category…"),
            count_text=(_("1 part"), _("{count} parts")),
            columns=part_columns(costs=actor.can("inventory.costs")),
            fetch_rows=lambda ids: listing.rows(ids, location_of(self.controller.query)),
            list_ids=listing.list_ids,
            first_ids=listing.first_ids,
            query=DEFAULT_QUERY,
            muted=lambda r: not r.active,
            stretch_column=NAME_COLUMN,
            parent=parent,
        )
        self._listing = listing
        self._can_edit = actor.can(EDIT_PERMISSION)
        self._can_create = actor.can(CREATE_PERMISSION)
        self.locations: list[LocationInfo] = []
        self.categories: list[str] = []

        # filters
        self.location_filter = QComboBox()
        self.location_filter.setObjectName("location")
        self.location_filter.setToolTip(_("Stock at one location (only parts kept there), or at all of them"))
        self.location_filter.currentIndexChanged.connect(self._location_changed)
        self.category_filter = QComboBox()
        self.category_filter.setObjectName("category")
        self.category_filter.currentIndexChanged.connect(self._category_changed)
        self.status_filter = self.filter_combo([(_(title), key, f) for title, key, f in STATUS_FILTERS])
        self.status_filter.setObjectName("status")
        for combo in (self.location_filter, self.category_filter, self.status_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(FILTER_CHARS)
        self.low_only = QCheckBox(_("&Low stock only"))
        self.low_only.setObjectName("low")
        self.low_only.setToolTip(_("Parts below their minimum at a location (counting reservations and orders)"))
        self.low_only.toggled.connect(lambda on: self.set_filters({"low": Flag(True) if on else None}))

        # actions
        self.new_button = QPushButton(_("New part…"))
        self.new_button.setProperty("primary", True)
        self.locations_button = QPushButton(_("Locations…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.receive_button = QPushButton(_("Receive…"))
        self.transfer_button = QPushButton(_("Transfer…"))
        self.adjust_button = QPushButton(_("Adjust…"))
        self.count_button = QPushButton(_("Count…"))
        self.levels_button = QPushButton(_("Levels…"))
        self.active_button = QPushButton(_("Deactivate"))
        self.new_button.clicked.connect(self.new_part)
        self.locations_button.clicked.connect(self.edit_locations)
        self.edit_button.clicked.connect(self.edit_part)
        self.receive_button.clicked.connect(lambda: self._movement(ReceiveDialog))
        self.transfer_button.clicked.connect(lambda: self._movement(TransferDialog))
        self.adjust_button.clicked.connect(lambda: self._movement(AdjustDialog))
        self.count_button.clicked.connect(self.count_location)
        self.levels_button.clicked.connect(self.edit_levels)
        self.active_button.clicked.connect(self.toggle_active)
        self.table.open_requested.connect(lambda _id: self.edit_part())

        self.tabs = QTabBar()
        self.tabs.setDrawBase(False)
        self.tabs.setExpanding(False)
        self.tabs.addTab(_("Parts"))
        self._views: list[tuple[str, Callable[[], QWidget]]] = []
        self._built: dict[int, QWidget] = {}
        self._stale: set[int] = set()
        self._add_view_tabs()

        self.panel = PartPanel(services, ops, self)
        self.panel.location_chosen.connect(lambda _id: self._update_buttons())
        self.splitter = self.build(
            detail=self.panel,
            header=[self.locations_button, self.new_button],
            notes=[self.tabs],
            filters=[self.location_filter, self.category_filter, self.status_filter, self.low_only],
            actions=[
                self.edit_button,
                self.receive_button,
                self.transfer_button,
                self.adjust_button,
                self.count_button,
                self.levels_button,
                self.active_button,
            ],
            orientation=Qt.Orientation.Vertical,
            sizes=(400, 370),
            stretch=(1, 1),
        )
        self.stack = self._stack_views()
        self.tabs.currentChanged.connect(self.show_tab)
        self._load_locations()
        self._load_categories()
        self._update_buttons()
        self.controller.refresh()

    # ----------------------------------------------------------------- tabs
    def _add_view_tabs(self) -> None:
        """The stock-control views, each a tab (built when first shown); the valuation only
        for users who may see costs."""
        services, ops = self._services, self._ops
        views: list[tuple[str, type[QWidget], bool]] = [
            (N_("Low stock"), LowStockView, True),
            (N_("On order"), OnOrderView, True),
            (N_("Valuation"), ValuationView, services.ctx.actor.can("inventory.costs")),
        ]
        for title, view, allowed in views:
            if not allowed:
                continue
            self.tabs.addTab(_(title))
            self._views.append((view.__name__, lambda view=view: view(services, ops, None)))

    def _stack_views(self) -> QStackedWidget:
        """Move the list's toolbar and the table/panel splitter into the first view of a
        stack under the tab bar; the stock-control views are the others."""
        outer = self.layout()
        assert isinstance(outer, QVBoxLayout)
        list_view = QWidget()
        inner = QVBoxLayout(list_view)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(outer.spacing())
        start = outer.indexOf(self.tabs) + 1
        while outer.count() > start:
            item = outer.takeAt(start)
            if item.widget() is not None:
                inner.addWidget(item.widget(), 1 if item.widget() is self.splitter else 0)
            elif item.layout() is not None:
                child = item.layout()
                child.setParent(None)
                inner.addLayout(child)
        stack = QStackedWidget()
        stack.addWidget(list_view)
        for _n in self._views:
            stack.addWidget(QWidget())  # a stand-in until the tab is first shown
        outer.addWidget(stack, 1)
        self.tabs.setVisible(bool(self._views))
        return stack

    def show_tab(self, index: int) -> None:
        """Show the parts (0) or a stock-control view, built the first time it is shown and
        refreshed when shown after a change."""
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)  # comes back here through currentChanged
            return
        view = self.view(index)
        self.stack.setCurrentIndex(index)
        self.count_label.setVisible(index == PARTS_TAB)
        if view is not None and index in self._stale:
            self._stale.discard(index)
            _call(view, "refresh")

    def view(self, index: int) -> QWidget | None:
        """The stock-control view of tab ``index`` (built now if need be)."""
        if index == PARTS_TAB or not 0 < index <= len(self._views):
            return None
        built = self._built.get(index)
        if built is None:
            built = self._views[index - 1][1]()
            placeholder = self.stack.widget(index)
            self.stack.insertWidget(index, built)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
            self._built[index] = built
            self._stale.discard(index)
        return built

    def view_named(self, name: str) -> QWidget | None:
        """The view of class ``name`` (``LowStockView`` …), built if need be; None when absent."""
        for n, (view_name, _factory) in enumerate(self._views, start=1):
            if view_name == name:
                return self.view(n)
        return None

    # ----------------------------------------------------------------- filters
    def _load_locations(self) -> None:
        result = self._ops.call(self._services.inventory.locations, parent=self)
        if not result.ok or result.value is None:
            return
        self.locations = list(result.value)
        combo = self.location_filter
        keep = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem(_("All locations"), "")
            for where in sorted(self.locations, key=lambda x: (not x.active, x.kind != "warehouse", x.name.casefold())):
                text = where.name if where.active else _("{name} (deactivated)").format(name=where.name)
                combo.addItem(text, str(where.id))
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)
        if combo.currentData() != keep and keep is not None:
            self._location_changed()

    def _load_categories(self) -> None:
        result = self._ops.call(self._listing.categories, parent=self)
        if not result.ok or result.value is None:
            return
        self.categories = list(result.value)
        combo = self.category_filter
        keep = combo.currentData()
        with QSignalBlocker(combo):
            combo.clear()
            combo.addItem(_("All categories"), "")
            for category in self.categories:
                combo.addItem(category, category)
            if keep and combo.findData(keep) < 0:
                combo.addItem(keep, keep)  # chosen, though no part has it any more
            combo.setCurrentIndex(max(0, combo.findData(keep)) if keep else 0)

    def _location_changed(self) -> None:
        value = self.location_filter.currentData()
        self.panel.preferred_location = int(value) if value else None
        self.set_filters({"location": Ref(int(value)) if value else None})
        self._update_buttons()

    def _category_changed(self) -> None:
        value = self.category_filter.currentData()
        self.set_filters({"category": any_of(str(value)) if value else None})

    def location_filter_id(self) -> int | None:
        return location_of(self.controller.query)

    def _list_everything(self) -> None:
        with self.controller.deferred():
            with QSignalBlocker(self.location_filter), QSignalBlocker(self.category_filter):
                self.location_filter.setCurrentIndex(0)
                self.category_filter.setCurrentIndex(0)
            with QSignalBlocker(self.low_only):
                self.low_only.setChecked(False)
            self.set_filters({"location": None, "category": None, "low": None})
            super()._list_everything()

    # ----------------------------------------------------------------- Page protocol
    def focus_search(self) -> None:
        if self.stack.currentIndex() != PARTS_TAB:
            self.stack.currentWidget().setFocus()
        else:
            super().focus_search()

    def refresh(self) -> None:
        self._load_locations()
        super().refresh()
        self._views_changed()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Parts changed elsewhere: rows in place (ListPage). A supplier order changes what
        is on order (the rows shown are fetched again), a location the location filter."""
        entities = {c.entity for c in changes}
        if "stock_location" in entities or "*" in entities:
            self._load_locations()
        if "part" in entities and any(c.action in ("create", "update") for c in changes if c.entity == "part"):
            self._load_categories()
        orders = "stock_order" in entities
        super().apply_changes(
            [*changes, Change("part", None, "stock_order")] if orders and "part" not in entities else changes
        )
        if orders or "stock_location" in entities:
            self.model.reload_rows()
            if self.panel.part is not None:
                self.show_current(self.panel.part.id)
        if entities & {"part", "stock_order", "stock_location", "*"}:
            self._views_changed(changes)

    def _views_changed(self, changes: Sequence[Change] | None = None) -> None:
        """The stock-control views: the one on screen follows at once, the others when shown."""
        for index, view in self._built.items():
            if changes is not None and hasattr(view, "apply_changes"):
                view.apply_changes(changes)
            elif self.stack.currentIndex() == index:
                _call(view, "refresh")
            else:
                self._stale.add(index)

    # ----------------------------------------------------------------- the part on screen
    def show_current(self, record_id: object) -> None:
        if isinstance(record_id, int):
            result = self._ops.call(self._services.inventory.part, record_id, parent=self.panel)
            if result.ok or shiboken6.isValid(self.panel):
                self.panel.show_part(result.value if result.ok else None)
        else:
            self.panel.show_part(None)
        self._update_buttons()

    def after_change(self, record_id: int) -> None:
        """List again; the part just changed stays in the panel even when the list no
        longer shows it (just deactivated while the list shows active parts)."""
        self.controller.refresh(keep=record_id)
        self.table.select_id(record_id)
        self.show_current(record_id)

    def chosen_location_id(self) -> int | None:
        """Where stock actions start: the location row chosen in the panel, else the
        location the list is narrowed to."""
        return self.panel.selected_location_id() or self.location_filter_id()

    def _update_buttons(self) -> None:
        part = self.panel.part
        has = part is not None
        active = has and part.active
        location = self.chosen_location_id()
        held = has and any(s.on_hand > 0 for s in part.stock)
        why_edit = _("Needs permission to change stock (inventory.edit)")
        why_create = _("Needs permission to add parts (inventory.create)")
        self._enable(self.new_button, self._can_create, why_create)
        self._enable(self.edit_button, self._can_edit and has, why_edit if not self._can_edit else "")
        self._enable(
            self.receive_button,
            self._can_edit and active,
            why_edit if not self._can_edit else (_("A deactivated part is not received") if has else ""),
        )
        self._enable(
            self.transfer_button,
            self._can_edit and held,
            why_edit if not self._can_edit else (_("No location holds this part") if has and not held else ""),
        )
        self._enable(self.adjust_button, self._can_edit and has, why_edit if not self._can_edit else "")
        self._enable(
            self.count_button,
            self._can_edit and location is not None,
            why_edit
            if not self._can_edit
            else (_("Choose a location (filter or stock row) to count") if location is None else ""),
        )
        self._enable(
            self.levels_button,
            self._can_edit and has and location is not None,
            why_edit
            if not self._can_edit
            else (_("Choose the location in the part's stock table") if has and location is None else ""),
        )
        self.active_button.setText(_("Reactivate") if has and not part.active else _("Deactivate"))
        self._enable(self.active_button, self._can_edit and has, why_edit if not self._can_edit else "")
        self._enable(
            self.locations_button,
            True,
            "" if self._can_edit else _("See the locations (changing them needs inventory.edit)"),
        )

    @staticmethod
    def _enable(button: QPushButton, on: bool, why: str) -> None:
        button.setEnabled(on)
        button.setToolTip(why if not on else "")

    # ----------------------------------------------------------------- actions
    def new_part(self) -> None:
        dialog = PartDialog(self._services, self._ops, None, self.categories, self)
        if dialog.exec() and dialog.saved_id is not None:
            self._load_categories()
            self._reveal(dialog.saved_id)

    def edit_part(self) -> None:
        part = self.panel.part
        if part is None or not self._can_edit:
            return
        dialog = PartDialog(self._services, self._ops, part, self.categories, self)
        if dialog.exec() and dialog.saved_id is not None:
            self._load_categories()
            self.after_change(dialog.saved_id)

    def _movement(self, dialog_class: Callable[..., QDialog]) -> None:
        part = self._fresh_part()
        if part is None:
            return
        dialog = dialog_class(self._services, self._ops, part, self.locations, self.chosen_location_id(), self)
        if dialog.exec():
            self.after_change(part.id)

    def toggle_active(self) -> None:
        part = self._fresh_part()
        if part is None:
            return
        if part.active and not self._prompts.confirm(
            self,
            _("Deactivate part"),
            _(
                "Deactivate part {number}? Nothing more can be received or reserved for it; its stock and "
                "ledger stay, and it can be reactivated."
            ).format(number=part.number),
            _("Deactivate"),
        ):
            return
        result = self._ops.call(
            self._services.inventory.set_part_active,
            part.id,
            not part.active,
            part.version,
            parent=self,
            on_reload=lambda _current: self.show_current(part.id),
        )
        if result.ok:
            self.after_change(part.id)

    def deactivate_selected(self) -> None:
        """Del on the list: deactivate the selected part (asks first)."""
        part = self.panel.part
        if part is not None and part.active and self.active_button.isEnabled():
            self.toggle_active()

    def edit_locations(self) -> None:
        dialog = LocationsDialog(self._services, self._ops, self._prompts, can_edit=self._can_edit, parent=self)
        dialog.exec()
        if dialog.changed:
            self._load_locations()
            self.refresh()

    def count_location(self) -> None:
        location = self.chosen_location_id()
        if location is None:
            return
        dialog = CountDialog(self._services, self._ops, location, self)
        dialog.exec()
        self.refresh()

    def edit_levels(self) -> None:
        part, location = self.panel.part, self.chosen_location_id()
        if part is None or location is None:
            return
        if LevelsDialog(self._services, self._ops, part.id, location, self).exec():
            self.after_change(part.id)

    # ----------------------------------------------------------------- helpers
    def _fresh_part(self) -> PartDetail | None:
        """The selected part as stored now (a dialog starts from what is true)."""
        part = self.panel.part
        if part is None:
            return None
        result = self._ops.call(self._services.inventory.part, part.id, parent=self)
        if not result.ok or result.value is None:
            return None
        self.panel.show_part(result.value)
        return result.value

    def _reveal(self, part_id: int) -> None:
        """Show a part just added, widening the search and filters when they hide it."""
        self.controller.refresh(keep=part_id)
        if not self.show_record(part_id):
            self.show_current(None)


def _call(view: QWidget, method: str) -> None:
    action = getattr(view, method, None)
    if callable(action):
        action()

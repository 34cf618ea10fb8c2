"""The skeleton every list page shares: title and count, search and filters, a table of
ids with SQL sorting, actions, and a detail panel beside or under the table.

A page subclasses ``ListPage``, passes its columns, its service's ``list_ids``/``rows``
and its first ``ListQuery``, then calls ``build`` with the widgets that make it
different (header buttons, filters, row actions, the detail panel). The base wires the
search box, the count label, filter combos and selection, and implements ``Page``.

Changes from the feed about the page's ``entities`` are applied row by row: the page
asks its query again in the background and turns the model into the answer by inserting,
removing and re-fetching only the rows that changed, so the selection, the scroll
position and an editor's unsaved text stay as they are.

``show_record`` selects a record asked for from elsewhere (a link on another page, Open
by scan), widening the search and filters when they hide it; a page asks the window to
open a record of another page with ``open_record_requested(kind, id)``. ``show_filtered``
lists exactly the records behind a report's figure (the window's ``open_list``), under a
removable "Filtered: …" chip.

Between sessions a page keeps its columns (width, order, hidden), splitter, sort, filter
choices and search (``save_state``/``restore_state``, stored by ``ui.window_state``).
Keyboard: the tab order starts at the search box; Enter opens the selected row and Del
deactivates it (``deactivate_selected``: the page asks for confirmation itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.i18n import _
from tuffops_desktop.services.changes import Change
from tuffops_desktop.services.listing import Filter, FirstIds, ListQuery
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.models.columns import Column
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.list_query import ListController
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.tasks import Task
from tuffops_desktop.ui.theme import repolish
from tuffops_desktop.ui.widgets.data_table import DataTable
from tuffops_desktop.ui.widgets.empty_state import EmptyState
from tuffops_desktop.ui.widgets.filter_chip import FilterChip
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.search_box import SearchBox
from tuffops_desktop.ui.window_state import ViewState

FilterChoice = tuple[str, str, Mapping[str, Filter | None]]
"""A filter combo entry: its text, its item data (a stable key) and the filters it sets
(``None`` removes a key)."""

SEARCH_MIN_WIDTH = 220  # px: room for a name or a ticket number and the clear button


class DetailHolder(QScrollArea):
    """The detail panel in a scroll area: when the window is too small for the panel, it
    scrolls instead of squeezing its fields into each other. Beside the list
    (``keep_width``), the splitter never makes it narrower than the panel needs."""

    def __init__(self, detail: QWidget, *, keep_width: bool) -> None:
        super().__init__()
        self.setObjectName("DetailHolder")
        self._keep_width = keep_width
        self.setWidget(detail)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        if keep_width:
            self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            detail.installEventFilter(self)  # its needs change with what it shows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the splitter asks our minimumSizeHint again
        return super().eventFilter(watched, event)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        widget = self.widget()
        if self._keep_width and widget is not None:
            hint.setWidth(
                max(hint.width(), widget.minimumSizeHint().width() + self.verticalScrollBar().sizeHint().width())
            )
        return hint


class ListPage(QWidget):
    """Base of the customers, units and inbox pages (and the lists that come next).

    Class attribute ``entities``: the change-feed entities this list shows.
    ``inactive_toggle``: the page's "show deactivated/retired" box, if it has one.

    Signals:
        open_record_requested(str, int): open this record (change-feed entity, id) on
            the page that lists it (the main window does).

    Args:
        title: the page title.
        search_hint: the search box placeholder.
        count_text: ``(one, many)``: the count label for one record and for ``{count}`` (locale digits).
        columns, fetch_rows, muted: the table model's columns, row fetcher and greyed rows.
        list_ids, query: the service query and the page's first ``ListQuery``.
        first_ids: the service's ``first_ids`` (count and first ids), for lists long
            enough to be listed in two steps (``ListController``).
        stretch_column: the table column that takes the spare width.
    """

    open_record_requested = Signal(str, int)
    entities: tuple[str, ...] = ()

    def __init__(
        self,
        services: Services,
        ops: Ops,
        prompts: Prompts,
        *,
        title: str,
        search_hint: str,
        count_text: tuple[str, str],
        columns: Sequence[Column[Any]],
        fetch_rows: Callable[[Sequence[int]], Sequence[Any]],
        list_ids: Callable[[ListQuery], list[int]],
        query: ListQuery,
        first_ids: Callable[[ListQuery, int], FirstIds] | None = None,
        muted: Callable[[Any], bool] | None = None,
        stretch_column: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("Page")
        self._list_ids = list_ids
        self._relist: Task | None = None  # the change feed's re-list on its way; a newer one replaces it
        self._changed_meanwhile: set[int] = set()  # records changed since the last applied re-list
        self._services = services
        self._ops = ops
        self._prompts = prompts
        self._count_text = count_text
        self._filter_combos: list[tuple[QComboBox, Sequence[FilterChoice]]] = []
        self.inactive_toggle: QCheckBox | None = None
        self.splitter: QSplitter | None = None
        self._remembered: list[tuple[str, QWidget]] = []  # filter widgets kept between sessions
        self.title_label = plain_label(title, role="title")
        self.count_label = plain_label(role="hint")
        self.search = SearchBox(search_hint)
        self.model = IdTableModel(columns, fetch_rows, muted=muted, ops=ops, parent=self)
        self.table = DataTable(self.model, self, stretch_column=stretch_column)
        self.controller = ListController(ops, self, self.model, self.table, list_ids, query, first_ids)
        self.search.search_changed.connect(lambda text: self.controller.update(text=text))
        self.controller.listed.connect(self._on_listed)
        self.controller.failed.connect(self._on_list_failed)
        self.table.current_id_changed.connect(self.show_current)
        self.search.setMinimumWidth(SEARCH_MIN_WIDTH)
        self.empty_state = EmptyState(self.table)
        self.empty_state.clear_requested.connect(self.clear_search)
        self.actions_bar = QWidget()  # the row actions; they move under the search box when narrow
        self._toolbar: QHBoxLayout | None = None
        self._second_row: QHBoxLayout | None = None
        self._filters: list[QWidget] = []
        self.table.delete_requested.connect(lambda _id: self.deactivate_selected())
        self.filter_chip = FilterChip()  # shown while a report's drill-down filters the list
        self.filter_chip.removed.connect(self.clear_filtered)
        self._unfiltered: ListQuery | None = None  # the page's own query while filtered

    # ----------------------------------------------------------------- building
    def build(
        self,
        *,
        detail: QWidget,
        header: Sequence[QWidget] = (),
        filters: Sequence[QWidget] = (),
        actions: Sequence[QWidget] = (),
        notes: Sequence[QWidget] = (),
        orientation: Qt.Orientation = Qt.Orientation.Horizontal,
        sizes: tuple[int, int] = (880, 330),
        stretch: tuple[int, int] = (3, 1),
    ) -> QSplitter:
        """Lay the page out: header row, notes, toolbar, then table and ``detail`` split."""
        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addSpacing(8)
        top.addWidget(self.count_label)
        top.addStretch(1)
        for widget in header:
            top.addWidget(widget)

        toolbar = QHBoxLayout()
        toolbar.addWidget(self.search, 3)
        for widget in filters:
            toolbar.addWidget(widget)
        toolbar.addStretch(1)
        actions_row = QHBoxLayout(self.actions_bar)
        actions_row.setContentsMargins(0, 0, 0, 0)
        for widget in actions:
            actions_row.addWidget(widget)
        toolbar.addWidget(self.actions_bar)
        second_row = QHBoxLayout()
        self._toolbar, self._second_row, self._filters = toolbar, second_row, list(filters)

        # The panel scrolls when the window is too small for it, instead of squeezing
        # its fields into each other.
        holder = DetailHolder(detail, keep_width=orientation == Qt.Orientation.Horizontal)

        splitter = QSplitter(orientation)
        splitter.addWidget(self.table)
        splitter.addWidget(holder)
        splitter.setStretchFactor(0, stretch[0])
        splitter.setStretchFactor(1, stretch[1])
        splitter.setSizes(list(sizes))
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(10)
        layout.addLayout(top)
        for widget in notes:
            layout.addWidget(widget)
        layout.addWidget(self.filter_chip, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(toolbar)
        layout.addLayout(second_row)
        layout.addWidget(splitter, 1)
        self._fit_toolbar()

        self.splitter = splitter
        self._remembered = [
            (widget.objectName() or f"filter{n}", widget)
            for n, widget in enumerate(filters)
            if isinstance(widget, (QComboBox, QCheckBox))
        ]
        chain = [self.search, *filters, self.table, *actions, *header]
        focusable = [w for w in chain if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        for first, second in zip(focusable, focusable[1:], strict=False):
            QWidget.setTabOrder(first, second)
        return splitter

    def filter_combo(self, choices: Sequence[FilterChoice], *, icons: Sequence[Any] = ()) -> QComboBox:
        """A combo box whose entries set filters of the query (and list again)."""
        combo = QComboBox()
        for n, (text, key, _filters) in enumerate(choices):
            if n < len(icons) and icons[n] is not None:
                combo.addItem(icons[n], text, key)
            else:
                combo.addItem(text, key)
        combo.currentIndexChanged.connect(lambda index: self.set_filters(choices[index][2] if index >= 0 else {}))
        self._filter_combos.append((combo, choices))
        return combo

    # ----------------------------------------------------------------- Page protocol
    def refresh(self) -> None:
        """List again (after an edit elsewhere, or when the connection came back)."""
        if self.controller.refresh():
            self.show_current(self.table.selected_id())

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def apply_changes(self, changes: Sequence[Change]) -> None:
        """Records of this list changed elsewhere: update the rows in place."""
        relevant = [c for c in changes if c.entity in self.entities or c.entity == "*"]
        if not relevant:
            return
        changed = {c.id for c in relevant if c.id is not None}
        query = self.controller.query
        if self._relist is not None:
            self._relist.cancel()  # a later re-list is on its way: an earlier answer must not undo it
        self._changed_meanwhile |= changed

        def arrived(ids: list[int]) -> None:
            self._relist = None
            touched, self._changed_meanwhile = self._changed_meanwhile, set()
            self._apply_listing(query, ids, touched)

        self._relist = self._ops.run(self._list_ids, query, parent=self, report=False, on_done=arrived)

    def show_record(self, record_id: int) -> bool:
        """Select ``record_id`` and show it in the detail panel. When the search, a filter
        or the hidden deactivated records keep it out of the list, they are widened to
        list everything first. False when it is not found even then."""
        listed = self.table.select_id(record_id) or (self.controller.complete() and self.table.select_id(record_id))
        if not listed:
            self._list_everything()
            if not (self.controller.complete() and self.table.select_id(record_id)):
                return False
        self.table.setFocus()
        return True

    # ----------------------------------------------------------------- remembered state
    def save_state(self, state: ViewState) -> None:
        query = self.controller.query
        state.set_value("search", self.search.current())
        state.set_value("sort", [query.sort, query.descending])
        state.set_value(
            "filters",
            {
                name: widget.currentData() if isinstance(widget, QComboBox) else widget.isChecked()
                for name, widget in self._remembered
                if isinstance(widget, (QComboBox, QCheckBox))
            },
        )
        state.save_header("columns", self.table.horizontalHeader(), self._column_ids())
        if self.splitter is not None:
            state.save_splitter("splitter", self.splitter)

    def restore_state(self, state: ViewState) -> None:
        state.restore_header("columns", self.table.horizontalHeader(), self._column_ids())
        if self.splitter is not None:
            state.restore_splitter("splitter", self.splitter)
        filters = state.value("filters", {})
        sort = state.value("sort")
        text = state.value("search", "")
        with self.controller.deferred():  # one listing for everything restored
            for name, widget in self._remembered:
                saved = filters.get(name) if isinstance(filters, dict) else None
                if isinstance(widget, QComboBox) and isinstance(saved, str) and widget.findData(saved) >= 0:
                    widget.setCurrentIndex(widget.findData(saved))
                elif isinstance(widget, QCheckBox) and isinstance(saved, bool):
                    widget.setChecked(saved)
            if (
                isinstance(sort, list)
                and len(sort) == 2
                and isinstance(sort[0], str)
                and self.model.column_of_sort_key(sort[0]) >= 0
            ):
                self.controller.update(sort=sort[0], descending=bool(sort[1]))
            if isinstance(text, str) and text:
                self.search.set_search(text)

    def _column_ids(self) -> list[str]:
        ids: list[str] = []
        for n, column in enumerate(self.model.columns):
            name = column.header or f"#{n}"
            ids.append(name if name not in ids else f"{name}#{n}")
        return ids

    # ----------------------------------------------------------------- for subclasses
    def deactivate_selected(self) -> None:
        """Del on the list: deactivate the selected record after asking (pages that have
        such an action and the user's permission for it override this)."""

    def show_current(self, record_id: object) -> None:
        """The selection changed to ``record_id`` (an int, or None): fill the detail panel."""

    def set_filters(self, filters: Mapping[str, Filter | None]) -> None:
        """Change the page's filters (after a report's drill-down: on the page's own)."""
        query = self._leave_filtered() or self.controller.query
        for key, value in filters.items():
            query = query.with_filter(key, value)
        self.controller.set_query(query)

    def show_filtered(self, title: str, filters: Mapping[str, Filter]) -> None:
        """List exactly the records a report figure stands for: ``filters`` replace the
        page's own (its filter widgets are disabled meanwhile, inactive records included),
        the search starts empty, and the chip says "Filtered: ``title``". Removing the chip
        (``clear_filtered``) lists with the page's own filters again."""
        if self._unfiltered is None:
            self._unfiltered = self.controller.query
        for widget in self._filters:
            widget.setEnabled(False)
        self.search.reset()
        self.filter_chip.show_title(title)
        base = self._unfiltered
        self.controller.set_query(
            ListQuery(sort=base.sort, descending=base.descending, include_inactive=True, filters=dict(filters))
        )

    def clear_filtered(self) -> None:
        """Back to the page's own filters after a report's drill-down (nothing when none)."""
        query = self._leave_filtered()
        if query is not None:
            self.controller.set_query(query)

    def _leave_filtered(self) -> ListQuery | None:
        """Hide the chip and enable the filter widgets; the page's own query (search
        emptied), or None when the list was not filtered by a report."""
        if self._unfiltered is None:
            return None
        query, self._unfiltered = replace(self._unfiltered, text=""), None
        self.filter_chip.hide()
        for widget in self._filters:
            widget.setEnabled(True)
        self.search.reset()
        return query

    def after_change(self, record_id: int) -> None:
        """List again and keep ``record_id`` selected (when still listed)."""
        self.controller.refresh(keep=record_id)
        self.show_current(record_id if self.table.select_id(record_id) else None)

    def _apply_listing(self, query: ListQuery, ids: list[int], changed: set[int]) -> None:
        if query != self.controller.query:
            return  # the user asked something else meanwhile; that answer wins
        selected = self.table.selected_id()
        top = self.table.top_id()
        self.model.apply_ids(ids)
        self.model.update_rows(changed)
        self.table.keep_at_top(top)
        if selected is not None and self.table.selected_id() is None and self.model.row_of_id(selected) is not None:
            self.table.select_id(selected, scroll=False)  # it moved (removed and re-inserted)
        self._on_listed(len(ids))
        if selected is not None and selected in changed and self.model.row_of_id(selected) is not None:
            self.current_changed_elsewhere(selected)

    def current_changed_elsewhere(self, record_id: int) -> None:
        """The selected record was changed by someone else (default: show it again)."""
        self.show_current(record_id)

    def _list_everything(self) -> None:
        """Empty the search, set each filter combo to its "all" entry and show inactive
        records, then list once."""
        query = self._leave_filtered() or replace(self.controller.query, text="")
        self.search.reset()
        for combo, choices in self._filter_combos:
            index = next((n for n, c in enumerate(choices) if all(v is None for v in c[2].values())), -1)
            if index >= 0:
                with QSignalBlocker(combo):
                    combo.setCurrentIndex(index)
                for key, value in choices[index][2].items():
                    query = query.with_filter(key, value)
        if self.inactive_toggle is not None:
            with QSignalBlocker(self.inactive_toggle):
                self.inactive_toggle.setChecked(True)
            query = replace(query, include_inactive=True)
        self.controller.set_query(query)

    def clear_search(self) -> None:
        """Empty the search box and list again (the empty list's "Clear search")."""
        self.search.reset()
        self.controller.update(text="")
        self.search.setFocus()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_toolbar()

    def _fit_toolbar(self) -> None:
        """Row actions beside the search box when they fit, else on a row of their own."""
        if self._toolbar is None or self._second_row is None:
            return
        spacing = self._toolbar.spacing()
        margins = self.layout().contentsMargins() if self.layout() is not None else None
        available = self.width() - (margins.left() + margins.right() if margins else 0)
        needed = (
            self.search.minimumWidth()
            + self.actions_bar.sizeHint().width()
            + sum(w.sizeHint().width() + spacing for w in self._filters if not w.isHidden())
            + 3 * spacing
        )
        below = needed > available
        if below == (self._second_row.indexOf(self.actions_bar) >= 0):
            return
        if below:
            self._toolbar.removeWidget(self.actions_bar)
            self._second_row.addWidget(self.actions_bar)
            self._second_row.addStretch(1)
        else:
            self._second_row.removeWidget(self.actions_bar)
            while self._second_row.count():
                self._second_row.takeAt(0)
            self._toolbar.addWidget(self.actions_bar)

    def _on_listed(self, count: int) -> None:
        one, many = self._count_text
        self.count_label.setProperty("role", "hint")
        repolish(self.count_label)
        self.count_label.setText(one if count == 1 else many.format(count=count_text(count)))
        self._show_empty_state(count)

    def _show_empty_state(self, count: int) -> None:
        """An empty list says why: no match for the search (offer to clear it), or none."""
        if count:
            self.empty_state.hide()
            return
        things = self._count_text[1].replace("{count}", "").strip()
        text = self.search.current()
        if text:
            self.empty_state.show_message(
                _("No {things} match “{text}”").format(things=things, text=text), can_clear=True
            )
        else:
            self.empty_state.show_message(_("No {things} to show.").format(things=things), can_clear=False)

    def _on_list_failed(self, message: str) -> None:
        """Say that the list on screen is not the answer to what was asked."""
        self.count_label.setProperty("role", "error")
        repolish(self.count_label)
        self.count_label.setText(_("Search failed: {reason}").format(reason=message))

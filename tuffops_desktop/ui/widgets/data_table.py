"""The list view every page uses: dense rows, tag pills, SQL sorting, selection by id.

Selection is remembered by record id across re-queries, so a search, a sort or a refresh
after an edit keeps the same customer or unit selected when it is still listed, without
scrolling the list.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from tuffops_desktop.i18n import _
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.widgets.sort_header import ExplorerHeader
from tuffops_desktop.ui.widgets.tag_delegate import TagDelegate

ROW_HEIGHT = 28
CELL_PADDING = 14  # px: the cell's text margins and a little air
SWATCH_ROOM = 22  # px: a swatch or icon before the text


class DataTable(QTableView):
    """A ``QTableView`` over an ``IdTableModel``.

    Signals:
        current_id_changed(object): the selected record id (or None).
        open_requested(int): the user double-clicked a row or pressed Enter on it.
        delete_requested(int): the user pressed Del on a row (the page may deactivate it).

    Keyboard: Enter opens the selected row, Del asks to deactivate it, and Tab leaves the
    table (to the next control) instead of walking its cells. Right-clicking the header
    shows or hides columns; columns can be dragged into another order.
    """

    current_id_changed = Signal(object)
    open_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(
        self, model: IdTableModel, parent: QWidget | None = None, *, stretch_column: int | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model
        self._pending_id: int | None = None
        self._sort_state: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)
        self.setHorizontalHeader(ExplorerHeader(self))
        self.setModel(model)
        self.setItemDelegate(TagDelegate(self))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)  # scroll value = first row
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab moves to the next control, arrows move in the list
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(ROW_HEIGHT)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(stretch_column is None)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)
        header.ensurePolished()  # the theme's header font and padding, to measure titles with
        self.ensurePolished()
        for n, column in enumerate(model.columns):
            if column.width:  # never narrower than the title and its sort arrow, nor its widest date
                fit = self.fontMetrics().horizontalAdvance(column.fit()) + CELL_PADDING if column.fit else 0
                if column.fit and (column.swatch or column.decoration):
                    fit += SWATCH_ROOM
                self.setColumnWidth(n, max(column.width, header.sectionSizeFromContents(n).width(), fit))
        if stretch_column is not None:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
        model.sort_refused.connect(self._restore_sort_indicator)
        model.modelAboutToBeReset.connect(self._remember_selection)
        model.modelReset.connect(self._restore_selection)
        self.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.doubleClicked.connect(self._on_double_click)

    def enable_sql_sorting(self, column: int, descending: bool) -> None:
        """Show the initial sort indicator, then let header clicks ask for SQL sorts."""
        self.set_sort_state(column, descending)
        self.setSortingEnabled(True)

    def set_sort_state(self, column: int, descending: bool) -> None:
        """Record (and show) the sort the list is actually in."""
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self._sort_state = (column, order)
        header = self.horizontalHeader()
        blocked = header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(blocked)
        header.viewport().update()

    def selected_id(self) -> int | None:
        """Id of the selected record, or None."""
        rows = self.selectionModel().selectedRows()
        return self._model.row_id(rows[0].row()) if rows else None

    def select_id(self, record_id: int | None, *, scroll: bool = True) -> bool:
        """Select the row of ``record_id`` (scrolling to it unless ``scroll=False``); False
        when it is not listed."""
        row = self._model.row_of_id(record_id) if record_id is not None else None
        if row is None:
            self.selectionModel().clearSelection()
            return False
        index = self._model.index(row, 0)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        if scroll:
            self.scrollTo(index)
        return True

    def top_id(self) -> int | None:
        """The record of the first row by scroll position, when scrolled down (else None)."""
        value = self.verticalScrollBar().value()
        return self._model.row_id(value) if value > 0 else None

    def keep_at_top(self, record_id: int | None) -> None:
        """Scroll so that ``record_id`` is the first row again (after rows moved)."""
        row = self._model.row_of_id(record_id) if record_id is not None else None
        if row is not None:
            # Rows were just inserted or removed: lay out now, or the scroll range is stale.
            self.executeDelayedItemsLayout()
            self.updateGeometries()
            self.verticalScrollBar().setValue(row)

    def column_menu(self) -> QMenu:
        """The header's context menu: one check box per column (the last visible column
        cannot be hidden)."""
        header = self.horizontalHeader()
        menu = QMenu(self)
        menu.setObjectName("ColumnMenu")
        visible = header.count() - header.hiddenSectionCount()
        for logical in sorted(range(header.count()), key=header.visualIndex):
            title = str(self._model.headerData(logical, Qt.Orientation.Horizontal) or "") or _("(no title)")
            action = menu.addAction(title)
            action.setCheckable(True)
            shown = not header.isSectionHidden(logical)
            action.setChecked(shown)
            action.setEnabled(not (shown and visible <= 1))
            action.toggled.connect(lambda on, column=logical: self.set_column_shown(column, on))
        return menu

    def set_column_shown(self, column: int, shown: bool) -> None:
        header = self.horizontalHeader()
        if not shown and header.count() - header.hiddenSectionCount() <= 1:
            return
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < 20:
            width = self._model.columns[column].width
            header.resizeSection(column, width or header.defaultSectionSize())

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Delete):
            record_id = self.selected_id()
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if record_id is not None and plain:
                signal = self.delete_requested if event.key() == Qt.Key.Key_Delete else self.open_requested
                signal.emit(record_id)
                return
        super().keyPressEvent(event)

    def _column_menu(self, position: QPoint) -> None:
        self.column_menu().exec(self.horizontalHeader().mapToGlobal(position))

    def _restore_sort_indicator(self) -> None:
        column, order = self._sort_state
        self.set_sort_state(column, order == Qt.SortOrder.DescendingOrder)

    def _remember_selection(self) -> None:
        self._pending_id = self.selected_id()

    def _restore_selection(self) -> None:
        # Never scroll here: a refresh must not move the list under the user's eyes.
        record_id, self._pending_id = self._pending_id, None
        if record_id is not None and self.select_id(record_id, scroll=False):
            return
        self.current_id_changed.emit(None)

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.current_id_changed.emit(self._model.row_id(current.row()) if current.isValid() else None)

    def _on_double_click(self, index: QModelIndex) -> None:
        record_id = self._model.row_id(index.row())
        if record_id is not None:
            self.open_requested.emit(record_id)

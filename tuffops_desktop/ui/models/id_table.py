"""A thin table model over a list of record ids, with rows fetched lazily in blocks.

Lists can hold every customer (20,000+) or unit (60,000+) of a company. The service
answers the *ids* of a query in SQL, already searched, filtered and sorted (tens of
milliseconds); the model fetches full rows only for the blocks the view paints
(``rows(ids_chunk)``, 200 ids per call). There is no ``QSortFilterProxyModel``: a proxy
over a Python model calls ``data()`` millions of times to sort 100k rows (27 s measured).
Clicking a header therefore emits ``sort_requested`` and the page asks SQL again.

With ``ops`` given (every page does), blocks are fetched in the background: ``data()``
never touches the database, a row not fetched yet shows a placeholder ("…"), and the
block is painted when it arrives. ``update_rows`` / ``insert_ids`` / ``remove_ids`` apply
row-level changes (from the change feed) without a reset, so selection, scroll position
and open editors stay as they are.

A long list may arrive in two steps (``services.listing.FirstIds``): ``set_ids(first ids,
total=N)`` shows N rows at once, the rows past the known ids as placeholders, and
``complete_ids(every id)`` fills them in when the whole list has come in the background.
"""

from __future__ import annotations

import bisect
import logging
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFontDatabase, QIcon

from tuffops_desktop.ui.models.columns import Column
from tuffops_desktop.ui.models.roles import RowIdRole, SortKeyRole, TagColourRole
from tuffops_desktop.ui.widgets.swatch import type_icon

if TYPE_CHECKING:
    from tuffops_desktop.ui.ops import Ops
    from tuffops_desktop.ui.tasks import Task

log = logging.getLogger(__name__)

R = TypeVar("R")

DEFAULT_BLOCK_SIZE = 200
MAX_ROW_CHANGES = 200  # more row moves than this in one update: reset instead
DEFAULT_MAX_BLOCKS = 64  # 12,800 cached rows; older blocks are dropped and re-fetched on demand
MUTED_TEXT = QColor("#9ca3af")

AnyIndex = QModelIndex | QPersistentModelIndex


class IdTableModel(QAbstractTableModel, Generic[R]):
    """Rows are ids; row data comes from ``fetch_rows(ids)`` one block at a time.

    Args:
        columns: the column specs.
        fetch_rows: returns the row DTOs for a chunk of ids (any order; ids that no
            longer exist may be missing and show as an empty placeholder row).
        block_size: ids per fetch.
        muted: rows shown greyed (deactivated customers, retired units).
        ops: fetch blocks in the background through ``ops.run`` (None: synchronously,
            for small in-memory sources and model tests).

    Signals:
        sort_requested(str, bool): the user clicked a sortable header (sort key, descending).
        sort_refused(): the user clicked a header that cannot be sorted.
        fetch_failed(object): fetching a block raised this exception (reported later,
            outside painting; the rows show as placeholders until the next reset).
    """

    sort_requested = Signal(str, bool)
    sort_refused = Signal()
    fetch_failed = Signal(object)
    _fetch_error = Signal(object)  # queued to ``fetch_failed``: never report while painting

    def __init__(
        self,
        columns: Sequence[Column[R]],
        fetch_rows: Callable[[Sequence[int]], Sequence[R]],
        *,
        block_size: int = DEFAULT_BLOCK_SIZE,
        max_blocks: int = DEFAULT_MAX_BLOCKS,
        muted: Callable[[R], bool] | None = None,
        id_of: Callable[[R], int] = attrgetter("id"),
        ops: Ops | None = None,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._loading: dict[int, Task] = {}
        self._generation = 0
        self._columns = list(columns)
        self._fetch_rows = fetch_rows
        self._block_size = block_size
        self._max_blocks = max_blocks
        self._muted = muted
        self._id_of = id_of
        self._ids: list[int] = []
        self._pending = 0  # rows listed after the known ids whose ids have not arrived yet
        self._row_of: dict[int, int] | None = None
        self._blocks: OrderedDict[int, dict[int, R]] = OrderedDict()
        self._failed_blocks: set[int] = set()
        self._fixed_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._swatches: dict[str, QIcon] = {}
        self._fetch_error.connect(self.fetch_failed, Qt.ConnectionType.QueuedConnection)

    # ----------------------------------------------------------------- public API
    @property
    def columns(self) -> list[Column[R]]:
        return self._columns

    def set_ids(self, ids: Sequence[int], first_rows: Sequence[R] | None = None, *, total: int | None = None) -> None:
        """Show exactly these records, in this order (the answer of a new query).

        ``first_rows``: the rows of the first block, fetched with the ids (the first paint
        then needs no second trip to the database). ``total``: the list has this many
        records and ``ids`` are the first of them; the others show as placeholders until
        ``complete_ids``."""
        self.beginResetModel()
        self._ids = list(ids)
        self._pending = max(0, (total if total is not None else len(self._ids)) - len(self._ids))
        self._row_of = None
        self._forget_blocks()
        if first_rows is not None and self._ids:
            self._blocks[0] = {self._id_of(r): r for r in first_rows}
        self.endResetModel()

    def complete_ids(self, ids: Sequence[int]) -> None:
        """Every id of the list, after ``set_ids(first ids, total=…)``: when they continue
        the known ids, the placeholder rows become rows in place; when the list changed
        meanwhile, the model becomes ``ids`` (the table keeps its selection by id)."""
        if not self._pending:
            self.apply_ids(ids)
            return
        known = len(self._ids)
        if len(ids) != known + self._pending or list(ids[:known]) != self._ids:
            self.set_ids(ids)
            return
        self._ids = list(ids)
        self._pending = 0
        self._row_of = None
        if len(self._ids) > known:
            self.dataChanged.emit(self.index(known, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))

    @property
    def complete(self) -> bool:
        """False while rows are placeholders for ids that have not arrived (``complete_ids``)."""
        return not self._pending

    @property
    def block_size(self) -> int:
        return self._block_size

    def fetch_rows(self, ids: Sequence[int]) -> Sequence[R]:
        """The model's row fetcher (for a caller that fetches the first block with the ids)."""
        return self._fetch_rows(ids)

    def loading(self) -> bool:
        """True while a block fetch is on its way."""
        return bool(self._loading)

    def update_rows(self, ids: Iterable[int]) -> None:
        """These records changed: fetch their blocks again and repaint them in place."""
        blocks = {row // self._block_size for row in (self.row_of_id(i) for i in ids) if row is not None}
        for block in sorted(blocks):
            self._failed_blocks.discard(block)
            if self._ops is None:
                self._blocks.pop(block, None)
                self._emit_block_changed(block)
            elif block in self._blocks or block in self._loading:
                self._request_block(block, refresh=True)

    def insert_ids(self, at: int, ids: Sequence[int]) -> None:
        """Insert records at row ``at`` (rows below move down; cached blocks are re-fetched)."""
        if not ids:
            return
        at = max(0, min(at, len(self._ids)))
        self.beginInsertRows(QModelIndex(), at, at + len(ids) - 1)
        self._ids[at:at] = list(ids)
        self._row_of = None
        self._shift_blocks_from(at)
        self.endInsertRows()

    def apply_ids(self, new_ids: Sequence[int]) -> None:
        """Become ``new_ids`` (a re-query's answer) by removing and inserting rows, not by a
        reset: rows that stay keep their selection and cached data. Rows whose order
        changed are moved (removed and inserted); many differences fall back to a reset."""
        new_ids = list(new_ids)
        if self._pending:
            self.complete_ids(new_ids)
            return
        if new_ids == self._ids:
            return
        new_set = set(new_ids)
        position = {record_id: n for n, record_id in enumerate(new_ids)}
        staying = [i for i in self._ids if i in new_set]
        keep = set(_longest_increasing(staying, position))
        gone = [i for i in self._ids if i not in keep]
        if len(gone) + (len(new_ids) - len(keep)) > MAX_ROW_CHANGES:
            self.set_ids(new_ids)
            return
        self.remove_ids(gone)
        n = 0
        while n < len(new_ids):
            if new_ids[n] in keep:
                n += 1
                continue
            run_end = n
            while run_end < len(new_ids) and new_ids[run_end] not in keep:
                run_end += 1
            self.insert_ids(n, new_ids[n:run_end])
            n = run_end

    def remove_ids(self, ids: Iterable[int]) -> None:
        """Remove these records' rows (one contiguous range at a time)."""
        rows = sorted((r for r in (self.row_of_id(i) for i in set(ids)) if r is not None), reverse=True)
        for row in rows:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._ids[row]
            self._row_of = None
            self._shift_blocks_from(row)
            self.endRemoveRows()

    def ids(self) -> list[int]:
        return list(self._ids)

    def row_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of_id(self, record_id: int) -> int | None:
        if self._row_of is None:
            self._row_of = {rid: n for n, rid in enumerate(self._ids)}
        return self._row_of.get(record_id)

    def row_data(self, row: int) -> R | None:
        """The DTO of ``row``; fetched now (synchronously) when its block is not cached
        (None: gone or fetch failed). Painting uses ``cached_row`` instead."""
        return self._row(row, wait=True)

    def cached_row(self, row: int) -> R | None:
        """The DTO of ``row`` if its block is here; otherwise ask for the block (in the
        background when the model has ``ops``) and answer None for now."""
        return self._row(row, wait=self._ops is None)

    def _row(self, row: int, *, wait: bool) -> R | None:
        if not 0 <= row < len(self._ids):
            return None
        block = row // self._block_size
        rows = self._blocks.get(block)
        if rows is None:
            if block in self._failed_blocks:
                return None
            if not wait:
                self._request_block(block)
                return None
            rows = self._load_block(block)
            if rows is None:
                return None
        else:
            self._blocks.move_to_end(block)
        return rows.get(self._ids[row])

    def reload_rows(self) -> None:
        """Fetch the cached rows again (after an edit); they stay on screen meanwhile."""
        self._failed_blocks.clear()
        if self._ops is None:
            self._blocks.clear()
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._columns) - 1))
            return
        for block in list(self._blocks):
            self._request_block(block, refresh=True)

    def sort_key_of(self, column: int) -> str:
        return self._columns[column].sort_key if 0 <= column < len(self._columns) else ""

    def column_of_sort_key(self, sort_key: str) -> int:
        for n, column in enumerate(self._columns):
            if column.sort_key == sort_key:
                return n
        return -1

    # ----------------------------------------------------------------- Qt overrides
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids) + self._pending

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount() or index.column() >= len(self._columns):
            return None
        if index.row() >= len(self._ids):  # its id has not arrived yet
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == RowIdRole:
            return self._ids[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.FontRole:
            return self._fixed_font if column.monospace else None
        if role not in _ROW_ROLES:
            return None
        row = self.cached_row(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole and index.column() == 0 else None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.value(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tooltip(row) if column.tooltip else None
        if role == Qt.ItemDataRole.DecorationRole:
            if column.decoration is not None:
                return column.decoration(row)
            colour = column.swatch(row) if column.swatch else None
            return self._swatch(colour) if colour else None
        if role == TagColourRole:
            return column.tag(row) if column.tag else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._muted is not None and self._muted(row):
                return QBrush(MUTED_TEXT)
            colour = column.foreground(row) if column.foreground else None
            return QBrush(QColor(colour)) if colour else None
        if role == SortKeyRole:
            return column.sort_value(row) if column.sort_value else column.value(row)
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,  # noqa: N802
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.header
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole:
            unsortable = "" if column.sort_key else f"{column.header} (not sortable)"
            return "\n".join(t for t in (column.header_tooltip, unsortable) if t) or None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the page to re-query in SQL; the model never sorts rows itself."""
        key = self.sort_key_of(column)
        if not key:
            self.sort_refused.emit()
            return
        self.sort_requested.emit(key, order == Qt.SortOrder.DescendingOrder)

    # ----------------------------------------------------------------- helpers
    def _load_block(self, block: int) -> dict[int, R] | None:
        chunk = self._ids[block * self._block_size : (block + 1) * self._block_size]
        try:
            fetched = self._fetch_rows(chunk)
        except Exception as exc:  # noqa: BLE001 - reported outside painting, rows become placeholders
            self._failed_blocks.add(block)
            self._fetch_error.emit(exc)
            return None
        rows = {self._id_of(r): r for r in fetched}
        self._blocks[block] = rows
        while len(self._blocks) > self._max_blocks:
            self._blocks.popitem(last=False)
        return rows

    def _request_block(self, block: int, *, refresh: bool = False) -> None:
        """Fetch ``block`` in the background; ``refresh``: even when it is cached."""
        if self._ops is None or (not refresh and (block in self._loading or block in self._blocks)):
            return
        if block in self._loading:  # its answer may predate the change: ask again
            self._loading.pop(block).cancel()
        chunk = self._ids[block * self._block_size : (block + 1) * self._block_size]
        if not chunk:
            return
        generation = self._generation
        self._loading[block] = self._ops.run(
            self._fetch_rows,
            chunk,
            parent=None,
            owner=self,
            report=False,
            on_done=lambda fetched: self._block_arrived(generation, block, fetched),
            on_failed=lambda exc: self._block_failed(generation, block, exc),
        )

    def _block_arrived(self, generation: int, block: int, fetched: Sequence[R]) -> None:
        if generation != self._generation:
            return
        self._loading.pop(block, None)
        self._blocks[block] = {self._id_of(r): r for r in fetched}
        self._blocks.move_to_end(block)
        while len(self._blocks) > self._max_blocks:
            self._blocks.popitem(last=False)
        self._emit_block_changed(block)

    def _block_failed(self, generation: int, block: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading.pop(block, None)
        self._failed_blocks.add(block)
        self.fetch_failed.emit(exc)
        self._emit_block_changed(block)

    def _emit_block_changed(self, block: int) -> None:
        first = block * self._block_size
        last = min(first + self._block_size, len(self._ids)) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._columns) - 1))

    def _forget_blocks(self) -> None:
        """Drop every cached block and every fetch on its way (the ids changed)."""
        self._generation += 1
        for task in self._loading.values():
            task.cancel()
        self._loading.clear()
        self._blocks.clear()
        self._failed_blocks.clear()

    def _shift_blocks_from(self, row: int) -> None:
        """Rows from ``row`` on moved: re-cut the cached blocks from there by the new row
        numbers (rows stay readable by id meanwhile) and fetch them again."""
        first_stale = row // self._block_size
        carried: dict[int, R] = {}
        for block in [b for b in self._blocks if b >= first_stale]:
            carried.update(self._blocks.pop(block))
        for block in [b for b in self._loading if b >= first_stale]:
            self._loading.pop(block).cancel()
        self._failed_blocks = {b for b in self._failed_blocks if b < first_stale}
        if not carried:
            return
        for block in range(first_stale, (len(self._ids) - 1) // self._block_size + 1):
            ids = self._ids[block * self._block_size : (block + 1) * self._block_size]
            present = {i: carried[i] for i in ids if i in carried}
            if present:
                self._blocks[block] = present
                self._request_block(block, refresh=True)

    def _swatch(self, colour: str) -> QIcon:
        icon = self._swatches.get(colour)
        if icon is None:
            icon = self._swatches[colour] = type_icon(colour)
        return icon


def _longest_increasing(ids: list[int], position: dict[int, int]) -> list[int]:
    """The longest run of ``ids`` already in the order of ``position`` (patience sorting):
    these rows stay; every other one moves."""
    tails: list[int] = []  # position values
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(ids)
    for n, record_id in enumerate(ids):
        p = position[record_id]
        k = bisect.bisect_left(tails, p)
        if k == len(tails):
            tails.append(p)
            tail_index.append(n)
        else:
            tails[k] = p
            tail_index[k] = n
        previous[n] = tail_index[k - 1] if k > 0 else -1
    result: list[int] = []
    n = tail_index[-1] if tail_index else -1
    while n >= 0:
        result.append(ids[n])
        n = previous[n]
    return result[::-1]


_ROW_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ForegroundRole,
        TagColourRole,
        SortKeyRole,
    }
)

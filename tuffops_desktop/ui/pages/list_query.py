"""The query behind a list page: search text, filter, sort, "show inactive".

``ListController`` keeps the page's ``ListQuery``, asks the service for the matching ids
(through ``Ops``: off the GUI thread, and a lost connection shows the banner) and hands
them to the model; a query that failed emits ``failed`` so the page can say so.
Header clicks arrive here as ``sort_requested`` and become a new SQL query.

A list of 200,000 records is listed in two steps when the service has ``first_ids``: one
trip brings the count, the first ``FIRST_IDS`` ids and the rows of the first block, and
the page paints them; every id then comes in the background (``list_ids``) and fills in
the rows below. When the record to keep selected lies beyond the first ids, the first
trip brings every id instead, so the selection never jumps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tuffops_desktop.services.listing import FirstIds, ListQuery
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.tasks import Task
from tuffops_desktop.ui.widgets.data_table import DataTable

FIRST_IDS = 1000  # ids of the first trip: a few screens, so scrolling a little never waits


class ListController(QObject):
    """Runs a page's list query and feeds the model.

    Signals:
        listed(int): the query answered this many records.
        failed(str): the query failed (the error was shown); the list keeps what it had.
    """

    listed = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        ops: Ops,
        page: QWidget,
        model: IdTableModel,
        table: DataTable,
        list_ids: Callable[[ListQuery], list[int]],
        query: ListQuery,
        first_ids: Callable[[ListQuery, int], FirstIds] | None = None,
    ) -> None:
        super().__init__(page)
        self._ops = ops
        self._page = page
        self._model = model
        self._table = table
        self._list_ids = list_ids
        self._first_ids = first_ids
        self._rest: Task | None = None  # every id, on its way after the first ones
        self._query = query
        self._deferred = False
        self.last_query_seconds = 0.0
        model.sort_requested.connect(self._on_sort_requested)
        model.fetch_failed.connect(lambda exc: ops.report(exc, page))
        table.enable_sql_sorting(max(model.column_of_sort_key(query.sort), 0), query.descending)

    @property
    def query(self) -> ListQuery:
        return self._query

    def update(self, **changes: Any) -> None:
        """Change part of the query (``text=…``, ``sort=…``) and list again."""
        self.set_query(replace(self._query, **changes))

    def set_query(self, query: ListQuery) -> None:
        """List ``query`` (nothing happens when it is the query already listed)."""
        if query != self._query:
            self._query = query
            if not self._deferred:
                self.refresh()

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """Collect several query changes (search, filters, sort) and list once at the end,
        only when the query changed."""
        before, self._deferred = self._query, True
        try:
            yield
        finally:
            self._deferred = False
            if self._query != before:
                self.refresh()

    def refresh(self, keep: int | None = None) -> bool:
        """Ask the service again; keeps the selected record (or ``keep``) selected when
        still listed."""
        started = time.perf_counter()
        self._drop_rest()
        keep = keep if keep is not None else self._table.selected_id()
        result = self._ops.call(self._first_screen, self._query, keep, parent=self._page)
        if not result.ok or result.value is None:
            error = result.error
            self.failed.emit(getattr(error, "message", None) or str(error))
            return False
        first, first_rows = result.value
        self._model.set_ids(first.ids, first_rows, total=first.total)
        self._table.set_sort_state(max(self._model.column_of_sort_key(self._query.sort), 0), self._query.descending)
        self.last_query_seconds = time.perf_counter() - started
        self.listed.emit(first.total)
        if not first.complete:
            query = self._query
            self._rest = self._ops.run(
                self._list_ids, query, parent=self._page, on_done=lambda ids: self._rest_arrived(query, ids)
            )
        return True

    def complete(self) -> bool:
        """Wait for every id of the list (a record asked for from elsewhere may lie
        beyond the first ones); False when that failed."""
        if self._model.complete:
            return True
        self._drop_rest()
        result = self._ops.call(self._list_ids, self._query, parent=self._page)
        if not result.ok or result.value is None:
            return False
        self._model.complete_ids(result.value)
        self.listed.emit(self._model.rowCount())
        return True

    def _first_screen(self, query: ListQuery, keep: int | None) -> tuple[FirstIds, Sequence[Any]]:
        """On the runner, in one trip: the count and the first ids (every id when the
        service cannot list in steps, or when ``keep`` is not among the first), and the
        rows of the first block."""
        first = None if self._first_ids is None else self._first_ids(query, FIRST_IDS)
        if first is None or (keep is not None and not first.complete and keep not in first.ids):
            ids = self._list_ids(query)
            first = FirstIds(len(ids), ids)
        block = first.ids[: self._model.block_size]
        return first, self._model.fetch_rows(block) if block else []

    def _rest_arrived(self, query: ListQuery, ids: list[int]) -> None:
        self._rest = None
        if query != self._query or self._model.complete:
            return  # a newer listing (or a live update's) is on screen
        self._model.complete_ids(ids)
        self.listed.emit(len(ids))

    def _drop_rest(self) -> None:
        if self._rest is not None:
            self._rest.cancel()
            self._rest = None

    def _on_sort_requested(self, key: str, descending: bool) -> None:
        if (key, descending) == (self._query.sort, self._query.descending):
            return
        self.update(sort=key, descending=descending)

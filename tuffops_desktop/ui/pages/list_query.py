"""The query behind a list page: search text, filter, sort, "show inactive".

``ListController`` keeps the page's ``ListQuery``, asks the service for the matching ids
(through ``Ops``: off the GUI thread, and a lost connection shows the banner) and hands
them to the model; a query that failed emits ``failed`` so the page can say so.
Header clicks arrive here as ``sort_requested`` and become a new SQL query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.widgets.data_table import DataTable


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
    ) -> None:
        super().__init__(page)
        self._ops = ops
        self._page = page
        self._model = model
        self._table = table
        self._list_ids = list_ids
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

    def refresh(self) -> bool:
        """Ask the service again; keeps the selected record selected when still listed."""
        started = time.perf_counter()
        result = self._ops.call(self._ids_and_first_rows, self._query, parent=self._page)
        if not result.ok or result.value is None:
            error = result.error
            self.failed.emit(getattr(error, "message", None) or str(error))
            return False
        ids, first_rows = result.value
        self._model.set_ids(ids, first_rows)
        self._table.set_sort_state(max(self._model.column_of_sort_key(self._query.sort), 0), self._query.descending)
        self.last_query_seconds = time.perf_counter() - started
        self.listed.emit(len(ids))
        return True

    def _ids_and_first_rows(self, query: ListQuery) -> tuple[list[int], Sequence[Any]]:
        """On the runner: the ids, and the rows of the first block, in one trip."""
        ids = self._list_ids(query)
        return ids, self._model.fetch_rows(ids[: self._model.block_size]) if ids else []

    def _on_sort_requested(self, key: str, descending: bool) -> None:
        if (key, descending) == (self._query.sort, self._query.descending):
            return
        self.update(sort=key, descending=descending)

"""The lazy id-list model: Qt's model tester, block fetching, SQL sorting requests."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt

from tuffops_desktop.errors import DatabaseUnavailable
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.models.id_table import IdTableModel
from tuffops_desktop.ui.models.roles import RowIdRole, SortKeyRole, TagColourRole
from tuffops_desktop.ui.pages.customers.columns import customer_columns
from tuffops_desktop.ui.pages.units.columns import unit_columns


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    size: int


COLUMNS = [
    Column("Name", lambda r: r.name, "name", tag=lambda r: "#2e9d4f"),
    Column("Size", lambda r: str(r.size), "size", align=RIGHT, sort_value=lambda r: r.size),
    Column("Code", lambda r: f"C{r.id}"),
]


class Source:
    def __init__(self) -> None:
        self.calls: list[list[int]] = []

    def rows(self, ids):  # noqa: ANN001, ANN201
        self.calls.append(list(ids))
        return [Row(i, f"row {i}", i * 10) for i in ids if i != 13]  # 13 was deleted meanwhile


def test_model_tester_on_generic_model(qtmodeltester):
    model = IdTableModel(COLUMNS, Source().rows, block_size=7)
    model.set_ids(list(range(1, 40)))
    qtmodeltester.check(model, force_py=True)


def test_model_tester_on_real_customer_and_unit_lists(qtmodeltester, demo):
    services = demo.services_as("office")
    customers = IdTableModel(customer_columns(), services.customers.rows, block_size=8)
    customers.set_ids(services.customers.list_ids(ListQuery()))
    qtmodeltester.check(customers, force_py=True)
    units = IdTableModel(unit_columns(), services.units.rows, block_size=8)
    units.set_ids(services.units.list_ids(ListQuery(sort="customer")))
    qtmodeltester.check(units, force_py=True)


def test_rows_are_fetched_one_block_at_a_time():
    source = Source()
    model = IdTableModel(COLUMNS, source.rows, block_size=10)
    model.set_ids(list(range(100, 0, -1)))
    assert source.calls == []
    assert model.data(model.index(0, 0)) == "row 100"
    assert model.data(model.index(9, 1)) == "910"
    assert source.calls == [list(range(100, 90, -1))]
    assert model.data(model.index(95, 0)) == "row 5"
    assert len(source.calls) == 2
    assert model.data(model.index(95, 0), RowIdRole) == 5
    assert model.data(model.index(95, 1), SortKeyRole) == 50
    assert model.data(model.index(95, 0), TagColourRole) == "#2e9d4f"
    assert model.data(model.index(95, 1), Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT)


def test_a_vanished_row_shows_as_placeholder():
    model = IdTableModel(COLUMNS, Source().rows, block_size=10)
    model.set_ids([12, 13, 14])
    assert model.data(model.index(1, 0)) == "…"
    assert model.data(model.index(1, 1)) is None
    assert model.row_data(2) == Row(14, "row 14", 140)


def test_a_failed_fetch_is_reported_once_outside_painting(qtbot):
    calls = []

    def failing(ids):  # noqa: ANN001, ANN202
        calls.append(ids)
        raise DatabaseUnavailable("Cannot reach the database: connection refused")

    model = IdTableModel(COLUMNS, failing, block_size=10)
    model.set_ids([1, 2, 3])
    with qtbot.waitSignal(model.fetch_failed, timeout=1000) as blocker:
        assert model.data(model.index(0, 0)) == "…"
        assert model.data(model.index(1, 0)) == "…"
    assert isinstance(blocker.args[0], DatabaseUnavailable)
    assert len(calls) == 1
    model.reload_rows()
    model.data(model.index(0, 0))
    assert len(calls) == 2


def test_sort_asks_for_an_sql_query_instead_of_sorting(qtbot):
    model = IdTableModel(COLUMNS, Source().rows)
    model.set_ids([3, 1, 2])
    with qtbot.waitSignal(model.sort_requested) as blocker:
        model.sort(1, Qt.SortOrder.DescendingOrder)
    assert blocker.args == ["size", True]
    assert model.ids() == [3, 1, 2]
    with qtbot.waitSignal(model.sort_refused):
        model.sort(2, Qt.SortOrder.AscendingOrder)


def test_a_block_arriving_after_the_model_was_deleted_is_dropped(qtbot, kit):
    """A page closed (or rebuilt) while a block of rows was on its way: the answer finds no
    model and must be dropped, not raise 'Internal C++ object already deleted'."""
    import threading

    import shiboken6

    release = threading.Event()

    def slow(ids):  # noqa: ANN001, ANN202
        release.wait(5)
        return [Row(i, f"row {i}", i) for i in ids]

    model = IdTableModel(COLUMNS, slow, block_size=10, ops=kit.ops)
    model.set_ids([1, 2, 3])
    assert model.data(model.index(0, 0)) == "…"  # asks for the block in the background
    shiboken6.delete(model)
    release.set()
    qtbot.wait(300)  # the answer arrives; pytest-qt fails the test on an exception in the loop

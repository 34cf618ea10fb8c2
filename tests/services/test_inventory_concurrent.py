"""The last units, taken by several workstations at the same moment: real concurrent
connections (threads, each with its own engine) on SQLite and PostgreSQL, and two OS
processes on SQLite. Exactly what was available is handed out; stock never goes negative."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from tests.conftest import new_database_url
from tests.services.inventory_support import stockroom, wait_until_ready
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.services.registry import Services

WORKSTATIONS = 8


def _race(db_url: str, attempt: Callable[[Services, int], object]) -> tuple[int, list[str], list[BaseException]]:
    """Every workstation calls ``attempt(station, n)`` at once; returns (successes, refusals, errors)."""
    stations = [system_services(open_database(db_url)) for _ in range(WORKSTATIONS)]
    for station in stations:
        station.users.count()  # connected before the barrier
    barrier = threading.Barrier(WORKSTATIONS)
    lock = threading.Lock()
    took: list[int] = []
    refused: list[str] = []
    errors: list[BaseException] = []

    def work(station: Services, n: int) -> None:
        barrier.wait()
        try:
            attempt(station, n)
        except ValidationError as exc:
            with lock:
                refused.append(exc.field_errors.get("quantity", ""))
            return
        except BaseException as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
            return
        with lock:
            took.append(n)

    threads = [threading.Thread(target=work, args=(s, n)) for n, s in enumerate(stations)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    for station in stations:
        station.ctx.db.engine.dispose()
    return len(took), refused, errors


def test_workstations_consuming_the_last_units_at_once(db_url):
    setup = system_services(open_database(db_url))
    room = stockroom(setup, on_hand="5")
    took, refused, errors = _race(db_url, lambda s, _n: s.inventory.consume(room.part_id, room.warehouse_id, "1"))
    assert errors == []
    assert took == 5 and len(refused) == WORKSTATIONS - 5
    assert all(r.startswith("Only 0 of part P-100 are available at Warehouse") for r in refused), refused
    [row] = setup.inventory.stock(room.part_id)
    assert (row.on_hand, row.reserved, row.available) == (Decimal(0), Decimal(0), Decimal(0))
    setup.ctx.db.engine.dispose()


def test_workstations_reserving_and_consuming_the_last_units_at_once(db_url):
    """Half reserve for a work order, half consume free stock, 2 units each, 7 on hand:
    whatever the order, exactly 3 actions succeed and nothing goes below zero."""
    setup = system_services(open_database(db_url))
    room = stockroom(setup, on_hand="7")

    def attempt(station: Services, n: int) -> object:
        if n % 2:
            return station.inventory.reserve(room.part_id, room.warehouse_id, room.work_order_id, "2")
        return station.inventory.consume(room.part_id, room.warehouse_id, "2")

    took, refused, errors = _race(db_url, attempt)
    assert errors == []
    assert took == 3 and len(refused) == WORKSTATIONS - 3
    [row] = setup.inventory.stock(room.part_id)
    assert row.on_hand >= row.reserved >= 0
    assert row.available == Decimal(1)
    setup.ctx.db.engine.dispose()


def test_two_processes_on_sqlite_take_the_last_units(request, tmp_path):
    url = new_database_url("sqlite", request, tmp_path)
    setup = system_services(open_database(url))
    room = stockroom(setup, on_hand="15")
    setup.ctx.db.engine.dispose()
    start = tmp_path / "go"
    root = Path(__file__).resolve().parents[2]
    args = [str(start), str(room.part_id), str(room.warehouse_id), "10"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.services.stock_taker", url, *args],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    wait_until_ready(start, len(procs))  # both have opened the database (a loaded machine may take seconds)
    start.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    lines = [line for out, _err in outputs for line in out.split("\n")]
    assert lines.count("took") == 15 and lines.count("refused") == 5
    spans = [
        [float(line.split()[1]) for line in out.split("\n") if line.startswith(("start", "end"))]
        for out, _err in outputs
    ]
    assert max(span[0] for span in spans) < min(span[1] for span in spans), spans  # they overlapped
    [row] = system_services(open_database(url)).inventory.stock(room.part_id)
    assert (row.on_hand, row.available) == (Decimal(0), Decimal(0))

"""Gapless invoice numbers when workstations issue at the same moment: real concurrent
connections (threads) on SQLite and PostgreSQL, and two OS processes on SQLite."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import new_database_url
from tests.services.inventory_support import wait_until_ready
from tests.services.invoice_support import completed_work_order, customer_with_unit
from tuffops_desktop.bootstrap import open_database, system_services

WORKSTATIONS = 6
EACH = 3


def _expected(services, count: int) -> list[str]:
    year = services.ctx.today().year
    return [f"INV-{year}-{n:05d}" for n in range(1, count + 1)]


def test_workstations_issuing_at_once_get_consecutive_numbers(db_url):
    setup = system_services(open_database(db_url))
    _customer, unit_id = customer_with_unit(setup)
    orders = [completed_work_order(setup, unit_id) for _ in range(WORKSTATIONS * EACH)]
    stations = [system_services(open_database(db_url)) for _ in range(WORKSTATIONS)]
    barrier = threading.Barrier(WORKSTATIONS)
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(station, mine: list[int]) -> None:
        versions = {o: station.work_orders.get(o).version for o in mine}
        barrier.wait()
        for order_id in mine:
            try:
                number = station.invoices.issue(order_id, expected_version=versions[order_id]).number
            except BaseException as exc:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(exc)
                continue
            with lock:
                numbers.append(number)

    threads = [
        threading.Thread(target=work, args=(station, orders[i * EACH : (i + 1) * EACH]))
        for i, station in enumerate(stations)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(numbers) == _expected(setup, WORKSTATIONS * EACH)  # no gap, no duplicate
    for order_id in orders:
        assert setup.work_orders.get(order_id).status == "billed"
    for s in [setup, *stations]:
        s.ctx.db.engine.dispose()


def test_two_processes_on_sqlite_issue_at_the_same_moment(request, tmp_path):
    url = new_database_url("sqlite", request, tmp_path)
    setup = system_services(open_database(url))
    _customer, unit_id = customer_with_unit(setup)
    orders = [completed_work_order(setup, unit_id) for _ in range(16)]
    setup.ctx.db.engine.dispose()
    start = tmp_path / "go"
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.services.invoice_issuer", url, str(start), *map(str, part)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (orders[0::2], orders[1::2])
    ]
    wait_until_ready(start, len(procs))  # both have opened the database (a loaded machine may take seconds)
    start.touch()
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
    per_process = [[line for line in out.split("\n") if line.startswith("INV-")] for out, _err in outputs]
    assert [len(p) for p in per_process] == [8, 8]
    assert sorted(n for p in per_process for n in p) == _expected(setup, 16)  # no gap, no duplicate
    # the two processes were issuing at the same time: each started before the other ended
    spans = [
        [float(line.split()[1]) for line in out.split("\n") if line.startswith(("start", "end"))]
        for out, _err in outputs
    ]
    assert max(span[0] for span in spans) < min(span[1] for span in spans), spans

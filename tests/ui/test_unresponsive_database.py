"""The window stays alive when PostgreSQL is stopped or hung (its processes paused with
SIGSTOP: connections are accepted by the kernel and never answered).

A 50 ms timer on the GUI thread measures the longest gap while the user saves a dialog,
types a search and switches pages: no gap may exceed 250 ms. The banner appears within
5 s, the failed save says so in its dialog, the failed search says so on the page, and
everything comes back when the server does. Uses its own throwaway cluster, since
pausing the shared one would stall every other test.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy.engine import make_url

from tests.pgcluster import Cluster, start_cluster
from tests.ui.conftest import ANONYMOUS, FakePrompts
from tests.ui.gap_meter import GapMeter
from tuffops_desktop.app import database_probe
from tuffops_desktop.bootstrap import open_database, services_for, system_services
from tuffops_desktop.services.demo import seed_demo
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.connection import ConnectionMonitor
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.pages.customers.dialogs import CustomerDialog
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.tasks import TaskRunner

MAX_GAP_S = 0.25
BANNER_WITHIN_S = 5.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text(encoding="utf-8")
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):  # a backend that ended meanwhile
        os.kill(pid, sig)


@dataclass
class Server:
    """Pause, resume, stop and start the test's own cluster."""

    cluster: Cluster

    @property
    def data(self) -> str:
        return os.path.join(self.cluster._base, "data")  # noqa: SLF001 - the test's own cluster

    def postmaster(self) -> int:
        return int(Path(self.data, "postmaster.pid").read_text(encoding="utf-8").split()[0])

    def pause(self) -> None:
        main = self.postmaster()
        os.kill(main, signal.SIGSTOP)  # first: it starts no new backend while paused
        for pid in _children(main):
            _signal(pid, signal.SIGSTOP)

    def resume(self) -> None:
        main = self.postmaster()
        for pid in _children(main):
            _signal(pid, signal.SIGCONT)
        os.kill(main, signal.SIGCONT)

    def stop(self) -> None:
        self._pg_ctl("-m", "immediate", "-w", "stop")

    def start(self) -> None:
        port = make_url(self.cluster.url).port
        base = self.cluster._base  # noqa: SLF001
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c max_connections=200 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", f"{base}/server.log", "-w", "-o", options, "start")

    def _pg_ctl(self, *args: str) -> None:
        c = self.cluster
        subprocess.run(
            c._wrap + [f"{c._bindir}/pg_ctl", "-D", self.data, *args],  # noqa: SLF001
            check=True,
            capture_output=True,
        )


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Server, Services]]:
    cluster = start_cluster()
    db = open_database(cluster.create_database("responsive"))
    try:
        result = seed_demo(system_services(db).ctx, customers=30)
        actor = services_for(db, ANONYMOUS).users.authenticate("office", result.passwords["office"])
        yield Server(cluster), services_for(db, actor)
    finally:
        db.engine.dispose()
        cluster.stop()


@dataclass
class App:
    window: MainWindow
    ops: Ops
    prompts: FakePrompts
    services: Services


@pytest.fixture
def app(qtbot, server) -> Iterator[App]:  # noqa: ANN001
    _server, services = server
    prompts = FakePrompts()
    runner = TaskRunner()
    monitor = ConnectionMonitor(database_probe(services.ctx.db), retry_ms=300, runner=runner)
    ops = Ops(ErrorMapper(prompts, monitor.report_lost), runner, monitor)
    window = MainWindow(services, ops, prompts, monitor, database_label="PostgreSQL · test")
    qtbot.addWidget(window)
    window.show()
    yield App(window, ops, prompts, services)
    window.close()
    monitor.shutdown()
    runner.shutdown(timeout_ms=10_000)


def _edit_dialog(qtbot, app: App) -> CustomerDialog:  # noqa: ANN001
    customer_id = app.services.customers.list_ids(ListQuery())[0]
    dialog = CustomerDialog(app.ops, app.services.customers, app.services.customers.get(customer_id), parent=app.window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.city.setText("Sandy Point Town")
    return dialog


def _user_works_while_down(qtbot, app: App, go_down, *, save_first: bool) -> tuple[float, float]:  # noqa: ANN001
    """Take the server down, then save, search and switch pages; returns (max gap, banner s)."""
    window = app.window
    customers = window.current_page()
    dialog = _edit_dialog(qtbot, app)
    go_down()
    meter = GapMeter()
    started = time.perf_counter()
    if save_first:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(customers.search, "bay")
    qtbot.waitUntil(window.banner.isVisible, timeout=int(BANNER_WITHIN_S * 1000))
    banner_after = time.perf_counter() - started
    qtbot.waitUntil(lambda: "Search failed" in customers.count_label.text(), timeout=5000)
    if not save_first:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    units = window.show_section("units")
    assert isinstance(units, UnitsPage)
    window.show_section("customers")
    max_gap = meter.stop()

    assert dialog.isVisible() and dialog.saved is None
    assert dialog.errors.form_message().startswith("Not saved:")
    assert app.prompts.calls == []  # the banner and the dialog say it; no message box
    return max_gap, banner_after


def _comes_back(qtbot, app: App) -> None:  # noqa: ANN001
    qtbot.waitUntil(lambda: not app.window.banner.isVisible(), timeout=15_000)
    customers = app.window.show_section("customers")
    qtbot.waitUntil(
        lambda: customers.model.ids() == app.services.customers.list_ids(ListQuery(text="bay", sort="name")),
        timeout=5000,
    )
    assert "Search failed" not in customers.count_label.text()
    units = app.window.show_section("units")
    qtbot.waitUntil(lambda: units.model.rowCount() > 0, timeout=5000)  # opened during the outage


@pytest.mark.parametrize("outage", ["hung", "stopped"])
def test_the_window_never_freezes_when_the_server_is(qtbot, server, app, outage):
    srv, _services = server
    go_down, come_up = (srv.pause, srv.resume) if outage == "hung" else (srv.stop, srv.start)
    try:
        max_gap, banner_after = _user_works_while_down(qtbot, app, go_down, save_first=outage == "hung")
    finally:
        come_up()
    print(f"{outage}: banner after {banner_after:.2f} s, longest GUI gap {max_gap * 1000:.0f} ms")
    assert banner_after < BANNER_WITHIN_S
    assert max_gap < MAX_GAP_S, f"the GUI thread stalled for {max_gap * 1000:.0f} ms"
    _comes_back(qtbot, app)

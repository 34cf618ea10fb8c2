"""UI test fixtures: a seeded SQLite database per test module, services per user, and
prompts that answer on script instead of opening modal dialogs."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from tuffops_desktop.bootstrap import open_database, services_for, system_services  # noqa: E402
from tuffops_desktop.db.engine import SessionFactories  # noqa: E402
from tuffops_desktop.services.context import Actor  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.registry import Services  # noqa: E402
from tuffops_desktop.ui.connection import ConnectionMonitor  # noqa: E402
from tuffops_desktop.ui.error_mapper import ErrorMapper  # noqa: E402
from tuffops_desktop.ui.ops import Ops  # noqa: E402
from tuffops_desktop.ui.prompts import ConflictChoice, Prompts  # noqa: E402
from tuffops_desktop.ui.tasks import TaskRunner  # noqa: E402

ANONYMOUS = Actor(user_id=None, username="anonymous")


@dataclass
class DemoDatabase:
    """A migrated SQLite file with ``seed_demo(customers=30)`` and its users' passwords."""

    db: SessionFactories
    url: str
    passwords: dict[str, str]
    _cache: dict[str, Services] = field(default_factory=dict)

    def authenticate(self, username: str, password: str) -> Actor:
        return services_for(self.db, ANONYMOUS).users.authenticate(username, password)

    def services_as(self, username: str) -> Services:
        """Services of a demo user, signed in through ``UserService.authenticate``."""
        if username not in self._cache:
            actor = self.authenticate(username, self.passwords[username])
            self._cache[username] = services_for(self.db, actor)
        return self._cache[username]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """``seed_demo(customers=30)`` built once per test run (it takes seconds: a year of
    history, inventory); every module gets its own copy of the file."""
    path = tmp_path_factory.mktemp("ui-demo-template") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path.as_posix()}")
    result = seed_demo(system_services(db).ctx, customers=30)
    db.engine.dispose()
    return path, dict(result.passwords)


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, demo_template: tuple[Path, dict[str, str]]
) -> Iterator[DemoDatabase]:
    template, passwords = demo_template
    path = tmp_path_factory.mktemp("ui-db") / "ui.sqlite3"
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)  # a consistent copy, whatever journal mode the template is in
    url = f"sqlite:///{path.as_posix()}"
    db = open_database(url)
    yield DemoDatabase(db=db, url=url, passwords=passwords)
    db.engine.dispose()


class FakePrompts(Prompts):
    """Records every prompt and answers from its attributes; never opens a window."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.confirm_answer = True
        self.conflict_answer = ConflictChoice.CANCEL
        self.open_path: Path | None = None
        self.save_path: Path | None = None

    def kinds(self) -> list[str]:
        return [kind for kind, _title, _text in self.calls]

    def info(self, parent, title, text):  # noqa: ANN001, ANN201
        self.calls.append(("info", title, text))

    def warning(self, parent, title, text):  # noqa: ANN001, ANN201
        self.calls.append(("warning", title, text))

    def unexpected(self, parent, text, details):  # noqa: ANN001, ANN201
        self.calls.append(("unexpected", text, details))

    def confirm(self, parent, title, text, action):  # noqa: ANN001, ANN201
        self.calls.append(("confirm", title, text))
        return self.confirm_answer

    def conflict(self, parent, text):  # noqa: ANN001, ANN201
        self.calls.append(("conflict", "", text))
        return self.conflict_answer

    def import_errors(self, parent, rows):  # noqa: ANN001, ANN201
        self.calls.append(("import_errors", "", list(rows)))

    def open_file(self, parent, title, name_filter):  # noqa: ANN001, ANN201
        self.calls.append(("open_file", title, name_filter))
        return self.open_path

    def save_file(self, parent, title, suggested, name_filter):  # noqa: ANN001, ANN201
        self.calls.append(("save_file", title, suggested))
        return self.save_path


@pytest.fixture
def prompts() -> FakePrompts:
    return FakePrompts()


@dataclass
class UiKit:
    """What the composition root would hand to pages: ops, prompts, the monitor."""

    ops: Ops
    prompts: FakePrompts
    monitor: ConnectionMonitor
    probe_state: dict[str, Any]


@pytest.fixture
def kit(prompts: FakePrompts) -> Iterator[UiKit]:
    """Ops wired like the app; the database probe is controlled by ``probe_state["up"]``."""
    state: dict[str, Any] = {"up": True, "calls": 0}

    def probe() -> None:
        state["calls"] += 1
        if not state["up"]:
            raise OSError("connection refused")

    runner = TaskRunner()
    monitor = ConnectionMonitor(probe, retry_ms=40, runner=runner)
    ops = Ops(ErrorMapper(prompts, monitor.report_lost), runner, monitor)
    yield UiKit(ops=ops, prompts=prompts, monitor=monitor, probe_state=state)
    monitor.shutdown()
    runner.shutdown()


def wait_for_debounce(qtbot, condition: Callable[[], bool]) -> None:  # noqa: ANN001
    qtbot.waitUntil(condition, timeout=2000)


@pytest.fixture
def themed(qapp):  # noqa: ANN001, ANN201
    """The app's real theme (style, palette, fonts, style sheet) for one test, so sizes and
    colours are measured as users see them; the plain test look is restored afterwards."""
    from PySide6.QtGui import QPalette

    from tuffops_desktop.ui.theme import apply_theme

    style, palette, sheet, font = qapp.style().name(), QPalette(qapp.palette()), qapp.styleSheet(), qapp.font()
    apply_theme(qapp)
    yield qapp
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    qapp.setFont(font)

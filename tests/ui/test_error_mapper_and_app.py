"""The one exception → UI mapping, the excepthook, and the app's start-up failures."""

from __future__ import annotations

import logging
import sys

import pytest

from tuffops_desktop import app as app_module
from tuffops_desktop.domain.errors import (
    ConcurrencyConflict,
    DomainError,
    ImportRejected,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from tuffops_desktop.errors import DatabaseTooNew, DatabaseUnavailable, KnownError
from tuffops_desktop.ui.error_mapper import ErrorMapper
from tuffops_desktop.ui.prompts import ConflictChoice

from .conftest import FakePrompts


class Form:
    def __init__(self) -> None:
        self.shown: dict[str, str] = {}

    def show_field_errors(self, errors):  # noqa: ANN001, ANN201
        self.shown = dict(errors)


@pytest.fixture
def mapped(prompts):  # noqa: ANN001, ANN201
    lost: list[str] = []
    return ErrorMapper(prompts, lost.append), prompts, lost


def test_validation_goes_to_the_form_or_a_box(mapped):
    mapper, prompts, _lost = mapped
    form = Form()
    mapper.handle(ValidationError({"first_name": "Required."}), None, form=form)
    assert form.shown == {"first_name": "Required."} and prompts.calls == []
    mapper.handle(ValidationError({"count": "Too many."}), None)
    assert prompts.calls == [("warning", "Please check", "count: Too many.")]


def test_conflict_reload_hands_back_the_current_record(mapped):
    mapper, prompts, _lost = mapped
    reloaded = []
    prompts.conflict_answer = ConflictChoice.RELOAD
    mapper.handle(ConcurrencyConflict("customer", 7, current="now"), None, on_reload=reloaded.append)
    prompts.conflict_answer = ConflictChoice.CANCEL
    mapper.handle(ConcurrencyConflict("customer", 7, current="later"), None, on_reload=reloaded.append)
    assert reloaded == ["now"]
    assert prompts.kinds() == ["conflict", "conflict"]


@pytest.mark.parametrize(
    ("exc", "title"),
    [
        (PermissionDenied("customers.edit"), "Not allowed"),
        (NotFound("Customer #9 does not exist."), "Not found"),
        (DomainError("Closed is final."), "Cannot do that"),
        (DatabaseTooNew("newer app"), "Problem"),
        (KnownError("port busy"), "Problem"),
    ],
)
def test_rule_and_environment_errors_get_a_message_box(mapped, exc, title):
    mapper, prompts, lost = mapped
    mapper.handle(exc, None)
    assert prompts.calls == [("warning", title, str(exc))]
    assert lost == []


def test_lost_database_goes_to_the_banner_not_a_dialog(mapped):
    mapper, prompts, lost = mapped
    mapper.handle(DatabaseUnavailable("Cannot reach the database: refused"), None)
    assert lost == ["Cannot reach the database: refused"] and prompts.calls == []


def test_import_rejections_list_their_lines(mapped):
    mapper, prompts, _lost = mapped
    mapper.handle(ImportRejected([(3, "first_name: required"), (9, "bad phone")]), None)
    assert prompts.calls == [("import_errors", "", [(3, "first_name: required"), (9, "bad phone")])]


def test_bugs_are_logged_and_shown_calmly(mapped, caplog):
    mapper, prompts, _lost = mapped
    try:
        {}["missing"]
    except KeyError as exc:
        with caplog.at_level(logging.ERROR):
            mapper.handle(exc, None)
    kind, text, details = prompts.calls[0]
    assert kind == "unexpected" and text == "Something went wrong: KeyError: 'missing'"
    assert "Traceback" in details and "test_bugs_are_logged_and_shown_calmly" in details
    assert "unexpected error" in caplog.text


def test_excepthook_shows_instead_of_aborting(mapped, caplog):
    mapper, prompts, _lost = mapped
    restore = app_module.install_excepthook(mapper)
    try:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            with caplog.at_level(logging.ERROR):
                sys.excepthook(*sys.exc_info())
    finally:
        restore()
    assert prompts.kinds() == ["unexpected"]
    assert sys.excepthook is not app_module.install_excepthook


def test_unopenable_database_says_why_and_exits_1(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("TUFFOPS_DATA_DIR", str(tmp_path))
    fake = FakePrompts()
    monkeypatch.setattr(app_module, "Prompts", lambda: fake)
    before = list(logging.getLogger().handlers)
    try:
        code = app_module.run_desktop(f"sqlite:///{(tmp_path / 'missing' / 'x.sqlite3').as_posix()}")
        assert code == 1
        assert fake.kinds() == ["warning"] and fake.calls[0][1] == "Cannot open the database"
        assert "Cannot reach the database" in fake.calls[0][2]
        assert app_module.run_desktop("mysql://nope") == 1
        assert "Unsupported database" in fake.calls[-1][2]
    finally:
        for handler in logging.getLogger().handlers[:]:
            if handler not in before:
                logging.getLogger().removeHandler(handler)
                handler.close()


def test_quitting_at_sign_in_exits_0(qtbot, monkeypatch, tmp_path, demo):
    monkeypatch.setenv("TUFFOPS_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(app_module.LoginDialog, "exec", lambda self: 0)
    before = list(logging.getLogger().handlers)
    try:
        assert app_module.run_desktop(demo.url) == 0
    finally:
        for handler in logging.getLogger().handlers[:]:
            if handler not in before:
                logging.getLogger().removeHandler(handler)
                handler.close()

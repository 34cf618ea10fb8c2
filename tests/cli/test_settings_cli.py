"""``tuffops settings get|set|list``: what admins and scripts see, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.cli.test_cli import tuffops
from tuffops_desktop.bootstrap import open_database
from tuffops_desktop.cli import main
from tuffops_desktop.db.models import AuditEntry, Setting


def test_get_set_round_trip_as_a_script_runs_it(db_url, tmp_path):
    """A real process: the new value is stored, audited as the system and read back."""
    got = tuffops("settings", "get", "company_name", data_dir=tmp_path, url=db_url)
    assert got.returncode == 0, got.stderr
    assert got.stdout == "My Service Company\n"

    changed = tuffops("settings", "set", "company_name", "Acme  Cooling ", data_dir=tmp_path, url=db_url)
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout == "company_name = Acme Cooling (was My Service Company)\n"
    assert tuffops("settings", "get", "company_name", data_dir=tmp_path, url=db_url).stdout == "Acme Cooling\n"

    db = open_database(db_url, migrate=False)
    try:
        with db.read() as session:
            audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")).all()
        assert [(a.entity_id, a.action, a.username) for a in audit] == [("company_name", "update", "system")]
    finally:
        db.engine.dispose()


def run(capsys, url: str, *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", url, "settings", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sqlite_url(tmp_path, sqlite_template):
    import shutil

    target = tmp_path / "settings.sqlite3"
    shutil.copyfile(sqlite_template, target)
    return f"sqlite:///{target.as_posix()}"


def stored(url: str, name: str) -> Setting | None:
    db = open_database(url, migrate=False)
    try:
        with db.read() as session:
            row = session.get(Setting, name)
            if row is not None:
                session.expunge(row)
            return row
    finally:
        db.engine.dispose()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("get", "nosuch"), "There is no setting called “nosuch”. See tuffops settings list."),
        (("get", "company_nam"), "There is no setting called “company_nam”. Did you mean company_name?"),
        (("set", "default_tax_rate", "150"), "default_tax_rate: A percentage from 0 to 100."),
        (("set", "default_tax_rate", "ten"), "default_tax_rate: “ten” is not a valid value."),
        (("set", "public_page_show_customer_name", "maybe"), "“maybe” is not a valid value."),
        (("set", "public_base_url", "ftp://x"), "Use a full address such as https://service.example.com."),
        (("set", "phone_default_region", "XX"), "Use a two-letter country code"),
        (("set", "customer_integration_enabled", "yes"), "managed by the installation and cannot be edited here"),
        (("set", "quotation_statuses", "[]"), "its own editor in the app"),
        (("set", "smtp_password", "hunter2"), "passwords are never stored in the settings"),
        (("set", "smtp_port", "70000"), "smtp_port: A port number from 1 to 65535"),
        (("set", "smtp_tls_mode", "tls"), "Choose STARTTLS, SSL or none."),
        (("set", "smtp_from", "office at example"), "is not an e-mail address"),
    ],
)
def test_mistakes_say_one_line_and_store_nothing(capsys, sqlite_url, args, message):
    name = args[1]
    before = stored(sqlite_url, name)
    code, out, err = run(capsys, sqlite_url, *args)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err
    after = stored(sqlite_url, name)
    assert (after.value if after else None) == (before.value if before else None)


def test_values_are_typed_by_the_registry(capsys, sqlite_url):
    assert run(capsys, sqlite_url, "set", "default_tax_rate", "12.5")[1] == "default_tax_rate = 12.5 (was 0.00)\n"
    assert run(capsys, sqlite_url, "get", "default_tax_rate")[1] == "12.5\n"
    assert stored(sqlite_url, "default_tax_rate").value == "12.5"  # a Decimal's text, never a float
    assert run(capsys, sqlite_url, "set", "public_page_show_customer_name", "on")[1] == (
        "public_page_show_customer_name = yes (was no)\n"
    )
    assert stored(sqlite_url, "public_page_show_customer_name").value is True
    assert run(capsys, sqlite_url, "set", "phone_default_region", "kn")[1] == "phone_default_region = KN (was US)\n"
    assert run(capsys, sqlite_url, "set", "phone_default_region", "KN")[1] == (
        "phone_default_region is already KN; nothing changed.\n"
    )
    assert run(capsys, sqlite_url, "set", "company_phone", "")[1] == (
        "company_phone is already (empty); nothing changed.\n"
    )
    assert run(capsys, sqlite_url, "get", "quotation_statuses")[1].startswith('[{"key":"pending","label":"Draft"}')
    assert run(capsys, sqlite_url, "set", "smtp_tls_mode", "SSL")[1] == "smtp_tls_mode = ssl (was starttls)\n"
    assert run(capsys, sqlite_url, "set", "smtp_port", "465")[1] == "smtp_port = 465 (was 587)\n"
    assert run(capsys, sqlite_url, "set", "smtp_enabled", "yes")[1] == "smtp_enabled = yes (was no)\n"


def test_list_shows_every_key_and_marks_the_read_only_ones(capsys, sqlite_url):
    code, out, _err = run(capsys, sqlite_url, "list")
    assert code == 0
    lines = out.splitlines()
    assert "customer_integration_enabled (read-only) = no" in lines
    assert "company_logo = (none)" in lines
    assert "feature_flag_invoices_enabled = yes" in lines
    assert not any(line.startswith("company_name (read-only)") for line in lines)

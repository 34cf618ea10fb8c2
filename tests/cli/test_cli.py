"""The ``tuffops`` command, run as a user would run it (a real process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import new_database_url
from tests.qrscan import decode_pdf, pdf_text
from tuffops_desktop.db.migrate import head_revision


def tuffops(*args: str, stdin: str = "", data_dir: Path, url: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUFFOPS_DATA_DIR": str(data_dir)}
    env.pop("TUFFOPS_DATABASE_URL", None)
    if url:
        env["TUFFOPS_DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "tuffops_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_default_database_is_an_sqlite_file_in_the_data_folder(tmp_path):
    result = tuffops("db", "upgrade", data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == head_revision()
    assert (tmp_path / "tuffops.sqlite3").exists()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def test_demo_then_users_then_errors(url, tmp_path):
    demo = tuffops("demo", "--customers", "25", data_dir=tmp_path, url=url)
    assert demo.returncode == 0, demo.stderr
    assert "25 customers" in demo.stdout
    for role in ("admin", "office", "tech", "estimator", "auditor"):
        assert f"  {role}" in demo.stdout
    again = tuffops("demo", data_dir=tmp_path, url=url)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "already has customers" in again.stderr

    added = tuffops(
        "user", "add", "Dana", "--role", "office", "--password-stdin", stdin="s3cret-pass\n", data_dir=tmp_path, url=url
    )
    assert added.returncode == 0, added.stderr
    assert "Added user dana (office)" in added.stdout

    bad = tuffops(
        "user", "add", "x y", "--role", "wizard", "--password-stdin", stdin="short\n", data_dir=tmp_path, url=url
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stderr and bad.stderr.count("\n") == 1
    assert "wizard" in bad.stderr and "8 characters" in bad.stderr


def test_csv_round_trip_and_refused_import(url, tmp_path):
    assert tuffops("demo", "--customers", "5", data_dir=tmp_path, url=url).returncode == 0
    out = tmp_path / "customers.csv"
    exported = tuffops("customers", "export", str(out), data_dir=tmp_path, url=url)
    assert exported.returncode == 0 and "Exported 5 customers" in exported.stdout
    assert out.read_text(encoding="utf-8").startswith("id,type,first_name")
    bad = tmp_path / "bad.csv"
    bad.write_text("type,first_name\nresidential,Ann\nresidential,\n", encoding="utf-8")
    refused = tuffops("customers", "import", str(bad), data_dir=tmp_path, url=url)
    assert refused.returncode == 1 and "line 3" in refused.stderr and "Traceback" not in refused.stderr
    latin = tmp_path / "latin1.csv"
    latin.write_bytes("type,first_name\nresidential,Zoë\n".encode("latin-1"))
    wrong_encoding = tuffops("customers", "import", str(latin), data_dir=tmp_path, url=url)
    assert wrong_encoding.returncode == 1 and "UTF-8" in wrong_encoding.stderr
    missing = tuffops("units", "import", str(tmp_path / "nope.csv"), data_dir=tmp_path, url=url)
    assert missing.returncode == 1 and "Cannot read" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--database-url", "foo:bar", "db", "upgrade"), "is not a database address"),
        (("--database-url", "postgresql://nobody@127.0.0.1:1/x", "db", "upgrade"), "Cannot reach the database"),
        (("frobnicate",), "invalid choice"),
        (("demo", "--customers", "0"), "Between 1 and"),
        (("stickers", "--layout", "nope", "--out", "x.pdf", "--blank", "2"), "Unknown layout"),
        (("stickers", "--layout", "avery-5160", "--out", "x.pdf"), "one of the arguments"),
    ],
)
def test_mistakes_print_one_line_and_exit_non_zero(tmp_path, args, message):
    result = tuffops(*args, data_dir=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0


def test_stickers_for_a_customer_start_at_a_used_sheet_position(url, tmp_path):
    assert tuffops("demo", "--customers", "3", data_dir=tmp_path, url=url).returncode == 0
    pdf = tmp_path / "sheet.pdf"
    result = tuffops(
        "stickers",
        "--layout",
        "avery-l7160",
        "--out",
        str(pdf),
        "--customer",
        "1",
        "--start",
        "20",
        data_dir=tmp_path,
        url=url,
    )
    assert result.returncode == 0, result.stderr
    assert "page(s) of Avery L7160" in result.stdout
    decoded = decode_pdf(pdf)
    assert decoded and all("/u/" in code for code in decoded)
    again = tuffops(
        "stickers",
        "--layout",
        "avery-5160",
        "--out",
        str(tmp_path / "b.pdf"),
        "--blank",
        "5",
        data_dir=tmp_path,
        url=url,
    )
    assert again.returncode == 0 and "5 sticker(s)" in again.stdout


def test_without_a_display_the_app_says_so_in_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["TUFFOPS_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "tuffops_desktop"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "tuffops: no display found; the desktop app needs a graphical session (CLI commands still work: tuffops --help)"
    ]
    assert "xcb" not in result.stderr and result.stdout == ""


def test_a_wrong_role_is_refused_before_the_password_is_asked(tmp_path):
    interactive = tuffops("user", "add", "bob", "--role", "wizard", data_dir=tmp_path)  # no prompt appears
    assert interactive.returncode == 1 and "Password" not in interactive.stdout + interactive.stderr
    assert "Unknown role" in interactive.stderr


def test_a_bad_database_address_shows_an_example_for_this_platform(tmp_path):
    result = tuffops("--database-url", "not a url", "db", "upgrade", data_dir=tmp_path)
    assert result.returncode == 1
    assert "sqlite:////home/you/tuffops.sqlite3" in result.stderr and "C:/" not in result.stderr


def test_demo_if_empty_on_a_filled_database_tells_how_to_reset_a_password(tmp_path):
    assert tuffops("demo", "--customers", "3", data_dir=tmp_path).returncode == 0
    again = tuffops("demo", "--if-empty", data_dir=tmp_path)
    assert again.returncode == 0
    assert "tuffops user passwd admin" in again.stdout and "Users (passwords" not in again.stdout


def _seed_work_order(url: str) -> tuple[int, str]:
    """One work order on a customer's unit, made in-process; returns its id and the unit's public URL."""
    from tests.factories import make_customer, make_unit
    from tuffops_desktop.bootstrap import open_database, system_services
    from tuffops_desktop.domain.qr import public_url

    db = open_database(url)
    try:
        services = system_services(db)
        services.settings.update({"public_base_url": "https://service.example.com"})
        unit = make_unit(services, customer_id=make_customer(services).id)
        for _ in range(11):  # the sheet's work order is number 12
            services.work_orders.create(unit.id, "repair", "Earlier job")
        order = services.work_orders.create(unit.id, "repair", "Rattles <b>loudly</b> & drips")
        return order.id, public_url("https://service.example.com", unit.qr_code_guid)
    finally:
        db.engine.dispose()


def test_workorder_sheet_writes_the_job_sheet(url, tmp_path):
    order_id, unit_url = _seed_work_order(url)
    assert order_id == 12
    for number in ("WO-000012", "12", "000012"):
        pdf = tmp_path / f"sheet-{number}.pdf"
        result = tuffops("workorder", "sheet", number, "--out", str(pdf), data_dir=tmp_path, url=url)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"Job sheet of WO-000012 (1 page) written to {pdf}."
        assert "WO-000012" in pdf_text(pdf) and "Rattles <b>loudly</b> & drips" in pdf_text(pdf)
    assert decode_pdf(pdf) == [unit_url]


@pytest.mark.parametrize(
    ("number", "folder", "message"),
    [
        ("WO-000099", "", "Work order WO-000099 does not exist."),
        ("WO-12x", "", "“WO-12x” is not a work order number; use e.g. WO-000012 or 12."),
        ("12", "no/such/folder", "Cannot write "),
    ],
)
def test_workorder_sheet_mistakes_leave_no_file(url, tmp_path, number, folder, message):
    _seed_work_order(url)
    out = tmp_path / folder / "sheet.pdf"
    result = tuffops("workorder", "sheet", number, "--out", str(out), data_dir=tmp_path, url=url)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"tuffops: {message}")
    assert not out.exists() and not list(tmp_path.glob("*.pdf"))

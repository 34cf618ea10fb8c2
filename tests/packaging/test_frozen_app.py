"""The packaged app, built by ``installer/build`` and run as an admin and a customer would.

The bundle is built once per session into ``build/frozen-app/<fingerprint>/`` (gitignored)
and reused while nothing it is made of changed: the package, resources, migrations, the
installer files, pyproject.toml and the installed Python packages all go into the
fingerprint. A fresh clone (CI) builds once, about a minute; a developer's rerun is fast.

Then the frozen executable, not the source tree, does the jobs of issue #13: ``--version``;
``db upgrade`` on a new SQLite file and on PostgreSQL (psycopg's bundled driver); ``demo``;
the main window opens every section and closes (offscreen); ``intake serve`` answers a
customer's GET and POST; a sticker sheet decodes with zbar; a job sheet and an invoice
print. The NSIS script is compiled around the bundle (uncompressed, so in seconds), which
checks it; the Windows installer itself is built on a Windows runner
(.github/workflows/windows-build.yml).
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.intake.conftest import Client, valid_fields
from tests.pgcluster import free_port
from tests.qrscan import decode_pdf, pdf_text
from tuffops_desktop import APP_NAME, EXE_NAME, __version__
from tuffops_desktop.db.migrate import head_revision

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / "build" / "frozen-app"
# What the bundle is made of (installer/listener/ and the docs are not in it).
SOURCES = ("tuffops_desktop", "resources", "migrations", "installer/hooks")
INSTALLER_FILES = ("build", "entry.py", "identity.py", "make_icon.py", "tuffops.spec", "tuffops.nsi")


def fingerprint() -> str:
    digest = hashlib.sha256()
    paths = [p for folder in SOURCES for p in (REPO / folder).rglob("*") if p.is_file()]
    paths += [REPO / "installer" / name for name in INSTALLER_FILES] + [REPO / "pyproject.toml"]
    for path in sorted(p for p in paths if "__pycache__" not in p.parts):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(sys.version.encode())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Bundle:
    folder: Path  # dist/tuffops
    exe: Path
    installer: Path
    build_log: str


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    import fcntl  # POSIX: this suite builds and runs the Linux bundle

    target = CACHE / fingerprint()
    CACHE.mkdir(parents=True, exist_ok=True)
    with (CACHE / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build once
        if not (target / "complete").exists():
            for old in CACHE.iterdir():
                if old.is_dir():
                    shutil.rmtree(old)  # one bundle is kept: the disk is not a build archive
            result = subprocess.run(
                [
                    str(REPO / "installer" / "build"),
                    "--dist", str(target / "dist"),
                    "--work", str(target / "work"),
                    "--fast-installer",
                ],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHON": sys.executable},
                timeout=1100,
            )  # fmt: skip
            log = result.stdout + result.stderr
            assert result.returncode == 0, log[-5000:]
            (target / "build.log").write_text(log, encoding="utf-8")
            shutil.rmtree(target / "work", ignore_errors=True)
            (target / "complete").touch()
    dist = target / "dist"
    return Bundle(
        folder=dist / EXE_NAME,
        exe=dist / EXE_NAME / EXE_NAME,
        installer=dist / _identity().installer_name("linux"),
        build_log=(target / "build.log").read_text(encoding="utf-8"),
    )


def _identity():  # noqa: ANN202 - installer/identity.py is a script folder, not a package
    sys.path.insert(0, str(REPO / "installer"))
    try:
        import identity

        return identity
    finally:
        sys.path.remove(str(REPO / "installer"))


def frozen(bundle: Bundle, *args: str, data_dir: Path, stdin: str = "", url: str | None = None, **env: str):  # noqa: ANN201
    """Run the frozen ``tuffops`` as a user would (its own data folder, no display)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TUFFOPS_", "PYTHON"))}
    environ.update(TUFFOPS_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen", **env)
    command = [str(bundle.exe), *(["--database-url", url] if url else []), *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, env=environ, timeout=300)


def test_the_build_prints_size_and_time_and_keeps_out_what_the_app_never_loads(bundle):
    assert re.search(r"Bundle: .*, [\d.]+ MB in \d+ files, built in [\d.]+ s", bundle.build_log), bundle.build_log
    internal = bundle.folder / "_internal"
    for needed in (
        "resources/fonts/DejaVuSans.ttf",
        "resources/label_layouts.json",
        "resources/demo_logo.png",
        "migrations/env.py",
        "tuffops_desktop/intake/templates/form.html",
        "tuffops_desktop/intake/static/intake.css",
        "tuffops.ico",
    ):
        assert (internal / needed).is_file(), needed
    assert sorted(p.name for p in (internal / "migrations" / "versions").glob("*.py")) == sorted(
        p.name for p in (REPO / "migrations" / "versions").glob("*.py")
    )
    files = {p.relative_to(internal).as_posix() for p in internal.rglob("*") if p.is_file()}
    for left_out in (
        "/translations/",
        "libgtk-3",
        "QtNetwork",
        "libQt6Network",
        "plugins/tls/",
        "libavif",
        "__pycache__",
    ):
        assert not [f for f in files if left_out in f], left_out
    assert any("plugins/platforms/libqxcb" in f for f in files) and any("libqjpeg" in f for f in files)


def test_the_module_archive_has_what_is_imported_by_name_and_not_what_was_left_out(bundle):
    from PyInstaller.archive.readers import CArchiveReader

    modules = set(CArchiveReader(str(bundle.exe)).open_embedded_archive("PYZ.pyz").toc)
    for needed in (
        "reportlab.graphics.barcode.code128",  # imported by name (stack-notes §8)
        "keyring.backends.SecretService",  # found through entry points (metadata bundled too)
        "keyring.backends.Windows",
        "alembic.op",  # what the migrations, loaded as files, import
        "phonenumbers.data.region_US",
        "tuffops_desktop.ui.smoke",
        "tuffops_desktop.ui.main_window",
    ):
        assert needed in modules, needed
    assert list((bundle.folder / "_internal").glob("keyring-*.dist-info/entry_points.txt"))
    for left_out in ("pygments", "phonenumbers.geodata", "unittest", "tkinter", "sqlalchemy.dialects.mysql"):
        assert not [m for m in modules if m == left_out or m.startswith(left_out + ".")], left_out


def test_excluded_modules_are_never_imported_by_the_app_or_its_migrations():
    spec = ast.parse((REPO / "installer" / "tuffops.spec").read_text(encoding="utf-8"))
    excludes = next(
        ast.literal_eval(node.value)
        for node in spec.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "EXCLUDES"
    )
    imported: set[str] = set()
    for path in [*(REPO / "tuffops_desktop").rglob("*.py"), *(REPO / "migrations").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)
                imported.update(f"{node.module}.{alias.name}" for alias in node.names)
    clashes = sorted(name for name in imported for ex in excludes if name == ex or name.startswith(ex + "."))
    assert clashes == []


def test_version_and_db_upgrade_on_a_new_sqlite_file(bundle, tmp_path):
    version = frozen(bundle, "--version", data_dir=tmp_path)
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"{APP_NAME} {__version__}"
    upgrade = frozen(bundle, "db", "upgrade", data_dir=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    assert upgrade.stdout.strip() == head_revision()
    assert (tmp_path / "tuffops.sqlite3").is_file()


def test_db_upgrade_on_postgresql_through_the_bundled_driver(bundle, pg_server_url, tmp_path):
    name = f"frozen_{os.getpid()}"
    admin = create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
        upgrade = frozen(bundle, "db", "upgrade", data_dir=tmp_path, url=url)
        assert upgrade.returncode == 0, upgrade.stderr
        assert upgrade.stdout.strip() == head_revision()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class Demo:
    data_dir: Path
    passwords: dict[str, str]

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.data_dir / "tuffops.sqlite3") as conn:
            return conn.execute(sql).fetchall()


@pytest.fixture(scope="module")
def demo(bundle, tmp_path_factory) -> Demo:
    """``tuffops demo`` by the bundle, on a new SQLite file in its own data folder."""
    data_dir = tmp_path_factory.mktemp("frozen-demo")
    result = frozen(bundle, "demo", "--customers", "5", "--technicians", "2", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    assert "Demo data: 5 customers" in result.stdout
    passwords = dict(re.findall(r"^  (\w+) +(\S+)$", result.stdout, re.MULTILINE))
    assert {"admin", "office", "tech"} <= passwords.keys()
    return Demo(data_dir, passwords)


def test_the_main_window_opens_every_section_and_closes(bundle, demo, tmp_path):
    shot = tmp_path / "window.png"
    result = frozen(
        bundle,
        "--smoke-window",
        "admin",
        data_dir=demo.data_dir,
        stdin=demo.passwords["admin"] + "\n",
        TUFFOPS_SMOKE_SCREENSHOT=str(shot),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(
        r"Main window: first page ready in [\d.]+ s; \d+ sections shown to admin and closed", result.stdout
    ), result.stdout
    assert shot.stat().st_size > 20_000  # a painted window, not an empty frame

    refused = frozen(bundle, "--smoke-window", "admin", data_dir=demo.data_dir, stdin="wrong\n")
    assert refused.returncode == 1 and "password" in refused.stderr


def test_stickers_decode_to_the_units_public_addresses(bundle, demo, tmp_path):
    customer_id, count = demo.query(
        "SELECT customer_id, count(*) FROM units WHERE customer_id IS NOT NULL AND active "
        "GROUP BY customer_id ORDER BY customer_id LIMIT 1"
    )[0]
    pdf = tmp_path / "stickers.pdf"
    result = frozen(
        bundle, "stickers", "--layout", "avery-5160", "--customer", str(customer_id), "--out", str(pdf),
        data_dir=demo.data_dir,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    guids = {guid for (guid,) in demo.query(f"SELECT qr_code_guid FROM units WHERE customer_id = {customer_id}")}
    decoded = decode_pdf(pdf)
    assert len(decoded) == count
    assert {url.rsplit("/u/", 1)[1] for url in decoded} <= guids


def test_job_sheet_and_invoice_print_from_the_bundle(bundle, demo, tmp_path):
    sheet = tmp_path / "sheet.pdf"
    result = frozen(bundle, "workorder", "sheet", "1", "--out", str(sheet), data_dir=demo.data_dir)
    assert result.returncode == 0, result.stderr
    assert "WO-000001" in pdf_text(sheet)

    (number,) = demo.query("SELECT number FROM invoices ORDER BY id LIMIT 1")[0]
    invoice = tmp_path / "invoice.pdf"
    result = frozen(bundle, "invoice", "pdf", number, "--out", str(invoice), data_dir=demo.data_dir)
    assert result.returncode == 0, result.stderr
    assert number in pdf_text(invoice)


@pytest.fixture
def listener(bundle, demo, tmp_path) -> Iterator[int]:
    """``tuffops intake serve`` by the bundle on a free loopback port; stopped with Ctrl+C."""
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TUFFOPS_", "PYTHON"))}
    environ["TUFFOPS_DATA_DIR"] = str(demo.data_dir)
    process = subprocess.Popen(
        [str(bundle.exe), "intake", "serve", "--port", str(port), "--data-dir", str(tmp_path / "intake")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=environ,
    )
    try:
        said = []
        while not said or f"listening on 127.0.0.1:{port}" not in said[-1]:
            line = process.stdout.readline()
            assert line, "".join(said)  # the listener stopped before listening
            said.append(line)
        yield port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()


def test_the_intake_listener_answers_a_customer_get_and_post(listener, demo):
    (guid,) = demo.query("SELECT qr_code_guid FROM units WHERE customer_id IS NOT NULL ORDER BY id LIMIT 1")[0]
    client = Client(listener)
    page = client.get(f"/u/{guid}")
    assert page.status == 200 and 'name="token"' in page.body
    assert client.get("/static/intake.css").status == 200
    before = demo.query("SELECT count(*) FROM customer_requests WHERE source = 'qr'")[0][0]

    response = client.post_form(f"/u/{guid}", valid_fields(client.token(guid)))
    ticket = client.ticket_after(response)

    assert demo.query("SELECT count(*) FROM customer_requests WHERE source = 'qr'")[0][0] == before + 1
    assert demo.query(f"SELECT ticket FROM customer_requests WHERE ticket = '{ticket}'") == [(ticket,)]


def test_the_nsis_script_compiles_around_the_bundle(bundle):
    assert bundle.installer.name != "setup.exe"
    assert re.search(r"Installer: .*\(none\), compiled in [\d.]+ s", bundle.build_log), bundle.build_log
    head = bundle.installer.read_bytes()[:4096]
    assert head[:2] == b"MZ"  # a Windows program
    payload = sum(f.stat().st_size for f in bundle.folder.rglob("*") if f.is_file() and not f.is_symlink())
    assert bundle.installer.stat().st_size > payload  # uncompressed: every file of the bundle is in it

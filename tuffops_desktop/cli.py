"""The ``tuffops`` command: opens the desktop app, or runs an admin task.

``tuffops``                      open the desktop app
``tuffops db upgrade``           apply schema migrations, print the revision
``tuffops db backup --out FILE`` / ``tuffops db restore FILE``  the embedded database (``db/backup.py``)
``tuffops demo [--customers N] [--technicians N] [--work-orders N]`` fill an empty database with demo data
(``--work-orders N`` on a filled one: add N work orders, for benchmarks)
``tuffops user add NAME --role ROLE [--password-stdin]``
``tuffops user passwd NAME [--password-stdin]``
``tuffops customers|units import|export FILE``
``tuffops intake serve [--host H] [--port P]`` / ``tuffops intake grant-role [ROLE]``
``tuffops stickers --layout NAME --out FILE (--customer ID | --units GUID… | --blank N | --unprinted)``
``tuffops workorder sheet NUMBER --out FILE``
``tuffops invoice pdf NUMBER --out FILE`` / ``tuffops invoice statement CUSTOMER_ID --from DAY --to DAY --out FILE``
``tuffops inventory check|low-stock|valuation|labels …`` (``cli_inventory.py``)
``tuffops report kpis --from DAY --to DAY [--technician NAME] … --format json|csv`` (``cli_reports.py``)
``tuffops settings get KEY`` / ``tuffops settings set KEY VALUE`` / ``tuffops settings list`` (``cli_settings.py``)
``tuffops notify serve|send|test|grant-role …`` the e-mail sender (``cli_notify.py``)

Every command takes ``--database-url`` (or ``TUFFOPS_DATABASE_URL``); the default is an
SQLite file in the user's data folder (the app: the database chosen in its first-run
wizard). Mistakes print one clear line and exit non-zero.
"""

from __future__ import annotations

import argparse
import getpass
import io
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

from tuffops_desktop import APP_NAME, __version__, cli_inventory, cli_notify, cli_reports, cli_settings
from tuffops_desktop.config.paths import default_database_url, user_data_dir
from tuffops_desktop.domain.errors import DomainError, ImportRejected
from tuffops_desktop.domain.permissions import parse_role
from tuffops_desktop.errors import KnownError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
log = logging.getLogger("tuffops")


def has_display() -> bool:
    """False on a Linux/BSD session without X11 or Wayland (e.g. over SSH), where Qt would
    abort with a misleading hint; Windows and macOS always have one."""
    if sys.platform.startswith(("win", "darwin")) or os.environ.get("QT_QPA_PLATFORM"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        self.exit(EXIT_USAGE, f"tuffops: {message} (see tuffops --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="tuffops", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    # The packaged app's self-check (ui/smoke.py, tests/packaging): password on standard input.
    parser.add_argument("--smoke-window", metavar="USER", help=argparse.SUPPRESS)
    parser.add_argument(
        "--database-url",
        default=None,
        help="sqlite:///path/file.sqlite3 or postgresql://user:pass@host/db "
        "(default: TUFFOPS_DATABASE_URL, else an SQLite file in your data folder)",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_sub.add_parser("upgrade", help="apply schema migrations and print the revision")
    db_backup = db_sub.add_parser("backup", help="embedded database: copy it to a new file (online, consistent)")
    db_backup.add_argument("--out", required=True, help="the backup file to write (must not exist yet)")
    db_restore = db_sub.add_parser("restore", help="embedded database: replace it with a backup (moved aside first)")
    db_restore.add_argument("file", help="a backup written by tuffops db backup")

    demo = sub.add_parser("demo", help="fill an empty database with demo data")
    demo.add_argument("--customers", type=int, default=60, help="how many customers (default 60)")
    demo.add_argument("--seed", type=int, default=2026, help="random seed (same seed, same data)")
    demo.add_argument("--technicians", type=int, default=6, help="how many technicians (default 6)")
    demo.add_argument(
        "--work-orders",
        type=int,
        default=0,
        metavar="N",
        help="N more work orders over two years (on a filled database: only these)",
    )
    demo.add_argument(
        "--if-empty", action="store_true", help="do nothing (and succeed) when the database already has customers"
    )

    user = sub.add_parser("user", help="manage users")
    user_sub = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = user_sub.add_parser("add", help="add a user")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="admin, office, technician, estimator or read_only")
    add.add_argument("--full-name", default="")
    add.add_argument("--email", default="")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    passwd = user_sub.add_parser("passwd", help="set a user's password")
    passwd.add_argument("username")
    passwd.add_argument("--password-stdin", action="store_true")

    intake = sub.add_parser("intake", help="the public QR intake listener")
    intake_sub = intake.add_subparsers(dest="intake_command", required=True, parser_class=_Parser)
    serve = intake_sub.add_parser("serve", help="serve the public QR form (waitress)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765)
    serve.add_argument("--public-url", default="", help="the address customers reach (for the start-up message)")
    serve.add_argument("--data-dir", default=None, help="folder of the spool, unit snapshot and signing secret")
    serve.add_argument(
        "--trusted-proxy",
        default=None,
        metavar="ADDRESS",
        help="address of your reverse proxy: believe its X-Forwarded-For (off by default)",
    )
    serve.add_argument(
        "--trusted-proxy-headers",
        default="x-forwarded-for",
        metavar="HEADERS",
        help="with --trusted-proxy: comma-separated, from x-forwarded-for, x-forwarded-proto, "
        "x-forwarded-host, x-forwarded-port, forwarded (default x-forwarded-for)",
    )
    grant = intake_sub.add_parser("grant-role", help="create/update the listener's restricted PostgreSQL role")
    grant.add_argument("role", nargs="?", default="tuffops_intake")
    grant.add_argument("--password-stdin", action="store_true")

    stickers = sub.add_parser("stickers", help="print QR stickers to a PDF")
    stickers.add_argument("--layout", required=True, help="label stock, e.g. avery-5160, avery-l7160, tape-62mm")
    stickers.add_argument("--out", required=True, help="PDF file to write")
    which = stickers.add_mutually_exclusive_group(required=True)
    which.add_argument("--customer", type=int, help="all active units of this customer id")
    which.add_argument("--units", nargs="+", metavar="GUID", help="units by QR GUID or sticker URL")
    which.add_argument("--blank", type=int, metavar="N", help="N new blank labels (bound to units later)")
    which.add_argument("--unprinted", action="store_true", help="every unit without a printed sticker yet")
    which.add_argument("--calibration", action="store_true", help="a calibration page for the layout")
    stickers.add_argument("--site", default=None, help="with --customer: only units at this site address")
    stickers.add_argument(
        "--start",
        type=int,
        default=1,
        metavar="POSITION",
        help="first free label on a partly used sheet (1 = top left)",
    )

    workorder = sub.add_parser("workorder", help="work orders")
    workorder_sub = workorder.add_subparsers(dest="workorder_command", required=True, parser_class=_Parser)
    sheet = workorder_sub.add_parser("sheet", help="the technician's job sheet as a PDF")
    sheet.add_argument("number", help="work order number: WO-000012, 000012 or 12")
    sheet.add_argument("--out", required=True, help="PDF file to write")

    invoice = sub.add_parser("invoice", help="invoices (while invoicing is enabled in Settings)")
    invoice_sub = invoice.add_subparsers(dest="invoice_command", required=True, parser_class=_Parser)
    invoice_pdf = invoice_sub.add_parser("pdf", help="an invoice as a PDF")
    invoice_pdf.add_argument("number", help="invoice number, e.g. INV-2026-00001")
    invoice_pdf.add_argument("--out", required=True, help="PDF file to write")
    statement = invoice_sub.add_parser("statement", help="a customer's statement for a period as a PDF")
    statement.add_argument("customer", type=int, help="customer id")
    statement.add_argument("--from", dest="start", required=True, type=_day, help="first day, YYYY-MM-DD")
    statement.add_argument("--to", dest="end", required=True, type=_day, help="last day, YYYY-MM-DD")
    statement.add_argument("--out", required=True, help="PDF file to write")

    export = invoice_sub.add_parser("export", help="invoices and payments of a period as CSV for accounting")
    export.add_argument("--from", dest="start", required=True, type=_day, help="first day, YYYY-MM-DD")
    export.add_argument("--to", dest="end", required=True, type=_day, help="last day, YYYY-MM-DD")
    export.add_argument("--out", required=True, help="CSV file to write")

    cli_inventory.add_parser(sub, _Parser)
    cli_reports.add_parser(sub, _Parser, _day)
    cli_settings.add_parser(sub, _Parser)
    cli_notify.add_parser(sub, _Parser)

    for noun in ("customers", "units"):
        p = sub.add_parser(noun, help=f"import or export {noun} as CSV")
        p_sub = p.add_subparsers(dest="csv_command", required=True, parser_class=_Parser)
        p_sub.add_parser("import", help=f"import {noun} from a UTF-8 CSV file (all or nothing)").add_argument("file")
        p_sub.add_parser("export", help=f"export {noun} to a CSV file").add_argument("file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    url = args.database_url or os.environ.get("TUFFOPS_DATABASE_URL") or default_database_url()
    try:
        if args.command is None:
            if not has_display():
                print(
                    "tuffops: no display found; the desktop app needs a graphical session "
                    "(CLI commands still work: tuffops --help)",
                    file=sys.stderr,
                )
                return EXIT_ERROR
            if args.smoke_window:
                from tuffops_desktop.app import smoke_window

                return smoke_window(url, args.smoke_window, _read_password(True))
            from tuffops_desktop.app import run_desktop  # Qt is imported only for the GUI

            # No address given: the app opens the database chosen at first run (or asks).
            return run_desktop(args.database_url or os.environ.get("TUFFOPS_DATABASE_URL"))
        return _run_command(args, url)
    except ImportRejected as exc:
        print(f"tuffops: {exc.row_errors and 'import refused, nothing was imported:'}", file=sys.stderr)
        for line, text in exc.row_errors:
            print(f"  line {line}: {text}", file=sys.stderr)
        return EXIT_ERROR
    except (DomainError, KnownError) as exc:
        print(f"tuffops: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: keep the details in the log, say one line here
        log_file = _log_crash()
        print(f"tuffops: unexpected error ({exc.__class__.__name__}: {exc}); details in {log_file}", file=sys.stderr)
        return EXIT_ERROR


def _run_command(args: argparse.Namespace, url: str) -> int:
    from tuffops_desktop.bootstrap import open_database, system_services

    if args.command == "intake" and args.intake_command == "serve":
        return _serve_intake(args, url)
    if args.command == "notify":  # opens the database itself: serve/send never migrate
        return cli_notify.run(args, url)
    if args.command == "db" and args.db_command in ("backup", "restore"):  # never opens (or upgrades) it first
        from tuffops_desktop.db.backup import run_command

        print(run_command(args.db_command, url, Path(args.out if args.db_command == "backup" else args.file)))
        return EXIT_OK
    db = open_database(url)
    try:
        services = system_services(db)
        if args.command == "db":
            from tuffops_desktop.db.migrate import current_revision

            with db.engine.connect() as conn:
                print(current_revision(conn))
            return EXIT_OK
        if args.command == "demo":
            from tuffops_desktop.services.demo import seed_demo
            from tuffops_desktop.services.demo_work_orders import add_demo_work_orders

            if args.work_orders and services.customers.count():
                added = add_demo_work_orders(services.ctx, args.work_orders, seed=args.seed)
                print(f"Added {added:,} work orders.")
                return EXIT_OK
            if args.if_empty and services.customers.count():
                print(
                    "The database already has data, so no demo data was added. "
                    "Lost a password? Set a new one with: tuffops user passwd admin"
                )
                return EXIT_OK
            result = seed_demo(
                services.ctx,
                customers=args.customers,
                seed=args.seed,
                technicians=args.technicians,
                work_orders=args.work_orders,
            )
            print(
                f"Demo data: {result.customers} customers, {result.units} units, "
                f"{result.blank_labels} blank QR labels, {result.work_orders:,} work orders."
            )
            if result.passwords:
                print("Users (passwords are shown only this once):")
                for name, password in result.passwords.items():
                    print(f"  {name:<10} {password}")
            return EXIT_OK
        if args.command == "user":
            if args.user_command == "add" and not args.password_stdin:
                parse_role(args.role)  # a wrong role is refused before anyone types a password
            password = _read_password(args.password_stdin)
            if args.user_command == "add":
                info = services.users.add(
                    args.username, password, args.role, full_name=args.full_name, email=args.email
                )
                print(f"Added user {info.username} ({info.role}).")
            else:
                services.users.set_password(args.username, password)
                print(f"Password changed for {args.username.strip().lower()}.")
            return EXIT_OK
        if args.command in ("customers", "units"):
            return _csv(services, args.command, args.csv_command, Path(args.file))
        if args.command == "stickers":
            return _stickers(services, args)
        if args.command == "inventory":
            return cli_inventory.run(services, args)
        if args.command == "settings":
            return cli_settings.run(services, args)
        if args.command == "report":
            return cli_reports.run(services, args)
        if args.command == "workorder":
            return _job_sheet(services, args.number, Path(args.out))
        if args.command == "invoice" and args.invoice_command == "export":
            return _accounting_export(services, args)
        if args.command == "invoice":
            return _invoice_pdf(services, args)
        if args.command == "intake":
            from tuffops_desktop.services.intake import grant_intake_role

            role_password = _read_password(True) if args.password_stdin else None
            with db.engine.begin() as conn:
                report = grant_intake_role(conn, args.role, role_password)
            print(f"Role {report.role} may now read unit pages and add requests, nothing else.")
            if report.other_databases:
                print(
                    f"Note: PostgreSQL lets every role connect to {', '.join(report.other_databases)} "
                    f"(it cannot write there). To close that, allow the listener only this database in "
                    f"pg_hba.conf: host {report.database} {report.role} <listener-address>/32 scram-sha-256"
                )
            return EXIT_OK
    finally:
        db.engine.dispose()
    return EXIT_USAGE


def _serve_intake(args: argparse.Namespace, url: str) -> int:
    """Run the listener in the foreground; it never migrates (its role may not)."""
    from tuffops_desktop.bootstrap import open_database
    from tuffops_desktop.intake.server import IntakeServer, ListenerOptions

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    headers = frozenset(h.strip().lower() for h in args.trusted_proxy_headers.split(",") if h.strip())
    unknown = headers - {
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
        "x-forwarded-port",
        "forwarded",
        "x-forwarded-by",
    }
    if unknown:
        raise KnownError(f"--trusted-proxy-headers: unknown header {sorted(unknown)[0]!r}.")
    db = open_database(url, migrate=False)
    options = ListenerOptions(
        host=args.host, port=args.port, trusted_proxy=args.trusted_proxy, trusted_proxy_headers=headers
    )
    server = IntakeServer(db, data_dir=Path(args.data_dir) if args.data_dir else None, options=options)
    shown = args.public_url or f"http://{args.host}:{server.port}"
    print(f"TuffOps intake listening on {args.host}:{server.port} (customers reach it at {shown}/u/<guid>)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        db.engine.dispose()
    return EXIT_OK


def _stickers(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    out = Path(args.out)
    stickers = services.stickers
    layout = stickers.layout(args.layout)
    if args.calibration:
        stickers.render_calibration(layout.key, out)
        print(f"Calibration page for {layout.name} written to {out}.")
        return EXIT_OK
    unit_ids: list[int] = []
    if args.blank is not None:
        contents = stickers.blank_label_contents(args.blank, services.units)
    else:
        if args.customer is not None:
            unit_ids = stickers.unit_ids_for_customer(args.customer, args.site)
        elif args.units:
            unit_ids = stickers.unit_ids_for_guids(args.units)
        else:
            unit_ids = stickers.unit_ids_without_sticker()
        if not unit_ids:
            raise KnownError("Every unit already has a printed sticker.")
        contents = stickers.contents_for_units(unit_ids)
    try:
        result = stickers.render(contents, layout.key, out, start_position=args.start, unit_ids=unit_ids)
    except OSError as exc:
        raise KnownError(f"Cannot write {out}: {exc.strerror}.") from None
    print(f"{len(contents)} sticker(s) on {result.pages} page(s) of {layout.name} written to {out}.")
    return EXIT_OK


def _job_sheet(services, number: str, out: Path) -> int:  # noqa: ANN001
    """Render first, write after: an unknown number or a failed render leaves no file behind."""
    from tuffops_desktop.domain.numbers import parse_work_order_number, work_order_number

    work_order_id = parse_work_order_number(number)
    pdf = io.BytesIO()
    pages = services.work_orders.job_sheet(work_order_id, pdf)
    existed = out.exists()
    try:
        out.write_bytes(pdf.getvalue())
    except OSError as exc:
        if not existed:
            out.unlink(missing_ok=True)
        raise KnownError(f"Cannot write {out}: {exc.strerror or exc}.") from None
    print(f"Job sheet of {work_order_number(work_order_id)} ({pages} page{'s' if pages > 1 else ''}) written to {out}.")
    return EXIT_OK


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def _invoice_pdf(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    """Read and lay out first, then write whole (``files.whole_file``): an unknown number,
    invoicing switched off or an unwritable path leaves no file behind."""
    from tuffops_desktop.documents.page_plan import write_plan_pdf
    from tuffops_desktop.files import whole_file
    from tuffops_desktop.services.invoice_documents import invoice_plan_by_number, statement_plan

    out = Path(args.out)
    if args.invoice_command == "pdf":
        plan = invoice_plan_by_number(services.invoices, services.settings, args.number)
    else:
        plan = statement_plan(services.receivables, services.settings, args.customer, args.start, args.end)
    with whole_file(out) as temp:
        write_plan_pdf(plan, temp)
    pages = len(plan.pages)
    print(f"{plan.title} ({pages} page{'s' if pages > 1 else ''}) written to {out}.")
    return EXIT_OK


def _accounting_export(services, args: argparse.Namespace) -> int:  # noqa: ANN001
    """Written whole (``files.whole_file``): bad dates, invoicing switched off or an
    unwritable path leave no file behind."""
    from tuffops_desktop.files import whole_file

    out = Path(args.out)
    with whole_file(out) as temp, temp.open("w", encoding="utf-8", newline="") as handle:
        summary = services.accounting_export.export(args.start, args.end, handle)
    print(
        f"Exported {summary.invoices} invoices ({summary.lines} lines) and {summary.payments} payments "
        f"from {args.start} to {args.end} to {out}."
    )
    return EXIT_OK


def _csv(services, noun: str, action: str, path: Path) -> int:  # noqa: ANN001
    if action == "export":
        with path.open("w", encoding="utf-8", newline="") as out:
            count = (services.csv.export_customers if noun == "customers" else services.csv.export_units)(out)
        print(f"Exported {count} {noun} to {path}.")
        return EXIT_OK
    try:
        source = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise KnownError(f"Cannot read {path}: {exc.strerror}.") from None
    with source:
        try:
            count = (services.csv.import_customers if noun == "customers" else services.csv.import_units)(source)
        except UnicodeDecodeError:
            raise KnownError(f"{path} is not UTF-8 text; save it as “CSV UTF-8” and try again.") from None
    print(f"Imported {count} {noun} from {path}.")
    return EXIT_OK


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise KnownError("No terminal to ask for the password; use --password-stdin.")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat: ") != first:
        raise KnownError("The two passwords differ.")
    return first


def _log_crash() -> Path:
    log_file = user_data_dir() / "tuffops-error.log"
    handler = logging.FileHandler(log_file, encoding="utf-8")
    log.addHandler(handler)
    log.exception("unexpected error")
    handler.close()
    log.removeHandler(handler)
    return log_file


if __name__ == "__main__":
    raise SystemExit(main())

"""``tuffops inventory …``: stock reports and checks for scripts and scheduled jobs.

Kept apart from ``cli.py`` so the inventory commands live in one place; ``cli.py`` only
adds the parser and hands the parsed arguments here.

``tuffops inventory check``                                  cached levels equal the ledger
``tuffops inventory low-stock [--location NAME] [--csv FILE]``  what to reorder
``tuffops inventory valuation [--csv FILE]``                  stock value at cost per location
``tuffops inventory labels --location NAME [--parts N1,N2] --layout NAME --out FILE``  part/bin labels
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from tuffops_desktop.domain.errors import NotFound
from tuffops_desktop.domain.stock_control import quantity_text
from tuffops_desktop.errors import KnownError

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``inventory`` command and its subcommands."""
    inventory = sub.add_parser("inventory", help="parts and stock")
    inventory_sub = inventory.add_subparsers(dest="inventory_command", required=True, parser_class=parser_class)
    inventory_sub.add_parser("check", help="check that the cached stock levels equal the stock ledger")
    low = inventory_sub.add_parser(
        "low-stock", help="parts below their minimum (reservations and parts on order counted), with what to order"
    )
    low.add_argument("--location", metavar="NAME", help="only this stock location (its name, e.g. Warehouse)")
    low.add_argument("--csv", metavar="FILE", help="write the list to this CSV file instead of printing it")
    value = inventory_sub.add_parser("valuation", help="stock value at cost per location")
    value.add_argument("--csv", metavar="FILE", help="write the report to this CSV file instead of printing it")
    labels = inventory_sub.add_parser("labels", help="part and bin labels (QR code, number, name, bin) to a PDF")
    labels.add_argument("--location", metavar="NAME", required=True, help="the parts kept here, in bin order")
    labels.add_argument("--parts", metavar="N1,N2", help="only these part numbers (comma-separated)")
    labels.add_argument("--layout", required=True, help="label stock, e.g. avery-5160, avery-l7160, tape-62mm-x-29mm")
    labels.add_argument("--out", metavar="FILE", required=True, help="PDF file to write")
    labels.add_argument("--start", type=int, default=1, help="first free label on a partly used sheet (default 1)")


def run(services: Any, args: argparse.Namespace) -> int:
    """Run one ``inventory`` subcommand with the system user's services."""
    if args.inventory_command == "check":
        return _check(services)
    if args.inventory_command == "low-stock":
        return _low_stock(services, args.location, args.csv)
    if args.inventory_command == "valuation":
        return _valuation(services, args.csv)
    if args.inventory_command == "labels":
        return _labels(services, args)
    return EXIT_FAILED


def _check(services: Any) -> int:
    from tuffops_desktop.services import stock_ledger

    with services.ctx.read() as session:
        wrong = stock_ledger.disagreements(session)
    for part_id, location_id, cached, ledger in wrong:
        print(
            f"part {part_id} at location {location_id}: cached on hand {cached.on_hand} reserved "
            f"{cached.reserved}, ledger on hand {ledger.on_hand} reserved {ledger.reserved}"
        )
    if wrong:
        print(f"{len(wrong)} stock level(s) differ from the ledger.")
        return EXIT_FAILED
    print("Every stock level equals the ledger.")
    return EXIT_OK


def location_id(services: Any, name: str) -> int:
    """The id of the stock location called ``name`` (case and spacing do not matter)."""
    wanted = " ".join(name.split()).casefold()
    locations = services.inventory.locations()
    for location in locations:
        if location.name.casefold() == wanted:
            return int(location.id)
    known = ", ".join(x.name for x in locations) or "none yet"
    raise NotFound(f"There is no stock location called “{name}” (locations: {known}).")


def _write(path: str, text: str) -> None:
    """The file appears whole or not at all (``files.whole_file``)."""
    from tuffops_desktop.files import whole_file

    with whole_file(Path(path)) as temp:
        temp.write_text(text, encoding="utf-8", newline="")


def _qty(value: Decimal | None) -> str:
    return "" if value is None else quantity_text(value)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Plain-text columns: the ``right`` ones (numbers) aligned right."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [
            str(c).rjust(w) if i in right else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _low_stock(services: Any, location: str | None, csv_path: str | None) -> int:
    where = location_id(services, location) if location else None
    if csv_path:
        text = services.stock_control.low_stock_csv(where)
        _write(csv_path, text)
        print(f"Wrote {len(text.splitlines()) - 1} low-stock row(s) to {csv_path}.")
        return EXIT_OK
    rows = services.stock_control.low_stock(where)
    if not rows:
        print("No part is low" + (f" at {location}." if location else "."))
        return EXIT_OK
    header = (
        "Location",
        "Bin",
        "Part",
        "Name",
        "On hand",
        "Reserved",
        "Incoming",
        "Available",
        "Minimum",
        "Order",
        "Unit",
    )
    body = [
        (
            r.location_name,
            r.bin,
            r.part_number,
            r.part_name,
            _qty(r.on_hand),
            _qty(r.reserved),
            _qty(r.incoming),
            _qty(r.available),
            _qty(r.minimum),
            _qty(r.suggested),
            r.unit,
        )
        for r in rows
    ]
    for line in table(header, body, right={4, 5, 6, 7, 8, 9}):
        print(line)
    print(f"{len(rows)} part(s) low.")
    return EXIT_OK


def _valuation(services: Any, csv_path: str | None) -> int:
    if csv_path:
        _write(csv_path, services.stock_control.valuation_csv())
        print(f"Wrote the stock valuation to {csv_path}.")
        return EXIT_OK
    report = services.stock_control.valuation()
    header = ("Location", "Kind", "Parts with stock", "Units on hand", "Value at cost", "Parts without cost")
    body = [
        (
            x.name,
            x.kind,
            f"{x.parts_with_stock:,}",
            _qty(x.units_on_hand),
            f"{x.value:,.2f}",
            f"{x.parts_without_cost:,}",
        )
        for x in [*report.locations, report.total]
    ]
    for line in table(header, body, right={2, 3, 4, 5}):
        print(line)
    if report.total.parts_without_cost:
        print(f"{report.total.parts_without_cost} part(s) with stock have no cost and are not in the value.")
    return EXIT_OK


def _labels(services: Any, args: argparse.Namespace) -> int:
    """Labels are checked and laid out before the file is written (no file on a refusal)."""
    labels = services.part_labels
    where = location_id(services, args.location)
    chosen = labels.part_ids(args.parts.split(",")) if args.parts is not None else None
    contents = labels.contents(where, chosen)
    try:
        plan = labels.render(contents, args.layout, Path(args.out), start_position=args.start)
    except OSError as exc:
        raise KnownError(f"Cannot write {args.out}: {exc.strerror or exc}.") from None
    print(f"{len(contents)} label(s) on {plan.pages} page(s) written to {args.out}.")
    return EXIT_OK

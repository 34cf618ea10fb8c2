"""``tuffops inventory …``: stock reports and checks for scripts and scheduled jobs.

Kept apart from ``cli.py`` so the inventory commands live in one place; ``cli.py`` only
adds the parser and hands the parsed arguments here."""

from __future__ import annotations

import argparse
from typing import Any

EXIT_OK, EXIT_FAILED = 0, 1


def add_parser(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """The ``inventory`` command and its subcommands."""
    inventory = sub.add_parser("inventory", help="parts and stock")
    inventory_sub = inventory.add_subparsers(dest="inventory_command", required=True, parser_class=parser_class)
    inventory_sub.add_parser("check", help="check that the cached stock levels equal the stock ledger")


def run(services: Any, args: argparse.Namespace) -> int:
    """Run one ``inventory`` subcommand with the system user's services."""
    if args.inventory_command == "check":
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
    return EXIT_FAILED

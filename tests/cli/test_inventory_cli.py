"""``tuffops inventory low-stock`` and ``valuation``, run as a user would (a real process),
on SQLite and PostgreSQL; a wrong location name is one clear line and a non-zero exit."""

from __future__ import annotations

import csv

import pytest

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def _seed(url: str) -> None:
    from tuffops_desktop.bootstrap import open_database, system_services

    db = open_database(url)
    try:
        s = system_services(db)
        inv, sc = s.inventory, s.stock_control
        warehouse = inv.add_location("Warehouse")
        van = inv.add_location("Van 2", "van")
        cap = inv.add_part("C-35", "Run capacitor 35 uF", "each", cost="12.50")
        gas = inv.add_part("R-410A", "Refrigerant", "kg", cost="20.00")
        wire = inv.add_part("W-1", "=Wire", "m")  # no cost; a name a spreadsheet would run
        inv.receive(cap.id, warehouse.id, "3")
        inv.receive(gas.id, van.id, "1.5")
        inv.receive(wire.id, warehouse.id, "40")
        sc.set_levels(cap.id, warehouse.id, "5", "10", "A-1")
        sc.set_levels(gas.id, van.id, "2", None)
        sc.set_levels(wire.id, warehouse.id, "50", None)
        sc.order(wire.id, warehouse.id, "10", "Acme")  # incoming: no longer low
    finally:
        db.engine.dispose()


def test_low_stock_and_valuation(url, tmp_path):
    _seed(url)
    shown = tuffops("inventory", "low-stock", data_dir=tmp_path, url=url)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split() == [
        "Location", "Bin", "Part", "Name", "On", "hand", "Reserved", "Incoming", "Available", "Minimum", "Order", "Unit"
    ]  # fmt: skip
    assert lines[1].split() == ["Van", "2", "R-410A", "Refrigerant", "1.5", "0", "0", "1.5", "2", "0.5", "kg"]
    assert lines[2].split() == [
        "Warehouse", "A-1", "C-35", "Run", "capacitor", "35", "uF", "3", "0", "0", "3", "5", "10", "each"
    ]  # fmt: skip
    assert lines[3] == "2 part(s) low."

    only = tuffops("inventory", "low-stock", "--location", "  van 2 ", data_dir=tmp_path, url=url)
    assert only.returncode == 0 and "C-35" not in only.stdout and "R-410A" in only.stdout

    out = tmp_path / "low.csv"
    written = tuffops("inventory", "low-stock", "--csv", str(out), data_dir=tmp_path, url=url)
    assert written.returncode == 0, written.stderr
    assert written.stdout.strip() == f"Wrote 2 low-stock row(s) to {out}."
    rows = list(csv.reader(out.open(encoding="utf-8", newline="")))
    assert [r[2] for r in rows] == ["part_number", "R-410A", "C-35"] and rows[2][-1] == "10"

    value = tuffops("inventory", "valuation", data_dir=tmp_path, url=url)
    assert value.returncode == 0, value.stderr
    assert [line.split() for line in value.stdout.splitlines()[1:4]] == [
        ["Van", "2", "van", "1", "1.5", "30.00", "0"],
        ["Warehouse", "warehouse", "2", "43", "37.50", "1"],
        ["Total", "3", "44.5", "67.50", "1"],
    ]
    assert "1 part(s) with stock have no cost" in value.stdout
    report = tmp_path / "value.csv"
    assert tuffops("inventory", "valuation", "--csv", str(report), data_dir=tmp_path, url=url).returncode == 0
    assert report.read_text(encoding="utf-8").splitlines()[-1] == "Total,,3,44.5,67.50,1"


def test_a_wrong_location_is_one_line_and_fails(url, tmp_path):
    _seed(url)
    result = tuffops(
        "inventory", "low-stock", "--location", "Van 9", "--csv", str(tmp_path / "x.csv"), data_dir=tmp_path, url=url
    )
    assert result.returncode != 0
    assert result.stderr == "tuffops: There is no stock location called “Van 9” (locations: Van 2, Warehouse).\n"
    assert not (tmp_path / "x.csv").exists()
    bad = tuffops("inventory", "valuation", "--csv", str(tmp_path / "missing" / "v.csv"), data_dir=tmp_path, url=url)
    assert bad.returncode != 0 and bad.stderr.startswith("tuffops: Cannot write") and bad.stderr.count("\n") == 1

"""``tuffops inventory labels``, run as a user would (a real process), on SQLite and
PostgreSQL: a location's part labels in bin order, chosen parts, and clear refusals that
leave no file."""

from __future__ import annotations

import pytest

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tests.qrscan import decode_pdf


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def _seed(url: str) -> None:
    from tuffops_desktop.bootstrap import open_database, system_services

    db = open_database(url)
    try:
        s = system_services(db)
        warehouse = s.inventory.add_location("Main warehouse")
        for number, bin in (("C-45", "A-2"), ("C-35", "A-1"), ("R-410A", "")):
            part = s.inventory.add_part(number, f"Part {number}", "each")
            s.inventory.receive(part.id, warehouse.id, "2")
            if bin:
                s.stock_control.set_levels(part.id, warehouse.id, None, None, bin)
    finally:
        db.engine.dispose()


def test_labels_for_a_location_and_for_chosen_parts(url, tmp_path):
    _seed(url)
    out = tmp_path / "labels.pdf"
    done = tuffops(
        "inventory", "labels", "--location", "main WAREHOUSE", "--layout", "avery-5160", "--out", str(out),
        data_dir=tmp_path, url=url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"3 label(s) on 1 page(s) written to {out}."
    assert sorted(decode_pdf(out)) == ["TUFFOPS:PART:C-35", "TUFFOPS:PART:C-45", "TUFFOPS:PART:R-410A"]

    chosen = tmp_path / "two.pdf"
    done = tuffops(
        "inventory", "labels", "--location", "Main warehouse", "--parts", "r-410a, C-35", "--layout",
        "tape-62mm-x-29mm", "--out", str(chosen), data_dir=tmp_path, url=url,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert decode_pdf(chosen) == ["TUFFOPS:PART:C-35", "TUFFOPS:PART:R-410A"]  # bin order, unbinned last

    for args, message in (
        (("--location", "Nowhere", "--layout", "avery-5160"), "no stock location called “Nowhere”"),
        (("--location", "Main warehouse", "--parts", "C-35,X-9", "--layout", "avery-5160"), "X-9"),
        (("--location", "Main warehouse", "--layout", "no-such-stock"), "Unknown layout"),
    ):
        never = tmp_path / "never.pdf"
        refused = tuffops("inventory", "labels", *args, "--out", str(never), data_dir=tmp_path, url=url)
        assert refused.returncode != 0 and message in refused.stderr, refused.stderr
        assert not never.exists()

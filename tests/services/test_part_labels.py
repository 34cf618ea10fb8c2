"""Part and bin labels, on SQLite and PostgreSQL: which parts a location's sheet holds and
in which order, what each label says, and every QR code decoding to its part's payload."""

from __future__ import annotations

import pytest

from tests.factories import as_role
from tests.qrscan import decode_pdf, pdf_text
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.part_labels import parse_part_code
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.part_labels import PartLabelService


@pytest.fixture
def shelves(services):
    """A warehouse with five parts kept there (four in bins), one part only in the van,
    and one part no longer stocked."""
    inv, control = services.inventory, services.stock_control
    warehouse = inv.add_location("Main warehouse")
    van = inv.add_location("Van — Maria", "van")
    parts = {}
    for number, name, bin in (
        ("CAP-DR-45/5", "Dual run capacitor 45/5 µF 440 V, round", "A-01-2"),
        ("CAP-DR-35/5", "Dual run capacitor 35/5 µF 440 V, round", "A-01-1"),
        ("REF-R410A", "Refrigerant R-410A, virgin, 11.34 kg cylinder", "I-01-1"),
        ("FLT-16x25x1-M8", "Pleated air filter 16x25x1 in, MERV 8", "D-03-4"),
        ("TAB-PAN", "Drain pan treatment tablets (pack of 12)", ""),
    ):
        part = inv.add_part(number, name, "each")
        parts[number] = part.id
        inv.receive(part.id, warehouse.id, "4")
        if bin:
            control.set_levels(part.id, warehouse.id, "2", "4", bin)
    only_van = inv.add_part("RMT-MSZ", "Wireless remote controller (MSZ series)")
    inv.receive(only_van.id, van.id, "1")
    parts["RMT-MSZ"] = only_van.id
    gone = inv.add_part("OLD-1", "Discontinued relay")
    control.set_levels(gone.id, warehouse.id, None, None, "Z-99-9")
    current = inv.part(gone.id)
    inv.set_part_active(gone.id, False, current.version)
    return warehouse.id, van.id, parts


def test_a_location_sheet_lists_its_parts_in_bin_order(services, shelves, tmp_path):
    warehouse, _van, _parts = shelves
    labels = PartLabelService(services.ctx)
    contents = labels.contents(warehouse)
    assert [c.title for c in contents] == ["CAP-DR-35/5", "CAP-DR-45/5", "FLT-16x25x1-M8", "REF-R410A", "TAB-PAN"]
    first = contents[0]
    assert (first.url, first.code, first.footer) == (
        "TUFFOPS:PART:CAP-DR-35/5",
        "Dual run capacitor 35/5 µF 440 V, round",
        "Bin A-01-1 · Main warehouse",
    )
    assert contents[-1].footer == "Main warehouse"  # no bin yet: the location only

    pdf = tmp_path / "warehouse.pdf"
    plan = labels.render(contents, "avery-5160", pdf, start_position=28)
    assert plan.pages == 2  # labels 28-30 of a used sheet, then two on a new one
    codes = decode_pdf(pdf)
    assert sorted(codes) == sorted(c.url for c in contents)
    assert sorted(parse_part_code(code) for code in codes) == sorted(c.title for c in contents)
    text = pdf_text(pdf)
    assert "CAP-DR-35/5" in text and "Bin A-01-1" in text and "Main warehouse" in text


def test_chosen_parts_by_number_on_a_label_printer(services, shelves, tmp_path):
    warehouse, van, parts = shelves
    labels = PartLabelService(services.ctx)
    ids = labels.part_ids([" ref-r410a", "CAP-DR-45/5", "RMT-MSZ"])
    assert ids == [parts["REF-R410A"], parts["CAP-DR-45/5"], parts["RMT-MSZ"]]
    contents = labels.contents(warehouse, ids)  # bin order, a part not kept there last
    assert [(c.title, c.footer) for c in contents] == [
        ("CAP-DR-45/5", "Bin A-01-2 · Main warehouse"),
        ("REF-R410A", "Bin I-01-1 · Main warehouse"),
        ("RMT-MSZ", "Main warehouse"),
    ]
    assert [c.title for c in labels.contents(van)] == ["RMT-MSZ"]
    pdf = tmp_path / "tape.pdf"
    plan = labels.render(contents, "tape-62mm-x-29mm", pdf)
    assert plan.pages == 3  # one label per page on a label printer
    assert decode_pdf(pdf) == [c.url for c in contents]


def test_bad_requests_are_refused_with_the_reason(services, shelves, tmp_path):
    warehouse, _van, _parts = shelves
    labels = PartLabelService(services.ctx)
    with pytest.raises(ValidationError, match="NOPE-1, NOPE-2"):
        labels.part_ids(["CAP-DR-45/5", "NOPE-1", "NOPE-2"])
    with pytest.raises(ValidationError):
        labels.part_ids(["  "])
    empty = services.inventory.add_location("Van — new")
    with pytest.raises(NotFound, match="No parts are kept at Van — new"):
        labels.contents(empty.id)
    with pytest.raises(NotFound):
        labels.contents(warehouse, [999_999])
    with pytest.raises(NotFound):
        labels.contents(999_999)
    contents = labels.contents(warehouse)
    out = tmp_path / "never.pdf"
    with pytest.raises(ValidationError, match="Unknown layout"):
        labels.render(contents, "no-such-stock", out)
    with pytest.raises(ValidationError, match="start position"):
        labels.render(contents, "avery-5160", out, start_position=31)
    assert not out.exists()


def test_a_technician_prints_the_labels_of_a_van(services, shelves, tmp_path):
    _warehouse, van, _parts = shelves
    tech = as_role(services, Role.TECHNICIAN)
    labels = PartLabelService(tech.ctx)
    assert "avery-5160" in labels.layouts()
    pdf = tmp_path / "van.pdf"
    labels.render(labels.contents(van), "avery-l7160", pdf)
    assert decode_pdf(pdf) == ["TUFFOPS:PART:RMT-MSZ"]

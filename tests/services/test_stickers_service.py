import pytest
from sqlalchemy import func, select

from tests.factories import as_role, make_customer, make_unit
from tests.qrscan import decode_pdf
from tuffops_desktop.db.models import AuditEntry, BlankQrLabel
from tuffops_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.qr import short_code
from tuffops_desktop.services.listing import Flag, ListQuery


@pytest.fixture
def setup(services):
    services.settings.update(
        {
            "public_base_url": "https://svc.example.com",
            "company_name": "Caribe Cooling",
            "company_phone": "+1 869 465 2200",
        }
    )
    ann = make_customer(services)
    units = [
        make_unit(
            services,
            customer_id=ann.id,
            serial_number=f"SN{i}",
            location=f"Room {i}",
            address="12 Bay Road" if i < 2 else "3 Fort St",
        )
        for i in range(3)
    ]
    stock = make_unit(services, serial_number="STK-9", location="")
    return ann, units, stock


def test_contents_and_selection(services, setup):
    ann, units, stock = setup
    stickers = services.stickers
    by_site = sorted(units, key=lambda u: (u.address, u.location))
    assert stickers.unit_ids_for_customer(ann.id) == [u.id for u in by_site]
    assert stickers.unit_ids_for_customer(ann.id, "12 Bay Road") == [units[0].id, units[1].id]
    with pytest.raises(NotFound):
        stickers.unit_ids_for_customer(ann.id, "Nowhere")
    contents = stickers.contents_for_units([units[0].id, stock.id])
    assert contents[0].url == f"https://svc.example.com/u/{units[0].qr_code_guid}"
    assert (contents[0].title, contents[0].code) == ("Room 0", "S/N SN0")
    assert contents[0].footer == "Caribe Cooling · +1 869 465 2200"
    assert (contents[1].title, contents[1].code) == ("STK-9", short_code(stock.qr_code_guid))
    with pytest.raises(ValidationError):
        stickers.unit_ids_for_guids(["not a code"])


def test_printing_marks_units_and_every_code_decodes(services, setup, tmp_path):
    ann, units, stock = setup
    ids = services.stickers.unit_ids_without_sticker()
    assert set(ids) == {u.id for u in units} | {stock.id}
    pdf = tmp_path / "sheet.pdf"
    result = services.stickers.render(
        services.stickers.contents_for_units(ids), "avery-5160", pdf, start_position=29, unit_ids=ids
    )
    assert result.pages == 2  # positions 29 and 30 on the first sheet, the rest on the second
    urls = [f"https://svc.example.com/u/{services.units.get(i).qr_code_guid}" for i in ids]
    assert sorted(decode_pdf(pdf)) == sorted(urls)
    assert services.stickers.unit_ids_without_sticker() == []
    assert services.units.list_ids(ListQuery(filters={"sticker_printed": Flag(False)})) == []


def test_blank_labels_are_stored_unbound_and_printed(services, tmp_path):
    contents = services.stickers.blank_label_contents(4, services.units)
    with services.ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(BlankQrLabel).where(BlankQrLabel.bound_unit_id.is_(None))) == 4
    pdf = tmp_path / "blank.pdf"
    services.stickers.render(contents, "tape-62mm-x-29mm", pdf)
    assert sorted(decode_pdf(pdf)) == sorted(c.url for c in contents)


def test_custom_layouts_and_offsets(services):
    layout = services.stickers.layout("avery-5160").to_dict()
    layout.update(key="office-custom", name="Our label stock", rows=5)
    services.stickers.save_custom_layout(layout)
    assert services.stickers.layout("office-custom").rows == 5
    bad = dict(layout, key="broken", label_width_mm=500)
    with pytest.raises(ValidationError):
        services.stickers.save_custom_layout(bad)
    with pytest.raises(ValidationError):
        services.stickers.save_custom_layout(dict(layout, key="avery-5160"))
    services.stickers.set_offset("avery-5160", 1.5, -0.75)
    assert services.stickers.offset("avery-5160") == (1.5, -0.75)
    with pytest.raises(ValidationError):
        services.stickers.set_offset("avery-5160", 50, 0)
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).stickers.set_offset("avery-5160", 1, 1)
    assert "label_offsets" not in [s.name for s in services.settings.list()]


def test_marking_printed_is_the_sticker_services_job(services, setup):
    """The desktop prints the plan itself, then tells the service which units came out."""
    ann, units, stock = setup
    services.stickers.mark_printed([units[0].id, stock.id], "avery-5160")
    assert set(services.stickers.unit_ids_without_sticker()) == {units[1].id, units[2].id}
    with services.ctx.read() as session:
        row = session.scalars(select(AuditEntry).where(AuditEntry.action == "print_stickers")).one()
    assert (row.entity, row.entity_id) == ("unit", "*")
    assert row.changes == {"count": [None, 2], "layout": [None, "avery-5160"]}
    services.stickers.mark_printed([], "avery-5160")  # nothing printed: nothing recorded
    with services.ctx.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "print_stickers"))
            == 1
        )
    viewer = as_role(services, Role.READ_ONLY)
    with pytest.raises(PermissionDenied):
        viewer.stickers.mark_printed([units[1].id], "avery-5160")
    assert units[1].id in services.stickers.unit_ids_without_sticker()

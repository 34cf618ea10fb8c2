"""The work order's items on the job sheet: name, quantity and unit, never prices
(pdftotext of the real PDF, on SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import re

from tests.factories import make_customer, make_unit
from tests.qrscan import pdf_text
from tuffops_desktop.domain.pricing import PriceListInput


def test_items_print_with_quantity_and_unit_and_without_prices(services, tmp_path):
    unit = make_unit(services, customer_id=make_customer(services, discount_rate="5").id)
    order = services.work_orders.create(unit.id, "repair", "Not cooling")
    entries = [
        services.price_list.add(PriceListInput("Labour (per hour)", "service", "hour", "65.00")),
        services.price_list.add(PriceListInput("Refrigerant R-410A", "material", "kg", "38.50")),
        services.price_list.add(
            PriceListInput(
                "Copper line set 1/4 x 3/8 with flare nuts, insulation and wall sleeve", "material", "ft", "6.50"
            )
        ),
        services.price_list.add(PriceListInput("Coil cleaning", "service", "m2", "17.25")),
    ]
    for entry, quantity in zip(entries, ("1.5", "0.75", "25", "2"), strict=True):
        services.work_order_items.add(order.id, entry.id, quantity)
    buffer = io.BytesIO()
    assert services.work_orders.job_sheet(order.id, buffer) == 1
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(buffer.getvalue())
    text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "ITEMS" in flat and "QTY" in flat and "UNIT" in flat
    assert re.search(r"Labour \(per hour\)\s+1\.5\s+hour", text)
    assert re.search(r"Refrigerant R-410A\s+0\.75\s+kg", text)
    assert "25 ft" in flat and "wall sleeve" in flat and "m²" in flat
    for price in ("65.00", "38.50", "6.50", "17.25", "97.50"):
        assert price not in flat  # the sheet goes to the technician and the customer sees it on site
    assert flat.index("ITEMS") > flat.index("Not cooling")  # after what the customer asked for


def test_a_sheet_without_items_has_no_items_section(services, tmp_path):
    unit = make_unit(services, customer_id=make_customer(services).id)
    order = services.work_orders.create(unit.id, "repair", "Noisy fan")
    buffer = io.BytesIO()
    assert services.work_orders.job_sheet(order.id, buffer) == 1
    pdf = tmp_path / "empty.pdf"
    pdf.write_bytes(buffer.getvalue())
    assert "ITEMS" not in pdf_text(pdf)

"""The company logo in the shared settings (SQLite and PostgreSQL): a checked PNG or JPEG
stored as the image itself, refused with the reason and nothing stored when it is not
one, audited by description, and printed on invoices, quotations and statements."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.factories import as_role
from tests.logo_samples import logo_jpeg, logo_png, noisy_png
from tests.services.invoice_support import customer_with_unit, issued
from tests.services.quotation_support import seed_quotations
from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.documents.priced_document import LOGO_MAX
from tuffops_desktop.domain.errors import PermissionDenied, ValidationError
from tuffops_desktop.domain.logo import logo_bytes
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.services.invoice_documents import invoice_plan, statement_plan, write_invoice_pdf
from tuffops_desktop.services.quote_documents import quotation_plan
from tuffops_desktop.services.registry import Services


def _logo_audits(services: Services) -> list[AuditEntry]:
    with services.ctx.read() as session:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.entity == "setting", AuditEntry.entity_id == "company_logo")
                .order_by(AuditEntry.id)
            )
        )


def test_a_logo_is_stored_as_the_image_audited_by_description_and_removed(services):
    assert services.settings.get("company_logo") == ""
    png = logo_png()
    services.settings.update({"company_logo": png})
    assert logo_bytes(services.settings.get("company_logo")) == png
    listed = {v.name: v for v in services.settings.list()}["company_logo"]
    assert listed.kind == "image" and listed.group == "Company" and logo_bytes(listed.value) == png

    jpeg = logo_jpeg()
    services.settings.update({"company_logo": jpeg}, {"company_logo": listed.version})
    assert logo_bytes(services.settings.get("company_logo")) == jpeg
    services.settings.update({"company_logo": ""})
    assert services.settings.get("company_logo") == ""

    changes = [entry.changes["company_logo"] for entry in _logo_audits(services)]
    assert len(changes) == 3
    assert changes[0][0] == "" and changes[0][1].startswith("PNG 400 × 100 px, 1 KB, sha256 ")
    assert changes[1][1].startswith("JPEG 300 × 300 px") and changes[2] == [changes[1][1], ""]
    assert all(len(text) < 80 for change in changes for text in change)  # never the image itself


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (noisy_png(), "The logo is 1057 KB; at most 512 KB"),
        (b"%PDF-1.4 not an image", "must be a PNG or JPEG"),
        (logo_png()[:150], "damaged or incomplete"),
    ],
    ids=["too-big", "not-an-image", "truncated"],
)
def test_a_bad_logo_is_refused_and_nothing_is_stored(services, bad, message):
    services.settings.update({"company_logo": logo_png()})
    stored = services.settings.get("company_logo")
    name = services.settings.get("company_name")
    audits = len(_logo_audits(services))
    with pytest.raises(ValidationError) as refused:
        services.settings.update({"company_logo": bad, "company_name": "Renamed along with a bad logo"})
    assert message in refused.value.field_errors["company_logo"]
    assert services.settings.get("company_logo") == stored
    assert services.settings.get("company_name") == name  # one save: all or nothing
    assert len(_logo_audits(services)) == audits
    with services.ctx.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity_id == "company_name"))
            == 0
        )


def test_only_settings_edit_may_change_the_logo(services):
    with pytest.raises(PermissionDenied):
        as_role(services, Role.OFFICE).settings.update({"company_logo": logo_png()})
    assert services.settings.get("company_logo") == ""


def _logo_box(plan):  # noqa: ANN001, ANN202
    (image,) = plan.pages[0].images
    return image


def test_invoices_quotations_and_statements_print_the_settings_logo(services, tmp_path: Path):
    customer_id, unit_id = customer_with_unit(services)
    invoice_id = issued(services, unit_id)
    draft_id, _accepted = seed_quotations(services)
    today = date.today()

    def plans():  # noqa: ANN202
        return [
            invoice_plan(services.invoices, services.settings, invoice_id),
            quotation_plan(services.quotations, services.settings, draft_id),
            statement_plan(services.receivables, services.settings, customer_id, today - timedelta(days=30), today),
        ]

    assert all(plan.pages[0].images == () for plan in plans())
    png = logo_png(400, 100)
    services.settings.update({"company_logo": png})
    for plan in plans():
        image = _logo_box(plan)
        assert image.data == png
        # scaled into the header's logo box, aspect ratio kept (400 × 100 → 120 × 30 points)
        assert image.box.width == pytest.approx(LOGO_MAX[0]) and image.box.height == pytest.approx(30)
        assert plan.pages[0].images[0].box.y > plan.pages[0].size_pt[1] / 2  # in the header

    tall = logo_jpeg(100, 200)
    services.settings.update({"company_logo": tall})
    image = _logo_box(plans()[0])
    assert image.box.height == pytest.approx(LOGO_MAX[1]) and image.box.width == pytest.approx(27)

    if shutil.which("pdfimages") is None:
        pytest.fail("missing pdfimages (apt-get install poppler-utils)", pytrace=False)
    pdf = tmp_path / "invoice.pdf"
    write_invoice_pdf(services.invoices, services.settings, services.invoices.get(invoice_id).number, pdf)
    listed = subprocess.run(["pdfimages", "-list", str(pdf)], check=True, capture_output=True, text=True).stdout
    rows = [line.split() for line in listed.splitlines()[2:]]
    assert [(row[0], row[2], row[3], row[4]) for row in rows] == [("1", "image", "100", "200")]

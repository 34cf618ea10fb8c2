"""The Quotes page (pytest-qt, offscreen): the list on the list-page base, the quotation
panel with its lines, status moves, the lock, conversion, notes and the quote PDF."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.factories import make_customer, make_unit
from tuffops_desktop.domain.quotations import Action, QuotationInput
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.pages.quotes import editor as editor_module
from tuffops_desktop.ui.pages.quotes.page import QuotesPage
from tuffops_desktop.ui.pages.work_orders.items import COLUMNS

PRICE_COLUMNS = [n for n, (_key, _title, priced) in enumerate(COLUMNS) if priced]


def make_page(qtbot, services, kit) -> QuotesPage:  # noqa: ANN001
    page = QuotesPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 or page.count_label.text() != "", timeout=5000)
    return page


def entry_id(services, name: str) -> int:  # noqa: ANN001
    return next(e.id for e in services.price_list.search(name) if e.name == name)


@pytest.fixture
def draft(demo):
    """A new draft for a reachable customer with two units (made by the office)."""
    system = demo.services_as("admin")
    customer = make_customer(system, company_name="Harbour Lights Hotel", emails="desk@harbourlights.example")
    lobby = make_unit(system, customer_id=customer.id, serial_number=f"QL-{customer.id}", location="Lobby cassette")
    bar = make_unit(system, customer_id=customer.id, serial_number=f"QB-{customer.id}", location="Bar split")
    office = demo.services_as("office")
    q = office.quotations.create(
        QuotationInput(title="Two new units", customer_id=customer.id, customer_requests="Quiet units, please")
    )
    q = office.quotations.add_unit(q.id, lobby.id, "Above reception")
    q = office.quotations.add_unit(q.id, bar.id)
    return q


def test_the_demo_quotes_are_listed_with_status_names_and_money_right_aligned(qtbot, demo, kit):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    listed = office.quotations.list_ids(page.controller.query)
    qtbot.waitUntil(lambda: page.model.rowCount() == len(listed), timeout=5000)
    assert len(listed) >= 6  # open quotations: drafts, ready for review, sent, accepted
    statuses = {office.quotations.rows([i])[0].status for i in listed}
    assert statuses <= {"pending", "ready_to_review", "submitted", "accepted"}
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))
    every = office.quotations.list_ids(ListQuery())
    qtbot.waitUntil(lambda: page.model.rowCount() == len(every), timeout=5000)
    assert {"fulfilled", "rejected", "cancelled"} <= {r.status for r in office.quotations.rows(every)}


def test_the_office_prices_sends_and_the_lock_leaves_notes(qtbot, demo, kit, draft):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    page._after_change(draft)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None and editor.detail.id == draft.id, timeout=5000)
    assert editor.lines.add_button.isVisible() and editor.edit_button.isVisible()
    assert editor.lines.add_entry(entry_id(office, "Installation, split unit up to 18,000 BTU"), "2")
    assert editor.lines.add_entry(entry_id(office, "Labour (per hour)"), "1.5")
    assert editor.lines.model.rowCount() == 2
    assert all(not editor.lines.table.isColumnHidden(c) for c in PRICE_COLUMNS)
    assert "Total" in editor.lines.totals.text()
    assert editor.action_buttons["send"].isVisible()
    editor.take(Action.SEND)
    qtbot.waitUntil(lambda: editor.detail.status == "submitted", timeout=5000)
    assert editor.detail.locked and not editor.lines.add_button.isVisible()
    assert "locked" in editor.lines.note.text()
    assert editor.action_buttons["accept"].isVisible() and not editor.action_buttons["send"].isVisible()
    editor.note_edit.setText("Customer will answer after the board meeting.")
    editor.add_note()
    assert "board meeting" in editor.notes.toPlainText()
    grab = page.grab()
    target = os.environ.get("TUFFOPS_SHOT")
    if target:
        grab.save(target)


def test_accept_and_convert_into_one_work_order_per_unit(qtbot, demo, kit, draft, monkeypatch):
    office = demo.services_as("office")
    q = office.quotations.add_line(draft.id, entry_id(office, "Call-out fee"), "1")
    q = office.quotations.act(q.id, "send", q.version)
    page = make_page(qtbot, office, kit)
    page._after_change(q)
    editor = page.editor
    qtbot.waitUntil(lambda: editor.detail is not None and editor.detail.id == q.id, timeout=5000)
    editor.take(Action.ACCEPT)
    qtbot.waitUntil(lambda: editor.detail.status == "accepted", timeout=5000)
    assert editor.convert_button.isVisible() and editor.convert_button.isEnabled()
    monkeypatch.setattr(editor_module.ConvertDialog, "exec", lambda self: True)
    editor.convert()
    assert [w.status for w in editor.detail.work_orders] == ["unassigned", "unassigned"]
    assert not editor.convert_button.isVisible()
    assert "WO-" in editor.values["converted"].text()


def test_a_reader_sees_no_prices_and_no_actions(qtbot, demo, kit, draft):
    reader = demo.services_as("auditor")
    page = make_page(qtbot, reader, kit)
    assert not page.new_button.isVisible()
    page.show_current(draft.id)
    editor = page.editor
    assert editor.detail is not None and not editor.detail.pricing
    assert all(editor.lines.table.isColumnHidden(c) for c in PRICE_COLUMNS)
    assert not any(b.isVisible() for b in editor.action_buttons.values())
    assert not editor.edit_button.isVisible() and not editor.pdf_button.isVisible()
    assert not editor.note_edit.isVisible()


def test_the_quote_pdf_has_every_amount(qtbot, demo, kit, draft, tmp_path):
    office = demo.services_as("office")
    q = office.quotations.add_line(draft.id, entry_id(office, "Labour (per hour)"), "2")
    page = make_page(qtbot, office, kit)
    page._after_change(q)
    target = tmp_path / "quote.pdf"
    kit.prompts.save_path = target
    with qtbot.waitSignal(page.editor.pdf_saved, timeout=10000):
        page.editor.save_pdf()
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True).stdout
    q = office.quotations.get(q.id)
    assert q.number in text and "QUOTATION" in text and "Harbour Lights Hotel" in text and "DRAFT" in text
    for amount in (q.lines[0].amount, q.net, q.tax, q.total):
        assert f"{amount:,.2f}" in text


def test_settings_section_adds_and_renames_statuses_for_admins_only(qtbot, demo, kit, monkeypatch):
    from tuffops_desktop.ui.pages.settings import quotation_statuses_section as module

    admin = demo.services_as("admin")
    section = module.QuotationStatusesSection(kit.ops, admin)
    qtbot.addWidget(section)
    section.resize(640, 360)
    section.show()
    section.refresh()
    qtbot.waitUntil(lambda: section.list.count() == 7, timeout=5000)
    assert "(locks)" in section.list.item(2).text() and "(locks)" not in section.list.item(0).text()
    monkeypatch.setattr(module.QInputDialog, "getText", lambda *a, **k: ("Awaiting site survey", True))
    assert section.add()
    assert section.list.item(7).text() == "Awaiting site survey   (added)"
    section.list.setCurrentRow(1)
    monkeypatch.setattr(module.QInputDialog, "getText", lambda *a, **k: ("Checked by the office", True))
    assert section.rename()
    assert section.list.item(1).text() == "Checked by the office"
    monkeypatch.setattr(module.QInputDialog, "getText", lambda *a, **k: ("draft", True))
    assert not section.add()  # a name already on the list is refused with a message
    assert kit.prompts.calls and section.list.count() == 8
    if os.environ.get("TUFFOPS_SHOT"):
        section.grab().save(os.environ["TUFFOPS_SHOT"].replace(".png", "_statuses.png"))
    office_view = module.QuotationStatusesSection(kit.ops, demo.services_as("office"))
    qtbot.addWidget(office_view)
    office_view.show()
    assert not office_view.add_button.isVisible() and not office_view.rename_button.isVisible()
    q = demo.services_as("office").quotations
    assert ("awaiting_site_survey", "Awaiting site survey") in [(e.key, e.label) for e in q.statuses().entries]


def test_the_lines_model_passes_the_model_tester(qtbot, qtmodeltester, demo, kit, draft):
    office = demo.services_as("office")
    page = make_page(qtbot, office, kit)
    page._after_change(draft)
    lines = page.editor.lines
    qtmodeltester.check(lines.model)
    lines.add_entry(entry_id(office, "Labour (per hour)"), "2")
    lines.add_entry(entry_id(office, "Call-out fee"), "1", draft.units[0].unit_id)
    assert lines.model.index(1, 0).data() == "Call-out fee · Lobby cassette"
    qtmodeltester.check(lines.model)

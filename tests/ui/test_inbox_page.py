"""Inbox page, request editor and Add Request dialog: SQL filter/sort, the sidebar badge,
plain-text display of hostile text, notes, status changes, conversion (also when another
workstation converted first) and live updates from a real intake listener."""

from __future__ import annotations

import http.client
import re
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from PySide6.QtCore import QDate, QPoint, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import func, select

from tests.factories import as_role
from tuffops_desktop.db.models import WorkOrder
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.phones import format_phone
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.intake.app import Limits
from tuffops_desktop.intake.server import IntakeServer
from tuffops_desktop.services.listing import ListQuery, any_of
from tuffops_desktop.ui.main_window import MainWindow
from tuffops_desktop.ui.models.roles import TagColourRole
from tuffops_desktop.ui.pages.customers.page import CustomersPage
from tuffops_desktop.ui.pages.inbox.add_dialog import AddRequestDialog
from tuffops_desktop.ui.pages.inbox.columns import UNVERIFIED_COLOUR, VERIFIED_COLOUR
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.prompts import ConflictChoice

TOMORROW = date.today() + timedelta(days=1)
NEWEST_OPEN = ListQuery(filters={"status": any_of("open")}, sort="received", descending=True)
NEWEST_NOT_CLOSED = ListQuery(filters={"status": any_of("open", "ongoing")}, sort="received", descending=True)
HOSTILE = (
    '<b>bold</b><img src=x onerror=alert(1)>\n<script>alert("x")</script> &amp; &lt;\n'
    '<a href="javascript:alert(1)">click</a> <table><tr><td>cell</td></tr></table>'
)
HOSTILE_CONTACT = "<i>ann</i>@example.com <b>869</b>"
HOSTILE_NOTE = "<u>called</u> <img src=x onerror=alert(2)> &nbsp;"
TOKEN = re.compile(r'name="token" value="([^"]+)"')
RECEIPT_TICKET = re.compile(r'<p class="ticket">(R-[0-9A-Z]{5}-[0-9A-Z]{5})</p>')


@pytest.fixture
def office(demo):  # noqa: ANN001, ANN201
    return demo.services_as("office")


@pytest.fixture
def owned_unit(office):  # noqa: ANN001, ANN201
    """An active unit whose customer has a phone: (unit row, the phone as displayed)."""
    rows = office.units.rows(office.units.list_ids(ListQuery(sort="label"))[:60])
    for row in rows:
        if row.customer_id is not None:
            phones = office.customers.get(row.customer_id).phones
            if phones:
                return row, format_phone(phones[0])
    raise AssertionError("the demo has no unit with a customer phone")


def submit(
    services,
    unit_id: int,
    text: str = "AC dripping in the lobby",
    contact: str = "a tenant",  # noqa: ANN001
    when: date = TOMORROW,
    window: str = "Morning",
):  # noqa: ANN201
    return services.requests.submit_office(unit_id, RequestInput(text, when, window, contact))


def make_page(qtbot, services, kit) -> InboxPage:  # noqa: ANN001
    page = InboxPage(services, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.resize(1300, 860)
    page.show()
    return page


def make_window(qtbot, services, kit) -> MainWindow:  # noqa: ANN001
    window = MainWindow(services, kit.ops, kit.prompts, kit.monitor, database_label="SQLite · test.sqlite3")
    qtbot.addWidget(window)
    window.show()
    return window


def click_header(qtbot, page: InboxPage, column: int) -> None:  # noqa: ANN001
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def cells(page: InboxPage, request_id: int, role: int = Qt.ItemDataRole.DisplayRole) -> list:
    row = page.model.row_of_id(request_id)
    assert row is not None, "request not listed"
    page.model.row_data(row)  # painting fetches blocks in the background; fetch this one now
    return [page.model.data(page.model.index(row, c), role) for c in range(page.model.columnCount())]


def listed_tickets(page: InboxPage) -> list[str]:
    rows = (page.model.row_data(n) for n in range(page.model.rowCount()))
    return [r.ticket for r in rows if r is not None]


def open_in_editor(page: InboxPage, request_id: int) -> None:
    assert page.table.select_id(request_id)
    assert page.editor.request_id() == request_id


def feed_running(window: MainWindow) -> bool:
    return window.live.running


# ----------------------------------------------------------------- the list
def test_open_requests_newest_first_with_their_columns(qtbot, office, kit, owned_unit):
    unit, phone = owned_unit
    older = submit(office, unit.id, text="Older:   the fan\nrattles", contact=phone)
    newer = submit(office, unit.id, window="All Day")
    closed = submit(office, unit.id)
    office.requests.set_status(closed.id, "closed", closed.version)

    page = make_page(qtbot, office, kit)
    assert not isinstance(page.table.model(), QSortFilterProxyModel)
    assert page.status_filter.currentText() == "Not closed"
    assert page.model.ids() == office.requests.list_ids(NEWEST_NOT_CLOSED)
    ids = page.model.ids()
    assert closed.id not in ids and ids.index(newer.id) < ids.index(older.id)
    assert page.count_label.text() == f"{len(ids)} requests"

    headers = [page.model.headerData(n, Qt.Orientation.Horizontal) for n in range(page.model.columnCount())]
    assert headers == ["Ticket", "Received", "Unit", "Customer", "Preferred", "Status", "Source", "Verified", "Request"]
    assert cells(page, older.id) == [
        older.ticket,
        older.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        older.unit_label,
        older.customer_name,
        f"{TOMORROW.isoformat()} · Morning",
        "Open",
        "Office",
        "Verified",
        "Older: the fan rattles",
    ]
    assert cells(page, newer.id)[4] == f"{TOMORROW.isoformat()} · All day"
    assert cells(page, newer.id)[7] == "Unverified"
    assert cells(page, older.id, TagColourRole)[7] == VERIFIED_COLOUR
    assert cells(page, newer.id, TagColourRole)[7] == UNVERIFIED_COLOUR
    assert cells(page, older.id, TagColourRole)[5] is not None  # status pill
    assert cells(page, older.id, Qt.ItemDataRole.DecorationRole)[3] is not None  # customer type swatch


def test_status_filter_search_and_header_sort_re_query_sql(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    ongoing = submit(office, unit.id, text="Thermostat blank")
    office.requests.set_status(ongoing.id, "ongoing", ongoing.version)
    submit(office, unit.id, text="Noisy compressor", when=TOMORROW + timedelta(days=5))
    page = make_page(qtbot, office, kit)

    page.status_filter.setCurrentIndex(page.status_filter.findData("ongoing"))
    assert page.model.ids() == office.requests.list_ids(replace_kind(NEWEST_OPEN, "ongoing"))
    assert ongoing.id in page.model.ids()
    assert {page.model.row_data(n).status for n in range(page.model.rowCount())} == {"ongoing"}
    page.status_filter.setCurrentIndex(page.status_filter.findData(""))
    everything = office.requests.list_ids(replace_kind(NEWEST_OPEN, ""))
    assert page.model.ids() == everything

    click_header(qtbot, page, 0)  # Ticket
    assert (page.controller.query.sort, page.controller.query.descending) == ("ticket", False)
    assert page.model.ids() == office.requests.list_ids(ListQuery(sort="ticket"))
    click_header(qtbot, page, 0)
    assert page.model.ids() == office.requests.list_ids(ListQuery(sort="ticket", descending=True))
    click_header(qtbot, page, 4)  # Preferred
    assert page.model.ids() == office.requests.list_ids(ListQuery(sort="preferred")) != everything
    by_preferred = page.model.ids()
    click_header(qtbot, page, 7)  # Verified: computed, not sortable in SQL
    assert page.model.ids() == by_preferred
    assert page.table.horizontalHeader().sortIndicatorSection() == 4

    qtbot.keyClicks(page.search, ongoing.ticket)
    assert page.model.rowCount() > 1  # debounced: nothing happens while typing
    qtbot.waitUntil(lambda: page.model.ids() == [ongoing.id], timeout=2000)


def replace_kind(query: ListQuery, kind: str) -> ListQuery:
    return query.with_filter("status", any_of(kind) if kind else None)


def test_sidebar_badge_counts_open_requests_and_follows_triage(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    window = make_window(qtbot, office, kit)
    count = office.requests.open_count()
    assert count > 0
    assert window.badge_text("inbox") == f"Inbox  {count}"
    assert window.navigation.item(0).toolTip() == f"{count} open requests"

    page = window.show_section("inbox")
    assert isinstance(page, InboxPage)
    open_in_editor(page, req.id)
    page.editor.status.setCurrentIndex(page.editor.status.findData("ongoing"))
    qtbot.mouseClick(page.editor.apply_status, Qt.MouseButton.LeftButton)
    assert office.requests.get(req.id).status == "ongoing"
    assert window.badge_text("inbox") == f"Inbox  {count - 1}"

    assert feed_running(window)
    window.close()
    assert not feed_running(window)


def test_read_only_users_see_requests_but_no_actions(qtbot, demo, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(demo.services_as("office"), unit.id)
    page = make_page(qtbot, demo.services_as("auditor"), kit)
    assert not page.new_button.isVisible()
    open_in_editor(page, req.id)
    editor = page.editor
    assert editor.request_text.toPlainText() == req.request
    assert not editor.status.isEnabled() and not editor.apply_status.isVisible()
    assert not editor.convert_row.isVisible() and not editor.note_row.isVisible()

    estimator = make_page(qtbot, demo.services_as("estimator"), kit)  # may view, not triage
    open_in_editor(estimator, req.id)
    assert not estimator.editor.convert_row.isVisible() and not estimator.editor.note_row.isVisible()


# ----------------------------------------------------------------- the editor
def test_hostile_text_is_shown_verbatim_as_plain_text(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id, text=HOSTILE, contact=HOSTILE_CONTACT)
    office.requests.add_note(req.id, HOSTILE_NOTE)
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    editor = page.editor

    assert req.request == HOSTILE.strip()
    assert editor.request_text.toPlainText() == HOSTILE.strip()
    assert editor.request_text.isReadOnly()
    assert editor.values["contact"].text() == HOSTILE_CONTACT
    assert HOSTILE_NOTE in editor.notes.toPlainText()
    labels = editor.findChildren(QLabel)
    assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
    shown = "\n".join(label.text() for label in labels)
    assert HOSTILE_CONTACT in shown and req.ticket in shown
    assert cells(page, req.id)[8] == " ".join(HOSTILE.split())[:120]


def test_add_note_records_author_and_shows_it(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    editor = page.editor

    qtbot.mouseClick(editor.add_note_button, Qt.MouseButton.LeftButton)  # empty: inline message
    assert editor.note_errors.visible_messages() == {"note": "The note is empty."}
    assert kit.prompts.calls == [] and office.requests.get(req.id).notes == ()

    editor.note_edit.setText("Called back: home after 2 pm")
    qtbot.mouseClick(editor.add_note_button, Qt.MouseButton.LeftButton)
    notes = office.requests.get(req.id).notes
    assert [(n.author, n.body) for n in notes] == [("office", "Called back: home after 2 pm")]
    assert editor.note_edit.text() == "" and not editor.note_errors.visible_messages()
    stamp = notes[0].created_at.astimezone().strftime("%Y-%m-%d %H:%M")
    assert editor.notes.toPlainText() == f"office · {stamp}\nCalled back: home after 2 pm"
    assert editor.notes_title.text() == "Internal notes (1)"


def test_open_ongoing_closed_locks_the_status(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    editor = page.editor
    assert [editor.status.itemText(n) for n in range(editor.status.count())] == ["Open", "Ongoing", "Closed"]
    assert not editor.apply_status.isEnabled() and not editor.close_note_box.isVisible()

    editor.status.setCurrentIndex(editor.status.findData("ongoing"))
    qtbot.mouseClick(editor.apply_status, Qt.MouseButton.LeftButton)
    assert office.requests.get(req.id).status == "ongoing"
    assert req.id in page.model.ids()  # "Not closed" lists Ongoing requests too
    assert page.model.data(page.model.index(page.model.row_of_id(req.id), 5)) == "Ongoing"
    assert editor.request_id() == req.id and editor.status_tag.text() == "Ongoing"

    editor.status.setCurrentIndex(editor.status.findData("closed"))
    assert editor.close_note_box.isVisible() and editor.apply_status.text() == "Close…"
    editor.close_note.setText("Reset the breaker by phone")
    kit.prompts.confirm_answer = False
    qtbot.mouseClick(editor.apply_status, Qt.MouseButton.LeftButton)
    assert kit.prompts.kinds() == ["confirm"] and "final" in kit.prompts.calls[0][2]
    assert office.requests.get(req.id).status == "ongoing"

    kit.prompts.confirm_answer = True
    qtbot.mouseClick(editor.apply_status, Qt.MouseButton.LeftButton)
    stored = office.requests.get(req.id)
    assert (stored.status, stored.close_reason) == ("closed", "resolved")
    assert stored.notes[-1].body == "Reset the breaker by phone"
    assert not editor.status.isEnabled() and editor.status.currentText() == "Resolved"
    assert not editor.apply_status.isEnabled() and not editor.convert_button.isEnabled()
    assert editor.closed_info.isVisible() and "Closed as resolved by office" in editor.closed_info.text()
    assert "Reset the breaker by phone" in editor.notes.toPlainText()

    page.status_filter.setCurrentIndex(page.status_filter.findData("closed"))
    assert page.table.selected_id() == req.id  # found again under Closed


def test_convert_creates_a_work_order_and_closes_the_request(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id, text="Install a second indoor unit")
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    editor = page.editor
    assert editor.work_type.currentData() == "repair"
    editor.work_type.setCurrentIndex(editor.work_type.findData("installation"))
    kit.prompts.confirm_answer = False
    qtbot.mouseClick(editor.convert_button, Qt.MouseButton.LeftButton)
    assert kit.prompts.kinds() == ["confirm"] and "closes for good" in kit.prompts.calls[0][2]
    assert office.requests.get(req.id).status == "open"
    kit.prompts.calls.clear()
    kit.prompts.confirm_answer = True
    qtbot.mouseClick(editor.convert_button, Qt.MouseButton.LeftButton)

    stored = office.requests.get(req.id)
    assert (stored.status, stored.close_reason) == ("closed", "converted") and stored.work_order_id
    number = f"WO-{stored.work_order_id:06d}"
    with office.ctx.read() as session:
        order = session.get(WorkOrder, stored.work_order_id)
        assert (order.work_type, order.status, order.unit_id, order.request_id, order.customer_requests) == (
            "installation",
            "unassigned",
            unit.id,
            req.id,
            "Install a second indoor unit",
        )
    assert kit.prompts.kinds() == ["confirm"] and "(Installation)" in kit.prompts.calls[0][2]
    assert editor.flash.isVisible() and editor.flash.text() == f"Work order {number} created."
    assert editor.status.currentText() == f"Converted → {number}" and not editor.status.isEnabled()
    assert not editor.convert_button.isEnabled()
    assert req.id not in page.model.ids()


def test_converted_elsewhere_first_shows_who_and_reloads(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    dana = as_role(office, Role.OFFICE, username="dana")  # another workstation
    theirs = dana.requests.convert(req.id, "service")

    qtbot.mouseClick(page.editor.convert_button, Qt.MouseButton.LeftButton)
    assert kit.prompts.kinds()[0] == "confirm"
    assert kit.prompts.calls[1:] == [
        (
            "warning",
            "Cannot do that",
            f"Request {req.ticket} was already converted to work order {theirs.number} by dana.",
        )
    ]
    editor = page.editor
    assert editor.detail.status == "closed" and editor.status.currentText() == f"Converted → {theirs.number}"
    assert not editor.convert_button.isEnabled() and "by dana" in editor.closed_info.text()
    with office.ctx.read() as session:
        assert session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.request_id == req.id)) == 1


def test_stale_status_change_goes_through_the_conflict_dialog(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    page = make_page(qtbot, office, kit)
    open_in_editor(page, req.id)
    dana = as_role(office, Role.OFFICE, username="dana")
    dana.requests.set_status(req.id, "ongoing", req.version)

    editor = page.editor
    editor.status.setCurrentIndex(editor.status.findData("closed"))
    kit.prompts.conflict_answer = ConflictChoice.RELOAD
    qtbot.mouseClick(editor.apply_status, Qt.MouseButton.LeftButton)
    assert kit.prompts.kinds() == ["confirm", "conflict"]
    assert office.requests.get(req.id).status == "ongoing"  # nothing overwritten
    assert editor.detail.status == "ongoing" and editor.status.currentData() == "ongoing"
    assert editor.flash.text() == "Reloaded the version saved by someone else."


# ----------------------------------------------------------------- Add Request
def test_add_request_dialog_inline_errors_then_saves(qtbot, office, kit, owned_unit):
    unit, phone = owned_unit
    before = len(office.requests.list_ids(ListQuery()))
    dialog = AddRequestDialog(kit.ops, office)
    qtbot.addWidget(dialog)
    dialog.show()
    today = date.today()
    assert dialog.schedule_at.date() == QDate(TOMORROW.year, TOMORROW.month, TOMORROW.day)
    assert dialog.schedule_at.minimumDate() == QDate(today.year, today.month, today.day)

    assert not dialog.save()
    assert dialog.errors.visible_messages() == {
        "unit_id": "Choose the unit the request is about.",
        "request": "Write down what the caller says is wrong.",
        "contact_info": "Enter the caller's phone or e-mail.",
    }
    assert dialog.request.property("invalid") is True
    assert kit.prompts.calls == [] and dialog.saved is None
    assert len(office.requests.list_ids(ListQuery())) == before

    detail = office.units.get(unit.id)
    dialog.search.setText(detail.public_url)  # a pasted sticker URL finds its unit
    qtbot.waitUntil(lambda: dialog.units_model.ids() == [unit.id], timeout=2000)
    assert dialog.choose_unit(unit.id)
    assert dialog.unit().id == unit.id and detail.label in dialog.chosen.text()
    assert dialog.contact_info.text() == phone  # the customer's first phone, editable
    assert dialog.is_verified() and "Verified" in dialog.verified_hint.text()
    dialog.contact_info.setText("someone@else.example")
    assert not dialog.is_verified() and "Unverified" in dialog.verified_hint.text()
    known = [dialog.known_contacts.itemData(n) for n in range(dialog.known_contacts.count())]
    assert known[0] == "" and phone in known  # "Known contact of …", then the customer's phones and e-mails
    dialog.known_contacts.setCurrentIndex(known.index(phone))
    dialog.known_contacts.activated.emit(known.index(phone))
    assert dialog.contact_info.text() == phone and dialog.is_verified()
    dialog.request.setPlainText("x" * 2001)
    assert not dialog.save()
    assert list(dialog.errors.visible_messages()) == ["request"]
    assert len(office.requests.list_ids(ListQuery())) == before

    dialog.request.setPlainText("Outdoor unit  makes a grinding noise")
    dialog.schedule_time.setCurrentIndex(dialog.schedule_time.findData("Afternoon"))
    assert dialog.save()
    saved = office.requests.get(dialog.saved.id)
    assert (saved.unit_id, saved.source, saved.status, saved.schedule_at, saved.schedule_time) == (
        unit.id,
        "office",
        "open",
        TOMORROW,
        "Afternoon",
    )
    assert saved.request == "Outdoor unit  makes a grinding noise" and saved.verified
    assert kit.prompts.calls == []


def test_new_request_from_the_page_is_listed_and_opened(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    page = make_page(qtbot, office, kit)
    detail = submit(office, unit.id, text="Logged while the page was open")
    page.show_saved(detail)
    assert page.model.ids()[0] == detail.id
    assert page.table.selected_id() == detail.id and page.editor.request_id() == detail.id


# ----------------------------------------------------------------- live updates
def post_public_form(port: int, guid: str, **fields: str) -> str:
    """Submit the public form like a phone would; returns the ticket from the redirect."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", f"/u/{guid}")
        page = conn.getresponse().read().decode("utf-8")
    finally:
        conn.close()
    form = {
        "token": TOKEN.search(page).group(1),
        "website": "",
        "schedule_at": TOMORROW.isoformat(),
        "schedule_time": "Morning",
        **fields,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST", f"/u/{guid}", urlencode(form).encode("utf-8"), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        response = conn.getresponse()
        response.read()
        assert response.status == 303, response.status
        location = response.getheader("Location")
    finally:
        conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", location)  # the confirmation page shows the ticket
        confirmation = conn.getresponse().read().decode("utf-8")
    finally:
        conn.close()
    return RECEIPT_TICKET.search(confirmation).group(1)


def test_a_request_from_the_listener_appears_within_two_seconds(qtbot, office, kit, owned_unit, tmp_path):
    unit, _phone = owned_unit
    selected = submit(office, unit.id, text="Already here")
    window = make_window(qtbot, office, kit)
    page = window.show_section("inbox")
    open_in_editor(page, selected.id)
    page.editor.note_edit.setText("draft, not saved yet")
    count = office.requests.open_count()
    assert window.live.wait_ready(5)

    server = IntakeServer(
        office.ctx.db,
        port=0,
        data_dir=tmp_path / "intake",
        limits=Limits(pages_per_minute=1000, posts_per_ip=1000, posts_per_unit=1000),
    )
    server.start()
    try:
        guid = office.units.get(unit.id).qr_code_guid
        ticket = post_public_form(server.port, guid, request="<b>Water</b> on the floor", contact_info="flat 2 tenant")
        qtbot.waitUntil(lambda: ticket in listed_tickets(page), timeout=2000)
    finally:
        server.stop()
    assert window.badge_text("inbox") == f"Inbox  {count + 1}"
    assert listed_tickets(page)[0] == ticket
    row = page.model.row_data(0)
    assert (row.source, row.verified, row.excerpt) == ("qr", False, "<b>Water</b> on the floor")
    assert page.table.selected_id() == selected.id  # the selection is kept
    assert page.editor.note_edit.text() == "draft, not saved yet"  # and the draft too
    window.close()
    assert not feed_running(window)


def test_the_editor_opens_the_unit_and_the_customer_on_their_pages(qtbot, office, kit, owned_unit):
    unit, _phone = owned_unit
    req = submit(office, unit.id)
    window = MainWindow(office, kit.ops, kit.prompts, kit.monitor, database_label="test")
    qtbot.addWidget(window)
    window.show()
    page = window.show_section("inbox")
    open_in_editor(page, req.id)
    editor = page.editor
    assert editor.open_unit_button.isVisible() and editor.open_customer_button.isEnabled()
    qtbot.mouseClick(editor.open_unit_button, Qt.MouseButton.LeftButton)
    units = window.current_page()
    assert isinstance(units, UnitsPage) and units.table.selected_id() == unit.id
    window.show_section("inbox")
    qtbot.mouseClick(editor.open_customer_button, Qt.MouseButton.LeftButton)
    customers = window.current_page()
    assert isinstance(customers, CustomersPage)
    assert customers.table.selected_id() == office.units.get(unit.id).customer_id

"""Dates, times, counts, numbers and money follow the user's locale (``ui/formatting``),
and the same record shows each locale's format in the lists and panels."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, Qt

from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.ui.formatting import LocaleFormat, formats
from tuffops_desktop.ui.pages.inbox.page import InboxPage
from tuffops_desktop.ui.pages.units.page import UnitsPage
from tuffops_desktop.ui.widgets.optional_date import OptionalDateEdit

US = LocaleFormat(QLocale("en_US"))
GB = LocaleFormat(QLocale("en_GB"))
DE = LocaleFormat(QLocale("de_DE"))


@pytest.fixture
def app_locale() -> Iterator[callable]:
    """Set the application's default locale for one test (restored afterwards)."""
    before = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(before)


def test_dates_and_times_in_each_locale():
    day = date(2026, 11, 29)
    assert US.date(day) == "11/29/2026"
    assert GB.date(day) == "29/11/2026"
    assert DE.date(day) == "29.11.2026"  # Qt says dd.MM.yy: years always get four digits
    assert US.time(time(23, 5)) == "11:05 PM"
    assert GB.time(time(23, 5)) == "23:05"
    assert US.date(None) == "" and US.date(None, "—") == "—"


def test_stored_utc_moments_show_in_the_local_time_zone():
    moment = datetime(2026, 11, 29, 23, 5, tzinfo=UTC)
    local = moment.astimezone()
    hour12 = local.hour % 12 or 12
    assert US.date_time(moment) == f"{local.month}/{local.day}/{local.year} {hour12}:{local:%M} " + (
        "PM" if local.hour >= 12 else "AM"
    )
    assert GB.date_time(moment) == f"{local:%d/%m/%Y %H:%M}"
    other_zone = datetime(2026, 11, 30, 3, 5, tzinfo=timezone(timedelta(hours=4)))  # the same moment
    assert GB.date_time(other_zone) == GB.date_time(moment)


def test_counts_and_decimals_use_the_locale_separators():
    assert US.count(1234567) == "1,234,567"
    assert DE.count(1234567) == "1.234.567"
    assert US.number(Decimal("1234.50")) == "1,234.5"
    assert DE.number(Decimal("1234.50")) == "1.234,5"
    assert US.number(Decimal("2.0")) == "2"
    assert US.number(Decimal("-0.125"), 2) == "-0.13"  # half up, away from zero
    assert DE.percent(Decimal("12.5")) == "12,5\u00a0%"


def test_money_is_exact_decimal_with_the_locale_symbol_and_sign():
    # More digits than a float holds: the text is still exact.
    assert US.money(Decimal("12345678901234.565")) == "$12,345,678,901,234.57"
    assert GB.money(Decimal("0.005")) == "£0.01"
    assert DE.money(Decimal("1234.5")) == "1.234,50\u00a0€"
    assert US.money(Decimal("-7.5")) == "($7.50)"  # the locale's accounting style
    assert DE.money(Decimal("-7.5")) == "-7,50\u00a0€"
    assert LocaleFormat(QLocale("en_US"), currency_symbol="EC$").money(Decimal("3")) == "EC$3.00"
    with pytest.raises(TypeError):
        US.money(7.5)  # type: ignore[arg-type]  # floats are refused, not rounded


def test_no_locale_means_iso_dates(app_locale):
    app_locale("C")
    assert formats().date(date(2026, 11, 29)) == "2026-11-29"


def _column(model, header: str) -> int:  # noqa: ANN001
    headers = [model.headerData(n, Qt.Orientation.Horizontal) for n in range(model.columnCount())]
    return headers.index(header)


def _cell(page, record_id: int, header: str) -> str:  # noqa: ANN001
    """The cell's text, checked to fit its column whole (the column is sized for the locale)."""
    row = page.model.row_of_id(record_id)
    assert row is not None
    page.model.row_data(row)
    column = _column(page.model, header)
    text = page.model.data(page.model.index(row, column))
    assert page.table.columnWidth(column) >= page.table.fontMetrics().horizontalAdvance(text) + 8, (header, text)
    return text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("en_US", lambda d: f"{d.month}/{d.day}/{d.year}"),
        ("en_GB", lambda d: f"{d:%d/%m/%Y}"),
        ("de_DE", lambda d: f"{d:%d.%m.%Y}"),
    ],
)
def test_the_same_unit_shows_the_locale_date_in_list_and_panel(qtbot, demo, kit, themed, app_locale, name, expected):
    app_locale(name)
    office = demo.services_as("office")
    page = UnitsPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    unit = next(u for u in (office.units.get(i) for i in page.model.ids()) if u.installed_at)
    assert _cell(page, unit.id, "Installed") == expected(unit.installed_at)
    page.table.select_id(unit.id)
    qtbot.waitUntil(lambda: page.detail.detail is not None and page.detail.detail.id == unit.id, timeout=2000)
    assert page.detail._values["installed"].text() == expected(unit.installed_at)
    if unit.warranty_expires_at:
        assert expected(unit.warranty_expires_at) in page.detail.warranty.text()
    edit = OptionalDateEdit("Known")
    qtbot.addWidget(edit)
    edit.set_value(date(2026, 11, 29))
    assert edit.edit.text() == expected(date(2026, 11, 29))


@pytest.mark.parametrize("name", ["en_US", "en_GB"])
def test_the_same_request_shows_the_locale_time_in_the_inbox(qtbot, demo, kit, themed, app_locale, name):
    app_locale(name)
    office = demo.services_as("office")
    unit_id = office.units.list_ids(ListQuery(sort="label"))[0]
    request_id = office.requests.submit_office(
        unit_id, RequestInput("The fan rattles", date.today() + timedelta(days=1), "Morning", "a tenant")
    ).id
    page = InboxPage(office, kit.ops, kit.prompts)
    qtbot.addWidget(page)
    page.show()
    detail = office.requests.get(request_id)
    local = detail.created_at.astimezone()
    if name == "en_GB":
        received = f"{local:%d/%m/%Y %H:%M}"
        preferred = f"{detail.schedule_at:%d/%m/%Y}"
    else:
        received = f"{local.month}/{local.day}/{local.year} {local.hour % 12 or 12}:{local:%M} " + (
            "PM" if local.hour >= 12 else "AM"
        )
        preferred = f"{detail.schedule_at.month}/{detail.schedule_at.day}/{detail.schedule_at.year}"
    assert _cell(page, request_id, "Received") == received
    assert _cell(page, request_id, "Preferred").startswith(preferred + " · ")
    page.table.select_id(request_id)
    qtbot.waitUntil(lambda: page.editor.detail is not None and page.editor.detail.id == request_id, timeout=2000)
    assert page.editor.values["received"].text().startswith(received)

"""Dates, times, counts, numbers and money as the user's locale writes them.

One home for turning values into display text: every table column, detail panel and
count label formats through here, never with ``isoformat``/``strftime``/``{:,}``. The
locale is a ``QLocale``: the application default (the system's, unless something called
``QLocale.setDefault`` — tests do) or one passed in.

Conventions on top of the locale's own short formats:

- without a locale (the POSIX ``C`` locale, e.g. ``LANG=C``) dates are ISO 8601;
- years are always written with four digits (Qt's ``en_US`` short format says ``M/d/yy``;
  an office that keeps ten-year warranties needs the century);
- stored times are UTC-aware; they are shown in the workstation's time zone;
- numbers and money are ``Decimal`` (or int) in, never float: the digits are exact and
  only the separators, the sign and the currency symbol come from the locale.

Formatting only: sorting stays in SQL (the columns' ``sort_key``), so a formatted text
is never compared.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import QDate, QLocale, QTime

SHORT = QLocale.FormatType.ShortFormat
ISO_DATE = "yyyy-MM-dd"
_SAMPLE = 7  # a one-digit amount whose text we find again in the locale's currency pattern


def _four_digit_years(pattern: str) -> str:
    """``M/d/yy`` -> ``M/d/yyyy`` (a lone ``yy``; ``yyyy`` is left alone)."""
    return re.sub(r"(?<!y)yy(?!y)", "yyyy", pattern)


def _exact(value: Decimal | int) -> Decimal:
    if isinstance(value, float):
        raise TypeError("numbers and money are formatted from Decimal or int, never float")
    return Decimal(value)


def _plain_spaces(text: str) -> str:
    # CLDR puts a narrow no-break space before AM/PM; not every Windows font has it.
    return text.replace("\u202f", " ")


class LocaleFormat:
    """Formats values for one locale.

    Args:
        locale: the locale to follow (default: the application's default ``QLocale()``).
        currency_symbol: the money symbol (default: the locale's own, e.g. ``$``, ``£``).
    """

    def __init__(self, locale: QLocale | None = None, *, currency_symbol: str | None = None) -> None:
        self.locale = locale if locale is not None else QLocale()
        self.currency_symbol = currency_symbol if currency_symbol is not None else self.locale.currencySymbol()

    # ----------------------------------------------------------------- patterns
    def date_pattern(self) -> str:
        """The Qt date pattern used for dates (also for ``QDateEdit.setDisplayFormat``)."""
        if self.locale.language() == QLocale.Language.C:
            return ISO_DATE  # no locale at all (LANG=C): the neutral ISO 8601 form
        return _four_digit_years(self.locale.dateFormat(SHORT))

    def time_pattern(self) -> str:
        return self.locale.timeFormat(SHORT)

    # ----------------------------------------------------------------- dates and times
    def date(self, value: date | None, empty: str = "") -> str:
        """A calendar date: ``29/11/2026`` (en_GB), ``11/29/2026`` (en_US)."""
        if value is None:
            return empty
        return self.locale.toString(QDate(value.year, value.month, value.day), self.date_pattern())

    def time(self, value: time | None, empty: str = "") -> str:
        """A wall-clock time: ``23:05`` (en_GB), ``11:05 PM`` (en_US)."""
        if value is None:
            return empty
        return _plain_spaces(self.locale.toString(QTime(value.hour, value.minute, value.second), self.time_pattern()))

    def date_time(self, value: datetime | None, empty: str = "") -> str:
        """A stored moment in this workstation's time zone, to the minute:
        ``29/11/2026 23:05`` (en_GB), ``11/29/2026 11:05 PM`` (en_US)."""
        if value is None:
            return empty
        local = value.astimezone()
        return f"{self.date(local.date())} {self.time(local.time())}"

    # ----------------------------------------------------------------- numbers
    def count(self, value: int) -> str:
        """A whole number with the locale's group separators: ``12,345`` / ``12.345``."""
        return self.locale.toString(int(value))

    def number(self, value: Decimal | int, places: int | None = None) -> str:
        """A decimal number, exact: the locale's separators, ``places`` digits after the
        point (rounded half up), or as many as the value has (trailing zeros dropped)."""
        amount = _exact(value)
        if places is not None:
            amount = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        elif amount == amount.to_integral_value():
            amount = amount.quantize(Decimal(1))
        else:
            amount = amount.normalize()
        return self._signed(amount)

    def percent(self, value: Decimal | int, places: int | None = None) -> str:
        """``12.5 %`` as the locale writes numbers (the sign follows with a space)."""
        return f"{self.number(value, places)}\u00a0{self.locale.percent()}"

    def money(self, value: Decimal | int, places: int = 2) -> str:
        """An amount of money: ``$1,234.50``, ``1.234,50 €``, negative as the locale says
        (``($7.00)`` in en_US). Two places, rounded half up (SPEC: money rules)."""
        amount = _exact(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        sample = self.locale.toString(_SAMPLE)
        pattern = self.locale.toCurrencyString(-_SAMPLE if amount < 0 else _SAMPLE, self.currency_symbol)
        return pattern.replace(sample, self._digits(abs(amount)), 1)

    # ----------------------------------------------------------------- helpers
    def _signed(self, amount: Decimal) -> str:
        text = self._digits(abs(amount))
        return f"{self.locale.negativeSign()}{text}" if amount < 0 else text

    def _digits(self, amount: Decimal) -> str:
        """Group the integer part and write the fraction exactly (``amount`` >= 0)."""
        sign, digits, exponent = amount.as_tuple()
        text = "".join(str(d) for d in digits)
        places = -int(exponent) if isinstance(exponent, int) and exponent < 0 else 0
        if isinstance(exponent, int) and exponent > 0:
            text += "0" * exponent
        whole, fraction = (text[:-places] or "0", text[-places:].rjust(places, "0")) if places else (text, "")
        grouped = self.locale.toString(int(whole))
        if not fraction:
            return grouped
        zero = self.locale.zeroDigit()
        if zero != "0":  # locales with their own digits (Arabic, Devanagari, …)
            fraction = "".join(chr(ord(zero) + int(d)) for d in fraction)
        return f"{grouped}{self.locale.decimalPoint()}{fraction}"


def formats() -> LocaleFormat:
    """The formats of the application's locale (``QLocale()``, read at each call)."""
    return LocaleFormat()


# Shorthands for columns and panels (the application's locale).
def date_text(value: date | None, empty: str = "") -> str:
    return formats().date(value, empty)


def time_text(value: time | None, empty: str = "") -> str:
    return formats().time(value, empty)


def date_time_text(value: datetime | None, empty: str = "") -> str:
    return formats().date_time(value, empty)


def count_text(value: int) -> str:
    return formats().count(value)


def number_text(value: Decimal | int, places: int | None = None) -> str:
    return formats().number(value, places)


def money_text(value: Decimal | int) -> str:
    return formats().money(value)


# The longest dates and times this locale writes (two-digit day and month, an afternoon
# hour), to size a column so that no date in it is cut off.
_WIDEST = datetime(2026, 12, 28, 22, 58)


def widest_date_text() -> str:
    return formats().date(_WIDEST.date())


def widest_date_time_text() -> str:
    f = formats()
    return f"{f.date(_WIDEST.date())} {f.time(_WIDEST.time())}"

"""Columns of the parts list and of a part's ledger, and how stock words read.

Sort keys are ``InventoryListingService`` sort names (``PART_SORTS``): quantities sort as
numbers in SQL, never by their text. Cost and markup columns exist only for users with
``inventory.costs``; the service does not send those values to anyone else.
"""

from __future__ import annotations

from decimal import Decimal

from tuffops_desktop.domain.inventory import MovementKind
from tuffops_desktop.domain.pricing import unit_label
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.inventory import LedgerRow, PartRow
from tuffops_desktop.ui.formatting import date_time_text, formats, money_text, widest_date_time_text
from tuffops_desktop.ui.models.columns import RIGHT, Column
from tuffops_desktop.ui.pages.work_orders.items import quantity_text
from tuffops_desktop.ui.theme import ATTENTION, ERROR_TEXT, GOOD, MUTED_TEXT, OPEN, OVER

LOW_COLOUR = ERROR_TEXT  # below the minimum, or short: someone must order
WIDEST_QUANTITY = Decimal("12345.5")
WIDEST_MONEY = 123_456

KIND_LABELS = {
    MovementKind.RECEIVE.value: N_("Received"),
    MovementKind.TRANSFER_OUT.value: N_("Transferred out"),
    MovementKind.TRANSFER_IN.value: N_("Transferred in"),
    MovementKind.ADJUST.value: N_("Adjusted"),
    MovementKind.RESERVE.value: N_("Reserved"),
    MovementKind.RELEASE.value: N_("Released"),
    MovementKind.CONSUME.value: N_("Used"),
    MovementKind.RETURN.value: N_("Returned"),
}
# Colour of a movement's kind: green brings stock in, grey takes it out, blue promises it,
# amber corrects it.
KIND_COLOURS = {
    MovementKind.RECEIVE.value: GOOD,
    MovementKind.TRANSFER_IN.value: GOOD,
    MovementKind.RETURN.value: GOOD,
    MovementKind.TRANSFER_OUT.value: OVER,
    MovementKind.CONSUME.value: OVER,
    MovementKind.RESERVE.value: OPEN,
    MovementKind.RELEASE.value: OPEN,
    MovementKind.ADJUST.value: ATTENTION,
}
LOCATION_KIND_LABELS = {"warehouse": N_("Warehouse"), "van": N_("Van")}


def kind_label(kind: str) -> str:
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def location_kind_label(kind: str) -> str:
    return _(LOCATION_KIND_LABELS[kind]) if kind in LOCATION_KIND_LABELS else kind


def signed_quantity_text(value: Decimal) -> str:
    """A movement's quantity with its sign always shown: +5, −2.5."""
    text = quantity_text(abs(value))
    if value > 0:
        return f"+{text}"
    return f"{formats().locale.negativeSign()}{text}" if value < 0 else text


def markup_text(value: Decimal | None) -> str:
    """A markup fraction as a percentage (0.5 → 50 %); empty when there is none."""
    if value is None:
        return ""
    return formats().percent(value * 100, 1)


def _widest_quantity() -> str:
    return quantity_text(WIDEST_QUANTITY)


def _widest_money() -> str:
    return money_text(WIDEST_MONEY)


def _stock_tooltip(r: PartRow) -> str:
    lines = [
        _("On hand {on_hand}, reserved {reserved}, available {available}").format(
            on_hand=quantity_text(r.on_hand), reserved=quantity_text(r.reserved), available=quantity_text(r.available)
        )
    ]
    if r.incoming:
        lines.append(_("On order: {incoming}").format(incoming=quantity_text(r.incoming)))
    if r.low:
        lines.append(_("Low: below the minimum (counting what is reserved and on order), or short"))
    return "\n".join(lines)


def _quantity(value: Decimal) -> str:
    return quantity_text(value)


def part_columns(*, costs: bool) -> list[Column[PartRow]]:
    """The parts list; ``costs``: the user may see costs (adds Cost and Markup)."""
    columns: list[Column[PartRow]] = [
        Column(_("Number"), lambda r: r.number, "number", width=120, monospace=True),
        Column(_("Name"), lambda r: r.name, "name", width=240, tooltip=lambda r: r.name),
        Column(_("Manufacturer"), lambda r: r.manufacturer, "", width=120),
        Column(_("Category"), lambda r: r.category, "category", width=120),
        Column(_("Unit"), lambda r: _(unit_label(r.unit)), "", width=56),
        Column(
            _("On hand"),
            lambda r: _quantity(r.on_hand),
            "on_hand",
            align=RIGHT,
            width=84,
            fit=_widest_quantity,
            tooltip=_stock_tooltip,
        ),
        Column(
            _("Reserved"),
            lambda r: _quantity(r.reserved),
            "",
            align=RIGHT,
            width=84,
            fit=_widest_quantity,
            foreground=lambda r: MUTED_TEXT if not r.reserved else None,
        ),
        Column(
            _("Available"),
            lambda r: _quantity(r.available),
            "available",
            align=RIGHT,
            width=88,
            fit=_widest_quantity,
            tooltip=_stock_tooltip,
            foreground=lambda r: LOW_COLOUR if r.low else None,
            header_tooltip=_("Red: low stock (below the minimum, or short) at a location"),
        ),
        Column(
            _("On order"),
            lambda r: _quantity(r.incoming) if r.incoming else "",
            "",
            align=RIGHT,
            width=80,
            fit=_widest_quantity,
        ),
        Column(
            _("Price"),
            lambda r: money_text(r.price) if r.price is not None else "",
            "",
            align=RIGHT,
            width=90,
            fit=_widest_money,
        ),
    ]
    if costs:
        columns += [
            Column(
                _("Cost"),
                lambda r: money_text(r.cost) if r.cost is not None else "",
                "",
                align=RIGHT,
                width=90,
                fit=_widest_money,
            ),
            Column(
                _("Markup"),
                lambda r: markup_text(r.markup),
                "",
                align=RIGHT,
                width=76,
                foreground=lambda r: LOW_COLOUR if r.markup is not None and r.markup < 0 else None,
            ),
        ]
    return columns


NAME_COLUMN = 1


def _where(r: LedgerRow) -> str:
    if not r.other_location:
        return r.location_name
    arrow = "←" if r.kind == MovementKind.TRANSFER_IN.value else "→"
    return f"{r.location_name} {arrow} {r.other_location}"


def ledger_columns() -> list[Column[LedgerRow]]:
    """A part's movements (newest first; not sortable: the ledger reads in time order)."""
    return [
        Column(_("When"), lambda r: date_time_text(r.at), "", width=130, fit=widest_date_time_text),
        Column(
            _("Movement"),
            lambda r: kind_label(r.kind),
            "",
            width=136,
            fit=lambda: max((kind_label(k) for k in KIND_LABELS), key=len) + "  ",  # the pill's padding too
            tag=lambda r: KIND_COLOURS.get(r.kind),
        ),
        Column(_("Location"), _where, "", width=150, tooltip=_where),
        Column(
            _("Quantity"),
            lambda r: signed_quantity_text(r.quantity),
            "",
            align=RIGHT,
            width=76,
            tooltip=lambda r: _("on hand") if r.kind not in ("reserve", "release") else _("reserved"),
        ),
        Column(_("Work order"), lambda r: r.work_order_number, "", width=92, monospace=True),
        Column(_("Reason"), lambda r: r.reason, "", width=150, tooltip=lambda r: r.reason),
        Column(_("By"), lambda r: r.by, "", width=80),
    ]


REASON_COLUMN = 5

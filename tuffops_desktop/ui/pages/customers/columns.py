"""Columns of the customers list (sort keys are ``CustomerService.list_ids`` sort names)."""

from __future__ import annotations

from tuffops_desktop.domain.customers import CustomerType
from tuffops_desktop.i18n import N_, _
from tuffops_desktop.services.dto.customers import CustomerRow
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.models.columns import RIGHT, Column


def type_label(customer_type: str) -> str:
    try:
        return _(CustomerType(customer_type).label)
    except ValueError:
        return customer_type


_COLOUR_NAMES = {
    CustomerType.RESIDENTIAL: N_("green"),
    CustomerType.COMMERCIAL: N_("blue"),
    CustomerType.GOVERNMENT: N_("yellow"),
}


def type_legend() -> str:
    """What the small coloured squares before a customer's name mean."""
    kinds = ", ".join(f"{_(_COLOUR_NAMES[t])} = {_(t.label)}" for t in CustomerType)
    return _("The square is the customer type: {kinds}; none = stock (no customer).").format(kinds=kinds)


def type_colour(customer_type: str) -> str | None:
    try:
        return CustomerType(customer_type).colour
    except ValueError:
        return None


def customer_columns() -> list[Column[CustomerRow]]:
    return [
        Column(
            _("Type"),
            lambda r: type_label(r.customer_type),
            "type",
            tag=lambda r: type_colour(r.customer_type),
            width=122,
        ),
        Column(
            _("Name"),
            lambda r: r.display_name,
            "name",
            width=280,
            tooltip=lambda r: r.display_name if r.active else _("{name} (deactivated)").format(name=r.display_name),
        ),
        Column(_("Phones"), lambda r: r.phones, "phones", width=142, tooltip=lambda r: r.phones),
        Column(_("E-mails"), lambda r: r.emails, "emails", width=205, tooltip=lambda r: r.emails),
        Column(_("Address"), lambda r: r.address, "address", width=190, tooltip=lambda r: r.address or None),
        Column(_("City"), lambda r: r.city, "city", width=108),
        Column(
            _("Units"),
            lambda r: count_text(r.unit_count),
            "units",
            align=RIGHT,
            width=56,
            sort_value=lambda r: r.unit_count,
        ),
    ]


NAME_COLUMN = 1

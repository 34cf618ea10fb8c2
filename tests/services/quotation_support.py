"""Quotations other tests start from (the permission table, the pages)."""

from __future__ import annotations

from tests.factories import make_customer, make_unit
from tuffops_desktop.domain.pricing import PriceListInput
from tuffops_desktop.domain.quotations import QuotationInput
from tuffops_desktop.services.registry import Services


def seed_quotations(services: Services) -> tuple[int, int]:
    """A reachable customer with two units; a draft quotation for the first (one line) and
    an accepted one for the second, not converted yet. Returns (draft id, accepted id)."""
    cy = make_customer(services, first_name="Cy", last_name="Quoted", emails="cy@example.com")
    first = make_unit(services, customer_id=cy.id, serial_number="Q-1", location="Shop front AC")
    second = make_unit(services, customer_id=cy.id, serial_number="Q-2", location="Store room AC")
    entry = services.price_list.add(PriceListInput("Split AC install", "service", "each", "350"))
    quotes = services.quotations
    draft = quotes.create(QuotationInput(title="Shop front AC", customer_id=cy.id))
    quotes.add_unit(draft.id, first.id)
    quotes.add_line(draft.id, entry.id, "1")
    accepted = quotes.create(QuotationInput(title="Store room AC", customer_id=cy.id))
    quotes.add_unit(accepted.id, second.id)
    done = quotes.add_line(accepted.id, entry.id, "1")
    done = quotes.act(done.id, "send", done.version)
    quotes.act(done.id, "accept", done.version)
    return draft.id, accepted.id

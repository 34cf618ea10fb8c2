"""Invoices: issue one from a completed work order, cancel it, record and void payments,
and the Invoices list.

The rules are in ``domain/invoices.py``; this module applies them in one transaction per
action, with an audit row on the invoice (which announces it on the change feed):

* **Issuing** locks the work order, checks the version the user saw and that it has no
  active invoice, copies its items into invoice lines (the customer's discount is already
  on each item), adds tax (the rate given, else the rate of the quotation the work order
  was made from, else the setting ``default_tax_rate``), takes the next number of the
  year from ``document_counters`` and bills the work order
  (``services.work_orders.bill_for_invoice``: status, history, audit), all or nothing.
* **Numbers are gapless per year, also when workstations issue at the same moment**: the
  counter row is incremented by one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` inside
  the issuing transaction. On PostgreSQL the upsert locks the row, so a second issuer
  waits until the first commits (and then reads its value) or rolls back (and then reuses
  the number it gave back); on SQLite the write transaction (``BEGIN IMMEDIATE``) already
  excludes every other writer. A failed issue rolls the counter back with everything else.
* **Payments** lock the invoice, so two payments recorded at once cannot together exceed
  the balance. ``invoices.paid`` (the sum of the non-voided payments) is rewritten with
  each payment and void, so lists sort and filter by balance in SQL. Payments are never
  deleted; a void keeps the row with its reason.
* Every method refuses with ``InvoicingDisabled`` while ``feature_flag_invoices_enabled``
  is off.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tuffops_desktop.db.base import table_of
from tuffops_desktop.db.models import (
    Customer,
    DeviceModel,
    DocumentCounter,
    Invoice,
    InvoiceLine,
    Payment,
    Quotation,
    Unit,
    WorkOrder,
    WorkOrderItem,
)
from tuffops_desktop.domain.errors import ConcurrencyConflict, InvalidTransition, NotFound
from tuffops_desktop.domain.invoices import (
    ACTIVE,
    COUNTER_KIND,
    InvoiceAction,
    InvoiceStatus,
    InvoicingDisabled,
    LineInput,
    check,
    check_transition,
    days_overdue,
    due_date,
    invoice_totals,
    issue_refusal,
    refusal,
    status_for,
    validate_payment,
    validate_reason,
    validate_tax_rate,
)
from tuffops_desktop.domain.numbers import invoice_number, parse_invoice_number, work_order_number
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.pricing import line_amount
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.services import audit, notification_events
from tuffops_desktop.services import changes as change_feed
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.invoices import (
    INVOICE_SORTS,
    InvoiceLineInfo,
    InvoicePreview,
    InvoiceRow,
    PaymentInfo,
)
from tuffops_desktop.services.dto.invoices import (
    Invoice as InvoiceDetail,
)
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.listing import (
    FirstIds,
    ListQuery,
    apply_filters,
    date_field,
    enum_field,
    flag_field,
    like_escape,
    read_first_ids,
    read_ids,
    ref_field,
    search_terms,
)
from tuffops_desktop.services.report_money import invoice_drill_filters
from tuffops_desktop.services.settings import read_setting
from tuffops_desktop.services.work_orders import bill_for_invoice

ZERO = Decimal("0.00")
ACTIVE_VALUES = sorted(s.value for s in ACTIVE)


def invoicing_enabled(session: Session) -> None:
    """Refuse with ``InvoicingDisabled`` while the setting ``feature_flag_invoices_enabled`` is off."""
    if not read_setting(session, "feature_flag_invoices_enabled"):
        raise InvoicingDisabled()


def next_number(session: Session, kind: str, year: int) -> int:
    """The next number of ``kind`` in ``year`` (1, 2, 3 …), taken inside the caller's transaction.

    One upsert that creates the year's counter at 1 or increments it, returning the new
    value; the row stays locked (PostgreSQL) or the database stays reserved (SQLite) until
    the transaction ends, so concurrent callers get consecutive numbers and a rollback
    gives the number back. Quotation numbers use the same counter table.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counters = table_of(DocumentCounter)
    stmt = (
        insert(counters)
        .values(kind=kind, year=year, last=1)
        .on_conflict_do_update(index_elements=["kind", "year"], set_={"last": counters.c.last + 1})
        .returning(counters.c.last)
    )
    return int(session.execute(stmt).scalar_one())


def address_block(customer: Customer) -> str:
    """The customer's postal address as printed under the bill-to name (one line each)."""
    town = " ".join(part for part in (customer.postcode.strip(), customer.city.strip()) if part)
    return "\n".join(part for part in (customer.address.strip(), town, customer.country.strip()) if part)


def _balance_expr() -> ColumnElement[Decimal]:
    """What is left to pay (0 for a cancelled invoice), in SQL."""
    expr: ColumnElement[Decimal] = case(
        (Invoice.status == InvoiceStatus.CANCELLED.value, ZERO), else_=Invoice.total - Invoice.paid
    )
    return expr


_SORTS: dict[str, Any] = {
    "issued": Invoice.issued_on,
    "due": Invoice.due_on,
    "customer": Invoice.bill_to_name,
    "status": Invoice.status,
    "total": Invoice.total,
    "paid": Invoice.paid,
}


class InvoiceChanged(ConcurrencyConflict):
    """Someone changed the invoice (or its work order) after the user opened it."""

    def __init__(self, what: str, now: str) -> None:
        super().__init__("invoice", what)
        self.message = f"{what} was just changed by someone else: it is now {now}. Reload it to see their change."
        self.args = (self.message,)


class InvoiceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # ----------------------------------------------------------------- reading
    @requires(P.INVOICES_VIEW)
    def get(self, invoice_id: int) -> InvoiceDetail:
        """An invoice with its lines and payments (voided ones included, marked)."""
        with self._ctx.read() as session:
            invoicing_enabled(session)
            return self._detail(session, self._load(session, invoice_id))

    @requires(P.INVOICES_VIEW)
    def get_by_number(self, number: str) -> InvoiceDetail:
        """The invoice ``INV-2026-00001`` (typed loosely: ``inv 2026 1`` finds it too)."""
        year, sequence = parse_invoice_number(number)
        with self._ctx.read() as session:
            invoicing_enabled(session)
            found = session.scalar(select(Invoice).where(Invoice.year == year, Invoice.sequence == sequence))
            if found is None:
                raise NotFound(f"There is no invoice {invoice_number(year, sequence)}.")
            return self._detail(session, found)

    @requires(P.INVOICES_VIEW)
    def for_work_order(self, work_order_id: int) -> InvoiceDetail | None:
        """The work order's active (sent or paid) invoice, or None ("No invoice yet")."""
        with self._ctx.read() as session:
            invoicing_enabled(session)
            found = session.scalar(
                select(Invoice).where(Invoice.work_order_id == work_order_id, Invoice.status.in_(ACTIVE_VALUES))
            )
            return self._detail(session, found) if found is not None else None

    @requires(P.INVOICES_CREATE)
    def preview(self, work_order_id: int, tax_rate: object = None) -> InvoicePreview:
        """What issuing would bill now, and why it cannot be issued (``refusal``) if so."""
        rate = validate_tax_rate(tax_rate) if tax_rate not in (None, "") else None
        with self._ctx.read() as session:
            invoicing_enabled(session)
            order = self._work_order(session, work_order_id)
            return self._preview(session, order, rate)

    @requires(P.INVOICES_VIEW)
    def list_ids(self, query: ListQuery) -> list[int]:
        """Ids in list order. Sorts: ``INVOICE_SORTS`` (money numerically; newest number first
        by default). Filters: ``status`` (AnyOf), ``customer``/``work_order`` (Ref),
        ``issued``/``due`` (Between), ``overdue`` (Flag). The search finds invoices whose
        number, bill-to name or customer (name, e-mail, phone, address) contains every
        word, in any case, accented letters included."""
        with self._ctx.read() as session:
            invoicing_enabled(session)
            return read_ids(session, self._ordered(query))

    @requires(P.INVOICES_VIEW)
    def first_ids(self, query: ListQuery, limit: int) -> FirstIds:
        """How many invoices ``list_ids(query)`` lists, and the first ``limit`` of them."""
        with self._ctx.read() as session:
            invoicing_enabled(session)
            return read_first_ids(session, self._matching(query), self._ordered(query), limit)

    @requires(P.INVOICES_VIEW)
    def rows(self, ids: Sequence[int]) -> list[InvoiceRow]:
        if not ids:
            return []
        today = self._ctx.today()
        with self._ctx.read() as session:
            invoicing_enabled(session)
            found = {}
            for inv in session.scalars(select(Invoice).where(Invoice.id.in_(list(ids)))):
                balance = self._balance(inv)
                late = days_overdue(inv.status, balance, inv.due_on, today)
                found[inv.id] = InvoiceRow(
                    id=inv.id,
                    number=inv.number,
                    status=inv.status,
                    customer_id=inv.customer_id,
                    customer_name=inv.bill_to_name,
                    work_order_id=inv.work_order_id,
                    work_order_number=work_order_number(inv.work_order_id),
                    unit_label=inv.unit_label,
                    issued_on=inv.issued_on,
                    due_on=inv.due_on,
                    total=inv.total,
                    paid=inv.paid,
                    balance=balance,
                    overdue=late > 0,
                    days_overdue=late,
                    version=inv.version,
                )
        return [found[i] for i in ids if i in found]

    # ----------------------------------------------------------------- writing
    @requires(P.INVOICES_CREATE)
    def issue(self, work_order_id: int, *, tax_rate: object = None, expected_version: int) -> InvoiceDetail:
        """Issue the invoice of a completed work order (status ``sent``) and bill the work order.

        ``tax_rate`` overrides the default rate for this invoice (0 for an exempt customer):
        the quotation's rate for a quoted job, else the setting ``default_tax_rate``;
        ``expected_version`` is the work order's version the user saw.
        """
        rate = validate_tax_rate(tax_rate) if tax_rate not in (None, "") else None
        ctx = self._ctx
        with ctx.write() as session:
            invoicing_enabled(session)
            order = self._work_order(session, work_order_id, for_update=True)
            number_of_order = work_order_number(order.id)
            if order.version != expected_version:
                raise InvoiceChanged(f"Work order {number_of_order}", order.status)
            preview = self._preview(session, order, rate)
            if preview.refusal:
                raise InvalidTransition(preview.refusal)
            customer = session.get_one(Customer, preview.customer_id)
            year = preview.issued_on.year
            sequence = next_number(session, COUNTER_KIND, year)
            number = invoice_number(year, sequence)
            invoice = Invoice(
                number=number,
                year=year,
                sequence=sequence,
                status=InvoiceStatus.SENT.value,
                work_order_id=order.id,
                customer_id=customer.id,
                bill_to_name=customer.display_name,
                bill_to_address=address_block(customer),
                unit_label=self._unit_label(session, order),
                issued_on=preview.issued_on,
                due_on=preview.due_on,
                payment_terms_days=preview.payment_terms_days,
                tax_rate=preview.tax_rate,
                subtotal=preview.subtotal,
                discount_total=preview.discount_total,
                net=preview.net,
                tax=preview.tax,
                total=preview.total,
                paid=ZERO,
                created_by=ctx.actor.username,
            )
            session.add(invoice)
            session.flush()
            session.add_all(
                InvoiceLine(
                    invoice_id=invoice.id,
                    position=line.position,
                    kind=line.kind,
                    description=line.description,
                    unit=line.unit,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    discount_rate=line.discount_rate,
                    amount=line.amount,
                )
                for line in preview.lines
            )
            session.flush()
            bill_for_invoice(session, ctx, order, number)
            # The work order's Invoice card shows the new invoice on every workstation, also
            # when it was billed already (re-issued after a cancel) and so did not change.
            change_feed.publish(session, "work_order", order.id, "invoice_issued")
            audit.record(
                session,
                ctx,
                "invoice",
                invoice.id,
                "issue",
                {
                    "number": [None, number],
                    "work_order_id": [None, order.id],
                    "status": [None, InvoiceStatus.SENT.value],
                    "tax_rate": [None, preview.tax_rate],
                    "total": [None, preview.total],
                },
            )
            notification_events.invoice_issued(session, ctx, invoice)  # to the customer, PDF attached
            return self._detail(session, invoice)

    @requires(P.INVOICES_EDIT)
    def cancel(self, invoice_id: int, reason: str, expected_version: int) -> InvoiceDetail:
        """Cancel a sent invoice with nothing paid. The record and its number stay; the work
        order (still billed) can be invoiced again."""
        why = validate_reason(reason, "cancelling the invoice")
        ctx = self._ctx
        with ctx.write() as session:
            invoicing_enabled(session)
            invoice = self._load(session, invoice_id, for_update=True)
            if invoice.version != expected_version:
                raise InvoiceChanged(f"Invoice {invoice.number}", invoice.status)
            check(InvoiceAction.CANCEL, invoice.status, invoice.number, invoice.paid)
            check_transition(invoice.status, InvoiceStatus.CANCELLED)
            before = invoice.status
            invoice.status = InvoiceStatus.CANCELLED.value
            invoice.cancelled_at = ctx.now()
            invoice.cancelled_by = ctx.actor.username
            invoice.cancel_reason = why
            invoice.updated_at = ctx.now()
            session.flush()
            audit.record(
                session,
                ctx,
                "invoice",
                invoice.id,
                "cancel",
                {"status": [before, InvoiceStatus.CANCELLED.value], "reason": [None, why]},
            )
            # The work order's Invoice card returns to "No invoice yet" on every workstation.
            change_feed.publish(session, "work_order", invoice.work_order_id, "invoice_cancelled")
            return self._detail(session, invoice)

    @requires(P.INVOICES_EDIT)
    def record_payment(
        self, invoice_id: int, amount: object, paid_on: date, method: str, reference: str = ""
    ) -> InvoiceDetail:
        """Record money received (full or partial, never more than the balance); the invoice
        is ``paid`` once its balance is zero."""
        ctx = self._ctx
        with ctx.write() as session:
            invoicing_enabled(session)
            invoice = self._load(session, invoice_id, for_update=True)
            check(InvoiceAction.RECORD_PAYMENT, invoice.status, invoice.number)
            fields = validate_payment(
                amount,
                paid_on,
                method,
                reference,
                balance=invoice.total - invoice.paid,
                number=invoice.number,
                today=ctx.today(),
                issued_on=invoice.issued_on,
            )
            payment = Payment(
                invoice_id=invoice.id,
                paid_on=fields.paid_on,
                amount=fields.amount,
                method=fields.method.value,
                reference=fields.reference,
                created_at=ctx.now(),
                created_by=ctx.actor.username,
            )
            session.add(payment)
            paid_changes = self._set_paid(invoice, invoice.paid + fields.amount)
            session.flush()
            audit.record(
                session,
                ctx,
                "invoice",
                invoice.id,
                "record_payment",
                {
                    "payment_id": [None, payment.id],
                    "amount": [None, fields.amount],
                    "paid_on": [None, fields.paid_on],
                    "method": [None, fields.method.value],
                    "reference": [None, fields.reference],
                    **paid_changes,
                },
            )
            notification_events.payment_received(session, ctx, invoice, payment)
            return self._detail(session, invoice)

    @requires(P.INVOICES_EDIT)
    def void_payment(self, payment_id: int, reason: str) -> InvoiceDetail:
        """Void a payment recorded by mistake (kept, marked, with the reason); a paid invoice
        it leaves with a balance is ``sent`` again."""
        why = validate_reason(reason, "voiding the payment")
        ctx = self._ctx
        with ctx.write() as session:
            invoicing_enabled(session)
            payment = session.get(Payment, payment_id)
            if payment is None:
                raise NotFound("This payment does not exist.")
            invoice = self._load(session, payment.invoice_id, for_update=True)
            session.refresh(payment)
            if payment.voided:
                raise InvalidTransition(
                    f"This payment of {payment.amount:,.2f} on invoice {invoice.number} "
                    f"was already voided by {payment.voided_by}."
                )
            check(InvoiceAction.VOID_PAYMENT, invoice.status, invoice.number)
            payment.voided = True
            payment.void_reason = why
            payment.voided_at = ctx.now()
            payment.voided_by = ctx.actor.username
            paid_changes = self._set_paid(invoice, invoice.paid - payment.amount)
            session.flush()
            audit.record(
                session,
                ctx,
                "invoice",
                invoice.id,
                "void_payment",
                {
                    "payment_id": [payment.id, payment.id],
                    "amount": [payment.amount, payment.amount],
                    "voided": [False, True],
                    "reason": [None, why],
                    **paid_changes,
                },
            )
            return self._detail(session, invoice)

    # ----------------------------------------------------------------- helpers
    def _set_paid(self, invoice: Invoice, paid: Decimal) -> dict[str, list[Any]]:
        """New paid sum; the status follows the balance (paid at zero, sent otherwise).
        Returns the audit changes: ``paid``, and ``status`` when it changed."""
        target = status_for(invoice.total - paid)
        check_transition(invoice.status, target)
        changes: dict[str, list[Any]] = {"paid": [invoice.paid, paid]}
        if invoice.status != target.value:
            changes["status"] = [invoice.status, target.value]
        invoice.paid = paid
        invoice.status = target.value
        invoice.updated_at = self._ctx.now()
        return changes

    @staticmethod
    def _balance(invoice: Invoice) -> Decimal:
        return ZERO if invoice.status == InvoiceStatus.CANCELLED.value else invoice.total - invoice.paid

    def _load(self, session: Session, invoice_id: int, *, for_update: bool = False) -> Invoice:
        stmt = select(Invoice).where(Invoice.id == invoice_id)
        if for_update:
            stmt = stmt.with_for_update()
        found: Invoice | None = session.scalar(stmt)
        if found is None:
            raise NotFound("This invoice does not exist.")
        return found

    @staticmethod
    def _work_order(session: Session, work_order_id: int, *, for_update: bool = False) -> WorkOrder:
        stmt = select(WorkOrder).where(WorkOrder.id == work_order_id)
        if for_update:
            stmt = stmt.with_for_update()
        order: WorkOrder | None = session.scalar(stmt)
        if order is None:
            raise NotFound(f"Work order {work_order_number(work_order_id)} does not exist.")
        return order

    @staticmethod
    def _unit_label(session: Session, order: WorkOrder) -> str:
        unit = session.get_one(Unit, order.unit_id)
        model = session.get(DeviceModel, unit.device_model_id)
        return friendly_label(unit.location, unit.serial_number, model.name if model else None)

    @staticmethod
    def _default_rate(session: Session, order: WorkOrder) -> Decimal:
        """The tax rate billed unless the issuer gives one: the quotation's when the work
        order was made from one (the customer accepted that price, e.g. 0 % for an exempt
        customer), otherwise the setting ``default_tax_rate``."""
        quoted = (
            session.scalar(select(Quotation.tax_rate).where(Quotation.id == order.quotation_id))
            if order.quotation_id is not None
            else None
        )
        rate = quoted if quoted is not None else read_setting(session, "default_tax_rate")
        return Decimal(rate).quantize(Decimal("0.01"))

    def _preview(self, session: Session, order: WorkOrder, rate: Decimal | None) -> InvoicePreview:
        number = work_order_number(order.id)
        active = session.scalar(
            select(Invoice.number).where(Invoice.work_order_id == order.id, Invoice.status.in_(ACTIVE_VALUES))
        )
        problem = issue_refusal(order.status, number, active)
        customer = session.get(Customer, order.customer_id) if order.customer_id else None
        if not problem and customer is None:
            problem = f"Work order {number} has no customer to bill. Give its unit a customer first."
        items = session.scalars(
            select(WorkOrderItem).where(WorkOrderItem.work_order_id == order.id).order_by(WorkOrderItem.position)
        ).all()
        if not problem and not items:
            problem = f"Work order {number} has no items to bill. Add what was used on its Items card first."
        if rate is None:
            rate = self._default_rate(session, order)
        terms = customer.payment_terms_days if customer and customer.payment_terms_days is not None else None
        if terms is None:
            terms = int(read_setting(session, "default_payment_terms_days"))
        money = invoice_totals((LineInput(i.quantity, i.unit_price, i.discount_rate) for i in items), rate)
        today = self._ctx.today()
        lines = tuple(
            InvoiceLineInfo(
                position=position,
                kind=item.kind,
                description=item.name,
                quantity=item.quantity,
                unit=item.unit,
                unit_price=item.unit_price,
                discount_rate=item.discount_rate,
                gross=amount.gross,
                amount=amount.net,
            )
            for position, (item, amount) in enumerate(zip(items, money.lines, strict=True), start=1)
        )
        return InvoicePreview(
            work_order_id=order.id,
            work_order_number=number,
            customer_id=customer.id if customer else 0,
            customer_name=customer.display_name if customer else "",
            lines=lines,
            subtotal=money.subtotal,
            discount_total=money.discount,
            net=money.net,
            tax_rate=rate,
            tax=money.tax,
            total=money.total,
            issued_on=today,
            due_on=due_date(today, terms),
            payment_terms_days=terms,
            refusal=problem,
            work_order_version=order.version,
        )

    def _filters(self) -> dict[str, Any]:
        today = self._ctx.today()
        overdue: ColumnElement[bool] = and_(
            Invoice.status == InvoiceStatus.SENT.value, Invoice.due_on < today, Invoice.total > Invoice.paid
        )
        return {
            "status": enum_field(Invoice.status, {s.value for s in InvoiceStatus}),
            "customer": ref_field(Invoice.customer_id),
            "work_order": ref_field(Invoice.work_order_id),
            "issued": date_field(Invoice.issued_on),
            "due": date_field(Invoice.due_on),
            "overdue": flag_field(overdue),
            **invoice_drill_filters(),  # the Reports page's drill-down
        }

    def _matching(self, query: ListQuery) -> Any:
        stmt = apply_filters(select(Invoice.id), query, self._filters())
        terms = search_terms(query.text)
        if terms:
            # SQLite's lower() folds ASCII only, so accented names are also looked up in the
            # customers' search text (case-folded in Python when a customer is saved): one
            # uncorrelated sub-select per word, read once, not once per invoice.
            text = func.lower(Invoice.number + " " + Invoice.bill_to_name)
            for pattern in (f"%{like_escape(t)}%" for t in terms):
                customers = select(Customer.id).where(Customer.search_text.like(pattern, escape="\\"))
                stmt = stmt.where(or_(text.like(pattern, escape="\\"), Invoice.customer_id.in_(customers)))
        return stmt

    def _ordered(self, query: ListQuery) -> Any:
        """``_matching`` in list order; ties broken by year and sequence (the number), so
        every prefix of the list is stable."""
        stmt = self._matching(query)
        if query.sort not in INVOICE_SORTS:
            query = ListQuery(sort="number", descending=True)
        descending = query.descending
        keys: list[Any] = []
        if query.sort == "balance":
            keys.append(_balance_expr())
        elif query.sort != "number":
            keys.append(_SORTS[query.sort])
        keys += [Invoice.year, Invoice.sequence]
        return stmt.order_by(*[k.desc() if descending else k.asc() for k in keys])

    def _detail(self, session: Session, invoice: Invoice) -> InvoiceDetail:
        lines = session.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
        ).all()
        payments = session.scalars(
            select(Payment).where(Payment.invoice_id == invoice.id).order_by(Payment.paid_on, Payment.id)
        ).all()
        remote_id = session.scalar(select(Customer.remote_id).where(Customer.id == invoice.customer_id))
        balance = self._balance(invoice)
        late = days_overdue(invoice.status, balance, invoice.due_on, self._ctx.today())
        edit = self._ctx.actor.can(P.INVOICES_EDIT)
        return InvoiceDetail(
            id=invoice.id,
            number=invoice.number,
            status=invoice.status,
            customer_id=invoice.customer_id,
            customer_name=invoice.bill_to_name,
            customer_address=invoice.bill_to_address,
            customer_remote_id=remote_id,
            work_order_id=invoice.work_order_id,
            work_order_number=work_order_number(invoice.work_order_id),
            unit_label=invoice.unit_label,
            issued_on=invoice.issued_on,
            due_on=invoice.due_on,
            payment_terms_days=invoice.payment_terms_days,
            lines=tuple(
                InvoiceLineInfo(
                    position=line.position,
                    kind=line.kind,
                    description=line.description,
                    quantity=line.quantity,
                    unit=line.unit,
                    unit_price=line.unit_price,
                    discount_rate=line.discount_rate,
                    gross=line_amount(line.quantity, line.unit_price, None).gross,
                    amount=line.amount,
                )
                for line in lines
            ),
            subtotal=invoice.subtotal,
            discount_total=invoice.discount_total,
            net=invoice.net,
            tax_rate=invoice.tax_rate,
            tax=invoice.tax,
            total=invoice.total,
            paid=invoice.paid,
            balance=balance,
            overdue=late > 0,
            days_overdue=late,
            payments=tuple(
                PaymentInfo(
                    id=p.id,
                    invoice_id=p.invoice_id,
                    paid_on=p.paid_on,
                    amount=p.amount,
                    method=p.method,
                    reference=p.reference,
                    voided=p.voided,
                    void_reason=p.void_reason,
                    voided_at=p.voided_at,
                    voided_by=p.voided_by,
                    created_at=p.created_at,
                    created_by=p.created_by,
                )
                for p in payments
            ),
            cancelled_at=invoice.cancelled_at,
            cancelled_by=invoice.cancelled_by,
            cancel_reason=invoice.cancel_reason,
            created_at=invoice.created_at,
            created_by=invoice.created_by,
            can_cancel=edit and not refusal(InvoiceAction.CANCEL, invoice.status, invoice.number, invoice.paid),
            can_record_payment=edit and not refusal(InvoiceAction.RECORD_PAYMENT, invoice.status, invoice.number),
            version=invoice.version,
        )

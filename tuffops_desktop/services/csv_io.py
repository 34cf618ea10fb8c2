"""CSV import and export of customers and units.

An import is all or nothing: every row is checked first, every bad row is reported with
its line number, and a file with any error imports nothing. Files are UTF-8 (a BOM, as
Excel writes it, is accepted). Customer import is refused while an external system owns
customers (``customer_integration_enabled``).

Every import and export takes an optional ``progress(done, total)`` (rows; an import
counts each row twice: checked, then stored). It may raise ``OperationCancelled``: an
import then rolls back (nothing imported), an export stops (the caller drops its file).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TextIO

from sqlalchemy import func, select

from tuffops_desktop.db.models import Customer, DeviceModel, DeviceType, Manufacturer, Unit
from tuffops_desktop.domain.customers import CustomerInput, validate_customer
from tuffops_desktop.domain.errors import ImportRejected, IntegrationOwnsCustomers, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.progress import Progress, Steps
from tuffops_desktop.domain.qr import canonical_guid
from tuffops_desktop.domain.units import UnitFields, UnitInput, validate_unit
from tuffops_desktop.services import audit
from tuffops_desktop.services.catalog import CatalogService
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.customers import CustomerService
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.settings import phone_defaults, read_setting
from tuffops_desktop.services.units import UnitService

CUSTOMER_COLUMNS = (
    "id",
    "type",
    "first_name",
    "last_name",
    "company_name",
    "emails",
    "phones",
    "address",
    "city",
    "postcode",
    "country",
    "discount_rate",
    "default_sla_hours",
    "payment_terms_days",
    "remote_id",
    "notes",
)
UNIT_COLUMNS = (
    "id",
    "qr_code_guid",
    "customer_id",
    "manufacturer",
    "device_type",
    "model",
    "serial_number",
    "location",
    "address",
    "city",
    "postcode",
    "installed_at",
    "warranty_months",
    "maintenance_frequency",
    "notes",
)
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
PROGRESS_EVERY = 20  # rows between progress reports (the caller may pause the worker there)


class CsvService:
    def __init__(
        self, ctx: ServiceContext, customers: CustomerService, units: UnitService, catalog: CatalogService
    ) -> None:
        self._ctx = ctx
        self._customers = customers
        self._units = units
        self._catalog = catalog

    # ----------------------------------------------------------------- export
    @requires(P.CUSTOMERS_VIEW)
    def export_customers(self, out: TextIO, progress: Progress | None = None) -> int:
        writer = SpreadsheetSafeWriter(out)
        writer.writerow(CUSTOMER_COLUMNS)
        count = 0
        with self._ctx.read() as session:
            steps = Steps(progress, session.scalar(select(func.count(Customer.id))) or 0, every=PROGRESS_EVERY)
            steps.start()
            for c in session.scalars(select(Customer).order_by(Customer.id)).yield_per(PROGRESS_EVERY * 10):
                writer.writerow(
                    [
                        c.id,
                        c.customer_type,
                        c.first_name,
                        c.last_name,
                        c.company_name,
                        c.emails,
                        c.phones,
                        c.address,
                        c.city,
                        c.postcode,
                        c.country,
                        "" if c.discount_rate is None else str(c.discount_rate),
                        "" if c.default_sla_hours is None else c.default_sla_hours,
                        "" if c.payment_terms_days is None else c.payment_terms_days,
                        c.remote_id or "",
                        c.notes,
                    ]
                )
                count += 1
                steps.advance()
        return count

    @requires(P.UNITS_VIEW)
    def export_units(self, out: TextIO, progress: Progress | None = None) -> int:
        writer = SpreadsheetSafeWriter(out)
        writer.writerow(UNIT_COLUMNS)
        stmt = (
            select(Unit, Manufacturer.name, DeviceType.name, DeviceModel.name)
            .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
            .join(Manufacturer, Manufacturer.id == DeviceModel.manufacturer_id)
            .join(DeviceType, DeviceType.id == DeviceModel.device_type_id)
            .order_by(Unit.id)
        )
        count = 0
        with self._ctx.read() as session:
            steps = Steps(progress, session.scalar(select(func.count(Unit.id))) or 0, every=PROGRESS_EVERY)
            steps.start()
            for u, maker, kind, model in session.execute(stmt).yield_per(PROGRESS_EVERY * 10):
                writer.writerow(
                    [
                        u.id,
                        u.qr_code_guid,
                        u.customer_id or "",
                        maker,
                        kind,
                        model,
                        u.serial_number,
                        u.location,
                        u.address,
                        u.city,
                        u.postcode,
                        u.installed_at.isoformat() if u.installed_at else "",
                        u.warranty_months or "",
                        u.maintenance_frequency,
                        u.notes,
                    ]
                )
                count += 1
                steps.advance()
        return count

    # ----------------------------------------------------------------- import
    @requires(P.CUSTOMERS_CREATE)
    def import_customers(self, source: TextIO, progress: Progress | None = None) -> int:
        """Add every customer of the file, or none. Returns how many were added."""
        with self._ctx.write() as session:
            if read_setting(session, "customer_integration_enabled"):
                raise IntegrationOwnsCustomers()
            defaults = phone_defaults(session)
            valid = []
            errors: list[tuple[int, str]] = []
            seen_remote: dict[str, int] = {}
            rows = _Rows(source, progress)
            for line, row in rows.read(required=("type",), known=CUSTOMER_COLUMNS, errors=errors):
                try:
                    fields = validate_customer(
                        CustomerInput(
                            customer_type=row.get("type", ""),
                            first_name=row.get("first_name", ""),
                            last_name=row.get("last_name", ""),
                            company_name=row.get("company_name", ""),
                            emails=row.get("emails", ""),
                            phones=row.get("phones", ""),
                            address=row.get("address", ""),
                            city=row.get("city", ""),
                            postcode=row.get("postcode", ""),
                            country=row.get("country", ""),
                            discount_rate=row.get("discount_rate") or None,
                            default_sla_hours=row.get("default_sla_hours") or None,
                            payment_terms_days=row.get("payment_terms_days") or None,
                            remote_id=row.get("remote_id", ""),
                            notes=row.get("notes", ""),
                        ),
                        defaults,
                    )
                except ValidationError as exc:
                    errors.append((line, _describe(exc)))
                    continue
                if fields.remote_id:
                    if fields.remote_id in seen_remote:
                        first = seen_remote[fields.remote_id]
                        errors.append((line, f"remote_id “{fields.remote_id}” repeats line {first}."))
                        continue
                    seen_remote[fields.remote_id] = line
                    taken = session.scalar(select(Customer.id).where(Customer.remote_id == fields.remote_id))
                    if taken is not None:
                        errors.append((line, f"remote_id “{fields.remote_id}” already belongs to customer #{taken}."))
                        continue
                valid.append(fields)
            if errors:
                raise ImportRejected(errors)
            if not valid:
                raise ImportRejected([(1, "The file has no customer rows.")])
            rows.storing(len(valid))
            for fields in valid:
                self._customers.create_in(session, fields, action="import")
                rows.stored()
            audit.record(session, self._ctx, "customer", "*", "import_csv", {"count": [None, len(valid)]})
            return len(valid)

    @requires(P.UNITS_CREATE)
    def import_units(self, source: TextIO, progress: Progress | None = None) -> int:
        """Add every unit of the file, or none. Unknown manufacturers, types and models are
        added to the catalogue; customers are referenced by id (blank = stock)."""
        today = self._ctx.today()
        with self._ctx.write() as session:
            errors: list[tuple[int, str]] = []
            staged: list[tuple[dict[str, str], UnitFields, str | None]] = []
            seen_guids: dict[str, int] = {}
            rows = _Rows(source, progress)
            for line, row in rows.read(
                required=("manufacturer", "device_type", "model"), known=UNIT_COLUMNS, errors=errors
            ):
                problems: list[str] = []
                customer_id = None
                raw_customer = (row.get("customer_id") or "").strip()
                if raw_customer:
                    if not raw_customer.isdigit() or session.get(Customer, int(raw_customer)) is None:
                        problems.append(f"customer_id: no customer #{raw_customer}.")
                    else:
                        customer_id = int(raw_customer)
                guid = None
                raw_guid = (row.get("qr_code_guid") or "").strip()
                if raw_guid:
                    guid = canonical_guid(raw_guid)
                    if guid is None:
                        problems.append("qr_code_guid: not a GUID.")
                    elif guid in seen_guids:
                        problems.append(f"qr_code_guid repeats line {seen_guids[guid]}.")
                    elif session.scalar(select(Unit.id).where(Unit.qr_code_guid == guid)) is not None:
                        problems.append("qr_code_guid: already used by another unit.")
                    else:
                        seen_guids[guid] = line
                for name in ("manufacturer", "device_type", "model"):
                    if not (row.get(name) or "").strip():
                        problems.append(f"{name}: required.")
                try:
                    fields = validate_unit(
                        UnitInput(
                            device_model_id=-1,  # resolved after validation
                            customer_id=customer_id,
                            serial_number=row.get("serial_number", ""),
                            location=row.get("location", ""),
                            address=row.get("address", ""),
                            city=row.get("city", ""),
                            postcode=row.get("postcode", ""),
                            installed_at=row.get("installed_at") or None,
                            warranty_months=row.get("warranty_months") or None,
                            maintenance_frequency=row.get("maintenance_frequency") or "none",
                            notes=row.get("notes", ""),
                        ),
                        today,
                    )
                except ValidationError as exc:
                    problems.append(_describe(exc))
                    fields = None
                if problems or fields is None:
                    errors.append((line, " ".join(problems)))
                    continue
                staged.append((row, fields, guid))
            if errors:
                raise ImportRejected(errors)
            if not staged:
                raise ImportRejected([(1, "The file has no unit rows.")])
            rows.storing(len(staged))
            for row, fields, guid in staged:
                model = self._catalog.ensure_model(session, row["manufacturer"], row["device_type"], row["model"])
                self._units.create_in(session, replace(fields, device_model_id=model.id), guid=guid)
                rows.stored()
            audit.record(session, self._ctx, "unit", "*", "import_csv", {"count": [None, len(staged)]})
            return len(staged)


class _Rows:
    """An import file's rows, with progress over checking and then storing them.

    The total is estimated from the file's line count (a quoted value can span lines)
    and corrected once the rows are known: each row counts once checked, once stored.
    """

    def __init__(self, source: TextIO, progress: Progress | None) -> None:
        text = source.read(MAX_IMPORT_BYTES + 1)
        if len(text) > MAX_IMPORT_BYTES:
            raise ImportRejected([(1, "The file is larger than 50 MB; split it.")])
        self.text = text.removeprefix("\ufeff")
        self._progress = progress
        self._steps = Steps(progress, 2 * max(self.text.count("\n"), 1), every=PROGRESS_EVERY)
        self._steps.start()

    def read(
        self, *, required: tuple[str, ...], known: tuple[str, ...], errors: list[tuple[int, str]]
    ) -> Iterator[tuple[int, dict[str, str]]]:
        for line, row in _rows(self.text, required=required, known=known, errors=errors):
            self._steps.advance()
            yield line, row

    def storing(self, count: int) -> None:
        """The rows are checked; ``count`` of them are stored next."""
        checked = self._steps.done
        self._steps = Steps(self._progress, checked + count, every=PROGRESS_EVERY)
        self._steps.advance(checked)

    def stored(self) -> None:
        self._steps.advance()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: str) -> str:
    """Text as a spreadsheet shows it, never run as a formula: a cell starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe (``+1869…``
    phone numbers and a customer named ``=HYPERLINK(…)`` alike). ``unguard`` takes it off
    again when the file is imported."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unguard(value: str) -> str:
    """An imported cell as it was before ``spreadsheet_text`` guarded it."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


class SpreadsheetSafeWriter:
    """``csv.writer`` whose text cells go through ``spreadsheet_text`` (numbers as they are)."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([spreadsheet_text(v) if isinstance(v, str) else v for v in row])


def _rows(
    text: str, *, required: tuple[str, ...], known: tuple[str, ...], errors: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; header problems are reported as line 1."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    if not header:
        raise ImportRejected([(1, "The file is empty.")])
    missing = [c for c in required if c not in header]
    unknown = [h for h in header if h not in known]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s): {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s): {', '.join(unknown)}")
        raise ImportRejected([(1, "; ".join(parts) + f". Expected columns: {', '.join(known)}.")])
    reader.fieldnames = header
    count = 0
    try:
        for row in reader:
            count += 1
            if count > MAX_IMPORT_ROWS:
                raise ImportRejected([(reader.line_num, f"More than {MAX_IMPORT_ROWS} rows; split the file.")])
            line = reader.line_num
            if None in row:
                errors.append((line, "More values than columns."))
                continue
            values = {k: unguard((v or "").strip()) for k, v in row.items()}
            if not any(values.values()):
                continue
            if "id" in values and values["id"]:
                values["id"] = ""  # ids are assigned by the database; exported ids are ignored
            yield line, values
    except csv.Error as exc:
        raise ImportRejected([(reader.line_num, f"Not a valid CSV file: {exc}.")]) from None


def _describe(exc: ValidationError) -> str:
    return " ".join(f"{name}: {text}" if name else text for name, text in exc.field_errors.items())

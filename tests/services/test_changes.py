"""The change feed: every service write is heard by another workstation as
(entity, id, action), on PostgreSQL (NOTIFY) within 1 s and on SQLite (polled change
log) within 2 s; rolled-back writes are never heard; a request stored by the intake
listener's database function is heard like any other."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.conftest import new_database_url
from tests.factories import make_customer, make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.requests import RequestInput, validate_request
from tuffops_desktop.services import audit
from tuffops_desktop.services.changes import Change, ChangeFeed
from tuffops_desktop.services.intake import IntakeGateway
from tuffops_desktop.services.listing import ListQuery
from tuffops_desktop.services.registry import Services


class Heard:
    """A feed on its own connection (another workstation), collecting what it hears."""

    def __init__(self, db_url: str) -> None:
        self.db = open_database(db_url)
        self.feed = ChangeFeed(self.db)
        self.changes: list[tuple[float, Change]] = []
        self._new = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.feed.run, args=(self._stop, self._on_changes), daemon=True)

    def _on_changes(self, batch) -> None:  # noqa: ANN001
        with self._new:
            self.changes.extend((time.perf_counter(), c) for c in batch)
            self._new.notify_all()

    def wait_for(self, wanted: Change, timeout: float) -> float:
        """Seconds until ``wanted`` was heard (fails after ``timeout``)."""
        deadline = time.perf_counter() + timeout
        with self._new:
            while True:
                for at, change in self.changes:
                    if change == wanted:
                        return at
                remaining = deadline - time.perf_counter()
                assert remaining > 0, f"{wanted} not heard within {timeout} s; heard {self.changes}"
                self._new.wait(remaining)

    def __enter__(self) -> Heard:
        self._thread.start()
        assert self.feed.ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self.db.engine.dispose()


@pytest.fixture
def feed(db_url) -> Iterator[Heard]:  # noqa: ANN001
    with Heard(db_url) as heard:
        yield heard


def limit(services: Services) -> float:
    return 1.0 if services.ctx.db.dialect == "postgresql" else 2.0


def test_every_write_is_heard_with_entity_id_and_action(services, feed):
    started = time.perf_counter()
    customer = make_customer(services)
    feed.wait_for(Change("customer", customer.id, "create"), limit(services))
    unit = make_unit(services, customer_id=customer.id)
    feed.wait_for(Change("unit", unit.id, "create"), limit(services))
    services.customers.set_active(customer.id, False, customer.version)
    feed.wait_for(Change("customer", customer.id, "deactivate"), limit(services))
    request = services.requests.submit_office(
        unit.id, RequestInput("Leak", (date.today() + timedelta(days=1)).isoformat(), "All Day", "me")
    )
    feed.wait_for(Change("customer_request", request.id, "create"), limit(services))
    services.requests.set_status(request.id, "ongoing", request.version)
    heard_at = feed.wait_for(Change("customer_request", request.id, "status"), limit(services))
    assert heard_at - started < 10


def test_a_rolled_back_write_is_never_heard(services, feed):
    with pytest.raises(RuntimeError), services.ctx.write() as session:
        audit.record(session, services.ctx, "customer", 999_999, "update", {})
        raise RuntimeError("the user action failed half-way")
    customer = make_customer(services)
    feed.wait_for(Change("customer", customer.id, "create"), limit(services))
    assert Change("customer", 999_999, "update") not in [c for _at, c in feed.changes]


def test_a_request_through_the_intake_function_is_heard_with_its_id(request, tmp_path):
    """PostgreSQL: the listener stores requests through intake_submit_request (SQLite: audit.record)."""
    url = new_database_url("postgresql", request, tmp_path)
    with Heard(url) as feed:
        services = system_services(feed.db)
        unit = make_unit(services, customer_id=make_customer(services).id)
        fields = validate_request(RequestInput("Leak", date.today() + timedelta(days=1), "Morning", "me"), date.today())
        IntakeGateway(feed.db).submit(unit.qr_code_guid, fields, "ab" * 16, services.ctx.now())
        request_id = services.requests.list_ids(ListQuery())[0]
        feed.wait_for(Change("customer_request", request_id, "create"), 1.0)


def test_arrival_latency(services, feed):
    """Commit → heard, median of 10 writes (printed for benchmarks/README.md)."""
    customer = make_customer(services)
    latencies = []
    for n in range(10):
        services.customers.set_active(customer.id, n % 2 == 1, customer.version + n)
        committed = time.perf_counter()
        action = "reactivate" if n % 2 else "deactivate"
        heard = feed.wait_for(Change("customer", customer.id, action), limit(services))
        feed.changes.clear()
        latencies.append(max(0.0, heard - committed))
        time.sleep(0.05)
    median = statistics.median(latencies)
    print(
        f"{services.ctx.db.dialect}: change heard {median * 1000:.0f} ms after commit (median of 10), "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    assert median < limit(services) / 2

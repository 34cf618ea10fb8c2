"""Two workstations on one database, through two real connections."""

import threading

from tests.factories import make_customer
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.customers import CustomerInput
from tuffops_desktop.domain.errors import ConcurrencyConflict


def _input(detail, **changes):
    values = dict(
        customer_type=detail.customer_type,
        first_name=detail.first_name,
        last_name=detail.last_name,
        company_name=detail.company_name,
    )
    values.update(changes)
    return CustomerInput(**values)


def test_two_workstations_saving_the_same_opened_record_one_wins_one_is_told(db_url):
    ws1 = system_services(open_database(db_url))
    ws2 = system_services(open_database(db_url))
    created = make_customer(ws1)
    opened_on_1 = ws1.customers.get(created.id)
    opened_on_2 = ws2.customers.get(created.id)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(name, services, opened, city):
        barrier.wait()
        try:
            outcomes[name] = services.customers.update(opened.id, _input(opened, first_name=city), opened.version)
        except ConcurrencyConflict as exc:
            outcomes[name] = exc

    threads = [
        threading.Thread(target=save, args=("ws1", ws1, opened_on_1, "Cayon")),
        threading.Thread(target=save, args=("ws2", ws2, opened_on_2, "Dieppe")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    conflicts = [o for o in outcomes.values() if isinstance(o, ConcurrencyConflict)]
    winners = [o for o in outcomes.values() if not isinstance(o, ConcurrencyConflict)]
    assert len(conflicts) == 1 and len(winners) == 1
    final = ws1.customers.get(created.id)
    assert final.first_name == winners[0].first_name
    assert final.version == created.version + 1
    for services in (ws1, ws2):
        services.ctx.db.engine.dispose()

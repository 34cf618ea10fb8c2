import threading
from datetime import date, timedelta

from tests.factories import make_unit
from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.requests import RequestInput
from tuffops_desktop.services.inbox_watch import InboxWatcher
from tuffops_desktop.services.listing import ListQuery


def test_another_workstations_new_request_is_seen_within_two_seconds(db_url):
    office = system_services(open_database(db_url))
    unit = make_unit(office)
    other_db = open_database(db_url)
    changed = threading.Event()
    watcher = InboxWatcher(other_db, changed.set)
    watcher.start()
    try:
        assert watcher.ready.wait(5)
        changed.clear()
        office.requests.submit_office(unit.id, RequestInput("Leak", (date.today() + timedelta(days=1)).isoformat(),
                                                            "All Day", "me"))
        assert changed.wait(2.0), "the inbox did not hear about the new request within 2 s"
        changed.clear()
        request = office.requests.list_ids(ListQuery())[0]
        office.requests.set_status(request, "ongoing", office.requests.get(request).version)
        assert changed.wait(2.0), "the inbox did not hear about the status change within 2 s"
    finally:
        watcher.stop()
        office.ctx.db.engine.dispose()
        other_db.engine.dispose()

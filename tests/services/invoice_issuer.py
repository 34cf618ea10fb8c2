"""A second workstation in its own OS process: issues invoices for the work orders given.

``python -m tests.services.invoice_issuer DB_URL START_FILE ID [ID …]`` waits until
START_FILE exists (so both processes start issuing at the same moment), issues one
invoice per work order id, and prints the numbers it got, one per line, between
``start <time>`` and ``end <time>`` lines (wall-clock seconds).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tuffops_desktop.bootstrap import open_database, system_services


def main(argv: list[str]) -> None:
    url, start_file, *ids = argv
    services = system_services(open_database(url))
    versions = {int(i): services.work_orders.get(int(i)).version for i in ids}
    Path(f"{start_file}.ready.{os.getpid()}").touch()  # the test starts both once both are here
    deadline = time.monotonic() + 60
    while not Path(start_file).exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    print(f"start {time.time()}", flush=True)
    for order_id, version in versions.items():
        print(services.invoices.issue(order_id, expected_version=version).number, flush=True)
    print(f"end {time.time()}", flush=True)
    services.ctx.db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])

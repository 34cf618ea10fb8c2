"""A workstation in its own OS process taking stock one unit at a time.

``python -m tests.services.stock_taker DB_URL START_FILE PART_ID LOCATION_ID TRIES``
waits until START_FILE exists (so both processes start at the same moment), then tries
TRIES times to consume one unit, printing ``took`` or ``refused`` per try between
``start <time>`` and ``end <time>`` lines (wall-clock seconds).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tuffops_desktop.bootstrap import open_database, system_services
from tuffops_desktop.domain.errors import ValidationError


def main(argv: list[str]) -> None:
    url, start_file, part_id, location_id, tries = argv
    services = system_services(open_database(url))
    services.inventory.stock(int(part_id))  # connected and warm before the start
    Path(f"{start_file}.ready.{os.getpid()}").touch()  # the test starts both once both are here
    deadline = time.monotonic() + 60
    while not Path(start_file).exists() and time.monotonic() < deadline:
        time.sleep(0.001)
    print(f"start {time.time()}", flush=True)
    for _ in range(int(tries)):
        try:
            services.inventory.consume(int(part_id), int(location_id), "1")
            print("took", flush=True)
        except ValidationError:
            print("refused", flush=True)
    print(f"end {time.time()}", flush=True)
    services.ctx.db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1:])

"""Intake listener throughput against a raw-waitress baseline measured in the same run.

``wrk`` (Debian package ``wrk``) is the load generator in its own process, so the Python
server is measured, not a Python client. Three servers, each waitress with 8 threads and
the same ``wrk -t2 -c16``:

- a raw waitress "hello world" (the ceiling for any WSGI app on this box, this run);
- ``GET /u/<guid>``: the unit's form with a fresh one-time token, on SQLite and PostgreSQL;
- ``POST /u/<guid>``: a real submission. Every request carries its **own** form token
  (each wrk thread takes every second body, so the two threads never send the same one):
  every answer is a new row plus its audit row. Rows stored are counted in the database
  afterwards and reported per second next to the answers per second.

Rate limits are lifted. Run from the repository root:

    .venv/bin/python -m benchmarks.bench_intake [--seconds 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import threading
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402
from waitress.server import create_server  # noqa: E402

from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.models import CustomerRequest  # noqa: E402
from tuffops_desktop.intake.app import Limits  # noqa: E402
from tuffops_desktop.intake.security import FormTokens  # noqa: E402
from tuffops_desktop.intake.server import IntakeServer, load_secret  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.listing import ListQuery  # noqa: E402

THREADS, CONNECTIONS = 2, 16
POST_LUA = """
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local counter = 1
setup = function(thread)
  thread:set("first", counter)
  counter = counter + 1
end
local i = -1
request = function()
  if i < 0 then i = first - 1 end
  local body = bodies[(i %% #bodies) + 1]
  i = i + %d
  return wrk.format("POST", "%s", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end
done = function(summary, latency, requests)
  io.write(string.format("P99_US %%d\\n", latency:percentile(99)))
end
"""
GET_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("P99_US %d\\n", latency:percentile(99)))
end
"""


class Result:
    def __init__(self, rps: float, p99_ms: float, errors: int, answered: int, seconds: float) -> None:
        self.rps, self.p99_ms, self.errors, self.answered, self.seconds = rps, p99_ms, errors, answered, seconds
        self.rows: int | None = None
        self.baseline: Result | None = None


def run_wrk(url: str, script: Path, seconds: int) -> Result:
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    answered_match = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    elapsed = float(answered_match.group(2)) / (1000 if answered_match.group(3) == "ms" else 1)
    p99 = int(re.search(r"P99_US (\d+)", out).group(1)) / 1000
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Result(rps, p99, int(errors.group(1)) if errors else 0, int(answered_match.group(1)), elapsed)


class RawWaitress:
    """A waitress "hello world" with the same threads, measured next to each of ours."""

    def __init__(self, work: Path) -> None:
        def hello(environ, start_response):  # noqa: ANN001, ANN202
            body = b"Hello, world"
            start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
            return [body]

        self._server = create_server(hello, host="127.0.0.1", port=0, threads=8, asyncore_loop_timeout=1)
        threading.Thread(target=self._server.run, daemon=True).start()
        self._script = work / "get.lua"
        self._script.write_text(GET_LUA, encoding="utf-8")

    def measure(self, seconds: int) -> Result:
        return run_wrk(f"http://127.0.0.1:{self._server.effective_port}/", self._script, seconds)

    def close(self) -> None:
        self._server.task_dispatcher.shutdown()
        self._server.close()


def bench(url: str, seconds: int, rounds: int, work: Path, raw: RawWaitress) -> dict[str, Result]:
    """GET rounds alternate with raw-waitress rounds (the box's load changes from second to
    second); the GET row keeps the round with the median ratio. Then the POSTs."""
    db = open_database(url)
    services = system_services(db)
    seed_demo(services.ctx, customers=200)
    guid = services.units.get(services.units.list_ids(ListQuery())[0]).qr_code_guid
    data = work / f"intake-{db.dialect}"
    data.mkdir()
    server = IntakeServer(
        db,
        port=0,
        data_dir=data,
        threads=8,
        limits=Limits(pages_per_minute=10**9, posts_per_ip=10**9, posts_per_unit=10**9),
    )
    server.start()
    tokens = FormTokens(load_secret(data))
    when = (date.today() + timedelta(days=3)).isoformat()
    bodies = work / f"bodies-{db.dialect}.txt"
    with bodies.open("w", encoding="utf-8") as handle:
        for i in range(60_000):
            handle.write(
                urlencode(
                    {
                        "token": tokens.issue(guid),
                        "website": "",
                        "request": f"Benchmark request {i}",
                        "schedule_at": when,
                        "schedule_time": "Morning",
                        "contact_info": "869-555-1234",
                    }
                )
                + "\n"
            )
    get_script, post_script = work / "get.lua", work / f"post-{db.dialect}.lua"
    get_script.write_text(GET_LUA, encoding="utf-8")
    post_script.write_text(POST_LUA % (bodies, THREADS, f"/u/{guid}"), encoding="utf-8")
    base = f"http://127.0.0.1:{server.port}"
    try:
        pairs = []
        for _ in range(rounds):
            baseline = raw.measure(seconds)
            get = run_wrk(f"{base}/u/{guid}", get_script, seconds)
            get.baseline = baseline
            pairs.append(get)
        pairs.sort(key=lambda r: r.rps / r.baseline.rps)
        post = run_wrk(f"{base}/u/{guid}", post_script, seconds)
        post.baseline = raw.measure(seconds)
    finally:
        server.stop()
    with db.engine.connect() as conn:
        post.rows = conn.execute(select(func.count()).select_from(CustomerRequest)).scalar()
    db.engine.dispose()
    print(
        f"{db.dialect}: GET ratio per round " + ", ".join(f"{r.rps / r.baseline.rps:.2f}" for r in pairs),
        file=sys.stderr,
    )
    return {"GET /u/<guid>": pairs[len(pairs) // 2], "POST /u/<guid> (insert)": post}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, dict[str, Result]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        raw = RawWaitress(work)
        try:
            results["SQLite"] = bench(
                f"sqlite:///{(work / 'bench.sqlite3').as_posix()}", args.seconds, args.rounds, work, raw
            )
            cluster = start_cluster(durable=True)
            try:
                results["PostgreSQL"] = bench(cluster.create_database("bench"), args.seconds, args.rounds, work, raw)
            finally:
                cluster.stop()
        finally:
            raw.close()
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS}, {args.seconds} s per run, 8 server threads; the raw waitress "
        f"hello world is measured right before each row's run"
    )
    print()
    print("| request | database | answers/s | raw waitress req/s | ratio | rows stored/s | p99 ms | non-2xx/3xx |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for database, rows in results.items():
        for label, r in rows.items():
            stored = f"{r.rows / r.seconds:,.0f} ({r.rows:,} rows)" if r.rows is not None else "–"
            print(
                f"| {label} | {database} | {r.rps:,.0f} | {r.baseline.rps:,.0f} | {r.rps / r.baseline.rps:.2f} | "
                f"{stored} | {r.p99_ms:.1f} | {r.errors} |"
            )


if __name__ == "__main__":
    main()

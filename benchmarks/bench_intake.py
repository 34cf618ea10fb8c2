"""Intake listener throughput: GET form and POST submit, 16 concurrent clients on loopback.

Uses ``wrk`` (Debian package ``wrk``) as the load generator in its own process, so the
Python server is measured, not a Python client. Each POST carries its own pre-issued form
token, so every request is a real insert (no idempotent replays). Rate limits are lifted
for the run. Run from the repository root:

    .venv/bin/python -m benchmarks.bench_intake [--seconds 10]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

from tests.pgcluster import start_cluster  # noqa: E402
from tuffops_desktop.bootstrap import open_database, system_services  # noqa: E402
from tuffops_desktop.db.models import CustomerRequest  # noqa: E402
from tuffops_desktop.intake.app import Limits  # noqa: E402
from tuffops_desktop.intake.security import FormTokens  # noqa: E402
from tuffops_desktop.intake.server import IntakeServer, load_secret  # noqa: E402
from tuffops_desktop.services.demo import seed_demo  # noqa: E402
from tuffops_desktop.services.listing import ListQuery  # noqa: E402

POST_LUA = """
local bodies = {}
for line in io.lines("%s") do bodies[#bodies + 1] = line end
local i = 0
request = function()
  i = i + 1
  local body = bodies[(i %% #bodies) + 1]
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


def run_wrk(url: str, script: Path, seconds: int) -> tuple[float, float, int]:
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = int(re.search(r"P99_US (\d+)", out).group(1)) / 1000
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0


def bench(url: str, seconds: int, work: Path) -> dict[str, tuple[float, float, int]]:
    db = open_database(url)
    services = system_services(db)
    seed_demo(services.ctx, customers=200)
    guid = services.units.get(services.units.list_ids(ListQuery())[0]).qr_code_guid
    data = work / f"intake-{db.dialect}"
    data.mkdir()
    server = IntakeServer(db, port=0, data_dir=data, threads=8,
                          limits=Limits(pages_per_minute=10**9, posts_per_ip=10**9, posts_per_unit=10**9))
    server.start()
    tokens = FormTokens(load_secret(data))
    when = (date.today() + timedelta(days=3)).isoformat()
    bodies = work / f"bodies-{db.dialect}.txt"
    with bodies.open("w", encoding="utf-8") as handle:
        for i in range(200_000):
            handle.write(urlencode({"token": tokens.issue(guid), "website": "", "request": f"Benchmark request {i}",
                                    "schedule_at": when, "schedule_time": "Morning",
                                    "contact_info": "869-555-1234"}) + "\n")
    get_script, post_script = work / "get.lua", work / f"post-{db.dialect}.lua"
    get_script.write_text(GET_LUA, encoding="utf-8")
    post_script.write_text(POST_LUA % (bodies, f"/u/{guid}"), encoding="utf-8")
    base = f"http://127.0.0.1:{server.port}"
    try:
        results = {
            "GET /u/<guid>": run_wrk(f"{base}/u/{guid}", get_script, seconds),
            "POST /u/<guid> (insert)": run_wrk(f"{base}/u/{guid}", post_script, seconds),
        }
    finally:
        server.stop()
    with db.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(CustomerRequest)).scalar()
    print(f"{db.dialect}: {stored} requests stored", file=sys.stderr)
    db.engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        results["SQLite"] = bench(f"sqlite:///{(work / 'bench.sqlite3').as_posix()}", args.seconds, work)
        cluster = start_cluster(durable=True)
        try:
            results["PostgreSQL"] = bench(cluster.create_database("bench"), args.seconds, work)
        finally:
            cluster.stop()
    print("| request | database | req/s | p99 ms | non-2xx/3xx |")
    print("|---|---|---:|---:|---:|")
    for database, rows in results.items():
        for label, (rps, p99, errors) in rows.items():
            print(f"| {label} | {database} | {rps:,.0f} | {p99:.1f} | {errors} |")


if __name__ == "__main__":
    main()

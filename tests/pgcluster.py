"""A throwaway PostgreSQL cluster on a free loopback port (tests and benchmarks).

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user
through ``runuser``. Durability is switched off: the cluster is thrown away afterwards.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def pg_bindir() -> str | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if candidates:
        return candidates[-1]
    pg_ctl = shutil.which("pg_ctl")
    return str(Path(pg_ctl).parent) if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    url: str  # maintenance database, psycopg driver
    _bindir: str
    _base: str
    _wrap: list[str]

    def create_database(self, name: str) -> str:
        """Create an empty database on this cluster and return its URL."""
        from sqlalchemy import create_engine, text

        admin = create_engine(self.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        return self.url.rsplit("/", 1)[0] + "/" + name

    def stop(self) -> None:
        subprocess.run(
            self._wrap
            + [f"{self._bindir}/pg_ctl", "-D", os.path.join(self._base, "data"), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(self._base, ignore_errors=True)


def start_cluster(*, durable: bool = False) -> Cluster:
    """Start a new cluster; raises RuntimeError when no PostgreSQL binaries are installed."""
    bindir = pg_bindir()
    if not bindir:
        raise RuntimeError("PostgreSQL server binaries not found: apt-get install postgresql")
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    wrap = ["runuser", "-u", "postgres", "--"] if as_root else []
    base = tempfile.mkdtemp(prefix="tuffops-pg-")
    if as_root:
        shutil.chown(base, "postgres", "postgres")
    data, port = os.path.join(base, "data"), free_port()
    subprocess.run(
        wrap
        + [
            f"{bindir}/initdb",
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -k {base} -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run(
        wrap + [f"{bindir}/pg_ctl", "-D", data, "-l", f"{base}/server.log", "-w", "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    return Cluster(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres", bindir, base, wrap)

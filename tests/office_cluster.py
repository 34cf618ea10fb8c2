"""A throwaway PostgreSQL cluster set up like an office server: the role ``office`` signs
in with a password (scram-sha-256) and owns the empty database ``tuffops``; ``clerk``
signs in with a password but owns nothing; ``outsider`` is turned away by pg_hba.conf.
(The shared test cluster trusts every connection, so a wrong password would pass there.)
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.pgcluster import Cluster, start_cluster

PASSWORD = "Office-Pa55"
HBA_RULES = (
    "host all office 127.0.0.1/32 scram-sha-256\n"
    "host all clerk 127.0.0.1/32 scram-sha-256\n"
    "host all outsider 127.0.0.1/32 reject\n"
)


def start_office_cluster() -> Cluster:
    cluster = start_cluster()
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for role in ("office", "clerk", "outsider"):
                conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'"))
            conn.execute(text("CREATE DATABASE tuffops OWNER office"))
            hba = Path(conn.execute(text("SHOW hba_file")).scalar_one())
            hba.write_text(HBA_RULES + hba.read_text(encoding="utf-8"), encoding="utf-8")
            conn.execute(text("SELECT pg_reload_conf()"))
    except Exception:
        cluster.stop()
        raise
    finally:
        admin.dispose()
    return cluster


def office_url(cluster: Cluster, *, user: str = "office", password: str = PASSWORD, database: str = "tuffops") -> str:
    return (
        make_url(cluster.url)
        .set(username=user, password=password, database=database)
        .render_as_string(hide_password=False)
    )


def create_database(cluster: Cluster, name: str, owner: str = "office") -> None:
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" OWNER {owner}'))
    admin.dispose()

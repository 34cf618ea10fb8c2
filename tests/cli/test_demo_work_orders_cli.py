"""``tuffops demo`` with technicians and work orders, run as a real process on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from tests.cli.test_cli import tuffops
from tests.conftest import new_database_url
from tuffops_desktop.db.models import User, WorkOrder


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    return new_database_url(request.param, request, tmp_path)


def count(url: str, stmt) -> int:  # noqa: ANN001
    engine = create_engine(url)
    with engine.connect() as conn:
        value = conn.scalar(stmt)
    engine.dispose()
    return int(value or 0)


def test_demo_prints_the_technicians_passwords_and_adds_work_orders(url, tmp_path):
    demo = tuffops("demo", "--customers", "8", "--technicians", "7", "--work-orders", "300", data_dir=tmp_path, url=url)
    assert demo.returncode == 0, demo.stderr
    for name in ("tech", "maria", "kwame", "sasha", "devon", "lena", "tech07"):
        assert f"  {name} " in demo.stdout
    week = count(url, select(func.count()).select_from(WorkOrder)) - 300
    assert week > 0 and f"{week + 300:,} work orders" in demo.stdout
    assert count(url, select(func.count()).select_from(User).where(User.role == "technician")) == 7
    more = tuffops("demo", "--work-orders", "250", data_dir=tmp_path, url=url)  # a filled database: only these
    assert more.returncode == 0 and "Added 250 work orders." in more.stdout, more.stderr
    assert count(url, select(func.count()).select_from(WorkOrder)) == week + 550
    bad = tuffops("demo", "--work-orders", "-3", data_dir=tmp_path, url=url)
    assert bad.returncode == 1 and "Between 1 and" in bad.stderr

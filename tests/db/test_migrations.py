import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tests.conftest import new_database_url
from tuffops_desktop.db.engine import make_engine
from tuffops_desktop.db.migrate import alembic_config, head_revision, upgrade
from tuffops_desktop.db.models.settings import Setting
from tuffops_desktop.errors import DatabaseTooNew

REVISIONS = [r.revision for r in reversed(list(ScriptDirectory.from_config(alembic_config()).walk_revisions()))]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'empty.sqlite3').as_posix()}"
    url = new_database_url("postgresql", request, tmp_path)
    engine = make_engine(url)
    with engine.begin() as conn:  # start from nothing: drop what the template brought
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.mark.parametrize("start", REVISIONS)
def test_upgrade_to_head_from_every_revision_keeps_data(empty_url, start):
    engine = make_engine(empty_url)
    upgrade(engine, start)
    with engine.begin() as conn:
        conn.execute(text("UPDATE settings SET value = :v WHERE name = 'company_name'"), {"v": '"Kept Co"'})
    assert upgrade(engine) == head_revision()
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT value FROM settings WHERE name='company_name'")).scalar()
        assert kept in ('"Kept Co"', "Kept Co")
        tables = set(inspect(conn).get_table_names())
    assert {"customers", "units", "users", "audit_log", "blank_qr_labels", "unit_link_groups"} <= tables
    engine.dispose()


def test_setting_defaults_are_put_if_missing_never_overwritten(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(Setting.__table__.delete().where(Setting.name == "default_tax_rate"))
        conn.execute(text("UPDATE settings SET value = '\"Edited\"' WHERE name = 'company_name'"))
    upgrade(engine)
    with engine.connect() as conn:
        values = dict(conn.execute(text("SELECT name, value FROM settings")).all())
    assert values["default_tax_rate"] in ('"0.00"', "0.00")
    assert values["company_name"] in ('"Edited"', "Edited")
    engine.dispose()


def test_a_database_from_a_newer_app_is_refused_untouched(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(DatabaseTooNew, match="newer TuffOps"):
        upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_from_the_future"
    engine.dispose()

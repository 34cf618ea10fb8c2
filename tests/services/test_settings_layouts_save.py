"""The Settings page's one Save (``StickerService.save_settings``): edited settings and
new or edited label layouts in one transaction, all or nothing. Both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tuffops_desktop.db.models import AuditEntry
from tuffops_desktop.domain.errors import ConcurrencyConflict, ValidationError


def _layout(services, key: str, **changes):  # noqa: ANN001, ANN202
    return dict(services.stickers.layout("avery-5160").to_dict(), key=key, name=key.title(), **changes)


def _audits(services) -> list[tuple[str, str]]:  # noqa: ANN001
    with services.ctx.read() as session:
        return [(e.entity_id, e.action) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_settings_and_layouts_are_stored_together(services):
    version = {v.name: v.version for v in services.settings.list()}["company_name"]
    saved = services.stickers.save_settings(
        {"company_name": "Together Ltd"}, {"company_name": version}, [_layout(services, "custom-one")]
    )
    assert [layout.key for layout in saved] == ["custom-one"]
    assert services.settings.get("company_name") == "Together Ltd"
    assert services.stickers.layout("custom-one").name == "Custom-One"
    assert ("company_name", "update") in _audits(services)
    assert ("label_layouts_custom", "update") in _audits(services)
    # an edited layout replaces its stored self; the others stay
    services.stickers.save_settings({}, {}, [_layout(services, "custom-two")])
    services.stickers.save_settings({}, {}, [_layout(services, "custom-one", columns=2)])
    assert services.stickers.layout("custom-one").columns == 2
    assert "custom-two" in services.stickers.layouts()


@pytest.mark.parametrize("broken", ["setting", "layout", "builtin key", "version"])
def test_nothing_is_stored_when_any_part_is_refused(services, broken):
    name_before, audits_before = services.settings.get("company_name"), len(_audits(services))
    values = {"company_name": "Half Ltd", "phone_default_region": "ZZ" if broken == "setting" else "KN"}
    versions = {"company_name": 99} if broken == "version" else {}
    layouts = [_layout(services, "custom-good")]
    if broken == "layout":
        layouts.append(_layout(services, "custom-bad", pitch_x_mm=10.0))  # labels overlap
    if broken == "builtin key":
        layouts.append(_layout(services, "avery-5163"))
    error = ConcurrencyConflict if broken == "version" else ValidationError
    with pytest.raises(error):
        services.stickers.save_settings(values, versions, layouts)
    assert services.settings.get("company_name") == name_before
    assert "custom-good" not in services.stickers.layouts()
    assert len(_audits(services)) == audits_before

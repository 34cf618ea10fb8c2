"""Company settings, read by every service and edited on the Settings page.

One way to read a setting: ``read_setting(session, name)`` inside a transaction (services),
``SettingsService.get(name)`` outside one (the UI); both, and the Settings page list,
decode the stored row with ``_typed``. Writes go through ``_write`` only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Setting
from tuffops_desktop.domain.errors import ConcurrencyConflict, NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.phones import PhoneDefaults
from tuffops_desktop.domain.settings import SETTINGS, SETTINGS_BY_NAME, SettingSpec, coerce, from_json, to_json
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.dto.settings import SettingValue
from tuffops_desktop.services.guard import public, requires


def read_setting(session: Session, name: str) -> Any:
    """Typed value of one setting inside an open transaction (default if the row is missing)."""
    return _typed(SETTINGS_BY_NAME[name], session.get(Setting, name))


def _typed(spec: SettingSpec, row: Setting | None) -> Any:
    return spec.default if row is None else from_json(spec, row.value)


def phone_defaults(session: Session) -> PhoneDefaults:
    return PhoneDefaults(
        region=read_setting(session, "phone_default_region"),
        area_code=read_setting(session, "phone_default_area_code"),
    )


class SettingsService:
    """Reads and edits the company settings table."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @public("company settings (feature flags, phone defaults, sticker options) steer every user's screens")
    def get(self, name: str) -> Any:
        if name not in SETTINGS_BY_NAME:
            raise NotFound(f"There is no setting called “{name}”.")
        with self._ctx.read() as session:
            return read_setting(session, name)

    @requires(P.SETTINGS_VIEW)
    def list(self, *, include_readonly: bool = False) -> list[SettingValue]:
        """Settings for the Settings page; read-only keys only when asked."""
        with self._ctx.read() as session:
            rows = {row.name: row for row in session.scalars(select(Setting))}
        result = []
        for spec in SETTINGS:
            row = rows.get(spec.name)
            readonly = row.readonly if row else spec.readonly
            if (readonly and not include_readonly) or spec.kind == "json":
                continue  # json settings have their own editors
            result.append(
                SettingValue(
                    name=spec.name,
                    title=spec.title,
                    kind=spec.kind,
                    group=spec.group,
                    value=_typed(spec, row),
                    readonly=readonly,
                    version=row.version if row else 0,
                )
            )
        return result

    @requires(P.SETTINGS_EDIT)
    def update(
        self,
        values: Mapping[str, Any],
        expected_versions: Mapping[str, int] | None = None,
        *,
        also: Callable[[Session], None] | None = None,
    ) -> None:
        """Save edited settings in one transaction; every bad value is reported at once.
        ``also`` writes more in the same transaction (the Settings page's label layouts)."""
        errors: dict[str, str] = {}
        typed: dict[str, Any] = {}
        for name, raw in values.items():
            spec = SETTINGS_BY_NAME.get(name)
            if spec is None:
                errors[name] = "Unknown setting."
                continue
            try:
                typed[name] = coerce(spec, raw)
            except ValidationError as exc:
                errors.update(exc.field_errors)
        if errors:
            raise ValidationError(errors)
        with self._ctx.write() as session:
            self._write(session, typed, expected_versions)
            if also is not None:
                also(session)

    @requires(P.SETTINGS_EDIT)
    def update_in(self, session: Session, values: Mapping[str, Any]) -> None:
        """Save settings inside an open transaction (demo seeding); values are checked."""
        typed = {}
        for name, raw in values.items():
            typed[name] = coerce(SETTINGS_BY_NAME[name], raw)
        self._write(session, typed, None)

    @requires(P.SETTINGS_EDIT)
    def set_readonly_value(self, name: str, value: Any) -> None:
        """Change a read-only (installation) setting: for admins' CLI and tests only."""
        typed = coerce(SETTINGS_BY_NAME[name], value)
        with self._ctx.write() as session:
            self._write(session, {name: typed}, None, readonly_too=True)

    def _write(
        self,
        session: Session,
        typed: Mapping[str, Any],
        expected_versions: Mapping[str, int] | None,
        *,
        readonly_too: bool = False,
    ) -> None:
        for name, value in typed.items():
            spec = SETTINGS_BY_NAME[name]
            row = session.get(Setting, name, with_for_update=True)
            if row is None:
                row = Setting(name=name, value=to_json(spec, spec.default), readonly=spec.readonly)
                session.add(row)
                session.flush()
            if row.readonly and not readonly_too:
                raise ValidationError({name: "This setting is managed by the installation and cannot be edited here."})
            if expected_versions and name in expected_versions and expected_versions[name] != row.version:
                raise ConcurrencyConflict("setting", name)
            before = _typed(spec, row)
            if before == value:
                continue
            row.value = to_json(spec, value)
            old, new = (spec.audited(before), spec.audited(value)) if spec.audited else (before, value)
            audit.record(session, self._ctx, "setting", name, "update", audit.diff({name: old}, {name: new}))

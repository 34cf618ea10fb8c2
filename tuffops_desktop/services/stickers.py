"""QR sticker printing: which units, on which label stock, starting where.

Office staff print stickers for selected units, a customer, one site of a customer, every
unit that has no printed sticker yet, or a batch of blank labels (new GUIDs stored for
binding later). Layouts are data: the built-in Avery sheets and label printers plus the
admin's own, and each layout keeps its printer's x/y offset from a calibration page.

This service is the one place that records a unit's sticker as printed: :meth:`render`
(a saved PDF, the CLI) and :meth:`mark_printed` (the desktop's Print…, which paints the
sheet plan on the printer itself).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import DeviceModel, Unit
from tuffops_desktop.documents.label_layouts import LabelLayout, LayoutError, builtin_layouts
from tuffops_desktop.documents.sticker_pdf import render_calibration_page, render_sticker_sheet
from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheetPlan
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.progress import Progress
from tuffops_desktop.domain.qr import parse_guid_or_url, public_url, short_code
from tuffops_desktop.domain.units import friendly_label
from tuffops_desktop.services import audit
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires, requires_any
from tuffops_desktop.services.settings import SettingsService, read_setting
from tuffops_desktop.services.units import UnitService

MAX_STICKERS = 5000


def _checked_layout(data: dict[str, Any]) -> LabelLayout:
    """A company layout as typed, validated (labels inside the page, no overlap, not a
    built-in's key), or ``ValidationError``."""
    try:
        layout = LabelLayout.from_dict(data).validate()
    except (LayoutError, TypeError, ValueError, KeyError) as exc:
        raise ValidationError({"layout": str(exc)}) from None
    if layout.key in builtin_layouts():
        raise ValidationError({"key": "That name belongs to a built-in layout; choose another."})
    return layout


def layouts_in(session: Session) -> dict[str, LabelLayout]:
    """Built-in layouts plus the company's own (by key), read in ``session`` (also by the
    part labels, which inventory users print without seeing units)."""
    layouts = dict(builtin_layouts())
    for data in read_setting(session, "label_layouts_custom") or []:
        try:
            layout = LabelLayout.from_dict(data)
        except (LayoutError, TypeError, ValueError, KeyError):
            continue
        layouts[layout.key] = layout
    return layouts


def offset_in(session: Session, key: str) -> tuple[float, float]:
    """This office's printer offset on layout ``key`` (mm right, mm down), read in ``session``."""
    offsets = read_setting(session, "label_offsets") or {}
    x, y = offsets.get(key, (0.0, 0.0))
    return float(x), float(y)


class StickerService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService, units: UnitService) -> None:
        self._ctx = ctx
        self._settings = settings
        self._units = units

    # ----------------------------------------------------------------- layouts
    @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)
    def layouts(self) -> dict[str, LabelLayout]:
        """Built-in layouts plus the company's own (by key)."""
        with self._ctx.read() as session:
            return layouts_in(session)

    @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)
    def layout(self, key: str) -> LabelLayout:
        layouts = self.layouts()
        if key not in layouts:
            raise ValidationError({"layout": f"Unknown layout “{key}”. Choose one of: {', '.join(sorted(layouts))}."})
        return layouts[key]

    @requires(P.SETTINGS_EDIT)
    def save_custom_layout(self, data: dict[str, Any]) -> LabelLayout:
        """Add or replace an admin-defined layout (validated: labels inside the page, no overlap)."""
        layout = _checked_layout(data)
        with self._ctx.write() as session:
            self._store_layouts(session, [layout])
        return layout

    @requires(P.SETTINGS_EDIT)
    def save_settings(
        self,
        values: Mapping[str, Any],
        expected_versions: Mapping[str, int],
        layouts: Sequence[dict[str, Any]] = (),
    ) -> list[LabelLayout]:
        """The Settings page's one Save: the edited settings (as ``SettingsService.update``)
        and the label layouts added or edited (each checked as ``save_custom_layout``
        checks it), in one transaction: all stored, or nothing."""
        checked = [_checked_layout(data) for data in layouts]
        self._settings.update(values, expected_versions, also=lambda session: self._store_layouts(session, checked))
        return checked

    def _store_layouts(self, session: Session, layouts: Sequence[LabelLayout]) -> None:
        """Add or replace ``layouts`` (by key) among the company's own, inside ``session``."""
        if not layouts:
            return
        keys = {layout.key for layout in layouts}
        custom = [d for d in (read_setting(session, "label_layouts_custom") or []) if d.get("key") not in keys]
        custom += [layout.to_dict() for layout in layouts]
        self._settings.update_in(session, {"label_layouts_custom": custom})

    @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)
    def offset(self, key: str) -> tuple[float, float]:
        with self._ctx.read() as session:
            return offset_in(session, key)

    @requires(P.SETTINGS_EDIT)
    def set_offset(self, key: str, x_mm: float, y_mm: float) -> None:
        """Remember how far this office's printer is off on this layout (from the calibration page)."""
        if abs(x_mm) > 20 or abs(y_mm) > 20:
            raise ValidationError({"offset": "Offsets are at most 20 mm either way."})
        self.layout(key)
        with self._ctx.write() as session:
            offsets = dict(read_setting(session, "label_offsets") or {})
            offsets[key] = [round(float(x_mm), 2), round(float(y_mm), 2)]
            self._settings.update_in(session, {"label_offsets": offsets})

    # ----------------------------------------------------------------- selection
    @requires(P.UNITS_VIEW)
    def unit_ids_for_customer(self, customer_id: int, site_address: str | None = None) -> list[int]:
        stmt = select(Unit.id).where(Unit.customer_id == customer_id, Unit.active.is_(True))
        if site_address is not None:
            stmt = stmt.where(Unit.address == site_address)
        with self._ctx.read() as session:
            ids = list(session.scalars(stmt.order_by(Unit.address, Unit.location, Unit.id)))
        if not ids:
            raise NotFound("That customer has no active units" + (" at that site." if site_address else "."))
        return ids

    @requires(P.UNITS_VIEW)
    def unit_ids_without_sticker(self) -> list[int]:
        with self._ctx.read() as session:
            return list(
                session.scalars(
                    select(Unit.id)
                    .where(Unit.sticker_printed_at.is_(None), Unit.active.is_(True))
                    .order_by(Unit.customer_id, Unit.address, Unit.location, Unit.id)
                )
            )

    @requires(P.UNITS_VIEW)
    def unit_ids_for_guids(self, texts: Sequence[str]) -> list[int]:
        guids = [parse_guid_or_url(t) for t in texts]
        with self._ctx.read() as session:
            found = dict(session.execute(select(Unit.qr_code_guid, Unit.id).where(Unit.qr_code_guid.in_(guids))).all())
        missing = [g for g in guids if g not in found]
        if missing:
            raise ValidationError({"units": f"No unit has the code(s): {', '.join(missing)}."})
        return [found[g] for g in guids]

    # ----------------------------------------------------------------- content
    @requires(P.UNITS_VIEW)
    def contents_for_units(self, unit_ids: Sequence[int]) -> list[StickerContent]:
        """What each sticker shows: QR of the public URL, label, serial (or short code), company."""
        if not unit_ids:
            raise ValidationError({"units": "Choose at least one unit."})
        if len(unit_ids) > MAX_STICKERS:
            raise ValidationError({"units": f"At most {MAX_STICKERS} stickers at a time."})
        with self._ctx.read() as session:
            base, footer = self._base_and_footer(session)
            rows = {
                u.id: (u, name)
                for u, name in session.execute(
                    select(Unit, DeviceModel.name)
                    .join(DeviceModel, DeviceModel.id == Unit.device_model_id)
                    .where(Unit.id.in_(unit_ids))
                )
            }
        contents = []
        for unit_id in unit_ids:
            if unit_id not in rows:
                raise NotFound(f"Unit #{unit_id} does not exist.")
            unit, model = rows[unit_id]
            title = friendly_label(unit.location, unit.serial_number, model)
            serial_is_title = title == unit.serial_number
            contents.append(
                StickerContent(
                    url=public_url(base, unit.qr_code_guid),
                    title=title,
                    code=f"S/N {unit.serial_number}"
                    if unit.serial_number and not serial_is_title
                    else short_code(unit.qr_code_guid),
                    footer=footer,
                )
            )
        return contents

    @requires(P.UNITS_CREATE)
    def blank_label_contents(self, count: int, units_service: UnitService | None = None) -> list[StickerContent]:
        """New blank labels (GUIDs stored, unbound) ready to print."""
        guids = (units_service or self._units).create_blank_labels(count)
        with self._ctx.read() as session:
            base, footer = self._base_and_footer(session)
        return [
            StickerContent(url=public_url(base, g), title="Scan for service", code=short_code(g), footer=footer)
            for g in guids
        ]

    def _base_and_footer(self, session: Session) -> tuple[str, str]:
        base = read_setting(session, "public_base_url")
        name, phone = read_setting(session, "company_name"), read_setting(session, "company_phone")
        return base, " · ".join(p for p in (name, phone) if p)

    # ----------------------------------------------------------------- output
    @requires(P.UNITS_EDIT)
    def render(
        self,
        contents: Sequence[StickerContent],
        layout_key: str,
        out: str | Path | BinaryIO,
        *,
        start_position: int = 1,
        unit_ids: Sequence[int] = (),
        progress: Progress | None = None,
    ) -> StickerSheetPlan:
        """Write the PDF; the units printed are marked so "without a sticker" stays true.

        ``progress(pages written, pages)`` follows the writing and may raise
        ``OperationCancelled``: then no file is left at a path ``out`` and nothing is marked.
        """
        layout = self.layout(layout_key)
        with self._ctx.read() as session:
            ecc = read_setting(session, "sticker_error_correction")
        x, y = self.offset(layout_key)
        try:
            result = render_sticker_sheet(
                contents,
                layout,
                out,
                start_position=start_position,
                error_correction=ecc,
                offset_x_mm=x,
                offset_y_mm=y,
                progress=progress,
            )
        except ValueError as exc:
            raise ValidationError({"stickers": str(exc)}) from None
        self._mark_printed(unit_ids, layout_key)
        return result

    @requires(P.UNITS_EDIT)
    def mark_printed(self, unit_ids: Sequence[int], layout_key: str) -> None:
        """Record that the printer took these units' stickers (the desktop prints them itself)."""
        self._mark_printed(unit_ids, layout_key)

    def _mark_printed(self, unit_ids: Sequence[int], layout_key: str) -> None:
        if not unit_ids:
            return
        with self._ctx.write() as session:
            session.execute(update(Unit).where(Unit.id.in_(list(unit_ids))).values(sticker_printed_at=self._ctx.now()))
            audit.record(
                session,
                self._ctx,
                "unit",
                "*",
                "print_stickers",
                {"count": [None, len(unit_ids)], "layout": [None, layout_key or None]},
            )

    @requires_any(P.UNITS_VIEW, P.SETTINGS_VIEW)
    def render_calibration(self, layout_key: str, out: str | Path | BinaryIO) -> None:
        x, y = self.offset(layout_key)
        render_calibration_page(self.layout(layout_key), out, offset_x_mm=x, offset_y_mm=y)

"""Part and bin labels for a stock location, printed on the sticker label stock.

The storeman labels a location's bins: every part kept there (a part with a stock-levels
row at the location: it has held stock there, or the office set its minimum or bin) in
bin order, so the labels come off the sheet in the order he walks the shelves; or just
the parts chosen. Each label shows the part number, its name, the bin and the location,
and its QR code (``TUFFOPS:PART:<number>``, ``domain.part_labels``) opens the part when
scanned into Open by scan. Layouts and printer offsets are those of the QR stickers
(``services/stickers.py``); anyone who sees the inventory may print them. Printing
changes nothing stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from tuffops_desktop.db.models import Part, StockLevel
from tuffops_desktop.documents.label_layouts import LabelLayout
from tuffops_desktop.documents.part_labels import PartLabelSheet, part_label
from tuffops_desktop.documents.sticker_pdf import write_sheet_pdf
from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheetPlan
from tuffops_desktop.domain.errors import NotFound, ValidationError
from tuffops_desktop.domain.permissions import P
from tuffops_desktop.domain.progress import Progress
from tuffops_desktop.services import stock_ledger as ledger
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.guard import requires
from tuffops_desktop.services.settings import read_setting
from tuffops_desktop.services.stickers import MAX_STICKERS, layouts_in, offset_in


class PartLabelService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    @requires(P.INVENTORY_VIEW)
    def layouts(self) -> dict[str, LabelLayout]:
        """The label stock to print on: built-in layouts plus the company's own (by key)."""
        with self._ctx.read() as session:
            return layouts_in(session)

    @requires(P.INVENTORY_VIEW)
    def part_ids(self, numbers: Sequence[str]) -> list[int]:
        """The parts with these numbers (any case), in the order given; unknown numbers
        are refused, all named."""
        wanted = [n.strip() for n in numbers if n and n.strip()]
        if not wanted:
            raise ValidationError({"parts": "Name at least one part number."})
        with self._ctx.read() as session:
            found = {
                number.casefold(): part_id
                for part_id, number in session.execute(
                    select(Part.id, Part.number).where(func.lower(Part.number).in_([n.lower() for n in wanted]))
                )
            }
        missing = [n for n in wanted if n.casefold() not in found]
        if missing:
            raise ValidationError({"parts": f"No part has the number(s): {', '.join(missing)}."})
        return list(dict.fromkeys(found[n.casefold()] for n in wanted))

    @requires(P.INVENTORY_VIEW)
    def contents(self, location_id: int, part_ids: Sequence[int] | None = None) -> list[StickerContent]:
        """The labels for ``location_id``, in bin order (then part number): every active
        part kept there, or (``part_ids``) the parts chosen, kept there or not."""
        with self._ctx.read() as session:
            where = ledger.location(session, location_id)
            rows = self._rows(session, location_id, part_ids)
        if not rows:
            raise NotFound(f"No parts are kept at {where.name}." if part_ids is None else "Choose at least one part.")
        if len(rows) > MAX_STICKERS:
            raise ValidationError({"parts": f"At most {MAX_STICKERS} labels at a time."})
        return [part_label(number, name, where.name, bin or "") for number, name, bin in rows]

    @requires(P.INVENTORY_VIEW)
    def sheet(self, contents: Sequence[StickerContent], layout_key: str, *, start_position: int = 1) -> PartLabelSheet:
        """The print job on ``layout_key`` with this office's printer offset, planned page
        by page as it is drawn (the desktop previews and prints it with the sticker painter)."""
        with self._ctx.read() as session:
            layouts = layouts_in(session)
            if layout_key not in layouts:
                raise ValidationError(
                    {"layout": f"Unknown layout “{layout_key}”. Choose one of: {', '.join(sorted(layouts))}."}
                )
            x, y = offset_in(session, layout_key)
            ecc = read_setting(session, "sticker_error_correction")
        try:
            return PartLabelSheet(
                contents,
                layouts[layout_key],
                start_position=start_position,
                error_correction=ecc,
                offset_x_mm=x,
                offset_y_mm=y,
            )
        except ValueError as exc:
            raise ValidationError({"labels": str(exc)}) from None

    @requires(P.INVENTORY_VIEW)
    def render(
        self,
        contents: Sequence[StickerContent],
        layout_key: str,
        out: str | Path | BinaryIO,
        *,
        start_position: int = 1,
        progress: Progress | None = None,
    ) -> StickerSheetPlan:
        """Write the labels' PDF. ``progress(pages written, pages)`` may raise
        ``OperationCancelled``: then no file is left at a path ``out``."""
        sheet = self.sheet(contents, layout_key, start_position=start_position)
        try:
            return write_sheet_pdf(sheet, out, title="Part labels", progress=progress)
        except ValueError as exc:
            raise ValidationError({"labels": str(exc)}) from None

    def _rows(self, session: Session, location_id: int, part_ids: Sequence[int] | None) -> list[tuple[str, str, str]]:
        """(number, name, bin) of the labels, unbinned parts after the binned ones."""
        stmt = select(Part.number, Part.name, StockLevel.bin).outerjoin(
            StockLevel, (StockLevel.part_id == Part.id) & (StockLevel.location_id == location_id)
        )
        if part_ids is None:
            stmt = stmt.where(StockLevel.location_id.is_not(None), Part.active.is_(True))
        else:
            ids = list(dict.fromkeys(part_ids))
            known = set(session.scalars(select(Part.id).where(Part.id.in_(ids))))
            missing = [i for i in ids if i not in known]
            if missing:
                raise NotFound(f"Part #{missing[0]} does not exist.")
            stmt = stmt.where(Part.id.in_(ids))
        unbinned = case((func.coalesce(StockLevel.bin, "") == "", 1), else_=0)
        stmt = stmt.order_by(unbinned, StockLevel.bin, Part.number)
        return [(n, name, b or "") for n, name, b in session.execute(stmt)]

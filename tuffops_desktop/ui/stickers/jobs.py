"""A print run: which stickers, for which units."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from tuffops_desktop.documents.sticker_plan import StickerContent
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops


@dataclass(frozen=True)
class StickerJob:
    """What one print run contains.

    ``unit_ids`` are marked "sticker printed" once the PDF is saved or the printer took
    the job; blank labels have none (their codes were reserved when the job was made).
    """

    title: str
    contents: tuple[StickerContent, ...]
    unit_ids: tuple[int, ...] = ()


def job_for_units(
    ops: Ops, services: Services, unit_ids: Sequence[int], title: str, parent: QWidget | None
) -> StickerJob | None:
    """The stickers of ``unit_ids`` (in that order), or None if the service refused."""
    result = ops.call(services.stickers.contents_for_units, list(unit_ids), parent=parent)
    if not result.ok:
        return None
    return StickerJob(title, tuple(result.value or ()), tuple(unit_ids))

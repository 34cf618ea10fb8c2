"""Part and bin labels: the sticker sheet of the unit stickers, saying other things.

A part label goes on the bin (or shelf edge) where a part is kept. It shows the part
number large (what the storeman looks for), the part's name fitted under it (shrunk,
wrapped onto two lines, then cut with "…"), and the bin and location; its QR code
carries ``TUFFOPS:PART:<number>`` (``domain.part_labels``), which Open by scan reads.

The label stock, the printer offsets, the QR geometry (whole printer dots, 4-module quiet
zone) and the text fitting are the sticker pipeline's (``sticker_plan``); only the lines
of text differ. A :class:`~tuffops_desktop.documents.sticker_plan.StickerContent` holds a
part label as: ``url`` the QR payload, ``title`` the part number, ``code`` the name,
``footer`` the bin and location.
"""

from __future__ import annotations

from tuffops_desktop.documents.sticker_plan import StickerContent, StickerSheet
from tuffops_desktop.documents.text_fit import TextStyle, single_line
from tuffops_desktop.domain.part_labels import part_code

_NUMBER_SIZES = (20.0, 7.0)  # (largest, smallest) points; the largest is scaled to the label
_NAME_RATIO, _NAME_MIN = 0.58, 5.5
_PLACE_RATIO, _PLACE_MIN = 0.55, 5.0


def part_label(number: str, name: str, location: str, bin: str = "") -> StickerContent:
    """What one part label says: the part at ``location``, kept in ``bin`` (may be empty)."""
    place = f"Bin {bin} · {location}" if bin else location
    return StickerContent(url=part_code(number), title=number, code=name, footer=place)


class PartLabelSheet(StickerSheet):
    """A print job of part labels (arguments as :class:`StickerSheet`)."""

    def text_items(self, content: StickerContent, text_height: float) -> list[tuple[str, TextStyle]]:
        """Part number (bold, large, one line unless it cannot fit), name (up to three
        lines), bin and location (bold, kept whole at the " · ")."""
        regular, bold = self._fonts
        largest = min(_NUMBER_SIZES[0], max(9.0, 0.3 * text_height))
        return [
            (single_line(content.title), TextStyle(bold, largest, _NUMBER_SIZES[1], 2, extra_line_factor=0.0)),
            (single_line(content.code), TextStyle(regular, max(largest * _NAME_RATIO, _NAME_MIN), _NAME_MIN, 3)),
            (
                single_line(content.footer),
                TextStyle(
                    bold,
                    max(largest * _PLACE_RATIO, _PLACE_MIN),
                    _PLACE_MIN,
                    2,
                    extra_line_factor=0.0,
                    keep_parts_whole=True,
                ),
            ),
        ]

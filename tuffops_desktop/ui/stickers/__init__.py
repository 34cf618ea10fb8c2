"""Printing QR stickers from the desktop: the print dialog, its preview, label layouts.

One plan, two drawings: ``documents.sticker_plan`` (and ``documents.calibration``) decide
every box, code and line; the PDF writer (``documents.sticker_pdf``) and the preview and
printer path (``painter``) both draw that plan, so what the office sees on screen is what
the printer gets, at 100 % scale.
"""

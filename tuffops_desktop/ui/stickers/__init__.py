"""Printing QR stickers from the desktop: the print dialog, its preview, label layouts.

The PDF (reportlab, ``documents.stickers``) is the reference.  The preview and the
printer path paint the very geometry that PDF code computed (``painter``), so what the
office sees on screen is what the printer gets, at 100 % scale.
"""

"""The look of the app: a calm, dense office tool.

One light palette and one style sheet, applied once by the composition root. Colours
that carry meaning (customer types, warranty states) come from the domain or are named
here, so a page never invents its own.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

ACCENT = "#2563eb"
TEXT = "#1f2937"
MUTED_TEXT = "#6b7280"
ERROR_TEXT = "#b91c1c"
SUCCESS = "#15803d"
WARNING_BG = "#fef3c7"
DISABLED_TEXT = "#9ca3af"
DISABLED_BG = "#eef0f3"

# The colour language: each colour of a status tag means one thing, on every page.
GOOD = "#2e9d4f"  # green: fine or done (in warranty, verified, completed)
ATTENTION = "#d97706"  # amber, and only amber: someone should look at it (ending soon, unverified, paused)
OPEN = ACCENT  # blue: new, waiting for someone to pick it up
IN_PROGRESS = "#7c3aed"  # violet: being worked on
OVER = "#6b7280"  # grey: over or out (closed, expired, billed)
# Customer types are their own legend (domain.customers: Residential green, Commercial
# blue, Government yellow) and are drawn as squares or pills with the type's name.

WARRANTY_COLOURS = {
    "active": GOOD,
    "expiring": ATTENTION,
    "expired": OVER,
    "unknown": DISABLED_TEXT,
}

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f5f6f8; }}
QWidget#Page {{ background: #f5f6f8; }}
QFrame#Sidebar {{ background: #1f2937; }}
QLabel#AppTitle {{ color: #ffffff; font-size: 12pt; font-weight: 600; padding: 16px 16px 2px 16px; }}
QLabel#AppSubtitle {{ color: #9ca3af; padding: 0 16px 14px 16px; }}
QListWidget#Navigation {{ background: transparent; border: none; color: #d1d5db; outline: 0; }}
QListWidget#Navigation::item {{ padding-left: 14px; border-radius: 5px; }}
QListWidget#Navigation::item:hover:!selected {{ background: #2b3646; }}
QListWidget#Navigation::item:selected {{ background: #3b4a60; color: #ffffff; }}
QLabel[role="title"] {{ font-size: 14pt; font-weight: 600; color: {TEXT}; }}
QLabel[role="subtitle"] {{ font-size: 11pt; font-weight: 600; color: {TEXT}; }}
QLabel[role="hint"] {{ color: {MUTED_TEXT}; }}
QLabel[role="error"] {{ color: {ERROR_TEXT}; }}
QLabel[role="note"] {{ background: #eef2ff; color: #3730a3; border: 1px solid #c7d2fe;
                       border-radius: 4px; padding: 6px 10px; }}
QLabel[role="warning"] {{ background: {WARNING_BG}; color: #78350f; border: 1px solid #fcd34d;
                          border-radius: 4px; padding: 6px 10px; }}
QLabel[role="fieldname"] {{ color: {MUTED_TEXT}; }}
QPushButton {{ padding: 5px 14px; border: 1px solid #c4cad3; border-radius: 4px; background: #ffffff;
               color: {TEXT}; min-height: 18px; }}
QPushButton:hover {{ background: #f1f4f8; border-color: #aeb6c2; }}
QPushButton:pressed {{ background: #e5e9ef; }}
QPushButton:disabled {{ color: #a3aab5; background: #f3f4f6; border-color: #dde1e6; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: #ffffff; border-color: #1d4ed8; font-weight: 600; }}
QPushButton[primary="true"]:hover {{ background: #1d4ed8; }}
QPushButton[primary="true"]:disabled {{ background: #93b4f5; border-color: #93b4f5; }}
QPushButton[danger="true"] {{ color: #b91c1c; }}
QPushButton[link="true"] {{ border: none; background: transparent; color: {ACCENT}; padding: 2px 4px; }}
QPushButton[link="true"]:hover {{ text-decoration: underline; }}
QPushButton[link="true"]:disabled {{ color: #a3aab5; }}
QLineEdit, QPlainTextEdit {{ padding: 4px 6px; border: 1px solid #c4cad3; border-radius: 4px;
                             background: #ffffff; selection-background-color: #bfdbfe; selection-color: {TEXT}; }}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {ACCENT}; }}
QLineEdit:read-only {{ background: #f3f4f6; }}
QLineEdit:disabled, QPlainTextEdit:disabled {{ background: {DISABLED_BG}; color: {DISABLED_TEXT};
                                               border-color: #dde1e6; }}
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"] {{ border-color: #dc2626; }}
QTableView {{ background: #ffffff; alternate-background-color: #f7f9fb; gridline-color: #eceff3;
              border: 1px solid #d6dae0; selection-background-color: #dbeafe; selection-color: {TEXT}; }}
QHeaderView::section {{ background: #f1f3f6; color: #374151; padding: 5px 6px; border: none;
                        border-right: 1px solid #e2e6eb; border-bottom: 1px solid #d6dae0; font-weight: 600; }}
QGroupBox {{ background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; margin-top: 14px;
             padding: 12px 12px 8px 12px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; color: #374151; }}
QFrame#DetailPanel {{ background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; }}
QFrame#ConnectionBanner {{ background: {WARNING_BG}; border-bottom: 1px solid #f59e0b; }}
QFrame#ConnectionBanner QLabel {{ color: #78350f; font-weight: 600; }}
QStatusBar {{ background: #eef0f3; color: #4b5563; border-top: 1px solid #d6dae0; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QSplitter::handle {{ background: transparent; }}
QToolTip {{ background: #111827; color: #f9fafb; border: none; padding: 4px 6px; }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style, a light palette, a readable base font, and the style sheet."""
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#f5f6f8"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#f7f9fb"))
    palette.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Button, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#dbeafe"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor(TEXT))
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9ca3af"))
    palette.setColor(QPalette.ColorRole.ToolTipBase, QColor("#111827"))
    palette.setColor(QPalette.ColorRole.ToolTipText, QColor("#f9fafb"))
    # Disabled controls must look disabled: grey text on a grey field (combo boxes, spin
    # boxes, date edits and check boxes take these from the palette, not the style sheet).
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor(DISABLED_TEXT))
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        palette.setColor(disabled, role, QColor(DISABLED_BG))
    app.setPalette(palette)
    font = QFont(app.font())
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


def repolish(widget) -> None:  # noqa: ANN001
    """Re-apply the style sheet after a dynamic property (``invalid``, ``role``) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()

"""Write the app's icon as a Windows ``.ico`` (``python installer/make_icon.py OUT.ico``).

The icon is drawn in code (``ui.widgets.icons.app_icon``, the window icon); this renders
that same drawing for the executable, the shortcuts and the installer, so there is no
second copy of the artwork to keep in step.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from tuffops_desktop.ui.widgets.icons import app_icon  # noqa: E402

SIZES = (16, 24, 32, 48, 64)


def write_icon(out: Path) -> None:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 - QPixmap needs it
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    app_icon().pixmap(max(SIZES), max(SIZES)).toImage().save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data().data())))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, format="ICO", sizes=[(s, s) for s in SIZES], bitmap_format="bmp")  # NSIS reads BMP icons


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python installer/make_icon.py OUT.ico")
    write_icon(Path(sys.argv[1]))

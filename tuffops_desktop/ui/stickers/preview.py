"""The page preview: one page at a time, painted at screen resolution, with page
navigation and zoom ("100 %" is the paper's real size on a correctly set up screen).

Given ``ops``, a page is planned and painted into its image on the background runner
(planning a page of 30 stickers takes ~90 ms, painting it ~80 ms); the image is shown when
it arrives, and an answer for a page or zoom no longer wanted is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_REGULAR
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.stickers.painter import PrintablePage, load_fonts, render_page_image
from tuffops_desktop.ui.widgets.labels import plain_label

ZOOMS = (
    ("fit", "Fit page"),
    ("width", "Fit width"),
    (1.0, "100 % (actual size)"),
    (2.0, "200 %"),
)
MAX_PREVIEW_DPI = 1200.0
MAX_FIT_ZOOM = 3.0
"""A 62 × 29 mm tape label is not blown up to the whole window."""


class PagePreview(QWidget):
    """Shows ``page_at(n)`` for ``n`` in ``range(count)``.

    Signals:
        page_changed(int): another page is shown (0-based).
        shown(): a page's image or the reason there is none is on screen.
    """

    page_changed = Signal(int)
    shown = Signal()

    def __init__(self, parent: QWidget | None = None, *, ops: Ops | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._generation = 0
        self.pending = False
        if ops is not None:
            load_fonts(FONT_REGULAR, FONT_BOLD)  # on the GUI thread, before a worker paints text
        self._count = 0
        self._page = 0
        self._page_at: Callable[[int], PrintablePage] | None = None
        self.image: QImage | None = None
        self.rendered_dpi = 0.0
        self.error = ""

        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip(_("Previous page"))
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip(_("Next page"))
        for button in (self.prev_button, self.next_button):
            button.setFixedWidth(40)
        self.page_label = plain_label()
        self.page_label.setMinimumWidth(110)
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.zoom = QComboBox()
        for key, title in ZOOMS:
            self.zoom.addItem(_(title), key)
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        bar.addWidget(plain_label(_("Zoom"), role="fieldname"))
        bar.addWidget(self.zoom)

        self.canvas = QLabel()
        self.canvas.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.canvas.setStyleSheet("QLabel { background: #ffffff; border: 1px solid #b8bfca; }")
        self.message = plain_label(role="error", wrap=True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.hide()
        holder = QWidget()
        holder.setObjectName("PreviewHolder")
        holder.setStyleSheet("QWidget#PreviewHolder { background: #e3e6eb; }")
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(16, 16, 16, 16)
        holder_layout.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignCenter)
        holder_layout.addWidget(self.message)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self.scroll.setMinimumSize(420, 240)  # the dialog fits a 640 px high screen

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(80)
        self._resize_timer.timeout.connect(self.refresh)
        self.prev_button.clicked.connect(lambda: self.set_page(self._page - 1))
        self.next_button.clicked.connect(lambda: self.set_page(self._page + 1))
        self.zoom.currentIndexChanged.connect(lambda _i: self.refresh())
        self._update_bar()

    # ----------------------------------------------------------------- API
    @property
    def page(self) -> int:
        return self._page

    @property
    def count(self) -> int:
        return self._count

    def set_source(self, count: int, page_at: Callable[[int], PrintablePage]) -> None:
        """Show ``count`` pages; keeps the current page number when it still exists."""
        self._count = count
        self._page_at = page_at
        self._page = max(0, min(self._page, count - 1))
        self.refresh()

    def show_message(self, text: str) -> None:
        """Nothing to preview (e.g. the label is too small): say why."""
        self._generation += 1
        self.pending = False
        self._count = 0
        self._page_at = None
        self._show_error(text)
        self._update_bar()

    def set_page(self, number: int) -> None:
        if 0 <= number < self._count and number != self._page:
            self._page = number
            self.refresh()
            self.page_changed.emit(number)

    def refresh(self) -> None:
        self._update_bar()
        self._generation += 1
        page_at = self._page_at
        if page_at is None or self._count == 0:
            self.pending = False
            return
        generation, number = self._generation, self._page
        zoom, screen_dpi, viewport = self.zoom.currentData(), float(self.logicalDpiX()), self.scroll.viewport().size()
        ratio = self.devicePixelRatioF()
        render = self.render_page

        def paint() -> tuple[QImage, float]:
            page = page_at(number)
            dpi = _dpi(zoom, screen_dpi, viewport.width(), viewport.height(), page.size_pt) * ratio
            return render(page, dpi), dpi

        if self._ops is None:
            try:
                self._arrived(generation, paint())
            except ValueError as exc:
                self._failed(generation, exc)
            return
        self.pending = True
        self._ops.run(
            paint,
            parent=self,
            report=False,
            on_done=lambda answer: self._arrived(generation, answer),
            on_failed=lambda exc: self._failed(generation, exc),
        )

    def render_page(self, page: PrintablePage, dpi: float) -> QImage:
        """The page's image at ``dpi``; runs on the runner (``ui/pdf_preview`` paints its own pages)."""
        return render_page_image(page, dpi, preview=True)

    # ----------------------------------------------------------------- answers
    def _arrived(self, generation: int, answer: tuple[QImage, float]) -> None:
        if generation != self._generation:
            return  # another page, zoom or plan was asked for meanwhile
        self.pending = False
        image, dpi = answer
        ratio = self.devicePixelRatioF()
        image.setDevicePixelRatio(ratio)
        self.error = ""
        self.message.hide()
        self.image = image
        self.rendered_dpi = dpi
        self.canvas.setPixmap(QPixmap.fromImage(image))
        self.canvas.setFixedSize(round(image.width() / ratio) + 2, round(image.height() / ratio) + 2)
        self.canvas.show()
        self.shown.emit()

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self.pending = False
        if isinstance(exc, ValueError):  # the plan refused (label too small for the code, …)
            self._show_error(str(exc))
        else:
            self._show_error(_("The preview could not be drawn."))
            if self._ops is not None:
                self._ops.report(exc, self)
        self.shown.emit()

    # ----------------------------------------------------------------- helpers
    def _show_error(self, text: str) -> None:
        self.error = text
        self.image = None
        self.canvas.clear()
        self.canvas.hide()
        self.message.setText(text)
        self.message.show()

    def _update_bar(self) -> None:
        self.prev_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < self._count - 1)
        self.page_label.setText(
            _("Page {n} of {count}").format(n=self._page + 1, count=self._count) if self._count else "—"
        )

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.zoom.currentData() in ("fit", "width"):
            self._resize_timer.start()


def _dpi(zoom: object, screen_dpi: float, view_width: int, view_height: int, size_pt: tuple[float, float]) -> float:
    """Screen dots per inch for the chosen zoom (100 % = the screen's own dpi)."""
    if isinstance(zoom, float):
        return screen_dpi * zoom
    width_in, height_in = size_pt[0] / 72.0, size_pt[1] / 72.0
    available_w = max(view_width - 36, 80)
    available_h = max(view_height - 36, 80)
    by_width = available_w / width_in
    dpi = by_width if zoom == "width" else min(by_width, available_h / height_in)
    return max(8.0, min(dpi, MAX_FIT_ZOOM * screen_dpi, MAX_PREVIEW_DPI))

"""Preview, print and save a planned document (invoice, quotation, statement).

PySide6-Essentials has no QtPdf, and rasterising a PDF would need a program that does not
exist on every Windows desk, so the preview does not show the PDF file itself: it paints
the **same plan** the PDF writer draws (``documents/page_plan.DocumentPlan``, made by
``documents/priced_document.py``) with QPainter: every line of text in the bundled DejaVu
fonts at its planned size and baseline, stretched by the tiny difference between Qt's and
reportlab's advance widths so each line covers exactly its planned box; the strokes,
bands and logo in their planned places.  The printer is painted the same way at exactly
100 % (one point is ``resolution / 72`` device pixels), and **Save PDF…** writes the
reportlab PDF from the plan.

Nothing long runs on the GUI thread: the plan is built on the runner (it reads the
services: ``build`` is any callable returning a ``DocumentPlan``), each preview page is
painted into an image on the runner (``ui/stickers/preview.PagePreview``), Save PDF
writes on the runner and appears whole or not at all (``files.whole_file``), and a real
printer is painted page by page from a timer (``Ops.steps_with_progress``).

Use :func:`show_document_preview` (or :class:`DocumentPreviewDialog` to keep a handle)::

    show_document_preview(
        self, self._ops, self._prompts,
        lambda: invoice_plan(services.invoices, services.settings, invoice_id),
        title=_("Invoice {number}").format(number=row.number),
        file_name=f"{row.number}.pdf",
    )
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QSizeF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPen,
    QShowEvent,
)
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from tuffops_desktop.documents.fonts import FONT_BOLD, FONT_REGULAR
from tuffops_desktop.documents.page_plan import DocumentPlan, PlanPage, Rgb, write_plan_pdf
from tuffops_desktop.domain.progress import Progress
from tuffops_desktop.files import whole_file
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.painter import PrinterRefused, load_fonts, to_top_down
from tuffops_desktop.ui.stickers.painter import _family as font_family  # one font cache for both painters
from tuffops_desktop.ui.stickers.preview import PagePreview
from tuffops_desktop.ui.widgets.accelerators import assign_accelerators
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.screen import resize_within_screen

__all__ = [
    "PlanBuilder",
    "paint_plan_page",
    "render_plan_page",
    "configure_printer",
    "print_plan_steps",
    "DocumentPreview",
    "DocumentPreviewDialog",
    "show_document_preview",
]

PlanBuilder = Callable[[], DocumentPlan]
"""Reads what the document needs and lays it out; runs on the background runner."""

PrinterFactory = Callable[[], QPrinter]
AskPrintSetup = Callable[[QPrinter, int, QWidget], bool]
PDF_FILTER = "PDF files (*.pdf)"
METRES_PER_INCH = 0.0254


# ------------------------------------------------------------------- painting
def _color(rgb: Rgb) -> QColor:
    return QColor.fromRgbF(*rgb)


@lru_cache(maxsize=16)
def _image(data: bytes) -> QImage:
    return QImage.fromData(data)


def paint_plan_page(painter: QPainter, page: PlanPage) -> None:
    """Paint ``page`` in points, top-left origin (the caller scales to device pixels)."""
    height = page.size_pt[1]
    for fill in page.fills:
        painter.fillRect(to_top_down(fill.box, height), _color(fill.color))
    for segment in page.segments:
        level = round(max(0.0, min(1.0, segment.gray)) * 255)
        pen = QPen(QColor(level, level, level), segment.width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        if segment.width * painter.worldTransform().m11() < 1.0:  # hairlines stay visible on screen
            pen.setWidthF(1.0)
            pen.setCosmetic(True)
        painter.setPen(pen)
        painter.drawLine(QPointF(segment.x1, height - segment.y1), QPointF(segment.x2, height - segment.y2))
    for placed in page.images:
        image = _image(placed.data)
        if not image.isNull():
            painter.drawImage(to_top_down(placed.box, height), image)
    dpi = float(painter.device().logicalDpiY())
    for text in page.texts:
        line = text.line
        font = QFont(font_family(line.font))
        font.setBold(line.font == FONT_BOLD)
        font.setPointSizeF(line.size * 72.0 / dpi)  # the painter's unit is one point
        font.setKerning(False)  # reportlab's widths do not kern
        font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
        painter.setFont(font)
        painter.setPen(QPen(_color(text.color)))
        advance = QFontMetricsF(font, painter.device()).horizontalAdvance(line.text)
        stretch = line.box.width / advance if advance > 0 and line.box.width > 0 else 1.0
        painter.save()
        painter.translate(line.box.x, height - line.baseline)
        painter.scale(stretch, 1.0)
        painter.drawText(QPointF(0, 0), line.text)
        painter.restore()


def _paint_at(painter: QPainter, page: PlanPage, px_per_pt: float) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.scale(px_per_pt, px_per_pt)
    paint_plan_page(painter, page)
    painter.restore()


def render_plan_page(page: PlanPage, dpi: float) -> QImage:
    """The page as a white image at ``dpi`` (safe on a worker thread once fonts are loaded)."""
    width_pt, height_pt = page.size_pt
    scale = dpi / 72.0
    image = QImage(max(1, round(width_pt * scale)), max(1, round(height_pt * scale)), QImage.Format.Format_RGB32)
    dots_per_metre = round(dpi / METRES_PER_INCH)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        _paint_at(painter, page, scale)
    finally:
        painter.end()
    return image


def configure_printer(printer: QPrinter, plan: DocumentPlan) -> None:
    """The plan's paper (Letter, A4, …), portrait, no margins: the plan has its own."""
    width, height = plan.page_size
    size = QPageSize(QSizeF(width, height), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Point))
    printer.setDocName(plan.title)


def print_plan_steps(
    printer: QPrinter, plan: DocumentPlan, first: int = 0, last: int | None = None
) -> Iterator[tuple[int, int]]:
    """Paint pages ``first``..``last`` (0-based) at 100 %, one page per step, yielding
    ``(pages painted, pages)``; ``PrinterRefused`` when the printer fails.  Closing the
    generator early aborts the job."""
    pages = plan.pages[first : (len(plan.pages) if last is None else last + 1)]
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterRefused()
    scale = printer.resolution() / 72.0
    finished = False
    try:
        for number, page in enumerate(pages):
            if number and not printer.newPage():
                raise PrinterRefused()
            _paint_at(painter, page, scale)
            yield number + 1, len(pages)
        finished = True
    finally:
        if not finished:
            printer.abort()
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrinterRefused()


# ------------------------------------------------------------------- widgets
class DocumentPreview(PagePreview):
    """The page viewer (navigation, zoom) showing the pages of a ``DocumentPlan``."""

    def __init__(self, parent: QWidget | None = None, *, ops: Ops | None = None) -> None:
        load_fonts(FONT_REGULAR, FONT_BOLD)  # on the GUI thread, before a worker paints text
        super().__init__(parent, ops=ops)
        self.plan: DocumentPlan | None = None

    def set_plan(self, plan: DocumentPlan) -> None:
        self.plan = plan
        self.set_source(len(plan.pages), plan.pages.__getitem__)

    def render_page(self, page, dpi: float) -> QImage:  # noqa: ANN001 - a PlanPage
        return render_plan_page(page, dpi)


def _new_printer() -> QPrinter:
    return QPrinter(QPrinter.PrinterMode.HighResolution)


def _ask_with_print_dialog(printer: QPrinter, page_count: int, parent: QWidget) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setMinMax(1, max(page_count, 1))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, page_count > 1)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _pages_done(done: int, total: int) -> str:
    return _("Page {n} of {count}").format(n=count_text(done), count=count_text(total))


class DocumentPreviewDialog(QDialog):
    """A document's pages with **Print…**, **Save PDF…** and **Close**.

    Args:
        build: makes the plan; runs on the runner (reads services, lays out pages). A
            failure is shown through the error mapper and the preview says so.
        title: the window title ("Invoice INV-2026-00001").
        file_name: what Save PDF suggests.
        printer_factory / ask_print_setup: tests pass a PDF printer and an answer
            instead of the system print dialog.

    Signals:
        plan_ready(): the plan arrived and the first page is being painted.
        saved(str): the PDF was written to this path.
        printed(int): this many pages went to the printer.

    Attributes:
        output_job: the running (or last) Save PDF / Print job.
    """

    plan_ready = Signal()
    saved = Signal(str)
    printed = Signal(int)

    def __init__(
        self,
        ops: Ops,
        prompts: Prompts,
        build: PlanBuilder,
        *,
        title: str,
        file_name: str,
        parent: QWidget | None = None,
        printer_factory: PrinterFactory | None = None,
        ask_print_setup: AskPrintSetup | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._prompts = prompts
        self._file_name = file_name
        self._printer_factory = printer_factory or _new_printer
        self._ask_print_setup = ask_print_setup or _ask_with_print_dialog
        self.output_job: ProgressJob | None = None
        self.setWindowTitle(title)

        self.preview = DocumentPreview(self, ops=ops)
        self.status = plain_label(wrap=True)
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save PDF…"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_document)
        self.save_button.clicked.connect(self.save_pdf)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bottom)
        resize_within_screen(self, 820, 900)

        self.preview.show_message(_("Preparing the document…"))
        self._update_actions()
        self._ops.run(build, parent=self, on_done=self._arrived, on_failed=self._build_failed)

    # ----------------------------------------------------------------- state
    @property
    def plan(self) -> DocumentPlan | None:
        return self.preview.plan

    @property
    def busy(self) -> bool:
        return self.output_job is not None and not self.output_job.finished

    def _arrived(self, plan: DocumentPlan) -> None:
        self.preview.set_plan(plan)
        self.status.setText(_("{count} page(s)").format(count=count_text(len(plan.pages))))
        self._update_actions()
        self.plan_ready.emit()

    def _build_failed(self, exc: BaseException) -> None:
        self.preview.show_message(str(exc) or _("The document could not be prepared."))
        self._update_actions()

    def _update_actions(self) -> None:
        ready = self.plan is not None and not self.busy
        self.print_button.setEnabled(ready)
        self.save_button.setEnabled(ready)

    def _start(self, job: ProgressJob) -> ProgressJob:
        self.output_job = job
        self._update_actions()
        return job

    def _idle(self, text: str = "") -> None:
        if text:
            self.status.setText(text)
        self._update_actions()

    # ----------------------------------------------------------------- actions
    def save_pdf(self) -> ProgressJob | None:
        """Ask where, then write the PDF on the runner; the file appears only when whole."""
        plan = self.plan
        if plan is None or self.busy:
            return None
        path = self._prompts.save_file(self, _("Save PDF"), self._file_name, PDF_FILTER)
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".pdf")

        def write(progress: Progress) -> Path:
            progress(0, 1)
            with whole_file(path) as temp:
                write_plan_pdf(plan, temp)
                progress(1, 1)  # a Cancel before this point leaves no file
            return path

        def done(written: Path) -> None:
            self._idle(_("Saved to {file}.").format(file=str(written)))
            self.saved.emit(str(written))

        return self._start(
            self._ops.run_with_progress(
                _("Saving the PDF"),
                write,
                parent=self,
                on_done=done,
                on_failed=lambda _exc: self._idle(),
                on_cancelled=lambda: self._idle(_("Cancelled: no file was saved.")),
            )
        )

    def print_document(self) -> ProgressJob | None:
        """The system print dialog (page range allowed), then the pages painted at 100 %."""
        plan = self.plan
        if plan is None or self.busy:
            return None
        count = len(plan.pages)
        printer = self._printer_factory()
        configure_printer(printer, plan)
        printer.setFromTo(0, 0)
        if not self._ask_print_setup(printer, count, self):
            return None
        first, last = 0, count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(0, printer.fromPage() - 1)
            last = min(count - 1, max(first, printer.toPage() - 1))
        pages = last - first + 1

        def done() -> None:
            self._idle(_("Sent {count} page(s) to the printer.").format(count=count_text(pages)))
            self.printed.emit(pages)

        return self._start(
            self._ops.steps_with_progress(
                _("Printing"),
                print_plan_steps(printer, plan, first, last),
                parent=self,
                describe=_pages_done,
                on_done=done,
                on_failed=lambda _exc: self._idle(),
                on_cancelled=lambda: self._idle(_("Cancelled: the rest was not sent to the printer.")),
            )
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        assign_accelerators(self)

    def reject(self) -> None:
        """Close: a running job is cancelled (no file, the rest not printed)."""
        if self.busy and self.output_job is not None:
            self.output_job.cancel()
        super().reject()


def show_document_preview(
    parent: QWidget | None,
    ops: Ops,
    prompts: Prompts,
    build: PlanBuilder,
    *,
    title: str,
    file_name: str,
) -> DocumentPreviewDialog:
    """Open the preview window (non-modal; it deletes itself when closed) and return it."""
    dialog = DocumentPreviewDialog(ops, prompts, build, title=title, file_name=file_name, parent=parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
    dialog.show()
    return dialog

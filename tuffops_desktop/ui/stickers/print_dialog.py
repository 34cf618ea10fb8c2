"""Print stickers: label stock, start position, printer offset, preview, print or PDF.

* **Label stock**: the built-in sheets and label printers plus the company's own layouts.
* **Start at**: a drawing of the sheet; click the first unused label of a partly used
  sheet (the ones before it are shown as used).
* **Printer offset**: millimetres this office's printer is off on this stock, measured
  with the calibration page; saved per layout for everyone (``settings.edit``).
* **Preview**: every page, painted from the sheet plan the PDF is written from
  (``documents.sticker_plan`` → ``painter``).
* **Print…** paints the same pages on the printer at exactly 100 % (no "fit to page");
  **Save PDF…** has the sticker service write the reportlab PDF.  Either way the sticker
  service records which units' stickers were printed; the dialog never marks units.

Nothing long runs on the GUI thread: the preview plans and paints its page on the runner;
Save PDF writes on the runner (``Ops.run_with_progress``: pages done of total, Cancel
leaves no file and marks nothing); Print plans the pages on the runner, then paints the
printer page by page from a timer (``Ops.steps_with_progress``: a real ``QPrinter`` is
painted on the GUI thread), and only a finished job marks units printed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.documents.calibration import CalibrationPlan, plan_calibration_page
from tuffops_desktop.documents.label_layouts import LabelLayout
from tuffops_desktop.documents.sticker_plan import MAX_OFFSET_MM, StickerPagePlan, StickerSheet
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.progress import Progress, Steps
from tuffops_desktop.domain.qr import internal_url_reason
from tuffops_desktop.i18n import _
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.formatting import count_text
from tuffops_desktop.ui.ops import Ops, ProgressJob
from tuffops_desktop.ui.prompts import Prompts
from tuffops_desktop.ui.stickers.grid_view import SheetGridView, describe
from tuffops_desktop.ui.stickers.jobs import StickerJob
from tuffops_desktop.ui.stickers.painter import PrintablePage, configure_printer, print_steps
from tuffops_desktop.ui.stickers.preview import PagePreview
from tuffops_desktop.ui.widgets.form_errors import FormErrors
from tuffops_desktop.ui.widgets.labels import plain_label
from tuffops_desktop.ui.widgets.public_url import internal_url_warning
from tuffops_desktop.ui.widgets.screen import resize_within_screen

PDF_FILTER = "PDF files (*.pdf)"
DEFAULT_LAYOUT = "avery-5160"
STICKERS, CALIBRATION = "stickers", "calibration"

CALIBRATION_NOTE = (
    "How to measure the offset: print this page on plain paper at 100 % (“Actual size”, never "
    "“Fit to page”); the bar at the bottom must measure exactly 100 mm. Hold the printout over an "
    "empty label sheet against a window or a lamp. Where the real edge of label 1 (and of the last "
    "label) crosses a scale, read the number: that is how many millimetres the printer is off "
    "(+ = right / down). Add it to the offset on the left, then print this page again: the outlines "
    "should now sit exactly on the labels."
)

MODE_STYLE = (
    "QPushButton {{ {radius} }} QPushButton:checked {{ background: #dbeafe; color: #1d4ed8; border-color: #93b4f5; }}"
)

PrinterFactory = Callable[[], QPrinter]
AskPrintSetup = Callable[[QPrinter, int, QWidget], bool]


def _new_printer() -> QPrinter:
    return QPrinter(QPrinter.PrinterMode.HighResolution)


def _ask_with_print_dialog(printer: QPrinter, page_count: int, parent: QWidget) -> bool:
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("Print stickers"))
    dialog.setMinMax(1, max(page_count, 1))
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, page_count > 1)
    return dialog.exec() == QDialog.DialogCode.Accepted


def _pages_done(done: int, total: int) -> str:
    return _("Page {n} of {count}").format(n=count_text(done), count=count_text(total))


def _layout_title(layout: LabelLayout) -> str:
    """The combo text: the name, with the labels per page when the name does not say."""
    if "per " in layout.name:
        return layout.name
    per_page = layout.labels_per_page
    return f"{layout.name} — " + (_("1 per page") if per_page == 1 else _("{n} per page").format(n=per_page))


def _mm_spin() -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(-MAX_OFFSET_MM, MAX_OFFSET_MM)
    spin.setDecimals(1)
    spin.setSingleStep(0.1)
    spin.setSuffix(" mm")
    spin.setKeyboardTracking(False)
    spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
    return spin


class PrintStickersDialog(QDialog):
    """Preview and print one :class:`StickerJob`.

    Args:
        printer_factory: makes the printer (a ``QPrinter(HighResolution)``); tests pass
            one set to PDF output.
        ask_print_setup: shows the print dialog for ``(printer, page_count, parent)``;
            False cancels.  Tests answer without a window.

    Attributes:
        marked_printed: a saved PDF or a finished print marked units as printed.
        output_job: the running (or last) Save PDF / Print job; ``None`` before the first.
    """

    def __init__(
        self,
        ops: Ops,
        services: Services,
        prompts: Prompts,
        job: StickerJob,
        parent: QWidget | None = None,
        *,
        layout_key: str | None = None,
        printer_factory: PrinterFactory | None = None,
        ask_print_setup: AskPrintSetup | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._prompts = prompts
        self.job = job
        self._printer_factory = printer_factory or _new_printer
        self._ask_print_setup = ask_print_setup or _ask_with_print_dialog
        self._can_save_offsets = services.ctx.actor.can("settings.edit")
        self.marked_printed = False
        self.output_job: ProgressJob | None = None
        self.sheet: StickerSheet | None = None
        self._calibration: CalibrationPlan | None = None
        self._mode = STICKERS
        self._stored_offset = (0.0, 0.0)
        self.setWindowTitle(_("Print stickers"))
        resize_within_screen(self, 1240, 860)

        layouts = ops.call(services.stickers.layouts, parent=self)
        self._layouts: dict[str, LabelLayout] = dict(layouts.value or {}) if layouts.ok else {}
        ecc = ops.call(services.settings.get, "sticker_error_correction", parent=self)
        self._error_correction = str(ecc.value) if ecc.ok and ecc.value else "M"

        # ------------------------------------------------------------- controls
        self.layout_combo = QComboBox()
        self.layout_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # whole names
        for key, layout in self._layouts.items():
            self.layout_combo.addItem(_layout_title(layout), key)
            self.layout_combo.setItemData(self.layout_combo.count() - 1, layout.name, Qt.ItemDataRole.ToolTipRole)
        self.layout_info = plain_label(role="hint", wrap=True)
        # The stock is the dialog's first choice, on a row of its own across the dialog: its
        # names are long ("Label printer roll — 2¼" × 1¼" (e.g. DYMO 30334), …") and shown whole.
        stock = QGroupBox(_("Label stock"))
        stock_layout = QHBoxLayout(stock)
        stock_layout.addWidget(self.layout_combo)
        stock_layout.addSpacing(8)
        stock_layout.addWidget(self.layout_info, 1)

        self.picker = SheetGridView(interactive=True)
        self.picker.setMinimumSize(180, 180)
        self.start_spin = QSpinBox()
        self.start_spin.setKeyboardTracking(False)
        self.start_hint = plain_label(role="hint", wrap=True)
        start_row = QHBoxLayout()
        start_row.addWidget(plain_label(_("First label"), role="fieldname"))
        start_row.addWidget(self.start_spin)
        self.start_of = plain_label(role="hint")
        start_row.addWidget(self.start_of)
        start_row.addStretch(1)
        start = QGroupBox(_("Start at"))
        start_layout = QVBoxLayout(start)
        start_layout.addWidget(self.picker, 1)
        start_layout.addLayout(start_row)
        start_layout.addWidget(self.start_hint)

        self.offset_x = _mm_spin()
        self.offset_y = _mm_spin()
        self.offset_note = plain_label(role="hint", wrap=True)
        offset_form_error = plain_label(role="error", wrap=True)
        self.offset_errors = FormErrors(offset_form_error)
        offset_error = plain_label(role="error", wrap=True)
        offset_error.hide()
        self.offset_errors.bind("offset", self.offset_x, offset_error, "layout")
        offsets = QGroupBox(_("Printer offset"))
        offsets_grid = QGridLayout(offsets)
        offsets_grid.addWidget(plain_label(_("Right"), role="fieldname"), 0, 0)
        offsets_grid.addWidget(self.offset_x, 0, 1)
        offsets_grid.addWidget(plain_label(_("Down"), role="fieldname"), 0, 2)
        offsets_grid.addWidget(self.offset_y, 0, 3)
        offsets_grid.addWidget(offset_error, 1, 0, 1, 4)
        offsets_grid.addWidget(offset_form_error, 2, 0, 1, 4)
        offsets_grid.addWidget(self.offset_note, 3, 0, 1, 4)
        offsets_grid.setColumnStretch(1, 1)
        offsets_grid.setColumnStretch(3, 1)
        for spin in (self.offset_x, self.offset_y):
            spin.setEnabled(self._can_save_offsets)

        controls = QVBoxLayout()
        controls.setSpacing(10)
        controls.addWidget(start, 1)
        controls.addWidget(offsets)
        controls_widget = QWidget()
        controls_widget.setLayout(controls)
        # A column of fixed width that scrolls on a low screen.
        controls_scroll = QScrollArea()
        controls_scroll.setWidget(controls_widget)
        controls_scroll.setWidgetResizable(True)
        controls_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        controls_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        controls_widget.ensurePolished()
        controls_width = max(360, controls_widget.minimumSizeHint().width())
        controls_scroll.setFixedWidth(controls_width + controls_scroll.verticalScrollBar().sizeHint().width())

        # ------------------------------------------------------------- preview
        self.stickers_button = QPushButton(_("Stickers"))
        self.calibration_button = QPushButton(_("Calibration page"))
        self.calibration_button.setToolTip(_("Outlines and millimetre scales to measure the printer's offset"))
        self.mode_group = QButtonGroup(self)
        for button in (self.stickers_button, self.calibration_button):
            button.setCheckable(True)
            self.mode_group.addButton(button)
        self.stickers_button.setChecked(True)
        self.stickers_button.setStyleSheet(
            MODE_STYLE.format(radius="border-top-right-radius: 0; border-bottom-right-radius: 0;")
        )
        self.calibration_button.setStyleSheet(
            MODE_STYLE.format(radius="border-top-left-radius: 0; border-bottom-left-radius: 0; border-left: none;")
        )
        mode_row = QHBoxLayout()
        mode_row.setSpacing(0)
        mode_row.addWidget(self.stickers_button)
        mode_row.addWidget(self.calibration_button)
        mode_row.addSpacing(12)
        self.summary = plain_label(role="hint")
        mode_row.addWidget(self.summary, 1)
        self.calibration_note = plain_label(_(CALIBRATION_NOTE), role="note", wrap=True)
        self.calibration_note.hide()
        self.preview = PagePreview(ops=ops)

        right = QVBoxLayout()
        right.setSpacing(8)
        right.addLayout(mode_row)
        right.addWidget(self.calibration_note)
        right.addWidget(self.preview, 1)

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(controls_scroll)
        body.addLayout(right, 1)

        # ------------------------------------------------------------- buttons
        self.status = plain_label(role="hint", wrap=True)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(_("Save PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button = self.buttons.addButton(_("Print…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.setProperty("primary", True)
        self.print_button.setDefault(True)
        self.buttons.addButton(_("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)

        base = ops.call(services.settings.get, "public_base_url", parent=self)
        self.url_problem = internal_url_reason(str(base.value or "") if base.ok else "")
        self.url_warning = plain_label(
            internal_url_warning(self.url_problem) if self.url_problem else "", role="warning", wrap=True
        )
        self.url_warning.setVisible(self.url_problem is not None)
        self.title = plain_label(_("Print stickers"), role="title")
        self.subtitle = plain_label(job.title, role="hint", wrap=True)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addSpacing(10)
        header.addWidget(self.subtitle, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addLayout(header)
        layout.addWidget(self.url_warning)
        layout.addWidget(stock)
        layout.addLayout(body, 1)
        layout.addLayout(bottom)

        # ------------------------------------------------------------- wiring
        self._offset_timer = QTimer(self)
        self._offset_timer.setSingleShot(True)
        self._offset_timer.setInterval(450)
        self._offset_timer.timeout.connect(self.apply_offsets)
        self.layout_combo.currentIndexChanged.connect(lambda _i: self._on_layout_changed())
        self.picker.position_chosen.connect(self.set_start_position)
        self.start_spin.valueChanged.connect(self.set_start_position)
        self.offset_x.valueChanged.connect(lambda _v: self._offset_timer.start())
        self.offset_y.valueChanged.connect(lambda _v: self._offset_timer.start())
        self.mode_group.buttonClicked.connect(lambda _b: self._on_mode_changed())
        self.preview.shown.connect(self._update_actions)
        self.save_button.clicked.connect(self.save_pdf)
        self.print_button.clicked.connect(self.print_job)

        index = self.layout_combo.findData(layout_key or DEFAULT_LAYOUT)
        self.layout_combo.setCurrentIndex(max(index, 0))
        self._on_layout_changed()

    # ----------------------------------------------------------------- state
    @property
    def layout_key(self) -> str:
        return str(self.layout_combo.currentData() or "")

    @property
    def label_layout(self) -> LabelLayout | None:
        return self._layouts.get(self.layout_key)

    @property
    def start_position(self) -> int:
        return self.picker.start()

    @property
    def mode(self) -> str:
        return self._mode

    def offsets(self) -> tuple[float, float]:
        return round(self.offset_x.value(), 2), round(self.offset_y.value(), 2)

    def set_layout(self, key: str) -> None:
        index = self.layout_combo.findData(key)
        if index < 0:
            raise KeyError(key)
        self.layout_combo.setCurrentIndex(index)

    def set_start_position(self, position: int) -> None:
        layout = self.label_layout
        if layout is None or not 1 <= position <= layout.labels_per_page:
            return
        self.picker.set_start(position)
        if self.start_spin.value() != position:
            self.start_spin.blockSignals(True)
            self.start_spin.setValue(position)
            self.start_spin.blockSignals(False)
        self.rebuild()

    def set_calibration_mode(self, on: bool) -> None:
        (self.calibration_button if on else self.stickers_button).setChecked(True)
        self._on_mode_changed()

    # ----------------------------------------------------------------- pages
    def rebuild(self) -> None:
        """Recompute the pages for the current choices and show them."""
        layout = self.label_layout
        self.sheet = None
        self._calibration = None
        if layout is None:
            self.preview.show_message(_("Choose a label layout."))
            self._update_actions()
            return
        x_mm, y_mm = self.offsets()
        try:
            if self._mode == CALIBRATION:
                self._calibration = plan_calibration_page(layout, offset_x_mm=x_mm, offset_y_mm=y_mm)
                self.preview.set_source(1, lambda _n: self._calibration)
            else:
                sheet = StickerSheet(
                    self.job.contents,
                    layout,
                    start_position=self.start_position,
                    error_correction=self._error_correction,
                    offset_x_mm=x_mm,
                    offset_y_mm=y_mm,
                )
                self.sheet = sheet  # the plan's refusals (label too small for the code, …) show in the preview
                self.preview.set_source(sheet.page_count, sheet.page)
        except ValueError as exc:
            self.sheet = None
            self.preview.show_message(str(exc))
        self._update_summary()
        self._update_actions()

    def pages(self) -> Iterator[PrintablePage]:
        """Every page of the current mode, in order."""
        if self._mode == CALIBRATION:
            if self._calibration is not None:
                yield self._calibration
        elif self.sheet is not None:
            yield from self.sheet.pages()

    def page_at(self, number: int) -> PrintablePage:
        if self._mode == CALIBRATION:
            if self._calibration is None or number != 0:
                raise IndexError(number)
            return self._calibration
        if self.sheet is None:
            raise IndexError(number)
        return self.sheet.page(number)

    def page_count(self) -> int:
        if self._mode == CALIBRATION:
            return 1 if self._calibration is not None else 0
        return self.sheet.page_count if self.sheet is not None else 0

    # ----------------------------------------------------------------- actions
    def apply_offsets(self) -> bool:
        """Save the offset for this layout (when it changed) and show it in the preview."""
        self._offset_timer.stop()
        self.offset_errors.clear()
        offsets = self.offsets()
        if self._can_save_offsets and offsets != self._stored_offset:
            result = self._ops.call(
                self._services.stickers.set_offset, self.layout_key, *offsets, parent=self, form=self.offset_errors
            )
            if not result.ok:
                return False
            self._stored_offset = offsets
            self.offset_note.setText(
                _("Saved: everyone printing on this stock now uses {x} mm right, {y} mm down.").format(
                    x=f"{offsets[0]:+.1f}", y=f"{offsets[1]:+.1f}"
                )
            )
        self.rebuild()
        return True

    def save_pdf(self) -> ProgressJob | None:
        """Write the PDF (stickers or calibration page) where the user chooses, on the runner.

        Returns the running job (``None`` when nothing was started). The file appears only
        when it is complete; Cancel leaves no file and marks nothing.
        """
        if not self._ready():
            return None
        calibrating = self._mode == CALIBRATION
        suggested = f"{'calibration' if calibrating else 'stickers'}-{self.layout_key}.pdf"
        path = self._prompts.save_file(self, _("Save PDF"), suggested, PDF_FILTER)
        if path is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".pdf")
        stickers, key, sticker_job = self._services.stickers, self.layout_key, self.job
        start = self.start_position

        def write(progress: Progress) -> None:
            if calibrating:
                stickers.render_calibration(key, path)
            else:
                stickers.render(
                    list(sticker_job.contents),
                    key,
                    path,
                    start_position=start,
                    unit_ids=list(sticker_job.unit_ids),
                    progress=progress,
                )

        def saved(_value: None) -> None:
            self._idle()
            if calibrating:
                self.status.setText(_("Saved the calibration page to {file}.").format(file=str(path)))
            else:
                self._after_output(
                    sticker_job.unit_ids,
                    _("Saved {count} to {file}.").format(
                        count=self._stickers_text(len(sticker_job.contents)), file=str(path)
                    ),
                )

        return self._start(
            self._ops.run_with_progress(
                _("Saving the PDF"),
                write,
                parent=self,
                on_done=saved,
                describe=_pages_done,
                on_failed=lambda _exc: self._idle(),
                on_cancelled=lambda: self._cancelled(_("Cancelled: no file was saved and no unit was marked.")),
            )
        )

    def print_job(self) -> ProgressJob | None:
        """Print at 100 %: the print dialog, the pages planned on the runner, then painted
        1 pt = 1/72 in, a page per timer step. Returns the running job (``None`` when
        nothing was started)."""
        if not self._ready():
            return None
        layout = self.label_layout
        assert layout is not None
        count = self.page_count()
        printer = self._printer_factory()
        configure_printer(printer, layout, _("Stickers — {layout}").format(layout=layout.name))
        printer.setFromTo(0, 0)
        if not self._ask_print_setup(printer, count, self):
            return None
        first, last = 0, count - 1
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first = max(0, printer.fromPage() - 1)
            last = min(count - 1, max(first, printer.toPage() - 1))
        numbers = range(first, last + 1)
        page_at = self.page_at
        calibrating = self._mode == CALIBRATION

        def plan(progress: Progress) -> list[PrintablePage]:
            """All of the pages before the printer starts: a refusal prints nothing."""
            steps = Steps(progress, len(numbers))
            steps.start()
            pages = []
            for number in numbers:
                try:
                    pages.append(page_at(number))
                except ValueError as exc:
                    raise ValidationError({"stickers": str(exc)}) from None
                steps.advance()
            return pages

        def paint(pages: list[PrintablePage]) -> None:
            self._start(
                self._ops.steps_with_progress(
                    _("Printing"),
                    print_steps(printer, pages),
                    parent=self,
                    describe=_pages_done,
                    on_done=lambda: self._printed(pages, calibrating),
                    on_failed=lambda _exc: self._idle(),
                    on_cancelled=lambda: self._cancelled(
                        _("Cancelled: the rest of the job was not sent to the printer and no unit was marked.")
                    ),
                )
            )

        return self._start(
            self._ops.run_with_progress(
                _("Preparing the pages"),
                plan,
                parent=self,
                on_done=paint,
                describe=_pages_done,
                on_failed=lambda _exc: self._idle(),
                on_cancelled=lambda: self._cancelled(_("Cancelled: nothing was sent to the printer.")),
            )
        )

    def _printed(self, pages: Sequence[PrintablePage], calibrating: bool) -> None:
        self._idle()
        if calibrating:
            self.status.setText(_("Sent the calibration page to the printer."))
            return
        printed = [sticker for page in pages if isinstance(page, StickerPagePlan) for sticker in page.stickers]
        unit_ids = self.job.unit_ids
        printed_ids = [unit_ids[sticker.index] for sticker in printed] if unit_ids else []
        if printed_ids:
            marked = self._ops.call(self._services.stickers.mark_printed, printed_ids, self.layout_key, parent=self)
            if not marked.ok:
                return
        self._after_output(
            printed_ids, _("Sent {count} to the printer.").format(count=self._stickers_text(len(printed)))
        )

    def _cancelled(self, text: str) -> None:
        self._idle()
        self.status.setText(text)

    def _start(self, job: ProgressJob) -> ProgressJob:
        """One job at a time: Save PDF and Print wait until it has ended."""
        self.output_job = job
        self._update_actions()
        return job

    def _idle(self) -> None:
        self._update_actions()

    @property
    def busy(self) -> bool:
        return self.output_job is not None and not self.output_job.finished

    def reject(self) -> None:
        """Close: a running job is cancelled (no file, nothing marked)."""
        if self.busy and self.output_job is not None:
            self.output_job.cancel()
        super().reject()

    # ----------------------------------------------------------------- helpers
    def _ready(self) -> bool:
        """Offsets saved and pages computable."""
        unsaved = self._offset_timer.isActive() or self.offsets() != self._stored_offset
        if unsaved and not self.apply_offsets():
            return False
        if self.page_count() == 0:
            self._prompts.warning(self, _("Nothing to print"), self.preview.error or _("There are no pages."))
            return False
        if self.url_problem and self._mode != CALIBRATION:
            question = _(
                "{reason} These codes will only work inside this network: a customer scanning them "
                "at home or on mobile data reaches nothing. Print them anyway?"
            ).format(reason=_(self.url_problem))
            if not self._prompts.confirm(self, _("QR codes for this network only"), question, _("Print anyway")):
                return False
        return True

    def _after_output(self, unit_ids: tuple[int, ...] | list[int], text: str) -> None:
        if unit_ids:
            self.marked_printed = True
            text += " " + _("The units are marked as having a printed sticker.")
        self.status.setText(text)

    @staticmethod
    def _stickers_text(count: int) -> str:
        return _("1 sticker") if count == 1 else _("{count} stickers").format(count=count_text(count))

    def _on_layout_changed(self) -> None:
        layout = self.label_layout
        self._offset_timer.stop()
        self.offset_errors.clear()
        if layout is None:
            self.picker.set_layout(None)
            self.rebuild()
            return
        self.layout_info.setText(describe(layout))
        self.picker.set_layout(layout)
        per_page = layout.labels_per_page
        self.start_spin.blockSignals(True)
        self.start_spin.setRange(1, per_page)
        self.start_spin.setValue(self.picker.start())
        self.start_spin.blockSignals(False)
        self.start_of.setText(_("of {n}").format(n=per_page))
        sheet_like = per_page > 1
        for widget in (self.picker, self.start_spin):
            widget.setEnabled(sheet_like and self._mode == STICKERS)
        self.start_hint.setText(
            _(
                "On a partly used sheet, click the first unused label; the ones before it stay empty. "
                "Later pages start at label 1."
            )
            if sheet_like
            else _("A label printer prints one label per page.")
        )
        stored = self._ops.call(self._services.stickers.offset, self.layout_key, parent=self)
        self._stored_offset = tuple(round(v, 2) for v in stored.value) if stored.ok else (0.0, 0.0)  # type: ignore[assignment]
        for spin, value in zip((self.offset_x, self.offset_y), self._stored_offset, strict=True):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.offset_note.setText(
            _(
                "Moves everything printed on this stock; + is right / down. Measure it with the calibration "
                "page; it is saved for everyone."
            )
            if self._can_save_offsets
            else _("Measured with the calibration page; only an administrator can change it.")
        )
        self.rebuild()

    def _on_mode_changed(self) -> None:
        self._mode = CALIBRATION if self.calibration_button.isChecked() else STICKERS
        self.calibration_note.setVisible(self._mode == CALIBRATION)
        layout = self.label_layout
        sheet_like = layout is not None and layout.labels_per_page > 1
        for widget in (self.picker, self.start_spin):
            widget.setEnabled(sheet_like and self._mode == STICKERS)
        self.rebuild()

    def _update_summary(self) -> None:
        if self._mode == CALIBRATION:
            self.summary.setText(_("Calibration page (plain paper, 100 %)"))
            return
        count = len(self.job.contents)
        pages = self.sheet.page_count if self.sheet is not None else 0
        pages_text = _("1 page") if pages == 1 else _("{n} pages").format(n=pages)
        self.summary.setText(_("{stickers} on {pages}").format(stickers=self._stickers_text(count), pages=pages_text))

    def _update_actions(self) -> None:
        available = self.page_count() > 0 and not self.preview.error and not self.busy
        self.print_button.setEnabled(available)
        self.save_button.setEnabled(available)

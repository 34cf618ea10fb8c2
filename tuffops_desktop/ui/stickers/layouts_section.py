"""Label layouts in Settings: the built-in stock (read-only) and the company's own.

A new layout is typed in from the label maker's spec sheet (page size, margins, label
size, pitch, columns, rows, corner radius).  The numbers are checked while typing with
the same validation the service applies when saving (labels off the page, overlapping
labels), the problem is shown under the form, and the drawing marks the bad labels red.

Like every other setting on the page, a new or edited layout is a pending change until
the page's Save changes stores it (with the edited settings, in one transaction) and
Revert drops it; the list marks such layouts "not saved yet".
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tuffops_desktop.documents.label_layouts import LabelLayout, LayoutError, builtin_layouts
from tuffops_desktop.i18n import _
from tuffops_desktop.services.registry import Services
from tuffops_desktop.ui.ops import Ops
from tuffops_desktop.ui.stickers.grid_view import SheetGridView, describe, mm_text, paper_name
from tuffops_desktop.ui.widgets.form_dialog import FormDialog
from tuffops_desktop.ui.widgets.form_errors import FormErrors, field_box
from tuffops_desktop.ui.widgets.forms import action_buttons, form_group
from tuffops_desktop.ui.widgets.labels import plain_label

PAPERS = (
    ("letter", "Letter (8½ × 11 in)", (215.9, 279.4)),
    ("a4", "A4 (210 × 297 mm)", (210.0, 297.0)),
    ("custom", "Custom size", None),
)


def _mm(maximum: float = 1000.0, minimum: float = 0.0) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(minimum, maximum)
    spin.setDecimals(3)  # inch-based sheets: 1/64 in = 0.397 mm
    spin.setSingleStep(0.5)
    spin.setSuffix(" mm")
    spin.setMinimumWidth(110)
    return spin


def _count() -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(1, 60)
    spin.setMinimumWidth(80)
    return spin


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:40] or "layout"


def plain_layout_message(text: str) -> str:
    """``layout 'custom-x': labels overlap …`` → ``Labels overlap …`` (the key means nothing to users)."""
    text = re.sub(r"^(label )?layout '[^']*'(: | )", "", text)
    return text[:1].upper() + text[1:]


class LayoutDialog(FormDialog):
    """New (or edited) custom label layout with live validation and a drawn preview.
    OK hands the checked layout back; the Settings page stores it with its Save.

    Attributes:
        saved: the checked layout, after OK (not stored yet).
    """

    def __init__(
        self,
        ops: Ops,
        services: Services,
        parent: QWidget | None = None,
        *,
        template: LabelLayout | None = None,
        editing: bool = False,
        taken_keys: set[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self._services = services
        self._editing = editing and template is not None
        self._key = template.key if self._editing and template is not None else ""
        self._taken = set(taken_keys or ()) | set(builtin_layouts())
        self._template = template
        self.saved: LabelLayout | None = None
        self.setWindowTitle(_("Edit label layout") if self._editing else _("New label layout"))
        self.setMinimumWidth(820)

        form_error = plain_label(role="error", wrap=True)
        self.errors = FormErrors(form_error)
        self.problem = plain_label(role="error", wrap=True)
        self.problem.hide()
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.name.setPlaceholderText(_("e.g. Herma 4360 — 48 per A4 sheet"))
        self.paper = QComboBox()
        for key, title, _size in PAPERS:
            self.paper.addItem(_(title), key)
        self.page_width, self.page_height = _mm(), _mm()
        self.margin_left, self.margin_top = _mm(), _mm()
        self.label_width, self.label_height = _mm(), _mm()
        self.pitch_x, self.pitch_y = _mm(), _mm()
        self.columns, self.rows = _count(), _count()
        self.corner_radius = _mm(50.0)

        group, form = form_group(_("Label stock"))
        box, error = field_box(self.name, _("As the office knows the stock; shown when printing."))
        self.errors.bind("name", self.name, error, "key")
        form.addRow(plain_label(_("Name"), role="fieldname"), box)
        form.addRow(plain_label(_("Paper"), role="fieldname"), self._pair(self.paper, None))
        form.addRow(
            plain_label(_("Page width × height"), role="fieldname"), self._pair(self.page_width, self.page_height)
        )
        form.addRow(
            plain_label(_("Left × top margin"), role="fieldname"), self._pair(self.margin_left, self.margin_top)
        )
        form.addRow(
            plain_label(_("Label width × height"), role="fieldname"), self._pair(self.label_width, self.label_height)
        )
        form.addRow(plain_label(_("Pitch across × down"), role="fieldname"), self._pair(self.pitch_x, self.pitch_y))
        form.addRow(plain_label(_("Columns × rows"), role="fieldname"), self._pair(self.columns, self.rows))
        form.addRow(plain_label(_("Corner radius"), role="fieldname"), self._pair(self.corner_radius, None))
        form.addRow(
            plain_label(""),
            plain_label(
                _(
                    "Copy the numbers from the label maker's spec sheet. Margins run from the page's top-left "
                    "corner to the first label; pitch is from one label's edge to the next one's (label + gap)."
                ),
                role="hint",
                wrap=True,
            ),
        )

        self.grid = SheetGridView(interactive=False)
        self.grid.setMinimumSize(250, 320)
        self.summary = plain_label(role="hint", wrap=True)
        preview = QGroupBox(_("Preview"))
        preview_layout = QVBoxLayout(preview)
        preview_layout.addWidget(self.grid, 1)
        preview_layout.addWidget(self.summary)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        left = QVBoxLayout()
        left.addWidget(group)
        left.addWidget(self.problem)
        left.addStretch(1)
        columns.addLayout(left, 3)
        columns.addWidget(preview, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(form_error)
        layout.addLayout(columns)
        self.buttons = action_buttons(self, _("OK"), self.save)
        layout.addWidget(self.buttons)

        self._load(template)
        self.paper.currentIndexChanged.connect(lambda _i: self._on_paper())
        for spin in (
            self.page_width,
            self.page_height,
            self.margin_left,
            self.margin_top,
            self.label_width,
            self.label_height,
            self.pitch_x,
            self.pitch_y,
            self.corner_radius,
        ):
            spin.valueChanged.connect(lambda _v: self.check())
        for spin in (self.columns, self.rows):
            spin.valueChanged.connect(lambda _v: self.check())
        self.name.textChanged.connect(lambda _t: self.check())
        self._on_paper()

    # ----------------------------------------------------------------- data
    def data(self) -> dict:
        """The layout as ``save_custom_layout`` takes it."""
        columns, rows = self.columns.value(), self.rows.value()
        page = (self.page_width.value(), self.page_height.value())
        label = (self.label_width.value(), self.label_height.value())
        single = columns == rows == 1 and self.margin_left.value() == self.margin_top.value() == 0 and page == label
        padding = self._template.padding_mm if self._template is not None else (1.5 if single else 1.0)
        return {
            "key": self._key or self._new_key(),
            "name": self.name.text().strip(),
            "page_width_mm": page[0],
            "page_height_mm": page[1],
            "margin_left_mm": self.margin_left.value(),
            "margin_top_mm": self.margin_top.value(),
            "label_width_mm": label[0],
            "label_height_mm": label[1],
            "pitch_x_mm": self.pitch_x.value(),
            "pitch_y_mm": self.pitch_y.value(),
            "columns": columns,
            "rows": rows,
            "corner_radius_mm": self.corner_radius.value(),
            "kind": "roll" if single else "sheet",
            "padding_mm": padding,
        }

    def check(self) -> LabelLayout | None:
        """Validate as the service will; show the problem and draw the grid."""
        data = self.data()
        if not data["name"]:
            data["name"] = "?"
        try:
            layout = LabelLayout.from_dict(data)
        except LayoutError as exc:
            self.problem.setText(plain_layout_message(str(exc)))
            self.problem.show()
            self.grid.set_layout(self._drawable(data))
            self.summary.setText("")
            return None
        self.problem.hide()
        self.problem.clear()
        self.grid.set_layout(layout)
        self.summary.setText(describe(layout))
        return layout

    def problem_text(self) -> str:
        return self.problem.text() if not self.problem.isHidden() else ""

    def save(self) -> bool:
        """Check the layout as the service will and hand it back (False: the problem is shown)."""
        self.errors.clear()
        if not self.name.text().strip():
            self.errors.show_field_errors({"name": _("Give the layout a name.")})
            return False
        try:
            layout = LabelLayout.from_dict(self.data()).validate()
        except (LayoutError, TypeError, ValueError, KeyError) as exc:
            self.show_field_errors({"layout": str(exc)})
            return False
        self.saved = layout
        self.accept()
        return True

    def show_field_errors(self, errors: Mapping[str, str]) -> None:
        """The service's refusal: the geometry problem inline under the form, the rest by field."""
        rest = dict(errors)
        problem = rest.pop("layout", None)
        if problem:
            self.problem.setText(plain_layout_message(problem))
            self.problem.show()
        if rest:
            self.errors.show_field_errors(rest)
        else:
            self.errors.clear()
        self.fit_height()

    # ----------------------------------------------------------------- helpers
    @staticmethod
    def _pair(first: QWidget, second: QWidget | None) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(first)
        if second is not None:
            row.addWidget(plain_label("×"))
            row.addWidget(second)
        row.addStretch(1)
        return holder

    def _new_key(self) -> str:
        base = "custom-" + _slug(self.name.text())
        key, number = base, 2
        while key in self._taken:
            key, number = f"{base}-{number}", number + 1
        return key

    def _load(self, template: LabelLayout | None) -> None:
        if template is None:  # a sensible start: Avery 5160's numbers on Letter
            template = builtin_layouts().get("avery-5160")
            name = ""
        else:
            name = template.name if self._editing else _("{name} (copy)").format(name=template.name)
        self.name.setText(name)
        if template is None:
            return
        for spin, value in (
            (self.page_width, template.page_width_mm),
            (self.page_height, template.page_height_mm),
            (self.margin_left, template.margin_left_mm),
            (self.margin_top, template.margin_top_mm),
            (self.label_width, template.label_width_mm),
            (self.label_height, template.label_height_mm),
            (self.pitch_x, template.pitch_x_mm),
            (self.pitch_y, template.pitch_y_mm),
            (self.corner_radius, template.corner_radius_mm),
        ):
            spin.setValue(value)
        self.columns.setValue(template.columns)
        self.rows.setValue(template.rows)
        paper = {"Letter": "letter", "A4": "a4"}.get(paper_name(template), "custom")
        if paper != "custom" and template.page_width_mm > template.page_height_mm:
            paper = "custom"  # landscape sheets keep their numbers
        self.paper.setCurrentIndex(self.paper.findData(paper))

    def _on_paper(self) -> None:
        key = self.paper.currentData()
        size = next((size for k, _t, size in PAPERS if k == key), None)
        custom = size is None
        self.page_width.setEnabled(custom)
        self.page_height.setEnabled(custom)
        if size is not None:
            self.page_width.setValue(size[0])
            self.page_height.setValue(size[1])
        self.check()

    @staticmethod
    def _drawable(data: dict) -> LabelLayout | None:
        """An unvalidated layout to draw (overlaps and overhangs show red), if drawable at all."""
        try:
            layout = LabelLayout(**data)
        except TypeError:
            return None
        positive = (layout.page_width_mm, layout.page_height_mm, layout.label_width_mm, layout.label_height_mm)
        return layout if all(value > 0 for value in positive) and layout.columns >= 1 and layout.rows >= 1 else None


class LabelLayoutsSection(QGroupBox):
    """The "Label layouts" box of the Settings page: the stored layouts plus the ones
    added or edited since (``pending``), which the page saves or reverts.

    Signals:
        changed: the pending layouts changed (the page's unsaved-changes state).
    """

    changed = Signal()

    def __init__(self, ops: Ops, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(_("Label layouts"), parent)
        self._ops = ops
        self._services = services
        self._can_edit = services.ctx.actor.can("settings.edit")
        self._stored: dict[str, LabelLayout] = {}
        self._pending: dict[str, LabelLayout] = {}  # by key: new or edited, not saved yet
        self._layouts: dict[str, LabelLayout] = {}  # as listed: stored, then pending over them
        self._builtin = set(builtin_layouts())

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Layout"), _("Labels"), _("Source")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.setColumnWidth(1, 70)
        self.table.setColumnWidth(2, 90)
        self.table.setMinimumHeight(250)
        self.grid = SheetGridView(interactive=False)
        self.grid.setFixedSize(190, 240)
        self.details = plain_label(role="hint", wrap=True)
        self.details.setFixedWidth(190)

        self.new_button = QPushButton(_("New layout…"))
        self.copy_button = QPushButton(_("Copy as new…"))
        self.copy_button.setToolTip(_("Start a new layout from the selected one's numbers"))
        self.edit_button = QPushButton(_("Edit…"))
        for button in (self.new_button, self.copy_button, self.edit_button):
            button.setVisible(self._can_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(
            plain_label(
                _(
                    "Built-in layouts cannot be changed; copy one to make your own. "
                    "New and edited layouts are stored with Save changes."
                )
                if self._can_edit
                else _("Only an administrator can add label layouts."),
                role="hint",
                wrap=True,
            ),
            1,
        )
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.new_button)

        side = QVBoxLayout()
        side.addWidget(self.grid)
        side.addWidget(self.details)
        side.addStretch(1)
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(14)
        grid.addWidget(self.table, 0, 0)
        grid.addLayout(side, 0, 1)
        grid.addLayout(buttons, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)

        self.table.itemSelectionChanged.connect(self._on_selection)
        self.new_button.clicked.connect(lambda: self.open_dialog(None, editing=False))
        self.copy_button.clicked.connect(lambda: self.open_dialog(self.selected(), editing=False))
        self.edit_button.clicked.connect(lambda: self.open_dialog(self.selected(), editing=True))
        self.table.itemDoubleClicked.connect(lambda _item: self._open_selected())
        self.last_dialog: LayoutDialog | None = None
        self.refresh()

    def refresh(self, select_key: str | None = None) -> bool:
        """Re-read the stored layouts and drop the pending ones (the page's Revert and
        the reload after its Save); False when the layouts could not be read."""
        result = self._ops.call(self._services.stickers.layouts, parent=self)
        if not result.ok:
            return False
        self._stored = dict(result.value or {})
        had_pending = bool(self._pending)
        self._pending.clear()
        self._show(select_key)
        if had_pending:
            self.changed.emit()
        return True

    def has_changes(self) -> bool:
        return bool(self._pending)

    def pending(self) -> list[dict]:
        """The new and edited layouts, as ``StickerService.save_settings`` takes them."""
        return [layout.to_dict() for layout in self._pending.values()]

    def pending_keys(self) -> list[str]:
        return list(self._pending)

    def _show(self, select_key: str | None = None) -> None:
        select_key = select_key or self.selected_key()
        self._layouts = {**self._stored, **self._pending}
        self.table.setRowCount(len(self._layouts))
        for row, (key, layout) in enumerate(self._layouts.items()):
            if key in self._builtin:
                source = _("Built-in")
            elif key in self._pending:
                source = _("Not saved")
            else:
                source = _("Custom")
            values = (layout.name, str(layout.labels_per_page), source)
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, key)
                item.setToolTip(f"{layout.name}\n{describe(layout)}")
                self.table.setItem(row, column, item)
        keys = list(self._layouts)
        self.table.selectRow(keys.index(select_key) if select_key in keys else 0)
        self._on_selection()

    def selected_key(self) -> str | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def selected(self) -> LabelLayout | None:
        key = self.selected_key()
        return self._layouts.get(key) if key else None

    def open_dialog(self, template: LabelLayout | None, *, editing: bool, run: bool = True) -> LayoutDialog:
        custom_keys = {k for k in self._layouts if k not in self._builtin}
        dialog = LayoutDialog(
            self._ops, self._services, self, template=template, editing=editing, taken_keys=custom_keys
        )
        self.last_dialog = dialog
        if run and dialog.exec():
            self.take(dialog)
        return dialog

    def take(self, dialog: LayoutDialog) -> None:
        """Add an accepted dialog's layout to the pending changes and select it."""
        if dialog.saved is None:
            return
        self._pending[dialog.saved.key] = dialog.saved
        self._show(select_key=dialog.saved.key)
        self.changed.emit()

    def _open_selected(self) -> None:
        layout = self.selected()
        if self._can_edit and layout is not None:
            self.open_dialog(layout, editing=layout.key not in self._builtin)

    def _on_selection(self) -> None:
        layout = self.selected()
        self.grid.set_layout(layout)
        if layout is None:
            self.details.setText("")
        else:
            pitch = f"{mm_text(layout.pitch_x_mm)} × {mm_text(layout.pitch_y_mm)} mm"
            self.details.setText(_("{summary}. Pitch {pitch}.").format(summary=describe(layout), pitch=pitch))
        custom = layout is not None and layout.key not in self._builtin
        self.edit_button.setEnabled(custom)
        self.copy_button.setEnabled(layout is not None)

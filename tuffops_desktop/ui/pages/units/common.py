"""Pieces the unit page, panel and dialogs share: the ownership-history table and the
warranty tag (helpers used by several features live in ``ui/widgets/forms.py``)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from tuffops_desktop.i18n import _
from tuffops_desktop.services.dto.units import OwnershipPeriod
from tuffops_desktop.ui.formatting import date_text, date_time_text
from tuffops_desktop.ui.pages.units.columns import warranty_colour, warranty_label
from tuffops_desktop.ui.widgets.swatch import tag_style


def ownership_table(periods: list[OwnershipPeriod]) -> QTableWidget:
    """Read-only table of who owned the unit when (newest first)."""
    table = QTableWidget(len(periods), 4)
    table.setHorizontalHeaderLabels([_("Owner"), _("From"), _("Until"), _("Note / by")])
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().setDefaultSectionSize(26)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for row, period in enumerate(reversed(periods)):
        note = " · ".join(p for p in (period.note, period.changed_by) if p)
        values = [
            period.customer_name,
            date_time_text(period.started_at),
            date_time_text(period.ended_at, _("now")),
            note,
        ]
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value)
            table.setItem(row, column, item)
    table.resizeColumnToContents(1)
    table.resizeColumnToContents(2)
    return table


def warranty_tag(label: QLabel, state: str, expires: date | None) -> None:
    """Style ``label`` as the warranty pill of ``state``."""
    label.setText(warranty_label(state) + (f"  ·  {date_text(expires)}" if expires else ""))
    label.setStyleSheet(tag_style(warranty_colour(state)))

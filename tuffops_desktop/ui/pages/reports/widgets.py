"""The Reports page's building blocks: KPI tiles in a grid that reflows with the width,
and bar charts (Qt Charts) whose bars can be clicked.

Both only show what a ``TileSpec`` / ``ChartSpec`` (``ui.pages.reports.view``) says:
the text is formatted there, in the user's locale; the widgets paint it and report
clicks (``KpiTile.clicked(key)``, ``ChartCard.bar_clicked(key, series, category)``),
which the page turns into a drill-down.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QStackedBarSeries,
)
from PySide6.QtCore import QMargins, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QSizePolicy, QVBoxLayout, QWidget

from tuffops_desktop.documents.report_pdf import axis_step
from tuffops_desktop.i18n import _
from tuffops_desktop.ui.pages.reports.view import ChartSpec, TileSpec
from tuffops_desktop.ui.theme import ACCENT, MUTED_TEXT, TEXT
from tuffops_desktop.ui.widgets.labels import plain_label

TILE_MIN_WIDTH = 190  # px: a money value of a few hundred thousand and its label fit
CHART_MIN_WIDTH = 420  # px: two charts side by side from about 900 px of page
CHART_HEIGHT = 260
GRID_COLOUR = "#eceff3"
AXIS_COLOUR = "#c4cad3"

TILE_STYLE = f"""
QFrame#KpiTile {{ background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; }}
QFrame#KpiTile[drillable="true"]:hover {{ border-color: {ACCENT}; }}
QFrame#KpiTile:focus {{ border: 2px solid {ACCENT}; }}
QLabel#TileValue {{ color: {TEXT}; font-size: 17pt; font-weight: 600; }}
QLabel#TileTitle {{ color: {MUTED_TEXT}; font-weight: 600; }}
QLabel#TileDetail {{ color: {MUTED_TEXT}; }}
"""
CARD_STYLE = """
QFrame#ChartCard { background: #ffffff; border: 1px solid #dde1e6; border-radius: 6px; }
"""


class KpiTile(QFrame):
    """One key figure: its title, its value large, a small line under it.

    Clicking it (or Enter/Space when it has the keyboard) emits ``clicked(key)`` when
    the figure has rows behind it to list.

    Signals:
        clicked(str): the tile's key.
    """

    clicked = Signal(str)

    def __init__(self, spec: TileSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("KpiTile")
        self.setStyleSheet(TILE_STYLE)
        self.title = plain_label(wrap=True)
        self.title.setObjectName("TileTitle")
        self.value = plain_label()
        self.value.setObjectName("TileValue")
        self.detail = plain_label(wrap=True)
        self.detail.setObjectName("TileDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        layout.addStretch(1)
        self.setMinimumWidth(TILE_MIN_WIDTH)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.spec = spec
        self.show_spec(spec)

    @property
    def key(self) -> str:
        return self.spec.key

    def show_spec(self, spec: TileSpec) -> None:
        self.spec = spec
        self.title.setText(spec.title)
        self.value.setText(spec.value)
        self.detail.setText(spec.detail)
        self.detail.setVisible(bool(spec.detail))
        drillable = spec.drillable
        self.setProperty("drillable", drillable)
        self.setCursor(Qt.CursorShape.PointingHandCursor if drillable else Qt.CursorShape.ArrowCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus if drillable else Qt.FocusPolicy.NoFocus)
        tip = spec.tooltip
        if drillable:
            tip = (tip + "\n" if tip else "") + _("Click to list these records.")
        self.setToolTip(tip)
        self.setAccessibleName(f"{spec.title}: {spec.value}")
        self.setAccessibleDescription(spec.detail)
        self.style().unpolish(self)
        self.style().polish(self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.activate()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.activate()
            return
        super().keyPressEvent(event)

    def activate(self) -> None:
        if self.spec.drillable:
            self.clicked.emit(self.spec.key)


class FlowGrid(QWidget):
    """Widgets in a grid whose number of columns follows the width (each at least
    ``min_width`` px, at most ``max_columns`` to a row)."""

    def __init__(self, min_width: int, max_columns: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._min_width = min_width
        self._max_columns = max_columns
        self._widgets: list[QWidget] = []
        self._columns = 0
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(10)

    def set_widgets(self, widgets: Sequence[QWidget]) -> None:
        for widget in self._widgets:
            self.grid.removeWidget(widget)
            if widget not in widgets:
                widget.deleteLater()
        self._widgets = list(widgets)
        self._columns = 0
        self._reflow()

    def widgets(self) -> list[QWidget]:
        return list(self._widgets)

    def columns(self) -> int:
        return self._columns

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._reflow()

    def _reflow(self) -> None:
        spacing = self.grid.horizontalSpacing()
        fit = max(1, (self.width() + spacing) // (self._min_width + spacing))
        columns = max(1, min(self._max_columns, fit, len(self._widgets) or 1))
        if columns == self._columns:
            return
        self._columns = columns
        for widget in self._widgets:
            self.grid.removeWidget(widget)
        for n in range(self.grid.columnCount()):
            self.grid.setColumnStretch(n, 0)
        for n, widget in enumerate(self._widgets):
            self.grid.addWidget(widget, n // columns, n % columns)
            widget.show()
        for n in range(columns):
            self.grid.setColumnStretch(n, 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._min_width), hint.height())

    def rows(self) -> int:
        return ceil(len(self._widgets) / self._columns) if self._columns else 0


def _font(size_delta: float = 0.0, *, bold: bool = False) -> QFont:
    font = QFont()
    if size_delta:
        font.setPointSizeF(max(6.0, font.pointSizeF() + size_delta))
    font.setBold(bold)
    return font


class ChartCard(QFrame):
    """One bar chart in a white card: bars side by side, stacked, or horizontal (a
    ranking, the first category on top), whole steps on the value axis written as the
    locale writes numbers, the theme's colours.

    The axes are made once and kept: a new report changes their categories and range
    (Qt would otherwise keep painting a removed axis until it is deleted).

    Signals:
        bar_clicked(str, int, int): the chart's key, the series and the category clicked.
    """

    bar_clicked = Signal(str, int, int)

    def __init__(self, spec: ChartSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ChartCard")
        self.setStyleSheet(CARD_STYLE)
        self.chart = QChart()
        self.chart.setBackgroundVisible(False)
        self.chart.setMargins(QMargins(4, 4, 18, 4))  # room for the last number of a horizontal axis
        self.chart.layout().setContentsMargins(0, 0, 0, 0)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.chart.legend().setFont(_font(-1))
        self.chart.setTitleFont(_font(0.5, bold=True))
        self.chart.setTitleBrush(QColor(TEXT))
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(CHART_HEIGHT)
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self.view.setStyleSheet("background: transparent;")
        self.empty = plain_label(_("Nothing in this period."), role="hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        self.setMinimumWidth(CHART_MIN_WIDTH)
        self.categories = QBarCategoryAxis()
        self.categories.setGridLineVisible(False)
        self.values = QCategoryAxis()  # numbers placed by us, so they are written in the locale's way
        self.values.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        for axis in (self.categories, self.values):
            axis.setLabelsFont(_font(-1.5))
            axis.setLabelsColor(QColor(MUTED_TEXT))
            axis.setLinePenColor(QColor(AXIS_COLOUR))
            axis.setTruncateLabels(False)  # names and dates whole; the chart makes room
        self.values.setGridLineColor(QColor(GRID_COLOUR))
        horizontal = spec.kind == "horizontal"
        self.chart.addAxis(self.values, Qt.AlignmentFlag.AlignBottom if horizontal else Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.categories, Qt.AlignmentFlag.AlignLeft if horizontal else Qt.AlignmentFlag.AlignBottom)
        self.series: QAbstractBarSeries | None = None
        self.spec = spec
        self.show_spec(spec)

    @property
    def key(self) -> str:
        return self.spec.key

    def show_spec(self, spec: ChartSpec) -> None:
        """Show ``spec`` (a chart of the same key: its kind never changes)."""
        self.spec = spec
        chart = self.chart
        chart.removeAllSeries()
        chart.setTitle(spec.title)
        self.setToolTip(
            _("Click a bar to list its records; right-click to export its numbers.") if spec.drillable else ""
        )
        has_data = bool(spec.categories) and any(any(v for v in s.values) for s in spec.series)
        self.empty.setVisible(not has_data)
        self.empty.setText(spec.empty_text or _("Nothing in this period."))
        self.series = None
        horizontal = spec.kind == "horizontal"
        series: QAbstractBarSeries
        if spec.kind == "stacked":
            series = QStackedBarSeries()
        elif horizontal:
            series = QHorizontalBarSeries()
        else:
            series = QBarSeries()
        for index, data in enumerate(spec.series):
            bar_set = QBarSet(data.name)
            # Qt draws a horizontal chart's first category at the bottom: a ranking reads from the top
            bar_set.append([float(v) for v in (reversed(data.values) if horizontal else data.values)])
            bar_set.setColor(QColor(data.colour))
            bar_set.setBorderColor(QColor(data.colour))
            bar_set.clicked.connect(lambda category, index=index: self._clicked(index, category))
            bar_set.hovered.connect(lambda on, category, index=index: self._hovered(on, index, category))
            series.append(bar_set)
        count = len(spec.categories)
        # a ranking of two or three keeps slim bars instead of two slabs
        slim = min(0.7, 0.25 + 0.08 * count) if horizontal else 0.7
        series.setBarWidth(slim if len(spec.series) == 1 or spec.kind == "stacked" else 0.8)
        chart.addSeries(series)
        chart.legend().setVisible(len(spec.series) > 1 and spec.legend)

        labels = list(spec.short_categories or spec.categories) or ["\u200b"]
        if horizontal:
            labels.reverse()
        self.categories.clear()
        self.categories.append(labels)
        self.categories.setLabelsAngle(-45 if not horizontal and count > 8 else 0)

        largest = spec.largest()
        step = axis_step(largest, whole=spec.value_kind != "percent" or largest > 5)
        ticks = max(1, ceil(largest / step))
        for label in list(self.values.categoriesLabels()):
            self.values.remove(label)
        self.values.setStartValue(0)
        self.values.setRange(0, ticks * step)
        for n in range(ticks + 1):
            self.values.append(spec.axis_label(n * step), n * step)
        series.attachAxis(self.categories)
        series.attachAxis(self.values)
        self.series = series

    def category_count(self) -> int:
        return len(self.spec.categories)

    def _hovered(self, on: bool, series: int, category: int) -> None:
        """Name the bar under the mouse (its category may have no label under the axis)."""
        if not on:
            self.view.setToolTip("")
            return
        spec = self.spec
        if spec.kind == "horizontal":
            category = len(spec.categories) - 1 - category
        if not (0 <= series < len(spec.series) and 0 <= category < len(spec.categories)):
            return
        data = spec.series[series]
        name = f"{spec.categories[category]} · {data.name}" if len(spec.series) > 1 else spec.categories[category]
        self.view.setToolTip(f"{name}: {spec.value_text(data.values[category])}")

    def _clicked(self, series: int, category: int) -> None:
        """A bar was clicked: ``category`` as Qt counts it (from the bottom for a ranking)."""
        if not self.spec.drillable:
            return
        if self.spec.kind == "horizontal":
            category = len(self.spec.categories) - 1 - category
        self.bar_clicked.emit(self.spec.key, series, category)

    def click_bar(self, series: int, category: int) -> None:
        """As if the user clicked that bar (``category`` in the spec's order)."""
        if self.spec.kind == "horizontal":
            category = len(self.spec.categories) - 1 - category
        if self.series is not None:
            self.series.barSets()[series].clicked.emit(category)

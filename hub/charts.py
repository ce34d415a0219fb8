"""Bar charts drawn on the server as SVG, from a Jinja macro (templates/_chart.html).

Why a template and not a charting library: the charts are horizontal bars (two series per
row), which take a page of arithmetic; pygal writes a <style> element and scripts into its
SVG, which the strict CSP (no inline style or script) would block, and it would load into
every web worker. Here the SVG carries only geometry and class names; colours, fonts and the
print version come from hub.css. Each chart is also given as a sentence and as a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 190  # room for a partner's name on the left
VALUE_ROOM = 56  # room for the number after the longest bar
BAR_HEIGHT = 12
ROW_GAP = 12
TOP = 28  # the legend


@dataclass(frozen=True)
class Bar:
    series: int  # 0, 1…: the class that colours it (chart-series-0…)
    x: int
    y: int
    width: int
    height: int
    value: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Row:
    label: str
    label_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    """A horizontal bar chart: rows of categories, one bar per series in each."""

    id: str
    title: str
    summary: str
    category: str  # what the rows are (the table's first column): "Month", "Audience"…
    series: Sequence[str]
    rows: list[Row]
    height: int
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def legend(self) -> list[tuple[int, str, int]]:
        """(series, name, x) of each legend entry, left to right."""
        return [(index, name, LABEL_WIDTH + index * 170) for index, name in enumerate(self.series)]


def bar_chart(
    chart_id: str,
    title: str,
    summary: str,
    category: str,
    series: Sequence[str],
    categories: Sequence[tuple[str, Sequence[int]]],
) -> Chart:
    """Lay out `categories` ((label, one value per series)) as bars scaled to the largest."""
    largest = max((value for _, values in categories for value in values), default=0) or 1
    room = WIDTH - LABEL_WIDTH - VALUE_ROOM
    row_height = BAR_HEIGHT * len(series) + ROW_GAP
    rows = []
    for number, (label, values) in enumerate(categories):
        top = TOP + number * row_height
        bars = []
        for index, value in enumerate(values):
            y = top + index * BAR_HEIGHT
            width = round(room * value / largest)
            bars.append(
                Bar(
                    series=index,
                    x=LABEL_WIDTH,
                    y=y,
                    width=width,
                    height=BAR_HEIGHT - 2,
                    value=value,
                    value_x=LABEL_WIDTH + width + 4,
                    value_y=y + BAR_HEIGHT - 3,
                )
            )
        label_y = top + (BAR_HEIGHT * len(series)) // 2 + 4
        rows.append(Row(label=label, label_y=label_y, bars=bars))
    height = TOP + max(len(categories), 1) * row_height
    return Chart(chart_id, title, summary, category, series, rows, height)

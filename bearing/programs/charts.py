"""A horizontal bar chart's geometry, computed here and drawn by the template
(which escapes every label): no markup is built in Python. A hidden value is
drawn as no bar and named "hidden" in the chart's text and in its data table."""

from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
BAR_SPACE = 300
WIDTH = LABEL_WIDTH + BAR_SPACE + 60


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    y: int
    text_y: int
    width: int
    value_x: int


@dataclass(frozen=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    description: str


def bar_chart(rows: list[tuple[str, int | None]]) -> BarChart:
    top = max([v for _, v in rows if v is not None] or [0]) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        width = round(BAR_SPACE * value / top) if value else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                y=y,
                text_y=y + BAR_HEIGHT - 6,
                width=width,
                value_x=LABEL_WIDTH + width + 6,
            )
        )
    description = "; ".join(
        f"{label}: {'hidden' if value is None else value}" for label, value in rows
    )
    return BarChart(
        bars=tuple(bars),
        width=WIDTH,
        height=max(len(rows) * (BAR_HEIGHT + GAP), BAR_HEIGHT),
        label_width=LABEL_WIDTH,
        description=description,
    )

"""Bar charts as data for an SVG template: the template draws, autoescaped, what
this computes (positions as numbers), and a table beside it carries the same
figures for screen readers. No markup is built in Python."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 560
LABEL_W = 190
ROW_H = 34
PAD_TOP = 24


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    value: float
    css: str  # chart-self, chart-others
    label: str


@dataclass(frozen=True)
class Row:
    title: str
    y: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    label_w: int
    plot_w: int
    ticks: tuple[tuple[float, int], ...]  # (x, value)
    rows: tuple[Row, ...]


def bar_chart(
    *,
    title: str,
    rows: Sequence[tuple[str, Sequence[tuple[str, float | None, str]]]],
    low: int,
    high: int,
) -> Chart:
    """``rows``: (competency title, [(series label, value or None, css class)])."""
    plot_w = WIDTH - LABEL_W - 16
    span = high - low or 1

    def x(value: float) -> float:
        return round(plot_w * (value - low) / span, 1) if value > low else 1.0

    out_rows = []
    described = []
    for n, (label, series) in enumerate(rows):
        y0 = PAD_TOP + n * ROW_H
        shown = [(s, v, css) for s, v, css in series if v is not None]
        bar_h = (ROW_H - 8) / max(1, len(series))
        bars = tuple(
            Bar(y=round(y0 + k * bar_h, 1), width=x(v), value=v, css=css, label=s)
            for k, (s, v, css) in enumerate(shown)
            if v is not None
        )
        out_rows.append(Row(title=label, y=y0, bars=bars))
        described.append(
            f"{label}: " + (", ".join(f"{s} {v:g}" for s, v, _ in shown) or "not shown")
        )
    ticks = tuple((x(v) if v > low else 0.0, v) for v in range(low, high + 1))
    return Chart(
        title=title,
        description=f"Scores from {low} to {high}. " + "; ".join(described) + ".",
        width=WIDTH,
        height=PAD_TOP + len(rows) * ROW_H + 8,
        label_w=LABEL_W,
        plot_w=plot_w,
        ticks=ticks,
        rows=tuple(out_rows),
    )

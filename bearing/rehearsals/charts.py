"""Server-rendered SVG charts for presentation practice, each with a title and a
description for screen readers, and always shown beside a data table."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .observations import clock

W, H = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 32


def _ticks(lo: float, hi: float) -> list[float]:
    raw = (hi - lo) / 4
    step = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if step * factor >= raw:
            step *= factor
            break
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def _frame(chart_id: str, title: str, desc: str) -> list[str]:
    return [
        f'<svg class="chart" viewBox="0 0 {W} {H}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{H - BOTTOM}" '
        f'x2="{W - RIGHT}" y2="{H - BOTTOM}"/>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}"/>',
    ]


def _line(
    chart_id: str,
    title: str,
    desc: str,
    xs: list[float],
    ys: list[float],
    x_labels: list[str],
    band: tuple[float, float] | None,
    unit: str,
) -> SafeString:
    values = list(ys) + (list(band) if band else [])
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi == lo:
        hi = lo + 1
    span = hi - lo
    lo, hi = max(0.0, lo - span * 0.1), hi + span * 0.1
    x_lo, x_hi = (min(xs), max(xs)) if xs else (0.0, 1.0)

    def x(v: float) -> float:
        inner = W - LEFT - RIGHT
        return LEFT + (inner * (v - x_lo) / (x_hi - x_lo) if x_hi > x_lo else inner / 2)

    def y(v: float) -> float:
        return TOP + (H - TOP - BOTTOM) * (1 - (v - lo) / (hi - lo))

    parts = _frame(chart_id, title, desc)
    if band:
        parts.append(
            f'<rect class="chart-band" x="{LEFT}" y="{y(band[1]):.1f}" width="{W - LEFT - RIGHT}" '
            f'height="{y(band[0]) - y(band[1]):.1f}"/>'
            f'<text class="chart-label" x="{W - RIGHT}" y="{y(band[1]) - 4:.1f}" '
            f'text-anchor="end">guide band {band[0]:g}–{band[1]:g} {escape(unit)}</text>'
        )
    for tick in _ticks(lo, hi):
        parts.append(
            f'<text class="chart-label chart-tick" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    if xs:
        coords = " ".join(f"{x(a):.1f},{y(b):.1f}" for a, b in zip(xs, ys, strict=True))
        parts.append(f'<polyline class="chart-line" points="{coords}"/>')
        for a, b, label in zip(xs, ys, x_labels, strict=True):
            parts.append(
                f'<circle class="chart-dot" cx="{x(a):.1f}" cy="{y(b):.1f}" r="3">'
                f"<title>{escape(label)}: {b:g} {escape(unit)}</title></circle>"
            )
        parts.append(
            f'<text class="chart-label" x="{LEFT}" y="{H - 10}">{escape(x_labels[0])}</text>'
        )
        if len(xs) > 1:
            parts.append(
                f'<text class="chart-label" x="{W - RIGHT}" y="{H - 10}" text-anchor="end">'
                f"{escape(x_labels[-1])}</text>"
            )
    parts.append("</svg>")
    # Every piece of text above went through escape(); numbers are formatted floats.
    return mark_safe("".join(parts))  # noqa: S308


def pace_chart(points: list[tuple[float, float]], band: tuple[int, int]) -> SafeString:
    """Words per minute over the talk, against the guide band."""
    desc = (
        f"Pace over the talk, with the guide band from {band[0]} to {band[1]} words per "
        "minute. "
        + (
            "Readings: " + ", ".join(f"{clock(t)}: {w:g}" for t, w in points) + "."
            if points
            else "No readings."
        )
    )
    return _line(
        "pace",
        "Pace over the talk (words per minute)",
        desc,
        [t for t, _ in points],
        [w for _, w in points],
        [clock(t) for t, _ in points],
        (band[0], band[1]),
        "wpm",
    )


def attempts_chart(
    chart_id: str,
    title: str,
    readings: list[tuple[str, float]],
    unit: str,
    band: tuple[int, int] | None = None,
) -> SafeString:
    """One value per rehearsal, oldest first."""
    desc = f"{title}, by rehearsal. " + ", ".join(f"{label}: {v:g}" for label, v in readings)
    return _line(
        chart_id,
        title,
        desc,
        [float(i) for i in range(len(readings))],
        [v for _, v in readings],
        [label for label, _ in readings],
        band,
        unit,
    )

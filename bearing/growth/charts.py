"""Server-rendered SVG line charts, with a title and description for screen
readers; every chart is shown beside a data table with the same numbers."""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _ticks(lo: float, hi: float, whole: bool) -> list[float]:
    """About four round values (steps of 1, 2 or 5 x 10^n) from lo to hi; whole
    numbers only when every value charted is one."""
    raw = (hi - lo) / 4
    step = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 5, 10):
        if step * factor >= raw:
            step *= factor
            break
    if whole:
        step = max(1, round(step))
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step) + 1)]


def line_chart(
    *,
    title: str,
    points: list[tuple[str, float]],
    baseline: float,
    target: float,
    unit: str = "",
    width: int = 560,
    height: int = 220,
) -> SafeString:
    """An SVG line of ``points`` (label, value) with dashed baseline and target lines."""
    pad_left, pad_right, pad_top, pad_bottom = 48, 16, 16, 32
    values = [v for _, v in points] + [baseline, target]
    whole = all(float(v).is_integer() for v in values)
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1
    span = hi - lo
    lo -= span * 0.1
    hi += span * 0.1

    def x(i: int) -> float:
        inner = width - pad_left - pad_right
        return pad_left + (inner * i / max(1, len(points) - 1) if len(points) > 1 else inner / 2)

    def y(v: float) -> float:
        return pad_top + (height - pad_top - pad_bottom) * (1 - (v - lo) / (hi - lo))

    def fmt(v: float) -> str:
        return f"{v:g}{(' ' + unit) if unit else ''}"

    desc = f"From {fmt(baseline)} at the start towards a target of {fmt(target)}. " + (
        "Readings: " + ", ".join(f"{label}: {fmt(v)}" for label, v in points) + "."
        if points
        else "No readings yet."
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="c-title c-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="c-title">{escape(title)}</title>',
        f'<desc id="c-desc">{escape(desc)}</desc>',
        f'<line class="chart-axis" x1="{pad_left}" y1="{height - pad_bottom}" '
        f'x2="{width - pad_right}" y2="{height - pad_bottom}"/>',
        f'<line class="chart-axis" x1="{pad_left}" y1="{pad_top}" '
        f'x2="{pad_left}" y2="{height - pad_bottom}"/>',
    ]
    # Values on the vertical axis, right-aligned against it.
    for tick in _ticks(lo, hi, whole):
        parts.append(
            f'<text class="chart-label chart-tick" x="{pad_left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:g}</text>'
        )
    for value, cls, label in (
        (baseline, "chart-baseline", "baseline"),
        (target, "chart-target", "target"),
    ):
        parts.append(
            f'<line class="{cls}" x1="{pad_left}" y1="{y(value):.1f}" x2="{width - pad_right}" '
            f'y2="{y(value):.1f}"/>'
            # Named at the right end, just above its line: never cut off at the edge.
            f'<text class="chart-label" x="{width - pad_right}" y="{y(value) - 4:.1f}" '
            f'text-anchor="end">{escape(label)} {escape(fmt(value))}</text>'
        )
    if points:
        coords = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
        parts.append(f'<polyline class="chart-line" points="{coords}"/>')
        for i, (label, v) in enumerate(points):
            parts.append(
                f'<circle class="chart-dot" cx="{x(i):.1f}" cy="{y(v):.1f}" r="4">'
                f"<title>{escape(label)}: {escape(fmt(v))}</title></circle>"
            )
        parts.append(
            f'<text class="chart-label" x="{x(0):.1f}" y="{height - 10}">'
            f"{escape(points[0][0])}</text>"
        )
        if len(points) > 1:
            parts.append(
                f'<text class="chart-label" x="{x(len(points) - 1) - 40:.1f}" y="{height - 10}">'
                f"{escape(points[-1][0])}</text>"
            )
    parts.append("</svg>")
    # Every piece of text above went through escape(); numbers are formatted floats.
    return mark_safe("".join(parts))  # noqa: S308

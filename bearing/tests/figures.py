"""Figures the suite prints at its end (see ``pytest_terminal_summary`` in conftest.py).

Tests add to named counters as they go; only the lines whose counters were touched
in this run are printed, so a partial run prints a partial, honest summary.
"""

from __future__ import annotations

from collections import Counter

_counts: Counter[str] = Counter()
_touched: set[str] = set()

# Each line: its template and the counters it needs (all must have been touched).
LINES = [
    (
        "routes x personas x methods checked: {route_checks}",
        ("route_checks",),
    ),
    (
        "canaries planted: {canaries_planted}, texts scanned: {canary_texts}, "
        "canaries seen: {canaries_seen}",
        ("canaries_planted", "canary_texts"),
    ),
    ("check --deploy warnings: {deploy_warnings}", ("deploy_warnings",)),
    (
        "faults injected: {faults_injected}, acknowledged writes lost: {acknowledged_writes_lost}",
        ("faults_injected", "acknowledged_writes_lost"),
    ),
    (
        "restore verified: {restore_tables} tables, {restore_rows} rows",
        ("restore_tables", "restore_rows"),
    ),
    ("hostile inputs tried: {hostile_inputs}, server errors: {hostile_500s}", ("hostile_inputs",)),
]


def add(name: str, n: int = 1) -> None:
    _counts[name] += n
    _touched.add(name)


def count(name: str) -> int:
    return _counts[name]


def summary_lines() -> list[str]:
    lines = []
    for template, needs in LINES:
        if all(name in _touched for name in needs):
            lines.append(template.format_map(_counts))
    return lines

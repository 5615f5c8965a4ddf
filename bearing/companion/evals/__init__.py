"""How the companion is measured: one module per concern, each with its frozen sets.

Every module here exposes ``evaluate() -> Section``. ``make eval-companion`` prints
every section's figures and fails when a gate is not met; the suite runs the same
gates. The labelled sets live in ``sets/``; each is frozen (its SHA-256 is pinned in
``tests/test_frozen_sets.py``) and rows marked ``heldout`` are never used while tuning:
the gates are judged on them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

SETS = Path(__file__).resolve().parent / "sets"

# The sections `make eval-companion` prints, in order (modules of this package).
SECTIONS = ("core", "safety", "conversations", "coding", "roleplay")


@dataclass
class Section:
    """The figures of one concern and the gates CI holds them to.

    ``gates`` maps a figure's name to (operator, limit), operator ">=" or "<=".
    ``notes`` are lines printed under the figures (per-category tables, misses)."""

    name: str
    figures: dict[str, float | int]
    gates: dict[str, tuple[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def failures(self, timed: bool = True) -> list[str]:
        """The gates not met. ``timed=False`` leaves out the speed gates (``*_ms_*``): the
        suite checks behaviour; speed is judged by `make eval-companion` on its own."""
        out = []
        for name, (op, limit) in self.gates.items():
            if not timed and is_timed(name):
                continue
            value = self.figures[name]
            ok = value >= limit if op == ">=" else value <= limit
            if not ok:
                out.append(f"{self.name}.{name} = {value} (must be {op} {limit})")
        return out


def is_timed(gate: str) -> bool:
    return "_ms_" in gate


def evaluate_section(name: str) -> Section:
    return importlib.import_module(f"{__name__}.{name}").evaluate()

"""Instruments as data: reading the versioned files, loading them into the
database, and scoring answers against them.

A file ``data/instruments/<key>.v<version>.json`` holds one version of one
instrument: its scale (lowest first), what "not observed" is called for the
leader and for raters, its competencies, and its items — each one observable
behaviour, worded for the leader ("I ask…") and for raters ("They ask…"), and
whether it is reverse-keyed (a higher answer is the less effective behaviour).
A new instrument, or a new version of one, is a new file: ``instruments_load``
adds it; a version already loaded is never changed, so old results keep the
wording they were answered with.

Answers are ``{item key: value}``, where 0 means "not observed" and is left out
of every average.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from statistics import fmean
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"
NOT_OBSERVED = 0


class InstrumentError(ValueError):
    pass


def read_files(directory: Path = DATA_DIR) -> list[dict[str, Any]]:
    """Every instrument file, checked; raises InstrumentError naming the file."""
    docs = []
    for path in sorted(directory.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        problem = check(doc)
        if problem:
            raise InstrumentError(f"{path.name}: {problem}")
        if path.name != f"{doc['key']}.v{doc['version']}.json":
            raise InstrumentError(f"{path.name}: name it {doc['key']}.v{doc['version']}.json")
        docs.append(doc)
    return docs


def check(doc: Mapping[str, Any]) -> str | None:
    """What is wrong with an instrument document, or None."""
    for name in ("key", "version", "title", "scale", "not_observed", "competencies", "items"):
        if name not in doc:
            return f"'{name}' is missing"
    values = [p.get("value") for p in doc["scale"]]
    if len(values) < 2 or any(not isinstance(v, int) or v < 1 for v in values):
        return "the scale needs two or more whole values from 1"
    if values != sorted(set(values)):
        return "the scale goes from lowest to highest, each value once"
    comps = [c["key"] for c in doc["competencies"]]
    if len(comps) != len(set(comps)) or not comps:
        return "competency keys must be given and distinct"
    keys = [i["key"] for i in doc["items"]]
    if len(keys) != len(set(keys)):
        return "item keys must be distinct"
    for item in doc["items"]:
        if item.get("competency") not in comps:
            return f"item {item.get('key')} names no competency of this instrument"
        if not item.get("self") or not item.get("rater"):
            return f"item {item['key']} needs wording for the leader and for raters"
    for c in comps:
        if not any(i["competency"] == c for i in doc["items"]):
            return f"competency {c} has no items"
    return None


def instruments_load(instrument_model: Any, competency_model: Any, item_model: Any) -> int:
    """Load every file not yet in the database; returns how many versions were
    added. Takes the model classes so a migration can pass its historical ones."""
    added = 0
    for doc in read_files():
        if instrument_model.objects.filter(key=doc["key"], version=doc["version"]).exists():
            continue
        instrument = instrument_model.objects.create(
            key=doc["key"],
            version=doc["version"],
            title=doc["title"],
            summary=doc.get("summary", ""),
            for_raters=bool(doc.get("for_raters")),
            scale=doc["scale"],
            not_observed_self=doc["not_observed"]["self"],
            not_observed_rater=doc["not_observed"]["rater"],
        )
        competencies = {}
        for n, c in enumerate(doc["competencies"], 1):
            competencies[c["key"]] = competency_model.objects.create(
                instrument=instrument, key=c["key"], title=c["title"], position=n
            )
        item_model.objects.bulk_create(
            item_model(
                instrument=instrument,
                competency=competencies[i["competency"]],
                key=i["key"],
                position=n,
                self_text=i["self"],
                rater_text=i["rater"],
                reverse_keyed=bool(i.get("reverse_keyed")),
            )
            for n, i in enumerate(doc["items"], 1)
        )
        added += 1
    return added


# --- Scoring -------------------------------------------------------------------------


def scored(value: int, *, reverse: bool, low: int, high: int) -> int:
    """An answer as a score: reverse-keyed items count from the other end."""
    return low + high - value if reverse else value


def item_scores(
    answers: Mapping[str, int], items: list[Any], *, low: int, high: int
) -> dict[str, int]:
    """{item key: score} for the items answered (not "not observed")."""
    out = {}
    for item in items:
        value = answers.get(item.key)
        if value is None or value == NOT_OBSERVED:
            continue
        out[item.key] = scored(int(value), reverse=item.reverse_keyed, low=low, high=high)
    return out


def competency_scores(
    answers: Mapping[str, int], items: list[Any], *, low: int, high: int
) -> dict[str, float | None]:
    """{competency key: mean score of its answered items, or None}."""
    by_comp: dict[str, list[int]] = {}
    scores = item_scores(answers, items, low=low, high=high)
    for item in items:
        by_comp.setdefault(item.competency.key, [])
        if item.key in scores:
            by_comp[item.competency.key].append(scores[item.key])
    return {k: (round(fmean(v), 2) if v else None) for k, v in by_comp.items()}


def valid_answer(value: Any, *, low: int, high: int) -> int | None:
    """A submitted answer as an int, or None if it is not one the scale allows."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number == NOT_OBSERVED or low <= number <= high else None

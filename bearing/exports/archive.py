"""What an export holds, read through the record kinds' declarations only
(``bearing.lib.policy``), and the ZIP file that carries it.

A kind appears in a person's export by declaring ``export``; its rows are those
whose declared owner is that person — never another person's. The coach's notes
export takes the kinds that declare ``coach_notes``, for engagements the coach
coaches; a kind the coach owns (private notes) only where they wrote it.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from uuid import UUID

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from bearing.lib.policy import Reader, RecordKind, record_kinds


@dataclass(frozen=True)
class Section:
    kind: RecordKind
    rows: list[dict]

    @property
    def filename(self) -> str:
        return self.kind.label.replace(".", "-") + ".json"


def _plain(value):
    """A value as JSON can carry it."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return str(value)


def _get(row: models.Model, path: str):
    value = row
    for part in path.split("__"):
        if value is None:
            return None
        value = getattr(value, part)
    return value


def _rows(kind: RecordKind, qs: models.QuerySet, fields) -> list[dict]:
    if callable(fields):
        return [_plain(fields(row)) for row in qs]
    relations = {p.rsplit("__", 1)[0] for p in fields if "__" in p}
    qs = qs.select_related(*sorted(relations)) if relations else qs
    return [{path: _plain(_get(row, path)) for path in fields} for row in qs]


def personal_sections(user) -> list[Section]:
    """Everything declared exportable whose owner is ``user``."""
    sections = []
    for kind in record_kinds():
        if not kind.export:
            continue
        model = kind.model_class()
        qs = model._base_manager.filter(**{kind.owner: user.pk}, **kind.export_only)
        sections.append(Section(kind, _rows(kind, qs.order_by("pk"), kind.export)))
    return sections


def coach_notes_sections(coach, engagement_id: int | None = None) -> list[Section]:
    """A coach's notes: what the declarations give the engagement's coach, for the
    engagements ``coach`` coaches (one, or all)."""
    sections = []
    for kind in record_kinds():
        if not kind.coach_notes:
            continue
        model = kind.model_class()
        qs = model._base_manager.filter(**{kind.engagement_path("coach"): coach.pk})
        if kind.owner_is == Reader.COACH:
            qs = qs.filter(**{kind.owner: coach.pk})  # only what they wrote themselves
        if engagement_id is not None:
            qs = qs.filter(**{kind.engagement_path("id"): engagement_id})
        sections.append(Section(kind, _rows(kind, qs.order_by("pk"), kind.coach_notes)))
    return sections


def _cell(key: str, value) -> dict:
    """One field as the index shows it: a text, or a list of lines (messages)."""
    if isinstance(value, list):
        lines = [
            "; ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, dict) else str(item)
            for item in value
        ]
        return {"key": key, "text": "", "lines": lines}
    text = "—" if value is None or value == "" else str(value)
    return {"key": key, "text": text, "lines": None}


def zip_bytes(sections: list[Section], *, title: str, person, generated_at=None) -> bytes:
    """A ZIP with one JSON file per record kind and a readable index.html."""
    generated_at = generated_at or timezone.now()
    stamp = generated_at.astimezone(person.tz).timetuple()[:6]
    html = render_to_string(
        "exports/archive_index.html",
        {
            "title": title,
            "person": person,
            "generated_at": generated_at,
            "sections": [
                {
                    "title": s.kind.title,
                    "filename": s.filename,
                    "rows": [[_cell(k, v) for k, v in row.items()] for row in s.rows],
                }
                for s in sections
            ],
        },
    )
    about = {
        "title": title,
        "generated_at": generated_at.isoformat(),
        "person": {"name": person.name, "email": person.email},
        "files": {s.filename: s.kind.title for s in sections},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:

        def put(name: str, text: str) -> None:
            zf.writestr(zipfile.ZipInfo(name, date_time=stamp), text)

        put("index.html", html)
        put("about.json", json.dumps(about, ensure_ascii=False, indent=2))
        for s in sections:
            body = {"kind": s.kind.title, "records": s.rows}
            put(s.filename, json.dumps(body, ensure_ascii=False, indent=2))
    return buffer.getvalue()

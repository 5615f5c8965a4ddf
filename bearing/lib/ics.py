"""A small RFC 5545 writer: just what coaching-session invitations and feeds need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//Bearing//Coaching//EN"


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line to 75 octets, as RFC 5545 section 3.1 asks."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts: list[str] = []
    current = b""
    limit = 75
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > limit:
            parts.append(current.decode())
            current = b""
            limit = 74  # continuation lines start with a space
        current += b
    parts.append(current.decode())
    return "\r\n ".join(parts)


def fmt(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class Event:
    uid: str
    start: datetime
    end: datetime
    summary: str
    sequence: int = 0
    status: str = "CONFIRMED"  # or CANCELLED
    location: str = ""
    description: str = ""
    url: str = ""
    organizer: tuple[str, str] | None = None  # (name, email)
    attendees: tuple[tuple[str, str], ...] = ()
    stamp: datetime | None = None

    def lines(self) -> list[str]:
        out = [
            "BEGIN:VEVENT",
            f"UID:{self.uid}",
            f"DTSTAMP:{fmt(self.stamp or datetime.now(UTC))}",
            f"DTSTART:{fmt(self.start)}",
            f"DTEND:{fmt(self.end)}",
            f"SEQUENCE:{self.sequence}",
            f"STATUS:{self.status}",
            f"SUMMARY:{escape(self.summary)}",
        ]
        if self.location:
            out.append(f"LOCATION:{escape(self.location)}")
        if self.description:
            out.append(f"DESCRIPTION:{escape(self.description)}")
        if self.url:
            out.append(f"URL:{self.url}")
        if self.organizer:
            name, email = self.organizer
            out.append(f'ORGANIZER;CN="{name.replace(chr(34), "")}":mailto:{email}')
        for name, email in self.attendees:
            out.append(
                f'ATTENDEE;CN="{name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT;'
                f"PARTSTAT=NEEDS-ACTION:mailto:{email}"
            )
        out.append("END:VEVENT")
        return out


def calendar(events: Iterable[Event], *, method: str | None = None, name: str = "") -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    if method:
        lines.append(f"METHOD:{method}")
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines.extend(event.lines())
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"

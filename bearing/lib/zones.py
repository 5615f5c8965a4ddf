"""The time zones a person can live in, read from the zone database once per process
(reading it lists hundreds of files: not something to do on every request)."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

# Names in the time zone database that are not places a person lives in.
_NOT_PLACES = {"Factory", "localtime", "posixrules"}


@lru_cache(maxsize=1)
def place_zones() -> tuple[str, ...]:
    """Every zone that is a place, sorted by name."""
    return tuple(sorted(zoneinfo.available_timezones() - _NOT_PLACES))


@lru_cache(maxsize=1)
def zone_choices() -> list[tuple[str, str]]:
    """(name, label) pairs for a select: "America/New_York" reads "America/New York"."""
    return [(z, z.replace("_", " ")) for z in place_zones()]


def is_place_zone(name: str) -> bool:
    return name in _place_set()


@lru_cache(maxsize=1)
def _place_set() -> frozenset[str]:
    return frozenset(place_zones())

"""Counting attempts in the cache shared by every web worker.

A ``Limit`` allows ``count`` events per key within ``seconds`` of the first one;
the window then ends and counting starts again. Each entry carries the end of its
window, so a backend whose ``incr`` resets the timeout (the database cache) keeps
the window as it was. Keys are hashed: no email or client address is stored in
the cache. Two workers counting the same key at the same instant may count once
(the database cache has no atomic increment); limits are set with that slack.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.core.cache import cache


def _now() -> float:
    return time.time()


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    seconds: int

    def key(self, ident: str) -> str:
        digest = hashlib.sha256(f"{self.scope}|{ident}".encode()).hexdigest()[:40]
        return f"rl:{self.scope}:{digest}"


def _entry(limit: Limit, ident: str, now: float) -> tuple[int, float] | None:
    entry = cache.get(limit.key(ident))
    if not isinstance(entry, (list, tuple)) or len(entry) != 2 or entry[1] <= now:
        return None
    return int(entry[0]), float(entry[1])


def used(limit: Limit, ident: str) -> int:
    entry = _entry(limit, ident, _now())
    return entry[0] if entry else 0


def exceeded(limit: Limit, ident: str) -> bool:
    return used(limit, ident) >= limit.count


def retry_after(limit: Limit, ident: str) -> int:
    """Seconds until the current window ends (0 if there is none)."""
    now = _now()
    entry = _entry(limit, ident, now)
    return max(0, int(entry[1] - now) + 1) if entry else 0


def hit(limit: Limit, ident: str) -> int:
    """Count one event; returns the count in the current window."""
    now = _now()
    count, ends = _entry(limit, ident, now) or (0, now + limit.seconds)
    count += 1
    cache.set(limit.key(ident), (count, ends), timeout=max(1, int(ends - now) + 1))
    return count


def reset(limit: Limit, ident: str) -> None:
    cache.delete(limit.key(ident))

"""Login throttling: too many failures for one email from one address pauses it."""

import hashlib

from django.core.cache import cache

LIMIT = 10
WINDOW_SECONDS = 15 * 60


def _key(email: str, ip: str | None) -> str:
    digest = hashlib.sha256(f"{email.strip().lower()}|{ip or ''}".encode()).hexdigest()
    return f"login-fail:{digest}"


def is_throttled(email: str, ip: str | None) -> bool:
    return cache.get(_key(email, ip), 0) >= LIMIT


def record_failure(email: str, ip: str | None) -> None:
    key = _key(email, ip)
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, WINDOW_SECONDS)


def clear(email: str, ip: str | None) -> None:
    cache.delete(_key(email, ip))

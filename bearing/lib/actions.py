"""One change a person asked for, and a word on how it went.

Most buttons in Bearing run one service and come back to the page they were on:
the service refuses with a ``ValidationError`` whose messages are written for the
person, or succeeds with a short confirmation. ``attempt`` is that shape once, so
no view copies the try/except and each says only what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


@dataclass(frozen=True)
class Outcome[T]:
    ok: bool
    value: T | None = None


def attempt[T](
    request: HttpRequest,
    act: Callable[[], T],
    done: str | Callable[[T], str] | None = None,
) -> Outcome[T]:
    """Run ``act``; a refusal becomes an error message, success the ``done`` message
    (text, or text made from what ``act`` returned; None says nothing)."""
    try:
        value = act()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return Outcome(False)
    if done is not None:
        messages.success(request, done(value) if callable(done) else done)
    return Outcome(True, value)

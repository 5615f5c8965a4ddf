"""Credentials never reach a log line.

Calendar feeds, invitations, password resets and unsubscribe links carry their
credential in the URL, and query strings can carry anything. ``RedactTokens`` is
a logging filter (attached to ``django.server`` and ``django.request`` in
settings.LOGGING) that rewrites a record's message before any handler writes
it: the path segments that hold a route's ``<token>`` (or ``<uidb64>``) and
every query-string value become ``[redacted]``. Which segments are secret comes
from the URL patterns themselves, so a new token route is covered by naming its
parameter ``token``.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote

from django.urls import Resolver404, resolve

REDACTED = "[redacted]"
SECRET_URL_KWARGS = frozenset({"token", "uidb64"})

# A path inside a log message: starts at "/" not preceded by a word character or
# another "/" (so "HTTP/1.1" is left alone), runs to whitespace or a quote.
_PATH_IN_TEXT = re.compile(r"(?<![\w/])/[^\s\"'<>]*")
_QUERY_VALUE = re.compile(r"=[^&;#]*")


def redact_url(url: str) -> str:
    """``/calendar/abc.ics?x=1`` → ``/calendar/[redacted].ics?x=[redacted]``."""
    path, sep, rest = url.partition("?")
    query, hash_sep, fragment = rest.partition("#")
    secrets: list[str] = []
    try:
        match = resolve(unquote(path))
    except (Resolver404, ValueError):
        match = None
    if match is not None:
        secrets = [str(v) for k, v in match.kwargs.items() if k in SECRET_URL_KWARGS and v]
    if secrets:
        segments = path.split("/")
        for secret in sorted(set(secrets), key=len, reverse=True):
            for form in {secret, quote(secret, safe="")}:
                segments = [s.replace(form, REDACTED) for s in segments]
        path = "/".join(segments)
    if sep:
        query = _QUERY_VALUE.sub("=" + REDACTED, query)
    return path + sep + query + hash_sep + fragment


def redact_text(text: str) -> str:
    return _PATH_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


class RedactTokens(logging.Filter):
    """Rewrite the message with credentials redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is left to the handler
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True

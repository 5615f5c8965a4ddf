"""One structured log line per request, so an operator can find a slow one.

Each line is a JSON object on the ``bearing.request`` logger:

    {"event": "request", "request_id": "9f2c…", "method": "GET", "route": "growth:plan",
     "status": 200, "ms": 12.4, "user": 42}

What a line never holds: the path (codes and single-use tokens live there), the query
string, a header, a form field or anything a page says. The route is the URL pattern's
name; ``user`` is the internal number of the signed-in person, or null. The request id
is also sent back as ``X-Request-ID`` so a person reporting a problem can quote it; an
incoming ``X-Request-ID`` from a proxy is kept when it is a short token of safe characters.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

logger = logging.getLogger("bearing.request")
REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    if _SAFE_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The signed-in person's number, read only if the request already loaded it: the
    log line must not cost a query."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    if not user.is_authenticated:
        return None
    pk = user.pk
    return pk if isinstance(pk, int) else None


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "-"  # no URL matched (a 404) or refused before routing
    return match.view_name or "-"


class RequestLogMiddleware:
    """First in the chain: the duration covers every other middleware and the view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                json.dumps(
                    {
                        "event": "request",
                        "request_id": request_id,
                        "method": request.method if request.method in _METHODS else "other",
                        "route": _route(request),
                        "status": response.status_code,
                        "ms": round((time.perf_counter() - started) * 1000, 1),
                        "user": _user_id(request),
                    },
                    separators=(",", ":"),
                )
            )
        return response


# A method name is chosen by the client: only the known ones are written as they are.
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

"""Request bodies larger than Bearing ever needs are refused before they are read.

The check is on the declared Content-Length, ahead of the session, CSRF (which
parses the form) and every view: a client announcing gigabytes gets 413 at once,
and nothing of the body is read, buffered or spooled to disk. A body sent without
a Content-Length is never read by Django at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        # (pattern of a path, its limit): the few addresses that take a larger body
        # (a rehearsal's audio), each named in settings.LARGER_REQUESTS.
        self.larger = [
            (re.compile(pattern), size)
            for pattern, size in getattr(settings, "LARGER_REQUESTS", [])
        ]

    def limit_for(self, path: str) -> int:
        for pattern, size in self.larger:
            if pattern.match(path):
                return max(int(size), int(settings.MAX_REQUEST_BYTES))
        return int(settings.MAX_REQUEST_BYTES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = -1
        if declared < 0:
            return HttpResponse("Bad request", status=400, content_type="text/plain")
        limit = self.limit_for(request.path)
        if declared > limit:
            limit_mb = limit / 1_048_576
            body = loader.render_to_string("413.html", {"limit_mb": f"{limit_mb:g}"})
            response = HttpResponse(body, status=413)
            response["Connection"] = "close"
            return response
        return self.get_response(request)

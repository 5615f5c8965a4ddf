"""Login sessions that end: after an idle period and at an absolute limit."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils import timezone


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            login_at = request.session.get("bearing_login_at", now)
            seen_at = request.session.get("bearing_seen_at", now)
            if (
                now - login_at > settings.SESSION_ABSOLUTE_SECONDS
                or now - seen_at > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
            else:
                request.session.setdefault("bearing_login_at", login_at)
                # Write at most once a minute, to keep requests cheap.
                if now - seen_at >= 60 or "bearing_seen_at" not in request.session:
                    request.session["bearing_seen_at"] = now
        return self.get_response(request)


class TimeZoneMiddleware:
    """Show and read times in the signed-in person's own time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(user.tz)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

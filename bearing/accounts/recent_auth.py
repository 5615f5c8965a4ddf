"""Signing in again before a grave step.

Some steps are worth more than an open browser: changing consent, granting a
role, the staff switch for the language model, adding or removing a second
factor — and, when they come, exports and erasure. Before such a step the person
must have proved who they are within the last few minutes (five by default); if
not, they are sent to confirm it — their password, and their second factor if
they have one — and then brought back.

Use the decorator on a view (under ``login_required`` and the method decorator)::

    @login_required
    @require_POST
    @require_recent_auth
    def export_everything(request): ...

    @require_recent_auth(minutes=5, return_to=lambda request, code: reverse("x", args=[code]))
    def erase(request, code): ...

or, where only some requests are grave, ask inside the view::

    if (response := recent_auth_response(request)) is not None:
        return response

A GET comes back to the same address afterwards. A POST cannot be replayed: the
person comes back to ``return_to`` (else the page they came from) and presses the
button again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from bearing.lib.htmx import htmx_redirect, is_htmx

from .signin_flow import AUTH_AT_KEY

RECENT_MINUTES = 5


def auth_is_recent(request, minutes: int = RECENT_MINUTES) -> bool:
    """Did this person prove who they are (sign-in or confirmation) within ``minutes``?"""
    if not request.user.is_authenticated:
        return False
    at = request.session.get(AUTH_AT_KEY)
    if at is None:
        return False
    return int(time.time()) - int(at) <= minutes * 60


def mark_recent(request) -> None:
    request.session[AUTH_AT_KEY] = int(time.time())


def _came_from(request) -> str | None:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return None


def recent_auth_response(request, *, minutes: int = RECENT_MINUTES, return_to: str | None = None):
    """None when the last sign-in is recent enough; otherwise the response that
    sends the person to confirm who they are."""
    if auth_is_recent(request, minutes):
        return None
    if request.method == "GET":
        back = request.get_full_path()
    else:
        back = return_to or _came_from(request) or reverse("dashboard")
    url = reverse("accounts:confirm") + "?" + urlencode({"next": back})
    if is_htmx(request):
        return htmx_redirect(url)
    return redirect(url)


def require_recent_auth(
    view: Callable | None = None,
    *,
    minutes: int = RECENT_MINUTES,
    return_to: Callable[..., str] | None = None,
):
    """Decorator: the view runs only if the person signed in (or confirmed it was
    them) within ``minutes``. ``return_to(request, *args, **kwargs)`` names the page
    to come back to after a POST."""

    def decorate(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            back = return_to(request, *args, **kwargs) if return_to is not None else None
            response = recent_auth_response(request, minutes=minutes, return_to=back)
            if response is not None:
                return response
            return view_func(request, *args, **kwargs)

        wrapped.requires_recent_auth = minutes  # for tests that list the guarded views
        return wrapped

    return decorate(view) if view is not None else decorate

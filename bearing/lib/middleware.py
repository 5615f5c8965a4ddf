"""Responses to a signed-in person are never kept by a browser or a proxy."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreForSignedInMiddleware:
    """``Cache-Control: no-store, private`` (with no-cache, max-age=0) on every
    response to a signed-in person: a shared computer's back button, a disk
    cache or a caching proxy must not keep confidential pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Read before the view runs: signing out still answers the signed-in person.
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        response = self.get_response(request)
        after = getattr(request, "user", None)  # signing in puts a new user here
        if signed_in or (after is not None and after.is_authenticated):
            add_never_cache_headers(response)
        return response

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_redirect(url: str) -> HttpResponse:
    """Send an htmx request's page elsewhere. A 3xx would be followed by the browser
    and its page swapped into the form; htmx reads ``HX-Redirect`` on a 2xx."""
    return HttpResponse(status=204, headers={"HX-Redirect": url})


class HtmxSignInMiddleware:
    """An htmx request from someone whose sign-in has ended answers 401, not a
    redirect: the browser would follow the redirect and swap the sign-in page into
    the middle of the form. The page says the sign-in ended (static/bearing/bearing.js)
    and what was typed stays where it is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_htmx(request) and response.status_code == 302:
            login_url = resolve_url(settings.LOGIN_URL)
            if response.get("Location", "").split("?")[0] == login_url:
                return HttpResponse(status=401, headers={"Cache-Control": "no-store"})
        return response

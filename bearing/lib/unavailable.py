"""When the database cannot answer — locked, disk full, I/O error, unreachable —
the person sees a calm page with status 503 and a Retry-After, never a traceback.

Every write goes through a service in one transaction, so a failure part-way
leaves nothing half-saved, and the next request after the fault has passed
simply works: there is nothing to repair by hand.

Django turns an exception anywhere in a request (view or middleware, such as the
session being saved) into a call of the 500 handler; ``server_error`` answers
503 instead when the exception says the database is unavailable. The page is
rendered without the request, so it needs nothing from the database.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger("bearing.unavailable")

RETRY_AFTER_SECONDS = 30

# What SQLite and PostgreSQL say when the database is there but cannot answer now.
UNAVAILABLE = (
    "database is locked",
    "database table is locked",
    "disk i/o error",
    "database or disk is full",
    "unable to open database file",
    "no space left on device",
    "could not extend file",
    "connection refused",
    "connection failed",
    "could not connect",
    "server closed the connection",
    "terminating connection",
    "the connection is closed",
    "connection already closed",
    "timeout expired",
    "the database system is",  # starting up, shutting down, in recovery mode
    "too many clients",
)
# PostgreSQL error classes: connection exception, insufficient resources, operator
# intervention (shutdown, cannot connect now).
UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) says the database cannot answer now, as
    opposed to a mistake in a query."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OperationalError | InterfaceError):
            message = str(exc).lower()
            if any(phrase in message for phrase in UNAVAILABLE):
                return True
        sqlstate = getattr(exc, "sqlstate", None)
        if isinstance(sqlstate, str) and sqlstate.startswith(UNAVAILABLE_SQLSTATE_PREFIXES):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(
    request: HttpRequest, template_name: str = defaults.ERROR_500_TEMPLATE_NAME
) -> HttpResponse:
    """The 500 handler: 503 with the calm page when the database is unavailable."""
    exc = sys.exc_info()[1]
    if database_unavailable(exc):
        logger.warning("database unavailable: %s", type(exc).__name__)
        return unavailable_response()
    return defaults.server_error(request, template_name)

"""Bearing's own deployment checks, run by ``manage.py check --deploy``.

Django's checks cover HTTPS, cookies and headers; these cover what Bearing adds:
a strict Content Security Policy, login sessions that end, the keys kept apart
from one another, the client address behind a proxy and a cache the web workers
share. Each warning says what to set.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

# ASVS level 2: a login session ends after an idle hour and at most 12 hours after sign-in.
MAX_IDLE_SECONDS = 60 * 60
MAX_ABSOLUTE_SECONDS = 12 * 60 * 60
CSP_DIRECTIVES = ("default-src", "script-src", "object-src", "base-uri", "frame-ancestors")
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*")


def _csp() -> list[Warning]:
    policy = getattr(settings, "SECURE_CSP", None) or {}
    problems = []
    if "django.middleware.csp.ContentSecurityPolicyMiddleware" not in settings.MIDDLEWARE:
        problems.append("the CSP middleware is not in MIDDLEWARE")
    missing = [d for d in CSP_DIRECTIVES if not policy.get(d)]
    if missing:
        problems.append("SECURE_CSP lacks " + ", ".join(missing))
    for directive in ("default-src", "script-src", "style-src"):
        unsafe = [str(s) for s in policy.get(directive, []) if str(s) in UNSAFE_SOURCES]
        if unsafe:
            problems.append(f"{directive} allows {' '.join(unsafe)}")
    return [
        Warning(
            f"The Content Security Policy is not strict: {p}.",
            hint="Keep SECURE_CSP as Bearing ships it.",
            id="bearing.W001",
        )
        for p in problems
    ]


def _sessions() -> list[Warning]:
    warnings = []
    if settings.SESSION_IDLE_SECONDS > MAX_IDLE_SECONDS:
        warnings.append(
            Warning(
                "Login sessions stay open more than an hour without a request.",
                hint="Set SESSION_IDLE_MINUTES to 60 or less.",
                id="bearing.W002",
            )
        )
    if (
        settings.SESSION_ABSOLUTE_SECONDS > MAX_ABSOLUTE_SECONDS
        or settings.SESSION_COOKIE_AGE > MAX_ABSOLUTE_SECONDS
    ):
        warnings.append(
            Warning(
                "Login sessions last more than 12 hours after sign-in.",
                hint="Set SESSION_ABSOLUTE_HOURS to 12 or less.",
                id="bearing.W003",
            )
        )
    return warnings


def _keys() -> list[Warning]:
    warnings = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        warnings.append(
            Warning(
                "SECRET_KEY is the public development key.",
                hint="Set SECRET_KEY from your secret store.",
                id="bearing.W004",
            )
        )
    if not settings.ENCRYPTION_KEYS:
        warnings.append(
            Warning(
                "Confidential text is encrypted with a key from a file beside the data.",
                hint="Set BEARING_ENCRYPTION_KEYS from your secret store (encryption_keygen).",
                id="bearing.W005",
            )
        )
    if not settings.AUDIT_KEY:
        warnings.append(
            Warning(
                "The audit log is keyed from a file beside the data.",
                hint="Set BEARING_AUDIT_KEY from your secret store (audit_keygen).",
                id="bearing.W006",
            )
        )
    secrets = [s.strip() for s in (settings.SECRET_KEY, settings.AUDIT_KEY) if s]
    secrets += [
        part.partition(":")[2].strip() for part in settings.ENCRYPTION_KEYS.split(",") if part
    ]
    if len(secrets) != len(set(secrets)):
        warnings.append(
            Warning(
                "The same key is used for more than one purpose.",
                hint="SECRET_KEY, BEARING_AUDIT_KEY and each encryption key must differ.",
                id="bearing.W007",
            )
        )
    return warnings


def _network() -> list[Warning]:
    warnings = []
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXIES:
        warnings.append(
            Warning(
                "Behind a proxy with no trusted proxy named, every client has the proxy's "
                "address: sign-in throttling and the audit log cannot tell them apart.",
                hint="Set BEARING_TRUSTED_PROXIES to your proxies' addresses.",
                id="bearing.W008",
            )
        )
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.endswith(("LocMemCache", "DummyCache")):
        warnings.append(
            Warning(
                "The cache is not shared by web workers: each counts sign-in failures apart.",
                hint="Leave CACHE_URL unset (database cache) or point it at Redis.",
                id="bearing.W009",
            )
        )
    if not settings.SITE_URL.startswith("https://"):
        warnings.append(
            Warning(
                "SITE_URL is not https: links in emails and calendar feeds would be sent "
                "in the clear.",
                hint="Set SITE_URL to your https:// address.",
                id="bearing.W010",
            )
        )
    return warnings


SECOND_FACTOR_MIDDLEWARE = "bearing.accounts.signin_flow.SecondFactorMiddleware"


def _second_factor() -> list[Warning]:
    # Named by its dotted path: lib imports no app.
    if SECOND_FACTOR_MIDDLEWARE in settings.MIDDLEWARE:
        return []
    return [
        Warning(
            "Coaches, sponsors and staff could sign in with a password alone.",
            hint=f"Keep {SECOND_FACTOR_MIDDLEWARE} in MIDDLEWARE as Bearing ships it.",
            id="bearing.W011",
        )
    ]


@register(Tags.security, deploy=True)
def bearing_deploy_checks(app_configs: object = None, **kwargs: object) -> list[Warning]:
    return _csp() + _sessions() + _keys() + _network() + _second_factor()

"""How often sign-in, password and invitation requests may be tried.

Two counts, kept apart, in the cache every web worker shares:

- per account (the email typed): too many failed sign-ins pause sign-in *to that
  account* for a while — except from a browser the owner signed in from before
  (a signed "known device" cookie), and a password-reset link still works. A
  stranger can slow their own guessing, never lock the owner out.
- per client address (the real one behind a trusted proxy): too many failures from
  one address, over any accounts, pause that address — password spraying is slowed.

Password-reset emails, password changes and invitations have their own limits.
"""

from __future__ import annotations

import hmac

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

from bearing.lib import ratelimit
from bearing.lib.net import client_ip
from bearing.lib.ratelimit import Limit

MINUTE = 60
HOUR = 60 * MINUTE

LOGIN_ACCOUNT = Limit("login-account", 10, 15 * MINUTE)
LOGIN_ADDRESS = Limit("login-address", 50, 15 * MINUTE)
RESET_ACCOUNT = Limit("reset-account", 3, HOUR)
RESET_ADDRESS = Limit("reset-address", 20, HOUR)
PASSWORD_CHANGE = Limit("password-change", 5, 15 * MINUTE)
INVITATIONS_PERSON = Limit("invite-person", 30, HOUR)
INVITATIONS_ADDRESS = Limit("invite-address", 60, HOUR)

INVITATIONS_PAUSED = "You have sent many invitations in the last hour. Please try again later."

DEVICE_COOKIE = "bearing_device"
_DEVICE_SALT = "bearing.accounts.known-device"


def _email(email: str) -> str:
    return (email or "").strip().lower()


def _address(request) -> str:
    return client_ip(request) or "unknown"


# --- Known devices ------------------------------------------------------------------


def _device_tag(email: str) -> str:
    return salted_hmac(_DEVICE_SALT, _email(email), algorithm="sha256").hexdigest()[:32]


def remember_device(response, email: str) -> None:
    """After a successful sign-in: this browser is the owner's."""
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(_device_tag(email), salt=_DEVICE_SALT),
        max_age=settings.KNOWN_DEVICE_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def is_known_device(request, email: str) -> bool:
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value or not email:
        return False
    try:
        tag = signing.loads(value, salt=_DEVICE_SALT, max_age=settings.KNOWN_DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return False
    return isinstance(tag, str) and hmac.compare_digest(tag, _device_tag(email))


# --- Sign-in ------------------------------------------------------------------------


def login_blocked(request, email: str) -> str | None:
    """Why sign-in may not be tried now ("account" or "address"), or None."""
    if is_known_device(request, email):
        return None
    if ratelimit.exceeded(LOGIN_ADDRESS, _address(request)):
        return "address"
    if ratelimit.exceeded(LOGIN_ACCOUNT, _email(email)):
        return "account"
    return None


def login_failed(request, email: str) -> None:
    ratelimit.hit(LOGIN_ACCOUNT, _email(email))
    ratelimit.hit(LOGIN_ADDRESS, _address(request))


def login_succeeded(email: str) -> None:
    ratelimit.reset(LOGIN_ACCOUNT, _email(email))


def password_was_reset(email: str) -> None:
    """A reset link proves the owner: failures others caused no longer count."""
    ratelimit.reset(LOGIN_ACCOUNT, _email(email))


# --- Password reset requests ------------------------------------------------------------


def reset_request_blocked(request) -> bool:
    return ratelimit.hit(RESET_ADDRESS, _address(request)) > RESET_ADDRESS.count


def reset_email_allowed(email: str) -> bool:
    """At most a few reset emails per account per hour; beyond that the page says the
    same as ever and nothing is sent (so it reveals nothing about the account)."""
    return ratelimit.hit(RESET_ACCOUNT, _email(email)) <= RESET_ACCOUNT.count


# --- Password change -------------------------------------------------------------------


def password_change_blocked(user) -> bool:
    return ratelimit.exceeded(PASSWORD_CHANGE, str(user.pk))


def password_change_failed(user) -> None:
    ratelimit.hit(PASSWORD_CHANGE, str(user.pk))


def password_change_succeeded(user) -> None:
    ratelimit.reset(PASSWORD_CHANGE, str(user.pk))


# --- Invitations ---------------------------------------------------------------------------


def invitations_blocked(request) -> bool:
    return ratelimit.exceeded(INVITATIONS_PERSON, str(request.user.pk)) or ratelimit.exceeded(
        INVITATIONS_ADDRESS, _address(request)
    )


def invitation_sent(request) -> None:
    ratelimit.hit(INVITATIONS_PERSON, str(request.user.pk))
    ratelimit.hit(INVITATIONS_ADDRESS, _address(request))

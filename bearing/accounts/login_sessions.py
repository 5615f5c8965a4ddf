"""Where a person is signed in: one ``LoginSession`` row per signed-in browser.

A row is made at sign-in (``user_logged_in``), its last use is written at most
once a minute (``LoginSessionMiddleware``), and it goes when the browser signs
out. Ending a sign-in deletes the row and the session behind it, so that browser
is signed out on its next request. Changing the password, a password reset,
adding or removing a second factor and disabling the account end the others.

What the page shows is deliberately rough: the browser and system from the user
agent, and the network the address belongs to (a /24 for IPv4, a /48 for IPv6) —
no place looked up anywhere.
"""

from __future__ import annotations

import ipaddress
import re
import time
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib.net import client_ip

from .models import LoginSession, User

CODE_KEY = "bearing_login_session"
TOUCHED_KEY = "bearing_login_session_at"
TOUCH_SECONDS = 60


# --- What the page shows -------------------------------------------------------------

_BROWSERS = [  # order matters: Edge and Opera say "Chrome" too, Chrome says "Safari"
    ("Edge", re.compile(r"\bEdg(e|A|iOS)?/")),
    ("Opera", re.compile(r"\bOPR/|\bOpera\b")),
    ("Samsung Internet", re.compile(r"\bSamsungBrowser/")),
    ("Firefox", re.compile(r"\bFirefox/|\bFxiOS/")),
    ("Chrome", re.compile(r"\bChrome/|\bCriOS/|\bChromium/")),
    ("Safari", re.compile(r"\bSafari/")),
]
_SYSTEMS = [
    ("iPhone", re.compile(r"\biPhone\b")),
    ("iPad", re.compile(r"\biPad\b")),
    ("Android", re.compile(r"\bAndroid\b")),
    ("ChromeOS", re.compile(r"\bCrOS\b")),
    ("Windows", re.compile(r"\bWindows\b")),
    ("macOS", re.compile(r"\bMac OS X\b|\bMacintosh\b")),
    ("Linux", re.compile(r"\bLinux\b")),
]


def describe_device(user_agent: str) -> str:
    """'Firefox on Linux', 'Safari on iPhone'... or 'An unknown browser'."""
    user_agent = (user_agent or "")[:512]
    browser = next((name for name, rx in _BROWSERS if rx.search(user_agent)), "")
    system = next((name for name, rx in _SYSTEMS if rx.search(user_agent)), "")
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return f"{browser or 'A browser'}{' on ' + system if system else ''}"
    return "An unknown browser"


def network_of(address: str | None) -> str:
    """The network an address belongs to, never the address itself."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


# --- Recording and touching --------------------------------------------------------------


def record(request, user: User) -> LoginSession:
    """A new sign-in: called from ``user_logged_in`` once the session key is final."""
    if not request.session.session_key:
        request.session.save()
    now = timezone.now()
    # Signing in again in the same session (same person, same key) renews its row.
    login_session, _ = LoginSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "device": describe_device(request.META.get("HTTP_USER_AGENT", "")),
            "network": network_of(client_ip(request)),
            "created_at": now,
            "last_seen_at": now,
        },
    )
    request.session[CODE_KEY] = str(login_session.code)
    request.session[TOUCHED_KEY] = int(time.time())
    return login_session


def touch(request) -> bool:
    """Keep the row's last use (once a minute) and session key current. False when
    the row is gone: this sign-in was ended, the browser must sign out."""
    code = request.session.get(CODE_KEY)
    if code is None:
        # Signed in before sign-ins were listed: listed from now on.
        record(request, request.user)
        return True
    now = int(time.time())
    if now - int(request.session.get(TOUCHED_KEY, 0)) < TOUCH_SECONDS:
        return True
    if not request.session.session_key:
        request.session.save()
    updated = LoginSession.objects.filter(code=code, user=request.user).update(
        last_seen_at=timezone.now(), session_key=request.session.session_key
    )
    request.session[TOUCHED_KEY] = now
    return bool(updated)


def rekey(request) -> None:
    """After the session key changed under a signed-in person (a password change,
    a second factor met): the row follows it."""
    code = request.session.get(CODE_KEY)
    if code is None:
        return
    if not request.session.session_key:
        request.session.save()
    LoginSession.objects.filter(code=code).update(session_key=request.session.session_key)


# --- Reading -------------------------------------------------------------------------------


def _stale(now):
    idle = timedelta(seconds=settings.SESSION_IDLE_SECONDS + TOUCH_SECONDS)
    absolute = timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS)
    return LoginSession.objects.filter(
        Q(last_seen_at__lt=now - idle) | Q(created_at__lt=now - absolute)
    )


def active_for(user: User) -> list[LoginSession]:
    """The person's sign-ins that can still be used, most recent first. Rows of
    sign-ins that ran out (idle or absolute limit) are dropped on the way."""
    now = timezone.now()
    _stale(now).filter(user=user).delete()
    return list(LoginSession.objects.filter(user=user).order_by("-last_seen_at", "-id"))


def get_for(user: User, code) -> LoginSession:
    """One of the person's own sign-ins; anyone else's is 404."""
    login_session = LoginSession.objects.filter(user=user, code=code).first()
    if login_session is None:
        raise Http404("Not found")
    return login_session


def current_code(request) -> str | None:
    return request.session.get(CODE_KEY)


# --- Ending --------------------------------------------------------------------------------


def _session_store():
    return import_module(settings.SESSION_ENGINE).SessionStore


def end(login_session: LoginSession, *, reason: str, by: User | None = None, request=None) -> None:
    """Sign that browser out: its session is deleted, so its next request is anonymous."""
    _session_store()(session_key=login_session.session_key).delete()
    deleted, _ = LoginSession.objects.filter(pk=login_session.pk).delete()
    if deleted:
        audit_record(
            action=AuditAction.SESSION_ENDED,
            actor=by,
            email="" if by is not None else login_session.user.email,
            target=login_session,
            request=request,
            reason=reason,
        )


def end_others(
    user: User, *, keep_key: str | None, reason: str, by: User | None = None, request=None
) -> int:
    """End every sign-in of ``user`` except the one with session key ``keep_key``."""
    others = LoginSession.objects.filter(user=user).select_related("user")
    if keep_key:
        others = others.exclude(session_key=keep_key)
    count = 0
    for login_session in list(others):
        end(login_session, reason=reason, by=by, request=request)
        count += 1
    return count


def end_all(user: User, *, reason: str, by: User | None = None, request=None) -> int:
    return end_others(user, keep_key=None, reason=reason, by=by, request=request)


# --- Signals -------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="bearing.login_sessions.record")
def _on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        record(request, user)


@receiver(user_logged_out, dispatch_uid="bearing.login_sessions.forget")
def _on_logout(sender, request, user, **kwargs):
    """Signing out (or running out of time) removes the row; the logout itself is
    audited already."""
    code = request.session.get(CODE_KEY) if request is not None else None
    if code is not None:
        LoginSession.objects.filter(code=code).delete()


@receiver(post_save, sender=User, dispatch_uid="bearing.login_sessions.disabled")
def _on_account_saved(sender, instance: User, raw=False, **kwargs):
    """Disabling an account, by whatever path, ends every sign-in it has."""
    if raw or instance.is_active:
        return
    if LoginSession.objects.filter(user=instance).exists():
        end_all(instance, reason="account_disabled")


# --- Middleware ----------------------------------------------------------------------------


class LoginSessionMiddleware:
    """Keeps each sign-in's row current; a browser whose sign-in was ended
    elsewhere (and somehow kept its session) is signed out here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not touch(request):
            logout(request)
        return self.get_response(request)

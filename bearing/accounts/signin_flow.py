"""The steps of signing in, as the session remembers them.

A password alone signs in only a coachee who has not turned on a second factor.
Anyone else is *pending* after the password: the session holds who they are and
where they were going, but they are not signed in until they give a code from
their authenticator app or a recovery code — or, for a coach, sponsor or staff
member without one yet, until they set one up. A password reset changes nothing
here: the next sign-in asks for the second factor as before.

Once signed in, the session records how the second factor was met
(``STEP_KEY``: ``totp``, ``recovery``, or ``none`` for someone who needs none).
A session signed in any other way — an invitation accepted, a role granted to a
signed-in coachee — lacks it or no longer fits, and ``SecondFactorMiddleware``
sends it to the second step before any page.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from bearing.lib import crypto, ratelimit
from bearing.lib.htmx import htmx_redirect, is_htmx

from . import factors, login_sessions
from .models import User

PENDING_KEY = "bearing_signin_pending"
STEP_KEY = "bearing_second_factor"
AUTH_AT_KEY = "bearing_auth_at"  # the last time the person proved who they are
SETUP_KEY = "bearing_setup_secret"
AFTER_KEY = "bearing_after_second_factor"
PENDING_SECONDS = 5 * 60
MET = {"totp", "recovery"}

# Wrong second-factor codes per account, on top of the app's own back-off and the
# sign-in throttle: past this the password must be given again, later.
SECOND_FACTOR = ratelimit.Limit("second-factor", 5, 15 * 60)


def needs_second_step(user: User) -> bool:
    return factors.has_factor(user) or factors.required_for(user)


def safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# --- Pending: the password was right, the second factor is still to come -----------------


def begin(request, user: User, *, next_url: str):
    """After the right password, for someone who needs a second step."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0],
        "at": int(time.time()),
        "next": next_url,
    }
    return redirect("accounts:login_code" if factors.has_factor(user) else "accounts:login_setup")


def is_pending(request) -> bool:
    return PENDING_KEY in request.session


def clear_pending(request) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(SETUP_KEY, None)


def _pending_user(request) -> User | None:
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    if int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        clear_pending(request)
        return None
    # No user in the pending sign-in finds no one.
    return User.objects.filter(pk=pending.get("user"), is_active=True).first()  # type: ignore[misc]


def challenged_user(request) -> User | None:
    """Who is being asked for a second factor now: someone pending after their
    password, or a signed-in person whose session has not met it. None otherwise."""
    if request.user.is_authenticated:
        if request.session.get(STEP_KEY) in MET:
            return None
        return request.user if needs_second_step(request.user) else None
    return _pending_user(request)


def second_factor_blocked(user: User) -> bool:
    return ratelimit.exceeded(SECOND_FACTOR, str(user.pk))


def second_factor_failed(user: User) -> None:
    ratelimit.hit(SECOND_FACTOR, str(user.pk))


def complete(request, user: User, *, via: str) -> str:
    """The second factor is met: sign in (or, already signed in, renew the session
    key), record how, and return where to go next."""
    pending = request.session.get(PENDING_KEY) or {}
    after = request.session.pop(AFTER_KEY, None)
    clear_pending(request)
    if request.user.is_authenticated:
        request.session.cycle_key()
        login_sessions.rekey(request)
    else:
        login(request, user, backend=pending.get("backend"))
    request.session[STEP_KEY] = via
    request.session[AUTH_AT_KEY] = int(time.time())
    return safe_next(request, pending.get("next") or after)


def mark_not_needed(request) -> None:
    """Signed in with the password alone, by someone who needs nothing more."""
    request.session[STEP_KEY] = "none"
    request.session[AUTH_AT_KEY] = int(time.time())


def forget_step(request) -> None:
    """The second factor changed under this session (removed): ask again."""
    request.session.pop(STEP_KEY, None)


# --- Setting up: the secret on the page waits in the session, encrypted ------------------


def _setup_aad(user: User) -> str:
    return f"bearing.accounts.setup-secret.{user.pk}"


def setup_secret(request, user: User) -> str:
    """The secret being set up in this browser: new on the first visit, the same
    on a reload, never shared with another browser that opens the page."""
    stored = request.session.get(SETUP_KEY)
    if isinstance(stored, dict) and stored.get("user") == user.pk:
        try:
            return crypto.decrypt(stored["secret"], _setup_aad(user))
        except (crypto.DecryptionError, KeyError):
            pass
    secret = factors.new_secret()
    request.session[SETUP_KEY] = {
        "user": user.pk,
        "secret": crypto.encrypt(secret, _setup_aad(user)),
    }
    return secret


def setup_done(request) -> None:
    request.session.pop(SETUP_KEY, None)


@receiver(user_logged_in, dispatch_uid="bearing.signin_flow.authenticated")
def _on_login(sender, request, user, **kwargs):
    """Every sign-in is a fresh proof of who the person is (an accepted invitation
    too); how the second factor was met is set by whoever completes it."""
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT_KEY] = int(time.time())
        request.session.pop(STEP_KEY, None)


# --- Middleware ---------------------------------------------------------------------------


class SecondFactorMiddleware:
    """Before any page: a signed-in session that has not met the second factor it
    needs goes to the second step (set one up, or give a code)."""

    EXEMPT = frozenset({"accounts:login_code", "accounts:login_setup", "accounts:logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        step = request.session.get(STEP_KEY)
        if step in MET:
            return None
        if step == "none" and not factors.required_for(user):
            return None
        if not needs_second_step(user):
            request.session[STEP_KEY] = "none"
            return None
        request.session.pop(STEP_KEY, None)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in self.EXEMPT:
            return None
        if request.method == "GET" and not is_htmx(request):
            request.session[AFTER_KEY] = request.get_full_path()
        target = resolve_url(
            "accounts:login_code" if factors.has_factor(user) else "accounts:login_setup"
        )
        if is_htmx(request):
            return htmx_redirect(target)
        return redirect(target)

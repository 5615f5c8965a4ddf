"""Strong sign-in: the second step of signing in, the second factor on the account
page, the list of sign-ins, and confirming it is you before a grave step."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record

from . import factors, login_sessions, signin_flow, throttle
from .factors import Outcome
from .recent_auth import mark_recent, require_recent_auth
from .security_forms import AuthenticatorCodeForm, ConfirmForm, SecondFactorForm

WRONG_CODE = (
    "That code is not right. Check that your phone sets its clock automatically, "
    "or use a recovery code."
)
SETUP_WRONG = "That code is not right. Check the time on your phone, then type the code shown now."
WAIT = "Please wait a few seconds before trying another code."


def _recovery_warning(request, user) -> None:
    left = factors.recovery_codes_left(user)
    messages.warning(
        request,
        f"You used a recovery code; {left} left. If your authenticator app is lost, "
        "set up a new one on your security page.",
    )


def _setup_context(user, secret: str, form, **extra) -> dict:
    return {
        "form": form,
        "qr": factors.qr_code(factors.otpauth_uri(user, secret)),
        "secret": factors.grouped(secret),
        "email": user.email,
        **extra,
    }


# --- The second step of signing in ---------------------------------------------------------


def _not_challenged(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("accounts:login")


@never_cache
@require_http_methods(["GET", "POST"])
def login_code(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    user = signin_flow.challenged_user(request)
    if user is None:
        return _not_challenged(request)
    if not factors.has_factor(user):
        return redirect("accounts:login_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST":
        if signin_flow.second_factor_blocked(user):
            if not request.user.is_authenticated:
                signin_flow.clear_pending(request)
            return render(
                request, "accounts/login_code.html", {"form": form, "blocked": True}, status=429
            )
        if form.is_valid():
            outcome = factors.verify(user, form.cleaned_data["code"], request=request)
            if outcome in (Outcome.TOTP, Outcome.RECOVERY):
                throttle.login_succeeded(user.email)
                next_url = signin_flow.complete(request, user, via=outcome.value)
                if outcome == Outcome.RECOVERY:
                    _recovery_warning(request, user)
                response = redirect(next_url)
                throttle.remember_device(response, user.email)
                return response
            if outcome == Outcome.WAIT:
                form.add_error("code", WAIT)
            else:
                signin_flow.second_factor_failed(user)
                throttle.login_failed(request, user.email)
                form.add_error("code", WRONG_CODE)
        return render(request, "accounts/login_code.html", {"form": form}, status=400)
    return render(request, "accounts/login_code.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def login_setup(request):
    """After the password, for a coach, sponsor or staff member with no second
    factor yet: set up an authenticator app before anything else."""
    user = signin_flow.challenged_user(request)
    if user is None:
        return _not_challenged(request)
    if factors.has_factor(user):
        return redirect("accounts:login_code")
    secret = signin_flow.setup_secret(request, user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = factors.totp_add(
            user=user, secret=secret, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            signin_flow.setup_done(request)
            throttle.login_succeeded(user.email)
            next_url = signin_flow.complete(request, user, via="totp")
            response = render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "continue_url": next_url, "first_time": True},
            )
            throttle.remember_device(response, user.email)
            return response
        form.add_error("code", SETUP_WRONG)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/authenticator_setup.html",
        _setup_context(user, secret, form, during_sign_in=True),
        status=status,
    )


# --- The second factor on the account page -------------------------------------------------


@never_cache
@login_required
@require_GET
def security(request):
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "has_factor": factors.has_factor(user),
            "required": factors.required_for(user),
            "codes_left": factors.recovery_codes_left(user),
        },
    )


def _to_security(request, *args, **kwargs) -> str:
    return reverse("accounts:security")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
@require_recent_auth(return_to=_to_security)
def authenticator_add(request):
    """Turn on (or replace) the authenticator app. The person's other sign-ins end."""
    user = request.user
    secret = signin_flow.setup_secret(request, user)
    form = AuthenticatorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = factors.totp_add(
            user=user, secret=secret, code=form.cleaned_data["code"], request=request
        )
        if codes is not None:
            signin_flow.setup_done(request)
            request.session[signin_flow.STEP_KEY] = "totp"
            mark_recent(request)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "continue_url": reverse("accounts:security"), "first_time": True},
            )
        form.add_error("code", SETUP_WRONG)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/authenticator_setup.html",
        _setup_context(
            user, secret, form, during_sign_in=False, replacing=factors.has_factor(user)
        ),
        status=status,
    )


@login_required
@require_POST
@require_recent_auth(return_to=_to_security)
def authenticator_remove(request):
    """Remove the authenticator app and recovery codes; other sign-ins end. A coach,
    sponsor or staff member is asked to set up a new one straight away."""
    if factors.factor_remove(user=request.user, request=request):
        signin_flow.forget_step(request)
        messages.success(request, "Your authenticator app and recovery codes are removed.")
    return redirect("accounts:security")


@never_cache
@login_required
@require_POST
@require_recent_auth(return_to=_to_security)
def recovery_codes_renew(request):
    if not factors.has_factor(request.user):
        messages.error(request, "Recovery codes come with an authenticator app: set one up first.")
        return redirect("accounts:security")
    codes = factors.recovery_codes_renew(user=request.user, request=request)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "continue_url": reverse("accounts:security"), "first_time": False},
    )


# --- Where you are signed in ----------------------------------------------------------------


@never_cache
@login_required
@require_GET
def sign_ins(request):
    return render(
        request,
        "accounts/sign_ins.html",
        {
            "sign_ins": login_sessions.active_for(request.user),
            "current": login_sessions.current_code(request),
        },
    )


@login_required
@require_POST
def sign_in_end(request, code):
    login_session = login_sessions.get_for(request.user, code)
    if str(login_session.code) == login_sessions.current_code(request):
        logout(request)  # this browser: an ordinary sign-out
        return redirect("accounts:login")
    login_sessions.end(login_session, reason="ended_by_owner", by=request.user, request=request)
    messages.success(request, f"Signed out: {login_session.device or 'that browser'}.")
    return redirect("accounts:sign_ins")


@login_required
@require_POST
def sign_ins_end_others(request):
    count = login_sessions.end_others(
        request.user,
        keep_key=request.session.session_key,
        reason="ended_by_owner",
        by=request.user,
        request=request,
    )
    messages.success(
        request,
        "You are signed out everywhere else." if count else "You were not signed in anywhere else.",
    )
    return redirect("accounts:sign_ins")


# --- Confirming it is you ----------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def confirm(request):
    """The password again (and the second factor, if the person has one) before a
    grave step; then back to where they were."""
    user = request.user
    with_code = factors.has_factor(user)
    next_url = signin_flow.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ConfirmForm(request.POST or None, with_code=with_code)
    ctx = {"form": form, "next": next_url, "with_code": with_code}
    if request.method != "POST":
        return render(request, "accounts/confirm.html", ctx)
    if throttle.password_change_blocked(user) or (
        with_code and signin_flow.second_factor_blocked(user)
    ):
        return render(request, "accounts/confirm.html", {**ctx, "blocked": True}, status=429)
    if form.is_valid():
        # A wrong password is audited as a failed sign-in (by the signal).
        if (
            authenticate(request, username=user.email, password=form.cleaned_data["password"])
            != user
        ):
            throttle.password_change_failed(user)
            form.add_error("password", "That is not your password.")
        elif with_code:
            outcome = factors.verify(
                user, form.cleaned_data["code"], request=request, via="confirm"
            )
            if outcome == Outcome.WAIT:
                form.add_error("code", WAIT)
            elif outcome == Outcome.WRONG:
                signin_flow.second_factor_failed(user)
                form.add_error("code", WRONG_CODE)
            elif outcome == Outcome.RECOVERY:
                _recovery_warning(request, user)
        if not form.errors:
            throttle.password_change_succeeded(user)
            mark_recent(request)
            audit_record(
                action=AuditAction.REAUTHENTICATED,
                actor=user,
                request=request,
                via="password_and_code" if with_code else "password",
            )
            return redirect(next_url)
    return render(request, "accounts/confirm.html", ctx, status=400)

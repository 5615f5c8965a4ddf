"""Sign-in, invitations, account settings, the calendar link and role-grant approvals.

The calendar feed itself (``bearing.engagements.calendar_views``) and the staff page
(``bearing.staff``) list engagements, so they sit above accounts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib.forms import apply_errors

from . import login_sessions, queries, services, signin_flow, throttle
from .forms import (
    AccountSettingsForm,
    EmailLoginForm,
    InvitationAcceptForm,
)
from .models import Invitation, Role
from .recent_auth import require_recent_auth

# --- Sign in and out ---------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """Email and password. Failures are counted per account and per client address
    (see ``throttle``); the owner's usual browser is never held back by failures
    others caused. Every attempt is audited by signals."""

    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "")
        blocked = throttle.login_blocked(request, email)
        if blocked:
            context = self.get_context_data(form=self.get_form(), throttled=blocked)
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = str(throttle.LOGIN_ACCOUNT.seconds)
            return response
        signin_flow.clear_pending(request)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            throttle.login_succeeded(email)
            throttle.remember_device(response, email)
        elif signin_flow.is_pending(request):
            # The password was right; the second step has its own limit, and the
            # browser is remembered only once it is passed.
            throttle.login_succeeded(email)
        else:
            throttle.login_failed(request, email)
        return response

    def form_valid(self, form):
        """Coaches, sponsors, staff and anyone with a second factor are not signed
        in yet: the second step comes first (see ``signin_flow``)."""
        user = form.get_user()
        if signin_flow.needs_second_step(user):
            return signin_flow.begin(self.request, user, next_url=self.get_success_url())
        response = super().form_valid(form)
        signin_flow.mark_not_needed(self.request)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


def reset_link_lifetime() -> str:
    """PASSWORD_RESET_TIMEOUT in words, for the email and the pages."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        n, unit = seconds // 86400, "day"
    elif seconds % 3600 == 0:
        n, unit = seconds // 3600, "hour"
    else:
        n, unit = max(1, seconds // 60), "minute"
    return f"one {unit}" if n == 1 else f"{n} {unit}s"


class ResetLifetimeMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(valid_for=reset_link_lifetime(), **kwargs)


class PasswordResetView(ResetLifetimeMixin, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    subject_template_name = "email/password_reset_subject.txt"
    email_template_name = "email/password_reset.txt"
    html_email_template_name = "email/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request, *args, **kwargs):
        if throttle.reset_request_blocked(request):
            context = self.get_context_data(form=self.get_form(), throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if throttle.reset_email_allowed(form.cleaned_data["email"]):
            return super().form_valid(form)
        # Enough links are on their way already: the same answer, nothing sent.
        return redirect(self.get_success_url())

    @property
    def extra_email_context(self):
        return {"site_url": settings.SITE_URL, "valid_for": reset_link_lifetime()}


class PasswordResetDoneView(ResetLifetimeMixin, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(ResetLifetimeMixin, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        throttle.password_was_reset(form.user.email)
        audit_record(
            action=AuditAction.PASSWORD_RESET, actor=form.user, request=self.request, via="email"
        )
        # Every sign-in ends; the next one still asks for the second factor.
        login_sessions.end_all(form.user, reason="password_reset", request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """A few wrong current passwords pause the form for a while: whoever holds a
    signed-in browser cannot guess the password at leisure."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def post(self, request, *args, **kwargs):
        if throttle.password_change_blocked(request.user):
            context = self.get_context_data(form=self.get_form(), throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            throttle.password_change_failed(self.request.user)
        return super().form_invalid(form)

    def form_valid(self, form):
        throttle.password_change_succeeded(self.request.user)
        response = super().form_valid(form)
        # The session key changed with the password: this sign-in stays, the others end.
        login_sessions.rekey(self.request)
        login_sessions.end_others(
            form.user,
            keep_key=self.request.session.session_key,
            reason="password_changed",
            by=form.user,
            request=self.request,
        )
        audit_record(
            action=AuditAction.PASSWORD_RESET, actor=form.user, request=self.request, via="change"
        )
        messages.success(self.request, "Your password is changed.")
        return response


# --- Invitations -----------------------------------------------------------------


def _role_phrase(invitation: Invitation) -> str:
    # An invitation names the practice (a coach's) or organization (the others') of its role.
    if invitation.role == Role.COACH:
        return f"a coach in {invitation.practice.name}"  # type: ignore[union-attr]
    if invitation.role == Role.COACHEE:
        return f"a coachee in {invitation.organization.name}"  # type: ignore[union-attr]
    if invitation.role == Role.SPONSOR:
        return f"a sponsor in {invitation.organization.name}"  # type: ignore[union-attr]
    return "staff of this installation"


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    """The link is the credential: single use, expiring. Anything wrong with it
    gets the same 404 page, which says no more than that it is no longer valid."""
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    ctx = {"invitation": invitation, "role_phrase": _role_phrase(invitation)}
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and signed_in.email != invitation.email:
        return render(request, "accounts/invitation_other_account.html", ctx, status=404)
    if signed_in is None and queries.account_exists(invitation.email):
        # They have an account already: sign in first, then accept with one button.
        login_url = reverse("accounts:login") + "?" + urlencode({"next": request.path})
        return render(request, "accounts/invitation_sign_in.html", {**ctx, "login_url": login_url})

    if signed_in is not None:
        if request.method == "POST":
            try:
                services.invitation_accept(
                    token=token, name="", password="", existing_user=signed_in, request=request
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, f"Welcome. You are now {ctx['role_phrase']}.")
                return redirect("dashboard")
        return render(request, "accounts/invitation_accept.html", {**ctx, "form": None})

    form = InvitationAcceptForm(
        request.POST or None,
        email=invitation.email,
        initial={"name": invitation.name, "time_zone": "UTC"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                token=token,
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password"],
                time_zone=form.cleaned_data["time_zone"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="password")
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Bearing. You are now {ctx['role_phrase']}.")
            return redirect("dashboard")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", {**ctx, "form": form}, status=status)


# --- Account settings and calendar -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    user = request.user
    form = AccountSettingsForm(
        request.POST or None, initial={"name": user.name, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(
                user=user,
                name=form.cleaned_data["name"],
                time_zone=form.cleaned_data["time_zone"],
            )
        except ValidationError as exc:
            user.refresh_from_db(fields=["name", "time_zone"])  # nothing half-applied
            apply_errors(form, exc)
        else:
            messages.success(request, "Your settings are saved.")
            return redirect("accounts:settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/settings.html", {"form": form}, status=status)


def _feed_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:calendar_feed', args=[token])}"


@never_cache
@login_required
@require_GET
def calendar(request):
    return render(
        request, "accounts/calendar.html", {"has_link": bool(request.user.calendar_token_hash)}
    )


@never_cache
@login_required
@require_POST
def calendar_reset(request):
    """Make or replace the private calendar link and show it, this once: only its
    hash is kept, so it cannot be shown again."""
    replaced = bool(request.user.calendar_token_hash)
    token = services.calendar_token_reset(user=request.user, request=request)
    return render(
        request,
        "accounts/calendar.html",
        {"has_link": True, "feed_url": _feed_url(token), "replaced": replaced},
    )


# --- Role grants: a second person approves --------------------------------------------


def _grant_rows(user) -> list[tuple[Invitation, str]]:
    return [(inv, _role_phrase(inv)) for inv in queries.role_grants_awaiting(user)]


@never_cache
@login_required
@require_GET
def approvals(request):
    """Invitations to a role that wait for this person's approval."""
    roles = queries.roles_of(request.user)
    if not (roles.is_staff or roles.is_sponsor):
        raise Http404("Not found")
    return render(
        request,
        "accounts/approvals.html",
        {"grants": _grant_rows(request.user)},
    )


@login_required
@require_POST
@require_recent_auth(return_to=lambda request, code: reverse("accounts:approvals"))
def approval_decide(request, code):
    invitation = queries.role_grant_get_for(request.user, code)
    decision = request.POST.get("decision")
    if decision == "approve" and throttle.invitations_blocked(request):
        messages.error(request, throttle.INVITATIONS_PAUSED)
    elif decision == "approve":
        throttle.invitation_sent(request)
        try:
            services.invitation_approve(invitation=invitation, by=request.user, request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Approved: the invitation is on its way to {invitation.email}."
            )
    elif decision == "decline":
        services.invitation_revoke(invitation=invitation, by=request.user)
        messages.success(request, f"Declined: {invitation.email} is not invited.")
    else:
        return render(
            request,
            "accounts/approvals.html",
            {"grants": _grant_rows(request.user)},
            status=400,
        )
    return redirect("accounts:approvals")

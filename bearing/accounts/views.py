"""Sign-in, invitations, account settings, the calendar feed and staff pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.engagements.queries import calendar_sessions_for
from bearing.lib import ics

from . import queries, services, throttle
from .forms import (
    AccountSettingsForm,
    EmailLoginForm,
    InvitationAcceptForm,
    OrganizationForm,
    PracticeForm,
    StaffInviteForm,
)
from .models import Invitation, User

# --- Sign in and out ---------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "")
        ip = request.META.get("REMOTE_ADDR")
        if throttle.is_throttled(email, ip):
            context = self.get_context_data(form=self.form_class(request), throttled=True)
            return self.render_to_response(context, status=429)
        response = super().post(request, *args, **kwargs)
        if request.user.is_authenticated:
            throttle.clear(email, ip)
        else:
            throttle.record_failure(email, ip)
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    subject_template_name = "email/password_reset_subject.txt"
    email_template_name = "email/password_reset.txt"
    html_email_template_name = "email/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"site_url": settings.SITE_URL}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        messages.success(self.request, "Your password is changed.")
        return super().form_valid(form)


# --- Invitations -----------------------------------------------------------------


def _role_phrase(invitation: Invitation) -> str:
    if invitation.role == "coach":
        return f"a coach in {invitation.practice.name}"
    if invitation.role == "coachee":
        return f"a coachee with {invitation.organization.name}"
    if invitation.role == "sponsor":
        return f"a sponsor for {invitation.organization.name}"
    return "staff of this installation"


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_lookup(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    signed_in = request.user if request.user.is_authenticated else None
    if signed_in is not None and signed_in.email != invitation.email:
        return render(
            request,
            "accounts/invitation_other_account.html",
            {"invitation": invitation},
            status=404,
        )
    form = (
        None
        if signed_in
        else InvitationAcceptForm(
            request.POST or None, initial={"name": invitation.name, "time_zone": "UTC"}
        )
    )
    if request.method == "POST":
        try:
            if signed_in is not None:
                user = services.invitation_accept(
                    token=token, name="", password="", existing_user=signed_in, request=request
                )
            elif form.is_valid():
                user = services.invitation_accept(
                    token=token,
                    name=form.cleaned_data["name"],
                    password=form.cleaned_data["password"],
                    time_zone=form.cleaned_data["time_zone"],
                    request=request,
                )
            else:
                user = None
        except ValidationError as exc:
            user = None
            if form is None:
                messages.error(request, " ".join(exc.messages))
            elif hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("password", exc.messages)
        if user is not None:
            if signed_in is None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome to Bearing. You are now {_role_phrase(invitation)}."
            )
            return redirect("dashboard")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "role_phrase": _role_phrase(invitation)},
    )


# --- Account settings and calendar -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    user = request.user
    form = AccountSettingsForm(
        request.POST or None, initial={"name": user.name, "time_zone": user.time_zone}
    )
    if request.method == "POST" and form.is_valid():
        services.account_update(
            user=user, name=form.cleaned_data["name"], time_zone=form.cleaned_data["time_zone"]
        )
        messages.success(request, "Your settings are saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form})


def _feed_url(user: User) -> str:
    return f"{settings.SITE_URL}{reverse('accounts:calendar_feed', args=[user.calendar_token])}"


@login_required
@require_GET
def calendar(request):
    return render(request, "accounts/calendar.html", {"feed_url": _feed_url(request.user)})


@login_required
@require_POST
def calendar_reset(request):
    services.calendar_token_reset(user=request.user, request=request)
    messages.success(request, "Your calendar link is replaced. The old link no longer works.")
    return redirect("accounts:calendar")


@require_GET
def calendar_feed(request, token: str):
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or len(token) < 20:
        raise Http404("Not found")
    events = []
    for session in calendar_sessions_for(user):
        engagement = session.engagement
        other = (
            engagement.coachee_display if engagement.coach_id == user.id else engagement.coach.name
        )
        events.append(
            ics.Event(
                uid=f"session-{session.code}@bearing",
                start=session.scheduled_for,
                end=session.ends_at,
                summary=f"Coaching session with {other}",
                sequence=session.sequence,
                status="CANCELLED" if session.status == "cancelled" else "CONFIRMED",
                location=session.location,
                url=f"{settings.SITE_URL}/sessions/{session.code}/",
                stamp=session.created_at,
            )
        )
    body = ics.calendar(events, name="Bearing coaching sessions")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="bearing.ics"'
    return response


# --- Staff -------------------------------------------------------------------------


def _staff_only(request):
    if not queries.roles_of(request.user).is_staff:
        raise Http404("Not found")


@login_required
@require_GET
def staff(request):
    _staff_only(request)
    return _staff_page(request)


def _staff_page(request, status: int = 200, **forms):
    ctx = {
        "overview": queries.staff_overview(),
        "org_form": OrganizationForm(prefix="org"),
        "practice_form": PracticeForm(prefix="practice"),
        "invite_form": StaffInviteForm(prefix="invite"),
        **forms,
    }
    return render(request, "accounts/staff.html", ctx, status=status)


@login_required
@require_POST
def staff_organization_create(request):
    _staff_only(request)
    form = OrganizationForm(request.POST, prefix="org")
    if form.is_valid():
        services.organization_create(name=form.cleaned_data["name"])
        messages.success(request, "Organization added.")
        return redirect("accounts:staff")
    return _staff_page(request, 400, org_form=form)


@login_required
@require_POST
def staff_practice_create(request):
    _staff_only(request)
    form = PracticeForm(request.POST, prefix="practice")
    if form.is_valid():
        services.practice_create(name=form.cleaned_data["name"])
        messages.success(request, "Practice added.")
        return redirect("accounts:staff")
    return _staff_page(request, 400, practice_form=form)


@login_required
@require_POST
def staff_invite(request):
    _staff_only(request)
    form = StaffInviteForm(request.POST, prefix="invite")
    if form.is_valid():
        try:
            services.invitation_create(
                invited_by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                practice=form.cleaned_data["practice"],
                organization=form.cleaned_data["organization"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("accounts:staff")
    return _staff_page(request, 400, invite_form=form)


@login_required
@require_POST
def staff_invitation_revoke(request, code):
    _staff_only(request)
    invitation = get_object_or_404(Invitation, code=code)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("accounts:staff")

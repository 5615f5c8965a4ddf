"""The staff page: people, roles, organizations, practices, invitations, and the
engagements with their attendance counts.

It lists engagements, so it is composed here, above accounts and engagements, never
inside accounts. The URL names stay in the accounts namespace (``accounts:staff``...):
``bearing/urls.py`` wires these patterns in with accounts' own.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from bearing.accounts import queries, services, throttle
from bearing.accounts.forms import (
    OrganizationForm,
    PracticeForm,
    PracticeOrganizationForm,
    StaffInviteForm,
)
from bearing.accounts.models import Organization, Practice
from bearing.accounts.recent_auth import require_recent_auth
from bearing.engagements.queries import STAFF_ENGAGEMENTS_PER_PAGE, staff_engagements
from bearing.lib.forms import apply_errors


def _people_query(request) -> dict:
    """The people search and page from the address (?q=...&page=...)."""
    return {"search": request.GET.get("q", "").strip()[:150], "page": _page_number(request, "page")}


def _page_number(request, name: str) -> int:
    try:
        return min(max(int(request.GET.get(name, "1")), 1), 100_000)
    except ValueError:
        return 1


# Organizations and practices listed on one page of the staff page (their selects in the
# forms still offer every one).
LIST_PER_PAGE = 10


def _staff_page(request, status: int = 200, **forms):
    """People, roles, organizations, practices, invitations and engagement status
    with attendance counts. Never anything said or written in coaching."""
    overview = queries.staff_overview(
        **_people_query(request),
        organizations_page=_page_number(request, "opage"),
        practices_page=_page_number(request, "ppage"),
        per_page=LIST_PER_PAGE,
    )
    engagements_page = _page_number(request, "epage")
    engagements = staff_engagements(
        limit=STAFF_ENGAGEMENTS_PER_PAGE + 1,
        offset=(engagements_page - 1) * STAFF_ENGAGEMENTS_PER_PAGE,
    )
    ctx = {
        "overview": overview,
        "engagements": engagements[:STAFF_ENGAGEMENTS_PER_PAGE],
        "engagements_page": engagements_page,
        "engagements_has_next": len(engagements) > STAFF_ENGAGEMENTS_PER_PAGE,
        "organizations": overview.organizations,
        "organizations_page": overview.organizations_page,
        "organizations_has_next": overview.organizations_has_next,
        "practices": overview.practices,
        "practices_page": overview.practices_page,
        "practices_has_next": overview.practices_has_next,
        "erasures": list(queries.erasures_pending().values()),
        "org_form": OrganizationForm(prefix="org"),
        "practice_form": PracticeForm(prefix="practice"),
        **forms,
    }
    if "served_form" not in ctx:
        ctx["served_form"] = PracticeOrganizationForm(
            prefix="served",
            practice_choices=overview.practice_choices,
            organization_choices=overview.organization_choices,
        )
    if "invite_form" not in ctx:
        ctx["invite_form"] = StaffInviteForm(
            prefix="invite",
            practice_choices=overview.practice_choices,
            organization_choices=overview.organization_choices,
        )
    return render(request, "accounts/staff.html", ctx, status=status)


@login_required
@require_GET
def staff(request):
    queries.require_staff(request.user)
    return _staff_page(request)


@login_required
@require_POST
@require_recent_auth(return_to=lambda request, code: reverse("accounts:staff"))
def staff_companion_model(request, code):
    """Staff switch: may the companion use the configured language model for this
    organization's coachees? Off by default."""
    queries.require_staff(request.user)
    organization = get_object_or_404(Organization, code=code)
    enabled = request.POST.get("enabled") == "1"
    services.organization_set_companion_model(organization=organization, enabled=enabled)
    messages.success(
        request,
        f"The companion for {organization.name} "
        + ("may now use the language model." if enabled else "is offline only."),
    )
    return redirect("accounts:staff")


@login_required
@require_POST
def staff_organization_create(request):
    queries.require_staff(request.user)
    form = OrganizationForm(request.POST, prefix="org")
    if form.is_valid():
        try:
            organization = services.organization_create(name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_errors(form, exc, default_field="name")
        else:
            messages.success(request, f"Organization “{organization.name}” added.")
            return redirect("accounts:staff")
    return _staff_page(request, 400, org_form=form)


@login_required
@require_POST
def staff_practice_create(request):
    queries.require_staff(request.user)
    form = PracticeForm(request.POST, prefix="practice")
    if form.is_valid():
        try:
            practice = services.practice_create(name=form.cleaned_data["name"])
        except ValidationError as exc:
            apply_errors(form, exc, default_field="name")
        else:
            messages.success(request, f"Practice “{practice.name}” added.")
            return redirect("accounts:staff")
    return _staff_page(request, 400, practice_form=form)


@login_required
@require_POST
def staff_practice_organization(request):
    """Staff record that a practice works with an organization: its coaches may
    then start engagements there."""
    queries.require_staff(request.user)
    form = PracticeOrganizationForm(request.POST, prefix="served")
    if form.is_valid():
        practice, organization = form.cleaned_data["practice"], form.cleaned_data["organization"]
        services.practice_organization_add(
            practice=practice, organization=organization, by=request.user
        )
        messages.success(request, f"{practice.name} now works with {organization.name}.")
        return redirect("accounts:staff")
    return _staff_page(request, 400, served_form=form)


@login_required
@require_POST
def staff_practice_organization_remove(request, code, organization_code):
    queries.require_staff(request.user)
    practice = get_object_or_404(Practice, code=code)
    organization = get_object_or_404(Organization, code=organization_code)
    services.practice_organization_remove(
        practice=practice, organization=organization, by=request.user
    )
    messages.success(
        request,
        f"{practice.name} no longer starts engagements with {organization.name}; "
        "engagements already running go on.",
    )
    return redirect("accounts:staff")


@login_required
@require_POST
@require_recent_auth(return_to=lambda request: reverse("accounts:staff"))
def staff_invite(request):
    queries.require_staff(request.user)
    form = StaffInviteForm(request.POST, prefix="invite")
    if throttle.invitations_blocked(request):
        form.add_error(None, throttle.INVITATIONS_PAUSED)
        return _staff_page(request, 429, invite_form=form)
    if form.is_valid():
        try:
            services.invitation_create(
                invited_by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                role=form.cleaned_data["role"],
                practice=form.cleaned_data["practice"],
                organization=form.cleaned_data["organization"],
                request=request,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            throttle.invitation_sent(request)
            messages.success(
                request,
                f"The invitation to {form.cleaned_data['email']} waits for a second person's "
                "approval (other staff, or for a sponsor the organization's sponsor); "
                "it is sent once approved.",
            )
            return redirect("accounts:staff")
    return _staff_page(request, 400, invite_form=form)


@login_required
@require_POST
def staff_invitation_revoke(request, code):
    queries.require_staff(request.user)
    invitation = queries.pending_invitation_get(code)
    services.invitation_revoke(invitation=invitation, by=request.user)
    messages.success(request, f"The invitation to {invitation.email} is revoked.")
    return redirect("accounts:staff")


urlpatterns = [
    path("staff/", staff, name="staff"),
    path("staff/organizations/", staff_organization_create, name="staff_organization"),
    path(
        "staff/organizations/<uuid:code>/companion-model/",
        staff_companion_model,
        name="staff_companion_model",
    ),
    path("staff/practices/", staff_practice_create, name="staff_practice"),
    path(
        "staff/practices/organizations/",
        staff_practice_organization,
        name="staff_practice_organization",
    ),
    path(
        "staff/practices/<uuid:code>/organizations/<uuid:organization_code>/remove/",
        staff_practice_organization_remove,
        name="staff_practice_organization_remove",
    ),
    path("staff/invitations/", staff_invite, name="staff_invite"),
    path(
        "staff/invitations/<uuid:code>/revoke/",
        staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
]

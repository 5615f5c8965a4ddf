"""The front door: home, the per-role dashboard, health."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from bearing.accounts.queries import roles_of
from bearing.engagements import queries as eq
from bearing.engagements.access import Relation, audit_read
from bearing.engagements.models import Action
from bearing.growth.queries import attention_list


@require_GET
def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return redirect("accounts:login")


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@login_required
def dashboard(request):
    user = request.user
    roles = roles_of(user)
    ctx = {"roles": roles}
    if roles.is_coach:
        ctx["coach_engagements"] = eq.coach_engagement_rows(user)
        ctx["attention"] = attention_list(user)
        ctx["coach_overdue"] = eq.coach_overdue_actions(user, limit=20)
        # Action titles the coachee wrote: the read is audited, never the text.
        audit_read(
            request,
            None,
            Relation.COACH,
            kind=Action,
            written_by=[a.created_by_id for a in ctx["coach_overdue"]],
            label="actions",
            target="overdue-list",
        )
    if roles.is_coach or roles.is_coachee:
        ctx["upcoming"] = list(eq.upcoming_sessions_for(user))
    if roles.is_coachee:
        ctx["my_engagements"] = list(eq.engagements_of_coachee(user))
        ctx["my_actions"] = list(eq.open_actions_for_coachee(user))
        # Action titles the coach wrote, read by the coachee: audited the same way.
        audit_read(
            request,
            None,
            Relation.COACHEE,
            kind=Action,
            written_by=[a.created_by_id for a in ctx["my_actions"]],
            label="actions",
            target="open-list",
        )
        ctx["pending_agreements"] = eq.agreements_awaiting(user)
    if roles.is_sponsor:
        # A page at a time, with a search by coachee: an organization may have thousands.
        search = request.GET.get("q", "").strip()[:150]
        page = _page_number(request)
        per_page = eq.SPONSOR_ENGAGEMENTS_PER_PAGE
        rows = eq.sponsor_engagements(
            user, limit=per_page + 1, offset=(page - 1) * per_page, search=search
        )
        ctx.update(
            sponsor_rows=rows[:per_page],
            sponsor_page=page,
            sponsor_has_next=len(rows) > per_page,
            sponsor_search=search,
        )
    if roles.is_staff:
        from bearing.accounts import queries as aq

        ctx["staff"] = aq.installation_counts()
        ctx["staff_counts"] = eq.engagement_counts_by_status()
    return render(request, "dashboard.html", ctx)


def _page_number(request) -> int:
    try:
        return min(max(int(request.GET.get("page", "1")), 1), 100_000)
    except ValueError:
        return 1


def not_found(request, exception=None):
    return render(request, "404.html", status=404)

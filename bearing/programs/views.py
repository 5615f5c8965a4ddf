"""The sponsor's pages. Built only from the allow-list in engagements.queries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from bearing.engagements import queries as eq
from bearing.engagements import services as es
from bearing.engagements.models import Engagement
from bearing.growth.queries import sponsor_goal_progress


def _sponsor_terms(agreement):
    """The agreement's terms a sponsor may read: never its objectives."""
    if agreement is None:
        return None
    return {
        "version": agreement.version,
        "cadence": agreement.cadence,
        "session_minutes": agreement.session_minutes,
        "session_count": agreement.session_count,
        "confidentiality_limits": agreement.confidentiality_limits,
        "signals": sorted(agreement.sponsor_signals),
        "accepted_at": agreement.accepted_at,
        "acknowledged_at": agreement.sponsor_acknowledged_at,
        "awaiting_acceptance": agreement.accepted_at is None,
    }


@login_required
@require_GET
def engagement(request, code):
    row, latest = eq.sponsor_engagement_get(request.user, code)
    goals = []
    if row.agreement_accepted:
        engagement_id = Engagement.objects.filter(code=row.code).values_list("id", flat=True)[0]
        goals = sponsor_goal_progress([engagement_id]).get(engagement_id, [])
    return render(
        request,
        "programs/engagement.html",
        {
            "row": row,
            "goals": goals,
            "terms": _sponsor_terms(latest),
            "signal_labels": dict(SIGNAL_LABELS),
        },
    )


@login_required
@require_POST
def acknowledge(request, code):
    row, latest = eq.sponsor_engagement_get(request.user, code)
    try:
        es.agreement_acknowledge(agreement=latest, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have acknowledged the coaching agreement.")
    return redirect("programs:engagement", code=row.code)


SIGNAL_LABELS = [
    ("status", "Engagement status"),
    ("attendance", "Session attendance"),
    ("goal_progress", "Progress on goals the coachee marks as shared"),
    ("summaries", "Progress summaries the coachee has approved"),
]

"""The sponsor's pages. Built only from the allow-lists in engagements.queries:
the sponsor's row (names, and the signals the agreement shares) and the
agreement's non-confidential terms, goal progress and approved progress summaries.
Never objectives, notes, agendas or actions, and never a model instance."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from bearing.engagements import queries as eq
from bearing.engagements import services as es
from bearing.engagements.access import Relation, audit_read
from bearing.engagements.models import SponsorSignal
from bearing.growth.models import ProgressSummary
from bearing.growth.queries import sponsor_goals, sponsor_summaries


@login_required
@require_GET
def engagement(request, code):
    detail = eq.sponsor_engagement_detail(request.user, code)
    goals = []
    if detail.terms is not None and SponsorSignal.GOAL_PROGRESS in detail.terms.signals:
        # sponsor_goals checks the agreement in force again, and shares only
        # goals the coachee marked as shared, as a percentage.
        goals = sponsor_goals(request.user, code)
    summaries = []
    if detail.terms is not None and SponsorSignal.SUMMARIES in detail.terms.signals:
        summaries = sponsor_summaries(request.user, code)
        for summary in summaries:  # text the coach wrote, read by the sponsor
            audit_read(
                request,
                summary,
                Relation.SPONSOR,
                kind=ProgressSummary,
                fields=["body"],
                label="summary",
            )
    shared = []
    if detail.terms is not None:
        shared = [s.label for s in SponsorSignal if s.value in detail.terms.signals]
    return render(
        request,
        "programs/engagement.html",
        {
            "row": detail.row,
            "terms": detail.terms,
            "newer_version_waiting": detail.newer_version_waiting,
            "shared_signals": shared,
            "goals": goals,
            "summaries": summaries,
        },
    )


@login_required
@require_POST
def acknowledge(request, code):
    agreement = eq.sponsor_agreement_to_acknowledge(request.user, code)
    if agreement is None:
        messages.error(request, "There is nothing to acknowledge until the coachee accepts.")
        return redirect("programs:engagement", code=code)
    try:
        es.agreement_acknowledge(agreement=agreement, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have acknowledged the coaching agreement.")
    return redirect("programs:engagement", code=code)

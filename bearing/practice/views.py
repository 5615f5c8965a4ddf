"""The decision journal's pages. The coachee works in them; the coach reads a
decision record only once the coachee shares it; the sponsor, another coach,
staff and everyone else get 404 from the door."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.engagements.access import Relation, audit_read
from bearing.engagements.queries import engagement_get_for
from bearing.lib.actions import attempt
from bearing.lib.forms import apply_errors

from . import framework as fw
from . import queries as q
from . import services as s
from .forms import DecideForm, NewDecisionForm, ReflectionForm, ReviewForm, StepForm
from .models import QUADRANTS, Decision, DecisionStatus

COACHEE = Relation.COACHEE


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request, code):
    """The coachee's decision journal (and a new decision); the coach's list of
    the decision records the coachee shared."""
    posting = request.method == "POST"
    engagement, relation = engagement_get_for(
        request.user, code, allow={COACHEE} if posting else None
    )
    form = NewDecisionForm(request.POST if request.method == "POST" else None)
    if posting and form.is_valid():
        try:
            decision = s.decision_create(
                engagement=engagement,
                by=request.user,
                title=form.cleaned_data["title"],
                why_now=form.cleaned_data["why_now"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("practice:decision_step", code=decision.code, step=fw.STEPS[1].slug)
    rows = q.decisions_for(request.user, engagement, relation)
    if rows:
        audit_read(
            request, engagement, relation, kind=Decision, fields=["title"], label="decisions"
        )
    is_coachee = relation == COACHEE
    return render(
        request,
        "practice/decisions.html",
        {
            "engagement": engagement,
            "is_coachee": is_coachee,
            "decisions": rows,
            "due": [d for d in rows if d.review_due] if is_coachee else [],
            "form": form,
        },
        status=400 if form.errors else 200,
    )


def _answers_for_show(decision: Decision) -> dict:
    """The framework's answers, laid out for reading (the snapshot's once decided)."""
    f = decision.snapshot.get("framework", {}) if not decision.is_draft else decision.framework
    options = fw.options_of(f)
    outcomes = f.get("outcomes", [])
    choice = f.get("choice")
    return {
        "f": f,
        "options": [
            {
                "name": name,
                "chosen": choice == i,
                "outcome": outcomes[i] if i < len(outcomes) else {},
            }
            for i, name in enumerate(options)
        ],
        "criteria": fw.criteria_of(f),
        "rows": [
            (t, [fw.score_of(f, t.index, j) for j in range(len(fw.criteria_of(f)))])
            for t in fw.weighted_totals(f)
        ],
        "chosen": options[choice] if isinstance(choice, int) and choice < len(options) else "",
    }


def grid_rows(quadrant: str = "", counts: dict[str, int] | None = None) -> list[dict]:
    """The 2x2's rows (sound process, weak process) of cells (good, bad outcome)."""
    rows = []
    for label, process in (("Sound process", True), ("Weak process", False)):
        cells = []
        for outcome in (True, False):
            key, name, meaning = QUADRANTS[(outcome, process)]
            cells.append(
                {
                    "key": key,
                    "name": name,
                    "meaning": meaning,
                    "here": key == quadrant,
                    "count": counts.get(key, 0) if counts is not None else None,
                }
            )
        rows.append({"label": label, "cells": cells})
    return rows


def _quadrant_name(quadrant: str) -> str:
    return next((name for key, name, _ in QUADRANTS.values() if key == quadrant), "")


def _decision_page(request, decision: Decision, relation, reflection_form, status=200):
    is_coachee = relation == COACHEE
    done = fw.steps_done(decision.framework, decision.title) if decision.is_draft else {}
    return render(
        request,
        "practice/decision.html",
        {
            "decision": decision,
            "engagement": decision.engagement,
            "is_coachee": is_coachee,
            "steps": [(step, done.get(step.slug, False)) for step in fw.STEPS],
            "show": _answers_for_show(decision),
            "predictions": list(decision.predictions.all()),
            "reflections": list(decision.reflections.all()),
            "reflection_form": reflection_form,
            "grid_rows": grid_rows(decision.quadrant),
            "quadrant_name": _quadrant_name(decision.quadrant),
        },
        status=status,
    )


@login_required
@require_GET
def decision(request, code):
    decision, relation = q.decision_get_for(request.user, code, request=request)
    return _decision_page(request, decision, relation, ReflectionForm())


@login_required
@require_http_methods(["GET", "POST"])
def decision_step(request, code, step):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    current = fw.step_by_slug(step)
    if current is None:
        raise Http404("No such step")
    if not decision.is_draft:
        messages.info(request, s.FROZEN)
        return redirect("practice:decision", code=decision.code)
    form = StepForm(step, decision, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            s.decision_step_save(
                decision=decision, by=request.user, step=step, answers=form.answers()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            following = fw.next_step(step)
            if following is None or request.POST.get("then") == "overview":
                return redirect("practice:decision", code=decision.code)
            return redirect("practice:decision_step", code=decision.code, step=following.slug)
    index = fw.STEP_SLUGS.index(step)
    following = fw.next_step(step)
    return render(
        request,
        "practice/step.html",
        {
            "decision": decision,
            "engagement": decision.engagement,
            "step": current,
            "number": index + 1,
            "count": len(fw.STEPS) + 1,
            "previous": fw.STEPS[index - 1] if index else None,
            "following": following,
            "form": form,
            "needs_options": step in ("matrix", "outcomes") and len(form.options) < 2,
            "needs_criteria": step == "matrix" and not form.criteria,
            "totals": (totals := fw.weighted_totals(decision.framework)),
            "all_scored": step == "matrix" and bool(totals) and all(t.scored for t in totals),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_decide(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    if not decision.is_draft:
        messages.info(request, s.FROZEN)
        return redirect("practice:decision", code=decision.code)
    form = DecideForm(
        decision,
        request.POST if request.method == "POST" else None,
        initial={"kind": decision.kind},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.decision_decide(
                decision=decision,
                by=request.user,
                choice=d["choice"],
                reasons=d["reasons"],
                kind=d["kind"],
                review_on=d["review_on"],
                predictions=[s.PredictionInput(*row) for row in form.predictions()],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="choice")
        else:
            messages.success(
                request,
                "Decided. Your reasoning is kept as it is today; Bearing will bring it back "
                "on the review date.",
            )
            return redirect("practice:decision", code=decision.code)
    return render(
        request,
        "practice/decide.html",
        {
            "decision": decision,
            "engagement": decision.engagement,
            "form": form,
            "question": fw.DECIDE_QUESTION,
            "number": len(fw.STEPS) + 1,
            "count": len(fw.STEPS) + 1,
            "totals": fw.weighted_totals(decision.framework),
            "too_few_options": len(form.options) < 2,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def decision_reflect(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    form = ReflectionForm(request.POST)
    if form.is_valid():
        try:
            s.decision_reflect(decision=decision, by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc, default_field="text")
        else:
            messages.success(request, "Reflection added.")
            return redirect("practice:decision", code=decision.code)
    return _decision_page(request, decision, COACHEE, form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def decision_review(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    if decision.status != DecisionStatus.DECIDED:
        messages.info(
            request,
            "Decide first; the review looks back on a decision made."
            if decision.is_draft
            else "This decision is reviewed already. Add a reflection instead.",
        )
        return redirect("practice:decision", code=decision.code)
    predictions = list(decision.predictions.all())
    form = ReviewForm(predictions, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.decision_review(
                decision=decision,
                by=request.user,
                what_happened=d["what_happened"],
                outcome_quality=d["outcome_quality"],
                process_quality=d["process_quality"],
                lessons=d["lessons"],
                results=form.results(),
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="what_happened")
        else:
            messages.success(request, "Reviewed. See where it sits on the 2×2 below.")
            return redirect("practice:decision", code=decision.code)
    return render(
        request,
        "practice/review.html",
        {
            "decision": decision,
            "engagement": decision.engagement,
            "form": form,
            "show": _answers_for_show(decision),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def decision_share(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    share = request.POST.get("share") == "1"
    s.decision_share(decision=decision, by=request.user, share=share)
    messages.success(
        request,
        "Your coach can now read this decision record."
        if share
        else "No longer shared with your coach.",
    )
    return redirect("practice:decision", code=decision.code)


@login_required
@require_POST
def decision_delete(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    engagement_code = decision.engagement.code
    deleted = attempt(
        request,
        lambda: s.decision_delete(decision=decision, by=request.user),
        "The draft is deleted.",
    )
    if not deleted.ok:
        return redirect("practice:decision", code=decision.code)
    return redirect("practice:decisions", code=engagement_code)


@login_required
@require_POST
def prediction_resolve(request, code):
    prediction, _ = q.prediction_get_for(request.user, code)
    answer = request.POST.get("came_true")
    if answer not in ("yes", "no"):
        messages.error(request, "Say whether it came true.")
    else:
        attempt(
            request,
            lambda: s.prediction_resolve(
                prediction=prediction, by=request.user, came_true=answer == "yes"
            ),
            "Prediction settled. It now counts in your calibration.",
        )
    return redirect("practice:decision", code=prediction.decision.code)


# The calibration chart's plot area, in SVG units.
_PLOT = {"left": 60, "top": 16, "size": 256}


def _chart_points(calibration: fw.Calibration) -> list[dict]:
    size, left, top = _PLOT["size"], _PLOT["left"], _PLOT["top"]
    points = []
    for b in calibration.drawn_bins:
        forecast, observed = b.mean_forecast or 0.0, b.observed or 0.0
        points.append(
            {
                "x": f"{left + size * forecast:.1f}",
                "y": f"{top + size * (1 - observed):.1f}",
                "r": f"{min(8.0, 3 + b.count / 4):.1f}",
                "label": (
                    f"{b.label}: said {forecast:.0%} on average, "
                    f"{observed:.0%} came true ({b.count})"
                ),
            }
        )
    return points


@login_required
@require_GET
def calibration(request, code):
    """How well the coachee's confidence matches what happened: theirs alone."""
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    cal = q.calibration_for(engagement)
    left, top, size = _PLOT["left"], _PLOT["top"], _PLOT["size"]
    ticks = [
        {"value": v, "x": f"{left + size * v / 100:.1f}", "y": f"{top + size * (1 - v / 100):.1f}"}
        for v in (0, 25, 50, 75, 100)
    ]
    return render(
        request,
        "practice/calibration.html",
        {
            "engagement": engagement,
            "cal": cal,
            "min_resolved": fw.MIN_RESOLVED,
            "min_per_bin": fw.MIN_PER_BIN,
            "points": _chart_points(cal),
            "ticks": ticks,
            "plot": {"left": left, "top": top, "right": left + size, "bottom": top + size},
            "kinds": q.record_by_kind(engagement),
            "grid_rows": grid_rows(counts=q.review_grid(engagement)),
        },
    )


def bring(request, record, back: str):
    """Bring a record to the next coaching session (shared with the coach)."""
    attempt(
        request,
        lambda: s.bring_to_next_session(record=record, by=request.user),
        lambda session: (
            "Shared with your coach and brought to your coaching session of "
            f"{date_format(timezone.localtime(session.scheduled_for), 'l j F')}."
        ),
    )
    return redirect(back)


@login_required
@require_POST
def decision_bring(request, code):
    decision, _ = q.decision_get_for(request.user, code, request=request, want=COACHEE)
    return bring(request, decision, reverse("practice:decision", args=[decision.code]))

"""Transition plans: the coachee's first 90 days from a template, with a stakeholder
map and the five conversations with the new manager. The coach reads a plan only
once the coachee shares it; everyone else gets 404."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bearing.engagements.access import Relation
from bearing.engagements.queries import engagement_get_for
from bearing.lib.forms import apply_errors

from . import queries as q
from . import services as s
from . import transitions as tr
from .forms import PlanGoalForm, StakeholderForm, TransitionNewForm, TransitionPlanForm
from .models import STAKEHOLDER_QUADRANTS, TransitionKind, TransitionPlan
from .views import bring

COACHEE = Relation.COACHEE


@login_required
@require_http_methods(["GET", "POST"])
def transitions(request, code):
    posting = request.method == "POST"
    engagement, relation = engagement_get_for(
        request.user, code, allow={COACHEE} if posting else None
    )
    form = TransitionNewForm(request.POST if posting else None)
    if posting and form.is_valid():
        d = form.cleaned_data
        try:
            plan = s.transition_plan_create(
                engagement=engagement,
                by=request.user,
                kind=d["kind"],
                title=d["title"],
                starts_on=d["starts_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Your plan is ready. Its checkpoints are dated actions, named without the"
                " plan's title: your coach sees your actions.",
            )
            return redirect("practice:transition", code=plan.code)
    plans = q.transitions_for(request.user, engagement, relation)
    return render(
        request,
        "practice/transitions.html",
        {
            "engagement": engagement,
            "is_coachee": relation == COACHEE,
            "plans": plans,
            "form": form,
            "templates": tr.TEMPLATES.values(),
        },
        status=400 if form.errors else 200,
    )


def _plan_page(request, plan: TransitionPlan, relation, *, form=None, person_form=None, status=200):
    is_coachee = relation == COACHEE
    people = list(plan.stakeholders.all())
    situation = [(name, getattr(plan, key)) for key, name, _ in tr.SITUATIONS]
    return render(
        request,
        "practice/transition.html",
        {
            "plan": plan,
            "engagement": plan.engagement,
            "is_coachee": is_coachee,
            "form": form or (TransitionPlanForm(plan) if is_coachee else None),
            "person_form": person_form or StakeholderForm(),
            "people": people,
            "grid": q.stakeholder_grid(people),
            "quadrant_names": STAKEHOLDER_QUADRANTS,
            "checkpoints": [
                (tr.CHECKPOINT_NAMES[c.day], plan.starts_on + timedelta(days=c.day - 1), c.action)
                for c in q.plan_checkpoints(plan)
            ],
            "sections": [
                (name, (plan.sections or {}).get(key, "")) for key, name, _ in tr.SECTIONS
            ],
            "conversations": [
                (name, question, (plan.conversations or {}).get(key, {}))
                for key, name, question in tr.CONVERSATIONS
            ],
            "situation": situation,
            "situation_set": any(v for _, v in situation),
            "template": tr.TEMPLATES[TransitionKind(plan.kind)],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def transition(request, code):
    posting = request.method == "POST"
    plan, relation = q.transition_plan_get_for(
        request.user, code, request=request, want=COACHEE if posting else None
    )
    if not posting:
        return _plan_page(request, plan, relation)
    form = TransitionPlanForm(plan, request.POST)
    if form.is_valid():
        situation, sections, conversations = form.parts()
        try:
            s.transition_plan_update(
                plan=plan,
                by=request.user,
                situation=situation,
                sections=sections,
                conversations=conversations,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Plan saved.")
            return redirect("practice:transition", code=plan.code)
    return _plan_page(request, plan, relation, form=form, status=400)


@login_required
@require_POST
def stakeholder_add(request, code):
    plan, relation = q.transition_plan_get_for(request.user, code, request=request, want=COACHEE)
    form = StakeholderForm(request.POST)
    if form.is_valid():
        try:
            s.stakeholder_add(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Added to your stakeholder map.")
            return redirect(f"{plan_url(plan)}#map")
    return _plan_page(request, plan, relation, person_form=form, status=400)


def plan_url(plan: TransitionPlan) -> str:
    return reverse("practice:transition", args=[plan.code])


@login_required
@require_POST
def stakeholder_remove(request, code):
    person, _ = q.stakeholder_get_for(request.user, code)
    plan = person.plan
    s.stakeholder_remove(stakeholder=person, by=request.user)
    messages.success(request, "Removed from your stakeholder map.")
    return redirect(f"{plan_url(plan)}#map")


@login_required
@require_POST
def transition_share(request, code):
    plan, _ = q.transition_plan_get_for(request.user, code, request=request, want=COACHEE)
    share = request.POST.get("share") == "1"
    s.transition_plan_share(plan=plan, by=request.user, share=share)
    messages.success(
        request,
        "Your coach can now read this plan." if share else "No longer shared with your coach.",
    )
    return redirect("practice:transition", code=plan.code)


@login_required
@require_http_methods(["GET", "POST"])
def transition_goal(request, code):
    """A goal in the development plan that comes from this transition plan."""
    plan, _ = q.transition_plan_get_for(request.user, code, request=request, want=COACHEE)
    if plan.goal_id:
        return redirect("growth:goal", code=plan.goal.code)
    form = PlanGoalForm(
        request.POST if request.method == "POST" else None,
        initial={"title": f"Land well in my transition: {plan.title}"},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            goal = s.transition_plan_goal(
                plan=plan,
                by=request.user,
                title=d["title"],
                baseline_rating=d["baseline_rating"],
                target_rating=d["target_rating"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The goal is in your development plan.")
            return redirect("growth:goal", code=goal.code)
    return render(
        request,
        "practice/transition_goal.html",
        {"plan": plan, "engagement": plan.engagement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def transition_bring(request, code):
    plan, _ = q.transition_plan_get_for(request.user, code, request=request, want=COACHEE)
    return bring(request, plan, plan_url(plan))

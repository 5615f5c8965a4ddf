"""The development plan, check-ins and wins. The coachee writes; the coach reads
and may suggest goals. Sponsors and everyone else get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.engagements.access import Relation, audit_read
from bearing.engagements.queries import agreement_in_force, engagement_get_for, session_get_for
from bearing.lib.actions import attempt
from bearing.lib.brief_sections import brief_sources
from bearing.lib.forms import apply_errors

from . import queries as q
from . import services as s
from .charts import line_chart
from .forms import CheckInCorrectionForm, CheckInForm, GoalForm, RaiseTargetForm, RhythmForm
from .models import CheckIn, Goal, GoalKind, Win


def _goal_author(goal) -> int | None:
    """Who wrote a goal: the coach who suggested it, or else the coachee."""
    return goal.suggested_by_id or goal.engagement.coachee_id


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        key_results = []
        if d["kind"] == GoalKind.MEASURABLE:
            key_results = [
                s.KeyResultInput(
                    metric=d["metric"],
                    baseline=d["baseline"],
                    target=d["target"],
                    unit=d["unit"],
                    direction=d["direction"],
                    measure=d["measure"],
                )
            ]
        try:
            s.goal_create(
                engagement=engagement,
                by=request.user,
                title=d["title"],
                focus_area=d["focus_area"],
                custom_focus=d["custom_focus"],
                kind=d["kind"],
                key_results=key_results,
                baseline_rating=d["baseline_rating"],
                target_rating=d["target_rating"],
                milestones=[(d["milestone"], d["milestone_due"])] if d["milestone"] else [],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "Goal added to your plan."
                if relation == Relation.COACHEE
                else "Goal suggested. It joins the plan when your coachee accepts it.",
            )
            return redirect("growth:plan", code=engagement.code)
    goals = q.plan_goals(engagement)
    for goal in goals:
        goal.progress = q.goal_progress(goal)
        goal.bar = goal.progress // 10 * 10  # a CSS width class: no inline styles
        goal.reached = q.goal_target_reached(goal)
    audit_read(
        request,
        engagement,
        relation,
        kind=Goal,
        written_by=[_goal_author(g) for g in goals],
        label="plan",
    )
    agreement = agreement_in_force(engagement)
    return render(
        request,
        "growth/plan.html",
        {
            "engagement": engagement,
            "relation": relation,
            "goals": goals,
            "form": form,
            "is_coachee": relation == Relation.COACHEE,
            "sponsor_may_see_progress": bool(agreement and agreement.sponsor_sees_goal_progress),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def goal_detail(request, code):
    goal, relation = q.goal_get_for(request.user, code)
    series = q.series_for_goal(goal)
    tz = timezone.get_current_timezone()
    charts = []
    key_results = list(goal.key_results.all())
    for kr in key_results:
        points = [
            (p.when.astimezone(tz).strftime("%-d %b"), p.value) for p in series.get(kr.id, [])
        ]
        charts.append(
            {
                "title": kr.metric,
                "unit": kr.unit,
                "kr": kr,
                "svg": (
                    line_chart(
                        title=kr.metric,
                        points=points,
                        baseline=float(kr.baseline),
                        target=float(kr.target),
                        unit=kr.unit,
                    )
                ),
                "points": points,
            }
        )
    if goal.kind == GoalKind.QUALITATIVE:
        points = [(p.when.astimezone(tz).strftime("%-d %b"), p.value) for p in series.get(None, [])]
        charts.append(
            {
                "title": "Your rating",
                "unit": "/10",
                "kr": None,
                "svg": (
                    line_chart(
                        title=f"Self-rating: {goal.title}",
                        points=points,
                        baseline=float(goal.baseline_rating),
                        target=float(goal.target_rating),
                    )
                ),
                "points": points,
            }
        )
    audit_read(request, goal, relation, written_by=[_goal_author(goal)], label="goal")
    return render(
        request,
        "growth/goal_detail.html",
        {
            "goal": goal,
            "engagement": goal.engagement,
            "relation": relation,
            "charts": charts,
            "is_coachee": relation == Relation.COACHEE,
            "progress": q.goal_progress(goal),
            "milestones": list(goal.milestones.all()),
            "reached": q.goal_target_reached(goal, key_results),
        },
    )


def _goal_action(request, code, act, success: str):
    goal, _ = q.goal_get_for(request.user, code, want=Relation.COACHEE)
    attempt(request, lambda: act(goal), success)
    if request.POST.get("next") == "goal":
        return redirect("growth:goal", code=goal.code)
    return redirect("growth:plan", code=goal.engagement.code)


@login_required
@require_POST
def goal_accept(request, code):
    return _goal_action(
        request,
        code,
        lambda g: s.goal_accept(goal=g, by=request.user),
        "The goal is now part of your plan.",
    )


@login_required
@require_POST
def goal_share(request, code):
    share = request.POST.get("share") == "1"
    return _goal_action(
        request,
        code,
        lambda g: s.goal_set_sharing(goal=g, by=request.user, share=share),
        "Your sponsor now sees this goal's progress as a percentage."
        if share
        else "This goal's progress is no longer shared with your sponsor.",
    )


@login_required
@require_POST
def goal_status(request, code):
    status = request.POST.get("status", "")
    return _goal_action(
        request,
        code,
        lambda g: s.goal_set_status(goal=g, by=request.user, status=status),
        "Well done — goal achieved!" if status == "achieved" else "Goal updated.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_raise_target(request, code):
    """The target is reached and the coachee wants to go further."""
    goal, _ = q.goal_get_for(request.user, code, want=Relation.COACHEE)
    key_results = list(goal.key_results.all()) if goal.kind == GoalKind.MEASURABLE else []
    form = RaiseTargetForm(request.POST or None, goal=goal, key_results=key_results)
    if request.method == "POST" and form.is_valid():
        try:
            s.goal_raise_target(
                goal=goal,
                by=request.user,
                targets=form.targets(),
                target_rating=form.cleaned_data.get("target_rating"),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "New target set. On you go.")
            return redirect("growth:goal", code=goal.code)
    return render(
        request,
        "growth/raise_target.html",
        {"goal": goal, "engagement": goal.engagement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def milestone_reached(request, code):
    milestone, _ = q.milestone_get_for(request.user, code, want=Relation.COACHEE)
    s.milestone_reach(milestone=milestone, by=request.user)
    messages.success(request, "Milestone reached — that is worth celebrating.")
    return redirect("growth:goal", code=milestone.goal.code)


@login_required
@require_http_methods(["GET", "POST"])
def check_in(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={Relation.COACHEE})
    goals = [g for g in q.plan_goals(engagement) if g.status == "active"]
    form = CheckInForm(request.POST or None, goals=goals)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.check_in_submit(
                engagement=engagement,
                by=request.user,
                values=form.values(),
                ratings=form.ratings(),
                confidence=d["confidence"],
                energy=d["energy"],
                wins=d["wins"],
                obstacles=d["obstacles"],
                support_needed=d["support_needed"],
                next_commitment=d["next_commitment"],
                next_commitment_due=d["next_commitment_due"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Check-in saved. Thank you — small steps add up.")
            # The wins page then asks about any goal whose target is now reached.
            return redirect("growth:wins", code=engagement.code)
    return render(
        request,
        "growth/check_in.html",
        {"engagement": engagement, "form": form, "goals": goals},
        status=400 if form.errors else 200,
    )


def _own_check_in(request, code):
    check_in, _ = q.check_in_get_for(request.user, code, want=Relation.COACHEE)
    return check_in


@login_required
@require_http_methods(["GET", "POST"])
def check_in_correct(request, code):
    """The coachee corrects a check-in; the plan, charts and shared progress follow."""
    check_in = _own_check_in(request, code)
    readings = q.check_in_readings(check_in)
    form = CheckInCorrectionForm(
        request.POST or None,
        readings=readings,
        initial={
            "confidence": check_in.confidence,
            "energy": check_in.energy,
            "wins": check_in.wins,
            "obstacles": check_in.obstacles,
            "support_needed": check_in.support_needed,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.check_in_correct(
                check_in=check_in,
                by=request.user,
                values=form.values(),
                ratings=form.ratings(),
                confidence=d["confidence"],
                energy=d["energy"],
                wins=d["wins"],
                obstacles=d["obstacles"],
                support_needed=d["support_needed"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Check-in corrected. Your plan and charts follow it.")
            return redirect("growth:check_ins", code=check_in.engagement.code)
    return render(
        request,
        "growth/check_in_correct.html",
        {"engagement": check_in.engagement, "check_in": check_in, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def check_in_withdraw(request, code):
    """Asks first (GET), then withdraws (POST)."""
    check_in = _own_check_in(request, code)
    if request.method == "POST":
        try:
            s.check_in_withdraw(check_in=check_in, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, "Check-in withdrawn. Your plan and charts no longer count it."
            )
        return redirect("growth:check_ins", code=check_in.engagement.code)
    return render(
        request,
        "growth/check_in_withdraw.html",
        {"engagement": check_in.engagement, "check_in": check_in},
    )


@login_required
@require_GET
def check_ins(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    audit_read(request, engagement, relation, kind=CheckIn, label="check_ins")
    return render(
        request,
        "growth/check_ins.html",
        {
            "engagement": engagement,
            "relation": relation,
            "check_ins": q.check_ins_of(engagement),
            "is_coachee": relation == Relation.COACHEE,
        },
    )


@login_required
@require_GET
def wins(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    audit_read(request, engagement, relation, kind=Win, label="wins")
    return render(
        request,
        "growth/wins.html",
        {
            "engagement": engagement,
            "relation": relation,
            "wins": q.wins_of(engagement),
            "is_coachee": relation == Relation.COACHEE,
            "reached_goals": (
                q.goals_reaching_target(engagement) if relation == Relation.COACHEE else []
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rhythm(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={Relation.COACHEE})
    current = q.rhythm_of(engagement)
    form = RhythmForm(
        request.POST or None,
        initial={
            "every_weeks": current.every_weeks,
            "weekday": current.weekday,
            "time_of_day": current.time_of_day,
            "time_zone": current.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            s.rhythm_set(engagement=engagement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your check-in rhythm is saved.")
            return redirect("growth:plan", code=engagement.code)
    return render(request, "growth/rhythm.html", {"engagement": engagement, "form": form})


@csrf_exempt  # the signed token is the authorisation; a mail client's POST has no cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """A signed one-click link in every reminder. GET asks (a link scanner that
    opens it changes nothing); POST stops that kind of reminder — from the page,
    or from the mail client's one-click (RFC 8058: ``List-Unsubscribe=One-Click``,
    sent without cookies or a CSRF token)."""
    from .models import ReminderKind
    from .reminders import opt_out, read_unsubscribe_token

    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "growth/unsubscribe.html", {"invalid": True}, status=404)
    user, kind = found
    done = False
    if request.method == "POST":
        opt_out(user=user, kind=kind)
        done = True
    return render(
        request,
        "growth/unsubscribe.html",
        {"kind_label": ReminderKind(kind).label, "done": done, "token": token},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request):
    from .forms import ReminderPreferenceForm
    from .reminders import preference_for

    pref = preference_for(request.user)
    form = ReminderPreferenceForm(
        request.POST or None,
        initial={
            "quiet_start": pref.quiet_start,
            "quiet_end": pref.quiet_end,
            "daily_cap": pref.daily_cap,
            "kinds": [k for k in form_kinds() if k not in pref.opted_out],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            s.preference_set(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your reminder settings are saved.")
            return redirect("growth:reminder_settings")
    return render(
        request,
        "growth/reminder_settings.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def form_kinds():
    from .models import ReminderKind

    return list(ReminderKind.values)


@login_required
@require_GET
def session_brief(request, code):
    """The coach's one-page brief before a coaching session. Printable."""
    session, relation = session_get_for(request.user, code, want=Relation.COACH)
    brief = q.session_brief(session)
    # The brief is the coachee's check-ins, wins and actions since last time.
    audit_read(request, session, relation, kind=CheckIn, label="brief")
    # What the coachee brought from other areas (decisions, transition plans...).
    brought = [item for src in brief_sources() for item in src.items(request, session, relation)]
    return render(
        request,
        "growth/brief.html",
        {
            "session": session,
            "engagement": session.engagement,
            "brief": brief,
            "brought": brought,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def summaries(request, code):
    from .forms import SummaryForm

    # Both read the summaries; only the coach drafts one.
    posting = request.method == "POST"
    engagement, relation = engagement_get_for(
        request.user, code, allow={Relation.COACH} if posting else None
    )
    form = SummaryForm(request.POST or None) if relation == Relation.COACH else None
    if posting and form.is_valid():
        try:
            s.summary_draft(engagement=engagement, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Draft sent to your coachee for approval.")
            return redirect("growth:summaries", code=engagement.code)
    agreement = agreement_in_force(engagement)
    shown = list(engagement.summaries.order_by("-created_at"))
    for summary in shown:  # the coachee reads the coach's drafts; the coach their comments
        read = ["body", "coachee_comment"] if summary.coachee_comment else ["body"]
        audit_read(request, summary, relation, fields=read, label="summary")
    return render(
        request,
        "growth/summaries.html",
        {
            "engagement": engagement,
            "relation": relation,
            "form": form,
            "is_coachee": relation == Relation.COACHEE,
            "summaries": shown,
            "shared_goals": q.shared_goal_progress(engagement),
            "sponsor_sees_summaries": bool(agreement and agreement.sponsor_sees_summaries),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def summary_decide(request, code):
    summary, _ = q.summary_get_for(request.user, code, want=Relation.COACHEE)
    approve = request.POST.get("decision") == "approve"
    try:
        s.summary_decide(
            summary=summary,
            by=request.user,
            approve=approve,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "Approved: your sponsor can now read it."
            if approve
            else "Returned to your coach with your comment.",
        )
    return redirect("growth:summaries", code=summary.engagement.code)

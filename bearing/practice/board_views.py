"""The priority board and the weekly review. The coachee works on them; the coach
reads the board only once the coachee shares it; everyone else gets 404."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bearing.engagements.access import Relation, audit_read
from bearing.engagements.models import Action
from bearing.engagements.queries import action_get_for, engagement_get_for
from bearing.lib.forms import apply_errors

from . import board as rules
from . import queries as q
from . import services as s
from .forms import BoardRhythmForm, BoardTaskForm, DelegateForm, WeeklyReviewForm
from .models import Quadrant
from .views import bring

COACHEE = Relation.COACHEE


def _audit_action_titles(request, engagement, relation, actions: list[Action]) -> None:
    """Action titles someone else wrote (the coach), read here: audited as on the dashboard."""
    if actions:
        audit_read(
            request,
            engagement,
            relation,
            kind=Action,
            fields=["title"],
            written_by=[a.created_by_id for a in actions],
            label="actions",
        )


def _columns(items) -> list[dict]:
    return [
        {
            "key": quadrant.value,
            "name": rules.SHORT_NAMES[quadrant],
            "label": rules.WHAT_IT_MEANS[quadrant],
            "items": [i for i in items if i.quadrant == quadrant],
        }
        for quadrant in (Quadrant.INBOX, *rules.PLACED)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def board(request, code):
    """The coachee's urgent/important board (and a new task); the coach's reading
    of it once shared."""
    posting = request.method == "POST"
    engagement, relation = engagement_get_for(
        request.user, code, allow={COACHEE} if posting else None
    )
    current = q.board_of(request.user, engagement, relation, request=request)
    is_coachee = relation == COACHEE
    form = BoardTaskForm(request.POST if posting else None)
    if posting and form.is_valid():
        try:
            current = s.board_ensure(engagement=engagement, by=request.user)
            s.board_item_add(
                board=current,
                by=request.user,
                title=form.cleaned_data["title"],
                quadrant=form.cleaned_data["quadrant"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Task added to your board.")
            return redirect("practice:board", code=engagement.code)
    items = q.board_items(current)
    waiting = q.actions_off_board(engagement, current) if is_coachee else []
    _audit_action_titles(
        request, engagement, relation, [i.action for i in items if i.action] + waiting
    )
    today = timezone.localdate()
    last = current.reviews.first() if current else None
    next_review = rules.next_review_on(
        weekday=current.review_weekday if current else 4,
        every_weeks=current.review_every_weeks if current else 1,
        last_review=timezone.localdate(last.created_at) if last else None,
        today=today,
    )
    rhythm = BoardRhythmForm(
        initial={
            "weekday": current.review_weekday if current else 4,
            "every_weeks": current.review_every_weeks if current else 1,
        }
    )
    return render(
        request,
        "practice/board.html",
        {
            "engagement": engagement,
            "board": current,
            "is_coachee": is_coachee,
            "columns": _columns(items),
            "placed": rules.PLACED,
            "names": rules.SHORT_NAMES,
            "waiting": waiting,
            "form": form,
            "rhythm_form": rhythm,
            "next_review": next_review,
            "review_due": next_review <= today,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def board_place(request, code):
    """Put one of the coachee's open actions on the board, in a quadrant."""
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    try:
        action_code = UUID(request.POST.get("action", ""))
    except ValueError:
        messages.error(request, "Choose one of your actions to place.")
        return redirect("practice:board", code=engagement.code)
    action, _ = action_get_for(request.user, action_code, want=COACHEE)
    try:
        current = s.board_ensure(engagement=engagement, by=request.user)
        s.board_item_add(
            board=current,
            by=request.user,
            action=action,
            quadrant=request.POST.get("quadrant", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("practice:board", code=engagement.code)


@login_required
@require_POST
def item_move(request, code):
    item, _ = q.board_item_get_for(request.user, code)
    quadrant = request.POST.get("quadrant", "")
    try:
        item = s.board_item_move(item=item, by=request.user, quadrant=quadrant)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("practice:board", code=item.board.engagement.code)
    if item.quadrant == Quadrant.DELEGATE:
        return redirect("practice:item_delegate", code=item.code)
    messages.success(request, f"Moved to {rules.SHORT_NAMES[Quadrant(item.quadrant)]}.")
    return redirect(f"{_board_url(item)}#item-{item.code}")


def _board_url(item) -> str:
    return reverse("practice:board", args=[item.board.engagement.code])


@login_required
@require_http_methods(["GET", "POST"])
def item_delegate(request, code):
    item, _ = q.board_item_get_for(request.user, code)
    form = DelegateForm(
        request.POST if request.method == "POST" else None,
        initial={
            "delegate_to": item.delegate_to,
            "delegation_level": item.delegation_level,
            "follow_up_on": item.follow_up_on or timezone.localdate() + timedelta(days=7),
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            s.board_item_delegate(
                item=item,
                by=request.user,
                delegate_to=d["delegate_to"],
                level=d["delegation_level"],
                follow_up_on=d["follow_up_on"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Delegated. The follow-up is an action in your plan.")
            return redirect(f"{_board_url(item)}#item-{item.code}")
    return render(
        request,
        "practice/delegate.html",
        {"item": item, "engagement": item.board.engagement, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def item_done(request, code):
    item, _ = q.board_item_get_for(request.user, code)
    s.board_item_done(item=item, by=request.user)
    messages.success(request, "Done, and off your board.")
    return redirect("practice:board", code=item.board.engagement.code)


@login_required
@require_POST
def board_share(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    current = s.board_ensure(engagement=engagement, by=request.user)
    share = request.POST.get("share") == "1"
    s.board_share(board=current, by=request.user, share=share)
    messages.success(
        request,
        "Your coach can now read your board." if share else "Your board is private again.",
    )
    return redirect("practice:board", code=engagement.code)


@login_required
@require_POST
def board_rhythm(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    form = BoardRhythmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a day and how often.")
        return redirect("practice:board", code=engagement.code)
    current = s.board_ensure(engagement=engagement, by=request.user)
    s.board_rhythm_set(
        board=current,
        by=request.user,
        weekday=form.cleaned_data["weekday"],
        every_weeks=form.cleaned_data["every_weeks"],
    )
    messages.success(request, "Your weekly review rhythm is saved.")
    return redirect("practice:board", code=engagement.code)


@login_required
@require_http_methods(["GET", "POST"])
def weekly_review(request, code):
    """Fifteen minutes, three steps: get clear, get current, get creative; one commitment."""
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    form = WeeklyReviewForm(
        request.POST if request.method == "POST" else None,
        initial={"commitment_due": timezone.localdate() + timedelta(days=7)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            current = s.board_ensure(engagement=engagement, by=request.user)
            s.weekly_review_save(
                board=current,
                by=request.user,
                cleared=d["cleared"],
                time_went=d["time_went"],
                time_should=d["time_should"],
                commitment=d["commitment"],
                commitment_due=d["commitment_due"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Weekly review done. Your commitment is an action now.")
            return redirect("practice:board", code=engagement.code)
    current = q.board_of(request.user, engagement, COACHEE)
    overdue = q.overdue_actions(engagement)
    _audit_action_titles(request, engagement, COACHEE, overdue)
    week_ago = timezone.now() - timedelta(days=7)
    return render(
        request,
        "practice/weekly_review.html",
        {
            "engagement": engagement,
            "form": form,
            "inbox": [i for i in q.board_items(current) if i.quadrant == Quadrant.INBOX],
            "overdue": overdue,
            "due_decisions": q.decisions_due_for_review(engagement),
            "check_in": engagement.check_ins.filter(submitted_at__gte=week_ago).first(),
            "minutes": rules.REVIEW_MINUTES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def board_bring(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    current = s.board_ensure(engagement=engagement, by=request.user)
    return bring(request, current, reverse("practice:board", args=[engagement.code]))

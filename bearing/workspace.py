"""The coach's session workspace: one page for the coaching session itself.

The agenda the coachee set, the last coaching session's shared notes and how its
commitments went, the coachee's goals and latest readings, what the coachee brought
(companion conversations they shared), a GROW question guide, shared and private
notes side by side, and the close: the commitments the coachee states, written as
actions with owners and dates.

It draws on engagements, growth and companion, so it sits above them (beside the
dashboard), never inside one of them. Coach only: the coachee, the sponsor and
everyone else get 404. Every read of text the coachee wrote is audited the way the
session page audits it; never the text itself.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST

from bearing.companion import queries as companion_q
from bearing.companion.models import CompanionConversation
from bearing.engagements import queries as q
from bearing.engagements import services as s
from bearing.engagements.access import audit_read
from bearing.engagements.forms import CommitmentsForm, NotesForm
from bearing.engagements.grow_guide import guide_for, question_by_id
from bearing.engagements.models import SessionStatus
from bearing.engagements.views import audit_reads, session_context
from bearing.growth import queries as growth_q
from bearing.growth.models import CheckIn, FocusArea, Goal
from bearing.lib.forms import apply_errors
from bearing.lib.htmx import is_htmx
from bearing.practice import queries as practice_q
from bearing.practice.models import Decision

app_name = "workspace"

# What the coachee brings: companion conversations they shared. Shared journal
# entries join here once the journal exists (see ``_brought_journal_entries``).


class CoachCommitmentsForm(CommitmentsForm):
    """The close, written by the coach as the coachee states it: each commitment an
    action with its owner (the coachee, or the coach for their own follow-up)."""

    def __init__(self, *args, owners: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"title_{i}"].label = f"Commitment {i}"
            self.fields[f"due_{i}"].label = f"Commitment {i}: by when?"
            self.fields[f"owner_{i}"] = forms.TypedChoiceField(
                label=f"Commitment {i}: whose?", choices=owners, coerce=int, required=False
            )

    def clean(self):
        data = super().clean()
        owners = []
        for i in range(1, self.ROWS + 1):
            title, due = (data.get(f"title_{i}") or "").strip(), data.get(f"due_{i}")
            if title and due:
                owners.append(data.get(f"owner_{i}") or self.fields[f"owner_{i}"].choices[0][0])
        data["owners"] = owners
        return data

    def rows(self):
        return [
            (self[f"title_{i}"], self[f"due_{i}"], self[f"owner_{i}"])
            for i in range(1, self.ROWS + 1)
        ]


class QuestionForm(forms.Form):
    """A GROW question to copy into the private notes: its id, never free text."""

    question = forms.CharField(max_length=64)

    def clean_question(self):
        question = question_by_id(self.cleaned_data["question"])
        if question is None:
            raise forms.ValidationError("Choose a question from the guide.")
        return question


def _session_for_coach(user, code):
    return q.session_get_for(user, code, want=q.Relation.COACH)


def _owners(engagement) -> list[tuple[int, str]]:
    """Whose a commitment is: the coachee (first, the usual owner), or the coach."""
    coach = (engagement.coach_id, f"{engagement.coach.name} (you)")
    if engagement.coachee_id is None:  # invited, not joined yet: nobody else to own it
        return [coach]
    return [(engagement.coachee_id, engagement.coachee_display), coach]


def _previous_session(session):
    """The last coaching session before this one that was not cancelled."""
    return (
        session.engagement.sessions.filter(scheduled_for__lt=session.scheduled_for)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("shared_notes_updated_by")
        .order_by("-scheduled_for")
        .first()
    )


def _brought_journal_entries(session) -> list:
    """Journal entries the coachee shared with the coach. The journal does not exist
    yet: when it does, its query (taking the viewer) answers here."""
    return []


def _guide(goals) -> list:
    """The GROW guide for this coachee: each stage's questions for any conversation,
    then those for the focus areas of their goals, each named by its focus area."""
    labels = dict(FocusArea.choices)
    return [
        (stage, [(question, labels.get(question.focus, "")) for question in questions])
        for stage, questions in guide_for({g.focus_area for g in goals})
    ]


def _workspace_context(request, session, relation, **forms_):
    ctx = session_context(request, session, relation, **forms_)
    engagement = session.engagement
    previous = _previous_session(session)
    previous_actions = (
        list(previous.actions.select_related("owner").order_by("due_on")) if previous else []
    )
    goals = growth_q.plan_goals(engagement)
    latest = growth_q.check_ins_of(engagement, limit=1)
    ctx.update(
        {
            "previous": previous,
            "previous_actions": previous_actions,
            "goals": goals,
            "latest_check_in": latest[0] if latest else None,
            "conversations": companion_q.conversations_for(request.user, engagement, relation),
            # Decisions, transition plans and the priority board the coachee shared.
            "practice_brought": practice_q.brought_to_session(
                request.user, engagement, relation, session.id
            ),
            "journal_entries": _brought_journal_entries(session),
            # A video-call link becomes a link; anything else (a room) stays text.
            "location_url": session.location
            if session.location.startswith(("https://", "http://"))
            else "",
            "guide": _guide(goals),
            "in_workspace": True,  # the note forms come back here without JavaScript
            "close_form": forms_.get("close_form")
            or CoachCommitmentsForm(owners=_owners(engagement), prefix="close"),
        }
    )
    return ctx


def _audit_workspace_reads(request, session, relation, ctx) -> None:
    """The session page's audit for this session, then the same rule for what the
    workspace adds: the last session's notes and actions, the plan, shared conversations."""
    audit_reads(request, session, relation, ctx["session_actions"])
    engagement = session.engagement
    previous = ctx["previous"]
    if previous is not None:
        audit_reads(request, previous, relation, ctx["previous_actions"], agenda=False)
    if ctx["latest_check_in"] is not None:  # the coachee's own words
        audit_read(request, engagement, relation, kind=CheckIn, label="plan")
    elif ctx["goals"]:
        authors = [g.suggested_by_id or engagement.coachee_id for g in ctx["goals"]]
        audit_read(request, engagement, relation, kind=Goal, written_by=authors, label="plan")
    if ctx["conversations"]:
        audit_read(request, engagement, relation, kind=CompanionConversation, label="conversations")
    if ctx["practice_brought"]:
        audit_read(request, engagement, relation, kind=Decision, fields=["title"], label="brought")


@login_required
@require_GET
def session_workspace(request, code):
    session, relation = _session_for_coach(request.user, code)
    ctx = _workspace_context(request, session, relation)
    _audit_workspace_reads(request, session, relation, ctx)
    return render(request, "workspace/session.html", ctx)


def _workspace_url(session, anchor: str = "") -> str:
    url = reverse("workspace:session", kwargs={"code": session.code})
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_POST
def copy_question(request, code):
    """Append one GROW question to the coach's private notes (htmx: the notes section
    in place; without JavaScript: back to the workspace)."""
    session, relation = _session_for_coach(request.user, code)
    form = QuestionForm(request.POST)
    note = q.private_note_for(request.user, session)
    # With JavaScript the notes box comes along (hx-include): what the coach has typed
    # and not saved yet is kept, and the question goes after it.
    typed = request.POST.get("private-body")
    existing = (typed if typed is not None else (note.body if note else "")).rstrip()
    error = None
    if form.is_valid():
        text = form.cleaned_data["question"].text
        try:
            s.private_note_update(
                session=session,
                by=request.user,
                body=f"{existing}\n\n{text}" if existing else text,
            )
        except ValidationError as exc:
            error = exc
    else:
        error = ValidationError(form.errors.get("question", ["Choose a question from the guide."]))
    if is_htmx(request):
        forms_ = {}
        if error is not None:  # the box keeps what was typed, with why nothing was saved
            private_form = NotesForm(
                {"private-body": existing}, label="Private notes", prefix="private"
            )
            private_form.is_valid()
            apply_errors(private_form, error)
            forms_["private_form"] = private_form
        ctx = session_context(request, session, relation, **forms_)
        ctx["saved"] = "" if error else "Question added to your private notes."
        return render(
            request,
            "engagements/session_detail.html#private-notes",
            ctx,
            status=400 if error else 200,
        )
    if error is not None:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Question added to your private notes.")
    return redirect(_workspace_url(session, "private-notes"))


@login_required
@require_POST
def close_commitments(request, code):
    """The close: what the coachee commits to, written down by the coach, each an
    action with its owner and due date."""
    session, relation = _session_for_coach(request.user, code)
    engagement = session.engagement
    form = CoachCommitmentsForm(request.POST, owners=_owners(engagement), prefix="close")
    if form.is_valid():
        rows = zip(form.cleaned_data["commitments"], form.cleaned_data["owners"], strict=True)
        owners = {engagement.coachee_id: engagement.coachee, engagement.coach_id: request.user}
        try:
            with transaction.atomic():  # all the commitments, or none
                for (title, due_on), owner_id in rows:
                    s.action_create(
                        engagement=engagement,
                        by=request.user,
                        title=title,
                        due_on=due_on,
                        session=session,
                        owner=owners[owner_id],
                    )
        except ValidationError as exc:
            apply_errors(form, exc, rename={"title": "title_1", "due_on": "due_1"})
    if form.errors:
        ctx = _workspace_context(request, session, relation, close_form=form)
        status = 400
        if is_htmx(request):
            return render(request, "workspace/session.html#close", ctx, status=status)
        return render(request, "workspace/session.html", ctx, status=status)
    if is_htmx(request):
        ctx = _workspace_context(request, session, relation)
        ctx["close_saved"] = "Written down as actions."
        return render(request, "workspace/session.html#close", ctx)
    messages.success(request, "Written down as actions.")
    return redirect(_workspace_url(session, "close"))


urlpatterns = [
    path("sessions/<uuid:code>/workspace/", session_workspace, name="session"),
    path("sessions/<uuid:code>/workspace/question/", copy_question, name="copy_question"),
    path("sessions/<uuid:code>/workspace/close/", close_commitments, name="close"),
]

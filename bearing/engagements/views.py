"""The coach's and the coachee's pages: engagement, agreement, coaching sessions,
notes and actions.

Every view: parse (a plain form) -> read through the door in ``queries`` (404 for
anyone but the coach and the coachee) -> act through ``services`` -> render.
A service's ValidationError is shown next to its field and nothing is saved.
Forms post normally and redirect; with htmx the same views answer with a
template partial, so the page works with and without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.accounts import throttle
from bearing.accounts.queries import erasures_pending, roles_of
from bearing.accounts.recent_auth import require_recent_auth
from bearing.lib.brief_sections import brief_sources
from bearing.lib.forms import apply_errors
from bearing.lib.htmx import is_htmx

from . import queries as q
from . import services as s
from .access import audit_read
from .forms import (
    ActionForm,
    AgendaForm,
    AgreementForm,
    AttendanceForm,
    CloseEngagementForm,
    CommitmentsForm,
    EngagementCreateForm,
    NotesForm,
    SessionCancelForm,
    SessionForm,
    SharedNotesForm,
    StatusForm,
)
from .models import (
    ENGAGEMENT_TRANSITIONS,
    Action,
    EngagementStatus,
    SessionStatus,
    SharedNotesVersion,
)

# Ending an engagement is final and emails both people: it has a confirmation page.
_CLOSING = {
    EngagementStatus.COMPLETED: "engagements:complete",
    EngagementStatus.ENDED_EARLY: "engagements:end_early",
}

# Labels for the coach's status buttons, by target ("Resume" when leaving a pause).
_TRANSITION_LABELS = {
    EngagementStatus.ACTIVE: "Activate",
    EngagementStatus.PAUSED: "Pause",
    EngagementStatus.COMPLETED: "Mark as completed",
    EngagementStatus.ENDED_EARLY: "End early",
}


# --- Engagements -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request):
    roles = roles_of(request.user)
    if not roles.is_coach:
        raise Http404("Not found")
    form_kwargs = {"coach": request.user, "practices": roles.coach_practices}
    if request.method == "GET":
        form = EngagementCreateForm(
            initial={"organization": request.GET.get("organization")}, **form_kwargs
        )
        if is_htmx(request):  # the organization changed: narrow the sponsor list
            return render(
                request, "engagements/engagement_create.html#sponsor-field", {"form": form}
            )
        return render(request, "engagements/engagement_create.html", {"form": form})

    form = EngagementCreateForm(request.POST, **form_kwargs)
    if throttle.invitations_blocked(request):  # each engagement emails an invitation
        form.add_error(None, throttle.INVITATIONS_PAUSED)
        return render(request, "engagements/engagement_create.html", {"form": form}, status=429)
    if form.is_valid():
        data = form.cleaned_data
        try:
            engagement = s.engagement_create_for_email(
                coach=request.user,
                practice=data["practice"],
                organization=data["organization"],
                title=data["title"],
                coachee_email=data["coachee_email"],
                coachee_name=data["coachee_name"],
                sponsor=data["sponsor"],
                **form.agreement_kwargs(),
            )
        except ValidationError as exc:
            apply_errors(
                form, exc, rename={"invited_email": "coachee_email", "invited_name": "coachee_name"}
            )
        else:
            throttle.invitation_sent(request)
            # The same words whoever the address belongs to: nothing here tells a
            # coach whether someone has an account or is coached already.
            messages.success(
                request,
                f"Engagement proposed. An invitation is on its way to {data['coachee_email']}; "
                "the engagement starts once they accept it and the agreement.",
            )
            return redirect("engagements:detail", code=engagement.code)
    return render(request, "engagements/engagement_create.html", {"form": form})


def _consent(versions):
    """The version in force (newest accepted) and the newest version, from one list."""
    in_force = next((a for a in versions if a.accepted_at is not None), None)
    latest = versions[0] if versions else None
    return in_force, latest


def _awaiting(latest) -> bool:
    return latest is not None and latest.accepted_at is None and latest.superseded_at is None


def _signal_labels(agreement) -> list[str]:
    if agreement is None:
        return []
    return [
        str(AgreementForm.base_fields[f].label)
        for f in AgreementForm.SIGNAL_FIELDS
        if getattr(agreement, f)
    ]


@login_required
@require_GET
def engagement_detail(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    is_coach = relation == q.Relation.COACH
    sessions = list(
        q.sessions_of(engagement).defer(
            "agenda_outcome", "agenda_measure", "agenda_why", "shared_notes"
        )
    )
    actions = list(q.actions_of(engagement))
    # Action titles someone else wrote: a read of shared content, never the content.
    audit_read(
        request,
        engagement,
        relation,
        kind=Action,
        written_by=[a.created_by_id for a in actions],
        label="actions",
    )
    versions = q.agreement_versions(engagement)
    in_force, latest = _consent(versions)
    terms = in_force or latest
    now = timezone.now()
    upcoming = [
        x for x in sessions if x.status == SessionStatus.SCHEDULED and x.scheduled_for >= now
    ]
    upcoming.reverse()  # soonest first
    current = EngagementStatus(engagement.status)
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "relation": relation,
            "is_coach": is_coach,
            # The coachee asked for erasure: their coach is told when it takes effect.
            "erasure": (
                erasures_pending([engagement.coachee_id]).get(engagement.coachee_id)
                if is_coach and engagement.coachee_id
                else None
            ),
            "in_force": in_force,
            "latest": latest,
            "awaiting": _awaiting(latest),
            "terms": terms,
            "terms_signals": _signal_labels(terms),
            "upcoming": upcoming,
            "past": [x for x in sessions if x not in upcoming],
            "held_count": sum(1 for x in sessions if x.status == SessionStatus.HELD),
            "open_actions": [a for a in actions if a.completed_at is None],
            "done_actions": [a for a in actions if a.completed_at is not None],
            "today": timezone.localdate(),
            "can_schedule": current in {EngagementStatus.PROPOSED, EngagementStatus.ACTIVE},
            "reopenable_until": engagement.reopenable_until() if is_coach else None,
            "transitions": [
                (
                    t,
                    "Resume"
                    if current == EngagementStatus.PAUSED and t == EngagementStatus.ACTIVE
                    else _TRANSITION_LABELS[t],
                )
                for t in EngagementStatus
                if t in ENGAGEMENT_TRANSITIONS[current]
            ]
            if is_coach
            else [],
        },
    )


@login_required
@require_POST
def engagement_status(request, code):
    """Activate, pause, resume. Ending goes through its confirmation page."""
    engagement, _ = q.engagement_get_for(request.user, code, allow={q.Relation.COACH})
    form = StatusForm(request.POST)
    if form.is_valid() and form.cleaned_data["status"] in _CLOSING:
        return redirect(_CLOSING[form.cleaned_data["status"]], code=engagement.code)
    try:
        if not form.is_valid():
            raise ValidationError("Choose a status.")
        s.engagement_set_status(
            engagement=engagement, by=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        label = EngagementStatus(form.cleaned_data["status"]).label.lower()
        messages.success(request, f"The engagement is now {label}.")
    return redirect("engagements:detail", code=engagement.code)


def _engagement_close(request, code, target: EngagementStatus):
    engagement, _ = q.engagement_get_for(request.user, code, allow={q.Relation.COACH})
    if target not in ENGAGEMENT_TRANSITIONS[EngagementStatus(engagement.status)]:
        messages.error(
            request,
            f"An engagement that is {engagement.get_status_display().lower()} "
            f"cannot become {target.label.lower()}.",
        )
        return redirect("engagements:detail", code=engagement.code)
    early = target == EngagementStatus.ENDED_EARLY
    form = CloseEngagementForm(
        request.POST if request.method == "POST" else None,
        initial={"confirm": True},
        reason_required=early,
    )
    if form.is_bound and form.is_valid():
        try:
            s.engagement_set_status(
                engagement=engagement,
                by=request.user,
                status=target,
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"The engagement is now {target.label.lower()}.")
            return redirect("engagements:detail", code=engagement.code)
    now = timezone.now()
    ahead = list(
        q.sessions_of(engagement)
        .filter(status=SessionStatus.SCHEDULED, scheduled_for__gte=now)
        .defer("agenda_outcome", "agenda_measure", "agenda_why", "shared_notes")
    )
    ahead.reverse()
    terms = q.agreement_in_force(engagement)
    return render(
        request,
        "engagements/engagement_close.html",
        {
            "engagement": engagement,
            "form": form,
            "early": early,
            "target": target,
            "ahead": ahead,
            "sponsor_sees_status": bool(
                engagement.sponsor_id and terms and terms.sponsor_sees_status
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def engagement_reopen(request, code):
    """Undo closing the engagement, within 15 minutes."""
    engagement, _ = q.engagement_get_for(request.user, code, allow={q.Relation.COACH})
    try:
        s.engagement_reopen(engagement=engagement, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            "The engagement is open again; any coaching sessions that closing it cancelled "
            "are back on, and both of you have calendar updates.",
        )
    return redirect("engagements:detail", code=engagement.code)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_complete(request, code):
    return _engagement_close(request, code, EngagementStatus.COMPLETED)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_end_early(request, code):
    return _engagement_close(request, code, EngagementStatus.ENDED_EARLY)


# --- The agreement ------------------------------------------------------------------

# What the coachee is told changed between the version in force and a new one.
_COMPARED_TERMS = (
    ("cadence", "Cadence"),
    ("session_minutes", "Session length (minutes)"),
    ("session_count", "Number of coaching sessions"),
    ("companion_offered", "The companion"),
    ("records_kept_months", "Months the records are kept after the end"),
)


def _agreement_changes(old, new) -> list[str]:
    """Plain-language list of what differs; the objectives are named, never quoted."""
    if old is None or new is None or old.pk == new.pk:
        return []
    changes = []
    if old.objectives != new.objectives:
        changes.append("The objectives are rewritten.")
    for field, label in _COMPARED_TERMS:
        before, after = getattr(old, field), getattr(new, field)
        if before != after:
            if isinstance(before, bool):
                before = "offered" if before else "not offered"
                after = "offered" if after else "not offered"
            changes.append(f"{label}: {before} → {after}.")
    if old.confidentiality_limits != new.confidentiality_limits:
        changes.append("The limits of confidentiality are reworded.")
    added = set(_signal_labels(new)) - set(_signal_labels(old))
    removed = set(_signal_labels(old)) - set(_signal_labels(new))
    for label in _signal_labels(new):
        if label in added:
            changes.append(f"The sponsor would also see: {label.lower()}.")
    for label in _signal_labels(old):
        if label in removed:
            changes.append(f"The sponsor would no longer see: {label.lower()}.")
    return changes


def _agreement_initial(agreement) -> dict:
    if agreement is None:
        return {}
    return {f: getattr(agreement, f) for f in AgreementForm.AGREEMENT_FIELDS}


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, code):
    # Both read the agreement; only the coach proposes a version.
    engagement, relation = q.engagement_get_for(
        request.user, code, allow={q.Relation.COACH} if request.method == "POST" else None
    )
    latest = q.agreement_latest(engagement)
    in_force = q.agreement_in_force(engagement)
    form = None
    if relation == q.Relation.COACH and engagement.is_open:
        data = request.POST if request.method == "POST" else None
        form = AgreementForm(data, initial=_agreement_initial(latest))
    elif request.method == "POST":
        messages.error(request, "This engagement has ended; its agreement cannot change.")
        return redirect("engagements:agreement", code=engagement.code)
    if form is not None and form.is_bound and form.is_valid():
        try:
            s.agreement_propose(engagement=engagement, by=request.user, **form.agreement_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, "The new version is proposed. It takes effect once the coachee accepts it."
            )
            return redirect("engagements:agreement", code=engagement.code)
    if latest is not None:
        audit_read(
            request,
            latest,
            relation,
            fields=["objectives"],
            written_by=[latest.created_by_id],
            label="objectives",
        )
    return render(
        request,
        "engagements/agreement.html",
        {
            "engagement": engagement,
            "relation": relation,
            "is_coach": relation == q.Relation.COACH,
            "latest": latest,
            "in_force": in_force,
            "awaiting": _awaiting(latest),
            "changes": _agreement_changes(in_force, latest) if _awaiting(latest) else [],
            "history": q.agreement_versions(engagement),
            "form": form,
            "latest_signals": _signal_labels(latest),
        },
    )


@login_required
@require_POST
@require_recent_auth(return_to=lambda request, code: reverse("engagements:agreement", args=[code]))
def agreement_accept(request, code):
    engagement, _ = q.engagement_get_for(request.user, code, allow={q.Relation.COACHEE})
    latest = q.agreement_latest(engagement)
    try:
        if latest is None or str(latest.version) != request.POST.get("version"):
            raise ValidationError(
                "The agreement changed while you were reading it. Please read it again."
            )
        s.agreement_accept(agreement=latest, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("engagements:agreement", code=engagement.code)
    messages.success(request, f"You accepted version {latest.version} of your coaching agreement.")
    return redirect("engagements:detail", code=engagement.code)


# --- Coaching sessions --------------------------------------------------------------


def _session_form(request, **kwargs) -> SessionForm:
    return SessionForm(
        request.POST if request.method == "POST" else None,
        time_zone_name=request.user.time_zone,
        **kwargs,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    form = _session_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            session = s.session_schedule(
                engagement=engagement,
                by=request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "The coaching session is scheduled; both of you have an invitation by email.",
            )
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "engagements/session_form.html",
        {
            "engagement": engagement,
            "form": form,
            "session": None,
            "is_coach": relation == q.Relation.COACH,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request, code):
    session, relation = q.session_get_for(request.user, code)
    initial = {
        "scheduled_for": timezone.localtime(session.scheduled_for),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
    }
    form = _session_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            s.session_reschedule(
                session=session,
                by=request.user,
                scheduled_for=form.cleaned_data["scheduled_for"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, "The coaching session has moved; both of you have an updated invitation."
            )
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "engagements/session_form.html",
        {
            "engagement": session.engagement,
            "form": form,
            "session": session,
            "is_coach": relation == q.Relation.COACH,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, code):
    """A page of its own: what cancelling does, the reason, then the cancellation."""
    session, relation = q.session_get_for(request.user, code)
    if session.status != SessionStatus.SCHEDULED:
        messages.error(request, "Only a scheduled session can be cancelled.")
        return redirect("engagements:session_detail", code=session.code)
    form = SessionCancelForm(
        request.POST if request.method == "POST" else None, initial={"confirm": True}
    )
    if form.is_bound and form.is_valid():
        try:
            s.session_cancel(session=session, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                "The coaching session is cancelled; both of you have been told. "
                "You can undo this for 15 minutes.",
            )
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "engagements/session_cancel.html",
        {
            "session": session,
            "engagement": session.engagement,
            "form": form,
            "is_coach": relation == q.Relation.COACH,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def session_restore(request, code):
    session, _ = q.session_get_for(request.user, code)
    try:
        s.session_restore(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, "The coaching session is back on; both of you have a calendar update."
        )
    return redirect("engagements:session_detail", code=session.code)


@login_required
@require_POST
def session_attendance(request, code):
    session, relation = q.session_get_for(request.user, code, want=q.Relation.COACH)
    form = AttendanceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("Choose held or no-show.")
        s.session_mark_attendance(
            session=session, by=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        label = SessionStatus(form.cleaned_data["status"]).label
        messages.success(request, f"Attendance recorded: {label}.")
    return redirect("engagements:session_detail", code=session.code)


AGENDA_FIELDS = ("agenda_outcome", "agenda_measure", "agenda_why")


def audit_reads(request, session, relation, session_actions, *, agenda: bool = True) -> None:
    """A read of text the other party wrote is audited (never the text itself), as
    the record kinds declare: the agenda is the coachee's; shared notes and actions
    are whoever wrote them. ``agenda``: whether the agenda was shown."""
    if agenda and session.has_agenda:
        audit_read(request, session, relation, fields=AGENDA_FIELDS, label="agenda")
    audit_read(
        request,
        session,
        relation,
        fields=["shared_notes"],
        written_by=[session.shared_notes_updated_by_id],
        label="shared_notes",
    )
    audit_read(
        request,
        session,
        relation,
        kind=Action,
        written_by=[a.created_by_id for a in session_actions],
        label="actions",
    )


def session_context(request, session, relation, **forms):
    is_coach = relation == q.Relation.COACH
    ctx = {
        "session": session,
        "engagement": session.engagement,
        "relation": relation,
        "is_coach": is_coach,
        "is_coachee": relation == q.Relation.COACHEE,
        "agenda_form": AgendaForm(
            initial={
                "outcome": session.agenda_outcome,
                "measure": session.agenda_measure,
                "why": session.agenda_why,
            }
        ),
        "shared_form": SharedNotesForm(
            initial={"body": session.shared_notes, "version": session.shared_notes_version},
            label="Shared notes",
            prefix="shared",
        ),
        "session_actions": list(session.actions.select_related("owner").order_by("due_on")),
        "commitments_form": CommitmentsForm(),
        "started": session.scheduled_for <= timezone.now(),
        "restorable_until": session.restorable_until()
        if session.cancelled_by_id == request.user.id
        else None,
        "today": timezone.localdate(),
        "attendance_choices": AttendanceForm.base_fields["status"].choices,
    }
    if relation == q.Relation.COACHEE:
        # What the coachee may bring to this session from the areas above (their
        # decision records, transition plans, priority board), beside the agenda.
        ctx["to_bring"] = [
            item for src in brief_sources() for item in src.items(request, session, relation)
        ]
    if is_coach:
        # Only ever for the engagement's coach: the door says so again.
        note = q.private_note_for(request.user, session)
        ctx["private_note"] = note
        ctx["private_form"] = NotesForm(
            initial={"body": note.body if note else ""}, label="Private notes", prefix="private"
        )
    ctx.update(forms)
    return ctx


@login_required
@require_GET
def session_detail(request, code):
    session, relation = q.session_get_for(request.user, code)
    ctx = session_context(request, session, relation)
    audit_reads(request, session, relation, ctx["session_actions"])
    return render(request, "engagements/session_detail.html", ctx)


def _session_response(
    request, session, relation, partial: str, message: str, conflict=None, **forms
):
    """htmx: the one section, re-rendered in place. Otherwise: redirect, or the
    whole page with the errors next to their fields. ``conflict``: the newer shared
    notes someone else saved, shown beside the refused text (409)."""
    failed = any(f.errors for f in forms.values())
    status = 409 if conflict is not None else 400 if failed else 200
    if is_htmx(request):
        ctx = session_context(request, session, relation, **forms)
        ctx["saved"] = "" if failed else message
        ctx["shared_conflict"] = conflict
        # Errors answer 400 (409 for a conflict); base.html's htmx-config swaps them in place.
        return render(request, f"engagements/session_detail.html#{partial}", ctx, status=status)
    if failed:
        ctx = session_context(request, session, relation, **forms)
        ctx["shared_conflict"] = conflict
        return render(request, "engagements/session_detail.html", ctx, status=status)
    messages.success(request, message)
    if request.POST.get("back") == "workspace" and relation == q.Relation.COACH:
        # Saved from the coach's session workspace without JavaScript: back to it.
        workspace = reverse("workspace:session", kwargs={"code": session.code})
        return redirect(f"{workspace}#{partial}")
    return redirect(f"{_session_url(session)}#{partial}")


def _session_url(session) -> str:
    return reverse("engagements:session_detail", kwargs={"code": session.code})


@login_required
@require_POST
def agenda(request, code):
    # The coachee sets the agenda.
    session, relation = q.session_get_for(request.user, code, want=q.Relation.COACHEE)
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            session = s.agenda_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _session_response(
        request, session, relation, "agenda", "Your agenda is saved.", agenda_form=form
    )


@login_required
@require_POST
def shared_notes(request, code):
    session, relation = q.session_get_for(request.user, code)
    form = SharedNotesForm(request.POST, label="Shared notes", prefix="shared")
    conflict = None
    if form.is_valid():
        try:
            session = s.shared_notes_update(
                session=session,
                by=request.user,
                body=form.cleaned_data["body"],
                base_version=form.cleaned_data["version"] or 0,
            )
        except s.SharedNotesConflict as exc:
            # Their words stay in the box; the newer text is shown beside them, and the
            # next save starts from it (whoever saves then has seen both).
            session = exc.session
            conflict = session
            data = request.POST.copy()
            data["shared-version"] = str(session.shared_notes_version)
            form = SharedNotesForm(data, label="Shared notes", prefix="shared")
            form.is_valid()
            apply_errors(form, exc)
        except ValidationError as exc:
            apply_errors(form, exc)
    return _session_response(
        request,
        session,
        relation,
        "shared-notes",
        "Shared notes saved.",
        conflict=conflict,
        shared_form=form,
    )


@login_required
@require_GET
def shared_notes_history(request, code):
    """Every saved text of the shared notes, newest first: the coach and the coachee."""
    session, relation = q.session_get_for(request.user, code)
    versions = list(q.shared_notes_versions(session))
    audit_read(
        request,
        session,
        relation,
        kind=SharedNotesVersion,
        written_by=[v.saved_by_id for v in versions],
        label="shared_notes_history",
    )
    return render(
        request,
        "engagements/shared_notes_history.html",
        {
            "session": session,
            "engagement": session.engagement,
            "versions": versions,
            "is_coach": relation == q.Relation.COACH,
        },
    )


@login_required
@require_POST
def private_notes(request, code):
    session, relation = q.session_get_for(request.user, code)
    q.private_note_for(request.user, session)  # the door: 404 (audited) for all but the coach
    form = NotesForm(request.POST, label="Private notes", prefix="private")
    if form.is_valid():
        try:
            s.private_note_update(session=session, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_errors(form, exc)
    return _session_response(
        request, session, relation, "private-notes", "Private notes saved.", private_form=form
    )


@login_required
@require_POST
def commitments(request, code):
    # The coachee designs their own actions.
    session, relation = q.session_get_for(request.user, code, want=q.Relation.COACHEE)
    form = CommitmentsForm(request.POST)
    if form.is_valid():
        try:
            s.commitments_add(
                session=session, by=request.user, commitments=form.cleaned_data["commitments"]
            )
        except ValidationError as exc:
            apply_errors(form, exc, rename={"title": "title_1", "due_on": "due_1"})
    return _session_response(
        request,
        session,
        relation,
        "actions",
        "Your commitments are now actions.",
        commitments_form=form,
    )


# --- Actions ----------------------------------------------------------------------


def _back_to(action, back: str):
    if back == "session" and action.session_id:
        return redirect(f"{_session_url(action.session)}#actions")
    return redirect("engagements:detail", code=action.engagement.code)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, code):
    action, relation = q.action_get_for(request.user, code)
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        initial={"title": action.title, "due_on": action.due_on},
    )
    if request.method == "POST" and form.is_valid():
        try:
            s.action_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Action updated.")
            return _back_to(action, request.POST.get("back", ""))
    return render(
        request,
        "engagements/action_form.html",
        {"action": action, "form": form, "back": request.GET.get("back", "")},
    )


@login_required
@require_POST
def action_done(request, code):
    action, relation = q.action_get_for(request.user, code)
    done = request.POST.get("done", "1") == "1"
    back = request.POST.get("back", "")
    try:
        action = s.action_set_done(action=action, by=request.user, done=done)
    except ValidationError as exc:
        if is_htmx(request):  # the item, with why it did not change, in place
            return render(
                request,
                "engagements/includes/action_item.html",
                {
                    "action": action,
                    "today": timezone.localdate(),
                    "back": back,
                    "error": " ".join(exc.messages),
                },
                status=400,
            )
        messages.error(request, " ".join(exc.messages))
        return _back_to(action, back)
    if is_htmx(request):
        return render(
            request,
            "engagements/includes/action_item.html",
            {"action": action, "today": timezone.localdate(), "back": back},
        )
    messages.success(request, "Well done — action completed." if done else "Action reopened.")
    return _back_to(action, back)

"""The coach's and the coachee's pages: engagement, agreement, coaching sessions,
notes and actions. Parse -> read through the door -> act through services -> render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bearing.accounts.models import Role, User
from bearing.accounts.queries import roles_of
from bearing.accounts.services import invitation_create
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.lib.htmx import is_htmx

from . import queries as q
from . import services as s
from .forms import (
    ActionForm,
    AgendaForm,
    AgreementForm,
    AttendanceForm,
    CommitmentsForm,
    EngagementCreateForm,
    NotesForm,
    SessionForm,
    StatusForm,
)
from .models import ENGAGEMENT_TRANSITIONS, EngagementStatus, SessionStatus


def _apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the right field, or on the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Engagements -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request):
    roles = roles_of(request.user)
    if not roles.is_coach:
        raise Http404("Not found")
    form = EngagementCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        org = data["organization"]
        coachee = User.objects.filter(
            email=data["coachee_email"],
            memberships__role=Role.COACHEE,
            memberships__organization=org,
        ).first()
        try:
            engagement = s.engagement_create(
                coach=request.user,
                practice=roles.coach_practices[0],
                organization=org,
                title=data["title"],
                coachee=coachee,
                invited_email="" if coachee else data["coachee_email"],
                invited_name="" if coachee else data["coachee_name"],
                sponsor=data["sponsor"],
                **form.agreement_kwargs(),
            )
            if coachee is None:
                invitation_create(
                    invited_by=request.user,
                    email=data["coachee_email"],
                    name=data["coachee_name"],
                    role=Role.COACHEE,
                    organization=org,
                )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            if coachee is None:
                messages.success(
                    request,
                    f"Engagement created. An invitation is on its way to {data['coachee_email']}.",
                )
            else:
                messages.success(
                    request, "Engagement created. The coachee can now read the agreement."
                )
            return redirect("engagements:detail", code=engagement.code)
    return render(request, "engagements/engagement_create.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def engagement_detail(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    today = timezone.localdate()
    sessions = list(
        q.sessions_of(engagement).defer(
            "agenda_outcome", "agenda_measure", "agenda_why", "shared_notes"
        )
    )
    actions = list(q.actions_of(engagement))
    if any(a.created_by_id not in (None, request.user.id) for a in actions):
        audit_record(
            action=AuditAction.READ,
            actor=request.user,
            target=engagement,
            request=request,
            field="actions",
        )
    now = timezone.now()
    return render(
        request,
        "engagements/engagement_detail.html",
        {
            "engagement": engagement,
            "relation": relation,
            "is_coach": relation == q.Relation.COACH,
            "in_force": q.agreement_in_force(engagement),
            "latest": q.agreement_latest(engagement),
            "upcoming": [
                x
                for x in reversed(sessions)
                if x.status == SessionStatus.SCHEDULED and x.scheduled_for >= now
            ],
            "past": [
                x
                for x in sessions
                if not (x.status == SessionStatus.SCHEDULED and x.scheduled_for >= now)
            ],
            "open_actions": [a for a in actions if a.completed_at is None],
            "done_actions": [a for a in actions if a.completed_at is not None],
            "today": today,
            "transitions": [
                EngagementStatus(t)
                for t in sorted(ENGAGEMENT_TRANSITIONS[EngagementStatus(engagement.status)])
            ],
        },
    )


@login_required
@require_POST
def engagement_status(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    if relation != q.Relation.COACH:
        raise Http404("Not found")
    form = StatusForm(request.POST)
    try:
        if not form.is_valid() or form.cleaned_data["status"] not in EngagementStatus.values:
            raise ValidationError("Choose a status.")
        s.engagement_set_status(
            engagement=engagement, by=request.user, status=form.cleaned_data["status"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The engagement's status is changed.")
    return redirect("engagements:detail", code=engagement.code)


# --- The agreement ------------------------------------------------------------------


def _agreement_initial(agreement) -> dict:
    if agreement is None:
        return {}
    fields = (
        "objectives",
        "cadence",
        "session_minutes",
        "session_count",
        "confidentiality_limits",
        "companion_offered",
        *AgreementForm.SIGNAL_FIELDS,
    )
    return {f: getattr(agreement, f) for f in fields}


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    latest = q.agreement_latest(engagement)
    in_force = q.agreement_in_force(engagement)
    form = None
    if relation == q.Relation.COACH and engagement.is_open:
        form = AgreementForm(request.POST or None, initial=_agreement_initial(latest))
        if request.method == "POST" and form.is_valid():
            try:
                s.agreement_propose(
                    engagement=engagement, by=request.user, **form.agreement_kwargs()
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    "The new version is proposed. It takes effect once the coachee accepts it.",
                )
                return redirect("engagements:agreement", code=engagement.code)
    elif request.method == "POST":
        raise Http404("Not found")
    if (
        relation == q.Relation.COACHEE
        and latest is not None
        and latest.created_by_id != request.user.id
    ):
        audit_record(
            action=AuditAction.READ,
            actor=request.user,
            target=latest,
            request=request,
            field="objectives",
        )
    history = list(engagement.agreements.defer("objectives").order_by("-version"))
    return render(
        request,
        "engagements/agreement.html",
        {
            "engagement": engagement,
            "relation": relation,
            "latest": latest,
            "in_force": in_force,
            "history": history,
            "form": form,
            "latest_signals": [
                AgreementForm.base_fields[f].label
                for f in AgreementForm.SIGNAL_FIELDS
                if latest is not None and getattr(latest, f)
            ],
        },
    )


@login_required
@require_POST
def agreement_accept(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    if relation != q.Relation.COACHEE:
        raise Http404("Not found")
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


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request, code):
    engagement, relation = q.engagement_get_for(request.user, code)
    form = SessionForm(request.POST or None)
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
            _apply_errors(form, exc)
        else:
            messages.success(
                request,
                "The coaching session is scheduled; both of you have an invitation by email.",
            )
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "engagements/session_form.html",
        {"engagement": engagement, "form": form, "session": None},
    )


def _audit_reads(request, session, relation) -> None:
    """A read of text someone else wrote is audited (never the text itself)."""
    user = request.user
    if relation == q.Relation.COACH and session.has_agenda:
        audit_record(
            action=AuditAction.READ, actor=user, target=session, request=request, field="agenda"
        )
    if session.shared_notes_updated_at and session.shared_notes_updated_by_id not in (
        None,
        user.id,
    ):
        audit_record(
            action=AuditAction.READ,
            actor=user,
            target=session,
            request=request,
            field="shared_notes",
        )


def _session_context(request, session, relation, **extra):
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
        "shared_form": NotesForm(
            initial={"body": session.shared_notes}, label="Shared notes", prefix="shared"
        ),
        "session_actions": list(session.actions.select_related("owner").order_by("due_on")),
        "commitments_form": CommitmentsForm(),
        "attendance_form": AttendanceForm(),
        "started": session.scheduled_for <= timezone.now(),
        "today": timezone.localdate(),
    }
    if is_coach:
        note = q.private_note_for(request.user, session)
        ctx["private_form"] = NotesForm(
            initial={"body": note.body if note else ""}, label="Private notes", prefix="private"
        )
        ctx["private_note"] = note
    ctx.update(extra)
    return ctx


@login_required
@require_http_methods(["GET"])
def session_detail(request, code):
    session, relation = q.session_get_for(request.user, code)
    _audit_reads(request, session, relation)
    return render(
        request, "engagements/session_detail.html", _session_context(request, session, relation)
    )


def _session_response(request, session, relation, partial: str, message: str, **forms):
    if is_htmx(request):
        ctx = _session_context(
            request,
            session,
            relation,
            saved=message if not any(f.errors for f in forms.values()) else "",
            **forms,
        )
        return render(request, f"engagements/session_detail.html#{partial}", ctx)
    if any(f.errors for f in forms.values()):
        return render(
            request,
            "engagements/session_detail.html",
            _session_context(request, session, relation, **forms),
            status=400,
        )
    messages.success(request, message)
    return redirect("engagements:session_detail", code=session.code)


@login_required
@require_POST
def agenda(request, code):
    session, relation = q.session_get_for(request.user, code)
    if relation != q.Relation.COACHEE:
        raise Http404("Not found")
    form = AgendaForm(request.POST)
    if form.is_valid():
        try:
            session = s.agenda_update(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _session_response(
        request, session, relation, "agenda", "Your agenda is saved.", agenda_form=form
    )


@login_required
@require_POST
def shared_notes(request, code):
    session, relation = q.session_get_for(request.user, code)
    form = NotesForm(request.POST, label="Shared notes", prefix="shared")
    if form.is_valid():
        try:
            session = s.shared_notes_update(
                session=session, by=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _session_response(
        request, session, relation, "shared-notes", "Shared notes saved.", shared_form=form
    )


@login_required
@require_POST
def private_notes(request, code):
    session, relation = q.session_get_for(request.user, code)
    if relation != q.Relation.COACH:
        raise Http404("Not found")
    form = NotesForm(request.POST, label="Private notes", prefix="private")
    if form.is_valid():
        try:
            s.private_note_update(session=session, by=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _session_response(
        request, session, relation, "private-notes", "Private notes saved.", private_form=form
    )


@login_required
@require_POST
def commitments(request, code):
    session, relation = q.session_get_for(request.user, code)
    if relation != q.Relation.COACHEE:
        raise Http404("Not found")
    form = CommitmentsForm(request.POST)
    if form.is_valid():
        try:
            s.commitments_add(
                session=session, by=request.user, commitments=form.cleaned_data["commitments"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
    return _session_response(
        request,
        session,
        relation,
        "actions",
        "Your commitments are now actions.",
        commitments_form=form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_reschedule(request, code):
    session, relation = q.session_get_for(request.user, code)
    initial = {
        "scheduled_for": timezone.localtime(session.scheduled_for).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": session.duration_minutes,
        "location": session.location,
    }
    form = SessionForm(request.POST or None, initial=initial)
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
            _apply_errors(form, exc)
        else:
            messages.success(
                request, "The coaching session has moved; both of you have an updated invitation."
            )
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "engagements/session_form.html",
        {"engagement": session.engagement, "form": form, "session": session},
    )


@login_required
@require_POST
def session_cancel(request, code):
    session, relation = q.session_get_for(request.user, code)
    try:
        s.session_cancel(session=session, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The coaching session is cancelled; both of you have been told.")
    return redirect("engagements:session_detail", code=session.code)


@login_required
@require_POST
def session_attendance(request, code):
    session, relation = q.session_get_for(request.user, code)
    if relation != q.Relation.COACH:
        raise Http404("Not found")
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
        messages.success(request, "Attendance recorded.")
    return redirect("engagements:session_detail", code=session.code)


# --- Actions ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, code):
    action, relation = q.action_get_for(request.user, code)
    form = ActionForm(
        request.POST or None, initial={"title": action.title, "due_on": action.due_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            s.action_update(action=action, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Action updated.")
            return redirect("engagements:detail", code=action.engagement.code)
    return render(request, "engagements/action_form.html", {"action": action, "form": form})


@login_required
@require_POST
def action_done(request, code):
    action, relation = q.action_get_for(request.user, code)
    done = request.POST.get("done", "1") == "1"
    action = s.action_set_done(action=action, by=request.user, done=done)
    if is_htmx(request):
        return render(
            request,
            "engagements/includes/action_item.html",
            {"action": action, "today": timezone.localdate()},
        )
    messages.success(request, "Well done — action completed." if done else "Action reopened.")
    if request.POST.get("back") == "session" and action.session_id:
        return redirect("engagements:session_detail", code=action.session.code)
    return redirect("engagements:detail", code=action.engagement.code)

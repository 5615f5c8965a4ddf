"""Presentation practice: the coachee prepares a talk, rehearses it (recording in the
browser, an audio file, or a pasted timed transcript) and reads what Bearing noticed; the
coach reads a talk and its rehearsals only once the coachee shares it."""

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.engagements.queries import Relation, engagement_get_for
from bearing.growth.queries import plan_goals
from bearing.lib.actions import attempt
from bearing.lib.forms import apply_errors
from bearing.lib.htmx import is_htmx

from . import charts
from . import queries as q
from . import services as s
from .forms import AudioForm, PasteForm, TalkEditForm, TalkForm
from .observations import clock
from .questions import LISTENERS, draft, note_answer
from .timed import Timed


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def home(request, code):
    """The coachee's talks and a form for a new one; the coach's list of shared talks."""
    posting = request.method == "POST"
    engagement, relation = engagement_get_for(
        request.user, code, allow={Relation.COACHEE} if posting else None
    )
    form = TalkForm(request.POST or None)
    if posting and form.is_valid():
        try:
            talk = s.talk_create(engagement=engagement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("rehearsals:talk", code=talk.code)
    return _private(
        render(
            request,
            "rehearsals/home.html",
            {
                "engagement": engagement,
                "is_coachee": relation == Relation.COACHEE,
                "talks": q.talks_for(request.user, engagement, relation),
                "form": form,
            },
            status=400 if form.errors else 200,
        )
    )


def _talk_page(request, talk, relation, *, edit=None, paste=None, audio=None, status=200):
    rehearsals = q.rehearsals_of(talk)
    attempts = q.attempts_of(talk, rehearsals)
    is_coachee = relation == Relation.COACHEE
    initial = {
        "title": talk.title,
        "audience": talk.audience,
        "minutes_allowed": talk.minutes_allowed,
        "key_messages": talk.key_messages,
        "slides_text": talk.slides_text,
        "pace_low": talk.pace_low,
        "pace_high": talk.pace_high,
        "goal": str(talk.goal.code) if talk.goal else "",
    }
    labels = [f"#{a.number}" for a in attempts]
    latest = attempts[-1].rehearsal.transcript if attempts else {}
    spoken = " ".join(w for _, _, w in Timed.from_json(latest).words)
    ctx = {
        "talk": talk,
        "engagement": talk.engagement,
        "is_coachee": is_coachee,
        "rehearsals": rehearsals,
        "attempts": attempts,
        "edit_form": edit
        or (
            TalkEditForm(initial=initial, goals=plan_goals(talk.engagement)) if is_coachee else None
        ),
        "paste_form": paste or PasteForm(),
        "audio_form": audio or AudioForm(),
        "fillers_chart": charts.attempts_chart(
            "fillers",
            "Filler words per 100 words",
            [
                (label, a.observations.fillers_per_100)
                for label, a in zip(labels, attempts, strict=True)
            ],
            "per 100 words",
        )
        if len(attempts) > 1
        else None,
        "pace_chart": charts.attempts_chart(
            "wpm",
            "Average pace (words per minute)",
            [
                (label, a.observations.average_wpm or 0)
                for label, a in zip(labels, attempts, strict=True)
            ],
            "wpm",
            band=(talk.pace_low, talk.pace_high),
        )
        if len(attempts) > 1
        else None,
        "clock": clock,
        "questions": draft(talk.key_message_list(), talk.slides_text, spoken),
        "question_rounds": q.question_rounds_of(talk),
    }
    return _private(render(request, "rehearsals/talk.html", ctx, status=status))


@login_required
@require_http_methods(["GET", "POST"])
def talk(request, code):
    """The talk, its rehearsals side by side, and (for the coachee) the ways to rehearse.
    A POST is the coachee changing the talk or the guide band."""
    posting = request.method == "POST"
    the_talk, relation = q.talk_get_for(
        request.user, code, request, want=Relation.COACHEE if posting else None
    )
    if not posting:
        return _talk_page(request, the_talk, relation)
    form = TalkEditForm(request.POST, goals=plan_goals(the_talk.engagement))
    if form.is_valid():
        try:
            s.talk_update(talk=the_talk, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The talk is saved.")
            return redirect("rehearsals:talk", code=the_talk.code)
    the_talk.refresh_from_db()
    return _talk_page(request, the_talk, relation, edit=form, status=400)


@login_required
@require_POST
def paste(request, code):
    the_talk, relation = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    form = PasteForm(request.POST)
    if form.is_valid():
        try:
            rehearsal = s.rehearsal_paste(
                talk=the_talk, by=request.user, text=form.cleaned_data["transcript"]
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="transcript")
        else:
            return redirect("rehearsals:rehearsal", code=rehearsal.code)
    return _talk_page(request, the_talk, relation, paste=form, status=400)


@login_required
@require_POST
def upload(request, code):
    """An audio file or a recording from the browser. Checked here (format, size, length:
    the error beside the field); transcribed in the task worker."""
    the_talk, relation = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    form = AudioForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            rehearsal = s.rehearsal_upload(
                talk=the_talk,
                by=request.user,
                data=form.cleaned_data["audio"],
                mime=form.cleaned_data["mime"],
                recorded=form.cleaned_data["recorded"],
                keep_audio=form.cleaned_data["keep_audio"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="audio")
        else:
            return redirect("rehearsals:rehearsal", code=rehearsal.code)
    return _talk_page(request, the_talk, relation, audio=form, status=400)


@login_required
@require_POST
def share(request, code):
    the_talk, _ = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    share_it = request.POST.get("share") == "1"
    s.talk_share(talk=the_talk, by=request.user, share=share_it)
    messages.success(
        request,
        "Your coach can now read this talk and its rehearsals (the audio only of the "
        "recordings you choose to share)."
        if share_it
        else "No longer shared with your coach.",
    )
    return redirect("rehearsals:talk", code=the_talk.code)


@login_required
@require_POST
def bring(request, code):
    """Share the talk and bring it to the next coaching session."""
    the_talk, _ = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    attempt(
        request,
        lambda: s.talk_bring(talk=the_talk, by=request.user),
        lambda session: (
            "Shared with your coach and brought to your session on "
            f"{date_format(timezone.localtime(session.scheduled_for), 'j F')}."
        ),
    )
    return redirect("rehearsals:talk", code=the_talk.code)


@login_required
@require_POST
def talk_delete(request, code):
    the_talk, _ = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    engagement_code = the_talk.engagement.code
    s.talk_delete(talk=the_talk, by=request.user)
    messages.success(request, "The talk and its rehearsals are deleted.")
    return redirect("rehearsals:home", code=engagement_code)


def _paragraphs(timed: Timed) -> list[tuple[str, str]]:
    """The words in paragraphs, broken at pauses of 1.5 s or after about 40 words."""
    out: list[tuple[str, str]] = []
    current: list[str] = []
    start = 0.0
    last_end = None
    for w_start, w_end, word in timed.words:
        if current and (len(current) >= 40 or (last_end is not None and w_start - last_end >= 1.5)):
            out.append((clock(start), " ".join(current)))
            current = []
        if not current:
            start = w_start
        current.append(word)
        last_end = w_end
    if current:
        out.append((clock(start), " ".join(current)))
    return out


@login_required
@require_GET
def rehearsal(request, code):
    """What Bearing noticed in one rehearsal, beside the talk's others. While the worker
    transcribes, an htmx request gets the progress fragment (the page polls it)."""
    the_rehearsal, relation = q.rehearsal_get_for(request.user, code, request)
    the_talk = the_rehearsal.talk
    if is_htmx(request):
        response = render(
            request, "rehearsals/rehearsal.html#progress", {"rehearsal": the_rehearsal}
        )
        if not the_rehearsal.is_pending:
            response["HX-Refresh"] = "true"
        return _private(response)
    found = q.observations_of(the_talk, the_rehearsal)
    rehearsals = q.rehearsals_of(the_talk)
    ctx = {
        "rehearsal": the_rehearsal,
        "talk": the_talk,
        "engagement": the_talk.engagement,
        "is_coachee": relation == Relation.COACHEE,
        "obs": found,
        "attempts": q.attempts_of(the_talk, rehearsals),
        "clock": clock,
    }
    if found is not None:
        ctx["pace_chart"] = charts.pace_chart(found.pace, found.band)
        ctx["paragraphs"] = _paragraphs(
            Timed.from_json(the_rehearsal.transcript, the_rehearsal.duration_seconds)
        )
    return _private(render(request, "rehearsals/rehearsal.html", ctx))


@login_required
@require_GET
def audio(request, code):
    """The kept audio: for its owner to listen to again, and for their coach only where
    the leader chose to share it (the read audited)."""
    the_rehearsal, relation = q.rehearsal_get_for(
        request.user, code, request, want={Relation.COACHEE, Relation.COACH}, with_audio=True
    )
    if not the_rehearsal.has_audio:
        raise Http404("Not found")
    if relation == Relation.COACH and the_rehearsal.audio_shared_at is None:
        raise Http404("Not found")
    response = HttpResponse(
        base64.b64decode(the_rehearsal.audio), content_type=the_rehearsal.audio_type
    )
    response["Content-Disposition"] = "inline"
    return _private(response)


def _owner_step(request, code, act, done):
    the_rehearsal, _ = q.rehearsal_get_for(request.user, code, request, want=Relation.COACHEE)
    attempt(request, lambda: act(the_rehearsal), done)
    return the_rehearsal


@login_required
@require_POST
def audio_share(request, code):
    share = request.POST.get("share") == "1"
    r = _owner_step(
        request,
        code,
        lambda r: s.rehearsal_audio_share(rehearsal=r, by=request.user, share=share),
        "Your coach can listen to this recording while the talk is shared."
        if share
        else "Your coach can no longer listen to this recording.",
    )
    return redirect("rehearsals:rehearsal", code=r.code)


@login_required
@require_POST
def audio_discard(request, code):
    r = _owner_step(
        request,
        code,
        lambda r: s.rehearsal_audio_discard(rehearsal=r, by=request.user),
        "The audio is deleted; the words and what Bearing noticed stay.",
    )
    return redirect("rehearsals:rehearsal", code=r.code)


@login_required
@require_POST
def retry(request, code):
    r = _owner_step(
        request,
        code,
        lambda r: s.rehearsal_retry(rehearsal=r, by=request.user),
        "Transcribing again.",
    )
    return redirect("rehearsals:rehearsal", code=r.code)


@login_required
@require_POST
def delete(request, code):
    the_rehearsal, _ = q.rehearsal_get_for(request.user, code, request, want=Relation.COACHEE)
    talk_code = the_rehearsal.talk.code
    s.rehearsal_delete(rehearsal=the_rehearsal, by=request.user)
    messages.success(request, "The rehearsal is deleted.")
    return redirect("rehearsals:talk", code=talk_code)


@login_required
@require_POST
def questions_start(request, code):
    """A round of the questions the room may ask, to answer one at a time."""
    the_talk, _ = q.talk_get_for(request.user, code, request, want=Relation.COACHEE)
    started = attempt(request, lambda: s.questions_start(talk=the_talk, by=request.user))
    if started.value is None:
        return redirect("rehearsals:talk", code=the_talk.code)
    return redirect("rehearsals:questions", code=started.value.code)


@login_required
@require_http_methods(["GET", "POST"])
def questions(request, code):
    """The room asks, the leader answers, one question at a time; after the last answer,
    what Bearing noticed in each. The coach reads it once the talk is shared."""
    posting = request.method == "POST"
    round_, relation = q.question_round_get_for(
        request.user, code, request, want=Relation.COACHEE if posting else None
    )
    error = ""
    if posting:
        try:
            round_ = s.question_answer(
                round_=round_, by=request.user, text=request.POST.get("answer", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            return redirect("rehearsals:questions", code=round_.code)
    asked = round_.questions
    answers = list(round_.answers or [])
    pairs = [
        {
            "who": LISTENERS.get(question["listener"], ""),
            "question": question["text"],
            "answer": answer,
            "note": note_answer(question, answer) if round_.finished_at else None,
        }
        for question, answer in zip(asked, answers, strict=False)
    ]
    upcoming = asked[len(answers)] if len(answers) < len(asked) else None
    ctx = {
        "round": round_,
        "talk": round_.talk,
        "is_coachee": relation == Relation.COACHEE,
        "pairs": pairs,
        "upcoming": upcoming,
        "upcoming_who": LISTENERS.get(upcoming["listener"], "") if upcoming else "",
        "number": len(answers) + 1,
        "total": len(asked),
        "error": error,
        "typed": request.POST.get("answer", "") if error else "",
    }
    return _private(render(request, "rehearsals/questions.html", ctx, status=400 if error else 200))

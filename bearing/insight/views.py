"""Self-assessments, 360 campaigns and the journal, for the coachee and the coach.
Sponsors and everyone else get 404, through the engagements door."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.engagements.access import Relation, audit_read, deny
from bearing.engagements.queries import engagement_get_for
from bearing.lib.actions import attempt
from bearing.lib.forms import apply_errors

from . import queries as q
from . import services as s
from .charts import bar_chart
from .forms import CampaignForm, JournalForm, JournalSearchForm, NomineeForm, RerunForm
from .instruments import competency_scores
from .models import Campaign, CampaignStatus, JournalEntry, RaterComment, RaterGroup

COACHEE = Relation.COACHEE
COACH = Relation.COACH


def _questions(instrument, answers: dict, errors: dict, *, rater: bool) -> list[dict[str, Any]]:
    """Competencies with their items, each with its saved answer and any error."""
    out = []
    for comp in q.competencies_with_items(instrument):
        out.append(
            {
                "competency": comp,
                "items": [
                    {
                        "item": item,
                        "text": item.rater_text if rater else item.self_text,
                        "value": answers.get(item.key),
                        "error": errors.get(item.key, ""),
                    }
                    for item in comp.items.all()
                ],
            }
        )
    return out


def _answers_from(post, instrument) -> dict[str, str]:
    keys = {i.key for i in instrument.items.all()}
    return {k[2:]: v for k, v in post.items() if k.startswith("a-") and k[2:] in keys}


def _errors(exc: ValidationError) -> dict[str, str]:
    if hasattr(exc, "error_dict"):
        return {k: " ".join(v) for k, v in exc.message_dict.items()}
    return {"__all__": " ".join(exc.messages)}


# --- The insight page of an engagement ---------------------------------------------


@login_required
@require_GET
def home(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    return render(
        request,
        "insight/home.html",
        {
            "engagement": engagement,
            "relation": relation,
            "is_coachee": relation == COACHEE,
            "instruments": q.instruments(),
            "assessments": q.assessments_of(engagement),
            "campaigns": q.campaigns_of(engagement),
        },
    )


@login_required
@require_POST
def assessment_start(request, code):
    engagement, _ = engagement_get_for(request.user, code, allow={COACHEE})
    chosen = request.POST.get("instrument", "")
    instrument = q.instrument_by_code(chosen) if _uuid(chosen) else None
    if instrument is None:
        messages.error(request, "Choose a questionnaire.")
        return redirect("insight:home", code=engagement.code)
    started = attempt(
        request,
        lambda: s.assessment_start(engagement=engagement, by=request.user, instrument=instrument),
    )
    if started.value is None:
        return redirect("insight:home", code=engagement.code)
    return redirect("insight:assessment", code=started.value.code)


def _uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request, code):
    """Answer a self-assessment: each choice is kept as it is made (htmx), or the
    whole page with 'Save' (without JavaScript); 'Finish' when all are answered."""
    assessment, _ = q.assessment_get_for(request.user, code, want=COACHEE)
    if assessment.completed_at is not None:
        return redirect("insight:assessment_result", code=assessment.code)
    instrument = assessment.instrument
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        answers = _answers_from(request.POST, instrument)
        try:
            assessment = s.assessment_answer(
                assessment=assessment, by=request.user, answers=answers
            )
            if request.POST.get("finish"):
                s.assessment_complete(assessment=assessment, by=request.user)
                messages.success(request, "Finished. Here are your scores.")
                return redirect("insight:assessment_result", code=assessment.code)
        except ValidationError as exc:
            errors = _errors(exc)
            status = 400
            if request.headers.get("HX-Request"):  # one choice refused: say so in place
                return render(
                    request,
                    "insight/assessment.html#saved",
                    {"error": " ".join(errors.values()), "answered": None},
                    status=400,
                )
        else:
            if request.headers.get("HX-Request"):
                return render(
                    request,
                    "insight/assessment.html#saved",
                    {"answered": len(assessment.answers), "total": instrument.items.count()},
                )
            messages.success(request, "Saved. You can carry on here or on another device.")
            return redirect("insight:assessment", code=assessment.code)
    return render(
        request,
        "insight/assessment.html",
        {
            "assessment": assessment,
            "engagement": assessment.engagement,
            "instrument": instrument,
            "questions": _questions(instrument, assessment.answers, errors, rater=False),
            "scale": instrument.scale,
            "not_observed": instrument.not_observed_self,
            "errors": errors,
            "answered": len(assessment.answers),
            "total": instrument.items.count(),
        },
        status=status,
    )


@login_required
@require_GET
def assessment_result(request, code):
    assessment, relation = q.assessment_get_for(request.user, code)
    instrument = assessment.instrument
    comps = q.competencies_with_items(instrument)
    items = [i for c in comps for i in c.items.all()]
    for i in items:
        i.competency = next(c for c in comps if c.id == i.competency_id)
    low, high = instrument.scale_min, instrument.scale_max
    scores = competency_scores(assessment.answers, items, low=low, high=high)
    rows = [{"title": c.title, "score": scores.get(c.key)} for c in comps]
    chart = bar_chart(
        title=f"{instrument.title}: score per competency",
        rows=[(r["title"], [("You", r["score"], "chart-self")]) for r in rows],
        low=low,
        high=high,
    )
    audit_read(request, assessment, relation, label="self-assessment")
    return render(
        request,
        "insight/assessment_result.html",
        {
            "assessment": assessment,
            "engagement": assessment.engagement,
            "instrument": instrument,
            "rows": rows,
            "chart": chart,
            "is_coachee": relation == COACHEE,
            "low": low,
            "high": high,
        },
    )


# --- 360 campaigns ------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    choices = q.instruments(for_raters=True)
    form = CampaignForm(request.POST or None, instruments=choices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        instrument = next(i for i in choices if str(i.code) == d["instrument"])
        try:
            campaign = s.campaign_create(
                engagement=engagement,
                by=request.user,
                instrument=instrument,
                deadline=d["deadline"],
                min_per_group=d["min_per_group"],
                single_manager=d["single_manager"],
                release=d["release"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Campaign set up. Next: the raters.")
            return redirect("insight:campaign", code=campaign.code)
    return render(
        request,
        "insight/campaign_new.html",
        {"engagement": engagement, "form": form, "is_coachee": relation == COACHEE},
        status=400 if form.errors else 200,
    )


def _campaign_page(request, campaign: Campaign, relation, *, nominee_form=None, rerun_form=None):
    nominees = q.nominees(campaign)
    titles = {c.key: c.title for c in campaign.instrument.competencies.all()}
    audit_read(request, campaign, relation, fields=[], label="campaign")
    if relation == COACH and nominees:
        audit_read(
            request,
            nominees[0],
            relation,
            kind="insight.RaterInvitation",
            target=str(campaign.code),
            label="raters",
        )
    return render(
        request,
        "insight/campaign.html",
        {
            "campaign": campaign,
            "engagement": campaign.engagement,
            "is_coachee": relation == COACHEE,
            "is_coach": relation == COACH,
            "nominees": nominees,
            "completion": _completion_rows(campaign),
            "nominee_form": nominee_form or NomineeForm(),
            "rerun_form": rerun_form or RerunForm(),
            "report_visible": q.report_visible(campaign, relation),
            "comments": [
                (titles.get(c.competency_key, ""), c)
                for c in q.comments_for(campaign, screening=True)
            ]
            if relation == COACH and campaign.status == CampaignStatus.CLOSED
            else [],
        },
        status=400
        if (nominee_form and nominee_form.errors) or (rerun_form and rerun_form.errors)
        else 200,
    )


def _completion_rows(campaign: Campaign) -> list[dict[str, Any]]:
    counts = (
        campaign.report.get("completion")
        if campaign.status == CampaignStatus.CLOSED
        else s.completion_counts(campaign)
    ) or {}
    return [{"group": RaterGroup(g).label, **counts[g]} for g in RaterGroup.values if g in counts]


@login_required
@require_GET
def campaign(request, code):
    campaign, relation = q.campaign_get_for(request.user, code)
    return _campaign_page(request, campaign, relation)


@login_required
@require_POST
def campaign_raters(request, code):
    campaign, relation = q.campaign_get_for(request.user, code, want=COACHEE)
    form = NomineeForm(request.POST)
    if form.is_valid():
        try:
            s.rater_nominate(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="name")
        else:
            messages.success(request, "Added.")
            return redirect("insight:campaign", code=campaign.code)
    return _campaign_page(request, campaign, relation, nominee_form=form)


@login_required
@require_POST
def rater_remove(request, code):
    invitation, _ = q.invitation_get_for(request.user, code, want=COACHEE)
    attempt(request, lambda: s.rater_remove(invitation=invitation, by=request.user), "Removed.")
    return redirect("insight:campaign", code=invitation.campaign.code)


def _campaign_step(request, code, want, act, success: str):
    campaign, _ = q.campaign_get_for(request.user, code, want=want)
    attempt(request, lambda: act(campaign), success)
    return redirect("insight:campaign", code=campaign.code)


@login_required
@require_POST
def campaign_open(request, code):
    return _campaign_step(
        request,
        code,
        COACHEE,
        lambda c: s.campaign_open(campaign=c, by=request.user),
        "The campaign is open: each rater has their own link by email.",
    )


@login_required
@require_POST
def campaign_close(request, code):
    return _campaign_step(
        request,
        code,
        COACH,
        lambda c: s.campaign_close(campaign=c, by=request.user),
        "Closed. The report is ready for you to read and screen before the debrief.",
    )


@login_required
@require_POST
def campaign_debriefed(request, code):
    return _campaign_step(
        request,
        code,
        COACH,
        lambda c: s.campaign_debriefed(campaign=c, by=request.user),
        "Debrief marked done: your coachee can now read the report.",
    )


@login_required
@require_POST
def campaign_rerun(request, code):
    campaign, relation = q.campaign_get_for(request.user, code)
    form = RerunForm(request.POST)
    if form.is_valid():
        try:
            after = s.campaign_rerun(
                campaign=campaign, by=request.user, deadline=form.cleaned_data["deadline"]
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="deadline")
        else:
            messages.success(request, "The second round is set up with the same raters.")
            return redirect("insight:campaign", code=after.code)
    return _campaign_page(request, campaign, relation, rerun_form=form)


@login_required
@require_POST
def comment_hold(request, code):
    comment, _ = q.comment_get_for(request.user, code, want=COACH)
    held = request.POST.get("held") == "1"
    attempt(request, lambda: s.comment_hold(comment=comment, by=request.user, held=held))
    return redirect("insight:campaign", code=comment.campaign.code)


@login_required
@require_GET
def campaign_report(request, code):
    campaign, relation = q.campaign_get_for(request.user, code)
    if not q.report_visible(campaign, relation):
        raise deny(request.user, "insight.campaign.report", code)
    report = campaign.report
    instrument = campaign.instrument
    texts = {i.key: i.self_text for i in instrument.items.all()}
    groups = list(report["groups"])
    labels = {g: RaterGroup(g).label for g in groups}
    rows = []
    for comp in report["competencies"]:
        rows.append(
            {
                **comp,
                "group_list": [(labels[g], comp["groups"].get(g)) for g in groups],
                "item_list": [
                    {
                        **it,
                        "text": texts.get(it["key"], it["key"]),
                        "group_list": [(labels[g], it["groups"].get(g)) for g in groups],
                    }
                    for it in comp["items"]
                ],
            }
        )
    chart = bar_chart(
        title="Self and others per competency",
        rows=[
            (
                r["title"],
                [
                    ("You" if relation == COACHEE else "Self", r["self"], "chart-self"),
                    ("Others", r["others"]["mean"] if r["others"] else None, "chart-others"),
                ],
            )
            for r in rows
        ],
        low=instrument.scale_min,
        high=instrument.scale_max,
    )
    comments = q.comments_for(campaign, screening=False)
    comp_titles = {c["key"]: c["title"] for c in report["competencies"]}
    audit_read(request, campaign, relation, label="360 report")
    if comments:
        audit_read(
            request,
            comments[0],
            relation,
            kind=RaterComment,
            target=str(campaign.code),
            label="360 comments",
        )
    return render(
        request,
        "insight/report.html",
        {
            "campaign": campaign,
            "engagement": campaign.engagement,
            "is_coachee": relation == COACHEE,
            "report": report,
            "rows": rows,
            "group_labels": [labels[g] for g in groups],
            "chart": chart,
            "blind_spots": [r for r in rows if r["flag"] == "blind_spot"],
            "hidden_strengths": [r for r in rows if r["flag"] == "hidden_strength"],
            "highest": [texts.get(k, k) for k in report["highest"]],
            "lowest": [texts.get(k, k) for k in report["lowest"]],
            "comments": [
                {
                    "competency": comp_titles.get(c.competency_key, ""),
                    "kind": c.get_kind_display(),
                    "text": c.text,
                }
                for c in comments
            ],
            "changes": q.report_changes(campaign),
            "completion": _completion_rows(campaign),
        },
    )


# --- The rater's link: no account --------------------------------------------------


def _link_or_404(token: str) -> q.RaterLink:
    link = q.rater_link(token)
    if link is None or link.answers is None:
        raise Http404("This link does not work (any more).")
    return link


@require_http_methods(["GET", "POST"])
def rate(request, token):
    link = _link_or_404(token)
    campaign = link.invitation.campaign
    instrument = campaign.instrument
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        answers = _answers_from(request.POST, instrument)
        comments: dict[str, dict[str, str]] = {}
        for key, value in request.POST.items():
            if key.startswith("c-"):
                parts = key[2:].rsplit("-", 1)
                if len(parts) == 2:
                    comments.setdefault(parts[0], {})[parts[1]] = value
        try:
            slot = s.rater_save(
                invitation=link.invitation,
                answers_set=link.answers,
                answers=answers,
                comments=comments or None,
            )
            if request.POST.get("submit"):
                s.rater_submit(invitation=link.invitation, answers_set=slot)
                return render(request, "insight/rate_done.html", {"declined": False})
        except ValidationError as exc:
            errors = _errors(exc)
            status = 400
            if request.headers.get("HX-Request"):  # one choice refused: say so in place
                return render(
                    request,
                    "insight/rate.html#saved",
                    {"error": " ".join(errors.values())},
                    status=400,
                )
        else:
            if request.headers.get("HX-Request"):
                return render(request, "insight/rate.html#saved", {"saved": True})
            link = _link_or_404(token)
    slot = link.answers
    assert slot is not None
    questions = _questions(instrument, slot.answers, errors, rater=True)
    for block in questions:
        saved = slot.comments.get(block["competency"].key, {})
        block["comments"] = [
            {
                "kind": kind,
                "label": label,
                "value": saved.get(kind, ""),
                "error": errors.get(f"comment_{block['competency'].key}_{kind}", ""),
            }
            for kind, label in (("start", "Start"), ("stop", "Stop"), ("continue", "Continue"))
        ]
    return render(
        request,
        "insight/rate.html",
        {
            "token": token,
            "leader": campaign.engagement.coachee_display,
            "deadline": campaign.deadline,
            "questions": questions,
            "scale": instrument.scale,
            "not_observed": instrument.not_observed_rater,
            "errors": errors,
            "own_view": link.invitation.group == RaterGroup.MANAGER
            and campaign.single_manager == "own_view",
        },
        status=status,
    )


@require_POST
def rate_decline(request, token):
    link = _link_or_404(token)
    s.rater_decline(invitation=link.invitation, answers_set=link.answers)
    return render(request, "insight/rate_done.html", {"declined": True})


# --- The journal --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def journal(request, code):
    engagement, relation = engagement_get_for(request.user, code)
    if request.method == "POST" and relation != COACHEE:
        raise deny(request.user, "insight.journalentry", code)
    form = JournalForm(request.POST or None, initial={"prompt": request.GET.get("prompt", "")})
    if request.method == "POST" and form.is_valid():
        try:
            s.journal_write(engagement=engagement, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Saved in your journal.")
            return redirect("insight:journal", code=engagement.code)
    search = JournalSearchForm(request.GET or None)
    needle = tag = ""
    if search.is_valid():
        needle, tag = search.cleaned_data["q"], search.cleaned_data["tag"]
    entries = q.journal_of(engagement, relation, search=needle, tag=tag)
    if relation == COACH and entries:
        audit_read(
            request,
            entries[0],
            relation,
            kind=JournalEntry,
            target=str(engagement.code),
            label="shared journal entries",
        )
    return render(
        request,
        "insight/journal.html",
        {
            "engagement": engagement,
            "is_coachee": relation == COACHEE,
            "form": form,
            "search": search,
            "needle": needle,
            "tag": tag,
            "entries": entries,
            "tags": q.journal_tags(engagement) if relation == COACHEE else [],
            "prompts": q.journal_prompts(engagement) if relation == COACHEE else [],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_entry(request, code):
    entry, relation = q.journal_entry_get_for(request.user, code)
    if request.method == "POST" and relation != COACHEE:
        raise deny(request.user, "insight.journalentry", code)
    form = JournalForm(
        request.POST or None, initial={"body": entry.body, "tags": ", ".join(entry.tags)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            s.journal_edit(
                entry=entry,
                by=request.user,
                body=form.cleaned_data["body"],
                tags=form.cleaned_data["tags"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Entry saved.")
            return redirect("insight:journal_entry", code=entry.code)
    audit_read(request, entry, relation, label="journal entry")
    return render(
        request,
        "insight/journal_entry.html",
        {
            "entry": entry,
            "engagement": entry.engagement,
            "is_coachee": relation == COACHEE,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def journal_share(request, code):
    entry, _ = q.journal_entry_get_for(request.user, code, want=COACHEE)
    share = request.POST.get("share") == "1"
    s.journal_share(entry=entry, by=request.user, share=share)
    messages.success(
        request,
        "Your coach can now read this entry." if share else "This entry is private again.",
    )
    return redirect("insight:journal_entry", code=entry.code)


@login_required
@require_POST
def journal_delete(request, code):
    entry, _ = q.journal_entry_get_for(request.user, code, want=COACHEE)
    engagement_code = entry.engagement.code
    s.journal_delete(entry=entry, by=request.user)
    messages.success(request, "Entry deleted.")
    return redirect("insight:journal", code=engagement_code)

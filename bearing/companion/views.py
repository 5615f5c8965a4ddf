"""The companion's pages: the coachee talks; the coach reads only what is shared."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from bearing.accounts.models import Organization
from bearing.accounts.queries import require_staff, roles_of
from bearing.accounts.recent_auth import recent_auth_response
from bearing.engagements.queries import Relation, agreement_in_force, engagement_get_for
from bearing.lib.actions import attempt
from bearing.lib.htmx import is_htmx

from . import queries as q
from . import services as s
from .engine import OPENING
from .forms import SupportResourcesForm
from .models import SupportResources
from .safety import Resources


def _consent_needs_recent_auth(request, page: str, code):
    """Giving consent is a grave step: a recent sign-in first (see recent_auth)."""
    if request.POST.get("consent") != "yes" or s.has_consent(request.user):
        return None
    return recent_auth_response(request, return_to=reverse(page, args=[code]))


@login_required
@require_http_methods(["GET", "POST"])
def home(request, code):
    """The coachee's companion page (disclosure, consent, conversations); the
    coach's list of conversations the coachee shared."""
    posting = request.method == "POST"  # only the coachee consents
    engagement, relation = engagement_get_for(
        request.user, code, allow={Relation.COACHEE} if posting else None
    )
    if posting:
        if (response := _consent_needs_recent_auth(request, "companion:home", code)) is not None:
            return response

        def start():
            if request.POST.get("consent") == "yes":
                s.consent_give(user=request.user, request=request)
            return s.conversation_start(engagement=engagement, by=request.user)

        started = attempt(request, start)
        if started.value is None:
            return redirect("companion:home", code=engagement.code)
        return redirect("companion:conversation", code=started.value.code)
    return render(
        request,
        "companion/home.html",
        {
            "engagement": engagement,
            "relation": relation,
            "opening": OPENING,
            "is_coachee": relation == Relation.COACHEE,
            "offered": s.companion_offered(engagement),
            "consented": s.has_consent(request.user) if relation == Relation.COACHEE else False,
            "conversations": q.conversations_for(request.user, engagement, relation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def conversation(request, code):
    posting = request.method == "POST"  # only the coachee talks to the companion
    conv, relation = q.conversation_get_for(
        request.user, code, request=request, want=Relation.COACHEE if posting else None
    )
    if conv.scenario:
        return redirect("companion:roleplay", code=conv.code)
    error = ""
    if posting:
        try:
            s.conversation_reply(
                conversation=conv, by=request.user, text=request.POST.get("text", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        if not is_htmx(request) and not error:
            return redirect("companion:conversation", code=conv.code)
    state = conv.state or {}
    chat = list(conv.messages.order_by("created_at", "id"))
    referred = relation == Relation.COACHEE and any(m.referred for m in chat)
    agreement = agreement_in_force(conv.engagement) if referred else None
    ctx = {
        "conversation": conv,
        "engagement": conv.engagement,
        "relation": relation,
        "is_coachee": relation == Relation.COACHEE,
        "opening": OPENING,
        "chat": chat,
        "error": error,
        "offer_action": bool(state.get("offered_action") and state.get("commitment")),
        # After a referral: the offer to ask the coach to get in touch, beside the
        # agreement's limits of confidentiality.
        "offer_coach_contact": referred,
        "confidentiality_limits": agreement.confidentiality_limits if agreement else "",
    }
    template = (
        "companion/conversation.html#chat" if is_htmx(request) else "companion/conversation.html"
    )
    return render(request, template, ctx, status=400 if error else 200)


def _owner_action(request, code, act, message):
    conv, _ = q.conversation_get_for(request.user, code, request=request, want=Relation.COACHEE)
    outcome = attempt(request, lambda: act(conv), message)
    return outcome.value or redirect("companion:conversation", code=conv.code)


@login_required
@require_POST
def share(request, code):
    share_it = request.POST.get("share") == "1"
    return _owner_action(
        request,
        code,
        lambda c: s.conversation_share(conversation=c, by=request.user, share=share_it) and None,
        "Your coach can now read this conversation."
        if share_it
        else "No longer shared with your coach.",
    )


@login_required
@require_POST
def delete(request, code):
    conv, _ = q.conversation_get_for(request.user, code, request=request, want=Relation.COACHEE)
    engagement_code = conv.engagement.code
    s.conversation_delete(conversation=conv, by=request.user)
    messages.success(request, "The conversation is deleted.")
    return redirect("companion:home", code=engagement_code)


@login_required
@require_POST
def to_action(request, code):
    return _owner_action(
        request,
        code,
        lambda c: s.commitment_to_action(conversation=c, by=request.user) and None,
        "Added to your plan as an action, due in a week.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def roleplay_home(request, code):
    from .roleplay import scenarios

    engagement, relation = engagement_get_for(request.user, code, allow={Relation.COACHEE})
    if request.method == "POST":
        response = _consent_needs_recent_auth(request, "companion:roleplay_home", code)
        if response is not None:
            return response

        def start():
            if request.POST.get("consent") == "yes":
                s.consent_give(user=request.user, request=request)
            return s.roleplay_start(
                engagement=engagement, by=request.user, scenario=request.POST.get("scenario", "")
            )

        started = attempt(request, start)
        if started.value is None:
            return redirect("companion:roleplay_home", code=engagement.code)
        return redirect("companion:roleplay", code=started.value.code)
    return render(
        request,
        "companion/roleplay_home.html",
        {
            "engagement": engagement,
            "scenarios": list(scenarios().values()),
            "consented": s.has_consent(request.user),
            "offered": s.companion_offered(engagement),
            "past": [
                c for c in q.conversations_for(request.user, engagement, relation) if c.scenario
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def roleplay(request, code):
    from .roleplay import RolePlay, debrief, leader_turns, scenarios

    posting = request.method == "POST"  # only the coachee plays their part
    conv, relation = q.conversation_get_for(
        request.user, code, request=request, want=Relation.COACHEE if posting else None
    )
    if not conv.scenario:
        raise Http404("Not found")
    error = ""
    if posting:
        try:
            s.roleplay_turn(conversation=conv, by=request.user, text=request.POST.get("text", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        conv.refresh_from_db()
        if not is_htmx(request) and not error:
            return redirect("companion:roleplay", code=conv.code)
    chat = list(conv.messages.order_by("created_at", "id"))
    play = RolePlay.from_dict(conv.state)
    ctx = {
        "conversation": conv,
        "engagement": conv.engagement,
        "relation": relation,
        "is_coachee": relation == Relation.COACHEE,
        "scenario": scenarios()[conv.scenario],
        "chat": chat,
        "error": error,
        "tension": play.tension,
        "debrief": debrief(play, *leader_turns(chat)) if play.turns else None,
    }
    template = "companion/roleplay.html#play" if is_htmx(request) else "companion/roleplay.html"
    return render(request, template, ctx, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def transcript(request):
    """A coach's own session transcript, analysed for learning. Nothing is stored:
    the transcript and its report exist only in this response."""

    from .forms import TranscriptForm
    from .transcript_analysis import analyse

    if not roles_of(request.user).is_coach:
        raise Http404("Not found")
    form = TranscriptForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = analyse(form.transcript_text(), coach_label=form.cleaned_data["coach_label"])
        except ValueError as exc:
            form.add_error(None, str(exc))
    response = render(
        request,
        "companion/transcript.html",
        {"form": form, "report": report},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def ask_coach(request, code):
    """After a referral: the coachee asks their coach to get in touch. The coach
    is told only that; the page confirms."""
    return _owner_action(
        request,
        code,
        lambda c: s.coach_contact_request(conversation=c, by=request.user, request=request),
        "Your coach has been asked to get in touch with you soon. "
        "They were told nothing about this conversation.",
    )


# --- Staff: where the companion's referrals point ---------------------------------


def _support_values(row) -> dict[str, str]:
    return {name: getattr(row, name) for name in Resources.field_names()} if row else {}


@login_required
@require_http_methods(["GET", "POST"])
def staff_support(request):
    """The installation's support resources, and the organizations that have their
    own. Configuration only: staff never see anything said in coaching."""
    require_staff(request.user)
    organizations = list(Organization.objects.order_by("name"))
    installation, by_org = q.support_resources_rows(organizations)
    form = SupportResourcesForm(
        request.POST or None, initial=_support_values(installation), defaults=Resources.default()
    )
    if request.method == "POST" and form.is_valid():
        s.support_resources_save(organization=None, values=form.cleaned_data)
        messages.success(request, "The installation's support resources are saved.")
        return redirect("companion:staff_support")
    return render(
        request,
        "companion/staff_support.html",
        {
            "form": form,
            "rows": [(o, by_org.get(o.pk)) for o in organizations],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_support_organization(request, code):
    require_staff(request.user)
    organization = get_object_or_404(Organization, code=code)
    row = SupportResources.objects.filter(organization=organization).first()
    installation_values = q.resources_for(None)
    form = SupportResourcesForm(
        request.POST or None, initial=_support_values(row), defaults=installation_values
    )
    if request.method == "POST" and form.is_valid():
        s.support_resources_save(organization=organization, values=form.cleaned_data)
        messages.success(request, f"Support resources for {organization.name} are saved.")
        return redirect("companion:staff_support")
    return render(
        request,
        "companion/staff_support_organization.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )

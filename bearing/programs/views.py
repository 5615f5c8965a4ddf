"""The sponsor's pages. Built only from the allow-lists in engagements.queries:
the sponsor's row (names, and the signals the agreement shares) and the
agreement's non-confidential terms, goal progress and approved progress summaries.
Never objectives, notes, agendas or actions, and never a model instance."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bearing.accounts.models import Organization
from bearing.accounts.queries import roles_of
from bearing.engagements import queries as eq
from bearing.engagements import services as es
from bearing.engagements.access import Relation, audit_read, deny
from bearing.engagements.models import SponsorSignal
from bearing.growth.models import ProgressSummary
from bearing.growth.queries import sponsor_goals, sponsor_summaries
from bearing.lib.forms import apply_errors

from . import queries as pq
from . import services as ps
from .charts import bar_chart
from .forms import (
    ChemistryCallForm,
    CoachProfileForm,
    DashboardFilterForm,
    DecideForm,
    EstimateForm,
    MatchingProfileForm,
    ProgramForm,
    PulseForm,
    SeatForm,
    ThemesForm,
)
from .models import MatchingProfile
from .report import RESULTS_NOTE, report_pdf


@login_required
@require_GET
def engagement(request, code):
    detail = eq.sponsor_engagement_detail(request.user, code)
    goals = []
    if detail.terms is not None and SponsorSignal.GOAL_PROGRESS in detail.terms.signals:
        # sponsor_goals checks the agreement in force again, and shares only
        # goals the coachee marked as shared, as a percentage.
        goals = sponsor_goals(request.user, code)
    summaries = []
    if detail.terms is not None and SponsorSignal.SUMMARIES in detail.terms.signals:
        summaries = sponsor_summaries(request.user, code)
        for summary in summaries:  # text the coach wrote, read by the sponsor
            audit_read(
                request,
                summary,
                Relation.SPONSOR,
                kind=ProgressSummary,
                fields=["body"],
                label="summary",
            )
    shared = []
    if detail.terms is not None:
        shared = [s.label for s in SponsorSignal if s.value in detail.terms.signals]
    return render(
        request,
        "programs/engagement.html",
        {
            "row": detail.row,
            "terms": detail.terms,
            "newer_version_waiting": detail.newer_version_waiting,
            "shared_signals": shared,
            "goals": goals,
            "summaries": summaries,
        },
    )


@login_required
@require_POST
def acknowledge(request, code):
    agreement = eq.sponsor_agreement_to_acknowledge(request.user, code)
    if agreement is None:
        messages.error(request, "There is nothing to acknowledge until the coachee accepts.")
        return redirect("programs:engagement", code=code)
    try:
        es.agreement_acknowledge(agreement=agreement, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "You have acknowledged the coaching agreement.")
    return redirect("programs:engagement", code=code)


# --- Programs: set up by a sponsor (or staff), a cohort dashboard ------------------------


def _organizations_run_by(user) -> list:
    roles = roles_of(user)
    if roles.is_staff:
        return list(Organization.objects.all())
    return list(roles.sponsor_organizations)


@login_required
@require_GET
def home(request):
    """Everything programs hold for the viewer: the programs they run, their seats,
    the leaders who chose them."""
    user = request.user
    pulses = []
    for engagement in pq.program_engagements_of_coachee(user):
        pulses.extend(ps.pulses_due(engagement=engagement))
    return render(
        request,
        "programs/home.html",
        {
            "runs_programs": pq.runs_programs(user),
            "programs": pq.programs_run_by(user) if pq.runs_programs(user) else [],
            "seats": pq.seats_of_leader(user),
            "is_coach": bool(pq.coach_practices(user)),
            "practices": pq.practices_viewable(user),
            "coach_proposals": pq.proposals_for_coach(user),
            "to_tag": pq.sessions_to_tag(user),
            "pulses": [str(p.code) for p in pulses],
            "user_is_staff": roles_of(user).is_staff,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    organizations = _organizations_run_by(request.user)
    if not organizations:
        raise deny(request.user, "programs.program", "new")
    form = ProgramForm(request.POST or None, organizations=organizations)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            program = ps.program_create(by=request.user, **d)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "The program is set up. Invite its leaders.")
            return redirect("programs:detail", code=program.code)
    return render(
        request, "programs/program_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def detail(request, code):
    program, row = pq.program_for(request.user, code)
    return render(
        request,
        "programs/program_detail.html",
        {"program": row, "seats": pq.program_seats(request.user, program), "form": SeatForm()},
    )


@login_required
@require_POST
def invite(request, code):
    program, row = pq.program_for(request.user, code)
    form = SeatForm(request.POST)
    if form.is_valid():
        try:
            ps.seat_invite(
                program=program,
                by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="email")
        else:
            messages.success(request, "The leader has been invited.")
            return redirect("programs:detail", code=row.code)
    return render(
        request,
        "programs/program_detail.html",
        {"program": row, "seats": pq.program_seats(request.user, program), "form": form},
        status=400,
    )


@login_required
@require_GET
def dashboard(request, code):
    dash = pq.program_dashboard(
        request.user,
        code,
        window=request.GET.get("window", "all"),
        theme=request.GET.get("theme", ""),
        status=request.GET.get("status", ""),
    )
    form = DashboardFilterForm(request.GET or None, windows=dash.windows)
    if request.GET:
        form.is_valid()  # a bad filter is named beside its field; the default is used
    else:
        form = DashboardFilterForm(initial={"window": "all"}, windows=dash.windows)
    status_bars = bar_chart([(r.label, r.value) for r in dash.statuses])
    theme_bars = bar_chart([(r.label, r.value) for r in dash.themes])
    return render(
        request,
        "programs/dashboard.html",
        {"d": dash, "form": form, "status_bars": status_bars, "theme_bars": theme_bars},
    )


# --- The practice's own view across its coaches --------------------------------------


@login_required
@require_GET
def practice(request, code):
    view = pq.practice_view(
        request.user,
        code,
        window=request.GET.get("window", "all"),
        theme=request.GET.get("theme", ""),
        status=request.GET.get("status", ""),
    )
    form = DashboardFilterForm(request.GET or None, windows=view.windows)
    if request.GET:
        form.is_valid()  # a bad filter is named beside its field; the default is used
    else:
        form = DashboardFilterForm(initial={"window": "all"}, windows=view.windows)
    return render(
        request,
        "programs/practice.html",
        {
            "d": view,
            "form": form,
            "status_bars": bar_chart([(r.label, r.value) for r in view.statuses]),
            "theme_bars": bar_chart([(r.label, r.value) for r in view.themes]),
        },
    )


# --- The roster: a coach's profile in their practice -----------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster(request):
    practices = pq.coach_practices(request.user)
    if not practices:
        raise deny(request.user, "programs.coachprofile", "roster")
    practice = next((p for p in practices if str(p.code) == request.GET.get("practice")), None)
    practice = practice or practices[0]
    profile = pq.roster_profile_of(request.user, practice)
    initial = {"time_zone": request.user.time_zone}
    if profile is not None:
        initial = {
            "bio": profile.bio,
            "focus_areas": profile.focus_areas,
            "languages": profile.languages,
            "time_zone": profile.time_zone,
            "years_experience": profile.years_experience,
            "capacity": profile.capacity,
        }
    form = CoachProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            ps.coach_profile_save(coach=request.user, practice=practice, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your roster profile is saved.")
            return redirect(f"{reverse('programs:roster')}?practice={practice.code}")
    return render(
        request,
        "programs/roster.html",
        {"form": form, "practice": practice.name, "practices": practices},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def roster_staff(request):
    """Staff: every practice's roster, its capacity and load (never a biography)."""
    return render(
        request, "programs/roster_staff.html", {"rows": pq.roster_for_staff(request.user)}
    )


# --- Leaders: their matching profile, the three coaches, their choice -------------------


def _seat_page(request, seat, form, status=200, call_form=None, call_for=None):
    return render(
        request,
        "programs/seat.html",
        {
            "seat_code": str(seat.code),
            "program": seat.program.name,
            "engagement_code": str(seat.engagement.code) if seat.engagement else None,
            "form": form,
            "proposals": pq.proposals_for_seat(seat),
            "call_form": call_form or ChemistryCallForm(),
            "call_for": str(call_for) if call_for else None,
        },
        status=status,
    )


def _profile_initial(seat, user) -> dict:
    profile = pq.matching_profile_of(seat)
    if profile is None:
        return {"time_zone": user.time_zone, "coach_style": "any"}
    return {
        "themes": profile.themes,
        "hopes": profile.hopes,
        "languages": profile.languages,
        "time_zone": profile.time_zone,
        "coach_style": profile.coach_style,
    }


@login_required
@require_GET
def seat(request, code):
    seat = pq.seat_for_leader(request.user, code)
    form = MatchingProfileForm(initial=_profile_initial(seat, request.user))
    return _seat_page(request, seat, form)


@login_required
@require_POST
def profile(request, code):
    seat = pq.seat_for_leader(request.user, code)
    form = MatchingProfileForm(request.POST)
    if form.is_valid():
        try:
            ps.matching_profile_save(seat=seat, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Your matching profile is saved.")
            return redirect("programs:seat", code=seat.code)
    return _seat_page(request, seat, form, status=400)


@login_required
@require_POST
def different(request, code):
    seat = pq.seat_for_leader(request.user, code)
    try:
        ps.proposals_make(seat=seat, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Here are other coaches for you.")
    return redirect("programs:seat", code=seat.code)


@login_required
@require_POST
def choose(request, code):
    proposal = pq.proposal_for(request.user, code, as_coach=False)
    try:
        ps.proposal_choose(proposal=proposal, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"You chose {proposal.coach.name}. They will answer soon.")
    return redirect("programs:seat", code=proposal.seat.code)


@login_required
@require_POST
def chemistry(request, code):
    """The leader books a short call with a coach proposed to them."""
    proposal = pq.proposal_for(request.user, code, as_coach=False)
    form = ChemistryCallForm(request.POST)
    if form.is_valid():
        try:
            ps.chemistry_call_book(proposal=proposal, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="scheduled_for")
        else:
            messages.success(
                request,
                f"Your call with {proposal.coach.name} is booked; you both have an invitation.",
            )
            return redirect("programs:seat", code=proposal.seat.code)
    seat = pq.seat_for_leader(request.user, proposal.seat.code)
    form_profile = MatchingProfileForm(initial=_profile_initial(seat, request.user))
    return _seat_page(request, seat, form_profile, status=400, call_form=form, call_for=code)


# --- Coaches: the leader who chose them --------------------------------------------------


def _proposal_page(request, proposal, form, status=200):
    profile = pq.matching_profile_for_coach(request.user, proposal)
    if profile is not None and profile.hopes:
        audit_read(
            request,
            profile,
            Relation.COACH,
            kind=MatchingProfile,
            fields=["hopes"],
            label="matching_profile",
        )
    return render(
        request,
        "programs/proposal.html",
        {
            "proposal_code": str(proposal.code),
            "leader": proposal.seat.leader_display,
            "program": proposal.seat.program.name,
            "status": proposal.status,
            "status_label": proposal.get_status_display(),
            "engagement_code": str(proposal.seat.engagement.code)
            if proposal.seat.engagement_id
            else None,
            "profile": profile,
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def proposal(request, code):
    proposal = pq.proposal_for(request.user, code, as_coach=True)
    return _proposal_page(request, proposal, DecideForm())


@login_required
@require_POST
def decide(request, code):
    proposal = pq.proposal_for(request.user, code, as_coach=True)
    form = DecideForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            ps.proposal_decide(proposal=proposal, by=request.user, accept=accept)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="decision")
        else:
            if accept:
                messages.success(
                    request,
                    "The engagement is proposed, with the program's agreement for the "
                    "coachee to accept.",
                )
            else:
                messages.success(request, "You declined. The leader can choose another coach.")
            return redirect("programs:proposal", code=proposal.code)
    return _proposal_page(request, proposal, form, status=400)


# --- Coaching themes, tagged by the coach after a held coaching session -----------------


@login_required
@require_http_methods(["GET", "POST"])
def themes(request, code):
    session, current = pq.session_for_themes(request.user, code)
    form = ThemesForm(request.POST or None, initial={"themes": current})
    if request.method == "POST" and form.is_valid():
        try:
            ps.session_themes_set(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="themes")
        else:
            messages.success(request, "The coaching session's themes are saved.")
            return redirect("engagements:session_detail", code=session.code)
    return render(
        request,
        "programs/themes.html",
        {"form": form, "session_code": str(session.code), "when": session.scheduled_for},
        status=400 if form.errors else 200,
    )


# --- The anonymous satisfaction pulse ---------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pulse(request, code):
    pulse_request = pq.pulse_request_get_for(request.user, code)
    if pulse_request.answered:
        messages.info(request, "You have answered this pulse already. Thank you.")
        return redirect("programs:home")
    form = PulseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ps.pulse_answer(request=pulse_request, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Thank you. Your answer is kept without your name.")
            return redirect("programs:home")
    return render(
        request,
        "programs/pulse.html",
        {"form": form, "moment": pulse_request.get_moment_display()},
        status=400 if form.errors else 200,
    )


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet never reads as a formula."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number, negative ones too, is never a formula
    text = "hidden" if value is None else str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


@login_required
@require_GET
def dashboard_csv(request, code):
    """The dashboard's figures as CSV, under the same filters and the same rules:
    built from the same allow-list rows, a hidden figure written as "hidden"."""
    d = pq.program_dashboard(
        request.user,
        code,
        window=request.GET.get("window", "all"),
        theme=request.GET.get("theme", ""),
        status=request.GET.get("status", ""),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="program-dashboard.csv"'
    writer = csv.writer(response)
    filters = "; ".join(d.filters) or "none"
    writer.writerow(["program", "figure", "category", "value", "n", "from", "to", "filters"])

    def row(figure: str, category: str, value: object, n: object, span=(d.start, d.end)) -> None:
        writer.writerow(
            [_cell(x) for x in (d.program.name, figure, category, value, n)]
            + [span[0].isoformat(), span[1].isoformat(), _cell(filters)]
        )

    for r in d.statuses:
        row("engagement status", r.label, r.value, d.status_n)
    a = d.attendance
    row("coaching sessions held", "", a.held, a.n)
    row("coaching sessions missed", "", a.missed, a.n)
    row("coaching sessions contracted", "", a.contracted, a.n)
    row("attendance %", "", a.rate, a.n)
    g = d.goals
    row("goal progress % median", "", g.median, g.n)
    row("goal progress % lower quartile", "", g.lower, g.n)
    row("goal progress % upper quartile", "", g.upper, g.n)
    ch = d.change360
    for r in ch.rows:
        # The whole program whatever the date range (its own dates); theme and status apply.
        value = r.change if r.n else ("" if r.n == 0 else None)
        row("360 change, others' average after - before", r.label, value, r.n, (ch.start, ch.end))
    for r in d.themes:
        row("coaching theme (coachees)", r.label, r.value, None if r.value is None else r.value)
    for p in d.pulses:
        row("satisfaction: useful (1-5)", p.moment, p.usefulness, p.n)
        row("satisfaction: would recommend %", p.moment, p.recommend, p.n)
        row("satisfaction: coach fit (1-5)", p.moment, p.coach_fit, p.n)
    return response


def _report_page(request, code, form=None, status=200):
    program, _ = pq.program_for(request.user, code)
    d = pq.program_dashboard(request.user, code)
    return render(
        request,
        "programs/report.html",
        {
            "d": d,
            "status_bars": bar_chart([(r.label, r.value) for r in d.statuses]),
            "theme_bars": bar_chart([(r.label, r.value) for r in d.themes]),
            "results_note": RESULTS_NOTE,
            "estimates": pq.program_estimates(request.user, program),
            "form": form or EstimateForm(),
            "can_estimate": any(
                o.id == program.organization_id
                for o in roles_of(request.user).sponsor_organizations
            ),
        },
        status=status,
    )


@login_required
@require_GET
def report(request, code):
    """The program report for the whole program, on the page and as a PDF."""
    return _report_page(request, code)


@login_required
@require_POST
def estimate_add(request, code):
    program, _ = pq.program_for(request.user, code, sponsor_only=True)
    form = EstimateForm(request.POST)
    if form.is_valid():
        try:
            ps.estimate_add(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="label")
        else:
            messages.success(request, "Your estimate is added to the report, marked as yours.")
            return redirect("programs:report", code=program.code)
    return _report_page(request, code, form, status=400)


@login_required
@require_POST
def estimate_remove(request, code):
    estimate = pq.estimate_for(request.user, code)
    ps.estimate_remove(estimate=estimate, by=request.user)
    messages.success(request, "The estimate is removed.")
    return redirect("programs:report", code=estimate.program.code)


@login_required
@require_GET
def report_download(request, code):
    program, _ = pq.program_for(request.user, code)
    d = pq.program_dashboard(request.user, code)
    estimates = pq.program_estimates(request.user, program)
    response = HttpResponse(report_pdf(d, estimates), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="program-report.pdf"'
    return response

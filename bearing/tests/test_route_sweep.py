"""The route sweep: every URL pattern, requested by every persona, against a
declared policy. Default deny: a route missing from POLICY fails the build.

For each route the policy says which personas may use it; everyone else must
get 404 (signed in) or be sent to the login page (anonymous) — unless the route
is public. It also says which methods the route answers; any other gets 405.
Pages that an outsider reaches must never carry a canary string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bearing.testing import CANARY, WorldTestCase, canary_strings
from bearing.tests import figures

ANON = "anonymous"
COACH = "coach"
COACHEE = "coachee"
SPONSOR = "sponsor"
OTHER_COACH = "other_coach"
OTHER_SPONSOR = "other_sponsor"
STAFF = "staff"
PERSONAS = [ANON, OTHER_COACH, OTHER_SPONSOR, STAFF, SPONSOR, COACHEE, COACH]
SIGNED_IN = [p for p in PERSONAS if p != ANON]
EVERYONE = set(PERSONAS)

# Who may see which canaries at all.
MAY_SEE_CANARY = {
    # The coach never sees a companion conversation the coachee has not shared.
    # Nor a rehearsal of a talk the coachee has not shared.
    COACH: set(canary_strings()) - {CANARY.companion.split()[0], CANARY.rehearsal.split()[0]},
    COACHEE: set(canary_strings()) - {CANARY.private_note.split()[0]},
}


@dataclass
class Route:
    allow: set[str]
    methods: tuple[str, ...] = ("GET",)
    kwargs: Callable = field(default=lambda w: {})
    public: bool = False  # anonymous is not sent to login (token links, login page)
    # What a denied persona gets; public token routes answer 404 to everyone without the token.
    denied_status: int = 404
    # Where fewer personas may POST than may GET (e.g. only the coach proposes an agreement).
    post_allow: set[str] | None = None

    def allows(self, persona: str, method: str) -> bool:
        if method == "POST" and self.post_allow is not None:
            return persona in self.post_allow
        return persona in self.allow


def _session(w):
    return {"code": w.next_session.code}


def _past(w):
    return {"code": w.past_session.code}


def _engagement(w):
    return {"code": w.engagement.code}


def _action(w):
    return {"code": w.action.code}


PAIR = {COACH, COACHEE}


def _goal(w):
    return {"code": w.goal.code}


def _milestone(w):
    return {"code": w.milestone.code}


def _roleplay(w):
    return {"code": w.roleplay.code}


def _conversation(w):
    return {"code": w.conversation.code}


def _summary(w):
    return {"code": w.summary.code}


def _unsubscribe(w):
    from bearing.growth.reminders import unsubscribe_token

    return {"token": unsubscribe_token(w.coachee, "action_due")}


def _token(w):
    return {"token": w.coachee.calendar_token}


def _invitation(w):
    return {"token": w.invitation_token}


def _invitation_code(w):
    return {"code": w.invitation.code}


def _role_grant(w):
    """An invitation to be sponsor in the world's organization, awaiting approval."""
    from bearing.accounts.services import invitation_create

    invitation, _ = invitation_create(
        invited_by=w.other_coach,
        email="new.sponsor@example.com",
        role="sponsor",
        organization=w.organization,
        send=False,
    )
    return {"code": invitation.code}


def _login_session(w):
    from bearing.accounts.models import LoginSession

    row = LoginSession.objects.create(
        user=w.coachee, session_key="sweep-elsewhere", device="A phone"
    )
    return {"code": row.code}


def _reset(w):
    return {"uidb64": "MQ", "token": "set-password"}


def _export(w):
    """A prepared export of the coachee's, with its single-use link's token."""
    import hashlib
    from datetime import timedelta

    from django.utils import timezone

    from bearing.exports.models import DataExport

    token = "sweep-export-token"
    now = timezone.now()
    export = DataExport.objects.create(
        user=w.coachee,
        kind="personal",
        ready_at=now,
        expires_at=now + timedelta(hours=48),
        token_hash=hashlib.sha256(token.encode()).hexdigest(),
        archive="UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==",  # an empty ZIP file
    )
    return {"code": export.code, "token": token}


def _decision(w):
    """A decided decision record of the coachee's, not shared, with a prediction."""
    from bearing.practice.tests.factories import make_decided

    return {"code": make_decided(w.engagement).code}


def _decision_step(w):
    from bearing.practice.tests.factories import make_draft

    return {"code": make_draft(w.engagement).code, "step": "options"}


def _prediction(w):
    from bearing.practice.tests.factories import make_decided

    return {"code": make_decided(w.engagement).predictions.get().code}


def _board_item(w):
    """A task on the coachee's priority board (the board is not shared)."""
    from bearing.practice.services import board_ensure, board_item_add

    board = board_ensure(engagement=w.engagement, by=w.coachee)
    return {"code": board_item_add(board=board, by=w.coachee, title="Budget memo").code}


def _transition(w):
    """A transition plan of the coachee's, not shared, with one stakeholder."""
    from bearing.practice.services import stakeholder_add, transition_plan_create

    plan = transition_plan_create(
        engagement=w.engagement,
        by=w.coachee,
        kind="promotion",
        title="Plant lead",
        starts_on=w.next_session.scheduled_for.date(),
    )
    w.stakeholder = stakeholder_add(
        plan=plan,
        by=w.coachee,
        name="Priya",
        role="",
        power=4,
        interest=2,
        stance_now="neutral",
        stance_wanted="supportive",
        next_conversation="",
    )
    return {"code": plan.code}


def _stakeholder(w):
    _transition(w)
    return {"code": w.stakeholder.code}


def _talk(w):
    """A talk of the coachee's, not shared with the coach."""
    from bearing.rehearsals.models import Talk

    talk = Talk.objects.filter(engagement=w.engagement).first()
    if talk is None:
        talk = Talk.objects.create(engagement=w.engagement, title="Q3 plan", minutes_allowed=5)
    return {"code": talk.code}


def _rehearsal(w):
    """A transcribed rehearsal of that talk whose audio the coachee kept."""
    from bearing.rehearsals.models import Rehearsal, Talk

    talk = Talk.objects.get(code=_talk(w)["code"])
    rehearsal = talk.rehearsals.filter(audio_bytes__gt=0).first() or Rehearsal.objects.create(
        talk=talk,
        source="uploaded",
        status="ready",
        progress=100,
        transcript={"words": [[0.0, 0.4, "Hello"]], "pauses": []},
        duration_seconds=0.4,
        audio="UklGRg==",
        audio_type="audio/wav",
        audio_bytes=4,
        keep_audio=True,
    )
    return {"code": rehearsal.code}


def _question_round(w):
    """A round of the room's questions on the coachee's talk, not yet answered."""
    from bearing.rehearsals.models import QuestionRound, Talk

    talk = Talk.objects.get(code=_talk(w)["code"])
    round_ = talk.question_rounds.first()
    if round_ is None:
        round_ = QuestionRound(talk=talk)
        round_.questions = [{"listener": "board", "text": "Why now?", "about": "Q3 plan"}]
        round_.answers = []
        round_.save()
    return {"code": round_.code}


COACHES = {COACH}


def _insight(attr: str):
    """insight: fresh records on each call (a closed 360 with a comment, an unshared
    journal entry...), see bearing/insight/tests/helpers.py."""

    def kwargs(w):
        from bearing.insight.tests.helpers import sweep_objects

        value = getattr(sweep_objects(w), attr)
        return {"token": value} if attr == "token" else {"code": value.code}

    return kwargs


def _program(attr: str):
    """programs: a program, a seat, a proposal, a pulse around the world's people
    (bearing/programs/tests/world.py)."""

    def kwargs(w):
        from bearing.programs.tests.world import program_world

        return {"code": getattr(program_world(w), attr).code}

    return kwargs


ANYONE_SIGNED_IN = set(SIGNED_IN)

POLICY: dict[str, Route] = {
    "home": Route(allow=EVERYONE, public=True),
    "healthz": Route(allow=EVERYONE, public=True),
    "readyz": Route(allow=EVERYONE, public=True),
    "dashboard": Route(allow=ANYONE_SIGNED_IN),
    # accounts
    "accounts:login": Route(allow=EVERYONE, methods=("GET", "POST"), public=True),
    "accounts:logout": Route(allow=EVERYONE, methods=("POST",), public=True),
    "accounts:password_reset": Route(allow=EVERYONE, methods=("GET", "POST"), public=True),
    "accounts:password_reset_done": Route(allow=EVERYONE, public=True),
    "accounts:password_reset_confirm": Route(
        allow=EVERYONE, methods=("GET", "POST"), kwargs=_reset, public=True
    ),
    "accounts:password_reset_complete": Route(allow=EVERYONE, public=True),
    "accounts:settings": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    "accounts:password_change": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    # The second step of signing in: anonymous without a right password goes to the
    # login page; a signed-in person who has met it goes on to the dashboard.
    "accounts:login_code": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    "accounts:login_setup": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    # Strong sign-in on the account pages: each person's own, nothing to see of others.
    "accounts:confirm": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    "accounts:security": Route(allow=ANYONE_SIGNED_IN),
    "accounts:authenticator_add": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    "accounts:authenticator_remove": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    "accounts:recovery_codes": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    "accounts:sign_ins": Route(allow=ANYONE_SIGNED_IN),
    "accounts:sign_ins_end_others": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    # One of the coachee's sign-ins: only the coachee may end it.
    "accounts:sign_in_end": Route(allow={COACHEE}, methods=("POST",), kwargs=_login_session),
    "accounts:calendar": Route(allow=ANYONE_SIGNED_IN),
    "accounts:calendar_reset": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    # The token is the credential: whoever holds it gets the feed.
    "accounts:calendar_feed": Route(allow=EVERYONE, kwargs=_token, public=True),
    # An invitation for the staff persona's email address: only anonymous or the
    # addressee may open it; anyone else signed in is told it is not theirs (404).
    "accounts:invitation": Route(
        allow={ANON}, methods=("GET", "POST"), kwargs=_invitation, public=True
    ),
    "accounts:staff": Route(allow={STAFF}),
    # Role grants wait for a second person: staff, or the organization's sponsor.
    "accounts:approvals": Route(allow={STAFF, SPONSOR, OTHER_SPONSOR}),
    "accounts:approval_decide": Route(
        allow={STAFF, SPONSOR}, methods=("POST",), kwargs=_role_grant
    ),
    "accounts:staff_organization": Route(allow={STAFF}, methods=("POST",)),
    "accounts:staff_practice": Route(allow={STAFF}, methods=("POST",)),
    "accounts:staff_practice_organization": Route(allow={STAFF}, methods=("POST",)),
    "accounts:staff_practice_organization_remove": Route(
        allow={STAFF},
        methods=("POST",),
        kwargs=lambda w: {"code": w.practice.code, "organization_code": w.other_organization.code},
    ),
    "accounts:staff_companion_model": Route(
        allow={STAFF}, methods=("POST",), kwargs=lambda w: {"code": w.organization.code}
    ),
    "accounts:staff_invite": Route(allow={STAFF}, methods=("POST",)),
    "accounts:staff_invitation_revoke": Route(
        allow={STAFF}, methods=("POST",), kwargs=_invitation_code
    ),
    # engagements: the coach and the coachee; everyone else 404
    "engagements:create": Route(allow=COACHES | {OTHER_COACH}, methods=("GET", "POST")),
    "engagements:detail": Route(allow=PAIR, kwargs=_engagement),
    "engagements:status": Route(allow=COACHES, methods=("POST",), kwargs=_engagement),
    # Ending an engagement: a confirmation page, then the POST (an empty one is refused).
    "engagements:complete": Route(allow=COACHES, methods=("GET", "POST"), kwargs=_engagement),
    "engagements:end_early": Route(allow=COACHES, methods=("GET", "POST"), kwargs=_engagement),
    # Undoing the end, for 15 minutes (an open engagement refuses it with a message).
    "engagements:reopen": Route(allow=COACHES, methods=("POST",), kwargs=_engagement),
    "engagements:agreement": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow=COACHES
    ),
    "engagements:agreement_accept": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "engagements:session_new": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_engagement),
    "engagements:session_detail": Route(allow=PAIR, kwargs=_past),
    "engagements:session_reschedule": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_session),
    "engagements:session_cancel": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_session),
    "engagements:session_restore": Route(allow=PAIR, methods=("POST",), kwargs=_session),
    "engagements:session_attendance": Route(allow=COACHES, methods=("POST",), kwargs=_past),
    "engagements:agenda": Route(allow={COACHEE}, methods=("POST",), kwargs=_session),
    "engagements:shared_notes": Route(allow=PAIR, methods=("POST",), kwargs=_past),
    # Earlier versions of the shared notes: the coach and the coachee, never the sponsor.
    "engagements:shared_notes_history": Route(allow=PAIR, kwargs=_past),
    "engagements:private_notes": Route(allow=COACHES, methods=("POST",), kwargs=_past),
    "engagements:commitments": Route(allow={COACHEE}, methods=("POST",), kwargs=_past),
    "engagements:action_edit": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_action),
    "engagements:action_done": Route(allow=PAIR, methods=("POST",), kwargs=_action),
    # A month of one's own coaching sessions: coaches and coachees; sponsors and staff 404.
    "engagements:month_calendar": Route(allow=COACHES | {OTHER_COACH, COACHEE}),
    # The coach's session workspace: the coach only; the coachee and the sponsor get 404.
    "workspace:session": Route(allow=COACHES, kwargs=_session),
    "workspace:copy_question": Route(allow=COACHES, methods=("POST",), kwargs=_session),
    "workspace:close": Route(allow=COACHES, methods=("POST",), kwargs=_session),
    # growth: the coachee writes, the coach reads (and may suggest goals)
    "growth:plan": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_engagement),
    "growth:check_in": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_engagement),
    "growth:check_ins": Route(allow=PAIR, kwargs=_engagement),
    "growth:check_in_correct": Route(
        allow={COACHEE}, methods=("GET", "POST"), kwargs=lambda w: {"code": w.check_in.code}
    ),
    "growth:check_in_withdraw": Route(
        allow={COACHEE}, methods=("GET", "POST"), kwargs=lambda w: {"code": w.check_in.code}
    ),
    "growth:wins": Route(allow=PAIR, kwargs=_engagement),
    "growth:rhythm": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_engagement),
    "growth:goal": Route(allow=PAIR, kwargs=_goal),
    "growth:goal_accept": Route(allow={COACHEE}, methods=("POST",), kwargs=_goal),
    "growth:goal_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_goal),
    "growth:goal_status": Route(allow={COACHEE}, methods=("POST",), kwargs=_goal),
    "growth:goal_raise_target": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_goal),
    "growth:milestone_reached": Route(allow={COACHEE}, methods=("POST",), kwargs=_milestone),
    "growth:summaries": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow=COACHES
    ),
    "growth:summary_decide": Route(allow={COACHEE}, methods=("POST",), kwargs=_summary),
    "growth:brief": Route(allow=COACHES, kwargs=_session),
    "growth:reminder_settings": Route(allow=ANYONE_SIGNED_IN, methods=("GET", "POST")),
    # The signed token is the credential (one-click unsubscribe needs no login).
    "growth:unsubscribe": Route(
        allow=EVERYONE, methods=("GET", "POST"), kwargs=_unsubscribe, public=True
    ),
    # companion: the coachee's own; the coach only what is shared (this one is not)
    "companion:home": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow={COACHEE}
    ),
    "companion:conversation": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_conversation),
    "companion:roleplay_home": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_engagement),
    "companion:roleplay": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_roleplay),
    # A coach's own transcript: any coach, nothing stored.
    "companion:transcript": Route(allow={COACH, OTHER_COACH}, methods=("GET", "POST")),
    "companion:share": Route(allow={COACHEE}, methods=("POST",), kwargs=_conversation),
    "companion:delete": Route(allow={COACHEE}, methods=("POST",), kwargs=_conversation),
    "companion:to_action": Route(allow={COACHEE}, methods=("POST",), kwargs=_conversation),
    "companion:ask_coach": Route(allow={COACHEE}, methods=("POST",), kwargs=_conversation),
    # Where the companion points for help: configuration, staff only.
    "companion:staff_support": Route(allow={STAFF}, methods=("GET", "POST")),
    "companion:staff_support_organization": Route(
        allow={STAFF}, methods=("GET", "POST"), kwargs=lambda w: {"code": w.organization.code}
    ),
    # practice: the coachee's own decision records; the coach reads only what is shared
    # (these are not), the sponsor, another coach and staff never
    "practice:decisions": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow={COACHEE}
    ),
    "practice:calibration": Route(allow={COACHEE}, kwargs=_engagement),
    "practice:decision": Route(allow={COACHEE}, kwargs=_decision),
    "practice:decision_step": Route(
        allow={COACHEE}, methods=("GET", "POST"), kwargs=_decision_step
    ),
    "practice:decision_decide": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_decision),
    "practice:decision_reflect": Route(allow={COACHEE}, methods=("POST",), kwargs=_decision),
    "practice:decision_review": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_decision),
    "practice:decision_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_decision),
    "practice:decision_delete": Route(allow={COACHEE}, methods=("POST",), kwargs=_decision),
    "practice:prediction_resolve": Route(allow={COACHEE}, methods=("POST",), kwargs=_prediction),
    # The priority board: the coach reads it once shared (this one is not: 404).
    "practice:board": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_engagement),
    "practice:board_place": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "practice:board_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "practice:board_rhythm": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "practice:weekly_review": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_engagement),
    "practice:item_move": Route(allow={COACHEE}, methods=("POST",), kwargs=_board_item),
    "practice:item_delegate": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_board_item),
    "practice:item_done": Route(allow={COACHEE}, methods=("POST",), kwargs=_board_item),
    # Transition plans: the coach reads one once shared (this one is not).
    "practice:transitions": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow={COACHEE}
    ),
    "practice:transition": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_transition),
    "practice:transition_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_transition),
    "practice:transition_goal": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_transition),
    "practice:stakeholder_add": Route(allow={COACHEE}, methods=("POST",), kwargs=_transition),
    "practice:stakeholder_remove": Route(allow={COACHEE}, methods=("POST",), kwargs=_stakeholder),
    # Bring to the next coaching session: shares it with the coach; the coachee's alone.
    "practice:decision_bring": Route(allow={COACHEE}, methods=("POST",), kwargs=_decision),
    "practice:board_bring": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "practice:transition_bring": Route(allow={COACHEE}, methods=("POST",), kwargs=_transition),
    # rehearsals: the coachee's talks; the coach reads only what is shared (these are
    # not), and never the audio; the sponsor, another coach and staff never
    "rehearsals:home": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow={COACHEE}
    ),
    "rehearsals:talk": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_talk),
    "rehearsals:paste": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:upload": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:share": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:bring": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:talk_delete": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:questions_start": Route(allow={COACHEE}, methods=("POST",), kwargs=_talk),
    "rehearsals:questions": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_question_round),
    "rehearsals:rehearsal": Route(allow={COACHEE}, kwargs=_rehearsal),
    "rehearsals:audio": Route(allow={COACHEE}, kwargs=_rehearsal),
    "rehearsals:audio_discard": Route(allow={COACHEE}, methods=("POST",), kwargs=_rehearsal),
    "rehearsals:audio_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_rehearsal),
    "rehearsals:retry": Route(allow={COACHEE}, methods=("POST",), kwargs=_rehearsal),
    "rehearsals:delete": Route(allow={COACHEE}, methods=("POST",), kwargs=_rehearsal),
    # sponsor pages: the sponsor of the engagement's organization only
    "programs:engagement": Route(allow={SPONSOR}, kwargs=_engagement),
    "programs:acknowledge": Route(allow={SPONSOR}, methods=("POST",), kwargs=_engagement),
    # programs: run by the organization's sponsors and staff; a leader's own seat,
    # profile and choice; the coach chosen answers; the coach tags a session's themes.
    "programs:home": Route(allow=ANYONE_SIGNED_IN),
    "programs:create": Route(allow={SPONSOR, OTHER_SPONSOR, STAFF}, methods=("GET", "POST")),
    "programs:roster": Route(allow={COACH, OTHER_COACH}, methods=("GET", "POST")),
    "programs:roster_staff": Route(allow={STAFF}),
    # the practice's own view across its coaches: its coaches and staff
    "programs:practice": Route(
        allow={COACH, OTHER_COACH, STAFF}, kwargs=lambda w: {"code": w.practice.code}
    ),
    "programs:detail": Route(allow={SPONSOR, STAFF}, kwargs=_program("program")),
    "programs:invite": Route(allow={SPONSOR, STAFF}, methods=("POST",), kwargs=_program("program")),
    "programs:dashboard": Route(allow={SPONSOR, STAFF}, kwargs=_program("program")),
    "programs:dashboard_csv": Route(allow={SPONSOR, STAFF}, kwargs=_program("program")),
    "programs:report": Route(allow={SPONSOR, STAFF}, kwargs=_program("program")),
    "programs:report_pdf": Route(allow={SPONSOR, STAFF}, kwargs=_program("program")),
    # The sponsor's own estimates for the report: staff read them, never write them.
    "programs:estimate_add": Route(allow={SPONSOR}, methods=("POST",), kwargs=_program("program")),
    "programs:estimate_remove": Route(
        allow={SPONSOR}, methods=("POST",), kwargs=_program("estimate")
    ),
    "programs:seat": Route(allow={COACHEE}, kwargs=_program("seat")),
    "programs:profile": Route(allow={COACHEE}, methods=("POST",), kwargs=_program("seat")),
    "programs:different": Route(allow={COACHEE}, methods=("POST",), kwargs=_program("seat")),
    "programs:proposal": Route(allow={COACH}, kwargs=_program("proposal")),
    "programs:choose": Route(allow={COACHEE}, methods=("POST",), kwargs=_program("proposal")),
    "programs:chemistry": Route(allow={COACHEE}, methods=("POST",), kwargs=_program("proposal")),
    "programs:decide": Route(allow={COACH}, methods=("POST",), kwargs=_program("proposal")),
    "programs:themes": Route(allow={COACH}, methods=("GET", "POST"), kwargs=_past),
    "programs:pulse": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_program("pulse")),
    # Your data: anyone signed in asks for their own export (signing in again first);
    # the download link is its owner's alone, and works once.
    "exports:home": Route(allow=ANYONE_SIGNED_IN),
    "exports:request": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    # Each person's own erasure: asking needs a fresh sign-in (the sweep is sent to
    # confirm it is them); cancelling with nothing to cancel says so.
    "exports:erasure_request": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    "exports:erasure_cancel": Route(allow=ANYONE_SIGNED_IN, methods=("POST",)),
    "exports:download": Route(allow={COACHEE}, methods=("GET", "POST"), kwargs=_export),
    # insight: the coachee's self-assessments, 360s and journal; the coach reads results
    # and shared entries; raters use a link with no account.
    "insight:home": Route(allow=PAIR, kwargs=_engagement),
    "insight:assessment_start": Route(allow={COACHEE}, methods=("POST",), kwargs=_engagement),
    "insight:assessment": Route(
        allow={COACHEE}, methods=("GET", "POST"), kwargs=_insight("assessment")
    ),
    "insight:assessment_result": Route(allow=PAIR, kwargs=_insight("assessment")),
    "insight:campaign_new": Route(allow=PAIR, methods=("GET", "POST"), kwargs=_engagement),
    "insight:campaign": Route(allow=PAIR, kwargs=_insight("draft")),
    "insight:campaign_raters": Route(allow={COACHEE}, methods=("POST",), kwargs=_insight("draft")),
    "insight:campaign_open": Route(allow={COACHEE}, methods=("POST",), kwargs=_insight("draft")),
    "insight:campaign_close": Route(allow=COACHES, methods=("POST",), kwargs=_insight("draft")),
    "insight:campaign_debriefed": Route(allow=COACHES, methods=("POST",), kwargs=_insight("draft")),
    "insight:campaign_rerun": Route(allow=PAIR, methods=("POST",), kwargs=_insight("closed")),
    # Closed, not yet debriefed: the coach reads the report; the coachee not yet (404).
    "insight:campaign_report": Route(allow=COACHES, kwargs=_insight("closed")),
    "insight:rater_remove": Route(
        allow={COACHEE}, methods=("POST",), kwargs=_insight("invitation")
    ),
    "insight:comment_hold": Route(allow=COACHES, methods=("POST",), kwargs=_insight("comment")),
    # The link's token is the credential: whoever holds it answers, with no account.
    "insight:rate": Route(
        allow=EVERYONE, methods=("GET", "POST"), kwargs=_insight("token"), public=True
    ),
    # The first to use it declines (anonymous comes first); after that the link is dead: 404.
    "insight:rate_decline": Route(
        allow={ANON}, methods=("POST",), kwargs=_insight("token"), public=True
    ),
    "insight:journal": Route(
        allow=PAIR, methods=("GET", "POST"), kwargs=_engagement, post_allow={COACHEE}
    ),
    # Not shared: the coach gets 404 like anyone else.
    "insight:journal_entry": Route(
        allow={COACHEE}, methods=("GET", "POST"), kwargs=_insight("entry")
    ),
    "insight:journal_share": Route(allow={COACHEE}, methods=("POST",), kwargs=_insight("entry")),
    "insight:journal_delete": Route(allow={COACHEE}, methods=("POST",), kwargs=_insight("entry")),
}


def all_route_names() -> list[str]:
    names: list[str] = []

    def walk(patterns, prefix: str = ""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.append(prefix + p.name)
            elif isinstance(p, URLPattern):
                names.append(f"<unnamed {p.pattern}>")

    walk(get_resolver().url_patterns)
    return names


def add_route_objects(w) -> None:
    """The records the world lacks for some routes: a milestone, a role-play, a
    progress summary and an open invitation (with its token)."""
    from bearing.accounts.services import invitation_create
    from bearing.companion.models import CompanionConversation
    from bearing.companion.roleplay import RolePlay
    from bearing.growth.models import Milestone, ProgressSummary

    w.milestone = Milestone.objects.create(
        goal=w.goal, title="First time speaking first", due_on="2026-12-01"
    )
    w.roleplay = CompanionConversation.objects.create(
        engagement=w.engagement,
        scenario="no_to_boss",
        state=RolePlay.start("no_to_boss").to_dict(),
    )
    w.summary = ProgressSummary.objects.create(
        engagement=w.engagement, body="Lena is progressing well on presence."
    )
    w.invitation, w.invitation_token = invitation_create(
        invited_by=None, email="new.person@example.com", role="staff", send=False
    )


class RouteSweepTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_route_objects(cls.w)

    def test_every_route_is_in_the_policy_table(self):
        missing = sorted(set(all_route_names()) - set(POLICY))
        self.assertEqual(missing, [], "Add these routes to POLICY in test_route_sweep.py")
        stale = sorted(set(POLICY) - set(all_route_names()))
        self.assertEqual(stale, [], "These POLICY entries have no route")

    def user_for(self, persona: str):
        return None if persona == ANON else getattr(self.w, persona)

    def check(self, name: str, route: Route):
        url = reverse(name, kwargs=route.kwargs(self.w))
        for persona in PERSONAS:
            self.login(self.user_for(persona))
            for method in ("GET", "POST"):
                with self.subTest(route=name, persona=persona, method=method):
                    response = getattr(self.client, method.lower())(url)
                    status = response.status_code
                    figures.add("route_checks")
                    if persona == ANON and not route.public:
                        if status == 405 and method not in route.methods:
                            continue
                        self.assertEqual(status, 302, f"{name} should send anonymous to login")
                        self.assertIn(reverse("accounts:login"), response["Location"])
                        continue
                    if not route.allows(persona, method):
                        self.assertIn(
                            status,
                            {route.denied_status, 405},
                            f"{persona} {method} {name} answered {status}",
                        )
                        if status == 405:
                            # A 405 is fine for the wrong method, but only if the right
                            # method is refused too; checked by the other method.
                            self.assertNotIn(method, route.methods)
                        continue
                    if method not in route.methods:
                        self.assertEqual(status, 405, f"{method} {name} should be 405")
                        continue
                    if method == "GET":
                        self.assertLess(status, 400, f"{persona} GET {name} answered {status}")
                    else:  # an empty POST: refused as bad input at worst, never as denied
                        self.assertNotIn(status, {403, 404, 405}, f"{persona} POST {name}")
                        self.assertLess(status, 500)
                    if persona != ANON and status == 302 and route.public is False:
                        self.assertNotIn(reverse("accounts:login"), response["Location"])
                    body = b"".join(response) if response.streaming else response.content
                    visible = MAY_SEE_CANARY.get(persona, set())
                    for tag in canary_strings():
                        if tag not in visible:
                            self.assertNotIn(
                                tag.encode(), body, f"{tag} leaked to {persona} on {name}"
                            )


def _make_route_test(name: str):
    def test(self):
        self.check(name, POLICY[name])

    test.__name__ = f"test_route_{name.replace(':', '_')}"
    test.__doc__ = f"{name} answers every persona as declared"
    return test


for _name in POLICY:
    setattr(RouteSweepTests, f"test_route_{_name.replace(':', '_')}", _make_route_test(_name))

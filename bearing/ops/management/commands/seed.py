"""`manage.py seed --scale N`: a large, deterministic data set for benchmarks.

At N=1: 1,000 coaches, 20,000 coachees (one engagement each, with an accepted
agreement), 200,000 coaching sessions and 40,000 actions, across practices of
ten coaches and organizations of a hundred coachees with a sponsor each. Every
tenth coachee talks with the companion (2,000 conversations of 12 messages), every
fifth keeps a journal, decision records and a priority board, every tenth
organization runs a program its sponsor sees (20 programs of 100 seats, their held
coaching sessions tagged with themes, satisfaction pulses), and the first coachee
has a closed 360 answered by 50 raters, its report frozen and released. One staff
account operates the installation. The same N and --base-date give the same data,
row for row (the 360 excepted: it goes through the services, which date it today).
"""

from __future__ import annotations

import random
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.db.models.query import QuerySet
from django.utils import timezone

from bearing.accounts.models import (
    Membership,
    Organization,
    Practice,
    PracticeOrganization,
    Role,
    User,
)
from bearing.companion.engine import Conversation, respond
from bearing.companion.models import (
    CompanionConsent,
    CompanionConversation,
    CompanionMessage,
    Speaker,
)
from bearing.companion.services import CONSENT_VERSION
from bearing.engagements.models import (
    Action,
    Agreement,
    CoachingSession,
    Engagement,
    EngagementStatus,
    SessionStatus,
)
from bearing.growth.seed import seed_growth
from bearing.insight import queries as insight_queries
from bearing.insight import services as insight
from bearing.insight.models import Instrument, JournalEntry
from bearing.lib import datakeys
from bearing.lib.fields import encrypted_fields
from bearing.practice.models import (
    BoardItem,
    Decision,
    DecisionKind,
    DecisionStatus,
    PriorityBoard,
)
from bearing.programs.models import (
    Program,
    PulseAnswer,
    PulseMoment,
    PulseRequest,
    Seat,
    SessionTheme,
)

SEED_PASSWORD = "bearing-seed-2026"
AGENDAS = [
    "Prepare the conversation about the reorganization with my team.",
    "Decide what to delegate before the quarter closes.",
    "Find a way to disagree with my CEO in the leadership meeting.",
    "Plan the first 30 days in the new role.",
    "Understand why the same conflict keeps coming back between two of my reports.",
]


class Command(BaseCommand):
    help = (
        "Build a large deterministic data set "
        "(N=1: 1,000 coaches, 20,000 coachees, 200,000 coaching sessions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.01)
        parser.add_argument("--batch", type=int, default=5000)
        parser.add_argument(
            "--base-date", default="2026-01-05", help="YYYY-MM-DD, for determinism."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, scale: float, batch: int, base_date: str, seed: int, **options):
        if scale <= 0 or scale > 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if User.objects.filter(email__endswith="@seed.bearing").exists():
            raise CommandError("Seed data exists already; seed an empty database.")
        try:
            base = datetime.combine(date.fromisoformat(base_date), datetime.min.time(), tzinfo=UTC)
        except ValueError as exc:
            raise CommandError("--base-date looks like 2026-01-05.") from exc
        started = time.monotonic()
        with progress(expected_rows(scale), out=sys.stderr):
            counts = build(scale=scale, batch=batch, base=base, seed=seed)
        if connection.vendor == "postgresql":
            # The planner's statistics, as autovacuum would gather them later: without
            # them the first pages after a bulk load scan a million readings.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = time.monotonic() - started
        for name, n in counts.items():
            self.stdout.write(f"{name:>12}: {n:,}")
        self.stdout.write(
            f"Seeded in {elapsed:.1f}s. Every seed account's password: {SEED_PASSWORD}"
        )


def expected_rows(scale: float) -> int:
    """Rows the seed writes at this scale (people, memberships, engagements, agreements,
    coaching sessions, actions; goals, key results, 50 check-ins with a reading each;
    the companion, journal, decisions, priorities and programs: ``expected_extra_rows``)."""
    coaches, coachees = round(1000 * scale), round(20000 * scale)
    return (
        2 * (coaches + coachees)
        + 2 * coachees
        + round(200000 * scale)
        + 2 * coachees
        + (2 + 2 * 50) * coachees
        + expected_extra_rows(max(1, coachees), max(1, max(1, coachees) // 100))
    )


@contextmanager
def progress(expected: int, *, out, width: int = 30):
    """A progress bar and the time left, counted from the rows each bulk insert writes;
    drawn on a terminal only (a log file gets the summary alone)."""
    if not out.isatty():
        yield
        return
    done = 0
    started = time.monotonic()
    last = 0.0
    original = QuerySet.bulk_create

    def draw(final: bool = False) -> None:
        share = 1.0 if final else min(done / max(expected, 1), 0.99)
        elapsed = time.monotonic() - started
        left = elapsed / share - elapsed if share > 0.02 else None
        bar = "#" * int(share * width) + "." * (width - int(share * width))
        tail = "done" if final else (f"about {_clock(left)} left" if left is not None else "")
        out.write(f"\r[{bar}] {share:4.0%} {done:>10,} rows  {tail:<20}")
        out.flush()

    def counting(self, objs, *args, **kwargs):
        nonlocal done, last
        created = original(self, objs, *args, **kwargs)
        done += len(created)
        if time.monotonic() - last > 0.5:
            last = time.monotonic()
            draw()
        return created

    QuerySet.bulk_create = counting  # type: ignore[method-assign]
    try:
        yield
        draw(final=True)
        out.write("\n")
    finally:
        QuerySet.bulk_create = original  # type: ignore[method-assign]


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}m{seconds:02d}s" if minutes else f"{seconds}s"


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _bulk(model, rows, batch: int) -> None:
    sealed = encrypted_fields(model)
    for i in range(0, len(rows), batch):
        chunk = rows[i : i + batch]
        if sealed:
            _warm_keys(chunk, sealed)
        with transaction.atomic():
            model.objects.bulk_create(chunk, batch_size=batch)


def _warm_keys(rows: list[Any], fields: list[Any]) -> None:
    """The data key of each scope these rows' text is sealed under, looked up (or made)
    once, outside a transaction: inside one, a key is remembered only at commit, so every
    row would ask the database again. Rows name their engagement as a stub with its code
    (see ``_stubs``), so finding the scope asks nothing either."""
    scopes = {
        datakeys.scope_of(row)
        for row in rows
        if any(row.__dict__.get(f.attname) not in (None, "") for f in fields)
    }
    for scope in sorted(scopes):
        datakeys.key_for_scope(scope)


def _stubs(eng_rows, codes) -> list[Engagement]:
    """An engagement per row, with just its id and code: what sealing a row that hangs
    off it needs (without them each row would fetch its engagement)."""
    return [Engagement(id=row[0], code=code) for row, code in zip(eng_rows, codes, strict=True)]


def build(*, scale: float, batch: int, base: datetime, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    n_coaches = max(1, round(1000 * scale))
    n_coachees = max(1, round(20000 * scale))
    n_sessions = max(1, round(200000 * scale))
    n_practices = max(1, n_coaches // 10)
    n_orgs = max(1, n_coachees // 100)
    password = make_password(SEED_PASSWORD, salt="bearingseed")

    practices = [
        Practice(code=_uuid(rng), name=f"Seed Practice {i:04d}", created_at=base)
        for i in range(n_practices)
    ]
    orgs = [
        Organization(code=_uuid(rng), name=f"Seed Organization {i:05d}", created_at=base)
        for i in range(n_orgs)
    ]
    _bulk(Practice, practices, batch)
    _bulk(Organization, orgs, batch)
    practices = list(Practice.objects.filter(name__startswith="Seed Practice ").order_by("name"))
    orgs = list(Organization.objects.filter(name__startswith="Seed Organization ").order_by("name"))

    def person(kind: str, i: int) -> User:
        return User(
            code=_uuid(rng),
            email=f"{kind}{i:05d}@seed.bearing",
            name=f"{kind.title()} {i:05d}",
            password=password,
            created_at=base,
        )

    users = [person("coach", i) for i in range(n_coaches)]
    users += [person("coachee", i) for i in range(n_coachees)]
    users += [person("sponsor", i) for i in range(n_orgs)]
    users += [person("staff", 0)]  # operates the installation: the staff page is measured too
    _bulk(User, users, batch)
    by_email = dict(User.objects.filter(email__endswith="@seed.bearing").values_list("email", "id"))
    coach_ids = [by_email[f"coach{i:05d}@seed.bearing"] for i in range(n_coaches)]
    coachee_ids = [by_email[f"coachee{i:05d}@seed.bearing"] for i in range(n_coachees)]
    sponsor_ids = [by_email[f"sponsor{i:05d}@seed.bearing"] for i in range(n_orgs)]

    memberships = [
        Membership(user_id=uid, role=Role.COACH, practice=practices[i % n_practices])
        for i, uid in enumerate(coach_ids)
    ]
    memberships += [
        Membership(user_id=uid, role=Role.COACHEE, organization=orgs[i % n_orgs])
        for i, uid in enumerate(coachee_ids)
    ]
    memberships += [
        Membership(user_id=uid, role=Role.SPONSOR, organization=orgs[i])
        for i, uid in enumerate(sponsor_ids)
    ]
    memberships.append(Membership(user_id=by_email["staff00000@seed.bearing"], role=Role.STAFF))
    _bulk(Membership, memberships, batch)

    statuses = [EngagementStatus.ACTIVE] * 7 + [
        EngagementStatus.PAUSED,
        EngagementStatus.COMPLETED,
        EngagementStatus.PROPOSED,
    ]
    engagements = []
    for i, coachee_id in enumerate(coachee_ids):
        status = statuses[i % len(statuses)]
        started = base + timedelta(days=rng.randint(0, 200))
        engagements.append(
            Engagement(
                code=_uuid(rng),
                practice=practices[(i % n_coaches) % n_practices],
                organization=orgs[i % n_orgs],
                coach_id=coach_ids[i % n_coaches],
                coachee_id=coachee_id,
                sponsor_id=sponsor_ids[i % n_orgs],
                title=f"Leadership coaching {i:05d}",
                status=status,
                created_at=started,
                started_at=None if status == EngagementStatus.PROPOSED else started,
                ended_at=started + timedelta(days=180)
                if status == EngagementStatus.COMPLETED
                else None,
            )
        )
    _bulk(Engagement, engagements, batch)
    served = sorted({(e.practice.pk, e.organization.pk) for e in engagements})
    _bulk(
        PracticeOrganization,
        [PracticeOrganization(practice_id=p, organization_id=o) for p, o in served],
        batch,
    )
    # Read back in creation order (titles are encrypted: they cannot be filtered on).
    by_code: dict[Any, tuple[Any, ...]] = {}
    codes = [e.code for e in engagements]
    for start in range(0, len(codes), 1000):
        by_code.update(
            (row[0], row[1:])
            for row in Engagement.objects.filter(code__in=codes[start : start + 1000]).values_list(
                "code", "id", "status", "started_at", "coachee_id"
            )
        )
    eng_rows = [by_code[code] for code in codes]
    stubs = _stubs(eng_rows, codes)

    agreements = [
        Agreement(
            code=_uuid(rng),
            engagement=stub,
            version=1,
            created_at=base,
            accepted_at=None if status == EngagementStatus.PROPOSED else started,
            accepted_by_id=None if status == EngagementStatus.PROPOSED else coachee_id,
            sponsor_sees_goal_progress=(eid % 3 == 0),
        )
        for stub, (eid, status, started, coachee_id) in zip(stubs, eng_rows, strict=True)
    ]
    _bulk(Agreement, agreements, batch)

    sessions = []
    sessions_made = 0
    per = max(1, n_sessions // len(eng_rows))
    extra = n_sessions - per * len(eng_rows)
    for j, (_eid, _status, started, _) in enumerate(eng_rows):
        first = started or base
        for k in range(per + (1 if j < extra else 0)):
            when = first + timedelta(days=14 * k, hours=rng.randint(8, 17))
            past = when < base + timedelta(days=300)
            state = (
                (SessionStatus.HELD if rng.random() > 0.08 else SessionStatus.NO_SHOW)
                if past
                else SessionStatus.SCHEDULED
            )
            has_agenda = rng.random() < 0.1
            sessions.append(
                CoachingSession(
                    code=_uuid(rng),
                    engagement=stubs[j],
                    scheduled_for=when,
                    status=state,
                    agenda_outcome=rng.choice(AGENDAS) if has_agenda else "",
                    agenda_updated_at=when - timedelta(days=1) if has_agenda else None,
                    created_at=first,
                )
            )
        if len(sessions) >= batch:
            _bulk(CoachingSession, sessions, batch)
            sessions_made += len(sessions)
            sessions = []
    _bulk(CoachingSession, sessions, batch)
    sessions_made += len(sessions)

    actions = []
    for stub, (_eid, _status, started, coachee_id) in zip(stubs, eng_rows, strict=True):
        for k in range(2):
            due = ((started or base) + timedelta(days=30 + 45 * k)).date()
            actions.append(
                Action(
                    code=_uuid(rng),
                    engagement=stub,
                    owner_id=coachee_id,
                    created_by_id=coachee_id,
                    title="Follow up on the commitment",
                    due_on=due,
                    created_at=started or base,
                    completed_at=(started or base) + timedelta(days=20)
                    if rng.random() < 0.6
                    else None,
                )
            )
    _bulk(Action, actions, batch)
    growth = seed_growth(engagement_rows=eng_rows, rng=rng, base=base, batch=batch, uuid=_uuid)
    tools = seed_tools(eng_rows=eng_rows, codes=codes, rng=rng, base=base, batch=batch)
    programs = seed_programs(eng_rows=eng_rows, orgs=orgs, rng=rng, base=base, batch=batch)
    three_sixty = seed_360(engagement_id=eng_rows[0][0], rng=rng)
    return {
        "practices": n_practices,
        "organizations": n_orgs,
        "coaches": n_coaches,
        "coachees": n_coachees,
        "sponsors": n_orgs,
        "engagements": len(eng_rows),
        "sessions": sessions_made,
        "actions": len(actions),
        **growth,
        **tools,
        **programs,
        **three_sixty,
    }


# --- Everything else a page shows: companion, journal, decisions, priorities, programs, 360 -


# A share of the coachees (by their number) who use the tools between sessions; each
# has one companion conversation (COMPANION), journal entries, a decision record or two
# and a priority board (TOOLS). Every tenth organization runs a program (PROGRAMS).
COMPANION = (0,)  # coachee number % 10
TOOLS = (0, 1)
PROGRAMS = 10
SCRIPTS = 6  # distinct companion conversations, played through the engine once each
LEADER_LINES = [
    [
        "I want to get better at delegating the quarterly report to my team.",
        "Right now I do most of it myself on Sunday evenings, and it takes about six hours.",
        "I worry that Priya will miss the numbers the board cares about.",
        "I could walk her through last quarter's report, or split it between two people.",
        "Walking her through it feels right; I would keep the board summary for now.",
        "I will book an hour with Priya on Tuesday and hand her the first draft.",
    ],
    [
        "I keep avoiding a difficult conversation with one of my senior engineers.",
        "He misses deadlines and the team has started to notice it.",
        "I have hinted twice but never said it plainly.",
        "I could talk to him this week, or ask HR how to frame it first.",
        "Talking to him directly, with two concrete examples, is what I want.",
        "I will ask him for thirty minutes on Thursday morning.",
    ],
    [
        "I would like to speak up more in the leadership meeting.",
        "I prepare a lot but stay quiet when the CEO challenges the plan.",
        "Last week I had the data that settled the argument and said nothing.",
        "I could send my view beforehand, or agree with a colleague to bring me in.",
        "Sending a short note the day before would make it easier to start.",
        "I will write the note for Monday's meeting on Friday afternoon.",
    ],
]
JOURNAL_LINES = [
    (
        "What drained your energy this week?",
        "The budget meeting ran over and I lost the afternoon.",
    ),
    ("What are you proud of?", "I let the team present the roadmap and they did it well."),
    ("", "I noticed I interrupt when I am tired. I want to catch it earlier."),
]
BOARD_TASKS = [
    ("Prepare the board pack", "do"),
    ("Reply to the vendor about the renewal", "delegate"),
    ("Plan the team offsite", "schedule"),
    ("Read the strategy draft", "schedule"),
    ("Weekly status email", "delegate"),
    ("Sort old shared drive folders", "drop"),
]
RATERS = {"manager": 1, "peer": 17, "report": 17, "other": 15}  # 50 in all


def _shares(n_coachees: int, n_orgs: int) -> tuple[int, int, int, int]:
    """(companion coachees, tool coachees, programs, seats) at this size."""
    companion = sum(1 for i in range(n_coachees) if i % 10 in COMPANION)
    tools = sum(1 for i in range(n_coachees) if i % 10 in TOOLS)
    programs = [j for j in range(n_orgs) if j % PROGRAMS == 0]
    seats = sum(1 for i in range(n_coachees) if i % n_orgs in programs)
    return companion, tools, len(programs), seats


def expected_extra_rows(n_coachees: int, n_orgs: int) -> int:
    """Rows written in bulk below: a consent, a conversation and 12 messages per companion
    coachee; 3 journal entries, 2 decision records, a board and 6 items per tool coachee;
    per seat a seat, a pulse request and answer and about 9 tagged coaching sessions; the
    programs. (The 360's rows go through the services, one at a time, and are few.)"""
    companion, tools, programs, seats = _shares(n_coachees, n_orgs)
    return companion * 14 + tools * (3 + 2 + 1 + 6) + programs + seats * (3 + 9)


def _scripts() -> list[tuple[list[tuple[str, str, str]], dict[str, Any]]]:
    """Companion conversations played through the offline engine: the messages
    (speaker, text, stage) and the state they leave, as the page would have stored them."""
    scripts = []
    for k in range(SCRIPTS):
        conv = Conversation(
            seed=f"seed-script-{k}", series=f"seed-{k}", number=0, focus=[FOCUS_OF[k % 3]]
        )
        messages: list[tuple[str, str, str]] = []
        for text in LEADER_LINES[k % len(LEADER_LINES)]:
            turn = respond(conv, text)
            messages.append((Speaker.LEADER, text, ""))
            messages.append((Speaker.COMPANION, turn.reply, turn.stage))
        scripts.append((messages, conv.to_dict()))
    return scripts


FOCUS_OF = ["delegation", "conflict", "communication"]


def _with[M: models.Model](row: M, **encrypted_json: Any) -> M:
    """A row with its encrypted JSON fields set (a dict or list, sealed on insert)."""
    for name, value in encrypted_json.items():
        setattr(row, name, value)
    return row


def seed_tools(
    *, eng_rows, codes, rng: random.Random, base: datetime, batch: int
) -> dict[str, int]:
    """Companion conversations, journal entries, decision records and priority boards
    for a share of the coachees, encrypted through the models' fields."""
    stubs = _stubs(eng_rows, codes)
    companion = [i for i in range(len(eng_rows)) if i % 10 in COMPANION]
    tools = [i for i in range(len(eng_rows)) if i % 10 in TOOLS]
    scripts = _scripts()

    consents = [
        CompanionConsent(user_id=eng_rows[i][3], version=CONSENT_VERSION, given_at=base)
        for i in companion
    ]
    _bulk(CompanionConsent, consents, batch)
    conversations = []
    for n, i in enumerate(companion):
        messages, state = scripts[n % SCRIPTS]
        started = (eng_rows[i][2] or base) + timedelta(days=20, hours=rng.randint(7, 21))
        conversations.append(
            _with(
                CompanionConversation(
                    code=_uuid(rng),
                    engagement=stubs[i],
                    title=messages[0][1][:80],
                    created_at=started,
                    updated_at=started + timedelta(minutes=len(messages)),
                ),
                state=state,
            )
        )
    _bulk(CompanionConversation, conversations, batch)
    rows: list[CompanionMessage] = []
    for n, conv in enumerate(conversations):
        for k, (speaker, text, stage) in enumerate(scripts[n % SCRIPTS][0]):
            rows.append(
                CompanionMessage(
                    code=_uuid(rng),
                    conversation=conv,
                    speaker=speaker,
                    text=text,
                    stage=stage,
                    created_at=conv.created_at + timedelta(minutes=k),
                )
            )
    _bulk(CompanionMessage, rows, batch)

    entries, decisions, boards = [], [], []
    for i in tools:
        day = (eng_rows[i][2] or base) + timedelta(days=7)
        for k, (prompt, body) in enumerate(JOURNAL_LINES):
            when = day + timedelta(days=9 * k, hours=rng.randint(6, 22))
            entry = JournalEntry(
                code=_uuid(rng),
                engagement=stubs[i],
                prompt=prompt,
                body=body,
                created_at=when,
                updated_at=when,
                shared_at=when if k == 1 else None,
            )
            entries.append(_with(entry, tags=["energy"] if k == 0 else []))
        draft = Decision(
            code=_uuid(rng),
            engagement=stubs[i],
            title="Whether to split the platform team in two",
            kind=DecisionKind.PEOPLE,
            created_at=day,
            updated_at=day,
        )
        decisions.append(_with(draft, framework={"why_now": "The team has grown to fourteen."}))
        decided = day + timedelta(days=3)
        reasoning = {"why_now": "The contract ends in March.", "options": ["renew", "tender"]}
        made = Decision(
            code=_uuid(rng),
            engagement=stubs[i],
            title="Renew the vendor contract or run a tender",
            kind=DecisionKind.MONEY,
            status=DecisionStatus.DECIDED,
            review_on=(decided + timedelta(days=60)).date(),
            created_at=day,
            updated_at=decided,
            decided_at=decided,
        )
        decisions.append(_with(made, framework=reasoning, snapshot=reasoning))
        boards.append(PriorityBoard(code=_uuid(rng), engagement=stubs[i], created_at=day))
    _bulk(JournalEntry, entries, batch)
    _bulk(Decision, decisions, batch)
    _bulk(PriorityBoard, boards, batch)
    items = [
        BoardItem(
            code=_uuid(rng),
            board=board,
            title=title,
            quadrant=quadrant,
            created_at=board.created_at,
            moved_at=board.created_at + timedelta(minutes=k),
        )
        for board in boards
        for k, (title, quadrant) in enumerate(BOARD_TASKS)
    ]
    _bulk(BoardItem, items, batch)
    return {
        "conversations": len(conversations),
        "messages": len(rows),
        "journal": len(entries),
        "decisions": len(decisions),
        "boards": len(boards),
    }


def seed_programs(*, eng_rows, orgs, rng: random.Random, base: datetime, batch: int):
    """Every tenth organization puts its engagements into a program its sponsor runs:
    a seat each, the coaches' themes on held coaching sessions, and satisfaction pulses
    at three months (asked apart from answered, as the pages keep them)."""
    n_orgs = len(orgs)
    programs, members = [], []
    for j in range(0, n_orgs, PROGRAMS):
        org = orgs[j]
        rows = [r for i, r in enumerate(eng_rows) if i % n_orgs == j]
        practice_id = (
            PracticeOrganization.objects.filter(organization=org)
            .order_by("practice_id")
            .values_list("practice_id", flat=True)
            .first()
        )
        first = min((r[2] or base) for r in rows).date()
        assert practice_id is not None  # the seed links every organization to a practice
        programs.append(
            Program(
                code=_uuid(rng),
                organization=org,
                practice_id=practice_id,
                name=f"Leadership program {j:05d}",
                starts_on=first,
                ends_on=first + timedelta(days=365),
                seats=len(rows),
                sessions_per_engagement=10,
                focus_themes=["delegation", "communication"],
                created_at=base,
            )
        )
        members.append(rows)
    _bulk(Program, programs, batch)
    emails = dict(User.objects.filter(email__startswith="coachee").values_list("id", "email"))
    seats, requests, answers = [], [], []
    for program, rows in zip(programs, members, strict=True):
        for eid, status, started, coachee_id in rows:
            seats.append(
                Seat(
                    code=_uuid(rng),
                    program=program,
                    leader_id=coachee_id,
                    invited_email=emails[coachee_id],
                    engagement_id=eid,
                    created_at=base,
                )
            )
            if status == EngagementStatus.PROPOSED or rng.random() < 0.3:
                continue
            requests.append(
                PulseRequest(
                    code=_uuid(rng),
                    engagement_id=eid,
                    moment=PulseMoment.MONTH_THREE,
                    answered=True,
                    created_at=started + timedelta(days=90),
                )  # fmt: skip
            )
            answers.append(
                PulseAnswer(
                    program=program,
                    moment=PulseMoment.MONTH_THREE,
                    month=(started + timedelta(days=90)).date().replace(day=1),
                    usefulness=rng.randint(3, 5),
                    recommend=rng.random() < 0.8,
                    coach_fit=rng.randint(2, 5),
                )
            )
    _bulk(Seat, seats, batch)
    _bulk(PulseRequest, requests, batch)
    _bulk(PulseAnswer, answers, batch)
    seated = [s.engagement_id for s in seats if s.engagement_id is not None]
    themes = []
    for start in range(0, len(seated), 1000):
        held = (
            CoachingSession.objects.filter(
                engagement_id__in=seated[start : start + 1000], status=SessionStatus.HELD
            )
            .order_by("id")
            .values_list("id", "engagement__coach_id", "scheduled_for")
        )
        themes += [
            SessionTheme(
                session_id=sid,
                theme=rng.choice(THEMES),
                tagged_by_id=coach_id,
                tagged_at=when + timedelta(hours=1),
            )
            for sid, coach_id, when in held
        ]
    _bulk(SessionTheme, themes, batch)
    return {"programs": len(programs), "seats": len(seats), "themes": len(themes)}


THEMES = ["delegation", "communication", "conflict", "priorities", "presence", "stakeholders"]


def seed_360(*, engagement_id: int, rng: random.Random) -> dict[str, int]:
    """One coachee's closed 360 with 50 raters, through the services as the pages run it:
    a self-assessment, raters nominated, the campaign opened, each rater's answers saved
    and handed in, closed by the coach (the report computed once and frozen) and released
    after the debrief. (Its codes and times are the day's: the services make them.)"""
    engagement = Engagement.objects.select_related("coach", "coachee").get(pk=engagement_id)
    coachee, coach = engagement.coachee, engagement.coach
    assert coachee is not None
    instrument = Instrument.objects.filter(key="leadership", for_raters=True).order_by("-version")[
        0
    ]
    keys = list(instrument.items.order_by("position").values_list("key", flat=True))
    competencies = list(instrument.competencies.values_list("key", flat=True))
    assessment = insight.assessment_start(engagement=engagement, by=coachee, instrument=instrument)
    insight.assessment_answer(
        assessment=assessment, by=coachee, answers={k: rng.randint(3, 5) for k in keys}
    )
    insight.assessment_complete(assessment=assessment, by=coachee)
    campaign = insight.campaign_create(
        engagement=engagement,
        by=coachee,
        instrument=instrument,
        deadline=timezone.localdate() + timedelta(days=14),
    )
    n = 0
    for group, count in RATERS.items():
        for _ in range(count):
            n += 1
            insight.rater_nominate(
                campaign=campaign,
                by=coachee,
                name=f"Rater {n:02d}",
                email=f"rater{n:02d}@seed.example",
                group=group,
            )
    for k, (_invitation, token) in enumerate(
        insight.campaign_open(campaign=campaign, by=coachee, send=False)
    ):
        link = insight_queries.rater_link(token)
        assert link is not None and link.answers is not None
        comment = {competencies[k % len(competencies)]: {"start": f"Keep asking questions ({k})"}}
        slot = insight.rater_save(
            invitation=link.invitation,
            answers_set=link.answers,
            answers={key: rng.randint(0, 5) for key in keys},
            comments=comment if k % 3 == 0 else None,
        )
        insight.rater_submit(invitation=link.invitation, answers_set=slot)
    campaign = insight.campaign_close(campaign=campaign, by=coach)
    insight.campaign_debriefed(campaign=campaign, by=coach)
    return {"360 raters": n}

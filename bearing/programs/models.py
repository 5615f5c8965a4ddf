"""Programs: a sponsor's coaching for a cohort of leaders in one organization.

A program has seats; each seat is one leader (invited by email until they join),
their matching profile, the three coaches Bearing proposed to them and, once the
chosen coach accepts, the engagement that follows. Coaches keep a roster profile
per practice. After each held coaching session the coach tags its themes (from a
fixed list, no text). Satisfaction pulse answers are stored apart from who gave
them: a ``PulseRequest`` knows who was asked and whether they answered, a
``PulseAnswer`` knows neither.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from bearing.accounts.models import Invitation, Organization, Practice
from bearing.engagements.models import CoachingSession, Engagement
from bearing.lib.fields import EncryptedTextField


class Theme(models.TextChoices):
    """The fixed list a program's focus, a coach's focus areas, a leader's wishes
    and a coaching session's themes are all drawn from."""

    SELF_AWARENESS = "self_awareness", "Self-awareness"
    DECISIONS = "decisions", "Decision-making"
    DELEGATION = "delegation", "Delegation"
    CONFLICT = "conflict", "Conflict"
    COMMUNICATION = "communication", "Communication and public speaking"
    PRIORITIES = "priorities", "Priorities"
    TRANSITION = "transition", "A new role or transition"
    PRESENCE = "presence", "Executive presence"
    STAKEHOLDERS = "stakeholders", "Stakeholders and influence"
    TEAM = "team", "Leading a team"
    RESILIENCE = "resilience", "Resilience and energy"
    STRATEGY = "strategy", "Strategic thinking"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    FRENCH = "fr", "French"
    GERMAN = "de", "German"
    SPANISH = "es", "Spanish"
    ITALIAN = "it", "Italian"
    DUTCH = "nl", "Dutch"
    PORTUGUESE = "pt", "Portuguese"
    POLISH = "pl", "Polish"
    JAPANESE = "ja", "Japanese"
    MANDARIN = "zh", "Mandarin"
    ARABIC = "ar", "Arabic"
    HINDI = "hi", "Hindi"


class CoachStyle(models.TextChoices):
    ANY = "any", "No preference"
    CHALLENGING = "challenging", "Direct and challenging"
    SUPPORTIVE = "supportive", "Warm and supportive"
    STRUCTURED = "structured", "Structured, with tools and plans"
    EXPLORATORY = "exploratory", "Open and exploratory"


class Program(models.Model):
    """A sponsor's coaching for a cohort of leaders in one organization, with coaches
    proposed from one practice's roster."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="programs"
    )
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    seats = models.PositiveSmallIntegerField()
    sessions_per_engagement = models.PositiveSmallIntegerField(default=8)
    focus_themes = models.JSONField(default=list, blank=True)  # Theme values
    # What the agreements of the program's engagements propose to share with the
    # sponsor; each coachee still accepts (or not) their own agreement.
    sponsor_sees_status = models.BooleanField(default=True)
    sponsor_sees_attendance = models.BooleanField(default=True)
    sponsor_sees_goal_progress = models.BooleanField(default=False)
    sponsor_sees_summaries = models.BooleanField(default=False)
    sponsor_sees_360_change = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="program_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1, seats__lte=500), name="program_seats_range"
            ),
            models.CheckConstraint(
                condition=Q(sessions_per_engagement__gte=1, sessions_per_engagement__lte=100),
                name="program_sessions_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def focus_labels(self) -> list[str]:
        return [Theme(t).label for t in self.focus_themes if t in Theme.values]


class CoachProfile(models.Model):
    """A coach's entry on their practice's roster: from it matches are proposed."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_profiles"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="roster")
    bio = EncryptedTextField()  # the coach's words, shown to leaders they are proposed to
    focus_areas = models.JSONField(default=list, blank=True)  # Theme values
    languages = models.JSONField(default=list, blank=True)  # Language values
    time_zone = models.CharField(max_length=64, default="UTC")
    years_experience = models.PositiveSmallIntegerField(default=0)
    capacity = models.PositiveSmallIntegerField(default=0)  # coachees they can take
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["practice", "coach"]
        constraints = [
            models.UniqueConstraint(
                fields=["coach", "practice"], name="coach_profile_one_per_practice"
            ),
            models.CheckConstraint(
                condition=Q(capacity__lte=100), name="coach_profile_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(years_experience__lte=70), name="coach_profile_experience_range"
            ),
        ]

    def __str__(self):
        return f"Roster profile of {self.coach_id} in {self.practice_id}"


class Seat(models.Model):
    """One leader's place in a program."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="seat_rows")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="program_seats",
    )
    invited_email = models.EmailField()
    invited_name = models.CharField(max_length=150, blank=True)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="seat"
    )
    engagement = models.OneToOneField(
        Engagement, null=True, blank=True, on_delete=models.SET_NULL, related_name="seat"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "invited_email"], name="seat_one_per_address"
            ),
            models.UniqueConstraint(
                fields=["program", "leader"],
                condition=Q(leader__isnull=False),
                name="seat_one_per_leader",
            ),
        ]

    def __str__(self):
        return f"Seat in {self.program_id}"

    @property
    def leader_display(self) -> str:
        return str(self.leader) if self.leader_id else (self.invited_name or self.invited_email)


class MatchingProfile(models.Model):
    """What a leader wants from coaching, for matching: themes and preferences from
    fixed lists, and a few words of their own (encrypted)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seat = models.OneToOneField(Seat, on_delete=models.CASCADE, related_name="profile")
    themes = models.JSONField(default=list)  # Theme values, one to three
    hopes = EncryptedTextField()  # in their words; 1,000 characters
    languages = models.JSONField(default=list)  # Language values, at least one
    time_zone = models.CharField(max_length=64, default="UTC")
    coach_style = models.CharField(
        max_length=16, choices=CoachStyle.choices, default=CoachStyle.ANY
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(coach_style__in=CoachStyle.values), name="matching_style_valid"
            ),
        ]

    def __str__(self):
        return f"Matching profile for {self.seat_id}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    CHOSEN = "chosen", "Chosen, waiting for the coach"
    ACCEPTED = "accepted", "Accepted"
    PASSED = "passed", "Not chosen"
    DECLINED = "declined", "Declined by the coach"


class Proposal(models.Model):
    """One of the (up to) three coaches proposed to a leader in one round, with the
    reasons, built by code from the fixed lists of both profiles."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seat = models.ForeignKey(Seat, on_delete=models.CASCADE, related_name="proposals")
    coach = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="program_proposals"
    )
    round = models.PositiveSmallIntegerField(default=1)
    rank = models.PositiveSmallIntegerField()
    score = models.IntegerField()
    reasons = models.JSONField(default=list)  # sentences from matching.py's templates
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["seat", "-round", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.UniqueConstraint(
                fields=["seat", "round", "coach"], name="proposal_coach_once_per_round"
            ),
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(status__in=["chosen", "accepted"]),
                name="proposal_one_choice_per_seat",
            ),
        ]

    def __str__(self):
        return f"Proposal {self.rank} for {self.seat_id}"


class SessionTheme(models.Model):
    """A theme the coach tagged on a held coaching session: a word from a fixed list,
    never text. The sponsor sees only program counts over three or more coachees."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(max_length=32, choices=Theme.choices)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    tagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "theme"]
        constraints = [
            models.UniqueConstraint(fields=["session", "theme"], name="session_theme_once"),
            models.CheckConstraint(condition=Q(theme__in=Theme.values), name="session_theme_valid"),
        ]

    def __str__(self):
        return f"{self.theme} on {self.session_id}"


class PulseMoment(models.TextChoices):
    MONTH_THREE = "month_three", "At three months"
    END = "end", "At the end"


class PulseRequest(models.Model):
    """That a coachee was asked for a satisfaction pulse, and whether they answered.
    Never what they answered, nor when: the answer is a PulseAnswer with no link back."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="pulse_requests"
    )
    moment = models.CharField(max_length=16, choices=PulseMoment.choices)
    answered = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["engagement", "moment"], name="pulse_once_per_moment"),
            models.CheckConstraint(
                condition=Q(moment__in=PulseMoment.values), name="pulse_moment_valid"
            ),
        ]

    def __str__(self):
        return f"Pulse {self.moment} for {self.engagement_id}"


class PulseAnswer(models.Model):
    """One anonymous satisfaction pulse: the program and the moment, the month it
    was given (not the time), and three numbers. No person, no engagement."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pulse_answers")
    moment = models.CharField(max_length=16, choices=PulseMoment.choices)
    month = models.DateField()  # the first day of the month it was given
    usefulness = models.PositiveSmallIntegerField()  # 1-5
    recommend = models.BooleanField()
    coach_fit = models.PositiveSmallIntegerField()  # 1-5

    class Meta:
        # No ordering by id: the order answers arrived in is nobody's business.
        ordering = ["program", "moment", "month", "usefulness", "coach_fit", "recommend"]
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5), name="pulse_usefulness_range"
            ),
            models.CheckConstraint(
                condition=Q(coach_fit__gte=1, coach_fit__lte=5), name="pulse_fit_range"
            ),
            models.CheckConstraint(
                condition=Q(moment__in=PulseMoment.values), name="pulse_answer_moment_valid"
            ),
        ]

    def __str__(self):
        return f"Pulse answer in {self.program_id}"


class ProgramEstimate(models.Model):
    """A figure for behaviour or results the sponsor enters themselves, shown in the
    program report as their estimate: Bearing does not measure these."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="estimates")
    label = models.CharField(max_length=120)
    value = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["program", "created_at"]

    def __str__(self):
        return f"Estimate in {self.program_id}"


class ChemistryCall(models.Model):
    """A short call a leader books with a coach proposed to them, to get to know each
    other before choosing. Both get a calendar invitation; no notes are kept."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="chemistry_call"
    )
    scheduled_for = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=20)
    sequence = models.PositiveIntegerField(default=0)  # iCalendar SEQUENCE
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scheduled_for"]

    def __str__(self):
        return f"Chemistry call for {self.proposal_id}"

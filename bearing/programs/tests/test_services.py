"""The programs services, directly: who may, what each one checks, and what follows
a match (the engagement and its agreement through the engagement services)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError

from bearing.accounts.models import Practice, Role
from bearing.accounts.services import invitation_accept
from bearing.engagements.models import EngagementStatus, SessionStatus
from bearing.programs import services as ps
from bearing.programs.models import (
    CoachProfile,
    MatchingProfile,
    Proposal,
    ProposalStatus,
    PulseAnswer,
    PulseMoment,
    PulseRequest,
    Seat,
    SessionTheme,
)
from bearing.testing import WorldTestCase, grant, make_engagement, make_session, make_user

AT = datetime(2027, 1, 15, 12, tzinfo=UTC)


def new_program(w, **kw):
    values = {
        "by": w.sponsor,
        "organization": w.organization,
        "practice": w.practice,
        "name": "Leaders of tomorrow",
        "starts_on": date(2027, 1, 1),
        "ends_on": date(2027, 12, 31),
        "seats": 5,
        "sessions_per_engagement": 6,
        "focus_themes": ["delegation"],
        "sponsor_sees_goal_progress": True,
        "sponsor_sees_360_change": True,
    }
    values.update(kw)
    return ps.program_create(**values)


def roster(w, extra=1):
    """Coach and other coach on the roster, and ``extra`` more coaches."""
    coaches = [w.coach, w.other_coach]
    for i in range(extra):
        coach = make_user(f"roster{i}@example.com", f"Rita Roster{i}")
        grant(coach, Role.COACH, practice=w.practice)
        coaches.append(coach)
    for i, coach in enumerate(coaches):
        ps.coach_profile_save(
            coach=coach,
            practice=w.practice,
            bio="I coach leaders.",
            focus_areas=["delegation"] if i == 0 else ["conflict"],
            languages=["en"],
            time_zone="Europe/London",
            years_experience=5 + i,
            capacity=3,
        )
    return coaches


def seated(w, program, leader=None):
    leader = leader or w.coachee
    return Seat.objects.create(
        program=program, leader=leader, invited_email=leader.email, invited_name=leader.name
    )


def profile(w, seat, **kw):
    values = {
        "seat": seat,
        "by": seat.leader,
        "themes": ["delegation"],
        "hopes": "Let go of the detail",
        "languages": ["en"],
        "time_zone": "Europe/London",
        "at": AT,
    }
    values.update(kw)
    return ps.matching_profile_save(**values)


class ProgramCreateTests(WorldTestCase):
    def test_a_sponsor_sets_up_a_program_for_their_organization(self):
        program = new_program(self.w)
        self.assertEqual(program.created_by, self.w.sponsor)
        self.assertEqual(program.focus_themes, ["delegation"])

    def test_staff_may_too(self):
        self.assertEqual(new_program(self.w, by=self.w.staff).organization, self.w.organization)

    def test_another_organizations_sponsor_or_a_coach_may_not(self):
        for person in (self.w.other_sponsor, self.w.coach, self.w.coachee):
            with self.subTest(person=person.name), self.assertRaises(ValidationError):
                new_program(self.w, by=person)

    def test_the_practice_must_work_with_the_organization(self):
        other = Practice.objects.create(name="Elsewhere")
        with self.assertRaises(ValidationError) as caught:
            new_program(self.w, practice=other)
        self.assertIn("practice", caught.exception.message_dict)

    def test_bad_input_is_named_by_field(self):
        for field, kw in (
            ("ends_on", {"ends_on": date(2026, 12, 1)}),
            ("seats", {"seats": 0}),
            ("name", {"name": "  "}),
            ("focus_themes", {"focus_themes": ["astrology"]}),
            ("sessions_per_engagement", {"sessions_per_engagement": 0}),
        ):
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                new_program(self.w, **kw)
            self.assertIn(field, caught.exception.message_dict)


class SeatTests(WorldTestCase):
    def test_an_invited_leader_gets_the_seat_when_they_accept(self):
        program = new_program(self.w)
        seat = ps.seat_invite(
            program=program, by=self.w.sponsor, email="New@Example.com", name="Nia"
        )
        self.assertEqual(seat.invited_email, "new@example.com")
        self.assertIsNone(seat.leader)
        self.assertEqual(seat.invitation.role, Role.COACHEE)
        from bearing.accounts.services import token_hash

        # Accepting through the invitation link attaches the leader to the seat.
        invitation = seat.invitation
        token = "tok-" + str(invitation.code)
        invitation.token_hash = token_hash(token)
        invitation.save(update_fields=["token_hash"])
        user = invitation_accept(token=token, name="Nia New", password="a-long-enough-pass-99")
        seat.refresh_from_db()
        self.assertEqual(seat.leader, user)

    def test_no_more_seats_than_the_program_has(self):
        program = new_program(self.w, seats=1)
        ps.seat_invite(program=program, by=self.w.sponsor, email="a@example.com")
        with self.assertRaises(ValidationError) as caught:
            ps.seat_invite(program=program, by=self.w.sponsor, email="b@example.com")
        self.assertIn("email", caught.exception.message_dict)

    def test_one_seat_per_address_and_only_its_sponsors_invite(self):
        program = new_program(self.w)
        ps.seat_invite(program=program, by=self.w.sponsor, email="a@example.com")
        with self.assertRaises(ValidationError):
            ps.seat_invite(program=program, by=self.w.sponsor, email="a@example.com")
        with self.assertRaises(ValidationError):
            ps.seat_invite(program=program, by=self.w.other_sponsor, email="c@example.com")


class RosterTests(WorldTestCase):
    def test_a_coach_keeps_a_profile_in_their_practice(self):
        roster(self.w, extra=0)
        profile = CoachProfile.objects.get(coach=self.w.coach)
        self.assertEqual(profile.bio, "I coach leaders.")
        self.assertEqual(profile.capacity, 3)

    def test_not_in_a_practice_they_do_not_coach_in(self):
        with self.assertRaises(ValidationError):
            ps.coach_profile_save(
                coach=self.w.coachee,
                practice=self.w.practice,
                bio="",
                focus_areas=[],
                languages=["en"],
                time_zone="UTC",
                years_experience=1,
                capacity=1,
            )

    def test_languages_and_time_zone_are_checked(self):
        for field, kw in (("languages", {"languages": []}), ("time_zone", {"time_zone": "Mars"})):
            values = {
                "coach": self.w.coach,
                "practice": self.w.practice,
                "bio": "",
                "focus_areas": [],
                "languages": ["en"],
                "time_zone": "UTC",
                "years_experience": 1,
                "capacity": 1,
            }
            values.update(kw)
            with self.subTest(field=field), self.assertRaises(ValidationError) as caught:
                ps.coach_profile_save(**values)
            self.assertIn(field, caught.exception.message_dict)


class MatchingTests(WorldTestCase):
    def setUp(self):
        self.program = new_program(self.w)
        self.coaches = roster(self.w, extra=2)
        self.seat = seated(self.w, self.program)

    def test_the_first_profile_proposes_three_coaches_with_reasons(self):
        profile(self.w, self.seat)
        proposals = list(self.seat.proposals.order_by("rank"))
        self.assertEqual(len(proposals), 3)
        self.assertEqual(proposals[0].coach, self.w.coach)  # the one working on delegation
        self.assertIn("Works on delegation, as you asked.", proposals[0].reasons)
        self.assertTrue(all(p.status == ProposalStatus.PROPOSED for p in proposals))

    def test_only_the_leader_fills_their_profile(self):
        with self.assertRaises(ValidationError):
            profile(self.w, self.seat, by=self.w.sponsor)
        with self.assertRaises(ValidationError) as caught:
            profile(self.w, self.seat, themes=[])
        self.assertIn("themes", caught.exception.message_dict)

    def test_a_coach_at_capacity_is_not_proposed(self):
        for i in range(3):  # the world's coach already has one engagement
            leader = make_user(f"l{i}@example.com", f"L{i}")
            make_engagement(
                coach=self.w.coach,
                coachee=leader,
                practice=self.w.practice,
                organization=self.w.organization,
            )
        profile(self.w, self.seat)
        self.assertNotIn(self.w.coach.id, [p.coach_id for p in self.seat.proposals.all()])

    def test_asking_for_others_proposes_new_coaches_only(self):
        roster_more = make_user("more@example.com", "Mo More")
        grant(roster_more, Role.COACH, practice=self.w.practice)
        ps.coach_profile_save(
            coach=roster_more,
            practice=self.w.practice,
            bio="",
            focus_areas=[],
            languages=["en"],
            time_zone="UTC",
            years_experience=1,
            capacity=2,
        )
        profile(self.w, self.seat)
        first = set(self.seat.proposals.values_list("coach_id", flat=True))
        ps.proposals_make(seat=self.seat, by=self.w.coachee, at=AT)
        second = set(self.seat.proposals.filter(round=2).values_list("coach_id", flat=True))
        everyone = {c.id for c in self.coaches} | {roster_more.id}
        self.assertEqual(second, everyone - first)
        self.assertEqual(len(second), 2)
        self.assertEqual(
            set(self.seat.proposals.filter(round=1).values_list("status", flat=True)),
            {ProposalStatus.PASSED},
        )
        with self.assertRaises(ValidationError):  # nobody left
            ps.proposals_make(seat=self.seat, by=self.w.coachee, at=AT)

    def test_choose_then_the_coach_accepts_and_the_engagement_follows(self):
        profile(self.w, self.seat)
        chosen = self.seat.proposals.get(coach=self.w.other_coach)
        ps.proposal_choose(proposal=chosen, by=self.w.coachee)
        with self.assertRaises(ValidationError):  # one choice at a time
            ps.proposal_choose(proposal=self.seat.proposals.get(rank=1), by=self.w.coachee)
        with self.assertRaises(ValidationError):  # only the coach chosen answers
            ps.proposal_decide(proposal=chosen, by=self.w.coach, accept=True)
        ps.proposal_decide(proposal=chosen, by=self.w.other_coach, accept=True)
        self.seat.refresh_from_db()
        engagement = self.seat.engagement
        self.assertEqual(engagement.coach, self.w.other_coach)
        self.assertEqual(engagement.coachee, self.w.coachee)
        self.assertEqual(engagement.status, EngagementStatus.PROPOSED)
        agreement = engagement.agreements.get()
        self.assertIsNone(agreement.accepted_at)  # the coachee still accepts their own
        self.assertEqual(agreement.session_count, 6)
        self.assertTrue(agreement.sponsor_sees_goal_progress)
        # The program proposes the 360 change like the other signals; off by default.
        self.assertTrue(agreement.sponsor_sees_360_change)
        self.assertIn("change_360", agreement.sponsor_signals)
        self.assertEqual(
            sorted(self.seat.proposals.values_list("status", flat=True)),
            ["accepted", "passed", "passed"],
        )

    def test_a_coach_declines_and_the_leader_chooses_another(self):
        profile(self.w, self.seat)
        first = self.seat.proposals.get(rank=1)
        ps.proposal_choose(proposal=first, by=self.w.coachee)
        ps.proposal_decide(proposal=first, by=first.coach, accept=False)
        first.refresh_from_db()
        self.assertEqual(first.status, ProposalStatus.DECLINED)
        second = self.seat.proposals.get(rank=2)
        ps.proposal_choose(proposal=second, by=self.w.coachee)
        self.assertEqual(Proposal.objects.get(pk=second.pk).status, ProposalStatus.CHOSEN)

    def test_a_coach_who_filled_up_meanwhile_cannot_accept(self):
        profile(self.w, self.seat)
        first = self.seat.proposals.get(rank=1)
        ps.proposal_choose(proposal=first, by=self.w.coachee)
        CoachProfile.objects.filter(coach=first.coach).update(capacity=1)
        with self.assertRaises(ValidationError):
            ps.proposal_decide(proposal=first, by=first.coach, accept=True)
        self.seat.refresh_from_db()
        self.assertIsNone(self.seat.engagement)

    def test_the_matching_profile_keeps_the_leaders_words_encrypted(self):
        profile(self.w, self.seat)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT hopes FROM programs_matchingprofile")
            [(raw,)] = cursor.fetchall()
        self.assertNotIn("detail", str(raw))
        self.assertEqual(MatchingProfile.objects.get().hopes, "Let go of the detail")


class ThemeTests(WorldTestCase):
    def test_the_coach_tags_one_to_three_themes_on_a_held_session(self):
        session = self.w.past_session
        ps.session_themes_set(session=session, by=self.w.coach, themes=["delegation", "conflict"])
        ps.session_themes_set(session=session, by=self.w.coach, themes=["conflict", "presence"])
        self.assertEqual(
            sorted(SessionTheme.objects.filter(session=session).values_list("theme", flat=True)),
            ["conflict", "presence"],
        )

    def test_nobody_else_and_no_text(self):
        session = self.w.past_session
        for person in (self.w.coachee, self.w.other_coach, self.w.sponsor):
            with self.subTest(person=person.name), self.assertRaises(ValidationError):
                ps.session_themes_set(session=session, by=person, themes=["delegation"])
        for bad in ([], ["a b c"], ["delegation", "conflict", "presence", "team"]):
            with self.subTest(bad=bad), self.assertRaises(ValidationError) as caught:
                ps.session_themes_set(session=session, by=self.w.coach, themes=bad)
            self.assertIn("themes", caught.exception.message_dict)

    def test_not_on_a_session_that_was_not_held(self):
        with self.assertRaises(ValidationError):
            ps.session_themes_set(
                session=self.w.next_session, by=self.w.coach, themes=["delegation"]
            )
        missed = make_session(self.w.engagement, days=-3, status=SessionStatus.NO_SHOW)
        with self.assertRaises(ValidationError):
            ps.session_themes_set(session=missed, by=self.w.coach, themes=["delegation"])


class PulseTests(WorldTestCase):
    def setUp(self):
        self.program = new_program(self.w)
        Seat.objects.create(
            program=self.program,
            leader=self.w.coachee,
            invited_email=self.w.coachee.email,
            engagement=self.w.engagement,
        )

    def test_asked_at_three_months_and_at_the_end(self):
        started = self.w.engagement.started_at
        self.assertEqual(ps.pulses_due(engagement=self.w.engagement, now=started), [])
        [due] = ps.pulses_due(engagement=self.w.engagement, now=started + timedelta(days=92))
        self.assertEqual(due.moment, PulseMoment.MONTH_THREE)
        self.assertEqual(len(ps.pulses_due(engagement=self.w.engagement, now=started)), 1)

    def test_the_answer_is_stored_apart_from_who_gave_it(self):
        request = PulseRequest.objects.create(
            engagement=self.w.engagement, moment=PulseMoment.MONTH_THREE
        )
        ps.pulse_answer(
            request=request,
            by=self.w.coachee,
            usefulness=4,
            recommend=True,
            coach_fit=5,
            today=date(2027, 3, 17),
        )
        request.refresh_from_db()
        self.assertTrue(request.answered)
        answer = PulseAnswer.objects.get()
        self.assertEqual(answer.month, date(2027, 3, 1))  # the month, not the day
        names = {f.name for f in PulseAnswer._meta.concrete_fields}
        self.assertEqual(
            names, {"id", "program", "moment", "month", "usefulness", "recommend", "coach_fit"}
        )
        names = {f.name for f in PulseRequest._meta.concrete_fields}
        self.assertNotIn("answered_at", names)
        with self.assertRaises(ValidationError):
            ps.pulse_answer(
                request=request, by=self.w.coachee, usefulness=4, recommend=True, coach_fit=5
            )

    def test_only_the_coachee_answers_and_in_range(self):
        request = PulseRequest.objects.create(engagement=self.w.engagement, moment="end")
        with self.assertRaises(ValidationError):
            ps.pulse_answer(
                request=request, by=self.w.coach, usefulness=4, recommend=True, coach_fit=5
            )
        with self.assertRaises(ValidationError) as caught:
            ps.pulse_answer(
                request=request, by=self.w.coachee, usefulness=9, recommend=True, coach_fit=5
            )
        self.assertIn("usefulness", caught.exception.message_dict)
        self.assertFalse(PulseAnswer.objects.exists())


class ExportAndErasureTests(WorldTestCase):
    """The declarations at work: a leader's export carries their matching profile and
    the coaches proposed; their erasure removes them; the program stays."""

    def test_export_then_erasure(self):
        from bearing.exports.archive import personal_sections
        from bearing.exports.erasure import person_erase

        program = new_program(self.w)
        roster(self.w)
        seat = seated(self.w, program)
        profile(self.w, seat)
        sections = {s.kind.model: s for s in personal_sections(self.w.coachee)}
        [row] = sections["programs.MatchingProfile"].rows
        self.assertEqual(row["hopes"], "Let go of the detail")
        self.assertEqual(len(sections["programs.Proposal"].rows), 3)
        coach_sections = {s.kind.model: s for s in personal_sections(self.w.coach)}
        self.assertEqual(len(coach_sections["programs.CoachProfile"].rows), 1)
        person_erase(self.w.coachee)
        self.assertFalse(Seat.objects.filter(pk=seat.pk).exists())
        self.assertFalse(MatchingProfile.objects.exists())
        self.assertFalse(Proposal.objects.exists())
        person_erase(self.w.sponsor)
        self.assertTrue(type(program).objects.filter(pk=program.pk).exists())

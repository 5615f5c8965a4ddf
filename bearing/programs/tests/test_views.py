"""Each program page: who may and who may not (404, not 403), the wrong method
(405), and bad input named beside its field."""

from __future__ import annotations

from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.programs.models import (
    CoachProfile,
    MatchingProfile,
    Program,
    ProposalStatus,
    PulseAnswer,
    Seat,
    SessionTheme,
)
from bearing.programs.tests.world import program_world
from bearing.testing import WorldTestCase

EVERYONE = ("coach", "other_coach", "coachee", "sponsor", "other_sponsor", "staff")


class ProgramPageTests(WorldTestCase):
    def setUp(self):
        self.p = program_world(self.w)

    def assert_only(self, url, allowed, method="get", data=None):
        for persona in EVERYONE:
            self.login(getattr(self.w, persona))
            status = getattr(self.client, method)(url, data or {}).status_code
            with self.subTest(persona=persona, url=url):
                if persona in allowed:
                    self.assertNotIn(status, {403, 404, 405})
                else:
                    self.assertEqual(status, 404)

    # --- the sponsor's --------------------------------------------------------------

    def test_home_lists_what_each_person_has(self):
        self.login(self.w.sponsor)
        self.assertContains(self.client.get(reverse("programs:home")), "Leaders of tomorrow")
        self.login(self.w.coachee)
        response = self.client.get(reverse("programs:home"))
        self.assertContains(response, reverse("programs:seat", args=[self.p.seat.code]))
        self.login(self.w.coach)
        self.assertContains(
            self.client.get(reverse("programs:home")),
            reverse("programs:proposal", args=[self.p.proposal.code]),
        )
        self.login(self.w.other_sponsor)
        self.assertNotContains(self.client.get(reverse("programs:home")), "Leaders of tomorrow")
        self.assertEqual(self.client.post(reverse("programs:home")).status_code, 405)

    def test_a_sponsor_sets_up_a_program(self):
        self.login(self.w.sponsor)
        response = self.client.post(
            reverse("programs:create"),
            {
                "name": "Rising managers",
                "organization": self.w.organization.code,
                "practice": self.w.practice.code,
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
                "seats": "12",
                "sessions_per_engagement": "6",
                "focus_themes": ["team", "conflict"],
                "sponsor_sees_status": "on",
            },
        )
        program = Program.objects.get(name="Rising managers")
        self.assertRedirects(response, reverse("programs:detail", args=[program.code]))
        self.assertFalse(program.sponsor_sees_attendance)

    def test_bad_program_input_is_named_beside_its_field(self):
        self.login(self.w.sponsor)
        response = self.client.post(
            reverse("programs:create"),
            {
                "name": "X",
                "organization": self.w.other_organization.code,  # not theirs
                "practice": self.w.practice.code,
                "starts_on": "2027-05-01",
                "ends_on": "2027-01-01",
                "seats": "3",
                "sessions_per_engagement": "6",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("organization", response.context["form"].errors)
        response = self.client.post(
            reverse("programs:create"),
            {
                "name": "X",
                "organization": self.w.organization.code,
                "practice": self.w.practice.code,
                "starts_on": "2027-05-01",
                "ends_on": "2027-01-01",
                "seats": "3",
                "sessions_per_engagement": "6",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["ends_on"], ["The program ends after it starts."]
        )
        self.assertContains(response, "The program ends after it starts.", status_code=400)

    def test_the_form_offers_only_the_practices_that_work_with_the_organization(self):
        from bearing.accounts.models import Practice

        Practice.objects.create(name="Unrelated Coaching Ltd")
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:create"))
        self.assertContains(response, "Northstar Coaching")
        self.assertNotContains(response, "Unrelated Coaching Ltd")
        self.assertNotContains(response, "Globex")

    def test_only_sponsors_and_staff_set_up_programs(self):
        self.assert_only(reverse("programs:create"), {"sponsor", "other_sponsor", "staff"})
        self.login(self.w.sponsor)
        self.assertEqual(self.client.put(reverse("programs:create")).status_code, 405)

    def test_the_program_page_is_its_sponsors_and_staffs(self):
        url = reverse("programs:detail", args=[self.p.program.code])
        self.assert_only(url, {"sponsor", "staff"})
        self.login(self.w.sponsor)
        response = self.client.get(url)
        self.assertContains(response, "Lena Leader")
        self.assertContains(response, "Joined; choosing a coach")
        self.assertNotContains(response, "let go of the detail")
        self.assertEqual(self.client.post(url).status_code, 405)

    def test_a_denied_program_is_audited(self):
        self.login(self.w.other_sponsor)
        self.client.get(reverse("programs:detail", args=[self.p.program.code]))
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.DENIED, target_code=str(self.p.program.code)
            ).exists()
        )

    def test_invite_a_leader(self):
        url = reverse("programs:invite", args=[self.p.program.code])
        self.login(self.w.sponsor)
        response = self.client.post(url, {"name": "Nia New", "email": "nia@example.com"})
        self.assertRedirects(response, reverse("programs:detail", args=[self.p.program.code]))
        self.assertTrue(Seat.objects.filter(invited_email="nia@example.com").exists())
        response = self.client.post(url, {"name": "Nia New", "email": "nia@example.com"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["form"].errors["email"],
            ["This address already has a seat in the program."],
        )
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assert_only(url, {"sponsor", "staff"}, method="post")

    # --- the coach's ------------------------------------------------------------------

    def test_a_coach_saves_their_roster_profile(self):
        url = reverse("programs:roster")
        self.login(self.w.coach)
        response = self.client.post(
            url,
            {
                "bio": "Twenty years in tech.",
                "focus_areas": ["team"],
                "languages": ["en", "fr"],
                "time_zone": "Europe/Paris",
                "years_experience": "20",
                "capacity": "6",
            },
        )
        self.assertEqual(response.status_code, 302)
        profile = CoachProfile.objects.get(coach=self.w.coach)
        self.assertEqual((profile.capacity, profile.languages), (6, ["en", "fr"]))
        response = self.client.post(url, {"languages": [], "time_zone": "Mars/Base"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("languages", response.context["form"].errors)
        self.assertIn("time_zone", response.context["form"].errors)
        self.assert_only(url, {"coach", "other_coach"})
        self.assertEqual(self.client.delete(url).status_code, 405)

    def test_the_chosen_coach_reads_the_profile_and_the_read_is_audited(self):
        url = reverse("programs:proposal", args=[self.p.proposal.code])
        self.login(self.w.coach)
        response = self.client.get(url)
        self.assertContains(response, "I want to let go of the detail.")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.READ, actor_id=self.w.coach.id, detail__field="matching_profile"
            ).exists()
        )
        # The other coach proposed (not chosen) reads it too, on their own proposal.
        self.login(self.w.other_coach)
        other = reverse("programs:proposal", args=[self.p.other_proposal.code])
        self.assertContains(self.client.get(other), "I want to let go of the detail.")
        self.assert_only(url, {"coach"})
        self.login(self.w.coach)
        self.assertEqual(self.client.post(url).status_code, 405)

    def test_the_coach_accepts_and_the_engagement_follows(self):
        url = reverse("programs:decide", args=[self.p.proposal.code])
        self.login(self.w.coach)
        response = self.client.post(url, {"decision": "maybe"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("decision", response.context["form"].errors)
        response = self.client.post(url, {"decision": "accept"})
        self.assertRedirects(response, reverse("programs:proposal", args=[self.p.proposal.code]))
        seat = Seat.objects.get(pk=self.p.seat.pk)
        self.assertEqual(seat.engagement.coach, self.w.coach)
        self.assertEqual(seat.engagement.agreements.get().session_count, 8)
        response = self.client.post(url, {"decision": "accept"})  # again: nothing to answer
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "nothing to answer", status_code=400)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assert_only(url, {"coach"}, method="post")

    def test_the_coach_tags_a_sessions_themes(self):
        url = reverse("programs:themes", args=[self.w.past_session.code])
        self.login(self.w.coach)
        self.assertContains(self.client.get(reverse("programs:home")), url)  # to tag
        self.assertContains(self.client.get(url), "What this coaching session worked on")
        response = self.client.post(url, {"themes": ["delegation", "team"]})
        self.assertRedirects(
            response,
            reverse("engagements:session_detail", args=[self.w.past_session.code]),
            fetch_redirect_response=False,
        )
        self.assertEqual(SessionTheme.objects.filter(session=self.w.past_session).count(), 2)
        self.assertNotContains(self.client.get(reverse("programs:home")), url)  # tagged
        response = self.client.post(url, {"themes": ["a", "b"]})
        self.assertEqual(response.status_code, 400)
        self.assertIn("themes", response.context["form"].errors)
        response = self.client.post(
            reverse("programs:themes", args=[self.w.next_session.code]), {"themes": ["team"]}
        )
        self.assertContains(response, "was held", status_code=400)
        self.assert_only(url, {"coach"})
        self.assertEqual(self.client.put(url).status_code, 405)

    # --- the leader's --------------------------------------------------------------------

    def test_the_leader_sees_their_seat_and_the_coaches_proposed(self):
        url = reverse("programs:seat", args=[self.p.seat.code])
        self.login(self.w.coachee)
        response = self.client.get(url)
        self.assertContains(response, "Clara Coach")
        self.assertContains(response, "Works on delegation, as you asked.")
        self.assert_only(url, {"coachee"})
        self.assertEqual(self.client.post(url).status_code, 405)

    def test_the_leader_saves_their_profile_with_errors_beside_the_fields(self):
        url = reverse("programs:profile", args=[self.p.seat.code])
        self.login(self.w.coachee)
        response = self.client.post(url, {"themes": ["a", "b", "c", "d"], "time_zone": "UTC"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("themes", response.context["form"].errors)
        self.assertIn("languages", response.context["form"].errors)
        response = self.client.post(
            url,
            {
                "themes": ["team", "conflict", "presence", "delegation"],
                "languages": ["en"],
                "time_zone": "UTC",
                "coach_style": "any",
            },
        )
        self.assertEqual(response.context["form"].errors["themes"], ["Choose at most 3."])
        response = self.client.post(
            url,
            {
                "themes": ["team"],
                "hopes": "Grow a team",
                "languages": ["en"],
                "time_zone": "UTC",
                "coach_style": "supportive",
            },
        )
        self.assertRedirects(response, reverse("programs:seat", args=[self.p.seat.code]))
        self.assertEqual(MatchingProfile.objects.get(seat=self.p.seat).hopes, "Grow a team")
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assert_only(url, {"coachee"}, method="post")

    def test_the_leader_chooses_a_coach(self):
        self.p.proposal.status = ProposalStatus.PROPOSED
        self.p.proposal.save()
        url = reverse("programs:choose", args=[self.p.other_proposal.code])
        self.login(self.w.coachee)
        response = self.client.post(url)
        self.assertRedirects(response, reverse("programs:seat", args=[self.p.seat.code]))
        self.p.other_proposal.refresh_from_db()
        self.assertEqual(self.p.other_proposal.status, ProposalStatus.CHOSEN)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assert_only(url, {"coachee"}, method="post")

    def test_asking_for_other_coaches_with_none_left_says_so(self):
        url = reverse("programs:different", args=[self.p.seat.code])
        self.login(self.w.coachee)
        response = self.client.post(url, follow=True)
        self.assertContains(response, "You have chosen a coach")
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assert_only(url, {"coachee"}, method="post")

    def test_the_pulse_is_answered_once_and_kept_without_a_name(self):
        url = reverse("programs:pulse", args=[self.p.pulse.code])
        self.login(self.w.coachee)
        self.assertContains(self.client.get(url), "kept without your name")
        response = self.client.post(url, {"usefulness": "9", "recommend": "yes"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("usefulness", response.context["form"].errors)
        self.assertIn("coach_fit", response.context["form"].errors)
        response = self.client.post(url, {"usefulness": "4", "recommend": "yes", "coach_fit": "5"})
        self.assertRedirects(response, reverse("programs:home"))
        answer = PulseAnswer.objects.get()
        self.assertEqual((answer.usefulness, answer.recommend, answer.coach_fit), (4, True, 5))
        self.assertRedirects(self.client.get(url), reverse("programs:home"))
        self.assertEqual(self.client.put(url).status_code, 405)
        self.assert_only(url, {"coachee"})


class ChemistryCallTests(WorldTestCase):
    def setUp(self):
        self.p = program_world(self.w)
        self.url = reverse("programs:chemistry", args=[self.p.other_proposal.code])

    def test_the_leader_books_a_call_and_both_get_an_invitation(self):
        from datetime import timedelta

        from django.core import mail
        from django.utils import timezone

        from bearing.programs.models import ChemistryCall

        self.login(self.w.coachee)
        when = timezone.localtime(timezone.now() + timedelta(days=3), self.w.coachee.tz)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url, {"scheduled_for": when.strftime("%Y-%m-%dT%H:%M")}
            )
        self.assertRedirects(response, reverse("programs:seat", args=[self.p.seat.code]))
        call = ChemistryCall.objects.get(proposal=self.p.other_proposal)
        self.assertEqual(call.duration_minutes, 20)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            sorted([self.w.coachee.email, self.w.other_coach.email]),
        )
        self.assertIn("BEGIN:VEVENT", mail.outbox[0].attachments[0][1])
        self.assertContains(
            self.client.get(reverse("programs:seat", args=[self.p.seat.code])),
            "Your call to get to know each other",
        )
        self.login(self.w.other_coach)
        self.assertContains(
            self.client.get(reverse("programs:home")), "a call to get to know each other"
        )

    def test_a_time_too_soon_is_refused_beside_the_field(self):
        self.login(self.w.coachee)
        response = self.client.post(self.url, {"scheduled_for": "2020-01-01T10:00"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "This was not booked", status_code=400)
        self.assertContains(response, 'aria-invalid="true"', status_code=400)

    def test_only_the_leader_and_only_before_choosing(self):
        for persona in ("coach", "other_coach", "sponsor", "staff", "other_sponsor"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.post(self.url, {}).status_code, 404)
        self.login(self.w.coachee)
        self.assertEqual(self.client.get(self.url).status_code, 405)
        chosen = reverse("programs:chemistry", args=[self.p.proposal.code])  # already chosen
        response = self.client.post(chosen, {"scheduled_for": "2099-01-01T10:00"})
        self.assertEqual(response.status_code, 400)


class StaffRosterTests(WorldTestCase):
    def test_staff_see_every_roster_without_biographies(self):
        p = program_world(self.w)
        url = reverse("programs:roster_staff")
        self.login(self.w.staff)
        response = self.client.get(url)
        self.assertContains(response, "Clara Coach")
        self.assertContains(response, "<td>2 / 8</td>", html=True)  # an engagement, a choice
        self.assertNotContains(response, "coaches leaders.")  # the biography
        self.assertContains(self.client.get(reverse("programs:home")), url)
        self.assertEqual(self.client.post(url).status_code, 405)
        for persona in ("coach", "other_coach", "coachee", "sponsor", "other_sponsor"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertTrue(p.program)

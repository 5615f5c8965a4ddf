"""The practice's own view across its coaches: its coaches and staff only, every
figure over three or more coachees (besides the reader's own), hidden under a
filter that could be subtracted from another, never a person's row; query count
pinned."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import Practice
from bearing.programs import views
from bearing.programs.models import Program, PulseAnswer
from bearing.programs.queries import practice_view
from bearing.programs.tests.test_dashboard import add_cohort
from bearing.programs.tests.test_sponsor_rows import models_in
from bearing.programs.tests.world import program_world
from bearing.testing import WorldTestCase, canary_strings, grant, make_user


def page(practice, **params):
    url = reverse("programs:practice", args=[practice.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


class PracticeAccessTests(WorldTestCase):
    def test_its_coaches_and_staff_see_it(self):
        for persona in ("coach", "other_coach", "staff"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                response = self.client.get(page(self.w.practice))
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "Northstar Coaching: across its coaches")

    def test_everyone_else_gets_404(self):
        elsewhere = Practice.objects.create(name="Elsewhere Coaching")
        stranger = make_user("stranger.coach@example.com", "Stella Stranger")
        grant(stranger, "coach", practice=elsewhere)
        for person in (stranger, self.w.sponsor, self.w.other_sponsor, self.w.coachee):
            with self.subTest(person=person.email):
                self.login(person)
                self.assertEqual(self.client.get(page(self.w.practice)).status_code, 404)
        self.login(self.w.coach)
        self.assertEqual(self.client.get(page(elsewhere)).status_code, 404)

    def test_anonymous_is_sent_to_sign_in(self):
        response = self.client.get(page(self.w.practice))
        self.assertEqual(response.status_code, 302)

    def test_wrong_method(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.post(page(self.w.practice)).status_code, 405)

    def test_the_coachs_programs_page_links_to_it_and_the_sponsors_does_not(self):
        url = reverse("programs:practice", args=[self.w.practice.code])
        self.login(self.w.coach)
        self.assertContains(self.client.get(reverse("programs:home")), url)
        self.login(self.w.sponsor)
        self.assertNotContains(self.client.get(reverse("programs:home")), url)


class PracticeFigureTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = program_world(cls.w).program

    def test_figures_are_hidden_under_three_coachees(self):
        # The world's practice holds one started engagement.
        d = practice_view(self.w.staff, self.w.practice.code)
        self.assertIsNone(d.attendance.n)
        self.assertIsNone(d.status_n)
        self.assertTrue(all(r.value is None for r in d.statuses if r.key == "active"))
        self.assertTrue(d.something_hidden)
        self.login(self.w.staff)
        response = self.client.get(page(self.w.practice))
        self.assertContains(response, "Some figures are hidden")
        self.assertContains(response, "<p>Hidden.</p>", html=True)

    def test_figures_are_shown_from_three_coachees(self):
        add_cohort(self.w, self.program, [("active", ["delegation"], 2, None, True)] * 3)
        d = practice_view(self.w.staff, self.w.practice.code)
        self.assertEqual(d.attendance.n, 4)
        self.assertEqual(d.attendance.held, 7)  # the world's one and two each
        self.assertEqual(d.status_n, 4)
        self.assertEqual({r.key: r.value for r in d.statuses}["active"], 4)
        self.login(self.w.staff)
        response = self.client.get(page(self.w.practice))
        self.assertContains(response, "n = 4 coachees")
        self.assertContains(response, "Last 12 months")

    def test_a_differencing_attempt_between_two_filters_fails(self):
        # Four in all, three of them on delegation: the filtered figure minus the
        # whole would give the fourth coachee's coaching sessions away.
        add_cohort(self.w, self.program, [("active", ["delegation"], 2, None, True)] * 3)
        whole = practice_view(self.w.staff, self.w.practice.code)
        narrowed = practice_view(self.w.staff, self.w.practice.code, theme="delegation")
        self.assertEqual(whole.attendance.n, 4)
        self.assertIsNone(narrowed.attendance.n)
        self.assertIsNone({r.key: r.value for r in whole.themes}["delegation"])
        # Three more on conflict: delegation is now three or more away from every
        # other figure, and is shown under its filter.
        add_cohort(self.w, self.program, [("active", ["conflict"], 1, None, True)] * 3, "more")
        narrowed = practice_view(self.w.staff, self.w.practice.code, theme="delegation")
        self.assertEqual((narrowed.attendance.n, narrowed.attendance.held), (3, 6))
        self.assertEqual(narrowed.filters, ("Theme: Delegation",))

    def test_a_coach_cannot_subtract_their_own_coachees(self):
        # Oscar coaches the three; the fourth (Clara's) is the only one he does not
        # know, so nothing over the four is shown to him, while staff see it.
        add_cohort(self.w, self.program, [("active", ["delegation"], 2, None, True)] * 3)
        self.assertEqual(practice_view(self.w.staff, self.w.practice.code).attendance.n, 4)
        d = practice_view(self.w.other_coach, self.w.practice.code)
        self.assertIsNone(d.attendance.n)
        self.assertIsNone(d.status_n)
        # Clara knows one; the three others are Oscar's: she sees the four.
        self.assertEqual(practice_view(self.w.coach, self.w.practice.code).attendance.n, 4)

    def test_satisfaction_counts_the_practices_programs_only(self):
        last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        elsewhere = Practice.objects.create(name="Elsewhere Coaching")
        theirs = Program.objects.create(
            organization=self.w.organization,
            practice=elsewhere,
            name="Theirs",
            starts_on=self.program.starts_on,
            ends_on=self.program.ends_on,
            seats=3,
            created_by=self.w.sponsor,
        )
        for program, useful in ((self.program, 4), (self.program, 4), (theirs, 1)):
            PulseAnswer.objects.create(
                program=program,
                moment="month_three",
                month=last_month,
                usefulness=useful,
                recommend=True,
                coach_fit=4,
            )
        [month_three, _] = practice_view(self.w.staff, self.w.practice.code).pulses
        self.assertIsNone(month_three.n)  # two answers of this practice's programs
        PulseAnswer.objects.create(
            program=self.program,
            moment="month_three",
            month=last_month,
            usefulness=1,
            recommend=False,
            coach_fit=1,
        )
        [month_three, _] = practice_view(self.w.staff, self.w.practice.code).pulses
        self.assertEqual((month_three.n, month_three.usefulness), (3, 3.0))

    def test_no_person_and_no_confidential_word_reaches_the_page(self):
        add_cohort(self.w, self.program, [("active", ["delegation"], 2, 40, True)] * 3)
        for persona in ("coach", "staff"):
            self.login(getattr(self.w, persona))
            for params in ({}, {"theme": "delegation"}, {"status": "active"}, {"window": "q4"}):
                with self.subTest(persona=persona, params=params):
                    response = self.client.get(page(self.w.practice, **params))
                    for tag in [*canary_strings(), "CANARY-GOAL-", "Cohort Leader", "Lena Leader"]:
                        self.assertNotContains(response, tag)

    def test_the_template_gets_allow_list_rows_only(self):
        self.login(self.w.coach)
        with mock.patch.object(views, "render", wraps=render) as spy:
            self.client.get(page(self.w.practice))
        self.assertEqual(models_in(spy.call_args.args[2]), [])

    def test_a_bad_filter_is_named_beside_its_field(self):
        self.login(self.w.coach)
        response = self.client.get(page(self.w.practice, window="q99", theme="astrology"))
        self.assertEqual(response.status_code, 200)
        self.assertIn("window", response.context["form"].errors)
        self.assertEqual(response.context["d"].window_key, "all")

    def test_query_count_is_pinned_and_flat(self):
        self.login(self.w.coach)
        self.client.get(page(self.w.practice))
        with self.assertNumQueries(9):
            self.client.get(page(self.w.practice))
        add_cohort(self.w, self.program, [("active", ["team"], 3, None, True)] * 4)
        with self.assertNumQueries(9):
            self.client.get(page(self.w.practice))

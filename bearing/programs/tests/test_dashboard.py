"""The sponsor's program dashboard: from consented signals only, every figure over
three or more coachees, hidden under a filter that narrows it to two, never a
model in the template, never a confidential word; query count pinned."""

from __future__ import annotations

import os
import shutil
import subprocess
import unittest
from datetime import timedelta
from unittest import mock

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import SessionStatus
from bearing.growth.models import Goal, KeyResult
from bearing.programs import views
from bearing.programs.models import Program, ProgramEstimate, PulseAnswer, Seat, SessionTheme
from bearing.programs.queries import program_dashboard
from bearing.programs.tests.test_sponsor_rows import models_in
from bearing.programs.tests.world import program_world
from bearing.testing import (
    CANARY,
    WorldTestCase,
    canary_strings,
    grant,
    make_engagement,
    make_session,
    make_user,
)


def add_cohort(w, program, specs, prefix="cohort"):
    """One coachee per spec: (status, themes, held sessions, goal progress or None,
    shares attendance)."""
    engagements = []
    for i, (status, themes, held, progress, attendance) in enumerate(specs):
        leader = make_user(f"{prefix}{i}@example.com", f"Cohort Leader {prefix} {i}")
        grant(leader, "coachee", organization=w.organization)
        engagement = make_engagement(
            coach=w.other_coach,
            coachee=leader,
            practice=w.practice,
            organization=w.organization,
            status=status,
            sponsor_sees_attendance=attendance,
            sponsor_sees_goal_progress=progress is not None,
        )
        Seat.objects.create(
            program=program, leader=leader, invited_email=leader.email, engagement=engagement
        )
        for d in range(held):
            session = make_session(engagement, days=-3 - d, status=SessionStatus.HELD)
            for theme in themes:
                SessionTheme.objects.create(session=session, theme=theme, tagged_by=w.other_coach)
        if progress is not None:
            goal = Goal.objects.create(
                engagement=engagement,
                title=f"CANARY-GOAL-{i} secret",
                focus_area="presence",
                kind="measurable",
                share_with_sponsor=True,
            )
            KeyResult.objects.create(
                goal=goal, metric="m", unit="u", baseline=0, target=100, current=progress
            )
        engagements.append(engagement)
    return engagements


def page(program, **params):
    url = reverse("programs:dashboard", args=[program.code])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


class DashboardTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        p = program_world(cls.w)
        cls.program = p.program
        # Five coachees: three work on delegation, two on conflict; four active, one paused.
        cls.engagements = add_cohort(
            cls.w,
            cls.program,
            [
                ("active", ["delegation"], 2, 20, True),
                ("active", ["delegation"], 3, 40, True),
                ("active", ["delegation"], 1, 60, True),
                ("active", ["conflict"], 2, 80, True),
                ("paused", ["conflict"], 4, None, True),
            ],
        )

    def test_the_sponsor_sees_the_cohort_figures(self):
        self.login(self.w.sponsor)
        response = self.client.get(page(self.program))
        self.assertEqual(response.status_code, 200)
        d = response.context["d"]
        self.assertEqual(d.attendance.n, 5)
        self.assertEqual(d.attendance.held, 12)
        self.assertEqual(d.attendance.contracted, 60)
        self.assertEqual(d.goals.n, 4)
        self.assertEqual(d.goals.median, 50)
        themes = {r.key: r.value for r in d.themes}
        self.assertIsNone(themes["delegation"])  # 5 - 3: two did not work on it
        self.assertIsNone(themes["conflict"])  # two coachees
        self.assertEqual(themes["presence"], 0)
        statuses = {r.key: r.value for r in d.statuses}
        self.assertIsNone(statuses["paused"])  # one coachee
        self.assertIsNone(statuses["active"])  # 5 - 4 would give the paused one away
        self.assertEqual(d.status_n, 5)
        self.assertTrue(d.something_hidden)
        self.assertContains(response, "Some figures are hidden")
        self.assertContains(response, "n = 5 coachees")
        self.assertContains(response, "<svg", count=2)
        self.assertContains(response, "<caption>Coaching themes (number of coachees)</caption>")

    def test_a_filter_that_leaves_two_people_hides_the_figures(self):
        d = program_dashboard(self.w.sponsor, self.program.code, theme="conflict")
        self.assertIsNone(d.attendance.n)
        self.assertIsNone(d.goals.n)
        self.assertIsNone(d.status_n)
        self.assertEqual(d.filters, ("Theme: Conflict",))

    def test_a_filter_of_three_that_differs_from_the_whole_by_two_is_hidden_too(self):
        # Delegation holds three coachees, but the whole holds five: 5 - 3 = the two
        # others, so the delegation figure would give their sessions away.
        d = program_dashboard(self.w.sponsor, self.program.code, theme="delegation")
        self.assertIsNone(d.attendance.n)

    def test_every_filter_is_checked_again(self):
        # Three more on conflict: delegation (three) now differs from the whole
        # (eight), from the active ones (seven) and from every other figure by three
        # or more, so it can be shown; conflict (five) is one away from its active
        # part (four), so it stays hidden.
        add_cohort(self.w, self.program, [("active", ["conflict"], 1, 50, True)] * 3, "more")
        d = program_dashboard(self.w.sponsor, self.program.code, theme="delegation")
        self.assertEqual(d.attendance.n, 3)
        self.assertEqual(d.attendance.held, 6)
        d = program_dashboard(self.w.sponsor, self.program.code, theme="conflict")
        self.assertIsNone(d.attendance.n)

    def test_no_confidential_word_reaches_the_dashboard(self):
        self.login(self.w.sponsor)
        for params in ({}, {"theme": "delegation"}, {"status": "active"}, {"window": "q1"}):
            response = self.client.get(page(self.program, **params))
            for tag in [*canary_strings(), "CANARY-GOAL-", "Cohort Leader", "Lena Leader"]:
                self.assertNotContains(response, tag)
            self.assertNotContains(response, "I want to let go of the detail")

    def test_the_template_gets_allow_list_rows_only(self):
        self.login(self.w.sponsor)
        with mock.patch.object(views, "render", wraps=render) as spy:
            self.client.get(page(self.program))
        self.assertEqual(models_in(spy.call_args.args[2]), [])

    def test_staff_see_it_and_everyone_else_gets_404(self):
        self.login(self.w.staff)
        self.assertEqual(self.client.get(page(self.program)).status_code, 200)
        for persona in ("other_sponsor", "coach", "coachee", "other_coach"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(page(self.program)).status_code, 404)

    def test_wrong_method(self):
        self.login(self.w.sponsor)
        self.assertEqual(self.client.post(page(self.program)).status_code, 405)

    def test_a_bad_filter_is_named_beside_its_field(self):
        self.login(self.w.sponsor)
        response = self.client.get(page(self.program, window="q99", theme="astrology"))
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("window", form.errors)
        self.assertIn("theme", form.errors)
        self.assertEqual(response.context["d"].window_key, "all")

    def test_query_count_is_pinned_and_flat(self):
        self.login(self.w.sponsor)
        self.client.get(page(self.program))
        # The goal progress reads its agreements' flags with the other terms (one
        # query fewer than before); the 360 instrument's focus areas are one query,
        # the 360 reports themselves one more only once a coachee shares their change.
        with self.assertNumQueries(12):
            self.client.get(page(self.program))
        add_cohort(
            self.w, self.program, [("active", ["team"], 3, 50, True) for _ in range(4)], "more"
        )
        with self.assertNumQueries(12):
            self.client.get(page(self.program))

    def test_satisfaction_is_shown_from_three_answers_of_closed_months(self):
        last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        this_month = timezone.localdate().replace(day=1)
        for usefulness in (3, 4, 5):
            PulseAnswer.objects.create(
                program=self.program,
                moment="month_three",
                month=last_month,
                usefulness=usefulness,
                recommend=usefulness > 3,
                coach_fit=4,
            )
        PulseAnswer.objects.create(
            program=self.program,
            moment="month_three",
            month=this_month,
            usefulness=1,
            recommend=False,
            coach_fit=1,
        )
        d = program_dashboard(self.w.sponsor, self.program.code)
        [month_three, end] = d.pulses
        self.assertEqual((month_three.n, month_three.usefulness), (3, 4.0))
        self.assertEqual(month_three.recommend, 65)  # 2 of 3, rounded to 5
        self.assertIsNone(end.n)

    def test_the_canary_world_is_untouched(self):
        self.assertTrue(CANARY.goal)


class DashboardCsvTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = program_world(cls.w).program
        add_cohort(
            cls.w,
            cls.program,
            [
                ("active", ["delegation"], 2, 20, True),
                ("active", ["delegation"], 3, 40, True),
                ("active", ["delegation"], 1, 60, True),
                ("paused", ["conflict"], 4, None, True),
            ],
        )

    def url(self, **params):
        base = reverse("programs:dashboard_csv", args=[self.program.code])
        return base + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")

    def rows(self, **params):
        import csv
        import io

        response = self.client.get(self.url(**params))
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        return list(csv.DictReader(io.StringIO(response.content.decode())))

    def test_the_csv_holds_the_same_figures_under_the_same_rules(self):
        self.login(self.w.sponsor)
        rows = self.rows()
        by = {(r["figure"], r["category"]): r for r in rows}
        self.assertEqual(by[("coaching sessions held", "")]["value"], "10")
        self.assertEqual(by[("coaching sessions held", "")]["n"], "4")
        self.assertEqual(by[("coaching theme (coachees)", "Delegation")]["value"], "hidden")
        self.assertEqual(by[("coaching theme (coachees)", "Conflict")]["value"], "hidden")
        self.assertEqual(by[("engagement status", "Paused")]["value"], "hidden")
        self.assertEqual(by[("engagement status", "Active")]["value"], "hidden")
        # Delegation is three of four: one away from the whole, so hidden here too.
        filtered = {(r["figure"], r["category"]): r for r in self.rows(theme="delegation")}
        self.assertEqual(filtered[("coaching sessions held", "")]["value"], "hidden")
        self.assertEqual(filtered[("coaching sessions held", "")]["filters"], "Theme: Delegation")

    def test_no_confidential_word_and_no_formula(self):
        Program.objects.filter(pk=self.program.pk).update(name="=HYPERLINK(1)")
        self.login(self.w.sponsor)
        response = self.client.get(self.url())
        body = response.content.decode()
        for tag in [*canary_strings(), "CANARY-GOAL-", "Cohort Leader", "Lena Leader"]:
            self.assertNotIn(tag, body)
        self.assertIn("'=HYPERLINK(1)", body)

    def test_outsiders_get_404_and_post_405(self):
        for persona in ("other_sponsor", "coach", "coachee", "other_coach"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.login(self.w.staff)
        self.assertEqual(self.client.get(self.url()).status_code, 200)
        self.assertEqual(self.client.post(self.url()).status_code, 405)


def pdf_text(data: bytes) -> str:
    """The text an ordinary PDF reader shows, extracted by a real PDF tool: Debian's
    ``pdftotext`` (poppler-utils, which .ci/run installs). Missing, the test fails in
    CI and is skipped elsewhere."""
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI", "").lower() == "true":
            raise AssertionError("pdftotext (poppler-utils) is needed in CI to read the PDF")
        raise unittest.SkipTest("pdftotext (poppler-utils) is not installed")
    done = subprocess.run(
        [tool, "-q", "-enc", "UTF-8", "-", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=30,
    )
    # Lines as laid out; runs of spaces (columns) read as one.
    return "\n".join(" ".join(line.split()) for line in done.stdout.decode().splitlines())


def pdf_structure_problems(data: bytes) -> list[str]:
    """What an ordinary reader would trip over: the header, the cross-reference table
    pointing at each object, the trailer."""
    import re

    problems = []
    if not data.startswith(b"%PDF-1.4") or not data.rstrip().endswith(b"%%EOF"):
        problems.append("header or end")
    start = int(re.search(rb"startxref\n(\d+)\n", data).group(1))
    if not data[start:].startswith(b"xref\n"):
        problems.append("startxref")
    count = int(re.search(rb"xref\n0 (\d+)\n", data).group(1))
    offsets = re.findall(rb"(\d{10}) 00000 n \n", data)
    if len(offsets) != count - 1:
        problems.append("xref count")
    for number, offset in enumerate(offsets, start=1):
        if not data[int(offset) :].startswith(b"%d 0 obj" % number):
            problems.append(f"object {number}")
    return problems


class ReportTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = program_world(cls.w).program
        add_cohort(
            cls.w,
            cls.program,
            [
                ("active", ["delegation"], 2, 20, True),
                ("active", ["delegation"], 3, 40, True),
                ("active", ["delegation"], 1, 60, True),
                ("active", ["conflict"], 2, 80, True),
                ("paused", ["conflict"], 4, None, True),
            ],
        )

    def test_the_report_page_frames_impact_honestly(self):
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:report", args=[self.program.code]))
        self.assertContains(response, "Reaction: coachee satisfaction")
        self.assertContains(response, "Median 50%, middle half")
        self.assertContains(response, "Bearing does not measure these")
        for tag in [*canary_strings(), "CANARY-GOAL-", "Cohort Leader", "Lena Leader"]:
            self.assertNotContains(response, tag)

    def test_the_pdf_opens_and_carries_the_same_figures_and_nothing_confidential(self):
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:report_pdf", args=[self.program.code]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(pdf_structure_problems(response.content), [])
        text = pdf_text(response.content)
        self.assertIn("Leaders of tomorrow: program report", text)
        self.assertIn("Coaching sessions held: 12 of 60 contracted", text)
        self.assertIn("Median 50%, middle half", text)
        self.assertIn("hidden", text)  # the two on conflict, the statuses
        for tag in [*canary_strings(), "CANARY-GOAL-", "Cohort Leader", "Lena Leader", "detail"]:
            self.assertNotIn(tag, text)
            self.assertNotIn(tag.encode(), response.content)

    def test_outsiders_get_404_and_post_405(self):
        for name in ("programs:report", "programs:report_pdf"):
            url = reverse(name, args=[self.program.code])
            for persona in ("other_sponsor", "coach", "coachee", "other_coach"):
                with self.subTest(name=name, persona=persona):
                    self.login(getattr(self.w, persona))
                    self.assertEqual(self.client.get(url).status_code, 404)
            self.login(self.w.staff)
            self.assertEqual(self.client.get(url).status_code, 200)
            self.assertEqual(self.client.post(url).status_code, 405)


class EstimateTests(WorldTestCase):
    def setUp(self):
        self.p = program_world(self.w)

    def test_the_sponsor_adds_an_estimate_shown_as_theirs_on_the_page_and_in_the_pdf(self):
        url = reverse("programs:estimate_add", args=[self.p.program.code])
        self.login(self.w.sponsor)
        response = self.client.post(url, {"label": "", "value": "abc"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("label", response.context["form"].errors)
        self.assertIn("value", response.context["form"].errors)
        response = self.client.post(
            url, {"label": "Retention of high potentials", "value": "92.5", "unit": "%"}
        )
        self.assertRedirects(response, reverse("programs:report", args=[self.p.program.code]))
        page = self.client.get(reverse("programs:report", args=[self.p.program.code]))
        self.assertContains(page, "Retention of high potentials")
        self.assertContains(page, "92.5 %")
        pdf = self.client.get(reverse("programs:report_pdf", args=[self.p.program.code]))
        text = pdf_text(pdf.content)
        self.assertIn("Sponsor's estimate", text)
        self.assertIn("92.5 %", text)
        self.assertEqual(self.client.get(url).status_code, 405)

    def test_only_its_sponsors_add_or_remove_and_staff_only_read(self):
        add = reverse("programs:estimate_add", args=[self.p.program.code])
        remove = reverse("programs:estimate_remove", args=[self.p.estimate.code])
        for persona in ("other_sponsor", "coach", "coachee", "staff"):
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(
                    self.client.post(add, {"label": "x", "value": "1"}).status_code, 404
                )
                self.assertEqual(self.client.post(remove).status_code, 404)
        self.login(self.w.staff)
        page = self.client.get(reverse("programs:report", args=[self.p.program.code]))
        self.assertContains(page, "Internal promotions")
        self.assertNotContains(page, "Add an estimate")
        self.login(self.w.sponsor)
        self.assertEqual(self.client.get(remove).status_code, 405)
        self.assertRedirects(
            self.client.post(remove), reverse("programs:report", args=[self.p.program.code])
        )
        self.assertFalse(ProgramEstimate.objects.exists())


class ConsentTests(WorldTestCase):
    """Only what each coachee's agreement in force shares reaches a figure."""

    def test_each_signal_counts_only_those_who_share_it(self):
        program = program_world(self.w).program
        engagements = add_cohort(
            self.w,
            program,
            [("active", ["delegation"], 2, 50, True) for _ in range(3)]
            + [("active", ["delegation"], 5, None, False) for _ in range(3)],
        )
        # Three more whose coachee never accepted an agreement: not in any figure.
        waiting = add_cohort(
            self.w, program, [("active", ["team"], 9, 90, True) for _ in range(3)], "waiting"
        )
        from bearing.engagements.models import Agreement

        Agreement.objects.filter(engagement__in=waiting).update(accepted_at=None, accepted_by=None)
        # One shares nothing about its status.
        Agreement.objects.filter(engagement=engagements[0]).update(sponsor_sees_status=False)
        d = program_dashboard(self.w.sponsor, program.code)
        self.assertEqual((d.attendance.n, d.attendance.held), (3, 6))
        self.assertEqual(d.goals.n, 3)
        self.assertEqual(d.status_n, 5)
        self.assertEqual({r.key: r.value for r in d.themes}["team"], 0)

    def test_a_newer_version_counts_only_once_accepted(self):
        from bearing.engagements.models import Agreement

        program = program_world(self.w).program
        engagements = add_cohort(
            self.w, program, [("active", [], 2, None, False) for _ in range(3)]
        )
        for e in engagements:  # a waiting version 2 would share attendance
            Agreement.objects.create(
                engagement=e, version=2, sponsor_sees_attendance=True, created_by=self.w.other_coach
            )
        d = program_dashboard(self.w.sponsor, program.code)
        self.assertEqual(d.attendance.n, 0)

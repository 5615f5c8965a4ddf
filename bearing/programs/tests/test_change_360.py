"""The program's 360 change: only from coachees whose agreement in force shares it,
only from a before and an after campaign both closed and released, per focus area
over three or more coachees, the same figures on the page, in the PDF and the CSV,
and never a comment, a rater group's figure, a self-rating or one coachee's change."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Agreement
from bearing.insight.models import Campaign, CampaignStatus, Instrument, RaterComment
from bearing.programs import services as ps
from bearing.programs.queries import program_dashboard
from bearing.programs.tests.test_dashboard import add_cohort, pdf_text
from bearing.programs.tests.world import program_world
from bearing.testing import WorldTestCase

COMMENT = "CANARY-360-COMMENT-5d1c0 they never let anyone finish a sentence"
# Figures of one person's report that must never reach the sponsor: self-ratings,
# a rater group's figure and the others' average itself (distinctive values).
SELF = 1.37
GROUP = 4.93


def _report(others: dict[str, float | None]) -> dict:
    """A frozen report in the shape ``anonymity.build_report`` writes."""
    return {
        "min_n": 3,
        "groups": ["peer", "report"],
        "own_view": [],
        "competencies": [
            {
                "key": key,
                "title": key.replace("_", " ").capitalize(),
                "self": SELF,
                "others": None if mean is None else {"mean": mean, "items": 3, "low": 1, "high": 5},
                "groups": {"peer": {"mean": GROUP, "items": 3}, "report": None},
                "flag": None,
                "items": [],
            }
            for key, mean in others.items()
        ],
        "highest": [],
        "lowest": [],
    }


def add_campaigns(engagement, before, after, *, released=(True, True), days=10):
    """A closed before campaign and its closed re-run, with a comment on each."""
    instrument = Instrument.objects.get(key="leadership", version=1)
    now = timezone.now()
    made = []
    previous = None
    for i, (others, is_released) in enumerate(zip((before, after), released, strict=True)):
        closed = now - timedelta(days=days + 40 - 40 * i)
        campaign = Campaign.objects.create(
            engagement=engagement,
            instrument=instrument,
            previous=previous,
            status=CampaignStatus.CLOSED,
            deadline=closed.date(),
            opened_at=closed - timedelta(days=14),
            closed_at=closed,
            debriefed_at=closed if is_released else None,
            released_at=closed + timedelta(days=1) if is_released else None,
            report=_report(others),
        )
        RaterComment.objects.create(
            campaign=campaign,
            competency_key="delegation",
            kind="start",
            text=COMMENT,
            order_key="a",
        )
        previous = campaign
        made.append(campaign)
    return made


def consent(engagement, on=True):
    Agreement.objects.filter(engagement=engagement).update(sponsor_sees_360_change=on)


def rows_of(d):
    return {r.key: (r.n, r.change) for r in d.change360.rows}


class ChangeTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.program = program_world(cls.w).program
        # Six coachees of the program: three will share a change, a fourth has one
        # but does not share it, two have none.
        cls.engagements = add_cohort(
            cls.w, cls.program, [("active", ["delegation"], 2, None, True)] * 6
        )
        # Delegation rises by 0.2, 0.5 and 1.1 (mean 0.6); conflict falls by 0.3 each;
        # communication is shown in only two reports.
        cls.values = [(2.5, 2.7), (3.0, 3.5), (2.1, 3.2)]
        for i, (e, (before, after)) in enumerate(zip(cls.engagements, cls.values, strict=False)):
            comm = (3.0, 3.4) if i < 2 else (None, None)
            add_campaigns(
                e,
                {"delegation": before, "conflict": 3.3, "communication": comm[0]},
                {"delegation": after, "conflict": 3.0, "communication": comm[1]},
            )

    def consent_all(self):
        for e in self.engagements[:3]:
            consent(e)

    def test_consent_off_means_nothing_reaches_the_sponsor(self):
        d = program_dashboard(self.w.sponsor, self.program.code)
        self.assertTrue(all(n == 0 for n, _ in rows_of(d).values()))
        self.assertFalse(d.change360.any_shown)
        self.login(self.w.sponsor)
        response = self.client.get(reverse("programs:dashboard", args=[self.program.code]))
        self.assertContains(response, "No coachee's 360 change is shared here yet.")

    def test_three_who_consent_give_the_mean_change_per_focus_area(self):
        self.consent_all()
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code))
        self.assertEqual(rows["delegation"], (3, 0.6))
        self.assertEqual(rows["conflict"], (3, -0.3))
        # Two coachees only, and one away from the others' three: hidden.
        self.assertEqual(rows["communication"], (None, None))
        self.assertEqual(rows["accountability"], (0, None))

    def test_two_who_consent_are_hidden(self):
        for e in self.engagements[:2]:
            consent(e)
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code))
        # Not released to the cohort at all (fewer than three ready): nothing counts.
        self.assertEqual(rows["delegation"], (0, None))

    def test_a_campaign_not_yet_released_counts_for_nothing(self):
        self.consent_all()
        late = add_cohort(self.w, self.program, [("active", [], 1, None, True)], "late")[0]
        consent(late)
        add_campaigns(late, {"delegation": 1.0}, {"delegation": 5.0}, released=(True, False))
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code))
        self.assertEqual(rows["delegation"], (3, 0.6))

    def test_a_fourth_change_waits_for_two_more(self):
        self.consent_all()
        fourth = self.engagements[3]
        consent(fourth)
        add_campaigns(fourth, {"delegation": 1.0}, {"delegation": 5.0}, days=1)
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code))
        self.assertEqual(rows["delegation"], (3, 0.6))  # the fourth is not counted yet

    def test_a_consent_proposed_but_not_accepted_counts_for_nothing(self):
        for e in self.engagements[:3]:
            latest = e.agreements.get()
            Agreement.objects.create(
                engagement=e,
                version=2,
                objectives="Grow",
                created_by=self.w.other_coach,
                sponsor_sees_360_change=True,
            )
            self.assertFalse(latest.sponsor_sees_360_change)
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code))
        self.assertEqual(rows["delegation"], (0, None))

    def test_a_filter_is_checked_again(self):
        self.consent_all()
        rows = rows_of(program_dashboard(self.w.sponsor, self.program.code, theme="conflict"))
        self.assertEqual(rows["delegation"], (0, None))  # nobody worked on conflict
        d = program_dashboard(self.w.sponsor, self.program.code, window="q1")
        self.assertEqual(rows_of(d)["delegation"], (3, 0.6))  # always the whole program
        self.assertEqual(d.change360.start, self.program.starts_on)

    def test_the_page_pdf_and_csv_show_the_same_figures_and_nothing_more(self):
        self.consent_all()
        self.login(self.w.sponsor)
        page = self.client.get(reverse("programs:dashboard", args=[self.program.code]))
        report = self.client.get(reverse("programs:report", args=[self.program.code]))
        pdf = self.client.get(reverse("programs:report_pdf", args=[self.program.code]))
        raw = self.client.get(reverse("programs:dashboard_csv", args=[self.program.code]))
        rows = list(csv.DictReader(io.StringIO(raw.content.decode())))
        by = {(r["figure"], r["category"]): r for r in rows if r["figure"].startswith("360")}
        figure = "360 change, others' average after - before"
        self.assertEqual(by[(figure, "Delegation")]["value"], "0.6")
        self.assertEqual(by[(figure, "Delegation")]["n"], "3")
        self.assertEqual(by[(figure, "Conflict")]["value"], "-0.3")  # a number, not a formula
        self.assertEqual(by[(figure, "Communication and presenting")]["value"], "hidden")
        self.assertEqual(by[(figure, "Delegation")]["from"], self.program.starts_on.isoformat())
        text = " ".join(pdf_text(pdf.content).split())  # cells one after another
        for html in (page.content.decode(), report.content.decode()):
            self.assertIn("<td>+0.6</td>", html)
            self.assertIn("<td>-0.3</td>", html)
        self.assertIn("Delegation 3 +0.6", text)
        self.assertIn("Conflict 3 -0.3", text)
        # Never a comment, a self-rating, a group's figure, a report's own average or
        # one coachee's change.
        singles = ["+0.2", "+0.5", "+1.1", "0.2", "0.5", "1.1"]
        own = [str(SELF), str(GROUP), "2.7", "3.5", "3.2", "2.5", "2.1", "3.4"]
        csv_values = " ".join(r["value"] for r in rows)
        for where in (page.content.decode(), report.content.decode(), text, raw.content.decode()):
            self.assertNotIn("CANARY-360-COMMENT", where)
            for figure in own:
                self.assertNotIn(figure, where)
        for where in (page.content.decode(), report.content.decode(), text):
            for value in singles:
                self.assertNotIn(f">{value}<", where)
                self.assertNotIn(f" {value} ", where)
        for value in singles:
            self.assertNotIn(value, csv_values.split())

    def test_the_sponsors_page_of_one_engagement_names_the_signal_and_no_figure(self):
        self.consent_all()
        self.login(self.w.sponsor)
        url = reverse("programs:engagement", args=[self.engagements[0].code])
        html = self.client.get(url).content.decode()
        self.assertIn("360 change, only as a program average over three or more coachees", html)
        for value in ["+0.2", "0.2", "2.5", "2.7", str(SELF), str(GROUP), "CANARY-360"]:
            self.assertNotIn(value, html)

    def test_staff_read_the_same_and_outsiders_get_404(self):
        self.consent_all()
        url = reverse("programs:dashboard", args=[self.program.code])
        for persona in ("coach", "coachee", "other_coach"):
            self.login(getattr(self.w, persona))
            self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.w.staff)
        self.assertContains(self.client.get(url), "<td>+0.6</td>")


class AgreementSignalTests(WorldTestCase):
    """The signal on the coaching agreement: offered on the form, off by default,
    and reaching the program only once the coachee accepts the version with it."""

    def test_it_is_on_the_agreement_form_off_by_default_and_explained(self):
        self.login(self.w.coach)
        url = reverse("engagements:agreement", args=[self.w.engagement.code])
        response = self.client.get(url)
        self.assertContains(response, 'name="sponsor_sees_360_change"')
        self.assertNotContains(response, 'name="sponsor_sees_360_change" checked')
        self.assertContains(response, "never this coachee&#x27;s own figures")
        self.assertFalse(Agreement._meta.get_field("sponsor_sees_360_change").default)

    def test_it_takes_effect_only_when_the_coachee_accepts(self):
        program = program_world(self.w).earlier  # the world's engagement is in it
        # Five more coachees, two of whom share a change: with the world's coachee,
        # three of six.
        others = add_cohort(self.w, program, [("active", [], 1, None, True)] * 5, "peers")
        for e in others[:2]:
            consent(e)
        for e in [*others[:2], self.w.engagement]:
            add_campaigns(e, {"delegation": 2.0}, {"delegation": 3.0})
        self.login(self.w.coach)
        url = reverse("engagements:agreement", args=[self.w.engagement.code])
        in_force = self.w.engagement.agreements.filter(accepted_at__isnull=False).first()
        data = {
            "objectives": "Grow",
            "cadence": "Every two weeks",
            "session_minutes": 60,
            "session_count": 12,
            "confidentiality_limits": in_force.confidentiality_limits,
            "records_kept_months": 24,
            "sponsor_sees_status": "on",
            "sponsor_sees_360_change": "on",
        }
        self.assertEqual(self.client.post(url, data).status_code, 302)
        proposed = self.w.engagement.agreements.order_by("-version").first()
        self.assertTrue(proposed.sponsor_sees_360_change)
        self.assertIsNone(proposed.accepted_at)
        # Proposed, not accepted: only two coachees consent, nothing counts.
        rows = rows_of(program_dashboard(self.w.sponsor, program.code))
        self.assertEqual(rows["delegation"], (0, None))
        # The coachee reads what it shares, and accepts.
        self.login(self.w.coachee)
        page = self.client.get(url)
        self.assertContains(page, "What the 360 change shares")
        self.assertContains(page, "The sponsor never sees your own figures")
        self.assertContains(page, "The sponsor would also see: 360 change")
        accept = reverse("engagements:agreement_accept", args=[self.w.engagement.code])
        self.client.post(accept, {"version": str(proposed.version)})
        proposed.refresh_from_db()
        self.assertIsNotNone(proposed.accepted_at)
        rows = rows_of(program_dashboard(self.w.sponsor, program.code))
        self.assertEqual(rows["delegation"], (3, 1.0))


class ProgramDefaultTests(WorldTestCase):
    def test_a_program_proposes_the_360_change_only_when_asked(self):
        from datetime import date

        values = {
            "by": self.w.sponsor,
            "organization": self.w.organization,
            "practice": self.w.practice,
            "name": "Cohort",
            "starts_on": date(2027, 1, 1),
            "ends_on": date(2027, 12, 31),
            "seats": 5,
            "sessions_per_engagement": 6,
        }
        self.assertFalse(ps.program_create(**values).sponsor_sees_360_change)
        on = ps.program_create(**{**values, "name": "Cohort 2"}, sponsor_sees_360_change=True)
        self.assertTrue(on.sponsor_sees_360_change)
        self.login(self.w.sponsor)
        page = self.client.get(reverse("programs:detail", args=[on.code]))
        self.assertContains(page, "360 change, only as a program average")

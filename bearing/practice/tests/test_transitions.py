"""Transition plans: the quadrant rule at its edges, the services called directly
(template, checkpoints as actions, situation mix, stakeholders, a goal in the
development plan), and each page for the owner, the coach (only once shared),
the sponsor, another coach, staff and an outsider; 405s; errors beside fields."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.growth.models import Goal
from bearing.practice import services as s
from bearing.practice.models import Stakeholder, TransitionPlan, stakeholder_quadrant
from bearing.practice.queries import stakeholder_grid
from bearing.testing import WorldTestCase, make_user

CANARY = "CANARY-STAKEHOLDER-19be2"


class QuadrantRuleTests(SimpleTestCase):
    def test_edges_of_the_grid(self):
        self.assertEqual(stakeholder_quadrant(3, 3), "manage_closely")
        self.assertEqual(stakeholder_quadrant(5, 5), "manage_closely")
        self.assertEqual(stakeholder_quadrant(3, 2), "keep_satisfied")
        self.assertEqual(stakeholder_quadrant(5, 1), "keep_satisfied")
        self.assertEqual(stakeholder_quadrant(2, 3), "keep_informed")
        self.assertEqual(stakeholder_quadrant(1, 5), "keep_informed")
        self.assertEqual(stakeholder_quadrant(2, 2), "monitor")
        self.assertEqual(stakeholder_quadrant(1, 1), "monitor")
        for bad in ((0, 3), (3, 6)):
            with self.assertRaises(ValueError):
                stakeholder_quadrant(*bad)


def make_plan(w, **kw):
    return s.transition_plan_create(
        engagement=w.engagement,
        by=w.coachee,
        kind=kw.pop("kind", "promotion"),
        title=kw.pop("title", "Head of the Leeds plant"),
        starts_on=kw.pop("starts_on", timezone.localdate() + timedelta(days=3)),
    )


class TransitionServiceTests(WorldTestCase):
    def test_a_plan_from_a_template_has_its_prompts_and_checkpoint_actions(self):
        start = timezone.localdate() + timedelta(days=3)
        plan = make_plan(self.w, starts_on=start)
        self.assertIn("from above", plan.sections["learning"])
        self.assertEqual(
            set(plan.conversations),
            {"situation", "expectations", "style", "resources", "development"},
        )
        days = {c.day: c.action for c in plan.checkpoints.all()}
        self.assertEqual(sorted(days), [1, 7, 30, 60, 90])
        self.assertEqual(days[1].due_on, start)
        self.assertEqual(days[90].due_on, start + timedelta(days=89))
        self.assertTrue(days[30].title.startswith("Day 30 checkpoint"))
        raw = TransitionPlan.objects.filter(pk=plan.pk).values_list("title", "sections").get()
        self.assertNotIn("Leeds", raw[0])
        self.assertNotIn("from above", raw[1])

    def test_checkpoints_already_passed_make_no_action(self):
        plan = make_plan(self.w, starts_on=timezone.localdate() - timedelta(days=40))
        with_action = sorted(c.day for c in plan.checkpoints.all() if c.action_id)
        self.assertEqual(with_action, [60, 90])

    def test_creation_is_checked(self):
        with self.assertRaises(ValidationError) as caught:
            s.transition_plan_create(
                engagement=self.w.engagement, by=self.w.coachee, kind="x", title="", starts_on=None
            )
        self.assertEqual(set(caught.exception.message_dict), {"kind", "title", "starts_on"})
        with self.assertRaises(ValidationError):
            s.transition_plan_create(
                engagement=self.w.engagement,
                by=self.w.coach,
                kind="change",
                title="x",
                starts_on=timezone.localdate(),
            )

    def test_situation_mix_adds_up_to_100_or_is_left_empty(self):
        plan = make_plan(self.w)
        with self.assertRaises(ValidationError) as caught:
            s.transition_plan_update(
                plan=plan,
                by=self.w.coachee,
                situation={"situation_turnaround": 60, "situation_realignment": 30},
                sections={},
                conversations={},
            )
        self.assertIn("90%", caught.exception.message_dict["situation_startup"][0])
        plan = s.transition_plan_update(
            plan=plan,
            by=self.w.coachee,
            situation={"situation_turnaround": 70, "situation_realignment": 30},
            sections={"early_wins": "Fix the night-shift handover"},
            conversations={"style": (True, "Weekly 1:1, decisions in writing")},
        )
        self.assertEqual((plan.situation_turnaround, plan.situation_realignment), (70, 30))
        self.assertEqual(plan.sections["early_wins"], "Fix the night-shift handover")
        self.assertEqual(
            plan.conversations["style"], {"done": True, "notes": "Weekly 1:1, decisions in writing"}
        )
        self.assertFalse(plan.conversations["situation"]["done"])

    def test_stakeholders_and_the_grid(self):
        plan = make_plan(self.w)
        with self.assertRaises(ValidationError) as caught:
            s.stakeholder_add(
                plan=plan,
                by=self.w.coachee,
                name="",
                role="",
                power=None,
                interest=9,
                stance_now="meh",
                stance_wanted="supportive",
                next_conversation="",
            )
        self.assertEqual(
            set(caught.exception.message_dict), {"name", "power", "interest", "stance_now"}
        )
        cfo = s.stakeholder_add(
            plan=plan,
            by=self.w.coachee,
            name=CANARY,
            role="CFO",
            power=5,
            interest=3,
            stance_now="sceptical",
            stance_wanted="supportive",
            next_conversation="Budget, Tuesday",
        )
        self.assertEqual(cfo.quadrant, "manage_closely")
        raw = Stakeholder.objects.filter(pk=cfo.pk).values_list("name", flat=True).get()
        self.assertNotIn(CANARY, raw)
        grid = stakeholder_grid([cfo])
        self.assertEqual([row[0].power for row in grid], [5, 4, 3, 2, 1])
        self.assertEqual(grid[0][2].people, (cfo,))  # power 5, interest 3
        self.assertEqual(grid[4][0].quadrant, "monitor")

    def test_a_goal_in_the_development_plan_comes_from_the_plan(self):
        plan = make_plan(self.w)
        goal = s.transition_plan_goal(
            plan=plan,
            by=self.w.coachee,
            title="Land well at Leeds",
            baseline_rating=3,
            target_rating=8,
        )
        self.assertEqual((goal.focus_area, goal.kind), ("change", "qualitative"))
        self.assertEqual(goal.milestones.get().due_on, plan.starts_on + timedelta(days=89))
        plan.refresh_from_db()
        self.assertEqual(plan.goal, goal)
        with self.assertRaises(ValidationError):
            s.transition_plan_goal(
                plan=plan, by=self.w.coachee, title="again", baseline_rating=3, target_rating=8
            )


class TransitionPageTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outsider = make_user("outsider@example.com", "Olga Outsider")
        cls.plan = make_plan(cls.w)
        cls.person = s.stakeholder_add(
            plan=cls.plan,
            by=cls.w.coachee,
            name=CANARY,
            role="CFO",
            power=5,
            interest=2,
            stance_now="neutral",
            stance_wanted="supportive",
            next_conversation="",
        )

    def urls(self):
        return [
            reverse("practice:transition", args=[self.plan.code]),
            reverse("practice:transition_goal", args=[self.plan.code]),
        ]

    def test_the_coachee_works_on_the_plan(self):
        self.login(self.w.coachee)
        response = self.client.get(self.urls()[0])
        self.assertContains(response, CANARY)
        self.assertContains(response, "Keep satisfied")
        self.assertContains(response, "Day 90")
        listing = self.client.get(reverse("practice:transitions", args=[self.w.engagement.code]))
        self.assertContains(listing, "Head of the Leeds plant")

    def test_sponsor_other_coach_staff_and_outsider_get_404(self):
        listing = reverse("practice:transitions", args=[self.w.engagement.code])
        for person in (self.w.sponsor, self.w.other_coach, self.w.staff, self.outsider):
            self.login(person)
            for url in [*self.urls(), listing]:
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404, f"{person.email} {url}")
                self.assertNotContains(response, CANARY, status_code=404)

    def test_the_coach_reads_only_once_shared_and_never_writes(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.get(self.urls()[0]).status_code, 404)
        s.transition_plan_share(plan=self.plan, by=self.w.coachee, share=True)
        response = self.client.get(self.urls()[0])
        self.assertContains(response, CANARY)
        self.assertNotContains(response, "Save my plan")
        self.assertEqual(self.client.post(self.urls()[0], {}).status_code, 404)
        self.assertEqual(self.client.get(self.urls()[1]).status_code, 404)
        add = reverse("practice:stakeholder_add", args=[self.plan.code])
        self.assertEqual(self.client.post(add, {"name": "x"}).status_code, 404)
        s.transition_plan_share(plan=self.plan, by=self.w.coachee, share=False)
        self.assertEqual(self.client.get(self.urls()[0]).status_code, 404)

    def test_wrong_methods_are_405(self):
        self.login(self.w.coachee)
        for url in (
            reverse("practice:transition_share", args=[self.plan.code]),
            reverse("practice:stakeholder_add", args=[self.plan.code]),
            reverse("practice:stakeholder_remove", args=[self.person.code]),
        ):
            self.assertEqual(self.client.get(url).status_code, 405, url)
        self.assertEqual(self.client.delete(self.urls()[0]).status_code, 405)

    def test_errors_show_beside_their_fields(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("practice:transitions", args=[self.w.engagement.code]), {"kind": "promotion"}
        )
        self.assertContains(response, 'id="id_title_error"', status_code=400)
        response = self.client.post(self.urls()[0], {"situation_startup": "50"})
        self.assertContains(response, 'id="id_situation_startup_error"', status_code=400)
        self.assertContains(response, "add up to 50%", status_code=400)
        response = self.client.post(
            reverse("practice:stakeholder_add", args=[self.plan.code]),
            {"name": "Sam", "stance_now": "neutral", "stance_wanted": "supportive"},
        )
        self.assertContains(response, 'id="id_power_error"', status_code=400)

    def test_create_map_and_make_a_goal_through_the_pages(self):
        self.login(self.w.coachee)
        start = (timezone.localdate() + timedelta(days=10)).isoformat()
        response = self.client.post(
            reverse("practice:transitions", args=[self.w.engagement.code]),
            {"kind": "new_organization", "title": "COO at Globex", "starts_on": start},
        )
        plan = TransitionPlan.objects.get(kind="new_organization")
        self.assertRedirects(response, reverse("practice:transition", args=[plan.code]))
        self.assertEqual(
            Action.objects.filter(engagement=self.w.engagement, title__isnull=False).count(),
            1 + 5 + 5,  # the world's action, this plan's and the class plan's checkpoints
        )
        self.client.post(
            reverse("practice:stakeholder_add", args=[plan.code]),
            {
                "name": "Ann",
                "power": "2",
                "interest": "4",
                "stance_now": "neutral",
                "stance_wanted": "supportive",
            },
        )
        self.assertEqual(plan.stakeholders.get().quadrant, "keep_informed")
        response = self.client.post(
            reverse("practice:transition_goal", args=[plan.code]),
            {"title": "Trusted by the ops team", "baseline_rating": "2", "target_rating": "7"},
        )
        goal = Goal.objects.get(engagement=self.w.engagement, focus_area="change")
        self.assertRedirects(response, reverse("growth:goal", args=[goal.code]))
        remove = reverse("practice:stakeholder_remove", args=[plan.stakeholders.get().code])
        self.client.post(remove)
        self.assertFalse(plan.stakeholders.exists())

    def test_the_plan_is_in_the_coachee_s_export(self):
        from bearing.exports.archive import personal_sections

        (section,) = [
            x
            for x in personal_sections(self.w.coachee)
            if x.kind.model == "practice.TransitionPlan"
        ]
        self.assertEqual(section.rows[0]["stakeholders"][0]["name"], CANARY)

"""Decision records, transition plans and the priority board are canaries: across
every page of Bearing they never reach the sponsor, another coach or staff, and
reach the coach only once the coachee shares them."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.practice import services as s
from bearing.testing import WorldTestCase
from bearing.tests.test_route_sweep import POLICY, add_route_objects

from .factories import TWO_OPTIONS, make_decided

PRIVATE = {
    "decision": "CANARY-DECISION-PRIVATE-0a1b2 close the Leeds plant",
    "prediction": "CANARY-PREDICTION-PRIVATE-3c4d5 the union walks out",
    "reflection": "CANARY-REFLECTION-PRIVATE-6e7f8 I was afraid",
    "premortem": "CANARY-PREMORTEM-PRIVATE-9a0b1 we lost the best engineers",
    "plan": "CANARY-PLAN-PRIVATE-2c3d4 Head of Leeds",
    "stakeholder": "CANARY-STAKEHOLDER-PRIVATE-5e6f7 Ken Adjei",
    "task": "CANARY-TASK-PRIVATE-8a9b0 fire the contractor",
    "delegate": "CANARY-DELEGATE-PRIVATE-1c2d3 Ama",
}
SHARED = "CANARY-DECISION-SHARED-4e5f6 the coach may read this one"


def tag(text: str) -> bytes:
    return text.split()[0].encode()


class PracticeCanaryTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_route_objects(cls.w)
        w, c = cls.w, cls.w.coachee
        d = s.decision_create(engagement=w.engagement, by=c, title=PRIVATE["decision"])
        d = s.decision_step_save(decision=d, by=c, step="options", answers=TWO_OPTIONS)
        d = s.decision_step_save(
            decision=d, by=c, step="premortem", answers={"premortem": PRIVATE["premortem"]}
        )
        today = timezone.localdate()
        d = s.decision_decide(
            decision=d,
            by=c,
            choice=0,
            reasons="r",
            kind="people",
            review_on=today + timedelta(days=5),
            predictions=[s.PredictionInput(PRIVATE["prediction"], today + timedelta(days=9), 60)],
        )
        s.decision_reflect(decision=d, by=c, text=PRIVATE["reflection"])
        cls.private_decision = d
        cls.shared_decision = make_decided(w.engagement, title=SHARED)
        s.decision_share(decision=cls.shared_decision, by=c, share=True)
        plan = s.transition_plan_create(
            engagement=w.engagement,
            by=c,
            kind="promotion",
            title=PRIVATE["plan"],
            starts_on=today + timedelta(days=3),
        )
        s.stakeholder_add(
            plan=plan,
            by=c,
            name=PRIVATE["stakeholder"],
            role="",
            power=4,
            interest=4,
            stance_now="neutral",
            stance_wanted="supportive",
            next_conversation="",
        )
        cls.plan = plan
        board = s.board_ensure(engagement=w.engagement, by=c)
        s.board_item_add(board=board, by=c, title=PRIVATE["task"], quadrant="do")
        item = s.board_item_add(board=board, by=c, title="Overtime report")
        s.board_item_delegate(
            item=item,
            by=c,
            delegate_to=PRIVATE["delegate"],
            level="advise",
            follow_up_on=today + timedelta(days=4),
        )

    def pages(self):
        """Every GET route of the sweep, with this world's records where it has them."""
        for name, route in POLICY.items():
            if "GET" not in route.methods or name in {"insight:rate", "exports:download"}:
                continue
            try:
                kwargs = route.kwargs(self.w)
            except Exception:  # noqa: BLE001 - a route whose records this world lacks
                continue
            if name in {"practice:decision", "practice:decision_review"}:
                kwargs = {"code": self.private_decision.code}
            if name == "practice:transition":
                kwargs = {"code": self.plan.code}
            yield name, reverse(name, kwargs=kwargs)

    def seen_by(self, person) -> list[tuple[str, bytes]]:
        self.login(person)
        out = []
        for name, url in self.pages():
            response = self.client.get(url)
            out.append((name, b"".join(response) if response.streaming else response.content))
        # And the shared decision's own page.
        response = self.client.get(reverse("practice:decision", args=[self.shared_decision.code]))
        out.append(("shared decision", response.content))
        return out

    def test_sponsor_other_coach_other_sponsor_and_staff_never_see_any(self):
        for person in (self.w.sponsor, self.w.other_coach, self.w.other_sponsor, self.w.staff):
            for name, body in self.seen_by(person):
                for text in (*PRIVATE.values(), SHARED):
                    self.assertNotIn(tag(text), body, f"{name} to {person}")

    def test_the_coach_sees_only_what_was_shared(self):
        seen = b"".join(body for _, body in self.seen_by(self.w.coach))
        for text in PRIVATE.values():
            self.assertNotIn(tag(text), seen, text)
        self.assertIn(tag(SHARED), seen)

    def test_the_coachee_sees_their_own(self):
        seen = b"".join(body for _, body in self.seen_by(self.w.coachee))
        for text in (*PRIVATE.values(), SHARED):
            self.assertIn(tag(text), seen, text)

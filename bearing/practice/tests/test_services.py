"""The decision services, called directly: who may write, what is refused and
where the error points, the frozen snapshot, reflections appended, the review,
the reminder on the review date, sharing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from bearing.growth.models import Reminder, ReminderStatus
from bearing.growth.reminders import reminders_send
from bearing.practice import services as s
from bearing.practice.models import Decision, DecisionStatus, Prediction
from bearing.practice.queries import calibration_for, record_by_kind, review_grid
from bearing.testing import WorldTestCase

from .factories import TWO_OPTIONS, make_decided, make_draft


class DecisionServiceTests(WorldTestCase):
    def test_only_the_coachee_creates_a_decision(self):
        for person in (self.w.coach, self.w.sponsor, self.w.other_coach):
            with self.assertRaises(ValidationError):
                s.decision_create(engagement=self.w.engagement, by=person, title="X")

    def test_title_is_required_and_encrypted(self):
        with self.assertRaises(ValidationError) as caught:
            s.decision_create(engagement=self.w.engagement, by=self.w.coachee, title="  ")
        self.assertIn("title", caught.exception.message_dict)
        d = make_draft(self.w.engagement, title="Close the Leeds site?")
        raw = Decision.objects.filter(pk=d.pk).values_list("title", "framework").get()
        self.assertNotIn("Leeds", raw[0])
        self.assertNotIn("plant opens", raw[1])
        self.assertEqual(Decision.objects.get(pk=d.pk).title, "Close the Leeds site?")

    def test_options_need_two_and_the_error_names_the_first_field(self):
        d = make_draft(self.w.engagement)
        with self.assertRaises(ValidationError) as caught:
            s.decision_step_save(
                decision=d, by=self.w.coachee, step="options", answers={"options": ["Only one"]}
            )
        self.assertIn("option_1", caught.exception.message_dict)

    def test_criteria_weights_and_matrix_scores_are_checked(self):
        d = make_draft(self.w.engagement, options=TWO_OPTIONS)
        with self.assertRaises(ValidationError) as caught:
            s.decision_step_save(
                decision=d,
                by=self.w.coachee,
                step="criteria",
                answers={"criteria": [{"name": "Cost", "weight": None}]},
            )
        self.assertIn("weight_1", caught.exception.message_dict)
        s.decision_step_save(
            decision=d,
            by=self.w.coachee,
            step="criteria",
            answers={"criteria": [{"name": "Cost", "weight": 4}, {"name": "", "weight": None}]},
        )
        with self.assertRaises(ValidationError) as caught:
            s.decision_step_save(
                decision=d, by=self.w.coachee, step="matrix", answers={"scores": {"0-0": 3}}
            )
        self.assertIn("score_1_0", caught.exception.message_dict)
        d = s.decision_step_save(
            decision=d, by=self.w.coachee, step="matrix", answers={"scores": {"0-0": 3, "1-0": 5}}
        )
        self.assertEqual(d.framework["scores"], {"0-0": 3, "1-0": 5})

    def test_the_matrix_waits_for_options_and_criteria(self):
        d = make_draft(self.w.engagement)
        with self.assertRaises(ValidationError):
            s.decision_step_save(decision=d, by=self.w.coachee, step="matrix", answers={})

    def test_deciding_freezes_a_dated_snapshot_and_refuses_later_edits(self):
        d = make_decided(self.w.engagement)
        self.assertEqual(d.status, DecisionStatus.DECIDED)
        snap = d.snapshot
        self.assertEqual(snap["decided_on"], timezone.localdate().isoformat())
        self.assertEqual(snap["framework"]["options"][:2], TWO_OPTIONS["options"][:2])
        self.assertEqual(snap["framework"]["choice"], 0)
        self.assertEqual(snap["predictions"][0]["probability"], 70)
        with self.assertRaisesMessage(ValidationError, "reasoning is kept"):
            s.decision_step_save(
                decision=d, by=self.w.coachee, step="premortem", answers={"premortem": "x"}
            )
        with self.assertRaises(ValidationError):
            s.decision_decide(
                decision=d,
                by=self.w.coachee,
                choice=1,
                reasons="r",
                kind="people",
                review_on=timezone.localdate() + timedelta(days=3),
                predictions=[],
            )
        self.assertEqual(Decision.objects.get(pk=d.pk).snapshot, snap)

    def test_deciding_checks_choice_reasons_review_date_and_each_prediction(self):
        d = make_draft(self.w.engagement, options=TWO_OPTIONS)
        today = timezone.localdate()
        with self.assertRaises(ValidationError) as caught:
            s.decision_decide(
                decision=d,
                by=self.w.coachee,
                choice=7,
                reasons="",
                kind="people",
                review_on=today,
                predictions=[],
            )
        self.assertEqual(set(caught.exception.message_dict), {"choice", "reasons", "review_on"})
        with self.assertRaises(ValidationError) as caught:
            s.decision_decide(
                decision=d,
                by=self.w.coachee,
                choice=0,
                reasons="Because.",
                kind="people",
                review_on=today + timedelta(days=10),
                predictions=[
                    s.PredictionInput("It works", None, 140),
                    s.PredictionInput("", None, None),  # an empty row is left out
                ],
            )
        self.assertEqual(
            set(caught.exception.message_dict), {"prediction_1_by", "prediction_1_probability"}
        )
        self.assertFalse(Prediction.objects.exists())
        self.assertEqual(Decision.objects.get(pk=d.pk).status, DecisionStatus.DRAFT)

    def test_deciding_needs_two_options(self):
        d = make_draft(self.w.engagement)
        with self.assertRaisesMessage(ValidationError, "at least two options"):
            s.decision_decide(
                decision=d,
                by=self.w.coachee,
                choice=0,
                reasons="r",
                kind="people",
                review_on=timezone.localdate() + timedelta(days=3),
                predictions=[],
            )

    def test_reflections_are_appended_only_after_deciding(self):
        draft = make_draft(self.w.engagement)
        with self.assertRaises(ValidationError):
            s.decision_reflect(decision=draft, by=self.w.coachee, text="Hm")
        d = make_decided(self.w.engagement)
        s.decision_reflect(decision=d, by=self.w.coachee, text="First thought")
        s.decision_reflect(decision=d, by=self.w.coachee, text="Second thought")
        self.assertEqual([r.text for r in d.reflections.all()], ["First thought", "Second thought"])
        with self.assertRaises(ValidationError):
            s.decision_reflect(decision=d, by=self.w.coach, text="Coach's view")

    def test_review_records_both_judgements_and_settles_predictions(self):
        d = make_decided(
            self.w.engagement, predictions=((70, "A happens"), (40, "B happens"), (90, "C"))
        )
        a, b, c = d.predictions.all()
        with self.assertRaises(ValidationError) as caught:
            s.decision_review(
                decision=d,
                by=self.w.coachee,
                what_happened="",
                outcome_quality=None,
                process_quality=9,
                lessons="",
                results={},
            )
        self.assertEqual(
            set(caught.exception.message_dict),
            {"what_happened", "outcome_quality", "process_quality"},
        )
        d = s.decision_review(
            decision=d,
            by=self.w.coachee,
            what_happened="Priya took over in March.",
            outcome_quality=2,
            process_quality=4,
            lessons="Ask the team earlier.",
            results={str(a.code): True, str(b.code): False, str(c.code): None},
        )
        self.assertEqual(d.status, DecisionStatus.REVIEWED)
        self.assertEqual(d.quadrant, "bad_break")
        a.refresh_from_db()
        b.refresh_from_db()
        c.refresh_from_db()
        self.assertEqual((a.came_true, b.came_true, c.came_true), (True, False, None))
        self.assertIsNone(c.resolved_at)
        with self.assertRaises(ValidationError):  # reviewed once
            s.decision_review(
                decision=d,
                by=self.w.coachee,
                what_happened="again",
                outcome_quality=4,
                process_quality=4,
                lessons="",
                results={},
            )
        # The open one is settled later, and only once.
        s.prediction_resolve(prediction=c, by=self.w.coachee, came_true=True)
        with self.assertRaises(ValidationError):
            s.prediction_resolve(prediction=c, by=self.w.coachee, came_true=False)
        cal = calibration_for(self.w.engagement)
        self.assertEqual(cal.resolved, 3)
        # (0.7-1)^2 + (0.4-0)^2 + (0.9-1)^2 = 0.09 + 0.16 + 0.01 = 0.26; / 3
        self.assertAlmostEqual(cal.brier, 0.26 / 3)
        (people,) = record_by_kind(self.w.engagement)
        self.assertEqual(
            (people.kind, people.reviewed, people.good_outcome, people.good_process),
            ("people", 1, 0, 1),
        )
        self.assertEqual((people.predictions, people.came_true), (3, 2))
        self.assertEqual(review_grid(self.w.engagement)["bad_break"], 1)

    def test_only_the_coachee_shares_and_unshares(self):
        d = make_draft(self.w.engagement)
        with self.assertRaises(ValidationError):
            s.decision_share(decision=d, by=self.w.coach, share=True)
        d = s.decision_share(decision=d, by=self.w.coachee, share=True)
        self.assertIsNotNone(d.shared_with_coach_at)
        d = s.decision_share(decision=d, by=self.w.coachee, share=False)
        self.assertIsNone(d.shared_with_coach_at)

    def test_only_a_draft_is_deleted(self):
        d = make_decided(self.w.engagement)
        with self.assertRaises(ValidationError):
            s.decision_delete(decision=d, by=self.w.coachee)
        draft = make_draft(self.w.engagement)
        s.decision_delete(decision=draft, by=self.w.coachee)
        self.assertFalse(Decision.objects.filter(pk=draft.pk).exists())


class ReviewReminderTests(WorldTestCase):
    def test_the_review_date_brings_a_reminder_without_the_decision_s_words(self):
        d = make_decided(self.w.engagement, title="CANARY-DECISION close the plant")
        reminder = Reminder.objects.get(kind="decision_review", user=self.w.coachee)
        tz = self.w.coachee.tz
        self.assertEqual(reminder.due_at, datetime.combine(d.review_on, time(9), tzinfo=tz))
        mail.outbox = []
        sent = reminders_send(now=reminder.due_at + timedelta(minutes=5), worker="t")
        self.assertEqual(sent, 1)
        (message,) = mail.outbox
        self.assertEqual(message.subject, "A decision is due for review")
        self.assertIn(f"/decisions/{d.code}/review/", message.body)
        self.assertNotIn("CANARY-DECISION", message.body)

    def test_a_decision_reviewed_early_is_not_reminded(self):
        d = make_decided(self.w.engagement)
        s.decision_review(
            decision=d,
            by=self.w.coachee,
            what_happened="Done early.",
            outcome_quality=4,
            process_quality=4,
            lessons="",
            results={},
        )
        reminder = Reminder.objects.get(kind="decision_review")
        reminders_send(now=reminder.due_at + timedelta(minutes=5), worker="t")
        reminder.refresh_from_db()
        self.assertEqual(reminder.status, ReminderStatus.SKIPPED)


class FollowingChangesTests(WorldTestCase):
    def test_scores_and_outcomes_follow_their_option_and_criterion(self):
        c = self.w.coachee
        d = make_draft(self.w.engagement, options={"options": ["A", "B", "C"]})
        d = s.decision_step_save(
            decision=d,
            by=c,
            step="criteria",
            answers={"criteria": [{"name": "cost", "weight": 2}, {"name": "speed", "weight": 3}]},
        )
        d = s.decision_step_save(
            decision=d,
            by=c,
            step="matrix",
            answers={"scores": {"0-0": 1, "0-1": 2, "1-0": 3, "1-1": 4, "2-0": 5, "2-1": 1}},
        )
        d = s.decision_step_save(
            decision=d,
            by=c,
            step="outcomes",
            answers={"outcomes": [{"likely": "a"}, {"likely": "b"}, {"likely": "c"}]},
        )
        # B is dropped and C moves up; D is new.
        d = s.decision_step_save(
            decision=d, by=c, step="options", answers={"options": ["A", "C", "D"]}
        )
        self.assertEqual(d.framework["scores"], {"0-0": 1, "0-1": 2, "1-0": 5, "1-1": 1})
        self.assertEqual([o.get("likely") for o in d.framework["outcomes"]], ["a", "c", None])
        # "cost" goes; "speed" becomes the first criterion, with its scores.
        d = s.decision_step_save(
            decision=d,
            by=c,
            step="criteria",
            answers={"criteria": [{"name": "speed", "weight": 3}, {"name": "risk", "weight": 1}]},
        )
        self.assertEqual(d.framework["scores"], {"0-0": 2, "1-0": 1})

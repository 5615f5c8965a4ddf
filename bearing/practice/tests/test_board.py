"""The priority board and the weekly review: the services called directly, the
rhythm rule, and each page for the owner, the coach (only once shared), the
sponsor, another coach, staff and an outsider; 405s; errors beside their fields."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements.models import Action
from bearing.practice import services as s
from bearing.practice.board import next_review_on
from bearing.practice.models import BoardItem, PriorityBoard, WeeklyReview
from bearing.testing import WorldTestCase, make_user

CANARY = "CANARY-BOARD-77a1c"


class NextReviewTests(SimpleTestCase):
    def test_first_review_is_the_next_chosen_weekday_from_today(self):
        wednesday = date(2026, 11, 25)
        self.assertEqual(
            next_review_on(weekday=4, every_weeks=1, last_review=None, today=wednesday),
            date(2026, 11, 27),
        )
        self.assertEqual(  # today is that day
            next_review_on(weekday=2, every_weeks=1, last_review=None, today=wednesday),
            wednesday,
        )

    def test_after_a_review_it_is_every_n_weeks_on_the_day(self):
        friday = date(2026, 11, 27)
        self.assertEqual(
            next_review_on(weekday=4, every_weeks=1, last_review=friday, today=friday),
            date(2026, 12, 4),
        )
        self.assertEqual(
            next_review_on(weekday=4, every_weeks=2, last_review=friday, today=friday),
            date(2026, 12, 11),
        )
        # A review done a day late (Saturday) keeps the Friday rhythm.
        self.assertEqual(
            next_review_on(
                weekday=4, every_weeks=1, last_review=date(2026, 11, 28), today=date(2026, 11, 28)
            ),
            date(2026, 12, 4),
        )

    def test_an_overdue_review_is_due_today(self):
        self.assertEqual(
            next_review_on(
                weekday=4, every_weeks=1, last_review=date(2026, 11, 6), today=date(2026, 11, 25)
            ),
            date(2026, 11, 25),
        )


class BoardServiceTests(WorldTestCase):
    def board(self):
        return s.board_ensure(engagement=self.w.engagement, by=self.w.coachee)

    def test_only_the_coachee_has_a_board(self):
        for person in (self.w.coach, self.w.sponsor, self.w.other_coach):
            with self.assertRaises(ValidationError):
                s.board_ensure(engagement=self.w.engagement, by=person)
        self.assertEqual(self.board(), self.board())  # one per engagement

    def test_tasks_are_encrypted_and_actions_go_on_once(self):
        board = self.board()
        item = s.board_item_add(board=board, by=self.w.coachee, title=CANARY, quadrant="do")
        raw = BoardItem.objects.filter(pk=item.pk).values_list("title", flat=True).get()
        self.assertNotIn(CANARY, raw)
        with self.assertRaises(ValidationError) as caught:
            s.board_item_add(board=board, by=self.w.coachee, title=" ")
        self.assertIn("title", caught.exception.message_dict)
        placed = s.board_item_add(board=board, by=self.w.coachee, action=self.w.action)
        self.assertEqual(placed.label, self.w.action.title)
        with self.assertRaises(ValidationError):
            s.board_item_add(board=board, by=self.w.coachee, action=self.w.action)
        with self.assertRaises(ValidationError):
            s.board_item_add(board=board, by=self.w.coach, title="not theirs")

    def test_delegating_sets_person_level_and_a_follow_up_action(self):
        item = s.board_item_add(board=self.board(), by=self.w.coachee, title="Budget memo")
        with self.assertRaises(ValidationError) as caught:
            s.board_item_delegate(
                item=item, by=self.w.coachee, delegate_to="", level="bogus", follow_up_on=None
            )
        self.assertEqual(
            set(caught.exception.message_dict), {"delegate_to", "delegation_level", "follow_up_on"}
        )
        due = timezone.localdate() + timedelta(days=5)
        item = s.board_item_delegate(
            item=item, by=self.w.coachee, delegate_to="Priya", level="consult", follow_up_on=due
        )
        self.assertEqual(
            (item.quadrant, item.delegate_to, item.delegation_level),
            ("delegate", "Priya", "consult"),
        )
        action = item.follow_up_action
        self.assertEqual((action.title, action.due_on), (s.FOLLOW_UP_TITLE, due))
        self.assertEqual(action.owner, self.w.coachee)
        # Changing the date moves the same action.
        later = due + timedelta(days=2)
        item = s.board_item_delegate(
            item=item, by=self.w.coachee, delegate_to="Priya", level="agree", follow_up_on=later
        )
        self.assertEqual(item.follow_up_action_id, action.id)
        action.refresh_from_db()
        self.assertEqual(action.due_on, later)
        # Moving out of "delegate" forgets to whom.
        item = s.board_item_move(item=item, by=self.w.coachee, quadrant="drop")
        self.assertEqual(
            (item.delegate_to, item.delegation_level, item.follow_up_on), ("", "", None)
        )
        with self.assertRaises(ValidationError):
            s.board_item_move(item=item, by=self.w.coachee, quadrant="sideways")

    def test_done_marks_the_action_done_too(self):
        item = s.board_item_add(board=self.board(), by=self.w.coachee, action=self.w.action)
        s.board_item_done(item=item, by=self.w.coachee)
        self.w.action.refresh_from_db()
        self.assertIsNotNone(self.w.action.completed_at)

    def test_weekly_review_ends_with_one_commitment_as_an_action(self):
        board = self.board()
        with self.assertRaises(ValidationError) as caught:
            s.weekly_review_save(
                board=board,
                by=self.w.coachee,
                cleared="",
                time_went="",
                time_should="",
                commitment="",
                commitment_due=None,
            )
        self.assertEqual(set(caught.exception.message_dict), {"commitment", "commitment_due"})
        due = timezone.localdate() + timedelta(days=3)
        review = s.weekly_review_save(
            board=board,
            by=self.w.coachee,
            cleared="Hiring",
            time_went="Meetings",
            time_should="The plant plan",
            commitment="Block two mornings",
            commitment_due=due,
        )
        self.assertEqual(review.commitment_action.title, "Block two mornings")
        self.assertEqual(review.commitment_action.due_on, due)

    def test_rhythm_is_checked(self):
        board = self.board()
        with self.assertRaises(ValidationError):
            s.board_rhythm_set(board=board, by=self.w.coachee, weekday=9, every_weeks=0)
        board = s.board_rhythm_set(board=board, by=self.w.coachee, weekday=0, every_weeks=2)
        self.assertEqual((board.review_weekday, board.review_every_weeks), (0, 2))


class BoardPageTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.outsider = make_user("outsider@example.com", "Olga Outsider")
        cls.board = s.board_ensure(engagement=cls.w.engagement, by=cls.w.coachee)
        cls.item = s.board_item_add(board=cls.board, by=cls.w.coachee, title=CANARY, quadrant="do")

    def urls(self):
        e, i = self.w.engagement.code, self.item.code
        return {
            "board": reverse("practice:board", args=[e]),
            "weekly": reverse("practice:weekly_review", args=[e]),
            "delegate": reverse("practice:item_delegate", args=[i]),
        }

    def test_the_coachee_sees_the_board_with_their_actions_to_place(self):
        self.login(self.w.coachee)
        response = self.client.get(self.urls()["board"])
        self.assertContains(response, CANARY)
        self.assertContains(response, "Your actions not on the board yet")
        self.assertContains(response, self.w.action.title)
        self.assertContains(
            response, self.client.get(self.urls()["weekly"]).status_code and "Weekly review"
        )
        self.assertEqual(self.client.get(self.urls()["delegate"]).status_code, 200)

    def test_sponsor_other_coach_staff_and_outsider_get_404(self):
        for person in (self.w.sponsor, self.w.other_coach, self.w.staff, self.outsider):
            self.login(person)
            for url in self.urls().values():
                response = self.client.get(url)
                self.assertEqual(response.status_code, 404, f"{person.email} {url}")
                self.assertNotContains(response, CANARY, status_code=404)

    def test_the_coach_reads_the_board_only_once_shared_and_never_changes_it(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.get(self.urls()["board"]).status_code, 404)
        s.board_share(board=self.board, by=self.w.coachee, share=True)
        response = self.client.get(self.urls()["board"])
        self.assertContains(response, CANARY)
        self.assertNotContains(response, "Add a task")
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.READ, actor_id=self.w.coach.id).exists()
        )
        move = reverse("practice:item_move", args=[self.item.code])
        self.assertEqual(self.client.post(move, {"quadrant": "drop"}).status_code, 404)
        self.assertEqual(self.client.get(self.urls()["weekly"]).status_code, 404)
        s.board_share(board=self.board, by=self.w.coachee, share=False)
        self.assertEqual(self.client.get(self.urls()["board"]).status_code, 404)

    def test_wrong_methods_are_405(self):
        self.login(self.w.coachee)
        e, i = self.w.engagement.code, self.item.code
        for url in (
            reverse("practice:item_move", args=[i]),
            reverse("practice:item_done", args=[i]),
            reverse("practice:board_place", args=[e]),
            reverse("practice:board_share", args=[e]),
            reverse("practice:board_rhythm", args=[e]),
        ):
            self.assertEqual(self.client.get(url).status_code, 405, url)
        self.assertEqual(self.client.put(self.urls()["board"]).status_code, 405)

    def test_moving_to_delegate_asks_to_whom_and_bad_input_shows_beside_the_field(self):
        self.login(self.w.coachee)
        move = reverse("practice:item_move", args=[self.item.code])
        response = self.client.post(move, {"quadrant": "delegate"})
        self.assertRedirects(response, self.urls()["delegate"])
        response = self.client.post(self.urls()["delegate"], {"delegate_to": "Priya"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_follow_up_on_error"', status_code=400)
        self.assertContains(response, 'id="id_delegation_level_error"', status_code=400)
        due = (timezone.localdate() + timedelta(days=4)).isoformat()
        response = self.client.post(
            self.urls()["delegate"],
            {"delegate_to": "Priya", "delegation_level": "advise", "follow_up_on": due},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Action.objects.filter(engagement=self.w.engagement, due_on=due).exists())

    def test_place_an_action_and_the_task_form_errors(self):
        self.login(self.w.coachee)
        place = reverse("practice:board_place", args=[self.w.engagement.code])
        self.client.post(place, {"action": str(self.w.action.code), "quadrant": "schedule"})
        self.assertTrue(
            BoardItem.objects.filter(action=self.w.action, quadrant="schedule").exists()
        )
        response = self.client.post(self.urls()["board"], {"title": "", "quadrant": "do"})
        self.assertContains(response, 'id="id_title_error"', status_code=400)

    def test_weekly_review_pulls_in_overdue_actions_and_saves(self):
        self.login(self.w.coachee)
        response = self.client.get(self.urls()["weekly"])
        self.assertContains(response, self.w.action.title)  # overdue in the world
        self.assertContains(response, "Get clear")
        response = self.client.post(self.urls()["weekly"], {"time_went": "meetings"})
        self.assertContains(response, 'id="id_commitment_error"', status_code=400)
        due = (timezone.localdate() + timedelta(days=2)).isoformat()
        response = self.client.post(
            self.urls()["weekly"], {"commitment": "Say no to one meeting", "commitment_due": due}
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(WeeklyReview.objects.filter(board=self.board).count(), 1)

    def test_the_board_is_in_the_coachee_s_export(self):
        from bearing.exports.archive import personal_sections

        (section,) = [
            x for x in personal_sections(self.w.coachee) if x.kind.model == "practice.PriorityBoard"
        ]
        self.assertEqual(section.rows[0]["items"][0]["title"], CANARY)
        self.assertIsInstance(PriorityBoard.objects.get(pk=self.board.pk), PriorityBoard)

"""The coach's session workspace: one page for the coaching session itself."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from bearing.audit.models import AuditAction, AuditEntry
from bearing.companion.models import CompanionConversation
from bearing.engagements.grow_guide import grow_guide, guide_for, question_by_id
from bearing.engagements.models import Action, PrivateNote
from bearing.testing import CANARY, WorldTestCase, make_session


def url(name, session):
    return reverse(f"workspace:{name}", args=[session.code])


class WorkspaceAccessTests(WorldTestCase):
    def test_only_the_coach_has_a_workspace(self):
        for user in (
            self.w.coachee,
            self.w.sponsor,
            self.w.other_coach,
            self.w.staff,
            self.w.other_sponsor,
        ):
            self.login(user)
            response = self.client.get(url("session", self.w.next_session))
            self.assertEqual(response.status_code, 404, user.email)
            response = self.client.post(
                url("copy_question", self.w.next_session), {"question": "goal-outcome"}
            )
            self.assertEqual(response.status_code, 404, user.email)
            response = self.client.post(url("close", self.w.next_session))
            self.assertEqual(response.status_code, 404, user.email)

    def test_the_workspace_answers_get_only(self):
        self.login(self.w.coach)
        self.assertEqual(self.client.post(url("session", self.w.next_session)).status_code, 405)


class WorkspacePageTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coach)

    def page(self):
        response = self.client.get(url("session", self.w.next_session))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_it_shows_the_agenda_last_commitments_and_goals(self):
        body = self.page()
        self.assertIn(CANARY.agenda_outcome, body)
        self.assertIn(CANARY.shared_notes, body)  # last time's shared notes
        self.assertIn(CANARY.action, body)  # last time's commitment...
        self.assertIn("Overdue", body)  # ...and how it went
        self.assertIn(CANARY.goal, body)
        self.assertIn(CANARY.key_result, body)
        # The coach's private notes of this session sit beside the shared ones.
        self.assertIn('id="private-notes"', body)
        self.assertIn('id="shared-notes"', body)

    def test_a_count_reads_without_decimals(self):
        body = self.page()
        self.assertIn("(from 0, target 3)", body)
        self.assertNotIn("3.00", body)

    def test_it_never_shows_an_unshared_companion_conversation(self):
        tag = CANARY.companion.split()[0]
        CompanionConversation.objects.filter(pk=self.w.conversation.pk).update(
            shared_with_coach_at=None
        )
        self.assertNotIn(tag, self.page())
        self.assertNotIn(
            reverse("companion:conversation", args=[self.w.conversation.code]), self.page()
        )

    def test_a_shared_conversation_is_listed_and_its_listing_audited(self):
        type(self.w.past_session).objects.filter(pk=self.w.past_session.pk).update(
            shared_notes_updated_by=self.w.coachee
        )
        conv = CompanionConversation.objects.create(
            engagement=self.w.engagement,
            title="Saying no upwards",
            shared_with_coach_at=timezone.now(),
        )
        body = self.page()
        self.assertIn("Saying no upwards", body)
        self.assertIn(reverse("companion:conversation", args=[conv.code]), body)
        fields = {
            e.detail.get("field")
            for e in AuditEntry.objects.filter(actor_id=self.w.coach.id, action=AuditAction.READ)
        }
        self.assertLessEqual({"agenda", "shared_notes", "actions", "plan", "conversations"}, fields)

    def test_the_video_call_link_is_a_link_and_a_room_is_text(self):
        session = self.w.next_session
        session.location = "https://meet.example.com/abc"
        session.save(update_fields=["location"])
        self.assertIn('href="https://meet.example.com/abc"', self.page())
        session.location = "javascript:alert(1)"
        session.save(update_fields=["location"])
        body = self.page()
        self.assertNotIn('href="javascript', body)
        self.assertIn("javascript:alert(1)", body)

    def test_times_are_named_in_the_viewers_zone(self):
        self.assertIn("your time, Europe/London", self.page())

    def test_the_session_page_links_the_coach_to_the_workspace(self):
        body = self.client.get(
            reverse("engagements:session_detail", args=[self.w.next_session.code])
        ).content.decode()
        self.assertIn(url("session", self.w.next_session), body)
        self.login(self.w.coachee)
        body = self.client.get(
            reverse("engagements:session_detail", args=[self.w.next_session.code])
        ).content.decode()
        self.assertNotIn(url("session", self.w.next_session), body)

    def test_the_first_session_says_so(self):
        first = make_session(self.w.engagement, days=-30)
        body = self.client.get(url("session", first)).content.decode()
        self.assertIn("first coaching session", body)


class CopyQuestionTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coach)

    def test_a_question_is_appended_to_the_private_notes(self):
        session = self.w.past_session
        response = self.client.post(url("copy_question", session), {"question": "options-else"})
        self.assertRedirects(response, url("session", session) + "#private-notes")
        body = PrivateNote.objects.get(session=session).body
        self.assertTrue(body.startswith(CANARY.private_note), body)
        self.assertTrue(body.endswith("\n\nWhat else could you do?"), body)

    def test_the_first_question_starts_the_notes(self):
        session = self.w.next_session
        self.client.post(url("copy_question", session), {"question": "will-do"})
        self.assertEqual(
            PrivateNote.objects.get(session=session).body, "What will you do, and by when?"
        )

    def test_with_htmx_the_notes_section_comes_back_in_place(self):
        response = self.client.post(
            url("copy_question", self.w.next_session),
            {"question": "reality-now"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        body = response.content.decode()
        self.assertTrue(
            body.lstrip().startswith('<section class="card private" id="private-notes"')
        )
        self.assertIn("What is happening now", body)

    def test_only_questions_from_the_guide_are_copied(self):
        response = self.client.post(
            url("copy_question", self.w.next_session),
            {"question": "<script>x</script>"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(PrivateNote.objects.filter(session=self.w.next_session).exists())


class CloseTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coach)

    def test_commitments_become_actions_with_owners_and_dates(self):
        due = timezone.localdate() + timedelta(days=7)
        session = self.w.next_session
        response = self.client.post(
            url("close", session),
            {
                "close-title_1": "Ask Priya to run the Monday meeting",
                "close-due_1": due.isoformat(),
                "close-owner_1": str(self.w.coachee.id),
                "close-title_2": "Send the delegation article",
                "close-due_2": due.isoformat(),
                "close-owner_2": str(self.w.coach.id),
            },
        )
        self.assertRedirects(response, url("session", session) + "#close")
        actions = {a.title: a for a in Action.objects.filter(session=session)}
        self.assertEqual(actions["Ask Priya to run the Monday meeting"].owner, self.w.coachee)
        self.assertEqual(actions["Send the delegation article"].owner, self.w.coach)
        self.assertEqual(actions["Send the delegation article"].due_on, due)
        self.assertEqual(actions["Send the delegation article"].created_by, self.w.coach)

    def test_a_commitment_without_a_date_is_refused_and_nothing_is_saved(self):
        response = self.client.post(
            url("close", self.w.next_session),
            {"close-title_1": "Something", "close-owner_1": str(self.w.coachee.id)},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Action.objects.filter(session=self.w.next_session).exists())

    def test_an_owner_outside_the_engagement_is_refused(self):
        due = timezone.localdate() + timedelta(days=3)
        response = self.client.post(
            url("close", self.w.next_session),
            {
                "close-title_1": "Something",
                "close-due_1": due.isoformat(),
                "close-owner_1": str(self.w.sponsor.id),
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Action.objects.filter(session=self.w.next_session).exists())


class WorkspaceQueryCountTests(WorldTestCase):
    def test_the_workspace_costs_a_fixed_number_of_queries(self):
        # BASE 3 (login session, user, roles) + session, actions, private note, previous
        # session, its actions, goals + key results + milestones, last check-in, shared
        # conversations = 10; shared decisions, transition plans and board = 3; audited
        # reads: the agenda, last session's actions (the coachee wrote them) and the
        # plan = 3 entries x 5 queries.
        self.login(self.w.coach)
        page = url("session", self.w.next_session)
        self.client.get(page)  # warm the login session
        for i in range(4):  # more goals, actions and sessions cost nothing more
            make_session(self.w.engagement, days=-20 - i)
            Action.objects.create(
                engagement=self.w.engagement,
                session=self.w.past_session,
                owner=self.w.coachee,
                title=f"a{i}",
                due_on=timezone.localdate(),
                created_by=self.w.coachee,
            )
        with self.assertNumQueries(3 + 10 + 3 + 3 * 5):
            self.assertEqual(self.client.get(page).status_code, 200)


class GrowGuideTests(WorldTestCase):
    def test_the_guide_has_the_four_stages_in_order(self):
        self.assertEqual([s.key for s in grow_guide()], ["goal", "reality", "options", "will"])

    def test_question_ids_are_unique(self):
        ids = [q.id for s in grow_guide() for q in s.questions]
        self.assertEqual(len(ids), len(set(ids)))
        self.assertIsNone(question_by_id("nope"))

    def test_focus_questions_appear_only_for_the_coachees_focus_areas(self):
        plain = {q.id for _, qs in guide_for(set()) for q in qs}
        delegation = {q.id for _, qs in guide_for({"delegation"}) for q in qs}
        self.assertNotIn("reality-delegation", plain)
        self.assertIn("reality-delegation", delegation)
        self.assertLess(plain, delegation)

    def test_every_question_is_one_open_question(self):
        for stage in grow_guide():
            for question in stage.questions:
                self.assertEqual(question.text.count("?"), 1, question.id)


class GuideOnThePageTests(WorldTestCase):
    def test_the_guide_adds_the_coachees_focus_areas_by_name(self):
        self.login(self.w.coach)
        body = self.client.get(url("session", self.w.next_session)).content.decode()
        self.assertIn("What else could you do?", body)
        # The world's goal is about executive presence; delegation is not on the plan.
        self.assertIn("How do you want to show up in that room?", body)
        self.assertIn('<span class="badge">Executive presence</span>', body)
        self.assertNotIn("What stops you from letting go of this task?", body)


class NotesWithoutJavaScriptTests(WorldTestCase):
    def test_notes_saved_from_the_workspace_come_back_to_it(self):
        self.login(self.w.coach)
        session = self.w.next_session
        body = self.client.get(url("session", session)).content.decode()
        self.assertEqual(body.count('name="back" value="workspace"'), 2)
        response = self.client.post(
            reverse("engagements:private_notes", args=[session.code]),
            {"private-body": "Ask about the board", "back": "workspace"},
        )
        self.assertRedirects(response, url("session", session) + "#private-notes")
        response = self.client.post(
            reverse("engagements:shared_notes", args=[session.code]),
            {"shared-body": "We looked at options", "shared-version": "0", "back": "workspace"},
        )
        self.assertRedirects(response, url("session", session) + "#shared-notes")

    def test_the_coachee_is_never_sent_to_the_workspace(self):
        self.login(self.w.coachee)
        session = self.w.next_session
        response = self.client.post(
            reverse("engagements:shared_notes", args=[session.code]),
            {"shared-body": "My notes", "shared-version": "0", "back": "workspace"},
        )
        self.assertRedirects(
            response, reverse("engagements:session_detail", args=[session.code]) + "#shared-notes"
        )
        body = self.client.get(
            reverse("engagements:session_detail", args=[session.code])
        ).content.decode()
        self.assertNotIn('value="workspace"', body)


class SessionPlaceTests(WorldTestCase):
    def test_the_session_page_links_a_video_call_and_shows_a_room_as_text(self):
        session = self.w.next_session
        page = reverse("engagements:session_detail", args=[session.code])
        self.login(self.w.coachee)
        session.location = "https://meet.example.com/lena-clara"
        session.save(update_fields=["location"])
        self.assertIn(
            'href="https://meet.example.com/lena-clara"', self.client.get(page).content.decode()
        )
        session.location = "Room 4 <b>north</b>"
        session.save(update_fields=["location"])
        body = self.client.get(page).content.decode()
        self.assertIn("Room 4 &lt;b&gt;north&lt;/b&gt;", body)
        self.assertNotIn('<a href="Room', body)


class CopyKeepsTypedNotesTests(WorldTestCase):
    def setUp(self):
        self.login(self.w.coach)

    def test_what_the_coach_typed_and_did_not_save_is_kept(self):
        session = self.w.past_session
        response = self.client.post(
            url("copy_question", session),
            {"question": "will-do", "private-body": "Typed, not saved yet"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            PrivateNote.objects.get(session=session).body,
            "Typed, not saved yet\n\nWhat will you do, and by when?",
        )

    def test_a_refused_copy_keeps_the_typed_text_in_the_box(self):
        session = self.w.past_session
        response = self.client.post(
            url("copy_question", session),
            {"question": "no-such-question", "private-body": "Typed <b>words</b>"},
            headers={"HX-Request": "true"},
        )
        self.assertEqual(response.status_code, 400)
        body = response.content.decode()
        self.assertIn("Typed &lt;b&gt;words&lt;/b&gt;", body)
        self.assertIn("Choose a question from the guide.", body)
        self.assertEqual(PrivateNote.objects.get(session=session).body, CANARY.private_note)

    def test_the_guide_sends_the_notes_box_along(self):
        body = self.client.get(url("session", self.w.next_session)).content.decode()
        self.assertIn('hx-include="#id_private-body"', body)

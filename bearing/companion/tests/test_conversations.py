from django.db import connection
from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.companion.models import CompanionConsent, CompanionConversation, CompanionMessage
from bearing.engagements.models import Action
from bearing.testing import CANARY, WorldTestCase


class ConversationTests(WorldTestCase):
    def start(self):
        self.login(self.w.coachee)
        response = self.client.post(
            reverse("companion:home", args=[self.w.engagement.code]), {"consent": "yes"}
        )
        conv = CompanionConversation.objects.exclude(pk=self.w.conversation.pk).get()
        self.assertRedirects(response, reverse("companion:conversation", args=[conv.code]))
        return conv

    def test_consent_is_recorded_and_audited_before_the_first_conversation(self):
        self.login(self.w.coachee)
        page = self.client.get(reverse("companion:home", args=[self.w.engagement.code]))
        self.assertContains(page, "software, not a person, and not therapy")
        self.client.post(reverse("companion:home", args=[self.w.engagement.code]))
        self.assertFalse(CompanionConsent.objects.exists())  # no consent box ticked
        self.start()
        self.assertTrue(CompanionConsent.objects.filter(user=self.w.coachee).exists())
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.CONSENT, detail__kind="companion_consent"
            ).exists()
        )

    def test_not_offered_when_the_agreement_says_no(self):
        self.w.agreement.companion_offered = False
        self.w.agreement.save()
        self.login(self.w.coachee)
        self.client.post(
            reverse("companion:home", args=[self.w.engagement.code]), {"consent": "yes"}
        )
        self.assertEqual(CompanionConversation.objects.count(), 1)  # only the world's

    def test_a_turn_stores_both_sides_encrypted_and_replies_with_one_question(self):
        conv = self.start()
        url = reverse("companion:conversation", args=[conv.code])
        response = self.client.post(
            url, {"text": "I want to delegate the board pack."}, headers={"HX-Request": "true"}
        )
        self.assertNotContains(response, "<html")
        reply = CompanionMessage.objects.filter(conversation=conv, speaker="companion").get()
        self.assertEqual(reply.text.count("?"), 1)
        with connection.cursor() as cursor:
            cursor.execute("SELECT text FROM companion_companionmessage")
            self.assertTrue(all(row[0].startswith("bx2$") for row in cursor.fetchall()))

    def test_empty_message_is_refused_and_nothing_saved(self):
        conv = self.start()
        response = self.client.post(
            reverse("companion:conversation", args=[conv.code]), {"text": " "}
        )
        self.assertContains(response, "Write something first", status_code=400)
        self.assertFalse(conv.messages.exists())

    def test_coach_sees_it_only_when_shared_and_the_read_is_audited(self):
        url = reverse("companion:conversation", args=[self.w.conversation.code])
        self.login(self.w.coach)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.login(self.w.coachee)
        self.client.post(
            reverse("companion:share", args=[self.w.conversation.code]), {"share": "1"}
        )
        self.login(self.w.coach)
        self.assertContains(self.client.get(url), CANARY.companion)
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.READ, detail__field="conversation"
            ).exists()
        )
        self.assertEqual(self.client.post(url, {"text": "hi"}).status_code, 404)

    def test_delete_removes_it(self):
        self.login(self.w.coachee)
        self.client.post(reverse("companion:delete", args=[self.w.conversation.code]))
        self.assertFalse(CompanionConversation.objects.filter(pk=self.w.conversation.pk).exists())
        self.assertFalse(CompanionMessage.objects.exists())

    def test_commitment_becomes_an_action(self):
        conv = self.start()
        url = reverse("companion:conversation", args=[conv.code])
        for text in (
            "I want to delegate more.",
            "I do everything myself now.",
            "I could ask Aisha.",
            "I will ask Aisha on Monday.",
            "Eight out of ten.",
        ):
            self.client.post(url, {"text": text})
        self.assertContains(self.client.get(url), "Add my commitment to my plan")
        self.client.post(reverse("companion:to_action", args=[conv.code]))
        self.assertTrue(
            Action.objects.filter(owner=self.w.coachee).exclude(pk=self.w.action.pk).exists()
        )

    def test_crisis_message_is_referred_on_the_page(self):
        conv = self.start()
        self.client.post(
            reverse("companion:conversation", args=[conv.code]),
            {"text": "I keep thinking about ending my life."},
        )
        reply = conv.messages.get(speaker="companion")
        self.assertTrue(reply.referred)
        self.assertIn("your coach", reply.text)


class ModelSwitchTests(WorldTestCase):
    def test_staff_switch_routes_the_organizations_coachees_through_the_model(self):
        from django.test import override_settings

        from bearing.companion.tests.test_llm import ScriptedModel

        server = ScriptedModel(["It matters to you. What would good look like?"])
        self.addCleanup(server.close)
        self.login(self.w.staff)
        self.client.post(
            reverse("accounts:staff_companion_model", args=[self.w.organization.code]),
            {"enabled": "1"},
        )
        self.w.organization.refresh_from_db()
        self.assertTrue(self.w.organization.companion_model_enabled)
        self.login(self.w.coachee)
        with override_settings(COMPANION_MODEL_URL=server.url, COMPANION_MODEL_TIMEOUT=2):
            self.client.post(
                reverse("companion:conversation", args=[self.w.conversation.code]),
                {"text": "Lena Leader wants to lead the merger well."},
            )
        reply = self.w.conversation.messages.filter(speaker="companion").get()
        self.assertEqual(reply.text, "It matters to you. What would good look like?")
        sent = str(server.requests[0])
        self.assertNotIn("Lena", sent)
        self.assertNotIn("Clara", sent)


class ModelOutsideTransactionTests(WorldTestCase):
    """A slow model must never hold the database's write lock: it is asked after
    the read and before the write, outside any transaction the service opens."""

    def _depth_when_the_model_is_asked(self, post):
        from unittest import mock

        from django.db import connection
        from django.test import override_settings

        from bearing.companion import llm, roleplay
        from bearing.companion.tests.test_llm import ScriptedModel

        server = ScriptedModel(["It matters to you. What would good look like?"] * 4)
        self.addCleanup(server.close)
        self.w.organization.companion_model_enabled = True
        self.w.organization.save(update_fields=["companion_model_enabled"])
        depths = []
        real = llm._request

        def spy(config, messages):
            depths.append(len(connection.savepoint_ids))
            return real(config, messages)

        self.login(self.w.coachee)
        test_depth = len(connection.savepoint_ids)
        with (
            override_settings(COMPANION_MODEL_URL=server.url, COMPANION_MODEL_TIMEOUT=2),
            mock.patch.object(llm, "_request", spy),
            mock.patch.object(roleplay, "_request", spy),
        ):
            post()
        self.assertTrue(depths, "the model was never asked")
        self.assertEqual(set(depths), {test_depth})

    def test_the_companion_asks_the_model_outside_a_transaction(self):
        url = reverse("companion:conversation", args=[self.w.conversation.code])
        before = self.w.conversation.messages.count()
        self._depth_when_the_model_is_asked(
            lambda: self.client.post(url, {"text": "I want to lead the merger well."})
        )
        self.assertEqual(self.w.conversation.messages.count(), before + 2)

    def test_role_play_asks_the_model_outside_a_transaction(self):
        from bearing.companion.models import CompanionConversation

        self.login(self.w.coachee)
        self.client.post(
            reverse("companion:roleplay_home", args=[self.w.engagement.code]),
            {"scenario": "feedback_high_performer", "consent": "yes"},
        )
        play = CompanionConversation.objects.get(scenario="feedback_high_performer")
        url = reverse("companion:roleplay", args=[play.code])
        self._depth_when_the_model_is_asked(
            lambda: self.client.post(url, {"text": "I noticed the report came in late twice."})
        )
        self.assertEqual(play.messages.count(), 2)


class PlanContextTests(WorldTestCase):
    def test_the_companion_starts_from_the_coachees_plan(self):
        from bearing.companion.engine import respond
        from bearing.companion.services import plan_context

        context = plan_context(self.w.engagement)
        self.assertEqual(context.focus, ["presence"])  # the world's goal: executive presence
        self.assertTrue(context.context_topic.startswith("the "))  # from the latest obstacles
        turn = respond(context, "Hello.")
        # the opening comes from the plan: the check-in's obstacle or the presence goal
        self.assertTrue(
            context.context_topic in turn.reply
            or "presence" in turn.reply
            or "come across in that room" in turn.reply,
            turn.reply,
        )


class AgreementOffersTheCompanionTests(WorldTestCase):
    def test_the_coach_can_leave_the_companion_out_of_a_new_agreement_version(self):
        self.login(self.w.coach)
        self.client.post(
            reverse("engagements:agreement", args=[self.w.engagement.code]),
            {
                "objectives": "x",
                "cadence": "Weekly",
                "session_minutes": 60,
                "session_count": 6,
                "confidentiality_limits": "Risk of harm.",
                "sponsor_sees_status": "on",
            },
        )
        v2 = self.w.engagement.agreements.get(version=2)
        self.assertFalse(v2.companion_offered)
        self.login(self.w.coachee)
        self.client.post(
            reverse("engagements:agreement_accept", args=[self.w.engagement.code]), {"version": "2"}
        )
        page = self.client.get(reverse("companion:home", args=[self.w.engagement.code]))
        self.assertContains(page, "not part of your current coaching agreement")

"""A commitment is kept whole: never cut to fit, refused where it cannot fit."""

from django.core.exceptions import ValidationError

from bearing.companion import services as s
from bearing.companion.engine import Conversation, respond
from bearing.companion.models import CompanionConversation
from bearing.engagements.models import Action
from bearing.testing import WorldTestCase

LONG = "I will " + "talk to each of my directors about their delegation plans, " * 12


class CommitmentLimitTests(WorldTestCase):
    def test_the_engine_keeps_the_whole_commitment(self):
        conv = Conversation()
        for text in ("I want to delegate more.", "I do everything myself.", LONG):
            respond(conv, text)
        self.assertEqual(conv.commitment, LONG.strip())

    def test_a_commitment_too_long_for_an_action_is_refused_not_cut(self):
        state = Conversation(commitment=LONG.strip())
        conv = CompanionConversation.objects.create(
            engagement=self.w.engagement, state=state.to_dict(), title="t"
        )
        before = Action.objects.count()
        with self.assertRaisesMessage(ValidationError, "longer than an action can hold"):
            s.commitment_to_action(conversation=conv, by=self.w.coachee)
        self.assertEqual(Action.objects.count(), before)

    def test_a_commitment_that_fits_becomes_an_action_whole(self):
        state = Conversation(commitment="I will ask Aisha to run Monday's stand-up.")
        conv = CompanionConversation.objects.create(
            engagement=self.w.engagement, state=state.to_dict(), title="t"
        )
        action = s.commitment_to_action(conversation=conv, by=self.w.coachee)
        self.assertEqual(action.title, "ask Aisha to run Monday's stand-up")

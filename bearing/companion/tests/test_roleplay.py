from django.test import SimpleTestCase

from bearing.companion.roleplay import RolePlay, analyse_turn, counterpart_reply, debrief, scenarios

CALM = [
    "I appreciate you making time. I noticed in Tuesday's review that Mia stopped talking.",
    "I understand you get impatient. Help me understand what happens for you in those moments?",
    "That sounds frustrating. What would you like the reviews to look like?",
]
HARSH = [
    "You always interrupt people and it's your fault two people want to leave.",
    "Calm down, obviously this is not a big deal for you, but it is for me.",
    "Here's what we'll do: you need to stay quiet in the next review.",
]


class RolePlayTests(SimpleTestCase):
    def test_there_are_at_least_eight_scenarios(self):
        self.assertGreaterEqual(len(scenarios()), 8)
        for s in scenarios().values():
            self.assertEqual(set(s.lines), {"high", "mid", "low"})

    def test_acknowledging_and_asking_lowers_tension(self):
        play = RolePlay.start("feedback_high_performer")
        start = play.tension
        for line in CALM:
            counterpart_reply(play, line)
        self.assertLess(play.tension, start)
        self.assertIn(play.turns[-1]["reply"], scenarios()["feedback_high_performer"].lines["low"])

    def test_blaming_and_dismissing_raises_tension(self):
        play = RolePlay.start("feedback_high_performer")
        start = play.tension
        for line in HARSH:
            counterpart_reply(play, line)
        self.assertGreater(play.tension, start)
        self.assertEqual(play.tension, 10.0)

    def test_turn_counts_match_hand_counts(self):
        counts = analyse_turn(HARSH[1])
        self.assertEqual(counts["dismissive"], 3)  # calm down, obviously, not a big deal
        self.assertEqual(counts["but"], 1)
        counts = analyse_turn(CALM[1])
        self.assertEqual(
            (counts["acknowledgement"], counts["listening"], counts["question"]), (1, 1, 1)
        )
        counts = analyse_turn(CALM[0])
        self.assertEqual(
            (counts["acknowledgement"], counts["i_statement"], counts["specific"]), (1, 1, 1)
        )

    def test_debrief_counts_match_hand_counts_and_quote_moments(self):
        play = RolePlay.start("feedback_high_performer")
        for line in CALM:
            counterpart_reply(play, line)
        d = debrief(play, CALM)
        self.assertNotIn(CALM[0], str(play.to_dict()))  # state keeps no leader words
        self.assertEqual(d.totals["acknowledgement"], 3)  # appreciate, understand, that sounds
        self.assertEqual(d.totals["question"], 2)
        self.assertEqual(d.totals["blame"], 0)
        self.assertEqual(d.leader_words, sum(len(x.split()) for x in CALM))
        self.assertTrue(d.moments and d.moments[0][1] in CALM)
        self.assertEqual(len(d.questions_to_reflect), 3)
        self.assertFalse(hasattr(d, "score"))


class RolePlayPageTests(
    __import__("bearing.lib.testing", fromlist=["WorldTestCase"]).WorldTestCase
):
    def test_play_through_the_pages_and_read_the_debrief(self):
        from django.urls import reverse

        from bearing.companion.models import CompanionConversation

        self.login(self.w.coachee)
        self.client.post(
            reverse("companion:roleplay_home", args=[self.w.engagement.code]),
            {"scenario": "feedback_high_performer", "consent": "yes"},
        )
        conv = CompanionConversation.objects.get(scenario="feedback_high_performer")
        url = reverse("companion:roleplay", args=[conv.code])
        for line in CALM:
            self.client.post(url, {"text": line})
        page = self.client.get(url)
        self.assertContains(page, "Debrief")
        self.assertContains(page, "not a score")
        self.assertContains(page, "5.0 →")
        conv.refresh_from_db()
        self.assertLess(conv.state["tension"], 5)
        self.assertNotIn("Tuesday", str(conv.state))
        self.login(self.w.coach)
        self.assertEqual(self.client.get(url).status_code, 404)


class RolePlayModelTests(SimpleTestCase):
    def test_the_model_speaks_in_character_and_the_offline_rules_keep_the_tension(self):
        from bearing.companion.llm import ModelConfig
        from bearing.companion.roleplay import model_counterpart_reply
        from bearing.companion.tests.test_llm import ScriptedModel

        server = ScriptedModel(["Fine. Which projects are you thinking of?", "<500>", "<500>"])
        self.addCleanup(server.close)
        config = ModelConfig(url=server.url, model="t", timeout=0.5)
        play = RolePlay.start("no_to_boss")
        reply, source = model_counterpart_reply(play, CALM[1], config, names=["Lena"])
        self.assertEqual((reply, source), ("Fine. Which projects are you thinking of?", "model"))
        self.assertLess(play.tension, 4)
        self.assertIn("Morgan", server.requests[0]["messages"][0]["content"])
        reply, source = model_counterpart_reply(play, CALM[2], config)
        self.assertEqual(source, "offline")
        self.assertIn(reply, sum(scenarios()["no_to_boss"].lines.values(), []))

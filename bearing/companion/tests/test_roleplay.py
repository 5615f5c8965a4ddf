import json
import time
from unittest import mock

from django.test import SimpleTestCase
from django.urls import reverse

from bearing.companion.models import CompanionConversation
from bearing.companion.roleplay import (
    PAUSE_REPLIES,
    RESUME_REPLIES,
    RolePlay,
    asks_to_resume,
    counterpart_reply,
    debrief,
    line_text,
    paused_reply,
    read_turn,
    record_referral,
    scenario_for,
    scenarios,
    step,
)
from bearing.companion.safety import Assessment, Category
from bearing.testing import WorldTestCase

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
CRISIS = "Honestly I want to kill myself, I can't do this anymore."
SET_KEYS = (
    "feedback",
    "say_no",
    "peer_conflict",
    "reorg",
    "salary",
    "defensive_report",
    "angry_customer",
    "letting_go",
)


def change(text: str, key: str = "performance_conversation", tension: float = 5.0) -> float:
    scenario = scenarios()[key]
    return step(tension, read_turn(text, scenario.weights, scenario.counterpart).score)


class ScenarioDataTests(SimpleTestCase):
    def test_every_scenario_has_lines_answers_questions_and_a_talk_share_reading(self):
        self.assertGreaterEqual(len(scenarios()), 8)
        for s in scenarios().values():
            self.assertEqual(set(s.lines), {"high", "mid", "low"})
            for band, lines in s.lines.items():
                self.assertGreaterEqual(len(lines), 8, (s.key, band))
                self.assertEqual(len(set(lines)), len(lines), (s.key, band))
            for kind in ("feelings", "needs", "reasons", "proposal", "concern"):
                self.assertTrue(s.answers[kind]["high"] and s.answers[kind]["open"], kind)
            self.assertGreaterEqual(len(s.reflect["always"]), 3)
            self.assertEqual(set(s.talk_share) >= {"high", "balanced", "low"}, True)
            self.assertTrue(3 <= s.tension <= 7, s.key)

    def test_every_evaluation_scenario_key_names_a_scenario(self):
        for key in SET_KEYS:
            self.assertIn(scenario_for(key).key, scenarios())
        self.assertEqual(scenario_for("salary").key, "salary_refusal")
        with self.assertRaises(KeyError):
            scenario_for("no_such_scenario")


class TensionTests(SimpleTestCase):
    def test_a_polite_firing_raises_the_tension(self):
        text = "I hear you, thank you, that sounds hard. You're fired."
        self.assertGreater(change(text), 0.5)
        self.assertIn("polite_wrapped", read_turn(text).moves)

    def test_kind_words_around_a_curt_refusal_raise_it(self):
        self.assertGreater(
            change("I'm so grateful for the trust, it means a lot. Find someone else."), 0
        )

    def test_contempt_without_a_listed_word_raises_the_tension(self):
        for text in (
            "Do you ever actually listen to anything I say?",
            "Your attitude is the real problem here.",
            "Honestly, this is the worst report I've seen all year.",
            "Who exactly do you think you're talking to?",
        ):
            self.assertGreater(change(text), 0.2, text)

    def test_negation_reads_the_opposite_move(self):
        self.assertLess(change("I'm not blaming you."), -0.2)
        self.assertLess(change("It's not your fault, and I'm not going to fire you."), -0.2)
        self.assertLess(change("I don't think you're acting in bad faith."), -0.2)
        self.assertGreater(change("I don't care what you think."), 0.2)
        self.assertGreater(change("I don't see why everyone is so emotional about it."), 0.2)

    def test_a_disclaimer_does_not_undo_the_accusation(self):
        self.assertGreater(
            change("I'm not saying you're lazy, but the numbers speak for themselves."), 0.2
        )
        self.assertGreater(change("Nobody's calling you difficult, but people talk."), 0.2)

    def test_sarcasm_is_read_as_sarcasm(self):
        text = "Oh great, another excuse, thanks so much."
        self.assertGreater(change(text), 0.5)
        self.assertIn("sarcasm", read_turn(text).moves)
        self.assertGreater(change("Thanks so much for your valuable input, as ever."), 0.2)
        self.assertLess(change("Thanks so much for your help with the launch."), -0.2)

    def test_a_but_takes_back_the_acknowledgement(self):
        self.assertGreater(change("I hear you, but the deadline stays."), 0.2)
        self.assertLess(change("I was frustrated last week, but I want to hear your side."), -0.2)

    def test_plain_facts_and_closed_factual_questions_leave_it_where_it_was(self):
        for text in (
            "The shipment left on the 2nd.",
            "Did you get the calendar invite for Thursday?",
            "What time does your flight leave?",
            "Mm-hm.",
            "We moved the meeting to Thursday.",
        ):
            self.assertEqual(change(text), 0.0, text)

    def test_a_specific_observation_eases_it_a_bare_date_does_not(self):
        observed = "In Monday's stand-up you cut Priya off twice, and she went quiet."
        self.assertLess(change(observed), -0.2)
        self.assertIn("specific", read_turn(observed).moves)

    def test_steps_shrink_near_the_ends(self):
        self.assertGreater(abs(step(5.0, 4.0)), 3 * abs(step(9.5, 4.0)))
        self.assertGreater(abs(step(5.0, -4.0)), 3 * abs(step(0.5, -4.0)))
        self.assertEqual(step(10.0, 9.0), 0.0)
        self.assertEqual(step(0.0, -9.0), 0.0)

    def test_the_strongest_turns_do_not_pin_the_tension_within_three_turns(self):
        up = "I hear you, thanks. You're fired, you useless idiot, it's all your fault."
        down = "I'm so sorry, that's on me. I understand. What would help you most?"
        for key in scenarios():
            for text, pinned in ((up, lambda t: t >= 9.5), (down, lambda t: t <= 0.5)):
                play = RolePlay.start(key)
                for _ in range(3):
                    counterpart_reply(play, text)
                    self.assertFalse(pinned(play.tension), (key, play.tension))
        play = RolePlay.start("announce_reorganization")
        counterpart_reply(play, up)
        counterpart_reply(play, up)
        self.assertLess(play.tension, 9.0)

    def test_reading_a_turn_is_fast_and_deterministic(self):
        read_turn("warm up")
        for text in CALM + HARSH:
            best = min(_timed(read_turn, text) for _ in range(3))
            self.assertLess(best, 5.0, text)
            self.assertEqual(read_turn(text), read_turn(text))


def _timed(function, *args) -> float:
    """Processor time, in milliseconds: other work on the machine is not counted."""
    started = time.process_time()
    function(*args)
    return (time.process_time() - started) * 1000


class CounterpartTests(SimpleTestCase):
    def test_the_counterpart_picks_up_a_named_detail(self):
        play = RolePlay.start("feedback_high_performer")
        reply = counterpart_reply(
            play, "I noticed in Tuesday's design review that you cut Mia off."
        )
        self.assertIn("Tuesday's design review", reply)
        play = RolePlay.start("no_to_boss")
        reply = counterpart_reply(play, "My team has 6 projects running this quarter.")
        self.assertIn("6 projects", reply)
        play = RolePlay.start("peer_conflict")
        reply = counterpart_reply(play, "I spoke to Aisha about the launch and she was upset.")
        self.assertIn("Aisha", reply)

    def test_the_counterpart_answers_the_question_asked(self):
        cases = {
            "How are you feeling about this?": "feelings",
            "What would help you most over the next month?": "needs",
            "What worries you most about this?": "concern",
            "What would you suggest we do?": "proposal",
            "Help me understand what happened?": "reasons",
        }
        for text, kind in cases.items():
            play = RolePlay.start("performance_conversation")
            counterpart_reply(play, text)
            used = play.turns[-1]["lines"]
            self.assertTrue(any(f".answers.{kind}." in i for i in used), (text, used))

    def test_the_counterpart_acknowledges_an_acknowledgement(self):
        play = RolePlay.start("announce_reorganization")
        counterpart_reply(play, "I know this is a shock, and it's completely fair to be worried.")
        self.assertTrue(play.turns[-1]["lines"][0].startswith("common.ease."))

    def test_no_line_is_repeated_in_a_twelve_turn_play(self):
        same_harsh = ["You always do this and it's your fault."] * 12
        same_question = ["How are you feeling about this?"] * 12
        mixed = (CALM + HARSH) * 2
        for key in scenarios():
            for lines in (same_harsh, same_question, mixed):
                play = RolePlay.start(key)
                replies = [counterpart_reply(play, line) for line in lines]
                used = [i for turn in play.turns for i in turn["lines"]]
                self.assertEqual(len(used), len(set(used)), key)
                self.assertEqual(len(replies), len(set(replies)), key)

    def test_the_state_holds_none_of_the_leaders_words(self):
        play = RolePlay.start("feedback_high_performer")
        said = [
            "I noticed on Zanzibar Day that Quentin left the Atlas project review early.",
            "We lost 17 customers; how are you feeling about Quentin's comments?",
            "Oh great, another excuse about the Atlas project, thanks so much.",
        ]
        for line in said:
            counterpart_reply(play, line)
        stored = json.dumps(play.to_dict())
        for word in ("Zanzibar", "Quentin", "Atlas", "17 customers", "excuse", "noticed"):
            self.assertNotIn(word, stored)
        for turn in play.to_dict()["turns"]:
            self.assertEqual(
                set(turn), {"moves", "tension", "words", "reply_words", "lines", "referred"}
            )

    def test_a_line_the_safety_net_flags_is_replaced_by_a_neutral_line(self):
        flagged = Assessment(Category.SELF_HARM, "test")
        play = RolePlay.start("no_to_boss")
        with mock.patch("bearing.companion.roleplay.assess", return_value=flagged):
            reply = counterpart_reply(play, "I hear you.")
        self.assertEqual(play.turns[-1]["lines"][0].split(".")[1], "neutral")
        self.assertEqual(reply, line_text(play.turns[-1]["lines"][0]))

    def test_a_state_from_before_line_ids_still_plays_and_debriefs(self):
        old = {
            "scenario": "no_to_boss",
            "tension": 3.5,
            "turns": [
                {"reply": "Okay, what would you propose?", "tension": 3.5, "counts": {}, "words": 6}
            ],
            "used": ["Okay, what would you propose?"],
        }
        play = RolePlay.from_dict(old)
        counterpart_reply(play, "What would you drop first?")
        result = debrief(play, ["I can't take this on.", "What would you drop first?"])
        self.assertEqual(result.totals["question"], 1)


class PauseTests(SimpleTestCase):
    def test_a_referral_pauses_the_practice_in_the_leader_s_language(self):
        for language in ("en", "es", "de", "fr"):
            play = RolePlay.start("performance_conversation")
            record_referral(play, CRISIS, "referral text", language)
            before = play.tension
            self.assertEqual(paused_reply(play, "You're fired."), PAUSE_REPLIES[language])
            self.assertEqual(play.tension, before)
            self.assertTrue(all(t["referred"] for t in play.turns))
        self.assertEqual(RolePlay.from_dict(play.to_dict()).paused, "fr")

    def test_asking_to_go_on_lifts_the_pause(self):
        play = RolePlay.start("performance_conversation")
        self.assertIsNone(paused_reply(play, "continue"))  # not paused: the play runs
        record_referral(play, CRISIS, "referral text", "de")
        self.assertEqual(paused_reply(play, "Weiter bitte"), RESUME_REPLIES["de"])
        self.assertEqual(play.paused, "")
        self.assertIsNone(paused_reply(play, "You're fired."))

    def test_what_counts_as_asking_to_go_on(self):
        for text in ("continue", "Let's continue", "ok, resume", "seguir", "on continue", "weiter"):
            self.assertTrue(asks_to_resume(text), text)
        for text in ("I can't continue like this", "You're fired.", "no"):
            self.assertFalse(asks_to_resume(text), text)


class DebriefTests(SimpleTestCase):
    def test_counts_quotes_and_no_score(self):
        play = RolePlay.start("feedback_high_performer")
        for line in CALM:
            counterpart_reply(play, line)
        result = debrief(play, CALM)
        self.assertEqual(result.totals["question"], 2)
        self.assertEqual(result.totals["blame"], 0)
        self.assertEqual(result.leader_words, sum(len(x.split()) for x in CALM))
        self.assertTrue(result.moments and all(q in CALM for _w, q in result.moments))
        self.assertEqual(len(result.questions_to_reflect), 3)
        self.assertFalse(hasattr(result, "score"))

    def test_a_referred_turn_is_neither_quoted_nor_counted_and_the_quotes_stay_paired(self):
        play = RolePlay.start("performance_conversation")
        texts = [
            "Thank you for coming in; I know this has been a hard quarter.",
            CRISIS,
            "You always miss deadlines and frankly it's pathetic.",
            "I'm sorry, that was unfair of me. What would help you most?",
        ]
        counterpart_reply(play, texts[0])
        record_referral(play, texts[1], "referral text")
        before = play.tension
        counterpart_reply(play, texts[2])
        self.assertGreater(play.tension, before)
        counterpart_reply(play, texts[3])
        flags = [False, True, False, False]
        for result in (debrief(play, texts, flags), debrief(play, texts)):
            quoted = [q for _w, q in result.moments]
            self.assertNotIn(CRISIS, quoted)
            rose = [q for w, q in result.moments if "rose" in w]
            eased = [q for w, q in result.moments if "eased" in w]
            self.assertEqual(rose, [texts[2]])
            self.assertIn(texts[3], eased)
            self.assertEqual(result.referred_turns, 1)
            self.assertEqual(result.leader_words, sum(len(texts[i].split()) for i in (0, 2, 3)))

    def test_older_states_without_referral_records_pair_by_the_messages(self):
        play = RolePlay.start("performance_conversation")
        counterpart_reply(play, "Thank you for coming in; I know this has been hard.")
        counterpart_reply(play, "You always miss deadlines and it's pathetic.")
        texts = ["Thank you for coming in; I know this has been hard.", CRISIS, HARSH[0]]
        texts[2] = "You always miss deadlines and it's pathetic."
        result = debrief(play, texts, [False, True, False])
        self.assertEqual([q for w, q in result.moments if "rose" in w], [texts[2]])

    def test_reflective_questions_and_talk_share_fit_the_scenario(self):
        long_turn = "I want to walk you through everything that happened in detail. " * 6
        questions = {}
        for key in ("angry_customer", "feedback_high_performer"):
            play = RolePlay.start(key)
            counterpart_reply(play, long_turn)
            result = debrief(play, [long_turn])
            self.assertGreater(result.talk_share, 0.6)
            self.assertEqual(result.talk_share_note, scenarios()[key].talk_share["high"])
            questions[key] = result.questions_to_reflect
        self.assertIn("heard", scenarios()["angry_customer"].talk_share["high"])
        self.assertNotEqual(questions["angry_customer"], questions["feedback_high_performer"])
        self.assertTrue(any("Pat" in q for q in questions["angry_customer"]))


class RolePlayPageTests(WorldTestCase):
    def _start(self, scenario="feedback_high_performer"):
        self.login(self.w.coachee)
        self.client.post(
            reverse("companion:roleplay_home", args=[self.w.engagement.code]),
            {"scenario": scenario, "consent": "yes"},
        )
        conv = CompanionConversation.objects.get(scenario=scenario)
        return conv, reverse("companion:roleplay", args=[conv.code])

    def test_play_through_the_pages_and_read_the_debrief(self):
        conv, url = self._start()
        for line in CALM:
            self.client.post(url, {"text": line})
        page = self.client.get(url)
        self.assertContains(page, "Debrief")
        self.assertContains(page, "not a score")
        self.assertContains(page, "5.0 →")
        self.assertContains(
            page, scenarios()["feedback_high_performer"].talk_share["balanced"][:30]
        )
        conv.refresh_from_db()
        self.assertLess(conv.state["tension"], 5)
        self.assertNotIn("Tuesday", str(conv.state))
        self.assertNotIn("Mia", str(conv.state))
        self.login(self.w.coach)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_after_a_referred_turn_the_debrief_quotes_the_right_moments(self):
        conv, url = self._start("performance_conversation")
        calm = "Thank you for coming in; I know this has been a hard quarter."
        harsh = "You always miss deadlines and frankly it's pathetic."
        repair = "I'm sorry, that was unfair of me. What would help you most?"
        for line in (calm, CRISIS, "continue", harsh, repair):
            self.client.post(url, {"text": line})
        conv.refresh_from_db()
        replies = list(conv.messages.filter(speaker="companion").order_by("created_at", "id"))
        self.assertEqual([m.referred for m in replies], [False, True, True, False, False])
        self.assertEqual(replies[2].text, RESUME_REPLIES["en"])
        self.assertEqual(len(conv.state["turns"]), 5)
        self.assertTrue(conv.state["turns"][1]["referred"])
        self.assertEqual(conv.state["turns"][1]["tension"], conv.state["turns"][0]["tension"])
        result = self.client.get(url).context["debrief"]
        self.assertEqual([q for w, q in result.moments if "rose" in w], [harsh])
        self.assertIn(repair, [q for w, q in result.moments if "eased" in w])
        self.assertNotIn(CRISIS, [q for _w, q in result.moments])
        page = self.client.get(url)
        self.assertContains(page, "left out of this debrief")

    def test_after_a_referral_the_counterpart_waits_until_the_leader_asks_to_go_on(self):
        conv, url = self._start("performance_conversation")
        self.client.post(url, {"text": "Thank you for coming in."})
        self.client.post(url, {"text": CRISIS})
        conv.refresh_from_db()
        tension = conv.state["tension"]
        # Still in crisis territory, said in anger: no counterpart, no tension, a check-in.
        for line in ("You're fired.", "whatever, I don't care about any of it"):
            self.client.post(url, {"text": line})
            conv.refresh_from_db()
            last = conv.messages.filter(speaker="companion").order_by("created_at", "id").last()
            self.assertEqual(last.text, PAUSE_REPLIES["en"])
            self.assertEqual(conv.state["tension"], tension)
        self.client.post(url, {"text": "ok, let's continue"})
        self.client.post(url, {"text": "I'm sorry, that was unfair of me. What would help you?"})
        conv.refresh_from_db()
        last = conv.messages.filter(speaker="companion").order_by("created_at", "id").last()
        self.assertNotIn(last.text, (*PAUSE_REPLIES.values(), *RESUME_REPLIES.values()))
        self.assertEqual(conv.state["paused"], "")


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
        self.assertNotIn("Which projects", json.dumps(play.to_dict()))
        reply, source = model_counterpart_reply(play, CALM[2], config)
        self.assertEqual(source, "offline")
        self.assertEqual(reply.split()[-1], line_text(play.turns[-1]["lines"][-1]).split()[-1])

    def test_a_model_line_the_safety_net_flags_never_reaches_the_leader(self):
        from bearing.companion.llm import ModelConfig
        from bearing.companion.roleplay import model_counterpart_reply
        from bearing.companion.tests.test_llm import ScriptedModel

        server = ScriptedModel(["Honestly, I just want to kill myself over this project."])
        self.addCleanup(server.close)
        config = ModelConfig(url=server.url, model="t", timeout=0.5)
        play = RolePlay.start("no_to_boss")
        reply, source = model_counterpart_reply(play, "What would you drop?", config)
        self.assertEqual(source, "offline")
        self.assertNotIn("kill", reply)
        self.assertTrue(play.turns[-1]["lines"][0].startswith("common.neutral."))


class RolePlayEvaluationTests(SimpleTestCase):
    def test_the_role_play_gates_are_met(self):
        from bearing.companion.evals import roleplay

        section = roleplay.evaluate()
        self.assertEqual(section.failures(timed=False), [])
        self.assertGreater(section.figures["heldout_rows"], 0)
        self.assertGreater(section.figures["min_turns_to_pin"], 3)

    def test_the_tone_model_is_built_from_dev_rows_and_bearings_own_turns_only(self):
        from bearing.companion.evals import roleplay
        from bearing.companion.roleplay import TONE

        self.assertEqual(json.loads(TONE.read_text()), roleplay.build_tone_model())
        rows = roleplay.load_rows()
        secret = roleplay.Row("x1", "heldout", "feedback", "raise", "zqxjv zqxjv wrblq wrblq")
        with mock.patch.object(roleplay, "load_rows", return_value=[*rows, secret]):
            model = roleplay.build_tone_model()
        self.assertNotIn("zqxjv", model["features"])
        self.assertEqual(model, roleplay.build_tone_model())

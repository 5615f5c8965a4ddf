import json
import tempfile
from io import StringIO

from django.core.management import CommandError, call_command
from django.test import SimpleTestCase

from bearing.companion.engine import (
    REFERRAL,
    Conversation,
    question_bank,
    respond,
    validate_reply,
)
from bearing.companion.evals.core import gold_figures as evaluate
from bearing.companion.evals.core import load_conversations, load_statements


class QuestionBankTests(SimpleTestCase):
    def test_bank_has_150_open_questions_across_stages_and_focus_areas(self):
        bank = question_bank()
        self.assertGreaterEqual(len(bank), 150)
        self.assertEqual({q.stage for q in bank}, {"goal", "reality", "options", "will", "close"})
        self.assertGreaterEqual(len({q.focus for q in bank}), 8)
        for q in bank:
            self.assertEqual(validate_reply(q.text.replace("{topic}", "x")), [], q.text)


class EngineTests(SimpleTestCase):
    def test_every_reply_is_one_question_and_never_repeats(self):
        for lines in load_conversations():
            conv, asked = Conversation(seed="t"), set()
            for line in lines:
                turn = respond(conv, line)
                self.assertEqual(validate_reply(turn.reply), [], turn.reply)
                if turn.question_id and turn.question_id != "offer-action":
                    self.assertNotIn(turn.question_id, asked)
                    asked.add(turn.question_id)

    def test_the_same_conversation_gives_the_same_replies(self):
        lines = load_conversations()[0]
        a = [respond(c := Conversation(seed="s"), line).reply for line in lines[:1]]
        b = [respond(Conversation(seed="s"), line).reply for line in lines[:1]]
        self.assertEqual(a, b)
        self.assertIsNotNone(c)

    def test_crisis_statements_are_referred_every_time(self):
        conv = Conversation()
        for _ in range(3):
            turn = respond(conv, "Some days I don't want to live anymore.")
            self.assertTrue(turn.referred)
            self.assertEqual(turn.reply, REFERRAL)

    def test_reflection_uses_the_leaders_words(self):
        conv = Conversation()
        respond(conv, "I want to get better at delegating.")
        turn = respond(conv, "Right now I review every document myself and I am exhausted.")
        self.assertIn("review every document yourself", turn.reply)
        self.assertIn("overwhelmed", turn.reply)

    def test_it_ends_by_offering_to_add_the_commitment_as_an_action(self):
        conv = Conversation()
        for line in load_conversations()[0]:
            turn = respond(conv, line)
            if turn.question_id == "offer-action":
                self.assertIn("talk to Aisha on Monday", turn.reply)
                break
        else:
            self.fail("the companion never offered to add the commitment")

    def test_validator_rejects_advice_and_stacked_questions(self):
        self.assertIn(
            "gives advice", validate_reply("You should delegate more. What do you think?")
        )
        self.assertIn(
            "must end with exactly one question", validate_reply("What do you want? And why?")
        )


class GoldSetTests(SimpleTestCase):
    def test_gold_set_is_big_enough(self):
        self.assertGreaterEqual(len(load_statements()), 100)
        self.assertGreaterEqual(len(load_conversations()), 10)

    def test_companion_meets_every_gate(self):
        figures = evaluate()
        self.assertEqual(figures.failures(), [], figures)


class CommandTests(SimpleTestCase):
    def test_script_prints_one_json_line_per_turn(self):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
            fh.write(
                "I want to delegate more.\nI could ask Aisha.\n\nI can't stop crying at work.\n"
            )
        out = StringIO()
        call_command("companion", "--script", fh.name, stdout=out)
        rows = [json.loads(line) for line in out.getvalue().splitlines()]
        self.assertEqual([r["conversation"] for r in rows], [1, 1, 2])
        self.assertEqual(rows[0]["stage"], "goal")
        self.assertTrue(rows[2]["referred"])
        self.assertTrue(all(r["reply"].endswith("?") for r in rows))

    def test_missing_script_is_a_clear_error(self):
        with self.assertRaises(CommandError):
            call_command("companion", "--script", "/nonexistent/file.txt", stdout=StringIO())

    def test_eval_command_prints_figures_and_passes(self):
        out = StringIO()
        call_command("eval_companion", stdout=out)
        self.assertIn("stage_accuracy", out.getvalue())
        self.assertIn("All companion gates met.", out.getvalue())

"""Drafting the questions the room is likely to ask."""

from django.test import SimpleTestCase

from bearing.rehearsals.questions import MAX_QUESTIONS, draft


class DraftTests(SimpleTestCase):
    def test_each_listener_asks_about_the_key_messages_in_turn(self):
        found = draft(["We hire ten engineers for the platform team"])
        self.assertEqual([q.listener for q in found[:3]], ["board", "team", "detail"])
        self.assertEqual(
            found[0].text,
            "What makes you confident about “We hire ten engineers for the platform team”?",
        )
        self.assertTrue(all(q.text.endswith("?") for q in found))

    def test_numbers_and_claims_are_questioned(self):
        found = draft(
            ["Open an office in Lisbon"],
            slides_text="Revenue grew 12% last year. Costs will fall by $2m because we automate.",
        )
        texts = " ".join(q.text for q in found)
        self.assertIn("Where does 12% come from", texts)
        self.assertIn("$2m", texts)
        self.assertIn("Who will do the work behind “costs will fall by $2m", texts)

    def test_at_most_nine_and_always_the_same(self):
        messages = [f"Message number {i} matters" for i in range(8)]
        self.assertEqual(len(draft(messages)), MAX_QUESTIONS)
        self.assertEqual(draft(messages), draft(messages))

    def test_nothing_to_ask_about(self):
        self.assertEqual(draft([], "", ""), [])


class AnswerNoteTests(SimpleTestCase):
    def test_what_is_noticed_in_an_answer(self):
        from bearing.rehearsals.questions import Question, note_answer

        q = Question("detail", "What exactly does 12% include?", "Revenue grew 12% last year")
        note = note_answer(q, "Um, well. Revenue from new customers only, 12 percent.")
        self.assertFalse(note.leads_with_the_point)  # "Um, well." comes first
        self.assertTrue(note.asked_for_a_number)
        self.assertTrue(note.gives_a_number)
        self.assertEqual(note.fillers, ["um"])
        direct = note_answer(q, "Revenue from new customers only. Renewals are not in it.")
        self.assertTrue(direct.leads_with_the_point)
        self.assertFalse(direct.long)

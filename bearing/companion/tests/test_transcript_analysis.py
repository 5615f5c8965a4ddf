"""The transcript analyser's counts against hand counts on fixture transcripts."""

from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.transcript_analysis import analyse, parse_transcript
from bearing.testing import WorldTestCase

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Counted by hand, utterance by utterance, with the rules in transcript_analysis.py.
EXPECTED = {
    "good_practice.txt": {
        "turns": 12,
        "coach_turns": 6,
        "client_turns": 6,
        "coach_words": 51,
        "client_words": 66,
        "questions": 5,
        "open_questions": 5,
        "closed_questions": 0,
        "stacked_question_turns": 0,
        "advice_turns": 0,
        "reflections": 1,
        "outcome_agreed": True,
        "measure_agreed": True,
        "client_designed_actions": True,
    },
    "advice_heavy.txt": {
        "turns": 10,
        "coach_turns": 5,
        "client_turns": 5,
        "coach_words": 51,
        "client_words": 34,
        # "Have you tried giving him clearer deadlines?" is advice by MITI 4.2.1, not a
        # question (it still counts toward the stacked questions of its turn)
        "questions": 5,
        "open_questions": 0,
        "closed_questions": 5,
        "stacked_question_turns": 2,
        "advice_turns": 3,
        "reflections": 0,
        "outcome_agreed": False,
        "measure_agreed": False,
        "client_designed_actions": False,
    },
    "board.vtt": {
        "turns": 8,
        "coach_turns": 4,
        "client_turns": 4,
        "coach_words": 36,
        "client_words": 33,
        "questions": 3,
        # "Who else could help you rehearse?" asks for a name: closed (MITI 3.1.1 split)
        "open_questions": 2,
        "closed_questions": 1,
        "stacked_question_turns": 0,
        "advice_turns": 0,
        "reflections": 1,
        "outcome_agreed": True,
        "measure_agreed": True,
        "client_designed_actions": True,
    },
}


class TranscriptAnalysisTests(SimpleTestCase):
    def test_counts_match_hand_counts(self):
        for name, expected in EXPECTED.items():
            report = analyse((FIXTURES / name).read_text())
            actual = {key: getattr(report, key) for key in expected}
            self.assertEqual(actual, expected, name)

    def test_observations_carry_quotes_markers_and_estimates_and_no_score(self):
        report = analyse((FIXTURES / "advice_heavy.txt").read_text())
        advice = next(o for o in report.observations if o.key == "advice")
        self.assertTrue(advice.estimate)
        self.assertIn("You should put it in writing", advice.quotes[1].text)
        self.assertTrue(all(o.pcc_markers for o in report.observations))
        self.assertFalse(any("score" in (o.title + o.finding).lower() for o in report.observations))
        self.assertFalse(hasattr(report, "score"))

    def test_good_practice_shows_a_higher_reflection_to_question_ratio_than_advice(self):
        good = analyse((FIXTURES / "good_practice.txt").read_text())
        reflective = analyse((FIXTURES / "reflective_session.txt").read_text())
        advice = analyse((FIXTURES / "advice_heavy.txt").read_text())
        self.assertEqual(advice.reflection_to_question, 0.0)
        self.assertGreater(good.reflection_to_question, advice.reflection_to_question)
        self.assertGreater(reflective.reflection_to_question, 1.0)
        self.assertIsNone(advice.complex_reflection_share)  # no reflections to divide

    def test_reflections_and_advice_are_counted_by_kind_with_quoted_examples(self):
        reflective = analyse((FIXTURES / "reflective_session.txt").read_text())
        self.assertEqual((reflective.questions, reflective.reflections), (3, 5))
        self.assertEqual(reflective.simple_reflections + reflective.complex_reflections, 5)
        self.assertGreaterEqual(reflective.complex_reflections, 3)
        counts = {c.code: c for c in reflective.code_counts}
        self.assertIn("On one hand the role excites you", counts["CR"].examples[0].text)
        advice = analyse((FIXTURES / "advice_heavy.txt").read_text())
        self.assertEqual((advice.advice_without_permission, advice.advice_with_permission), (4, 0))
        self.assertEqual(
            [q.code for q in next(o for o in advice.observations if o.key == "advice").quotes],
            ["ADV", "ADV", "ADV"],
        )

    def test_advice_after_the_coachee_asks_for_it_is_counted_with_permission(self):
        report = analyse(
            "Coach: What is on your mind?\n"
            "Client: My deputy keeps missing deadlines. What would you do?\n"
            "Coach: Since you ask, some leaders agree a weekly check-in; you know him best.\n"
            "Client: Maybe.\n"
            "Coach: You should also put it in writing.\n"
        )
        self.assertEqual((report.advice_with_permission, report.advice_without_permission), (1, 1))

    def test_miti_reference_levels_sit_beside_the_figures_as_levels_not_a_verdict(self):
        report = analyse((FIXTURES / "reflective_session.txt").read_text())
        levels = {level.name: level for level in report.reference_levels}
        rq = levels["Reflections to questions"]
        self.assertEqual((rq.value, rq.fair, rq.good), ("1.7:1", "1:1", "2:1"))
        cr = levels["Complex reflections, share of all reflections"]
        self.assertEqual((cr.fair, cr.good), ("40%", "50%"))
        balance = next(o for o in report.observations if o.key == "balance")
        self.assertTrue(balance.estimate)
        self.assertIn("MITI 4.2.1", balance.finding)
        self.assertIn("not a grade", balance.finding)

    def test_continuation_lines_and_custom_coach_label(self):
        turns = parse_transcript("Mentor: Hello.\nHow are you?\nAnna: Fine.", coach_label="Mentor")
        self.assertEqual([t.text for t in turns], ["Hello. How are you?", "Fine."])
        self.assertTrue(turns[0].is_coach)

    def test_bad_input_gets_a_clear_message(self):
        for text, message in (
            ("", "empty"),
            ("hello there", "speaker label"),
            ("Client: hi", "No turns by 'Coach'"),
        ):
            with self.assertRaisesRegex(ValueError, message):
                analyse(text)


class TranscriptPageTests(WorldTestCase):
    def test_a_coach_uploads_a_transcript_and_reads_observations(self):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.urls import reverse

        self.login(self.w.other_coach)
        upload = SimpleUploadedFile("s.txt", (FIXTURES / "advice_heavy.txt").read_bytes())
        response = self.client.post(
            reverse("companion:transcript"), {"upload": upload, "coach_label": "Coach"}
        )
        self.assertContains(response, "Advice appeared in 3 coach turn(s).")
        self.assertContains(response, "estimate")
        self.assertContains(response, "Beside MITI 4.2.1")
        self.assertContains(response, "<td>2:1</td>", html=False)
        self.assertContains(response, "Advice without permission</th><td>4</td>", html=False)
        self.assertContains(response, "<q>You should put it in writing.</q>", html=False)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        self.assertLessEqual({"private", "no-store"}, cache_control)

    def test_quoted_words_are_escaped(self):
        from django.urls import reverse

        self.login(self.w.coach)
        response = self.client.post(
            reverse("companion:transcript"),
            {
                "transcript": "Coach: You should <b>push</b> back.\nClient: Okay.",
                "coach_label": "Coach",
            },
        )
        self.assertContains(response, "&lt;b&gt;push&lt;/b&gt;")
        self.assertNotContains(response, "<b>push</b>", html=False)

    def test_bad_transcript_gets_a_message(self):
        from django.urls import reverse

        self.login(self.w.coach)
        response = self.client.post(
            reverse("companion:transcript"),
            {"transcript": "no labels here", "coach_label": "Coach"},
        )
        self.assertContains(response, "speaker label", status_code=400)

    def test_not_for_coachees_or_sponsors(self):
        from django.urls import reverse

        for user in (self.w.coachee, self.w.sponsor, self.w.staff):
            self.login(user)
            self.assertEqual(self.client.get(reverse("companion:transcript")).status_code, 404)

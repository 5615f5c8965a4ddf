"""The transcript analyser's counts against hand counts on fixture transcripts."""

from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.transcript_analysis import analyse, parse_transcript
from bearing.lib.testing import WorldTestCase

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Counted by hand, sentence by sentence, with the rules in transcript_analysis.py.
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
        "questions": 6,
        "open_questions": 0,
        "closed_questions": 6,
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
        "open_questions": 3,
        "closed_questions": 0,
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
        self.assertEqual(response["Cache-Control"], "private, no-store")

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

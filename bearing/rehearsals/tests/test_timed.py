"""Reading a pasted timed transcript."""

from django.test import SimpleTestCase

from bearing.rehearsals.timed import TimedTranscriptError, parse


class TimedTranscriptTests(SimpleTestCase):
    def test_lines_starting_with_a_time_run_until_the_next_line(self):
        timed = parse("0:00 Good morning everyone\n[0:04] Today we decide\n0:10\n")
        self.assertEqual([w for _, _, w in timed.words][:3], ["Good", "morning", "everyone"])
        self.assertEqual(timed.duration, 10.0)
        self.assertAlmostEqual(timed.words[3][0], 4.0)

    def test_without_an_end_the_last_line_keeps_the_pace_before_it(self):
        timed = parse("0:00 one two three four\n0:02 five six")
        self.assertAlmostEqual(timed.duration, 3.0)

    def test_hours_and_lines_without_a_time_continue_the_line_before(self):
        timed = parse("1:00:00 start here\nand go on\n1:00:10")
        self.assertEqual(len(timed.words), 5)
        self.assertEqual(timed.duration, 3610.0)

    def test_webvtt_captions_give_their_gaps_as_pauses(self):
        timed = parse(
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHello there\n\n"
            "00:00:05.500 --> 00:00:07.000\n<v Lena>Next point\n"
        )
        self.assertEqual([w for _, _, w in timed.words], ["Hello", "there", "Next", "point"])
        self.assertEqual(timed.pauses, [(2.0, 5.5)])

    def test_srt_captions_with_commas(self):
        timed = parse(
            "1\n00:00:01,000 --> 00:00:02,500\nHi all\n\n2\n00:00:03,000 --> 00:00:04,000\nOK"
        )
        self.assertEqual(len(timed.words), 3)

    def test_what_is_refused_says_what_to_fix(self):
        for text, says in (
            ("", "Paste the transcript first"),
            ("Just words, no times", "Start each line with the time"),
            ("0:10 later\n0:05 earlier", "Line 2: the time goes backwards (0:05 after 0:10)"),
            ("0:75 sixty", "more than 59"),
            ("0:00\n", "Paste the transcript first"),
            ("4:00:00 long\n", "longer than three hours"),
        ):
            with self.subTest(text=text), self.assertRaisesMessage(TimedTranscriptError, says):
                parse(text)

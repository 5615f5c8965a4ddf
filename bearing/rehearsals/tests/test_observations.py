"""The observations: each rule on small, hand-made talks."""

from django.test import SimpleTestCase

from bearing.rehearsals.observations import (
    clock,
    find_bursts,
    find_fillers,
    find_hedges,
    find_key_messages,
    find_repeated_phrases,
    observe,
    pace_series,
    tokens_of,
)
from bearing.rehearsals.timed import Timed


def timed(text: str, seconds_per_word: float = 0.4, gaps: dict | None = None) -> Timed:
    """Words at an even pace; ``gaps`` adds silence before the word at an index."""
    words, t = [], 0.0
    for i, w in enumerate(text.split()):
        t += (gaps or {}).get(i, 0.0)
        words.append((t, t + seconds_per_word * 0.8, w))
        t += seconds_per_word
    return Timed(words=words, duration=t)


class FillerTests(SimpleTestCase):
    def fillers(self, text):
        return [m.text for m in find_fillers(tokens_of(timed(text)))]

    def test_sounds_are_fillers_wherever_they_stand(self):
        self.assertEqual(self.fillers("Um, so we, uh, grew. Er yes"), ["um", "uh", "er"])

    def test_like_is_a_filler_only_when_set_off(self):
        self.assertEqual(self.fillers("Like, the question is"), ["like"])
        self.assertEqual(self.fillers("it was, like, huge"), ["like"])
        self.assertEqual(self.fillers("I like this plan and we like it"), [])

    def test_you_know_is_a_filler_unless_something_known_follows(self):
        self.assertEqual(self.fillers("and, you know, that is good"), ["you know"])
        self.assertEqual(self.fillers("you know what we did"), [])
        self.assertEqual(self.fillers("I mean, it works. It means a lot"), ["i mean"])

    def test_bursts_are_three_within_ten_seconds(self):
        found = find_fillers(
            tokens_of(timed("um a uh b um c d e f g h i j k l m n o p q r s t u v w x y z um"))
        )
        bursts = find_bursts(found)
        self.assertEqual([(b.at, b.text) for b in bursts], [(0.0, "3")])


class PhraseTests(SimpleTestCase):
    def test_hedges_longest_first(self):
        hedges = find_hedges(tokens_of(timed("I think maybe we could, sort of, probably win")))
        self.assertEqual([h.text for h in hedges], ["i think maybe", "sort of", "probably"])

    def test_repeated_phrases_leave_out_small_words_and_shorter_copies(self):
        text = "at the end of the day we ship at the end of the day we learn and the the"
        found = find_repeated_phrases(tokens_of(timed(text)))
        self.assertEqual(found[0], ("at the end of the day", 2))
        self.assertNotIn(("end of the day", 2), found)


class KeyMessageTests(SimpleTestCase):
    def test_a_message_is_heard_in_other_words_and_numbers(self):
        tokens = tokens_of(timed("Good morning. First we hire 10 engineers for the platform team."))
        found = find_key_messages(tokens, ["Hire ten platform engineers", "Raise prices"])
        self.assertEqual(found[0].said_at, 1.6)
        self.assertIsNone(found[1].said_at)


class PaceTests(SimpleTestCase):
    def test_a_steady_talk_reads_its_pace_everywhere(self):
        series = pace_series(tokens_of(timed("word " * 300, seconds_per_word=0.4)), 120.0)
        self.assertTrue(all(abs(wpm - 150) <= 2 for _, wpm in series), series)
        self.assertEqual(series[0][0], 15.0)

    def test_a_short_talk_has_one_reading(self):
        self.assertEqual(pace_series(tokens_of(timed("a b c d", 0.5)), 2.0), [(1.0, 120.0)])

    def test_nothing_said_has_no_pace(self):
        self.assertEqual(pace_series([], 10.0), [])


class ObserveTests(SimpleTestCase):
    def test_the_whole_reading(self):
        talk = timed(
            "Um, good morning. Uh, the plan: we hire ten engineers. You know, that is it.",
            gaps={5: 3.0},
        )
        found = observe(talk, minutes_allowed=1, key_messages=["hire ten engineers"])
        self.assertEqual(found.words, 15)
        self.assertEqual(found.fillers_per_100, round(100 * 3 / 15, 1))
        # The gap before "plan:" is 3 s of silence plus the 0.08 s between words.
        self.assertEqual(found.long_pauses, [(1.9, 3.1)])
        self.assertEqual(found.time_to_point, found.key_messages[0].said_at)
        self.assertLess(found.over_by, 0)
        self.assertEqual(found.band, (100, 165))

    def test_vad_pauses_are_used_when_the_transcriber_gave_them(self):
        talk = timed("one two three four")
        talk.pauses = [(0.5, 3.0), (3.0, 3.5)]
        self.assertEqual(observe(talk, minutes_allowed=1).long_pauses, [(0.5, 2.5)])

    def test_clock(self):
        self.assertEqual(
            [clock(5), clock(754), clock(3723), clock(None)], ["0:05", "12:34", "1:02:03", "—"]
        )

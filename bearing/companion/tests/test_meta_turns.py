"""Requests for advice, "you already asked that" and frustration, phrased in many ways
the cue lists were not written from (fixtures/meta_turns.tsv): each kind must be
recognised and acknowledged before the next question, and ordinary work talk that
mentions advice, repeats or frustration must not be taken for one."""

import re
from collections import Counter
from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.engine import Conversation, read, respond
from bearing.companion.evals.conversations import ACK_PATTERNS, _question_of

FIXTURE = Path(__file__).parent / "fixtures" / "meta_turns.tsv"
KINDS = ("advice_request", "repeat_complaint", "frustration")


def _rows() -> list[tuple[str, str]]:
    rows = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, text = line.split("\t", 1)
            rows.append((label, text.strip()))
    return rows


ROWS = _rows()


def _recognised(label: str, labels: set[str]) -> bool:
    # "I'd love some practical advice" reads as agreeing to hear ideas; the companion
    # treats it as the request it is.
    return label in labels or (label == "advice_request" and "advice_accept" in labels)


class MetaTurnTests(SimpleTestCase):
    def test_the_fixture_holds_enough_phrasings_of_each_kind(self):
        counts = Counter(label for label, _ in ROWS)
        for label in (*KINDS, "negative"):
            self.assertGreaterEqual(counts[label], 40, label)

    def test_each_kind_is_recognised(self):
        for label in KINDS:
            texts = [t for lab, t in ROWS if lab == label]
            missed = [t for t in texts if not _recognised(label, read(t).labels)]
            with self.subTest(label=label):
                self.assertGreaterEqual(1 - len(missed) / len(texts), 0.95, missed)

    def test_work_talk_is_not_taken_for_a_turn_about_the_conversation(self):
        texts = [t for lab, t in ROWS if lab == "negative"]
        taken = [t for t in texts if read(t).labels & set(KINDS)]
        self.assertLessEqual(len(taken) / len(texts), 0.05, taken)

    def test_each_kind_is_acknowledged_before_the_question(self):
        for label in KINDS:
            texts = [t for lab, t in ROWS if lab == label]
            missed = []
            for text in texts:
                conv = Conversation(seed="meta")
                respond(conv, "I want to get better at delegating to my team.")
                respond(conv, "Right now I review everything myself.")
                turn = respond(conv, text)
                lead, _ = _question_of(turn.reply)
                if not (turn.referred or re.search(ACK_PATTERNS[label], lead.lower())):
                    missed.append(text)
            with self.subTest(label=label):
                self.assertGreaterEqual(1 - len(missed) / len(texts), 0.95, missed)

    def test_words_reported_from_someone_else_are_not_said_to_the_companion(self):
        for text in (
            "My manager said we've been over this before.",
            "He asked me the same question in every review.",
            "Our CEO always says just tell me what you need.",
            "Customers complain that support asks them the same thing again and again.",
        ):
            with self.subTest(text=text):
                self.assertEqual(read(text).labels & set(KINDS), set())
        both = "My manager said that too, and you already asked it."
        self.assertIn("repeat_complaint", read(both).labels)

    def test_a_disclosure_is_never_read_as_a_request_for_advice(self):
        for text in (
            "My husband hit me again after the client dinner.",
            "He told me to keep quiet about it.",
        ):
            with self.subTest(text=text):
                self.assertNotIn("advice_request", read(text).labels)

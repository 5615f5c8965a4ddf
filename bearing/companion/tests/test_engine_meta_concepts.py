"""Turns about the conversation read by what they mean (engine.said_to_the_companion),
not only by the listed cues: phrasings written for these tests, the ordinary turns that
used to be mistaken for them, short turns in Spanish, German and French, and the
development probe (sets/conversations_probe.txt), written before the concepts were."""

from django.test import SimpleTestCase

from bearing.companion.engine import (
    Conversation,
    detect_language,
    read,
    reflect,
    respond,
    said_to_the_companion,
)
from bearing.companion.evals.conversations import probe_figures

KINDS = {"advice_request", "repeat_complaint", "frustration"}

# Each recognised by its concept alone, without the cue lists.
BY_CONCEPT = {
    "advice_request": [
        "Could you point me at a decent approach for this?",
        "If it were your call, keep him or let him go?",
        "Is there a sensible structure for a skip-level meeting?",
        "I'm after a checklist for my first week.",
        "What would a seasoned CFO do with a budget like this?",
        "Be straight with me and tell me which option wins.",
        "I could use some pointers on running the offsite.",
        "wat shud i do about the rota",
        "Okay but what do I actually say to him on Monday",
        "what's a good opening line for the restructuring announcement",
        "What would Brené Brown say",
        "suggestions welcome",
        "you're dodging the question",
        "quit deflecting and answer",
        "it's a yes or no question",
        "You haven't answered my question.",
        "I'm still waiting for an answer.",
        "I'd be curious what you think.",
    ],
    "repeat_complaint": [
        "You've put that to me already.",
        "We keep landing on the same point.",
        "I covered that a couple of messages ago.",
        "That question again?",
        "Didn't I answer this earlier?",
        "It's like déjà vu in here.",
        "didnt we literally just do this",
        "asked & answered",
        "Can we stop going over the same stuff?",
        "Weren't you listening? I told you about the deadline.",
        "Asked. Answered.",
        "you already know my goal",
        "Yes, you asked.",
        "I've said all this.",
    ],
    "frustration": [
        "This chat is pointless.",
        "Honestly you're not helping at all.",
        "No more questions, please.",
        "I'm fed up with this.",
        "What's the point of any of this?",
        "Your questions are getting on my nerves.",
        "Stop. Asking. Questions.",
        "I'm sick and tired of answering questions.",
        "Waste. Of. Time.",
        "I don't know why I'm using this.",
        "Stop answering my questions with questions.",
        "This is like talking to a fortune cookie.",
        "I swear this thing is broken.",
        "Is this really the best you can do?",
        "Jesus, enough.",
        "Honestly? Waste of my evening.",
        "Useless bot.",
    ],
}

# Ordinary work talk that speaks of advice, repetition or frustration about others.
ORDINARY = [
    "She already asked for a raise last month and I said no.",
    "I already asked finance for a second review.",
    "This project is useless now that the client has cancelled the contract.",
    "It's annoying, but they are cheap.",
    "He asked me the same question in three meetings: why are we late?",
    "My team keeps asking me for advice on every small decision.",
    "I'm frustrated with my boss, he changes priorities every week.",
    "I told him twice already that the forecast is too optimistic.",
    "The new hire asks the same questions every day.",
    "My mentor gave me some advice I didn't like.",
    "We went over the plan twice with the board.",
    "I find budgeting tedious.",
    "The same thing happened last year.",
    "I told you about my boss, he shouts.",
    "Customers ask the same questions about pricing.",
    "It's frustrating when my peers don't reply.",
    "It was a waste of time to rewrite the deck.",
    "My manager told me to stop asking so many questions in meetings.",
    "We've discussed this with legal already.",
    "I've said before that I struggle with delegating.",
    "I want to stop asking my team for status updates every day.",
    "She didn't answer me for a week.",
    "I'm still waiting for an answer from legal.",
    "We dodged the pricing question with the client.",
    "The results are the same as last time.",
    "My team is curious what I think about the reorg.",
    "That's enough for today.",
    "ok so where do I start, the offsite moved, the ERP goes live Monday and my VP of sales "
    "is threatening to quit if we don't fix commissions, and I haven't even thought about "
    "my own goals",
]


class ConceptTests(SimpleTestCase):
    def test_each_kind_is_recognised_by_what_it_means(self):
        for kind, texts in BY_CONCEPT.items():
            for text in texts:
                with self.subTest(kind=kind, text=text):
                    self.assertIn(kind, said_to_the_companion(text))
                    self.assertIn(kind, read(text).labels)

    def test_ordinary_talk_about_others_is_not_said_to_the_companion(self):
        for text in ORDINARY:
            with self.subTest(text=text):
                self.assertEqual(said_to_the_companion(text) & KINDS, set())
                self.assertEqual(read(text).labels & KINDS, set())

    def test_words_reported_before_a_turn_to_the_companion_do_not_hide_it(self):
        text = "My manager keeps saying that, and you already asked it."
        self.assertIn("repeat_complaint", said_to_the_companion(text))

    def test_short_turns_in_other_languages_are_recognised(self):
        for text, language, kind in (
            ("Dame un consejo, por favor.", "Spanish", "advice_request"),
            ("Otra vez la misma pregunta.", "Spanish", "repeat_complaint"),
            ("Deja de hacerme preguntas.", "Spanish", "frustration"),
            ("Schon wieder dieselbe Frage.", "German", "repeat_complaint"),
            ("Was würdest du an meiner Stelle tun?", "German", "advice_request"),
            ("Arrête de me poser des questions.", "French", "frustration"),
            ("Du fragst immer dasselbe.", "German", "repeat_complaint"),
            ("J'en ai marre de tes questions.", "French", "frustration"),
            ("No me estás ayudando nada.", "Spanish", "frustration"),
            ("Esto no tiene sentido.", "Spanish", "frustration"),
            ("¿Me puedes ayudar con esto?", "Spanish", "advice_request"),
            ("Deine Fragen nerven.", "German", "frustration"),
            ("Tu peux m'aider ?", "French", "advice_request"),
        ):
            with self.subTest(text=text):
                self.assertEqual(detect_language(text), language)
                labels = read(text).labels
                self.assertIn("other_language", labels)
                self.assertIn(kind, labels)

    def test_english_turns_are_not_taken_for_another_language(self):
        for text in ("Same question again.", "Just tell me the answer.", "Total nonsense."):
            with self.subTest(text=text):
                self.assertIsNone(detect_language(text))

    def test_misspelt_and_shorthand_turns_are_recognised(self):
        for kind, text in (
            ("advice_request", "wat wud u do"),
            ("advice_request", "got any tipps"),
            ("advice_request", "hw do i handle this"),
            ("repeat_complaint", "u alrdy asked dat"),
            ("repeat_complaint", "same qestion again"),
            ("repeat_complaint", "asked that alredy"),
            ("frustration", "ths is usless"),
            ("frustration", "this is a wast of time"),
        ):
            with self.subTest(text=text):
                self.assertIn(kind, read(text).labels)

    def test_real_words_are_not_taken_for_misspellings(self):
        for text in ("I'm ready to gain ground.", "The listing went cold."):
            with self.subTest(text=text):
                self.assertEqual(read(text).labels & KINDS, set())

    def test_deja_vu_is_english_too(self):
        self.assertNotIn("other_language", read("deja vu...").labels)
        self.assertIn("repeat_complaint", read("deja vu...").labels)

    def test_each_acknowledgement_survives_a_reply_that_would_be_too_long(self):
        turn = respond(Conversation(seed="long"), "Who sees this? And what would you do?")
        self.assertEqual(set(turn.meta), {"privacy_question", "advice_request"})
        self.assertIn("only you", turn.reply.lower())
        self.assertIn("advice", turn.reply.lower())
        self.assertLessEqual(len(turn.reply.split()), 70)

    def test_perspectives_asked_for_with_a_complaint_acknowledge_it_first(self):
        conv = Conversation(seed="give")
        respond(conv, "I want to fix my hiring process.")
        respond(conv, "What should I do?")
        respond(conv, "Seriously, what should I do?")
        turn = respond(conv, "you already asked that, stop with the questions and give me tips")
        self.assertEqual(turn.question_id, "perspectives")
        self.assertTrue(turn.reply.startswith("You're right, I asked that already."))
        self.assertIn("Some leaders", turn.reply)

    def test_a_request_is_acknowledged_and_no_advice_follows(self):
        conv = Conversation(seed="concepts")
        respond(conv, "I want my directors to own their budgets.")
        turn = respond(conv, "Could you point me at a decent approach for this?")
        self.assertIn("advice_request", turn.meta)
        self.assertIn("advice", turn.reply.lower())
        self.assertEqual(turn.reply.count("?"), 1)


class ReflectionTests(SimpleTestCase):
    def test_someone_telling_the_leader_something_is_said_back_grammatically(self):
        said = reflect("Yesterday my report told me I never listen in one-to-ones.")
        self.assertIn("told you that you never listen", said)
        self.assertNotIn("you you", said)


class ProbeTests(SimpleTestCase):
    """The probe was written before the concepts; its "check" part was never tuned on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.figures = probe_figures()

    def test_every_kind_is_acknowledged_in_both_parts(self):
        for part in ("tune", "check"):
            for kind in sorted(KINDS):
                with self.subTest(part=part, kind=kind):
                    self.assertGreaterEqual(self.figures[f"probe_{part}_ack_{kind}_share"], 0.95)

    def test_ordinary_turns_are_rarely_taken_for_one(self):
        for part in ("tune", "check"):
            for kind in sorted(KINDS):
                with self.subTest(part=part, kind=kind):
                    self.assertLessEqual(self.figures[f"probe_{part}_false_{kind}_share"], 0.05)

    def test_every_reply_asks_one_question(self):
        for part in ("tune", "check"):
            self.assertEqual(self.figures[f"probe_{part}_one_question_share"], 1.0)

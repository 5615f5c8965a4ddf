"""The utterance coder behind transcript feedback, case by case (MITI 4.2.1 codes)."""

from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.transcript_analysis import (
    code_session,
    code_turn,
    code_utterance,
    split_utterances,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def hand_coded_cases() -> list[tuple[str, str, str]]:
    """(context, utterance, code) rows of fixtures/coding_cases.tsv, coded by hand."""
    rows = []
    for line in (FIXTURES / "coding_cases.tsv").read_text().splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("context\t"):
            continue
        context, utterance, code = line.split("\t")
        rows.append((context, utterance, code))
    return rows


class HandCodedCasesTests(SimpleTestCase):
    def test_every_hand_coded_case(self):
        cases = hand_coded_cases()
        self.assertGreaterEqual(len(cases), 40)
        for context, utterance, code in cases:
            with self.subTest(utterance=utterance):
                self.assertEqual(code_utterance(utterance, context), code)


class QuestionTests(SimpleTestCase):
    def test_leading_so_and_okay_right_well_do_not_close_an_open_question(self):
        for text in (
            "So what makes it hard to start?",
            "And how would you like it to go?",
            "Okay, what happened this time?",
            "Right, so how are you making sense of it?",
            "Well, what matters most to you today?",
            "So, and what else?",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "It went badly."), "Q_OPEN")

    def test_leading_words_do_not_open_a_closed_question(self):
        for text in ("So did you send it?", "And is that the plan?", "Okay, so was he there?"):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "I wrote to him."), "Q_CLOSED")

    def test_tag_questions_are_closed(self):
        for text in (
            "That was the right call, right?",
            "It's a hard deadline, isn't it?",
            "You'll talk to her this week, yeah?",
            "So the board meets on Thursday, correct?",
            "It is always the same person, no?",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "I told her on Monday."), "Q_CLOSED")

    def test_invitations_to_say_more_are_open(self):
        for text in (
            "Can you say more about that?",
            "Could you tell me what you have noticed?",
            "Tell me more about what's going on.",
            "Walk me through the meeting.",
            "I'm curious what she said.",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "My team doesn't trust me yet."), "Q_OPEN")

    def test_a_question_transcribed_without_its_question_mark(self):
        self.assertEqual(code_utterance("so what would you like to focus on today", ""), "Q_OPEN")
        self.assertEqual(code_utterance("and did you tell him", "I was angry."), "Q_CLOSED")

    def test_questions_for_a_fact_a_number_or_a_choice_are_closed(self):
        for text in (
            "How many people report to you now?",
            "When will you speak to him?",
            "On a scale of one to ten, how confident are you?",
            "Is it the workload or the people?",
            "Three roles, out of how many?",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "Three of my roles are at risk."), "Q_CLOSED")


class ReflectionTests(SimpleTestCase):
    def test_a_reflection_spoken_with_a_rising_question_mark_is_a_reflection(self):
        context = "I don't want to look like I can't cope."
        self.assertIn(
            code_utterance("You're worried she'll see it as you not coping?", context),
            {"SR", "CR"},
        )
        # the same thought with question syntax is a question
        self.assertEqual(
            code_utterance("Are you worried she'll see it as you not coping?", context), "Q_CLOSED"
        )

    def test_a_declarative_question_that_asks_for_something_new_is_closed(self):
        self.assertEqual(
            code_utterance(
                "And the team leads, you choose them yourself?", "I'll have three team leads."
            ),
            "Q_CLOSED",
        )

    def test_complex_reflections_add_feeling_meaning_or_the_other_side(self):
        context = "I love the job but I'm exhausted."
        self.assertEqual(
            code_utterance(
                "Part of you loves this work, and part of you is running on empty.", context
            ),
            "CR",
        )
        self.assertEqual(
            code_utterance("It sounds like you're afraid of letting people down.", "I say yes."),
            "CR",
        )
        self.assertEqual(code_utterance("You're exhausted.", context), "SR")

    def test_a_reflection_without_a_marker_is_still_a_reflection(self):
        self.assertIn(
            code_utterance("The meetings drain you.", "Every meeting leaves me flat."), {"SR", "CR"}
        )


class AdviceTests(SimpleTestCase):
    def test_suggestions_dressed_as_questions_are_advice(self):
        for text in (
            "Have you tried giving him clearer deadlines?",
            "What if you set a weekly check-in with him?",
            "Would it help to write it down for him?",
            "Why not just ask him?",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "Marco missed another deadline."), "ADV")

    def test_a_check_on_what_the_coachee_raised_is_a_question_not_advice(self):
        self.assertEqual(
            code_utterance("Have you spoken to her yet?", "I need to speak to her about it."),
            "Q_CLOSED",
        )

    def test_advice_the_coachee_asked_for_or_left_to_them_has_permission(self):
        self.assertEqual(
            code_utterance("One option is a written agreement.", "What would you do in my place?"),
            "ADV_PERM",
        )
        self.assertEqual(
            code_utterance(
                "Since you ask, I'd start with a short note; you'll know best whether it fits.",
                "Is that too much?",
            ),
            "ADV_PERM",
        )
        self.assertEqual(code_utterance("You should put it in writing.", "He ignores me."), "ADV")

    def test_permission_asked_and_given_carries_to_the_advice_that_follows(self):
        codes = code_session(
            [
                ("I'm stuck.", ["Would you like some ideas on how to start?"]),
                ("Yes, please.", ["I'd send him the agenda a day early."]),
                ("Good idea.", ["What will you do first?"]),
                ("Send it.", ["You should also copy his manager."]),
            ]
        )
        self.assertEqual(codes, [["OTHER"], ["ADV_PERM"], ["Q_OPEN"], ["ADV"]])

    def test_agreeing_to_look_at_options_is_not_permission_for_advice(self):
        codes = code_session(
            [
                ("I'm stuck.", ["Shall we look at some options?"]),
                ("Yes.", ["You should delegate the report."]),
            ]
        )
        self.assertEqual(codes, [["OTHER"], ["ADV"]])

    def test_seeking_collaboration_and_closings_are_other(self):
        for text in (
            "Shall we look at the comments now?",
            "Can I offer an observation?",
            "Let's come back to that.",
            "Good luck Thursday.",
            "Mm-hm.",
            "Great.",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "Yes."), "OTHER")


class InformationAndAffirmationTests(SimpleTestCase):
    def test_information_about_bearing_data_and_time_is_information(self):
        for text in (
            "Your peers rated you 3.9 on delegation, your manager 4.1.",
            "There's a role-play option in the companion where you can rehearse it.",
            "We've got about ten minutes left.",
        ):
            with self.subTest(text=text):
                self.assertEqual(code_utterance(text, "Okay."), "GI")

    def test_recognising_the_person_is_an_affirmation_praising_a_result_is_not(self):
        self.assertEqual(code_utterance("That took real courage.", "I told him."), "AF")
        self.assertEqual(
            code_utterance("You went back to her twice; that's real persistence.", "I tried."),
            "AF",
        )
        self.assertEqual(code_utterance("Great result!", "We won the bid."), "OTHER")
        self.assertEqual(code_utterance("Well done on the numbers.", "We beat the plan."), "OTHER")


class SplittingTests(SimpleTestCase):
    def test_a_reflection_running_into_a_question_is_two_utterances(self):
        self.assertEqual(
            split_utterances("You're torn between the two, so what would help you decide?"),
            ["You're torn between the two.", "What would help you decide?"],
        )

    def test_a_tag_question_and_a_lead_in_stay_whole(self):
        for text in ("You'll call her, right?", "Before we look, what are you hoping for?"):
            with self.subTest(text=text):
                self.assertEqual(split_utterances(text), [text])

    def test_sentences_are_units_and_numbers_do_not_end_them(self):
        self.assertEqual(
            split_utterances("You rated yourself 3.2 out of 5. Did that surprise you? Why?"),
            ["You rated yourself 3.2 out of 5.", "Did that surprise you?", "Why?"],
        )

    def test_consecutive_reflections_are_one_thought_and_questions_each_count(self):
        coded = code_turn(
            "You're tired. You've been carrying the team for months. What do you need? "
            "Who could help?",
            "I'm exhausted, I've been covering for two people since March.",
        )
        self.assertEqual([u.code for u in coded], ["CR", "Q_OPEN", "Q_CLOSED"])

"""How the utterance coder is measured: Cohen's κ, the set's format, and the gates."""

import hashlib
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.evals import coding


def pairs(table: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    """Two codings from a contingency table {(first, second): count}."""
    first, second = [], []
    for (a, b), count in table.items():
        first += [a] * count
        second += [b] * count
    return first, second


class CohenKappaTests(SimpleTestCase):
    def test_the_textbook_two_rater_example(self):
        # 50 proposals, two readers: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no;
        # p_o = 0.7, p_e = 0.5 -> κ = 0.4
        first, second = pairs(
            {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
        )
        self.assertAlmostEqual(coding.cohen_kappa(first, second), 0.4)

    def test_equal_agreement_gives_different_kappa_when_chance_differs(self):
        # the same 60% raw agreement, different marginals (κ ≈ 0.1304 and ≈ 0.2593)
        a = pairs({("yes", "yes"): 45, ("yes", "no"): 15, ("no", "yes"): 25, ("no", "no"): 15})
        b = pairs({("yes", "yes"): 25, ("yes", "no"): 35, ("no", "yes"): 5, ("no", "no"): 35})
        self.assertAlmostEqual(coding.cohen_kappa(*a), 0.1304, places=4)
        self.assertAlmostEqual(coding.cohen_kappa(*b), 0.2593, places=4)

    def test_perfect_chance_and_opposite_agreement(self):
        self.assertEqual(coding.cohen_kappa(["a", "b", "c"], ["a", "b", "c"]), 1.0)
        self.assertAlmostEqual(coding.cohen_kappa(["a", "a", "b", "b"], ["a", "b", "a", "b"]), 0.0)
        self.assertAlmostEqual(coding.cohen_kappa(["a", "b"], ["b", "a"]), -1.0)

    def test_codings_of_different_items_are_refused(self):
        with self.assertRaises(ValueError):
            coding.cohen_kappa(["a"], ["a", "b"])
        with self.assertRaises(ValueError):
            coding.cohen_kappa([], [])


class MeasureTests(SimpleTestCase):
    def test_precision_recall_and_f1_for_a_group_of_codes(self):
        human = ["SR", "CR", "SR", "Q_OPEN", "GI"]
        coder = ["SR", "SR", "Q_OPEN", "Q_OPEN", "CR"]
        precision, recall, f1 = coding.precision_recall_f1(human, coder, {"SR", "CR"})
        # coder called 3 reflections, 2 of them reflections; human had 3, 2 found
        self.assertAlmostEqual(precision, 2 / 3)
        self.assertAlmostEqual(recall, 2 / 3)
        self.assertAlmostEqual(f1, 2 / 3)

    def test_the_set_format_is_checked(self):
        header = "# a comment\nid\tsplit\tsession\tquality\tcontext\tutterance\tcode\n"
        with tempfile.TemporaryDirectory() as folder:
            good = Path(folder) / "good.tsv"
            good.write_text(header + "s01-01\tdev\ts01\tgood\t-\tWhat else?\tQ_OPEN\n")
            self.assertEqual([r.code for r in coding.load(good)], ["Q_OPEN"])
            unknown = Path(folder) / "unknown.tsv"
            unknown.write_text(header + "s01-01\tdev\ts01\tgood\t-\tWhat else?\tQUESTION\n")
            with self.assertRaisesRegex(ValueError, "unknown code"):
                coding.load(unknown)
            short = Path(folder) / "short.tsv"
            short.write_text(header + "s01-01\tdev\ts01\tWhat else?\tQ_OPEN\n")
            with self.assertRaisesRegex(ValueError, "columns"):
                coding.load(short)

    def test_rows_of_one_turn_are_coded_together_in_spoken_order(self):
        rows = [
            coding.Row("s1-1", "dev", "s1", "good", "I'm stuck.", "Can I offer an idea?", "OTHER"),
            coding.Row(
                "s1-2", "dev", "s1", "good", "Yes, please.", "I'd write it down.", "ADV_PERM"
            ),
            coding.Row("s2-1", "dev", "s2", "poor", "Yes, please.", "I'd write it down.", "ADV"),
        ]
        self.assertEqual(coding.code_rows(rows), ["OTHER", "ADV_PERM", "ADV"])


class GateTests(SimpleTestCase):
    def test_the_coder_meets_its_gates_on_the_held_out_sessions(self):
        section = coding.evaluate()
        self.assertEqual(section.failures(timed=False), [])
        self.assertGreaterEqual(section.figures["heldout_utterances"], 300)
        self.assertGreaterEqual(section.figures["sessions"], 45)
        self.assertEqual(
            set(section.gates),
            {
                "heldout_question_kappa",
                "heldout_open_closed_kappa",
                "heldout_reflection_recall",
                "heldout_reflection_precision",
            },
        )

    def test_the_coded_set_is_frozen(self):
        # the set as committed complete (fe25b4a); a change to it is a new set, on purpose
        digest = hashlib.sha256(coding.CORPUS.read_bytes()).hexdigest()
        self.assertEqual(digest, "fcc5833e7d1a46b21de6e08711680ac6cf0277bb601ccf91332866cb7eafea5e")

    def test_the_held_out_sessions_never_overlap_the_tuning_sessions(self):
        rows = coding.load()
        dev = {r.session for r in rows if r.split == "dev"}
        heldout = {r.session for r in rows if r.split == "heldout"}
        self.assertTrue(dev and heldout)
        self.assertFalse(dev & heldout)
        self.assertEqual({r.split for r in rows}, {"dev", "heldout"})

"""The labelled sets the companion is judged on are frozen.

Each was written before the code it grades was tuned; a third of each is held out
and never used while tuning. Changing a set changes what its figures mean, so a
change must be deliberate: this test pins each file's SHA-256 and the held-out share.
"""

import hashlib
import re

from django.test import SimpleTestCase

from bearing.companion.evals import SETS

FROZEN = {
    "safety.tsv": "6b39165af7465b8be04599d9c67e3fc06121456477ef20f2ba90e2725f902995",
    "conversations.txt": "1aaf9e5fe8329f5f3a25167818190aebc15065cbeff67e7ec90485508ec80eaf",
    # a development probe, written before the meta-turn detection was generalised
    "conversations_probe.txt": "aad9b0bb4517c8b9efe69c6ad885370533c308039a9442f6fb80b2a8618eef92",
    "roleplay.tsv": "0232d8ed0103912f76ce3c984a3b4cd67b8b79486f687ca03f3cea5c906e4c34",
    "coding.tsv": "fcc5833e7d1a46b21de6e08711680ac6cf0277bb601ccf91332866cb7eafea5e",
    # a development probe for the safety net, written before it was tuned (no held-out part)
    "safety_probe.tsv": "79b491b03f41b63a7594c978856580f2422dbe7d83a19bf7c76f9e73940efacb",
}


def _rows(name: str) -> list[list[str]]:
    lines = (SETS / name).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines if line.strip() and not line.startswith("#")]


class FrozenSetTests(SimpleTestCase):
    def test_every_set_is_unchanged(self):
        for name, digest in FROZEN.items():
            with self.subTest(name):
                actual = hashlib.sha256((SETS / name).read_bytes()).hexdigest()
                self.assertEqual(actual, digest, f"{name} changed; sets are frozen")

    def test_every_set_file_is_pinned(self):
        self.assertEqual({p.name for p in SETS.iterdir() if p.is_file()}, set(FROZEN))

    def test_a_third_of_each_table_is_held_out(self):
        # coding.tsv holds whole sessions out, so its share is by session.
        for name, split_col, unit_col in (
            ("safety.tsv", 1, 0),
            ("roleplay.tsv", 1, 0),
            ("coding.tsv", 1, 2),
        ):
            with self.subTest(name):
                rows = [r for r in _rows(name) if r[split_col] in ("dev", "heldout")]
                units = {r[unit_col]: r[split_col] for r in rows}
                share = sum(s == "heldout" for s in units.values()) / len(units)
                self.assertAlmostEqual(share, 1 / 3, delta=0.02)

    def test_a_third_of_the_conversations_are_held_out(self):
        text = (SETS / "conversations.txt").read_text(encoding="utf-8")
        splits = re.findall(r"^## [^|]+\|\s*(dev|heldout)\s*\|", text, flags=re.M)
        self.assertGreaterEqual(len(splits), 80)
        self.assertAlmostEqual(splits.count("heldout") / len(splits), 1 / 3, delta=0.02)

    def test_the_sets_are_big_enough(self):
        safety = [r for r in _rows("safety.tsv") if len(r) == 6]
        crisis = [r for r in safety if r[2] != "none"]
        self.assertGreaterEqual(len(safety), 400)
        self.assertGreaterEqual(len(crisis), 200)
        self.assertGreaterEqual(len(safety) - len(crisis), 200)
        self.assertEqual({r[4] for r in crisis}, {"en", "es", "de", "fr"})
        self.assertGreaterEqual(len(_rows("coding.tsv")), 1000)

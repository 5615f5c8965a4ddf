"""The safety net leaves ordinary coaching talk alone.

Bearing's own lines (every question in the bank, every role-play line), the coach
utterances of the coded corpus and the non-crisis statements of the gold set are
ordinary talk about work. A net that refers them would answer a leader's everyday
sentence with a crisis line, so this guards the false-alarm side on text that was
never written to test the net.
"""

import json
import re
import tomllib
from pathlib import Path

from django.test import SimpleTestCase

from bearing.companion.engine import question_bank
from bearing.companion.evals import SETS
from bearing.companion.safety import assess

DATA = Path(__file__).resolve().parent.parent / "data"
GOLD = Path(__file__).resolve().parent / "gold"


def _strings(obj) -> list[str]:
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in _strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in _strings(v)]
    return []


def own_lines() -> list[str]:
    lines = [q.text.replace("{topic}", "the project") for q in question_bank()]
    lines += _strings(json.loads((DATA / "scenarios.json").read_text(encoding="utf-8")))
    lines += _strings(json.loads((DATA / "roleplay" / "reactions.json").read_text("utf-8")))
    for name in ("replies.toml", "perspectives.toml"):
        lines += _strings(tomllib.loads((DATA / name).read_text(encoding="utf-8")))
    # sentences only (not keys, ids or cue patterns)
    return sorted({s for s in lines if len(s.split()) >= 4 and not re.search(r"[|\\{}]", s)})


def coach_utterances() -> list[str]:
    rows = []
    for line in (SETS / "coding.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("#") or len(parts) != 7 or parts[1] not in ("dev", "heldout"):
            continue
        rows.append(parts[5])
    return rows


def gold_ordinary() -> list[str]:
    rows = []
    for line in (GOLD / "statements.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        stage, _feeling, text = line.split("\t", 2)
        if stage != "crisis":
            rows.append(text)
    return rows


class OrdinaryTalkTests(SimpleTestCase):
    def flagged(self, texts):
        return [t for t in texts if assess(t).crisis]

    def test_bearings_own_lines_raise_no_alarm(self):
        lines = own_lines()
        self.assertGreater(len(lines), 300)
        flagged = self.flagged(lines)
        self.assertLessEqual(len(flagged) / len(lines), 0.005, flagged[:10])

    def test_coach_talk_raises_almost_no_alarm(self):
        texts = coach_utterances()
        self.assertGreater(len(texts), 1000)
        flagged = self.flagged(texts)
        self.assertLessEqual(len(flagged) / len(texts), 0.01, flagged[:10])

    def test_ordinary_leader_statements_raise_no_alarm(self):
        texts = gold_ordinary()
        self.assertGreater(len(texts), 80)
        self.assertEqual(self.flagged(texts), [])

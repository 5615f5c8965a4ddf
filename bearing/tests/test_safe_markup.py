"""Every way to switch autoescaping off is listed here, with why it is safe.

A new ``mark_safe``, ``format_html``, ``SafeString``, ``|safe`` or
``{% autoescape off %}`` anywhere in Bearing fails this test until someone has
read it and added it to REVIEWED with the reason. (Tests are not scanned.)
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path, PurePosixPath

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[1]  # the bearing package

PATTERNS = {
    "mark_safe": re.compile(r"\bmark_safe\b"),
    "format_html": re.compile(r"\bformat_html(_join)?\b"),
    "SafeString": re.compile(r"\b(SafeString|SafeData|SafeText|html_safe)\b|__html__"),
    "|safe": re.compile(r"\|\s*safe(seq)?\b"),
    "autoescape off": re.compile(r"{%\s*autoescape\s+off\s*%}"),
    "is_safe filter": re.compile(r"is_safe\s*=\s*True|needs_autoescape"),
}

# (file, pattern): (count, why it is safe)
REVIEWED = {
    ("growth/charts.py", "mark_safe"): (
        2,
        "line_chart escapes every piece of text (title, labels, units) with escape(); "
        "coordinates are formatted floats",
    ),
    ("growth/charts.py", "SafeString"): (2, "the return type of line_chart, as above"),
    ("rehearsals/charts.py", "mark_safe"): (
        2,
        "server-drawn SVG charts: every text piece passes escape(), the rest are numbers",
    ),
    ("rehearsals/charts.py", "SafeString"): (4, "the return types of the charts, as above"),
    ("lib/widgets.py", "mark_safe"): (
        2,
        "LongSelect: every option's value and label passes escape(), the select's "
        "attributes pass flatatt (which escapes them); tested against Django's own Select",
    ),
    ("lib/widgets.py", "SafeString"): (2, "the return type of LongSelect.render, as above"),
}
# Whole kinds of file, reviewed once: (glob, pattern): why it is safe.
REVIEWED_KINDS = {
    ("companion/data/roleplay/*.txt", "|safe"): (
        "role-play cue lists: patterns read as data (where '|' separates words), "
        "never rendered as a template"
    ),
    ("templates/email/*.txt", "autoescape off"): (
        "the plain-text part and subject of an email: never rendered as HTML "
        "(the HTML part is a separate, escaped template)"
    ),
}


def reviewed_kind(rel: str, name: str) -> bool:
    return any(
        name == pattern and PurePosixPath(rel).match(glob) for glob, pattern in REVIEWED_KINDS
    )


def occurrences() -> Counter:
    found: Counter = Counter()
    for path in ROOT.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
            continue
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in f"/{rel}" or rel.startswith("tests/") or "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for name, pattern in PATTERNS.items():
            count = len(pattern.findall(text))
            if count and not reviewed_kind(rel, name):
                found[(rel, name)] = count
    return found


class SafeMarkupTests(SimpleTestCase):
    def test_only_reviewed_code_switches_escaping_off(self):
        found = occurrences()
        unreviewed = {k: v for k, v in found.items() if REVIEWED.get(k, (0,))[0] != v}
        self.assertEqual(
            unreviewed,
            {},
            "Escaping is switched off somewhere not reviewed (or the count changed): "
            "escape the text instead, or review it and add it to REVIEWED with the reason",
        )

    def test_the_review_list_has_no_stale_entry(self):
        found = occurrences()
        stale = sorted(k for k in REVIEWED if k not in found)
        self.assertEqual(stale, [])

    def test_the_scan_sees_a_new_use(self):
        text = "{{ goal.title|safe }} {% autoescape off %}{{ x }}{% endautoescape %}"
        self.assertTrue(PATTERNS["|safe"].search(text))
        self.assertTrue(PATTERNS["autoescape off"].search(text))
        self.assertTrue(PATTERNS["mark_safe"].search("return mark_safe(x)"))
        self.assertTrue(PATTERNS["format_html"].search("format_html_join('', '{}', rows)"))
        self.assertTrue(reviewed_kind("templates/email/invitation.txt", "autoescape off"))
        self.assertFalse(reviewed_kind("templates/email/invitation.html", "autoescape off"))
        self.assertFalse(reviewed_kind("growth/templates/growth/plan.html", "autoescape off"))

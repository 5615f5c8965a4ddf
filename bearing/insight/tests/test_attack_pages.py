"""The attacker reads the pages. Random campaigns are run through Bearing itself
(nominate, open, raters answer, decline or drop out, close, debrief); the adversary
then takes every figure printed on the report page — as the leader and as the coach
see it — and on the campaign page, and solves them exactly as in
``test_anonymity_attack``. It must never recover a rater's answer or a sum over fewer
raters than the minimum; and every printed figure must be the true one."""

from __future__ import annotations

import itertools
import re
from fractions import Fraction
from html.parser import HTMLParser

from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bearing.insight import queries as q
from bearing.insight import services as s
from bearing.insight.models import Item, RaterGroup, SingleManager
from bearing.testing import make_world, sign_in

from .helpers import campaign_with_raters
from .test_anonymity_attack import RowSpace, _frac

CELL = re.compile(r"^(?P<mean>\d+(?:\.\d+)?) \(±(?P<sd>\d+(?:\.\d+)?), (?P<n>\d+)\)$")


class Tables(HTMLParser):
    """Every table: its caption and rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list[str] | None = None
        self._caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._caption and self.tables:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell.append(data)


@st.composite
def plans(draw):
    own_view = draw(st.booleans())
    groups = {}
    for group in (RaterGroup.PEER, RaterGroup.REPORT, RaterGroup.OTHER):
        if draw(st.booleans()):
            groups[group] = draw(st.integers(3, 4))
    if not groups:
        groups[RaterGroup.PEER] = 3
    if draw(st.booleans()):
        groups[RaterGroup.MANAGER] = 1
        if not own_view:  # pooled into others, which then needs the minimum with them
            groups[RaterGroup.OTHER] = max(groups.get(RaterGroup.OTHER, 0), 2)
    fates = draw(
        st.lists(
            st.sampled_from(["answer", "answer", "answer", "decline", "silent"]),
            min_size=sum(groups.values()),
            max_size=sum(groups.values()),
        )
    )
    seeds = draw(st.lists(st.integers(0, 10**6), min_size=len(fates), max_size=len(fates)))
    return own_view, groups, fates, seeds


class PageAttackTests(TestCase):
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(plans())
    def test_the_figures_printed_on_every_page_give_nothing_away(self, plan):
        import random

        own_view, groups, fates, seeds = plan
        w = make_world()
        campaign = campaign_with_raters(
            w,
            groups=groups,
            single_manager=SingleManager.OWN_VIEW if own_view else SingleManager.POOL,
        )
        items = list(
            Item.objects.filter(instrument=campaign.instrument).select_related("competency")
        )
        by_text = {i.self_text: i for i in items}
        comp_items = {}
        for i in items:
            comp_items.setdefault(i.competency.key, []).append(i)
        truth = []  # (group as counted, {item key: score}) per rater who handed in
        issued = s.campaign_open(campaign=campaign, by=w.coachee, send=False)
        for (invitation, token), fate, seed in zip(issued, fates, seeds, strict=True):
            link = q.rater_link(token)
            if fate == "decline":
                s.rater_decline(invitation=link.invitation, answers_set=link.answers)
                continue
            rng = random.Random(seed)
            answers = {i.key: rng.choice([0, 1, 2, 3, 4, 5]) for i in items if rng.random() > 0.2}
            s.rater_save(invitation=link.invitation, answers_set=link.answers, answers=answers)
            if fate == "silent" or not any(answers.values()):
                continue
            s.rater_submit(invitation=link.invitation, answers_set=link.answers)
            scores = {
                i.key: (6 - answers[i.key] if i.reverse_keyed else answers[i.key])
                for i in items
                if answers.get(i.key)
            }
            truth.append((s.answer_group(campaign, invitation.group), scores))
        campaign = s.campaign_close(campaign=campaign, by=w.coach)

        def support(item, group=None):
            comp = comp_items[item.competency.key]
            return [
                (k, item.key)
                for k, (g, scores) in enumerate(truth)
                if (group is None or g == group)
                and 2 * sum(1 for i in comp if i.key in scores) >= len(comp)
                and item.key in scores
            ]

        pages = []
        sign_in(self.client, w.coach)
        pages.append(self.client.get(reverse("insight:campaign_report", args=[campaign.code])))
        pages.append(self.client.get(reverse("insight:campaign", args=[campaign.code])))
        s.campaign_debriefed(campaign=campaign, by=w.coach)
        sign_in(self.client, w.coachee)
        pages.append(self.client.get(reverse("insight:campaign_report", args=[campaign.code])))
        space = RowSpace()
        labels = {RaterGroup(g).label: g for g in RaterGroup.values}
        printed = 0
        for page in pages:
            self.assertEqual(page.status_code, 200)
            parser = Tables()
            parser.feed(page.content.decode())
            for table in parser.tables:
                if "spread as standard deviation" not in table["caption"]:
                    continue
                header = table["rows"][0]
                for row in table["rows"][1:]:
                    item = by_text[row[0]]
                    for column, text in zip(header[2:], row[2:], strict=True):
                        match = CELL.match(text)
                        if not match:
                            self.assertEqual(text, "—")
                            continue
                        group = None if column == "All raters" else labels[column]
                        cells = support(item, group)
                        values = [truth[k][1][key] for k, key in cells]
                        self.assertEqual(int(match["n"]), len(values), "a count not the truth")
                        self.assertAlmostEqual(float(match["mean"]), sum(values) / len(values), 2)
                        space.add(dict.fromkeys(cells, 1))
                        printed += 1
        if len(truth) >= campaign.min_per_group:
            self.assertGreater(printed, 0, "enough raters answered, yet nothing was printed")
        # Competency figures are averages of the item figures above: add them too.
        for comp in campaign.report["competencies"]:
            for g, fig in comp["groups"].items():
                if fig is None:
                    continue
                terms: dict = {}
                for it in comp["items"]:
                    cell = it["groups"].get(g)
                    if cell:
                        for v in support(by_text_key(items, it["key"]), g):
                            terms[v] = _frac(Fraction(1, cell["n"]))
                space.add(terms)
        min_n = campaign.min_per_group
        for item in items:
            everyone = support(item)
            for size in range(1, min_n):
                for combo in itertools.combinations(everyone, size):
                    if own_view and all(truth[k][0] == RaterGroup.MANAGER for k, _ in combo):
                        continue
                    self.assertFalse(space.contains(dict.fromkeys(combo, 1)), f"recovered {combo}")


def by_text_key(items, key):
    return next(i for i in items if i.key == key)

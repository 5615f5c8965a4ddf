"""Matching on fixtures: capacity respected, language required, the reasons right,
the same three for the same inputs."""

from __future__ import annotations

from datetime import UTC, datetime

from django.test import SimpleTestCase

from bearing.programs.matching import Candidate, Wish, hours_apart, propose, score
from bearing.programs.models import Language, Theme

AT = datetime(2027, 1, 15, 12, tzinfo=UTC)  # winter: London UTC+0, New York UTC-5
LABELS = {"theme_labels": dict(Theme.choices), "language_labels": dict(Language.choices)}


def coach(i, *, focus=("delegation",), langs=("en",), tz="Europe/London", years=5, cap=5, load=0):
    return Candidate(
        coach_id=i,
        focus_areas=tuple(focus),
        languages=tuple(langs),
        time_zone=tz,
        years_experience=years,
        capacity=cap,
        load=load,
    )


WISH = Wish(themes=("delegation", "conflict"), languages=("en",), time_zone="Europe/London")


class ProposeTests(SimpleTestCase):
    def test_three_best_first(self):
        roster = [
            coach(1, focus=("presence",)),
            coach(2, focus=("delegation", "conflict")),
            coach(3, focus=("delegation",)),
            coach(4, focus=("conflict",), tz="America/New_York"),
        ]
        matches = propose(WISH, roster, at=AT, **LABELS)
        self.assertEqual([m.coach_id for m in matches], [2, 3, 4])
        self.assertGreater(matches[0].score, matches[1].score)

    def test_no_coach_past_capacity_is_ever_proposed(self):
        roster = [
            coach(1, focus=("delegation", "conflict"), cap=3, load=3),
            coach(2, cap=0),
            coach(3, cap=2, load=5),
            coach(4, cap=1, load=0),
        ]
        self.assertEqual([m.coach_id for m in propose(WISH, roster, at=AT, **LABELS)], [4])

    def test_a_coach_with_no_language_in_common_is_not_proposed(self):
        roster = [coach(1, langs=("fr",)), coach(2, langs=("fr", "en"))]
        self.assertEqual([m.coach_id for m in propose(WISH, roster, at=AT, **LABELS)], [2])

    def test_excluded_coaches_are_left_out(self):
        roster = [coach(i) for i in range(1, 6)]
        matches = propose(WISH, roster, at=AT, exclude=[1, 2], **LABELS)
        self.assertEqual([m.coach_id for m in matches], [3, 4, 5])

    def test_ties_go_to_more_room_then_lower_id(self):
        roster = [coach(5, cap=9, load=8), coach(7, cap=5), coach(6, cap=5)]
        self.assertEqual([m.coach_id for m in propose(WISH, roster, at=AT, **LABELS)], [6, 7, 5])

    def test_same_inputs_same_three(self):
        roster = [coach(i, years=i % 7, cap=i % 4 + 1) for i in range(20)]
        first = propose(WISH, roster, at=AT, **LABELS)
        self.assertEqual(first, propose(WISH, list(reversed(roster)), at=AT, **LABELS))

    def test_fewer_than_three_when_the_roster_is_short(self):
        self.assertEqual(len(propose(WISH, [coach(1)], at=AT, **LABELS)), 1)
        self.assertEqual(propose(WISH, [], at=AT, **LABELS), [])


class ReasonTests(SimpleTestCase):
    def test_each_reason_is_given_in_words(self):
        match = score(
            Wish(themes=("delegation", "conflict"), languages=("fr", "en"), time_zone="UTC"),
            coach(1, focus=("conflict", "delegation"), langs=("en", "fr"), years=12, cap=4, load=1),
            at=AT,
            **LABELS,
        )
        self.assertEqual(
            match.reasons,
            (
                "Works on delegation and conflict, as you asked.",
                "Coaches in French and English.",
                "Works in your time zone.",
                "Has room for 3 more coachees.",
                "12 years of coaching experience.",
            ),
        )

    def test_time_zone_distance_is_explained(self):
        far = score(WISH, coach(1, tz="Asia/Tokyo"), at=AT, **LABELS)
        self.assertIn("Works 9 hours from your time zone: times need care.", far.reasons)
        near = score(WISH, coach(1, tz="America/New_York"), at=AT, **LABELS)
        self.assertIn("Works 5 hours from your time zone.", near.reasons)
        one = score(WISH, coach(1, tz="Europe/Paris", cap=2, load=1), at=AT, **LABELS)
        self.assertIn("Works 1 hour from your time zone.", one.reasons)
        self.assertIn("Has room for 1 more coachee.", one.reasons)

    def test_no_focus_reason_without_a_theme_in_common(self):
        match = score(WISH, coach(1, focus=("presence",)), at=AT, **LABELS)
        self.assertFalse(any(r.startswith("Works on") for r in match.reasons))

    def test_hours_apart_wraps_around_the_date_line(self):
        self.assertEqual(hours_apart("Pacific/Auckland", "Pacific/Honolulu", AT), 1)
        self.assertEqual(hours_apart("Nowhere/Zone", "UTC", AT), 0)

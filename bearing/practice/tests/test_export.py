"""The coachee's personal export holds their decision records, whole; nobody
else's export does."""

from __future__ import annotations

import json

from bearing.exports.archive import personal_sections
from bearing.practice import services as s
from bearing.testing import WorldTestCase

from .factories import make_decided


class DecisionExportTests(WorldTestCase):
    def test_the_coachee_s_export_holds_decisions_with_predictions_and_reflections(self):
        d = make_decided(self.w.engagement, title="CANARY-DECISION-EXPORT move the plant")
        s.decision_reflect(decision=d, by=self.w.coachee, text="CANARY-REFLECTION later")
        (section,) = [
            x for x in personal_sections(self.w.coachee) if x.kind.model == "practice.Decision"
        ]
        (row,) = section.rows
        self.assertEqual(row["title"], "CANARY-DECISION-EXPORT move the plant")
        self.assertEqual(row["predictions"][0]["probability"], 70)
        self.assertEqual(row["reflections"][0]["text"], "CANARY-REFLECTION later")
        self.assertEqual(row["snapshot"]["framework"]["choice"], 0)
        json.dumps(row)  # carried as JSON
        for person in (self.w.coach, self.w.sponsor, self.w.staff):
            blob = json.dumps([x.rows for x in personal_sections(person)])
            self.assertNotIn("CANARY-DECISION-EXPORT", blob)

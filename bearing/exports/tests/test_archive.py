"""What an export holds: each declared kind for its owner and for nobody else."""

from __future__ import annotations

import json

from django.test import TestCase

from bearing.accounts.models import Role
from bearing.engagements.models import PrivateNote
from bearing.exports import archive
from bearing.lib import policy
from bearing.testing import CANARY, grant, make_engagement, make_user, make_world

from .helpers import BRIEF_KINDS, plant, unaccepted_agreement, unzip


class ExportWorld(TestCase):
    @classmethod
    def setUpTestData(cls):
        w = cls.w = make_world()
        w.other_coachee = make_user("other.leader@example.com", "Olga Otherleader")
        grant(w.other_coachee, Role.COACHEE, organization=w.organization)
        w.other_engagement = make_engagement(
            coach=w.coach,
            coachee=w.other_coachee,
            practice=w.practice,
            organization=w.organization,
            sponsor=w.sponsor,
        )
        w.mine = plant(w.engagement, "MINE")
        w.theirs = plant(w.other_engagement, "THEIRS")
        unaccepted_agreement(w.engagement, "UNACCEPTED-OBJECTIVES")
        w.people = {
            "coachee": w.coachee,
            "other_coachee": w.other_coachee,
            "coach": w.coach,
            "other_coach": w.other_coach,
            "sponsor": w.sponsor,
            "staff": w.staff,
        }

    def sections_of(self, user) -> dict[str, str]:
        """Kind label -> its JSON text in the person's export."""
        return {
            s.kind.label: json.dumps(s.rows, ensure_ascii=False)
            for s in archive.personal_sections(user)
        }


class PersonalExportTests(ExportWorld):
    def test_each_kind_the_issue_names_reaches_its_owner_and_nobody_else(self):
        exports = {name: self.sections_of(user) for name, user in self.w.people.items()}
        for label in BRIEF_KINDS:
            mine, theirs = self.w.mine[label], self.w.theirs[label]
            with self.subTest(kind=label):
                self.assertIn(mine, exports["coachee"][label])
                self.assertNotIn(theirs, exports["coachee"][label])
                self.assertIn(theirs, exports["other_coachee"][label])
                self.assertNotIn(mine, exports["other_coachee"][label])
                for name in ("coach", "other_coach", "sponsor", "staff"):
                    everything = "".join(exports[name].values())
                    self.assertNotIn(mine, everything, f"{label} reached the {name}")
                    self.assertNotIn(theirs, everything, f"{label} reached the {name}")

    def test_every_declared_kind_holds_exactly_the_rows_its_owner_has(self):
        exports = {
            name: {s.kind.label: s.rows for s in archive.personal_sections(user)}
            for name, user in self.w.people.items()
        }
        for kind in policy.record_kinds():
            if not kind.export:
                continue
            model = kind.model_class()
            for name, user in self.w.people.items():
                owned = model._base_manager.filter(**{kind.owner: user.pk}, **kind.export_only)
                with self.subTest(kind=kind.label, person=name):
                    self.assertEqual(len(exports[name][kind.label]), owned.count())

    def test_the_leader_gets_both_companion_conversations_and_role_plays_with_their_messages(
        self,
    ):
        rows = {s.kind.label: s.rows for s in archive.personal_sections(self.w.coachee)}[
            "companion.companionconversation"
        ]
        kinds = sorted(r["kind"] for r in rows)
        self.assertIn("role-play", kinds)
        self.assertIn("companion conversation", kinds)
        texts = [m["text"] for r in rows for m in r["messages"]]
        self.assertIn(CANARY.companion, texts)

    def test_an_agreement_the_coachee_never_accepted_stays_out(self):
        self.assertNotIn(
            "UNACCEPTED-OBJECTIVES", self.sections_of(self.w.coachee)["engagements.agreement"]
        )

    def test_the_coachs_private_notes_are_in_no_leaders_export(self):
        for user in (self.w.coachee, self.w.other_coachee):
            self.assertNotIn(CANARY.private_note, "".join(self.sections_of(user).values()))
        self.assertIn(CANARY.private_note, "".join(self.sections_of(self.w.coach).values()))

    def test_no_credential_is_exported(self):
        labels = {s.kind.label for s in archive.personal_sections(self.w.coachee)}
        self.assertIn("accounts.totpdevice", labels)
        self.assertNotIn("secret", json.dumps(policy.kind_of("accounts.TotpDevice").export))
        self.assertNotIn("exports.dataexport", labels)


class CoachNotesTests(ExportWorld):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        w = cls.w
        other_session = w.other_engagement.sessions.get()
        PrivateNote.objects.create(session=other_session, author=w.coach, body="OTHER-ENG-PRIVATE")

    def text(self, coach, engagement=None) -> str:
        sections = archive.coach_notes_sections(
            coach, engagement_id=engagement.pk if engagement else None
        )
        return json.dumps([s.rows for s in sections], ensure_ascii=False)

    def test_a_coach_takes_shared_and_private_notes_of_all_their_engagements(self):
        text = self.text(self.w.coach)
        for expected in (CANARY.private_note, CANARY.shared_notes, "OTHER-ENG-PRIVATE"):
            self.assertIn(expected, text)
        # Notes, not the coachee's own records.
        for absent in (CANARY.companion, CANARY.check_in, CANARY.agenda_outcome, CANARY.goal):
            self.assertNotIn(absent, text)

    def test_one_engagement_holds_only_that_engagements_notes(self):
        text = self.text(self.w.coach, self.w.engagement)
        self.assertIn(CANARY.private_note, text)
        self.assertNotIn("OTHER-ENG-PRIVATE", text)
        self.assertNotIn(self.w.theirs["engagements.coachingsession"], text)

    def test_another_coach_takes_nothing_of_this_coachs_engagements(self):
        text = self.text(self.w.other_coach)
        self.assertNotIn(CANARY.private_note, text)
        self.assertNotIn(CANARY.shared_notes, text)


class ArchiveTests(ExportWorld):
    def test_the_zip_holds_json_per_kind_and_an_escaped_readable_index(self):
        from bearing.growth.models import Win

        Win.objects.create(
            engagement=self.w.engagement, source="check_in", text='<script>alert("x")</script>'
        )
        sections = archive.personal_sections(self.w.coachee)
        files = unzip(archive.zip_bytes(sections, title="Export", person=self.w.coachee))
        self.assertIn("index.html", files)
        self.assertIn("growth-win.json", files)
        wins = json.loads(files["growth-win.json"])["records"]
        self.assertIn('<script>alert("x")</script>', [r["text"] for r in wins])
        self.assertNotIn("<script>", files["index.html"])
        self.assertIn("&lt;script&gt;", files["index.html"])
        self.assertIn(CANARY.check_in, files["index.html"])

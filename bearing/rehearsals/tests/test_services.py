"""The writes, directly: only the coachee writes; what leaves in the personal export."""

import json

from django.core.exceptions import ValidationError

from bearing.exports import archive
from bearing.rehearsals import services as s
from bearing.rehearsals.models import Rehearsal, Status
from bearing.testing import WorldTestCase


class ServiceTests(WorldTestCase):
    def talk(self):
        return s.talk_create(
            engagement=self.w.engagement,
            by=self.w.coachee,
            title="Board update",
            minutes_allowed=5,
            key_messages="- Ship in May\n* Hire two people\n\n",
        )

    def test_only_the_coachee_writes(self):
        with self.assertRaises(ValidationError):
            s.talk_create(
                engagement=self.w.engagement, by=self.w.coach, title="x", minutes_allowed=5
            )
        talk = self.talk()
        for person in (self.w.coach, self.w.sponsor):
            with self.subTest(person=person.email), self.assertRaises(ValidationError):
                s.rehearsal_paste(talk=talk, by=person, text="0:00 hello there\n0:02")
            with self.assertRaises(ValidationError):
                s.talk_share(talk=talk, by=person, share=True)

    def test_key_messages_are_read_one_a_line_without_bullets(self):
        self.assertEqual(self.talk().key_message_list(), ["Ship in May", "Hire two people"])

    def test_a_bad_band_and_a_bad_time_are_refused(self):
        talk = self.talk()
        with self.assertRaises(ValidationError) as caught:
            s.talk_update(
                talk=talk,
                by=self.w.coachee,
                title="t",
                minutes_allowed=5,
                audience="",
                key_messages="",
                slides_text="",
                pace_low=170,
                pace_high=160,
            )
        self.assertIn("pace_high", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            s.talk_create(
                engagement=self.w.engagement, by=self.w.coachee, title="t", minutes_allowed=0
            )

    def test_a_failed_rehearsal_with_audio_can_be_tried_again(self):
        talk = self.talk()
        failed = Rehearsal.objects.create(
            talk=talk,
            source="uploaded",
            status="failed",
            failure="error",
            audio="UklGRg==",
            audio_type="audio/wav",
            audio_bytes=4,
        )
        with self.captureOnCommitCallbacks(execute=False) as queued:
            s.rehearsal_retry(rehearsal=failed, by=self.w.coachee)
        self.assertEqual(len(queued), 1)
        failed.refresh_from_db()
        self.assertEqual((failed.status, failed.failure), (Status.WAITING, ""))
        ready = s.rehearsal_paste(talk=talk, by=self.w.coachee, text="0:00 hi all\n0:01")
        with self.assertRaises(ValidationError):
            s.rehearsal_retry(rehearsal=ready, by=self.w.coachee)

    def test_the_personal_export_holds_the_talk_and_its_timed_words(self):
        talk = self.talk()
        s.rehearsal_paste(talk=talk, by=self.w.coachee, text="0:00 Ship in May\n0:03")
        sections = {sec.kind.model: sec for sec in archive.personal_sections(self.w.coachee)}
        rows = json.dumps(sections["rehearsals.Talk"].rows, default=str)
        self.assertIn("Board update", rows)
        self.assertIn("May", rows)
        self.assertNotIn("rehearsals.Rehearsal", sections)  # inside its talk

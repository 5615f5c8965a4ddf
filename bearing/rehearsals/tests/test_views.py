"""The presentation-practice pages: who may, who may not, and bad input beside its field."""

import base64

from django.db import connection
from django.test import override_settings
from django.urls import reverse

from bearing.audit.models import AuditAction, AuditEntry
from bearing.rehearsals.models import Rehearsal, Status, Talk
from bearing.testing import WorldTestCase

SCRIPT = """0:00 Good morning everyone. Um, today I want to talk about our plan for next year.
0:08 Uh, we grew revenue by twelve percent, and, you know, that is a good start.
0:16 I think maybe we can do better. Like, the real question is where we invest.
0:24 Um, I propose three things. First, we hire ten engineers for the platform team.
0:33 Uh, second, we open an office in Lisbon.
0:40
"""

KEY = "We hire ten engineers for the platform team\nOpen an office in Lisbon\nRaise prices"


class RehearsalViewTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.talk = Talk.objects.create(
            engagement=cls.w.engagement,
            title="CANARY-TALK-91f2 The plan for next year",
            minutes_allowed=1,
            key_messages=KEY,
        )

    def paste(self, text=SCRIPT):
        self.login(self.w.coachee)
        url = reverse("rehearsals:paste", args=[self.talk.code])
        return self.client.post(url, {"transcript": text})

    # --- the coachee's own -----------------------------------------------------------

    def test_the_coachee_prepares_a_talk(self):
        self.login(self.w.coachee)
        url = reverse("rehearsals:home", args=[self.w.engagement.code])
        self.assertContains(self.client.get(url), "Prepare a new talk")
        response = self.client.post(
            url,
            {"title": "All-hands", "minutes_allowed": "7", "key_messages": "We are hiring"},
        )
        talk = [t for t in Talk.objects.all() if t.title == "All-hands"][0]
        self.assertRedirects(response, reverse("rehearsals:talk", args=[talk.code]))
        self.assertEqual(talk.minutes_allowed, 7)
        with connection.cursor() as cursor:
            cursor.execute("SELECT title, key_messages FROM rehearsals_talk")
            for title, key in cursor.fetchall():
                self.assertNotIn("All-hands", title)
                self.assertNotIn("hiring", key)

    def test_a_talk_without_a_title_or_time_is_refused_beside_the_fields(self):
        self.login(self.w.coachee)
        url = reverse("rehearsals:home", args=[self.w.engagement.code])
        response = self.client.post(url, {"title": "", "minutes_allowed": "999"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'id="id_title_error"', status_code=400)
        self.assertContains(response, 'id="id_minutes_allowed_error"', status_code=400)
        self.assertEqual(Talk.objects.count(), 2)  # the world's and this class's

    def test_a_pasted_transcript_becomes_a_rehearsal_with_observations(self):
        response = self.paste()
        rehearsal = self.talk.rehearsals.get()
        self.assertRedirects(response, reverse("rehearsals:rehearsal", args=[rehearsal.code]))
        self.assertEqual(rehearsal.status, Status.READY)
        page = self.client.get(reverse("rehearsals:rehearsal", args=[rehearsal.code]))
        self.assertContains(page, "filler words")
        self.assertContains(page, "<svg")
        self.assertContains(page, "Pace readings")
        self.assertContains(page, "not heard")  # "Raise prices" was never said
        self.assertNotRegex(page.content.decode(), r"(?i)score:|\d+ ?/ ?100")
        with connection.cursor() as cursor:
            cursor.execute("SELECT transcript FROM rehearsals_rehearsal")
            self.assertNotIn("Lisbon", cursor.fetchone()[0])

    def test_a_transcript_without_times_is_refused_beside_the_field(self):
        response = self.paste("Good morning everyone, no times here.")
        self.assertContains(response, "Start each line with the time", status_code=400)
        self.assertContains(response, 'id="id_transcript_error"', status_code=400)
        self.assertFalse(self.talk.rehearsals.exists())

    def test_the_guide_band_can_be_changed_and_a_reversed_band_is_refused(self):
        self.login(self.w.coachee)
        url = reverse("rehearsals:talk", args=[self.talk.code])
        data = {"title": "T", "minutes_allowed": "3", "pace_low": "120", "pace_high": "110"}
        response = self.client.post(url, data)
        self.assertContains(response, 'id="id_pace_high_error"', status_code=400)
        data["pace_high"] = "150"
        self.assertRedirects(self.client.post(url, data), url)
        self.talk.refresh_from_db()
        self.assertEqual((self.talk.pace_low, self.talk.pace_high), (120, 150))

    def test_each_attempt_sits_beside_the_others(self):
        self.paste()
        self.paste(SCRIPT.replace("Um, ", "").replace("Uh, ", ""))
        page = self.client.get(reverse("rehearsals:talk", args=[self.talk.code]))
        self.assertContains(page, "Each rehearsal beside the others")
        self.assertContains(page, "Filler words per 100 words")
        self.assertContains(page, "#2")

    # --- the coach, only once shared ---------------------------------------------------

    def test_the_coach_reads_only_once_shared_and_the_read_is_audited(self):
        self.paste()
        rehearsal = self.talk.rehearsals.get()
        talk_url = reverse("rehearsals:talk", args=[self.talk.code])
        r_url = reverse("rehearsals:rehearsal", args=[rehearsal.code])
        home = reverse("rehearsals:home", args=[self.w.engagement.code])
        self.login(self.w.coach)
        self.assertEqual(self.client.get(talk_url).status_code, 404)
        self.assertEqual(self.client.get(r_url).status_code, 404)
        self.assertNotContains(self.client.get(home), "CANARY-TALK")
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "1"})
        self.login(self.w.coach)
        self.assertContains(self.client.get(home), "CANARY-TALK")
        self.assertContains(self.client.get(talk_url), "CANARY-TALK")
        self.assertContains(self.client.get(r_url), "Lisbon")
        self.assertTrue(
            AuditEntry.objects.filter(action=AuditAction.READ, detail__field="rehearsal").exists()
        )
        # Reading is all: the coach writes nothing here.
        self.assertEqual(self.client.post(talk_url, {"title": "x"}).status_code, 404)
        self.assertEqual(
            self.client.post(reverse("rehearsals:delete", args=[rehearsal.code])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("rehearsals:audio", args=[rehearsal.code])).status_code, 404
        )

    def test_sponsor_other_coach_and_staff_get_404(self):
        self.paste()
        rehearsal = self.talk.rehearsals.get()
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "1"})
        for person in (self.w.sponsor, self.w.other_coach, self.w.staff, self.w.other_sponsor):
            self.login(person)
            for url in (
                reverse("rehearsals:talk", args=[self.talk.code]),
                reverse("rehearsals:rehearsal", args=[rehearsal.code]),
                reverse("rehearsals:home", args=[self.w.engagement.code]),
            ):
                with self.subTest(person=person.email, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_wrong_methods_get_405(self):
        self.login(self.w.coachee)
        self.assertEqual(
            self.client.get(reverse("rehearsals:paste", args=[self.talk.code])).status_code, 405
        )
        self.assertEqual(
            self.client.get(reverse("rehearsals:share", args=[self.talk.code])).status_code, 405
        )

    def test_deleting_a_talk_deletes_its_rehearsals(self):
        self.paste()
        self.client.post(reverse("rehearsals:talk_delete", args=[self.talk.code]))
        self.assertFalse(Talk.objects.filter(pk=self.talk.pk).exists())
        self.assertFalse(Rehearsal.objects.filter(talk_id=self.talk.pk).exists())

    # --- audio: checked at the door ------------------------------------------------------

    def upload(self, content, name="talk.wav", **extra):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.login(self.w.coachee)
        return self.client.post(
            reverse("rehearsals:upload", args=[self.talk.code]),
            {"audio": SimpleUploadedFile(name, content, "audio/wav"), **extra},
        )

    def test_a_file_that_is_not_audio_is_refused_beside_the_field(self):
        response = self.upload(b"%PDF-1.4 this is not audio at all" * 20, name="slides.pdf")
        self.assertContains(response, 'id="id_audio_error"', status_code=400)
        self.assertContains(response, "not an audio file", status_code=400)
        self.assertFalse(self.talk.rehearsals.exists())

    def test_an_empty_file_is_refused(self):
        response = self.upload(b"")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.talk.rehearsals.exists())

    @override_settings(REHEARSAL_MAX_AUDIO_BYTES=1000)
    def test_a_file_over_the_size_limit_is_refused(self):
        response = self.upload(b"RIFF" + b"\0" * 2000)
        self.assertContains(response, "larger than", status_code=400)
        self.assertFalse(self.talk.rehearsals.exists())

    def test_the_talk_page_drafts_the_questions_the_room_may_ask(self):
        self.paste()
        page = self.client.get(reverse("rehearsals:talk", args=[self.talk.code]))
        self.assertContains(page, "Questions the room may ask")
        self.assertContains(page, "The sceptical board member")
        self.assertContains(page, "Lisbon")

    def test_a_talk_is_tied_to_a_goal_and_brought_to_the_next_session(self):
        self.login(self.w.coachee)
        url = reverse("rehearsals:talk", args=[self.talk.code])
        data = {"title": "T", "minutes_allowed": "3", "pace_low": "100", "pace_high": "165"}
        response = self.client.post(url, {**data, "goal": str(self.w.goal.code)})
        self.assertRedirects(response, url)
        self.talk.refresh_from_db()
        self.assertEqual(self.talk.goal, self.w.goal)
        response = self.client.post(url, {**data, "goal": "not-a-goal"})
        self.assertContains(response, 'id="id_goal_error"', status_code=400)
        self.client.post(reverse("rehearsals:bring", args=[self.talk.code]))
        self.talk.refresh_from_db()
        self.assertEqual(self.talk.brought_to, self.w.next_session)
        self.assertIsNotNone(self.talk.shared_with_coach_at)
        self.login(self.w.coach)
        home = self.client.get(reverse("rehearsals:home", args=[self.w.engagement.code]))
        self.assertContains(home, "Brought to the session on")
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "0"})
        self.talk.refresh_from_db()
        self.assertIsNone(self.talk.brought_to)

    def test_the_talk_page_reads_in_the_same_queries_however_many_rehearsals(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        url = reverse("rehearsals:talk", args=[self.talk.code])
        counts = []
        for _ in range(2):
            self.paste()
            self.paste()
            with CaptureQueriesContext(connection) as read:
                self.assertEqual(self.client.get(url).status_code, 200)
            counts.append(len(read))
        self.assertEqual(counts[0], counts[1])
        self.assertEqual(counts[0], 9, counts)

    # --- the room's questions -------------------------------------------------------------

    def test_the_leader_takes_the_questions_one_at_a_time_then_reads_the_notes(self):
        from bearing.rehearsals.models import QuestionRound

        self.login(self.w.coachee)
        response = self.client.post(reverse("rehearsals:questions_start", args=[self.talk.code]))
        round_ = QuestionRound.objects.get(talk=self.talk)
        url = reverse("rehearsals:questions", args=[round_.code])
        self.assertRedirects(response, url)
        page = self.client.get(url)
        self.assertContains(page, "question 1 of")
        self.assertContains(page, "The sceptical board member")
        empty = self.client.post(url, {"answer": "  "})
        self.assertContains(empty, 'id="answer_error"', status_code=400)
        for _ in range(len(round_.questions) - 1):
            self.client.post(url, {"answer": "Ten engineers, because the backlog doubled."})
        self.assertNotContains(self.client.get(url), "words —")
        self.client.post(url, {"answer": "Um, I think maybe, sort of, we will see."})
        done = self.client.get(url)
        self.assertContains(done, "Which answer would you most like to give again?")
        self.assertContains(done, "Hedges: i think maybe, sort of.")
        self.assertContains(done, "The first sentence already speaks to the question.")
        self.assertEqual(self.client.post(url, {"answer": "more"}).status_code, 400)
        with connection.cursor() as cursor:
            cursor.execute("SELECT answers FROM rehearsals_questionround")
            self.assertNotIn("backlog", cursor.fetchone()[0])
        # The coach reads it only once the talk is shared; the sponsor never.
        self.login(self.w.coach)
        self.assertEqual(self.client.get(url).status_code, 404)
        self.talk.shared_with_coach_at = self.talk.created_at
        self.talk.save()
        self.assertContains(self.client.get(url), "backlog")
        self.assertEqual(self.client.post(url, {"answer": "x"}).status_code, 404)
        self.login(self.w.sponsor)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_no_key_messages_no_questions(self):
        empty = Talk.objects.create(engagement=self.w.engagement, title="E", minutes_allowed=3)
        self.login(self.w.coachee)
        response = self.client.post(reverse("rehearsals:questions_start", args=[empty.code]))
        self.assertRedirects(response, reverse("rehearsals:talk", args=[empty.code]))
        self.assertFalse(empty.question_rounds.exists())


class BroughtToTheBriefTests(WorldTestCase):
    def test_a_talk_brought_to_the_next_session_is_in_the_coach_s_brief_only_once_shared(self):
        from bearing.rehearsals.models import Talk

        talk = Talk.objects.create(
            engagement=self.w.engagement, title="CANARY-TALK board update", minutes_allowed=5
        )
        brief = reverse("growth:brief", args=[self.w.next_session.code])
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(brief), "CANARY-TALK")
        self.login(self.w.coachee)
        session_page = self.client.get(
            reverse("engagements:session_detail", args=[self.w.next_session.code])
        )
        self.assertContains(session_page, "CANARY-TALK")
        self.client.post(reverse("rehearsals:bring", args=[talk.code]))
        self.login(self.w.coach)
        page = self.client.get(brief)
        self.assertContains(page, "CANARY-TALK")
        self.assertContains(page, "brought to this session")
        for outsider in (self.w.other_coach, self.w.sponsor, self.w.staff):
            self.login(outsider)
            self.assertNotContains(self.client.get(brief), "CANARY-TALK", status_code=404)


class AudioSharingTests(WorldTestCase):
    """The coach hears a recording only when the leader chooses, and only while the
    talk is shared; the sponsor, another coach and staff never."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.talk = Talk.objects.create(
            engagement=cls.w.engagement, title="Board", minutes_allowed=3
        )
        cls.rehearsal = Rehearsal.objects.create(
            talk=cls.talk,
            status=Status.READY,
            source="uploaded",
            audio=base64.b64encode(b"RIFF-not-really-a-wav").decode(),
            audio_type="audio/wav",
            audio_bytes=21,
            keep_audio=True,
        )

    def test_the_coach_listens_only_to_what_the_leader_shares_while_the_talk_is_shared(self):
        audio = reverse("rehearsals:audio", args=[self.rehearsal.code])
        share_audio = reverse("rehearsals:audio_share", args=[self.rehearsal.code])
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "1"})
        self.login(self.w.coach)
        self.assertEqual(self.client.get(audio).status_code, 404)  # the talk only
        self.assertEqual(self.client.post(share_audio, {"share": "1"}).status_code, 404)
        self.login(self.w.coachee)
        self.client.post(share_audio, {"share": "1"})
        self.login(self.w.coach)
        response = self.client.get(audio)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response), b"RIFF-not-really-a-wav")
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.READ, actor_id=self.w.coach.pk, detail__field="rehearsal"
            ).exists()
        )
        for outsider in (self.w.other_coach, self.w.sponsor, self.w.staff):
            self.login(outsider)
            self.assertEqual(self.client.get(audio).status_code, 404)
        # The talk unshared: no audio either, even though the recording still is.
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "0"})
        self.login(self.w.coach)
        self.assertEqual(self.client.get(audio).status_code, 404)
        # Taken back by the leader.
        self.login(self.w.coachee)
        self.client.post(reverse("rehearsals:share", args=[self.talk.code]), {"share": "1"})
        self.client.post(share_audio, {"share": "0"})
        self.login(self.w.coach)
        self.assertEqual(self.client.get(audio).status_code, 404)

    def test_nothing_to_share_without_kept_audio(self):
        self.rehearsal.audio, self.rehearsal.audio_bytes = "", 0
        self.rehearsal.save(update_fields=["audio", "audio_bytes"])
        self.login(self.w.coachee)
        page = self.client.post(
            reverse("rehearsals:audio_share", args=[self.rehearsal.code]),
            {"share": "1"},
            follow=True,
        )
        self.assertContains(page, "There is no audio kept to share.")

"""Audio to observations, through the task worker: a known script spoken by espeak-ng.

Tolerances: espeak-ng reads at the rate it is given, so the pace Bearing measures is
checked against the script's own words over the clip's length, within 15%; of the five
"um" and "uh" in the script at least four must be heard (Whisper tiny.en with the
disfluent prompt kept all 30 of 30 in the README's measurement)."""

import base64
import os
import subprocess
import sys
import textwrap
import unittest
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from bearing.rehearsals import speech
from bearing.rehearsals.models import Failure, Rehearsal, Status, Talk
from bearing.rehearsals.observations import observe
from bearing.rehearsals.tasks import rehearsal_transcribe
from bearing.rehearsals.timed import Timed
from bearing.testing import WorldTestCase

from .speech_clips import ESPEAK, KEY_MESSAGES, SCRIPT, SCRIPT_FILLERS, duration_of, silence, speak

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
if CI and not (speech.available() and ESPEAK):
    # In CI the speech layer is required: a missing package or voice fails, never skips.
    raise RuntimeError("the speech packages or espeak-ng are missing (.ci/run installs them)")
needs_speech = unittest.skipUnless(
    speech.available() and ESPEAK, "needs the speech packages and espeak-ng"
)


@needs_speech
class TranscriptionTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.talk = Talk.objects.create(
            engagement=cls.w.engagement, title="Plan", minutes_allowed=1, key_messages=KEY_MESSAGES
        )
        cls.clip = speak()

    def upload(self, content, name="talk.wav", **extra):
        self.login(self.w.coachee)
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(
                reverse("rehearsals:upload", args=[self.talk.code]),
                {"audio": SimpleUploadedFile(name, content, "audio/wav"), **extra},
            )

    def test_a_spoken_script_is_transcribed_with_its_fillers_and_pace(self):
        # How fast is measured by `manage.py bench_speech --check`, not here.
        response = self.upload(self.clip)
        rehearsal = self.talk.rehearsals.get()
        self.assertRedirects(response, reverse("rehearsals:rehearsal", args=[rehearsal.code]))
        rehearsal.refresh_from_db()
        self.assertEqual(rehearsal.status, Status.READY)
        self.assertEqual(rehearsal.progress, 100)
        # The audio is gone once the words are ready.
        self.assertEqual((rehearsal.audio, rehearsal.audio_bytes), ("", 0))
        found = observe(
            Timed.from_json(rehearsal.transcript, rehearsal.duration_seconds),
            minutes_allowed=1,
            key_messages=self.talk.key_message_list(),
        )
        sounds = sum(1 for f in found.fillers if f.text in {"um", "uh"})
        self.assertGreaterEqual(sounds, SCRIPT_FILLERS - 1, found.fillers)
        self.assertLessEqual(sounds, SCRIPT_FILLERS + 1, found.fillers)
        expected_wpm = 60 * len(SCRIPT.split()) / duration_of(self.clip)
        self.assertAlmostEqual(found.average_wpm, expected_wpm, delta=0.15 * expected_wpm)
        self.assertEqual(found.key_messages_said, 2)
        page = self.client.get(reverse("rehearsals:rehearsal", args=[rehearsal.code]))
        self.assertContains(page, "Lisbon")

    def test_kept_audio_stays_for_its_owner_to_play(self):
        self.upload(self.clip, keep_audio="on")
        rehearsal = self.talk.rehearsals.get()
        self.assertEqual(rehearsal.status, Status.READY)
        self.assertEqual(base64.b64decode(rehearsal.audio), self.clip)
        played = self.client.get(reverse("rehearsals:audio", args=[rehearsal.code]))
        self.assertEqual(played["Content-Type"], "audio/wav")
        self.client.post(reverse("rehearsals:audio_discard", args=[rehearsal.code]))
        rehearsal.refresh_from_db()
        self.assertEqual((rehearsal.audio, rehearsal.audio_bytes), ("", 0))
        self.assertEqual(rehearsal.status, Status.READY)

    def test_silence_is_a_clear_message_and_nothing_is_kept(self):
        self.upload(silence(3.0))
        rehearsal = self.talk.rehearsals.get()
        self.assertEqual((rehearsal.status, rehearsal.failure), (Status.FAILED, Failure.SILENCE))
        self.assertEqual(rehearsal.audio_bytes, 0)
        page = self.client.get(reverse("rehearsals:rehearsal", args=[rehearsal.code]))
        self.assertContains(page, "We heard no speech")

    @override_settings(REHEARSAL_MAX_AUDIO_SECONDS=5)
    def test_a_recording_over_the_length_limit_is_refused_beside_the_field(self):
        response = self.upload(silence(8.0))
        self.assertContains(response, 'id="id_audio_error"', status_code=400)
        self.assertContains(response, "up to 0.0833333 minutes", status_code=400)
        self.assertFalse(self.talk.rehearsals.exists())

    def test_a_damaged_file_fails_clearly_and_the_worker_goes_on(self):
        """Bytes that are no audio reach the worker (the form would refuse them): the
        rehearsal fails with a message, and the next task runs as usual."""
        broken = Rehearsal.objects.create(
            talk=self.talk,
            source="uploaded",
            audio=base64.b64encode(b"\x00garbage" * 50).decode(),
            audio_type="audio/wav",
            audio_bytes=400,
        )
        self.assertEqual(rehearsal_transcribe.call(code=str(broken.code)), Failure.UNREADABLE)
        broken.refresh_from_db()
        self.assertEqual((broken.status, broken.audio_bytes), (Status.FAILED, 0))
        good = Rehearsal.objects.create(
            talk=self.talk,
            source="uploaded",
            audio=base64.b64encode(self.clip).decode(),
            audio_type="audio/wav",
            audio_bytes=len(self.clip),
        )
        self.assertEqual(rehearsal_transcribe.call(code=str(good.code)), Status.READY)

    @override_settings(REHEARSAL_MAX_AUDIO_SECONDS=3)
    def test_the_worker_stops_decoding_past_the_length_limit(self):
        long = Rehearsal.objects.create(
            talk=self.talk,
            source="recorded",
            audio=base64.b64encode(self.clip).decode(),
            audio_type="audio/webm",
            audio_bytes=len(self.clip),
        )
        self.assertEqual(rehearsal_transcribe.call(code=str(long.code)), Failure.TOO_LONG)

    def test_a_second_run_of_the_task_leaves_a_ready_rehearsal_alone(self):
        self.upload(self.clip)
        rehearsal = self.talk.rehearsals.get()
        self.assertEqual(rehearsal_transcribe.call(code=str(rehearsal.code)), "skipped")

    def test_an_interrupted_upload_saves_nothing(self):
        """The body ends before the file's closing boundary: refused, nothing half-saved."""
        self.login(self.w.coachee)
        boundary = "XyZ"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="audio"; '
            f'filename="talk.wav"\r\nContent-Type: audio/wav\r\n\r\n'
        ).encode() + self.clip[:5000]
        response = self.client.generic(
            "POST",
            reverse("rehearsals:upload", args=[self.talk.code]),
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.talk.rehearsals.exists())

    def test_the_pending_page_polls_for_progress(self):
        pending = Rehearsal.objects.create(
            talk=self.talk,
            source="uploaded",
            audio=base64.b64encode(self.clip).decode(),
            audio_type="audio/wav",
            audio_bytes=len(self.clip),
            status="transcribing",
            progress=40,
        )
        self.login(self.w.coachee)
        url = reverse("rehearsals:rehearsal", args=[pending.code])
        page = self.client.get(url)
        self.assertContains(page, 'hx-trigger="every 2s"')
        self.assertContains(page, 'value="40"')
        fragment = self.client.get(url, headers={"HX-Request": "true"})
        self.assertNotContains(fragment, "<html")
        self.assertNotIn("HX-Refresh", fragment)
        Rehearsal.objects.filter(pk=pending.pk).update(status="failed", failure="error")
        fragment = self.client.get(url, headers={"HX-Request": "true"})
        self.assertEqual(fragment["HX-Refresh"], "true")


# Run in a child process where opening any network connection raises, so the model is
# shown to load and transcribe from the package alone.
_OFFLINE = textwrap.dedent(
    """
    import os, socket, sys
    def refuse(*args, **kwargs):
        raise OSError("network unavailable")
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.pop(var, None)
    import django
    django.setup()
    from bearing.rehearsals import speech
    from bearing.rehearsals.tests.speech_clips import speak
    timed = speech.transcribe(speech.decode(speak(), max_seconds=120))
    words = [w[2].lower().strip(".,") for w in timed.words]
    print("WORDS", len(words), "lisbon" in words)
    """
)


@needs_speech
class OfflineTests(unittest.TestCase):
    def test_the_model_loads_and_transcribes_with_the_network_unavailable(self):
        root = Path(__file__).resolve().parents[3]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bearing.settings"}
        done = subprocess.run(
            [sys.executable, "-c", _OFFLINE],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.assertEqual(done.returncode, 0, done.stderr[-3000:])
        self.assertIn("WORDS", done.stdout)
        count, lisbon = done.stdout.split("WORDS", 1)[1].split()
        self.assertGreater(int(count), 40)
        self.assertEqual(lisbon, "True")

"""End to end in headless Chromium with a fake microphone: the leader records a rehearsal
in the browser, the worker transcribes it, and the page shows pace and filler counts that
match the script.

Chromium plays a WAV made at test time by espeak-ng from a known script
(``--use-file-for-fake-audio-capture``) and grants the microphone without a prompt
(``--use-fake-ui-for-media-stream``). Tolerances: fillers ("um", "uh") within one of the
script's four; average pace within 15% of the script's words over the clip's length."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
import wave
from pathlib import Path

import pytest

from bearing.rehearsals import speech
from bearing.rehearsals.models import Status, Talk
from bearing.testing import PASSWORD, make_world
from bearing.testing.browser import CHROMIUM, CHROMIUM_ARGS, BrowserTestCase

SCRIPT = (
    "Good morning. Um, I want to talk about our plan. Uh, we grew revenue, and that is a "
    "good start. Um, first, we hire ten engineers for the platform team. Uh, second, we "
    "open an office in Lisbon. That is the plan."
)
FILLERS = 4
ESPEAK = shutil.which("espeak-ng")


# In CI the speech layer is required: missing, the test fails rather than skips.
_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.mark.browser
@pytest.mark.skipif(
    not _CI and not (ESPEAK and speech.available()), reason="needs espeak-ng and speech"
)
class RecordingTests(BrowserTestCase):
    @classmethod
    def setUpClass(cls):
        cls._dir = tempfile.TemporaryDirectory()
        cls.wav = Path(cls._dir.name) / "script.wav"
        subprocess.run(
            [ESPEAK, "-v", "en-us", "-s", "150", "-w", str(cls.wav), SCRIPT],
            check=True,
            timeout=60,
        )
        with wave.open(str(cls.wav)) as w:
            cls.seconds = w.getnframes() / w.getframerate()
        super().setUpClass()
        # A second browser with the fake microphone playing the script once.
        cls.browser.close()
        cls.browser = cls._pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-audio-capture={cls.wav}%noloop",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._dir.cleanup()

    def setUp(self):
        super().setUp()
        self.w = make_world()
        self.talk = Talk.objects.create(
            engagement=self.w.engagement,
            title="The plan",
            minutes_allowed=1,
            key_messages="Hire ten engineers for the platform team\nOpen an office in Lisbon",
        )

    def test_record_listen_back_send_and_read_the_observations(self):
        page = self.new_page()
        self.sign_in(page, self.w.coachee.email, PASSWORD)
        page.goto(self.url(f"/talks/{self.talk.code}/"))
        page.get_by_role("button", name="Start recording").click()
        page.get_by_text("Recording. Press Stop").wait_for()
        time.sleep(1.0)
        # The meter moves while the script plays.
        self.assertGreater(page.locator("[data-record-level]").evaluate("m => m.value"), 0)
        time.sleep(self.seconds + 0.5)
        self.assertRegex(page.locator("[data-record-timer]").inner_text(), r"^0:\d\d$")
        page.get_by_role("button", name="Stop").click()
        page.get_by_text("Listen back").wait_for()
        self.screenshot(page, "30-rehearsal-recorded")
        page.get_by_role("button", name="Use this recording").click()
        page.wait_for_url(re.compile(r"/rehearsals/[0-9a-f-]+/$"), timeout=120_000)
        page.get_by_role("heading", name="Filler words").wait_for(timeout=120_000)
        self.screenshot(page, "31-rehearsal-observations")

        # The rehearsal whose page this is (on a loaded machine the browser may resend a
        # POST whose connection dropped before any answer; each would be its own row).
        code = re.search(r"/rehearsals/([0-9a-f-]+)/$", page.url).group(1)
        rehearsal = self.talk.rehearsals.get(code=code)
        self.assertEqual((rehearsal.status, rehearsal.source), (Status.READY, "recorded"))
        self.assertEqual(rehearsal.audio_bytes, 0)  # not kept: deleted once transcribed
        fillers = page.locator("[data-fillers]").inner_text()
        count = int(re.match(r"(\d+) filler words", fillers).group(1))
        sounds = sum(int(n) for n in re.findall(r"“(?:um|uh)” (\d+)", fillers))
        self.assertLessEqual(abs(sounds - FILLERS), 1, fillers)
        self.assertGreaterEqual(count, sounds)
        pace = page.locator("dt:text('Average pace') + dd").inner_text()
        wpm = float(re.match(r"([\d.]+) words per minute", pace).group(1))
        expected = 60 * len(SCRIPT.split()) / self.seconds
        self.assertAlmostEqual(wpm, expected, delta=0.15 * expected)
        self.assertEqual(self.csp_violations, [])

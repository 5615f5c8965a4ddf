"""Headless Chromium for end-to-end tests, driven by Playwright.

Uses the system's Chromium (Debian's ``chromium`` package); Playwright never
downloads a browser. Tests using this are marked ``browser`` and run in their own
layer of ``make test``.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from bearing.accounts import factors
from bearing.accounts.models import TotpDevice

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BEARING_TEST_ARTIFACTS", "test-artifacts"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.mark.browser
class BrowserTestCase(StaticLiveServerTestCase):
    """A live server plus one Chromium per class; a fresh context per test."""

    host = "127.0.0.1"

    @classmethod
    def setUpClass(cls):
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls._pw = sync_playwright().start()
        cls.browser = cls._pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()
        cls._pw.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.csp_violations: list[str] = []
        self.console_errors: list[str] = []
        self.failed_requests: list[str] = []
        self._contexts = []

    def tearDown(self):
        for context in self._contexts:
            context.close()
        super().tearDown()

    def new_page(self, *, mobile: bool = False):
        viewport = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        context = self.browser.new_context(viewport=viewport)
        self._contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)

        def on_console(msg):
            if msg.type == "error":
                self.console_errors.append(msg.text)
                if "Content Security Policy" in msg.text:
                    self.csp_violations.append(msg.text)

        def on_response(response):
            if response.status >= 400 and response.url.startswith(self.live_server_url):
                self.failed_requests.append(f"{response.status} {response.url}")

        page.on("console", on_console)
        page.on("response", on_response)
        return page

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def sign_in(self, page, email: str, password: str):
        """The whole sign-in, as a person does it: password, then for a coach, sponsor
        or staff member the authenticator app — set up on the spot from the key shown
        on the page, or a code from the one they have."""
        page.goto(self.url("/login/"))
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/(dashboard|login/code|login/setup)/"))
        if "/login/setup/" in page.url:
            secret = page.locator("#totp-secret").inner_text().replace(" ", "")
            page.get_by_label("Code from the app").fill(self.authenticator_code(secret))
            page.get_by_role("button", name="Turn on").click()
            page.get_by_role("link", name=re.compile("continue")).click()
        elif "/login/code/" in page.url:
            device = TotpDevice.objects.get(user__email=email)
            page.get_by_label("Code", exact=True).fill(
                self.authenticator_code(device.secret, used_step=device.last_t)
            )
            page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/dashboard/")

    @staticmethod
    def authenticator_code(secret: str, used_step: int = -1) -> str:
        """What the app shows now — or in the next step, if this one's code was used."""
        now = time.time()
        step = max(int(now) // factors.STEP, used_step + 1)
        return factors.code_at(secret, step * factors.STEP)

    def sign_out(self, page):
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/login/**")

    def screenshot(self, page, name: str):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

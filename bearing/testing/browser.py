"""Headless Chromium for end-to-end tests, driven by Playwright.

Uses the system's Chromium (Debian's ``chromium`` package); Playwright never
downloads a browser. Tests using this are marked ``browser`` and run in their own
layer of ``make test``.

Every page a browser test visits is checked with axe-core at desktop (1280 px) and
phone (390 px) widths; a serious or critical violation fails the test. axe-core
comes bundled in a development dependency (no CDN, no download at run time).
"""

from __future__ import annotations

import os
import re
import time
from functools import cache
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from bearing.accounts import factors
from bearing.accounts.models import TotpDevice

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("BEARING_TEST_ARTIFACTS", "test-artifacts"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
AXE_FAILING = {"serious", "critical"}
# Each violation: its rule, impact, help text and the first few elements it found.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""


@cache
def axe_source() -> str:
    """axe.min.js as bundled by the axe-playwright-python development dependency."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it stands. The script goes in through the
    DevTools protocol (page.evaluate): the strict Content Security Policy rightly
    refuses an injected <script> tag."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(AXE_RUN)


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
        self._visited: list[tuple[object, str]] = []  # (context, URL) in visiting order
        self.axe_problems: list[str] = []

    def tearDown(self):
        try:
            self._check_visited_pages()
        finally:
            for context in self._contexts:
                context.close()
            super().tearDown()
        if self.axe_problems:
            problems = "\n".join(self.axe_problems)
            self.fail(f"axe-core found serious or critical problems:\n{problems}")

    def check_accessibility(self, page, where: str = "") -> list[str]:
        """axe-core on the page as it stands, at desktop and phone widths; serious and
        critical violations are collected (the test fails at its end)."""
        original = page.viewport_size
        found = []
        for name, size in VIEWPORTS.items():
            page.set_viewport_size(size)
            for v in axe_violations(page):
                if v["impact"] in AXE_FAILING:
                    found.append(
                        f"{where or urlparse(page.url).path} [{name}] {v['id']} ({v['impact']}): "
                        f"{v['help']} — {', '.join(v['nodes'])}"
                    )
        if original:
            page.set_viewport_size(original)
        self.axe_problems.extend(p for p in found if p not in self.axe_problems)
        return found

    def _check_visited_pages(self) -> None:
        """Every page the test visited, opened again (GET) in the same browser as the
        same person; pages that now redirect (signed out, used tokens) are skipped."""
        seen: set[str] = set()
        for context, url in self._visited:
            parsed = urlparse(url)
            if (
                not url.startswith(self.live_server_url)
                or parsed.path in seen
                or parsed.path.endswith(".ics")
                or parsed.path.startswith("/static/")
            ):
                continue
            page = context.new_page()
            try:
                response = page.goto(url)
                if (
                    response is None
                    or response.status != 200
                    or page.url.split("#")[0] != url.split("#")[0]
                    or "text/html" not in (response.headers.get("content-type") or "")
                ):
                    continue
                seen.add(parsed.path)
                self.check_accessibility(page, parsed.path)
            finally:
                page.close()

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

        def on_navigated(frame):
            if frame == page.main_frame:
                self._visited.append((context, frame.url))

        page.on("console", on_console)
        page.on("response", on_response)
        page.on("framenavigated", on_navigated)
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

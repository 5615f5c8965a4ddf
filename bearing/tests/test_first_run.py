"""A newcomer's first run: links follow the port Bearing serves on, the install is
quiet, and `make run PORT=...` reaches the server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)


def site_url(**env) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    out = subprocess.run(
        [sys.executable, "-c", "from bearing import settings; print(settings.SITE_URL)"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


class SiteUrlTests(SimpleTestCase):
    def test_site_url_follows_the_port(self):
        self.assertEqual(site_url(PORT="8010"), "http://127.0.0.1:8010")

    def test_without_a_port_it_is_8000(self):
        self.assertEqual(site_url(), "http://127.0.0.1:8000")

    def test_a_set_site_url_wins(self):
        self.assertEqual(
            site_url(PORT="8010", SITE_URL="https://coach.example.com/"),
            "https://coach.example.com",
        )


class MakefileTests(SimpleTestCase):
    def dry_run(self, *args: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "PORT"}
        return subprocess.run(
            ["make", "-n", "-B", "--no-print-directory", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        ).stdout

    def test_make_run_passes_the_port_to_the_server(self):
        # runall reads PORT; the Makefile exports it (default 8000).
        makefile = (ROOT / "Makefile").read_text()
        self.assertIn("PORT ?= 8000", makefile)
        self.assertIn("export PORT", makefile)
        self.assertIn("http://127.0.0.1:8010", self.dry_run("help", "PORT=8010"))

    def test_the_editable_install_is_quiet(self):
        install = [line for line in self.dry_run(".venv/.installed").splitlines() if "-e ." in line]
        self.assertTrue(install, "the install step installs Bearing itself")
        self.assertIn('PYTHONWARNINGS="ignore:Editable installation"', install[0])
        self.assertIn("--quiet", install[0])

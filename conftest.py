"""Test-wide settings that keep the suite fast and self-contained.

Set here (after Django is configured, before anything reads them) so that
Bearing keeps one settings module.
"""

import tempfile
from pathlib import Path

from django.conf import settings

from bearing.lib import crypto

settings.ENCRYPTION_KEYS = "ktest1:" + "dGVzdC1rZXktbm90LWZvci1wcm9kdWN0aW9uLXVzZSE="
settings.AUDIT_KEY = "dGVzdC1hdWRpdC1rZXktbm90LWZvci1wcm9kdWN0aW9uIQ=="
settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.SITE_URL = "http://testserver"
# Backups' keys file: never the developer's own, one per test process.
settings.DATA_KEYS_BACKUP = Path(tempfile.mkdtemp(prefix="bearing-keys-")) / "data-keys.json"
crypto.reset_keyring()


def pytest_terminal_summary(terminalreporter):
    """The suite's figures (faults survived, restores verified, hostile inputs tried)."""
    from bearing.tests import figures

    lines = figures.summary_lines()
    if lines:
        terminalreporter.section("figures")
        for line in lines:
            terminalreporter.write_line(line)

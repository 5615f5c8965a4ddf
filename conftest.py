"""Test-wide settings that keep the suite fast and self-contained.

Set here (after Django is configured, before anything reads them) so that
Bearing keeps one settings module.
"""

import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from bearing.lib import crypto, datakeys

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


@pytest.fixture(autouse=True)
def _data_key_scopes_per_test():
    """A test's rows are rolled back after it, and SQLite reuses their ids: a scope
    ("person:3") must not carry over to another test's person 3."""
    datakeys.forget_scopes()
    yield

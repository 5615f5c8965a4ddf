"""Production settings: real keys or no start, strict booleans, HSTS by configuration,
and ``check --deploy`` clean with Bearing's own deployment checks."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, TestCase, override_settings

from bearing.lib.checks import bearing_deploy_checks
from bearing.tests import figures

ROOT = Path(settings.BASE_DIR)


def _key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def production_env(data_dir: str, **overrides) -> dict[str, str]:
    """What a real deployment behind a TLS proxy sets."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "BEARING_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "BEARING_ENCRYPTION_KEYS": f"k1:{_key()}",
        "BEARING_AUDIT_KEY": _key(),
        "ALLOWED_HOSTS": "coach.example.com",
        "SITE_URL": "https://coach.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://coach.example.com",
        "SECURE_SSL_REDIRECT": "1",
        "BEHIND_TLS_PROXY": "1",
        "BEARING_TRUSTED_PROXIES": "10.0.0.5",
        "BEARING_HSTS_SECONDS": "31536000",
        "BEARING_HSTS_INCLUDE_SUBDOMAINS": "1",
        "BEARING_HSTS_PRELOAD": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.com",
        "EMAIL_USE_TLS": "1",
        "BEARING_DATA_DIR": data_dir,
        "DATABASE_URL": f"sqlite:///{data_dir}/bearing.sqlite3",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


class ProductionStartTests(SimpleTestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp()

    def start(self, **overrides):
        return run(["-c", "import bearing.settings"], production_env(self.data, **overrides))

    def assertRefuses(self, result, words: str):
        self.assertNotEqual(result.returncode, 0, "started when it should have refused")
        self.assertIn(words, result.stderr)

    def test_the_production_environment_starts(self):
        result = self.start()
        self.assertEqual(result.returncode, 0, result.stderr)

    def test_debug_in_production_does_not_start_on_the_public_development_key(self):
        self.assertRefuses(
            self.start(DEBUG="1", SECRET_KEY=None), "SECRET_KEY must be set when BEARING_ENV"
        )
        self.assertRefuses(
            self.start(SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY), "SECRET_KEY must be set"
        )

    def test_production_does_not_start_without_its_own_keys(self):
        self.assertRefuses(self.start(BEARING_ENCRYPTION_KEYS=None), "BEARING_ENCRYPTION_KEYS")
        self.assertRefuses(self.start(BEARING_AUDIT_KEY=""), "BEARING_AUDIT_KEY")

    def test_an_unknown_environment_name_is_refused(self):
        self.assertRefuses(self.start(BEARING_ENV="prod"), "BEARING_ENV must be")

    def test_a_malformed_boolean_is_refused_not_read_as_false(self):
        for name, value in (
            ("SECURE_COOKIES", "ture"),
            ("DEBUG", "maybe"),
            ("BEARING_HSTS_PRELOAD", "y"),
        ):
            with self.subTest(name=name):
                self.assertRefuses(self.start(**{name: value}), f"{name} must be one of")
        self.assertRefuses(self.start(BEARING_HSTS_SECONDS="a year"), "must be a whole number")

    def test_hsts_secure_cookies_and_booleans_come_from_the_environment(self):
        probe = (
            "import bearing.settings as s; print(s.SECURE_HSTS_SECONDS, "
            "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE)"
        )
        result = run(["-c", probe], production_env(self.data, BEARING_HSTS_PRELOAD="off"))
        self.assertEqual(result.stdout.split(), ["31536000", "True", "False", "True"])


class CheckDeployTests(SimpleTestCase):
    def setUp(self):
        self.data = tempfile.mkdtemp()

    def check_deploy(self, **overrides):
        return run(
            ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            production_env(self.data, **overrides),
        )

    def test_check_deploy_is_clean_in_production(self):
        result = self.check_deploy()
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("System check identified no issues (0 silenced).", result.stdout)
        warnings = (result.stdout + result.stderr).upper().count("WARNING")
        figures.add("deploy_warnings", warnings)
        self.assertEqual(warnings, 0)

    def test_check_deploy_names_what_is_missing(self):
        result = self.check_deploy(
            BEARING_HSTS_SECONDS=None, SESSION_IDLE_MINUTES="600", BEARING_TRUSTED_PROXIES=None
        )
        self.assertNotEqual(result.returncode, 0)
        for code in ("security.W004", "bearing.W002", "bearing.W008"):
            self.assertIn(code, result.stderr)


def ids(**overrides) -> set[str]:
    with override_settings(**overrides):
        return {w.id for w in bearing_deploy_checks()}


class BearingChecksTests(SimpleTestCase):
    """Each of Bearing's own checks, one setting at a time."""

    def test_csp_must_be_present_and_strict(self):
        loose = {**settings.SECURE_CSP, "script-src": ["'self'", "'unsafe-inline'"]}
        self.assertIn("bearing.W001", ids(SECURE_CSP=loose))
        self.assertIn("bearing.W001", ids(SECURE_CSP={}))
        without = [m for m in settings.MIDDLEWARE if "csp" not in m]
        self.assertIn("bearing.W001", ids(MIDDLEWARE=without))
        self.assertNotIn("bearing.W001", ids())

    def test_session_lifetimes_within_limits(self):
        self.assertIn("bearing.W002", ids(SESSION_IDLE_SECONDS=2 * 3600))
        self.assertIn("bearing.W003", ids(SESSION_ABSOLUTE_SECONDS=24 * 3600))
        self.assertFalse({"bearing.W002", "bearing.W003"} & ids())

    def test_keys_are_set_and_kept_apart(self):
        self.assertIn("bearing.W004", ids(SECRET_KEY=settings.DEVELOPMENT_SECRET_KEY))
        self.assertIn("bearing.W005", ids(ENCRYPTION_KEYS=""))
        self.assertIn("bearing.W006", ids(AUDIT_KEY=""))
        key = _key()
        self.assertIn("bearing.W007", ids(SECRET_KEY=key, AUDIT_KEY=key))
        self.assertIn("bearing.W007", ids(AUDIT_KEY=key, ENCRYPTION_KEYS=f"k1:{key}"))

    def test_the_network_and_the_cache(self):
        self.assertIn(
            "bearing.W008",
            ids(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"), TRUSTED_PROXIES=[]),
        )
        locmem = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        self.assertIn("bearing.W009", ids(CACHES=locmem))
        self.assertIn("bearing.W010", ids(SITE_URL="http://coach.example.com"))

    def test_the_second_factor_must_stay_on(self):
        without = [m for m in settings.MIDDLEWARE if not m.endswith("SecondFactorMiddleware")]
        self.assertIn("bearing.W011", ids(MIDDLEWARE=without))
        self.assertNotIn("bearing.W011", ids())


class HstsHeaderTests(TestCase):
    @override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
    def test_hsts_is_sent_over_https_when_configured(self):
        response = self.client.get("/healthz", secure=True)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response["Strict-Transport-Security"], "max-age=31536000; includeSubDomains"
        )

    def test_no_hsts_unless_configured(self):
        self.assertNotIn("Strict-Transport-Security", self.client.get("/healthz", secure=True))

"""Signing in through the real pages, second factor included, at a frozen time."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from bearing.accounts import factors
from bearing.accounts.models import TotpDevice, User
from bearing.testing import PASSWORD

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
FROZEN = 1_899_999_990.0  # 2030-03-17 17:46:30 UTC, the start of a 30-second step


def give_authenticator(user: User, secret: str = SECRET) -> TotpDevice:
    return TotpDevice.objects.create(user=user, name="Test app", secret=secret)


def frozen(at: float = FROZEN):
    """Hold the clock codes are checked against."""
    return mock.patch.object(factors, "now", return_value=at)


def code(secret: str = SECRET, at: float = FROZEN) -> str:
    """What the authenticator app shows at ``at``: computed from the secret."""
    return factors.code_at(secret, at)


def post_password(client, email: str, password: str = PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, **extra
    )


def second_step_urls() -> set[str]:
    return {reverse("accounts:login_code"), reverse("accounts:login_setup")}

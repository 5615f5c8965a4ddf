"""Second factors: an authenticator app (TOTP, RFC 6238) and recovery codes.

The code arithmetic and the back-off after wrong codes are django-otp's
(``django_otp.oath.TOTP``, ``ThrottlingMixin``); the secret lives in Bearing's own
encrypted field, and recovery codes are hashed like passwords. Neither a code nor
a secret is ever written to the audit log or any other log.

Coaches, sponsors and staff must have an authenticator app; a coachee may turn
one on. Adding or removing one ends the person's other sign-ins.
"""

from __future__ import annotations

import base64
import enum
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django_otp.oath import TOTP

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record

from . import login_sessions
from .models import RecoveryCode, TotpDevice, User
from .queries import roles_of

ISSUER = "Bearing"
STEP = 30  # seconds a code lasts
DIGITS = 6
TOLERANCE = 1  # one step either side, for a phone clock a little off
RECOVERY_CODE_COUNT = 10
# Crockford's base32: no I, L, O or U to misread. Twelve characters = 60 bits.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_LENGTH = 12


def now() -> float:
    """The clock codes are checked against (one place for tests to hold still)."""
    return time.time()


# --- Who needs one -------------------------------------------------------------------


def required_for(user: User) -> bool:
    """Coaches, sponsors and staff reach other people's work: a second factor is a must."""
    roles = roles_of(user)
    return roles.is_coach or roles.is_sponsor or roles.is_staff


def has_factor(user: User) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- The authenticator app's secret, as a link and a QR code -----------------------------


def new_secret() -> str:
    """160 random bits in base32, as authenticator apps expect (RFC 4226 advises 160)."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def _key(secret: str) -> bytes:
    secret = secret.strip().replace(" ", "").upper()
    return base64.b32decode(secret + "=" * (-len(secret) % 8))


def code_at(secret: str, at: float) -> str:
    """The code an authenticator app shows at ``at`` (Unix seconds)."""
    totp = TOTP(_key(secret), step=STEP, digits=DIGITS)
    totp.time = at
    return f"{totp.token():0{DIGITS}d}"


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(user: User, secret: str) -> str:
    """The Key URI format authenticator apps read from a QR code."""
    label = quote(f"{ISSUER}:{user.email}")
    params = urlencode(
        {"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS, "period": STEP}
    )
    return f"otpauth://totp/{label}?{params}"


@dataclass(frozen=True)
class QrCode:
    """A QR code as one SVG path: the template draws it, nothing is marked safe."""

    size: int  # modules per side, quiet zone included
    path: str  # only digits and the letters M, h, v, z


def qr_code(data: str) -> QrCode:
    """segno does the encoding (error correction, masking); Bearing draws each dark
    run of a row as one rectangle."""
    qr = segno.make(data, error="m", micro=False)
    parts: list[str] = []
    size = 0
    for y, cells in enumerate(qr.matrix_iter(scale=1, border=4)):
        row = list(cells)
        size = len(row)
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QrCode(size=size, path="".join(parts))


# --- Checking a code -------------------------------------------------------------------


class Outcome(enum.Enum):
    TOTP = "totp"  # a code from the app
    RECOVERY = "recovery"  # a recovery code, now used up
    WRONG = "wrong"
    WAIT = "wait"  # too soon after a wrong code: the app's back-off


def _digits(code: str) -> str:
    return "".join(code.split())


def _matching_step(secret: str, code: str, *, min_t: int | None) -> int | None:
    """The time step at which ``code`` is right (within the tolerance), or None."""
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = TOTP(_key(secret), step=STEP, digits=DIGITS)
    totp.time = now()
    if totp.verify(int(code), tolerance=TOLERANCE, min_t=min_t):
        return totp.t()
    return None


def _normalise_recovery(code: str) -> str:
    code = "".join(code.split()).replace("-", "").lower()
    # Crockford's reading of look-alikes.
    return code.translate(str.maketrans("oil", "011"))


def _check_totp(user: User, code: str) -> Outcome:
    with transaction.atomic():
        device = TotpDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return Outcome.WRONG
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return Outcome.WAIT
        step = _matching_step(device.secret, code, min_t=device.last_t + 1)
        if step is None:
            device.throttle_increment(commit=False)
            device.save(update_fields=["throttling_failure_count", "throttling_failure_timestamp"])
            return Outcome.WRONG
        device.last_t = step  # this code, and any earlier one, will not work again
        device.last_used_at = timezone.now()
        device.throttle_reset(commit=False)
        device.save(
            update_fields=[
                "last_t",
                "last_used_at",
                "throttling_failure_count",
                "throttling_failure_timestamp",
            ]
        )
        return Outcome.TOTP


def _use_recovery_code(user: User, code: str) -> bool:
    code = _normalise_recovery(code)
    if len(code) != _RECOVERY_LENGTH:
        return False
    with transaction.atomic():
        unused = RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True)
        for row in unused:
            if check_password(code, row.code_hash):
                row.used_at = timezone.now()
                row.save(update_fields=["used_at"])
                return True
    return False


def verify(user: User, code: str, *, request=None, via: str = "sign_in") -> Outcome:
    """Check a second factor: six digits from the app, or a recovery code (used up
    by this). Success and failure are audited, never the code."""
    code = (code or "").strip()
    if _digits(code).isdigit() and len(_digits(code)) == DIGITS:
        outcome = _check_totp(user, _digits(code))
    elif code and _use_recovery_code(user, code):
        outcome = Outcome.RECOVERY
    else:
        outcome = Outcome.WRONG
    if outcome == Outcome.TOTP:
        audit_record(
            action=AuditAction.SECOND_FACTOR_OK, actor=user, request=request, kind="totp", via=via
        )
    elif outcome == Outcome.RECOVERY:
        audit_record(
            action=AuditAction.RECOVERY_CODE_USED,
            actor=user,
            request=request,
            count=recovery_codes_left(user),
            via=via,
        )
    else:
        audit_record(
            action=AuditAction.SECOND_FACTOR_FAILED,
            actor=user,
            request=request,
            reason=outcome.value,
            via=via,
        )
    return outcome


# --- Adding and removing ------------------------------------------------------------------


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=make_password(_normalise_recovery(c))) for c in codes
    )
    return codes


def _keep_key(request) -> str | None:
    """The session to keep when ending a person's other sign-ins: this one, if signed in."""
    if request is not None and request.user.is_authenticated:
        return request.session.session_key
    return None


@transaction.atomic
def totp_add(*, user: User, secret: str, code: str, request=None) -> list[str] | None:
    """Confirm an authenticator app with a code it shows. Returns the new recovery
    codes (the only time they exist in plain), or None if the code is wrong. Any
    earlier app and recovery codes are replaced; the person's other sign-ins end."""
    step = _matching_step(secret, _digits(code or ""), min_t=None)
    if step is None:
        audit_record(
            action=AuditAction.SECOND_FACTOR_FAILED,
            actor=user,
            request=request,
            reason="wrong",
            via="setup",
        )
        return None
    TotpDevice.objects.filter(user=user).delete()
    device = TotpDevice(
        user=user,
        name="Authenticator app",
        secret=secret,
        last_t=step,  # the code just typed is spent
        last_used_at=timezone.now(),
    )
    device.full_clean()
    device.save()
    codes = _recovery_codes_replace(user)
    audit_record(action=AuditAction.FACTOR_ADDED, actor=user, request=request, kind="totp")
    login_sessions.end_others(
        user, keep_key=_keep_key(request), reason="factor_added", by=user, request=request
    )
    return codes


@transaction.atomic
def factor_remove(*, user: User, request=None, via: str = "owner") -> bool:
    """Remove the authenticator app and the recovery codes; the person's other
    sign-ins end. For a coach, sponsor or staff member the next page asks for a
    new one. ``via="operator"``: the server's operator, for someone who lost both
    their phone and their recovery codes (all their sign-ins end)."""
    deleted, _ = TotpDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    if not deleted:
        return False
    audit_record(
        action=AuditAction.FACTOR_REMOVED,
        actor=user if via == "owner" else None,
        email="" if via == "owner" else user.email,
        request=request,
        kind="totp",
        via=via,
    )
    login_sessions.end_others(
        user,
        keep_key=_keep_key(request),
        reason="factor_removed",
        by=user if via == "owner" else None,
        request=request,
    )
    return True


@transaction.atomic
def recovery_codes_renew(*, user: User, request=None) -> list[str]:
    """New recovery codes; the old ones stop working."""
    if not has_factor(user):
        raise ValueError("Recovery codes come with an authenticator app.")
    codes = _recovery_codes_replace(user)
    audit_record(
        action=AuditAction.RECOVERY_CODES_MADE, actor=user, request=request, count=len(codes)
    )
    return codes


def device_add_known(*, user: User, secret: str) -> TotpDevice:
    """An authenticator with a secret chosen in advance, for demo data only: the
    secret is published, so such an account is no more protected than by its password."""
    device = TotpDevice(user=user, name="Demo authenticator", secret=secret)
    device.full_clean()
    device.save()
    return device

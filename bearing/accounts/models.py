import secrets
import uuid
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin

from bearing.lib.fields import EncryptedTextField


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]  # django_otp is untyped
    """A person. What they may do comes from their memberships, not from this row."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    name = models.CharField(max_length=150)
    time_zone = models.CharField(max_length=64, default="UTC")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    # SHA-256 of the private calendar link's token; empty until the person asks for
    # a link. The link itself is shown once, when it is made.
    calendar_token_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        # The staff page's people, a page at a time in this order.
        indexes = [models.Index(fields=["name", "id"], name="user_name_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
            models.UniqueConstraint(
                fields=["calendar_token_hash"],
                condition=~Q(calendar_token_hash=""),
                name="user_calendar_token_hash_unique",
            ),
        ]

    def __str__(self):
        return self.name or self.email

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")


class Practice(models.Model):
    """A coaching firm, or an independent coach."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    # The organizations it works with: its coaches start engagements there only.
    organizations: "models.ManyToManyField[Organization, PracticeOrganization]" = (
        models.ManyToManyField(
            "Organization", through="PracticeOrganization", related_name="practices", blank=True
        )
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """The client company a coachee works in and a sponsor belongs to."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    # Staff switch: may the companion use the configured language model for this
    # organization's coachees? Off by default; the offline engine always works.
    companion_model_enabled = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PracticeOrganization(models.Model):
    """A practice works with an organization. Staff record it; coaches of the
    practice may then start engagements with that organization's people."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "organization"], name="practice_organization_unique"
            ),
        ]

    def __str__(self):
        return f"{self.practice} works with {self.organization}"


class Role(models.TextChoices):
    COACH = "coach", "Coach"
    COACHEE = "coachee", "Coachee"
    SPONSOR = "sponsor", "Sponsor"
    STAFF = "staff", "Staff"


class Membership(models.Model):
    """One role one person holds: coach in a practice, coachee or sponsor in an
    organization, or staff of the installation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=(
                    Q(role="coach", practice__isnull=False, organization__isnull=True)
                    | Q(
                        role__in=["coachee", "sponsor"],
                        practice__isnull=True,
                        organization__isnull=False,
                    )
                    | Q(role="staff", practice__isnull=True, organization__isnull=True)
                ),
                name="membership_scope_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "practice"],
                condition=Q(practice__isnull=False),
                name="membership_unique_in_practice",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="membership_unique_in_organization",
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="staff"), name="membership_unique_staff"
            ),
        ]

    def __str__(self):
        where = self.practice or self.organization or "installation"
        return f"{self.user} — {self.get_role_display()} ({where})"


# Roles that give access to other people's engagements or to the installation:
# granting one takes a second person's approval (see ``invitation_approve``).
ROLES_NEEDING_APPROVAL = frozenset({Role.COACH, Role.SPONSOR, Role.STAFF})


class Invitation(models.Model):
    """A single-use, expiring invitation. Only a hash of the token is stored.

    An invitation to a role in ``ROLES_NEEDING_APPROVAL`` waits, unsent, until a
    second person approves it; its link is made and emailed only then.
    """

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField()
    name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set at creation for a coachee; by the second person for any other role.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_after_creation",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role="coach", practice__isnull=False)
                    | Q(role__in=["coachee", "sponsor"], organization__isnull=False)
                    | Q(role="staff")
                ),
                name="invitation_scope_matches_role",
            ),
        ]

    def __str__(self):
        return f"Invitation for {self.email} as {self.get_role_display()}"

    @property
    def is_usable(self) -> bool:
        return (
            self.approved_at is not None
            and self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def awaiting_approval(self) -> bool:
        return (
            self.approved_at is None
            and self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )

    @property
    def grants_role(self) -> bool:
        return self.role in ROLES_NEEDING_APPROVAL


# --- Strong sign-in ------------------------------------------------------------------


class TotpDevice(ThrottlingMixin, Device):
    """An authenticator app (RFC 6238). The shared secret is encrypted at rest,
    bound to this row; ``last_t`` is the time step of the last code accepted, so a
    code works once. Failed codes back off exponentially (``ThrottlingMixin``)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    secret = EncryptedTextField()  # base32, as the app was given it
    last_t = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user"], name="totp_device_one_per_person"),
        ]

    def __str__(self):
        return f"Authenticator app of {self.user_id}"

    def get_throttle_factor(self) -> int:
        return 1  # waits of 1, 2, 4, 8... seconds after successive wrong codes


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator app is lost. Shown once; only
    a password-style hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=256)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"Recovery code of {self.user_id}"


class LoginSession(models.Model):
    """One signed-in browser, as its owner sees it on the sign-ins page: a simplified
    device name, the network the address belongs to (never a located place), and
    when it was last used (written at most once a minute). ``session_key`` is the key
    Django's session table holds anyway; ending a sign-in deletes both."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=64, unique=True)
    device = models.CharField(max_length=100, blank=True)
    network = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_seen_at"]
        indexes = [models.Index(fields=["user", "last_seen_at"], name="login_session_user_seen")]

    def __str__(self):
        return f"{self.device or 'A browser'} ({self.user_id})"


class ErasureState(models.TextChoices):
    PENDING = "pending", "Waiting for the grace period to end"
    CANCELLED = "cancelled", "Cancelled"
    DONE = "done", "Erased"


class ErasureRequest(models.Model):
    """A person's request that everything of theirs be erased. It waits for the grace
    period (``ERASURE_GRACE_DAYS``), during which they may cancel it; then the
    housekeeping task carries it out (``bearing.exports.erasure``). The row stays,
    ids and dates only, as the record that it was done."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(User, on_delete=models.PROTECT, related_name="erasure_requests")
    state = models.CharField(
        max_length=16, choices=ErasureState.choices, default=ErasureState.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    erase_after = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ErasureState.values), name="erasure_state_valid"
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state="pending"),
                name="erasure_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=Q(erase_after__gt=models.F("requested_at")),
                name="erasure_after_request",
            ),
            models.CheckConstraint(
                condition=~Q(state="cancelled") | Q(cancelled_at__isnull=False),
                name="erasure_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | Q(completed_at__isnull=False),
                name="erasure_done_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure {self.code}"

"""A person's data, prepared for them to take away.

An export is built in the background task worker from the record kinds'
declarations (``bearing.lib.policy``), kept encrypted at rest until its owner
downloads it once, with a link that expires. Only a hash of the link's token is
kept; the download deletes the export.
"""

import uuid
from datetime import datetime, timedelta
from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bearing.engagements.models import Engagement
from bearing.lib.fields import EncryptedTextField

# How long a prepared export waits for its download.
EXPORT_LIFETIME = timedelta(hours=48)


class ExportKind(models.TextChoices):
    PERSONAL = "personal", "Everything Bearing holds about you"
    COACH_NOTES = "coach_notes", "Your coaching notes, shared and private"


class DataExportQuerySet(models.QuerySet):
    def expired(self, now: datetime | None = None) -> Self:
        return self.filter(expires_at__lte=now or timezone.now())


class DataExport(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    kind = models.CharField(max_length=16, choices=ExportKind.choices)
    # A coach's notes for one engagement; empty: every engagement they coach.
    engagement = models.ForeignKey(
        Engagement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, blank=True, default="")
    # The ZIP file, base64, encrypted at rest bound to this row.
    archive = EncryptedTextField()

    objects = DataExportQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ExportKind.values), name="data_export_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind="coach_notes") | Q(engagement__isnull=True),
                name="data_export_engagement_only_for_notes",
            ),
            models.CheckConstraint(
                condition=Q(ready_at__isnull=True) | ~Q(token_hash=""),
                name="data_export_ready_has_token",
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                condition=~Q(token_hash=""),
                name="data_export_token_hash_unique",
            ),
        ]

    def __str__(self):
        return f"Export {self.code}"

    @property
    def is_ready(self) -> bool:
        return self.ready_at is not None

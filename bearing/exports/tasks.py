"""Building an export, in the background task worker. The task carries only the
export's code: no content and no token rests in the task table."""

from __future__ import annotations

import base64
import hashlib
import secrets

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from bearing.lib.mail import send_after_commit

from . import archive, erasure
from .models import EXPORT_LIFETIME, DataExport, ExportKind


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _sections(export: DataExport) -> tuple[str, list[archive.Section]]:
    if export.kind == ExportKind.COACH_NOTES:
        return "Your coaching notes", archive.coach_notes_sections(
            export.user, engagement_id=export.engagement_id
        )
    return "Everything Bearing holds about you", archive.personal_sections(export.user)


@task()
def export_build(*, code: str) -> int:
    """Build the export ``code``, keep it encrypted, and email its owner a link
    that works once. Safe to run twice: a built export is left as it is.
    Returns the size of the archive in bytes (0 when there was nothing to do)."""
    DataExport.objects.expired().delete()
    export = (
        DataExport.objects.select_related("user")
        .defer("archive")
        .filter(code=code, ready_at__isnull=True)
        .first()
    )
    if export is None:
        return 0
    # Read and build outside a transaction: no write lock is held while it runs.
    title, sections = _sections(export)
    data = archive.zip_bytes(sections, title=title, person=export.user)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        if (
            not DataExport.objects.select_for_update()
            .filter(pk=export.pk, ready_at__isnull=True)
            .exists()
        ):
            return 0  # built by another worker meanwhile, or taken away
        now = timezone.now()
        export.archive = base64.b64encode(data).decode()
        export.token_hash = token_hash(token)
        export.ready_at = now
        export.expires_at = now + EXPORT_LIFETIME
        export.save(update_fields=["archive", "token_hash", "ready_at", "expires_at"])
        # The link is a credential: sent directly, never queued (see lib/mail.py).
        send_after_commit(
            direct=True,
            to=[export.user.email],
            template="export_ready",
            context={
                "user": export.user,
                "kind": export.get_kind_display(),
                "url": reverse("exports:download", args=[export.code, token]),
                "hours": int(EXPORT_LIFETIME.total_seconds() // 3600),
            },
        )
    return len(data)


@task()
def housekeeping_tick() -> dict[str, int]:
    """Carry out erasures whose grace period is over, dispose of engagements' records at
    the end of the period their agreements keep them, and delete expired exports. Safe to
    run in several workers at once: each erasure and disposal is claimed under a lock."""
    expired, _ = DataExport.objects.expired().delete()
    return {
        "erased": erasure.erasures_due(),
        "disposed": erasure.disposals_due(),
        "expired_exports": expired,
    }

"""Asking for an export and taking it away. Every step is audited, never the
content."""

from __future__ import annotations

import base64
import hmac
from uuid import UUID

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.accounts.models import User
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.engagements.access import deny
from bearing.engagements.models import Engagement

from .models import EXPORT_LIFETIME, DataExport, ExportKind
from .tasks import export_build, token_hash


def export_request(
    *,
    user: User,
    kind: str,
    engagement: Engagement | None = None,
    request: HttpRequest | None = None,
) -> DataExport:
    """Queue an export of ``user``'s data (or, for a coach, their notes). The
    caller has checked that ``engagement`` is one this coach coaches."""
    DataExport.objects.expired().delete()
    with transaction.atomic():
        now = timezone.now()
        export = DataExport(
            user=user,
            kind=ExportKind(kind),
            engagement=engagement,
            requested_at=now,
            expires_at=now + EXPORT_LIFETIME,
        )
        export.full_clean()
        export.save()
        audit_record(
            action=AuditAction.EXPORT,
            actor=user,
            target=export,
            request=request,
            kind=export.kind,
            status="requested",
        )
        code = str(export.code)
        transaction.on_commit(lambda: export_build.enqueue(code=code))
    return export


def export_for_download(*, user: User, code: UUID | str, token: str) -> DataExport:
    """The owner's ready, unexpired export whose link this is; 404 for anything else."""
    export = (
        DataExport.objects.defer("archive")
        .filter(code=code, user=user, ready_at__isnull=False, expires_at__gt=timezone.now())
        .first()
    )
    if export is None or not hmac.compare_digest(export.token_hash, token_hash(token)):
        raise deny(user, "exports.dataexport", code)
    return export


def export_take(*, export: DataExport, request: HttpRequest | None = None) -> bytes:
    """The archive, once: it is deleted as it is handed over. A second taker
    (a double click, a replayed link) gets 404."""
    with transaction.atomic():
        row = DataExport.objects.select_for_update().filter(pk=export.pk).first()
        if row is None:
            raise deny(export.user, "exports.dataexport", export.code)
        data = base64.b64decode(row.archive)
        DataExport.objects.filter(pk=row.pk).delete()
        audit_record(
            action=AuditAction.EXPORT,
            actor=export.user,
            target_type="exports.dataexport",
            target_code=str(export.code),
            request=request,
            kind=export.kind,
            status="downloaded",
        )
    return data

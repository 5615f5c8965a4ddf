"""Erasure and disposal, built on the record kinds' declarations.

A person asks for erasure; after the grace period (``ERASURE_GRACE_DAYS``) during
which they may cancel, ``erasures_due`` carries it out: every row each record kind
declares as theirs is deleted or scrubbed (``bearing.lib.policy.Erase``), their
account is anonymised and closed, and their data keys are destroyed, so the text in
any backup taken before cannot be read either. The audit log keeps ids only.

At the end of the period an engagement's agreement keeps records
(``records_kept_months`` after it ended), ``disposals_due`` disposes of that
engagement's confidential records the same way and destroys its data key.

Both run in the housekeeping task (``bearing.exports.tasks.housekeeping_tick``),
from ``manage.py runall`` or ``manage.py housekeeping`` under cron.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from bearing.accounts.models import ErasureRequest, ErasureState, LoginSession, User
from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record
from bearing.engagements.models import Engagement, EngagementStatus
from bearing.lib import backup, datakeys
from bearing.lib.fields import encrypted_fields
from bearing.lib.policy import Erase, RecordKind, record_kinds


@dataclass
class ErasureReport:
    deleted: dict[str, int] = field(default_factory=dict)
    scrubbed: dict[str, int] = field(default_factory=dict)
    keys_destroyed: int = 0

    @property
    def rows(self) -> int:
        return sum(self.deleted.values()) + sum(self.scrubbed.values())


def _depth(kind: RecordKind) -> int:
    path = kind.engagement if kind.engagement is not None else kind.owner
    return path.count("__") + (1 if path else 0)


def _erase_kinds(report: ErasureReport, filters: dict[str, dict[str, Any]]) -> None:
    """Delete or scrub each kind's rows matching its filter, deepest kinds first (so a
    row goes before what it hangs off)."""
    for kind in sorted(record_kinds(), key=_depth, reverse=True):
        where = filters.get(kind.label)
        if where is None or kind.erase in (Erase.KEEP, Erase.ACCOUNT):
            continue
        model = kind.model_class()
        rows = model._base_manager.filter(**where)
        if kind.erase == Erase.DELETE:
            count, _ = rows.delete()
            if count:
                report.deleted[kind.model] = report.deleted.get(kind.model, 0) + count
        else:
            emptied: dict[str, Any] = {f.attname: "" for f in encrypted_fields(model)}
            emptied |= dict.fromkeys(kind.erase_plain, "")
            count = rows.update(**emptied) if emptied else 0
            if count:
                report.scrubbed[kind.model] = report.scrubbed.get(kind.model, 0) + count


# --- Erasure -----------------------------------------------------------------------------


def grace_period() -> timedelta:
    return timedelta(days=settings.ERASURE_GRACE_DAYS)


def erasure_request(*, person: User, request: HttpRequest | None = None) -> ErasureRequest:
    """Ask for erasure; a second request while one waits is refused."""
    with transaction.atomic():
        User.objects.select_for_update().get(pk=person.pk)
        if ErasureRequest.objects.filter(person=person, state=ErasureState.PENDING).exists():
            raise ValidationError("You have already asked for erasure.")
        now = timezone.now()
        erasure = ErasureRequest(person=person, requested_at=now, erase_after=now + grace_period())
        erasure.full_clean()
        erasure.save()
        audit_record(
            action=AuditAction.ERASURE_REQUESTED, actor=person, target=erasure, request=request
        )
    return erasure


def erasure_cancel(*, person: User, request: HttpRequest | None = None) -> ErasureRequest:
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update()
            .filter(person=person, state=ErasureState.PENDING)
            .first()
        )
        if erasure is None:
            raise ValidationError("There is no erasure waiting to be cancelled.")
        erasure.state = ErasureState.CANCELLED
        erasure.cancelled_at = timezone.now()
        erasure.save(update_fields=["state", "cancelled_at"])
        audit_record(
            action=AuditAction.ERASURE_CANCELLED, actor=person, target=erasure, request=request
        )
    return erasure


def _account_close(person: User) -> None:
    """The account stays (others' records point at it), anonymised and closed."""
    keys = list(LoginSession.objects.filter(user=person).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    User.objects.filter(pk=person.pk).update(
        email=f"erased-{person.pk}@erased.invalid",
        name="Erased person",
        is_active=False,
        is_staff=False,
        password=make_password(None),
        calendar_token_hash="",
    )


def person_erase(person: User) -> ErasureReport:
    """Erase everything of this person's that the declarations reach. Call inside a
    transaction; the data keys' file beside the backups is edited after it commits."""
    report = ErasureReport()
    filters = {}
    for kind in record_kinds():
        where = kind.erasure_filter(person.pk)
        if where is not None:
            filters[kind.label] = where
    engagement_codes = list(
        Engagement.objects.filter(coachee=person).values_list("code", flat=True)
    )
    _account_close(person)
    _erase_kinds(report, filters)
    scopes = {datakeys.person_scope(person.pk)} | {
        datakeys.engagement_scope(code) for code in engagement_codes
    }
    report.keys_destroyed = datakeys.destroy(scopes)
    transaction.on_commit(lambda: backup.data_keys_forget(scopes))
    return report


def erasure_carry_out(*, erasure_code: Any, now: datetime | None = None) -> ErasureReport | None:
    """Carry out one waiting erasure whose grace period is over (None if it is not due,
    was cancelled or was done already)."""
    now = now or timezone.now()
    with transaction.atomic():
        erasure = (
            ErasureRequest.objects.select_for_update()
            .filter(code=erasure_code, state=ErasureState.PENDING, erase_after__lte=now)
            .select_related("person")
            .first()
        )
        if erasure is None:
            return None
        report = person_erase(erasure.person)
        erasure.state = ErasureState.DONE
        erasure.completed_at = now
        erasure.save(update_fields=["state", "completed_at"])
        # A tombstone: ids and counts, never what was erased.
        audit_record(action=AuditAction.ERASED, target=erasure, count=report.rows)
    return report


def erasures_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    due = ErasureRequest.objects.filter(
        state=ErasureState.PENDING, erase_after__lte=now
    ).values_list("code", flat=True)
    return sum(1 for code in list(due) if erasure_carry_out(erasure_code=code, now=now))


# --- Disposal at the end of the retention period -------------------------------------------


def add_months(moment: datetime, months: int) -> datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def records_kept_months(engagement: Engagement) -> int:
    """The period the agreement in force states (the newest accepted version; the
    newest version if none was accepted)."""
    versions = sorted(
        engagement.agreements.all(), key=lambda a: (a.accepted_at is not None, a.version)
    )
    return versions[-1].records_kept_months if versions else 24


def engagement_records_dispose(engagement: Engagement) -> ErasureReport:
    """Dispose of one engagement's confidential records and destroy its data key.
    Call inside a transaction."""
    report = ErasureReport()
    filters = {
        kind.label: {kind.engagement_path("id") if kind.engagement else "id": engagement.pk}
        for kind in record_kinds()
        if kind.engagement is not None and kind.erase not in (Erase.KEEP, Erase.ACCOUNT)
    }
    _erase_kinds(report, filters)
    scope = datakeys.engagement_scope(engagement.code)
    report.keys_destroyed = datakeys.destroy([scope])
    Engagement.objects.filter(pk=engagement.pk).update(records_disposed_at=timezone.now())
    transaction.on_commit(lambda: backup.data_keys_forget({scope}))
    return report


ENDED = (EngagementStatus.COMPLETED, EngagementStatus.ENDED_EARLY)


def disposals_due(now: datetime | None = None) -> int:
    now = now or timezone.now()
    candidates = (
        Engagement.objects.filter(
            status__in=ENDED,
            ended_at__isnull=False,
            ended_at__lte=add_months(now, -1),  # no agreement keeps records under a month
            records_disposed_at__isnull=True,
        )
        .prefetch_related(models.Prefetch("agreements"))
        .order_by("pk")
    )
    done = 0
    for engagement in candidates.iterator(chunk_size=200):
        if add_months(engagement.ended_at, records_kept_months(engagement)) > now:  # type: ignore[arg-type]
            continue
        with transaction.atomic():
            locked = Engagement.objects.select_for_update().filter(
                pk=engagement.pk, records_disposed_at__isnull=True
            )
            if not locked.exists():
                continue
            report = engagement_records_dispose(engagement)
            audit_record(action=AuditAction.RECORDS_DISPOSED, target=engagement, count=report.rows)
        done += 1
    return done

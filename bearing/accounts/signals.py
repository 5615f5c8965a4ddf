"""Logins, failed logins and logouts go to the audit log (never the password)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from bearing.audit.models import AuditAction
from bearing.audit.services import audit_record

# Sent inside the transaction that accepts an invitation, with ``invitation`` and
# ``user``: apps above accounts attach what waits on it (an engagement).
invitation_accepted = Signal()


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        import time

        request.session["bearing_login_at"] = int(time.time())
    audit_record(action=AuditAction.LOGIN, actor=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("username") or credentials.get("email") or "")
    audit_record(action=AuditAction.LOGIN_FAILED, email=email, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, actor=user, request=request)

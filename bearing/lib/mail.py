"""Sending email from templates: a text part and an HTML part, never confidential text.

Mail leaves after the surrounding transaction commits, so a rolled-back change
never emails anyone. Ordinary notifications go through the background task
worker; a message that carries a credential (an invitation link) is sent
directly, so the credential never rests in the task table.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

log = logging.getLogger(__name__)


def build_message(
    *,
    to: list[str],
    template: str,
    context: dict[str, Any],
    attachments: list[tuple[str, str, str]] | None = None,
) -> EmailMultiAlternatives:
    ctx = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"email/{template}_subject.txt", ctx).strip().replace("\n", " ")
    text = render_to_string(f"email/{template}.txt", ctx)
    html = render_to_string(f"email/{template}.html", ctx)
    msg = EmailMultiAlternatives(subject=subject, body=text, to=to)
    msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments or []:
        msg.attach(filename, content, mimetype)
    return msg


def send_after_commit(*, direct: bool = False, **kwargs: Any) -> None:
    msg = build_message(**kwargs)
    if not direct:
        from .tasks import deliver_email

        payload = {
            "to": list(msg.to),
            "subject": msg.subject,
            "text": msg.body,
            "html": msg.alternatives[0][0] if msg.alternatives else "",
            "attachments": [list(a) for a in kwargs.get("attachments") or []],
            "template": kwargs.get("template", ""),
        }
        transaction.on_commit(lambda: deliver_email.enqueue(**payload))
        return

    def _send() -> None:
        try:
            msg.send()
        except Exception:  # noqa: BLE001 - a mail outage must not break the request
            # Only the template name is logged: never the recipients' content.
            log.exception("Could not send %s email", kwargs.get("template"))

    transaction.on_commit(_send)

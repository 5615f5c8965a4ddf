"""Background tasks shared by every app."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task()
def deliver_email(
    *, to: list[str], subject: str, text: str, html: str, attachments: list, template: str = ""
) -> int:
    """Send one prepared email. Raises on failure so the worker records it."""
    msg = EmailMultiAlternatives(subject=subject, body=text, to=to)
    if html:
        msg.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments:
        msg.attach(filename, content, mimetype)
    return msg.send()

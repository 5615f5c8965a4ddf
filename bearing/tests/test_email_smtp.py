"""Real email over SMTP to a local server: what people actually receive."""

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from bearing.engagements import services
from bearing.lib.smtpsink import SMTPSink
from bearing.testing import WorldTestCase, canary_strings


class SessionEmailOverSMTPTests(WorldTestCase):
    def test_scheduled_session_reaches_both_people_with_a_calendar_invitation(self):
        with SMTPSink() as sink:
            mailers = {
                "default": {
                    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                    "OPTIONS": {"host": "127.0.0.1", "port": sink.port, "timeout": 5},
                }
            }
            with override_settings(MAILERS=mailers), self.captureOnCommitCallbacks(execute=True):
                session = services.session_schedule(
                    engagement=self.w.engagement,
                    by=self.w.coach,
                    scheduled_for=timezone.now() + timedelta(days=5),
                )
        recipients = sorted(r for _, rcpts, _ in sink.received for r in rcpts)
        self.assertEqual(recipients, sorted([self.w.coach.email, self.w.coachee.email]))
        for message in sink.messages:
            parts = {part.get_content_type(): part for part in message.walk()}
            self.assertIn("text/plain", parts)
            self.assertIn("text/html", parts)
            self.assertIn("text/calendar", parts)
            ics = parts["text/calendar"].get_content()
            if isinstance(ics, bytes):
                ics = ics.decode()
            self.assertIn("METHOD:REQUEST", ics)
            self.assertIn(f"UID:session-{session.code}@bearing", ics)
            whole = message.as_string()
            for tag in canary_strings():
                self.assertNotIn(tag, whole)

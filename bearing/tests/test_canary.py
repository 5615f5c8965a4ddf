"""Canaries: distinctive strings planted in private notes, shared notes, agendas,
actions and agreement objectives must never reach the sponsor, the second coach
or staff — on any page they can reach, in any email, in any download.

The route sweep requests every route with the world's codes; this test crawls
as each outsider persona, following every link and form it is shown, and runs
the flows that send email.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.engagements import services
from bearing.testing import CANARY, WorldTestCase, canary_strings
from bearing.tests import figures


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("href", "action", "hx-get", "src"):
            value = attrs.get(key)
            if value and value.startswith("/") and not value.startswith("//"):
                self.urls.add(value.split("#")[0])


class CanaryTests(WorldTestCase):
    def assertNoCanary(self, text: str, where: str):
        tags = canary_strings()
        figures.add("canaries_planted", len(tags) - figures.count("canaries_planted"))
        figures.add("canary_texts")
        for tag in tags:
            figures.add("canaries_seen", int(tag in text))
            self.assertNotIn(tag, text, f"{tag} reached {where}")

    def crawl(self, user, limit: int = 200) -> set[str]:
        self.login(user)
        seen: set[str] = set()
        queue = [reverse("dashboard"), reverse("accounts:calendar"), reverse("accounts:settings")]
        # Also try the world's own URLs directly, as a curious outsider would.
        queue += [
            reverse("engagements:detail", args=[self.w.engagement.code]),
            reverse("engagements:agreement", args=[self.w.engagement.code]),
            reverse("engagements:session_detail", args=[self.w.past_session.code]),
            reverse("engagements:session_detail", args=[self.w.next_session.code]),
            reverse("engagements:shared_notes_history", args=[self.w.past_session.code]),
            reverse("workspace:session", args=[self.w.next_session.code]),
            reverse("workspace:session", args=[self.w.past_session.code]),
            reverse("engagements:month_calendar"),
            reverse("engagements:action_edit", args=[self.w.action.code]),
            reverse("programs:engagement", args=[self.w.engagement.code]),
            reverse("growth:plan", args=[self.w.engagement.code]),
            reverse("growth:check_ins", args=[self.w.engagement.code]),
            reverse("growth:wins", args=[self.w.engagement.code]),
            reverse("growth:goal", args=[self.w.goal.code]),
            reverse("companion:home", args=[self.w.engagement.code]),
            reverse("companion:conversation", args=[self.w.conversation.code]),
            reverse("rehearsals:home", args=[self.w.engagement.code]),
            reverse("rehearsals:talk", args=[self.w.talk.code]),
            reverse("rehearsals:rehearsal", args=[self.w.rehearsal.code]),
        ]
        while queue and len(seen) < limit:
            url = queue.pop()
            if url in seen or url.startswith(reverse("accounts:logout")):
                continue
            seen.add(url)
            response = self.client.get(url)
            body = b"".join(response) if response.streaming else response.content
            text = body.decode(errors="replace")
            self.assertNoCanary(text, f"{user.email} at {url}")
            if response.get("Content-Type", "").startswith("text/html"):
                parser = _Links()
                parser.feed(text)
                queue.extend(parser.urls - seen)
        return seen

    def test_outsiders_reach_no_canary_on_any_page_they_can_reach(self):
        for user in (self.w.sponsor, self.w.other_coach, self.w.staff, self.w.other_sponsor):
            seen = self.crawl(user)
            self.assertGreater(len(seen), 5)

    def test_the_coach_never_reaches_an_unshared_companion_conversation(self):
        tag = CANARY.companion.split()[0]
        self.login(self.w.coach)
        for url in (
            reverse("companion:home", args=[self.w.engagement.code]),
            reverse("companion:conversation", args=[self.w.conversation.code]),
            reverse("engagements:detail", args=[self.w.engagement.code]),
            reverse("workspace:session", args=[self.w.next_session.code]),
        ):
            self.assertNotIn(tag, self.client.get(url).content.decode())

    def test_sponsor_really_reaches_the_engagement_page(self):
        seen = self.crawl(self.w.sponsor)
        self.assertIn(reverse("programs:engagement", args=[self.w.engagement.code]), seen)

    def test_no_email_carries_a_canary(self):
        with self.captureOnCommitCallbacks(execute=True):
            services.session_schedule(
                engagement=self.w.engagement,
                by=self.w.coach,
                scheduled_for=timezone.now() + timedelta(days=4),
            )
            services.session_reschedule(
                session=self.w.next_session,
                by=self.w.coachee,
                scheduled_for=timezone.now() + timedelta(days=9),
            )
            services.agreement_propose(
                engagement=self.w.engagement,
                by=self.w.coach,
                objectives=self.w.agreement.objectives,
                cadence="Weekly",
                session_minutes=45,
                session_count=6,
                sponsor_sees_status=True,
                sponsor_sees_attendance=True,
                sponsor_sees_goal_progress=False,
                sponsor_sees_summaries=False,
            )
            services.session_cancel(session=self.w.next_session, by=self.w.coach)
        for user in (self.w.coach, self.w.coachee, self.w.sponsor, self.w.staff):
            self.client.post(reverse("accounts:password_reset"), {"email": user.email})
        self.assertGreaterEqual(len(mail.outbox), 10)
        for message in mail.outbox:
            whole = message.message().as_string()
            self.assertNoCanary(whole, f"email '{message.subject}' to {message.to}")

    def test_no_calendar_download_carries_a_canary(self):
        for user in (
            self.w.coach,
            self.w.coachee,
            self.w.sponsor,
            self.w.other_coach,
            self.w.staff,
        ):
            response = self.client.get(
                reverse("accounts:calendar_feed", args=[user.calendar_token])
            )
            self.assertNoCanary(response.content.decode(), f"{user.email}'s calendar feed")
        coachee_feed = self.client.get(
            reverse("accounts:calendar_feed", args=[self.w.coachee.calendar_token])
        ).content.decode()
        self.assertTrue(re.search(r"SUMMARY:Coaching session with", coachee_feed))

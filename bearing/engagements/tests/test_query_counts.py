"""The engagement and session pages cost a fixed number of queries, however many
coaching sessions and actions there are."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from bearing.engagements.models import Action
from bearing.testing import WorldTestCase, make_session

# Every signed-in page pays for: the login session, the user, and the roles (for
# the menu) = 3. (The login session is touched at most once a minute, so each test
# warms it with a first request.)
BASE = 3
# One audit entry (savepoint, head, insert, head update, release) = 5.
AUDIT = 5


class QueryCountTests(WorldTestCase):
    def get(self, name, code):
        response = self.client.get(reverse(name, args=[code]))
        self.assertEqual(response.status_code, 200)
        return response

    def add_sessions_and_actions(self, n=5):
        for i in range(n):
            session = make_session(self.w.engagement, days=10 + i)
            Action.objects.create(
                engagement=self.w.engagement,
                session=session,
                owner=self.w.coachee,
                title=f"a{i}",
                due_on=timezone.localdate(),
                created_by=self.w.coachee,
            )

    def test_engagement_detail_for_the_coach(self):
        # engagement, sessions, actions, agreement versions, whether the coachee asked
        # for erasure + the audited read of actions.
        self.login(self.w.coach)
        self.get("engagements:detail", self.w.engagement.code)  # warm the login session
        with self.assertNumQueries(BASE + 5 + AUDIT):
            self.get("engagements:detail", self.w.engagement.code)
        self.add_sessions_and_actions()
        with self.assertNumQueries(BASE + 5 + AUDIT):
            self.get("engagements:detail", self.w.engagement.code)

    def test_engagement_detail_for_the_coachee(self):
        self.login(self.w.coachee)
        self.get("engagements:detail", self.w.engagement.code)
        self.add_sessions_and_actions()
        with self.assertNumQueries(BASE + 4):
            self.get("engagements:detail", self.w.engagement.code)

    def test_session_detail_for_the_coach(self):
        # session (with engagement), its actions, the private note; reading action
        # titles the coachee wrote is an audited read.
        self.login(self.w.coach)
        self.get("engagements:session_detail", self.w.past_session.code)
        with self.assertNumQueries(BASE + 3 + AUDIT):
            self.get("engagements:session_detail", self.w.past_session.code)
        self.add_sessions_and_actions()
        # Reading the agenda the coachee wrote adds one audited read.
        with self.assertNumQueries(BASE + 3 + AUDIT):
            self.get("engagements:session_detail", self.w.next_session.code)

    def test_session_detail_for_the_coachee(self):
        self.login(self.w.coachee)
        self.get("engagements:session_detail", self.w.past_session.code)
        with self.assertNumQueries(BASE + 2):
            self.get("engagements:session_detail", self.w.past_session.code)

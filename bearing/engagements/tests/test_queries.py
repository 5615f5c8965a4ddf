"""The one door: who gets which record."""

from django.http import Http404

from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import queries as q
from bearing.testing import CANARY, WorldTestCase


class EngagementDoorTests(WorldTestCase):
    def test_coach_and_coachee_pass(self):
        for user, relation in (
            (self.w.coach, q.Relation.COACH),
            (self.w.coachee, q.Relation.COACHEE),
        ):
            engagement, rel = q.engagement_get_for(user, self.w.engagement.code)
            self.assertEqual(engagement, self.w.engagement)
            self.assertEqual(rel, relation)

    def test_outsiders_get_404_and_the_attempt_is_audited(self):
        for user in (self.w.other_coach, self.w.staff, self.w.other_sponsor, self.w.sponsor):
            with self.assertRaises(Http404):
                q.engagement_get_for(user, self.w.engagement.code)
        self.assertEqual(AuditEntry.objects.filter(action=AuditAction.DENIED).count(), 4)

    def test_sponsor_passes_only_when_asked_for(self):
        _, rel = q.engagement_get_for(
            self.w.sponsor, self.w.engagement.code, allow={q.Relation.SPONSOR}
        )
        self.assertEqual(rel, q.Relation.SPONSOR)

    def test_private_note_only_for_the_coach(self):
        note = q.private_note_for(self.w.coach, self.w.past_session)
        self.assertEqual(note.body, CANARY.private_note)
        for user in (self.w.coachee, self.w.other_coach, self.w.sponsor, self.w.staff):
            with self.assertRaises(Http404):
                q.private_note_for(user, self.w.past_session)

    def test_sessions_and_actions_refuse_sponsor_and_other_coach(self):
        for user in (self.w.other_coach, self.w.sponsor, self.w.staff):
            with self.assertRaises(Http404):
                q.session_get_for(user, self.w.next_session.code)
            with self.assertRaises(Http404):
                q.action_get_for(user, self.w.action.code)

    def test_sponsor_rows_are_an_allow_list(self):
        rows = q.sponsor_engagements(self.w.sponsor)
        self.assertEqual(len(rows), 1)
        row = rows[0]
        self.assertEqual(row.sessions_held, 1)
        self.assertEqual(row.status, "Active")
        blob = repr(row)
        for canary in vars(CANARY).values():
            self.assertNotIn(canary.split()[0], blob)
        self.assertEqual(q.sponsor_engagements(self.w.other_sponsor), [])

    def test_sponsor_sees_no_signal_the_agreement_does_not_share(self):
        self.w.agreement.sponsor_sees_attendance = False
        self.w.agreement.sponsor_sees_status = False
        self.w.agreement.save()
        row = q.sponsor_engagements(self.w.sponsor)[0]
        self.assertIsNone(row.status)
        self.assertIsNone(row.sessions_held)

    def test_sponsor_sees_nothing_before_the_agreement_is_accepted(self):
        self.w.agreement.accepted_at = None
        self.w.agreement.accepted_by = None
        self.w.agreement.save()
        row = q.sponsor_engagements(self.w.sponsor)[0]
        self.assertFalse(row.agreement_accepted)
        self.assertIsNone(row.status)
        self.assertIsNone(row.sessions_held)

    def test_sponsor_list_query_count_does_not_grow(self):
        from bearing.testing import make_engagement, make_user

        for i in range(5):
            leader = make_user(f"l{i}@example.com", f"Leader {i}")
            make_engagement(
                coach=self.w.coach,
                coachee=leader,
                practice=self.w.practice,
                organization=self.w.organization,
            )
        self.w.sponsor._bearing_roles = None
        with self.assertNumQueries(3):
            rows = q.sponsor_engagements(self.w.sponsor)
        self.assertEqual(len(rows), 6)

"""Starting an engagement, its page, and its status."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.models import Invitation, Practice, Role
from bearing.audit.models import AuditAction, AuditEntry
from bearing.engagements import services
from bearing.engagements.models import (
    DEFAULT_CONFIDENTIALITY_LIMITS,
    Action,
    Agreement,
    Engagement,
    EngagementStatus,
)
from bearing.testing import (
    CANARY,
    WorldTestCase,
    grant,
    make_session,
    make_user,
    one_where,
    rows_where,
)

OBJECTIVES = "OBJ-SECRET-123 lead the merger"


def create_post(w, **overrides) -> dict:
    data = {
        "title": "Becoming CFO",
        "organization": w.organization.pk,
        "sponsor": w.sponsor.pk,
        "coachee_name": "Nia New",
        "coachee_email": "Nia@Example.com",
        "objectives": OBJECTIVES,
        "cadence": "Every two weeks",
        "session_minutes": "60",
        "session_count": "10",
        "confidentiality_limits": DEFAULT_CONFIDENTIALITY_LIMITS,
        "sponsor_sees_status": "on",
        "sponsor_sees_attendance": "on",
        "companion_offered": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


class EngagementCreateTests(WorldTestCase):
    url = reverse("engagements:create")

    def test_the_form_is_prefilled_with_the_agreement_defaults(self):
        self.login(self.w.coach)
        response = self.client.get(self.url)
        self.assertContains(response, "Limits of confidentiality")
        self.assertContains(response, "a serious risk of harm to you or to others")
        self.assertContains(response, "What the sponsor may see")
        for label in ("Engagement status", "Session attendance", "Progress summaries"):
            self.assertContains(response, label)
        self.assertNotContains(response, 'name="practice"')  # one practice: no choice to make

    def test_an_unknown_coachee_is_invited_and_the_email_carries_no_objectives(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url, create_post(self.w))
        engagement = one_where(Engagement, title="Becoming CFO")
        self.assertRedirects(response, reverse("engagements:detail", args=[engagement.code]))
        self.assertIsNone(engagement.coachee)
        self.assertEqual(
            (engagement.invited_email, engagement.invited_name), ("nia@example.com", "Nia New")
        )
        self.assertEqual((engagement.coach, engagement.sponsor), (self.w.coach, self.w.sponsor))
        self.assertEqual(engagement.practice, self.w.practice)
        self.assertEqual(engagement.status, EngagementStatus.PROPOSED)
        agreement = engagement.agreements.get()
        self.assertEqual(agreement.objectives, OBJECTIVES)
        self.assertEqual((agreement.session_count, agreement.cadence), (10, "Every two weeks"))
        self.assertEqual(agreement.sponsor_signals, {"status", "attendance"})
        self.assertIsNone(agreement.accepted_at)
        invitation = Invitation.objects.get(email="nia@example.com")
        self.assertEqual(
            (invitation.role, invitation.organization, invitation.invited_by),
            (Role.COACHEE, self.w.organization, self.w.coach),
        )
        invite = [m for m in mail.outbox if m.to == ["nia@example.com"]]
        self.assertEqual(len(invite), 1)
        self.assertIn("/invitations/", invite[0].body)
        for part in (invite[0].subject, invite[0].body, invite[0].alternatives[0][0]):
            self.assertNotIn("OBJ-SECRET", part)
        # No agreement email before the coachee has an account.
        self.assertEqual(len(mail.outbox), 1)

    def _create_and_follow(self, email: str):
        """Post the form as the coach; return the page they land on and the engagement."""
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url, create_post(self.w, coachee_email=email), follow=True
            )
        return response, one_where(Engagement, title="Becoming CFO")

    def _normalised(self, response, engagement) -> str:
        body = response.content.decode()
        for varying in (str(engagement.code), engagement.invited_email):
            body = body.replace(varying, "X")
        # The CSRF token differs on every page.
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", body)

    def test_the_answer_is_the_same_whether_or_not_the_email_belongs_to_a_coachee(self):
        self.login(self.w.coach)
        pages, notices = [], []
        for email in (self.w.coachee.email.upper(), "nobody.yet@example.com"):
            mail.outbox = []
            response, engagement = self._create_and_follow(email)
            self.assertEqual(response.redirect_chain[0][1], 302)
            pages.append(self._normalised(response, engagement))
            notices.append([str(m) for m in response.context["messages"]])
            # Nobody is attached to an engagement they have not accepted.
            self.assertIsNone(engagement.coachee)
            self.assertEqual(engagement.status, EngagementStatus.PROPOSED)
            (invite,) = mail.outbox
            self.assertEqual(invite.to, [engagement.invited_email])
            self.assertIn("/invitations/", invite.body)
            self.assertNotIn("OBJ-SECRET", invite.body + invite.alternatives[0][0])
            engagement.agreements.all().delete()
            Engagement.objects.filter(pk=engagement.pk).delete()
        self.assertEqual(pages[0], pages[1])
        self.assertEqual(
            [n.replace(self.w.coachee.email, "X") for n in notices[0]],
            [n.replace("nobody.yet@example.com", "X") for n in notices[1]],
        )

    def test_a_resubmitted_form_makes_no_second_engagement(self):
        self.login(self.w.coach)
        before = Engagement.objects.count()
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, create_post(self.w))
            response = self.client.post(self.url, create_post(self.w))
        self.assertEqual(Engagement.objects.count(), before + 1)
        self.assertContains(response, "already proposed this engagement to this address")
        self.assertEqual(len(mail.outbox), 1)

    def test_an_existing_coachee_joins_only_by_accepting_the_invitation(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, create_post(self.w, coachee_email=self.w.coachee.email))
        engagement = one_where(Engagement, title="Becoming CFO")
        self.assertIsNone(engagement.coachee)
        token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
        # The coachee signs in and accepts with one button; only then are they attached.
        self.login(self.w.coachee)
        accept = reverse("accounts:invitation", args=[token])
        self.assertContains(self.client.get(accept), "Accept")
        self.client.post(accept)
        engagement.refresh_from_db()
        self.assertEqual(engagement.coachee, self.w.coachee)

    def test_another_coachs_coachee_is_never_attached_silently(self):
        second = make_user("second.coach@example.com", "Second Coach")
        grant(second, Role.COACH, practice=self.w.practice)
        self.login(second)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, create_post(self.w, coachee_email=self.w.coachee.email))
        engagement = one_where(Engagement, title="Becoming CFO")
        self.assertIsNone(engagement.coachee)
        self.assertEqual(engagement.invitation.email, self.w.coachee.email)
        # Nothing of the coachee's reaches the second coach.
        self.assertEqual(
            self.client.get(
                reverse("engagements:detail", args=[self.w.engagement.code])
            ).status_code,
            404,
        )

    def test_accepting_one_invitation_attaches_that_engagement_and_no_other(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, create_post(self.w, title="First"))
            self.client.post(self.url, create_post(self.w, title="Second"))
        first = one_where(Engagement, title="First")
        token = re.search(r"/invitations/([^/]+)/", mail.outbox[0].body).group(1)
        self.client.logout()
        self.client.post(
            reverse("accounts:invitation", args=[token]),
            {
                "name": "Nia New",
                "time_zone": "UTC",
                "password": "long-enough-phrase-1",
                "password_again": "long-enough-phrase-1",
            },
        )
        first.refresh_from_db()
        self.assertEqual(first.coachee.email, "nia@example.com")
        self.assertIsNone(one_where(Engagement, title="Second").coachee)

    def test_only_organizations_the_practice_works_with_are_offered(self):
        self.login(self.w.coach)
        response = self.client.get(self.url)
        self.assertContains(response, self.w.organization.name)
        self.assertNotContains(response, self.w.other_organization.name)
        # Nor their sponsors.
        self.assertNotContains(response, self.w.other_sponsor.name)

    def test_an_organization_the_practice_does_not_work_with_is_refused(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url,
                create_post(self.w, organization=self.w.other_organization.pk, sponsor=None),
            )
        self.assertIn("organization", response.context["form"].errors)
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_the_service_refuses_an_organization_the_practice_does_not_work_with(self):
        with self.assertRaises(ValidationError) as caught:
            services.engagement_create_for_email(
                coach=self.w.coach,
                practice=self.w.practice,
                organization=self.w.other_organization,
                title="Becoming CFO",
                coachee_email="nia@example.com",
                coachee_name="Nia",
                objectives="x",
            )
        self.assertIn("organization", caught.exception.message_dict)
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))

    def test_a_person_who_is_not_a_coachee_there_yet_is_invited(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(self.url, create_post(self.w, coachee_email=self.w.sponsor.email))
        engagement = one_where(Engagement, title="Becoming CFO")
        self.assertIsNone(engagement.coachee)
        self.assertTrue(Invitation.objects.filter(email=self.w.sponsor.email).exists())

    def test_a_sponsor_of_another_organization_is_refused_and_nothing_is_saved(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                self.url, create_post(self.w, sponsor=self.w.other_sponsor.pk)
            )
        self.assertContains(response, "This sponsor is not in the chosen organization.")
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))
        self.assertFalse(Invitation.objects.exists())
        self.assertEqual(mail.outbox, [])

    def test_missing_fields_are_named_next_to_the_field(self):
        self.login(self.w.coach)
        response = self.client.post(
            self.url, create_post(self.w, objectives="", coachee_email="not-an-email", title="")
        )
        form = response.context["form"]
        self.assertIn("What does the coachee want from coaching?", form.errors["objectives"])
        self.assertIn("Give the engagement a short title.", form.errors["title"])
        self.assertIn("coachee_email", form.errors)
        self.assertContains(response, 'aria-invalid="true"')
        self.assertEqual(Engagement.objects.count(), 1)

    def test_a_session_length_out_of_range_is_refused(self):
        self.login(self.w.coach)
        response = self.client.post(self.url, create_post(self.w, session_minutes="5"))
        self.assertIn("session_minutes", response.context["form"].errors)
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))

    def test_a_coach_cannot_coach_themselves(self):
        self.login(self.w.coach)
        response = self.client.post(self.url, create_post(self.w, coachee_email=self.w.coach.email))
        self.assertContains(response, "A coach cannot coach themselves.")
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))

    def test_a_coach_in_several_practices_chooses_one(self):
        second = Practice.objects.create(name="Solo Practice")
        second.organizations.add(self.w.organization)
        grant(self.w.coach, Role.COACH, practice=second)
        self.login(self.w.coach)
        self.assertContains(self.client.get(self.url), 'name="practice"')
        response = self.client.post(self.url, create_post(self.w))
        self.assertIn("practice", response.context["form"].errors)
        self.client.post(self.url, create_post(self.w, practice=second.pk))
        self.assertEqual(one_where(Engagement, title="Becoming CFO").practice, second)

    def test_a_practice_the_coach_is_not_in_is_refused(self):
        elsewhere = Practice.objects.create(name="Elsewhere")
        grant(self.w.coach, Role.COACH, practice=Practice.objects.create(name="Second"))
        self.login(self.w.coach)
        response = self.client.post(self.url, create_post(self.w, practice=elsewhere.pk))
        self.assertIn("practice", response.context["form"].errors)
        self.assertFalse(rows_where(Engagement, title="Becoming CFO"))

    def test_the_sponsor_list_narrows_to_the_chosen_organization(self):
        self.w.practice.organizations.add(self.w.other_organization)
        self.login(self.w.coach)
        everyone = self.client.get(self.url)
        self.assertContains(everyone, self.w.other_sponsor.name)
        self.assertContains(everyone, f'<optgroup label="{self.w.organization.name}">')
        narrowed = self.client.get(
            self.url, {"organization": self.w.organization.pk}, headers={"HX-Request": "true"}
        )
        self.assertContains(narrowed, 'id="sponsor-field"')
        self.assertContains(narrowed, self.w.sponsor.name)
        self.assertNotContains(narrowed, self.w.other_sponsor.name)
        self.assertNotContains(narrowed, "<html")
        self.assertNotContains(narrowed, 'name="title"')

    def test_an_inactive_sponsor_cannot_be_chosen(self):
        gone = make_user("gone@example.com", "Gone Sponsor")
        grant(gone, Role.SPONSOR, organization=self.w.organization)
        gone.is_active = False
        gone.save()
        self.login(self.w.coach)
        response = self.client.post(self.url, create_post(self.w, sponsor=gone.pk))
        self.assertIn("sponsor", response.context["form"].errors)


class EngagementDetailTests(WorldTestCase):
    def url(self):
        return reverse("engagements:detail", args=[self.w.engagement.code])

    def test_the_coach_sees_status_buttons_agreement_sessions_and_actions(self):
        self.login(self.w.coach)
        response = self.client.get(self.url())
        self.assertContains(response, "badge badge-active")
        self.assertContains(response, ">Pause</button>")
        # Ending asks first, on a page of its own.
        complete = reverse("engagements:complete", args=[self.w.engagement.code])
        end_early = reverse("engagements:end_early", args=[self.w.engagement.code])
        self.assertContains(response, f'href="{complete}">Mark as completed…</a>')
        self.assertContains(response, f'href="{end_early}">End early…</a>')
        self.assertNotContains(response, ">Activate</button>")
        self.assertContains(response, "Version 1 in force")
        self.assertContains(response, "Engagement status; Session attendance")
        self.assertContains(response, "1 of 12 coaching sessions held")
        self.assertContains(
            response, reverse("engagements:session_new", args=[self.w.engagement.code])
        )
        self.assertContains(
            response, reverse("engagements:session_detail", args=[self.w.next_session.code])
        )
        self.assertContains(response, CANARY.action)
        self.assertContains(response, "badge badge-overdue")
        self.assertEqual(response.context["upcoming"], [self.w.next_session])
        self.assertEqual(response.context["past"], [self.w.past_session])

    def test_the_coachee_sees_the_page_without_status_buttons(self):
        self.login(self.w.coachee)
        response = self.client.get(self.url())
        self.assertContains(response, f"Your coach: {self.w.coach.name}")
        self.assertNotContains(
            response, reverse("engagements:status", args=[self.w.engagement.code])
        )
        self.assertContains(response, CANARY.action)

    def test_times_are_in_the_viewers_time_zone(self):
        when = self.w.next_session.scheduled_for
        for user in (self.w.coach, self.w.coachee):
            self.login(user)
            local = timezone.localtime(when, user.tz)
            response = self.client.get(self.url())
            self.assertContains(response, f"{local:%H:%M}")
            self.assertContains(response, user.time_zone)

    def test_done_actions_are_listed_apart_and_not_overdue(self):
        Action.objects.filter(pk=self.w.action.pk).update(completed_at=timezone.now())
        self.login(self.w.coachee)
        response = self.client.get(self.url())
        self.assertContains(response, "No open actions.")
        self.assertContains(response, "Done (1)")
        self.assertNotContains(response, "badge badge-overdue")

    def test_a_version_awaiting_acceptance_is_shown_with_the_one_in_force(self):
        Agreement.objects.create(
            engagement=self.w.engagement, version=2, objectives="v2", created_by=self.w.coach
        )
        self.login(self.w.coachee)
        response = self.client.get(self.url())
        self.assertContains(response, "Version 2 awaiting your acceptance")
        self.assertContains(response, "Version 1 in force")
        self.assertContains(response, "Read and accept the agreement")

    def test_the_coachs_read_of_action_titles_the_coachee_wrote_is_audited(self):
        self.login(self.w.coach)
        self.client.get(self.url())
        entry = AuditEntry.objects.get(action=AuditAction.READ)
        self.assertEqual(entry.detail, {"field": "actions"})
        self.assertNotIn("CANARY", str(entry.detail))
        # The coachee reading their own actions is not a read by someone else.
        AuditEntry.objects.all().delete()
        self.login(self.w.coachee)
        self.client.get(self.url())
        self.assertFalse(AuditEntry.objects.filter(action=AuditAction.READ).exists())

    def test_a_closed_engagement_offers_no_scheduling_and_no_transitions(self):
        Engagement.objects.filter(pk=self.w.engagement.pk).update(
            status=EngagementStatus.COMPLETED, ended_at=timezone.now()
        )
        self.login(self.w.coach)
        response = self.client.get(self.url())
        self.assertNotContains(
            response, reverse("engagements:session_new", args=[self.w.engagement.code])
        )
        self.assertNotContains(
            response, reverse("engagements:status", args=[self.w.engagement.code])
        )


class EngagementStatusTests(WorldTestCase):
    def post(self, status):
        return self.client.post(
            reverse("engagements:status", args=[self.w.engagement.code]), {"status": status}
        )

    def test_the_coach_pauses_and_resumes(self):
        self.login(self.w.coach)
        response = self.post("paused")
        self.assertRedirects(response, reverse("engagements:detail", args=[self.w.engagement.code]))
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "paused")
        page = self.client.get(response["Location"])
        self.assertContains(page, ">Resume</button>")
        self.post("active")
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "active")

    def test_completing_cancels_the_sessions_still_ahead(self):
        self.login(self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                reverse("engagements:complete", args=[self.w.engagement.code]),
                {"confirm": "True"},
            )
        engagement = Engagement.objects.get(pk=self.w.engagement.pk)
        self.assertEqual(engagement.status, "completed")
        self.assertIsNotNone(engagement.ended_at)
        self.w.next_session.refresh_from_db()
        self.assertEqual(self.w.next_session.status, "cancelled")

    def test_a_transition_that_is_not_allowed_is_explained_and_changes_nothing(self):
        self.login(self.w.coach)
        response = self.post("proposed")
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "active")
        page = self.client.get(response["Location"])
        self.assertContains(page, "cannot become proposed")
        self.post("nonsense")
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "active")

    def test_a_proposed_engagement_waits_for_the_coachees_acceptance(self):
        Engagement.objects.filter(pk=self.w.engagement.pk).update(status="proposed")
        Agreement.objects.filter(engagement=self.w.engagement).update(
            accepted_at=None, accepted_by=None
        )
        self.login(self.w.coach)
        response = self.post("active")
        self.assertEqual(Engagement.objects.get(pk=self.w.engagement.pk).status, "proposed")
        self.assertContains(
            self.client.get(response["Location"]), "has not accepted the coaching agreement"
        )

    def test_future_sessions_stay_when_pausing(self):
        extra = make_session(self.w.engagement, days=20)
        self.login(self.w.coach)
        self.post("paused")
        extra.refresh_from_db()
        self.assertEqual(extra.status, "scheduled")
        self.assertGreater(extra.scheduled_for, timezone.now() + timedelta(days=19))

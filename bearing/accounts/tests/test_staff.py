from django.core import mail
from django.urls import reverse

from bearing.accounts import services
from bearing.accounts.models import Invitation, Organization, Practice, Role
from bearing.audit.models import AuditAction, AuditEntry
from bearing.testing import WorldTestCase, canary_strings, grant, make_engagement, make_user

NOT_STAFF = ("coach", "coachee", "sponsor", "other_coach", "other_sponsor")


class StaffPageTests(WorldTestCase):
    def test_staff_sees_people_roles_organizations_practices_and_engagements(self):
        services.invitation_create(
            invited_by=self.w.staff, email="pending@example.com", role=Role.STAFF, send=False
        )
        self.login(self.w.staff)
        response = self.client.get(reverse("accounts:staff"))
        self.assertContains(response, "Lena Leader")
        self.assertContains(response, "Coachee (Acme Manufacturing)")
        self.assertContains(response, "Coach (Northstar Coaching)")
        self.assertContains(response, "Acme Manufacturing — 1 engagement")
        self.assertContains(response, "Globex — 0 engagements")
        self.assertContains(response, "Northstar Coaching — 2 coaches")
        self.assertContains(response, "pending@example.com")
        engagements = response.context["engagements"]
        self.assertEqual(len(engagements), 1)
        self.assertEqual(
            (engagements[0].status, engagements[0].sessions_held, engagements[0].sessions_missed),
            ("Active", 1, 0),
        )

    def test_staff_never_sees_confidential_content(self):
        self.login(self.w.staff)
        response = self.client.get(reverse("accounts:staff"))
        for tag in canary_strings():
            self.assertNotContains(response, tag)
        self.assertNotContains(response, self.w.engagement.title)

    def test_everyone_else_gets_404(self):
        for persona in NOT_STAFF:
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                self.assertEqual(self.client.get(reverse("accounts:staff")).status_code, 404)

    def test_anonymous_is_sent_to_login(self):
        response = self.client.get(reverse("accounts:staff"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_wrong_methods(self):
        self.login(self.w.staff)
        self.assertEqual(self.client.post(reverse("accounts:staff")).status_code, 405)
        for name in (
            "accounts:staff_organization",
            "accounts:staff_practice",
            "accounts:staff_invite",
        ):
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name)).status_code, 405)

    def test_query_count_is_pinned_and_flat(self):
        self.login(self.w.staff)
        self.client.get(reverse("accounts:staff"))
        with self.assertNumQueries(11):  # 10 + erasures waiting
            self.client.get(reverse("accounts:staff"))
        # More people, organizations, practices, engagements: the same queries.
        practice = Practice.objects.create(name="Second Practice")
        org = Organization.objects.create(name="Initech")
        for i in range(4):
            coach = make_user(f"c{i}@example.com", f"Coach {i}")
            coachee = make_user(f"l{i}@example.com", f"Leader {i}")
            grant(coach, Role.COACH, practice=practice)
            grant(coachee, Role.COACHEE, organization=org)
            make_engagement(coach=coach, coachee=coachee, practice=practice, organization=org)
            services.invitation_create(
                invited_by=self.w.staff, email=f"i{i}@example.com", role=Role.STAFF, send=False
            )
        with self.assertNumQueries(11):  # 10 + erasures waiting
            self.client.get(reverse("accounts:staff"))


class StaffFormTests(WorldTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.second_staff = make_user("second.staff@example.com", "Sasha Second")
        grant(cls.second_staff, Role.STAFF)

    def setUp(self):
        self.login(self.w.staff)

    def test_staff_adds_an_organization(self):
        response = self.client.post(
            reverse("accounts:staff_organization"), {"org-name": " Initech "}
        )
        self.assertRedirects(response, reverse("accounts:staff"))
        self.assertTrue(Organization.objects.filter(name="Initech").exists())

    def test_duplicate_organization_is_refused_next_to_the_field(self):
        response = self.client.post(
            reverse("accounts:staff_organization"), {"org-name": "acme manufacturing"}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("name", response.context["org_form"].errors)
        self.assertEqual(Organization.objects.filter(name__iexact="acme manufacturing").count(), 1)

    def test_staff_adds_a_practice(self):
        response = self.client.post(reverse("accounts:staff_practice"), {"practice-name": "Solo"})
        self.assertRedirects(response, reverse("accounts:staff"))
        self.assertTrue(Practice.objects.filter(name="Solo").exists())

    def test_staff_invites_a_coach_sponsor_and_staff(self):
        cases = [
            ("coach", {"invite-practice": self.w.practice.pk}, "practice", self.w.practice),
            (
                "sponsor",
                {"invite-organization": self.w.other_organization.pk},
                "organization",
                self.w.other_organization,
            ),
            ("staff", {}, None, None),
        ]
        for role, extra, scope, value in cases:
            with self.subTest(role=role):
                email = f"{role}-new@example.com"
                with self.captureOnCommitCallbacks(execute=True):
                    response = self.client.post(
                        reverse("accounts:staff_invite"),
                        {
                            "invite-name": "Cora",
                            "invite-email": email,
                            "invite-role": role,
                            **extra,
                        },
                    )
                self.assertRedirects(response, reverse("accounts:staff"))
                invitation = Invitation.objects.get(email=email)
                self.assertEqual(invitation.role, role)
                self.assertEqual(invitation.invited_by, self.w.staff)
                if scope:
                    self.assertEqual(getattr(invitation, scope), value)
                # Sent only once a second person approves it.
                self.assertTrue(invitation.awaiting_approval)
                self.assertNotIn([email], [m.to for m in mail.outbox])
                with self.captureOnCommitCallbacks(execute=True):
                    services.invitation_approve(invitation=invitation, by=self.second_staff)
                self.assertEqual(mail.outbox[-1].to, [email])

    def test_coach_invitation_needs_a_practice(self):
        response = self.client.post(
            reverse("accounts:staff_invite"),
            {"invite-name": "Cora", "invite-email": "cora@example.com", "invite-role": "coach"},
        )
        self.assertContains(response, "Choose the coach&#x27;s practice", status_code=400)
        self.assertFalse(Invitation.objects.filter(email="cora@example.com").exists())
        self.assertEqual(mail.outbox, [])

    def test_staff_revokes_a_pending_invitation(self):
        invitation, _ = services.invitation_create(
            invited_by=self.w.staff, email="gone@example.com", role=Role.STAFF, send=False
        )
        invitation, token = services.invitation_approve(
            invitation=invitation, by=self.second_staff, send=False
        )
        url = reverse("accounts:staff_invitation_revoke", args=[invitation.code])
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertRedirects(self.client.post(url), reverse("accounts:staff"))
        invitation.refresh_from_db()
        self.assertIsNotNone(invitation.revoked_at)
        from bearing.audit.models import AuditAction, AuditEntry

        revoked = AuditEntry.objects.get(action=AuditAction.INVITATION_REVOKED)
        self.assertEqual(revoked.target_code, str(invitation.code))
        self.client.logout()
        response = self.client.get(reverse("accounts:invitation", args=[token]))
        self.assertEqual(response.status_code, 404)
        self.login(self.w.staff)
        self.assertEqual(self.client.post(url).status_code, 404)  # no longer pending

    def test_only_staff_may_add_invite_or_revoke(self):
        invitation, _ = services.invitation_create(
            invited_by=self.w.staff, email="keep@example.com", role=Role.STAFF, send=False
        )
        posts = [
            ("accounts:staff_organization", [], {"org-name": "Sneaky Org"}),
            ("accounts:staff_practice", [], {"practice-name": "Sneaky Practice"}),
            (
                "accounts:staff_invite",
                [],
                {"invite-name": "X", "invite-email": "x@example.com", "invite-role": "staff"},
            ),
            ("accounts:staff_invitation_revoke", [invitation.code], {}),
        ]
        for persona in NOT_STAFF:
            self.login(getattr(self.w, persona))
            for name, args, data in posts:
                with self.subTest(persona=persona, name=name):
                    self.assertEqual(
                        self.client.post(reverse(name, args=args), data).status_code, 404
                    )
        self.client.logout()
        for name, args, data in posts:
            with self.subTest(persona="anonymous", name=name):
                response = self.client.post(reverse(name, args=args), data)
                self.assertEqual(response.status_code, 302)
        self.assertFalse(Organization.objects.filter(name="Sneaky Org").exists())
        self.assertFalse(Practice.objects.filter(name="Sneaky Practice").exists())
        self.assertFalse(Invitation.objects.filter(email="x@example.com").exists())
        invitation.refresh_from_db()
        self.assertIsNone(invitation.revoked_at)


class PracticeOrganizationTests(WorldTestCase):
    """Staff record which organizations a practice works with; its coaches start
    engagements there only."""

    def test_staff_lets_a_practice_work_with_an_organization_and_it_is_audited(self):
        self.login(self.w.staff)
        response = self.client.post(
            reverse("accounts:staff_practice_organization"),
            {
                "served-practice": self.w.practice.pk,
                "served-organization": self.w.other_organization.pk,
            },
        )
        self.assertRedirects(response, reverse("accounts:staff"))
        self.assertIn(self.w.other_organization, self.w.practice.organizations.all())
        entry = AuditEntry.objects.filter(action=AuditAction.PRACTICE_ORGANIZATION).get()
        self.assertEqual((entry.actor_id, entry.detail), (self.w.staff.pk, {"kind": "added"}))
        page = self.client.get(reverse("accounts:staff"))
        self.assertContains(page, "Globex")
        # The coach may now choose Globex.
        self.login(self.w.coach)
        self.assertContains(self.client.get(reverse("engagements:create")), "Globex")

    def test_staff_removes_it_and_running_engagements_go_on(self):
        self.login(self.w.staff)
        url = reverse(
            "accounts:staff_practice_organization_remove",
            args=[self.w.practice.code, self.w.organization.code],
        )
        self.assertRedirects(self.client.post(url), reverse("accounts:staff"))
        self.assertFalse(self.w.practice.organizations.exists())
        self.assertTrue(
            AuditEntry.objects.filter(
                action=AuditAction.PRACTICE_ORGANIZATION, detail={"kind": "removed"}
            ).exists()
        )
        self.login(self.w.coach)
        self.assertNotContains(self.client.get(reverse("engagements:create")), "Acme")
        detail = reverse("engagements:detail", args=[self.w.engagement.code])
        self.assertEqual(self.client.get(detail).status_code, 200)

    def test_a_missing_choice_is_named_next_to_the_field(self):
        self.login(self.w.staff)
        response = self.client.post(
            reverse("accounts:staff_practice_organization"),
            {"served-practice": self.w.practice.pk},
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("organization", response.context["served_form"].errors)

    def test_nobody_but_staff_changes_it(self):
        add = reverse("accounts:staff_practice_organization")
        remove = reverse(
            "accounts:staff_practice_organization_remove",
            args=[self.w.practice.code, self.w.organization.code],
        )
        for persona in NOT_STAFF:
            with self.subTest(persona=persona):
                self.login(getattr(self.w, persona))
                response = self.client.post(
                    add,
                    {
                        "served-practice": self.w.practice.pk,
                        "served-organization": self.w.other_organization.pk,
                    },
                )
                self.assertEqual(response.status_code, 404)
                self.assertEqual(self.client.post(remove).status_code, 404)
        self.assertEqual(list(self.w.practice.organizations.all()), [self.w.organization])

"""Asking for an export, receiving the link, downloading it once."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bearing.accounts.signin_flow import AUTH_AT_KEY
from bearing.audit.models import AuditEntry
from bearing.audit.services import audit_verify_chain
from bearing.exports.models import DataExport, ExportKind
from bearing.testing import CANARY, canary_strings, sign_in

from .helpers import link_in, unzip
from .test_archive import ExportWorld

HOME = reverse("exports:home")
REQUEST = reverse("exports:request")


class ExportFlowTests(ExportWorld):
    def login(self, user):
        self.client.logout()
        if user is not None:
            sign_in(self.client, user)

    def ask(self, user, **data) -> str:
        """Sign in, ask for an export, let the worker build it; the emailed link."""
        self.login(user)
        mail.outbox.clear()
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(REQUEST, {"kind": "personal", **data})
        self.assertRedirects(response, HOME, fetch_redirect_response=False)
        self.assertEqual(len(mail.outbox), 1)
        return link_in(mail.outbox[0])

    def audit(self, status: str) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action="export", detail__status=status))

    def test_asking_needs_signing_in_again_within_five_minutes(self):
        self.login(self.w.coachee)
        session = self.client.session
        session[AUTH_AT_KEY] = int(time.time()) - 6 * 60
        session.save()
        response = self.client.post(REQUEST, {"kind": "personal"})
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:confirm"), response["Location"])
        self.assertFalse(DataExport.objects.exists())

    def test_the_export_is_built_in_the_background_and_the_email_holds_only_a_link(self):
        url = self.ask(self.w.coachee)
        export = DataExport.objects.get()
        self.assertIn(str(export.code), url)
        self.assertEqual(export.user, self.w.coachee)
        self.assertIsNotNone(export.ready_at)
        message = mail.outbox[0]
        self.assertEqual(message.to, [self.w.coachee.email])
        self.assertEqual(message.attachments, [])
        whole = message.message().as_string()
        for tag in canary_strings():
            self.assertNotIn(tag, whole)
        self.assertLessEqual(
            abs(export.expires_at - (export.ready_at + timedelta(hours=48))), timedelta(seconds=1)
        )

    def test_the_archive_is_encrypted_at_rest_and_only_the_tokens_hash_is_kept(self):
        url = self.ask(self.w.coachee)
        token = url.rstrip("/").rsplit("/", 1)[1]
        raw_archive, raw_hash = DataExport.objects.values_list("archive", "token_hash").get()
        self.assertTrue(raw_archive.startswith("bx2$"))
        self.assertNotIn("UEsDB", raw_archive)  # a ZIP file's first bytes, in base64
        self.assertEqual(raw_hash, hashlib.sha256(token.encode()).hexdigest())
        self.assertNotIn(token, raw_archive + raw_hash)

    def test_the_owner_downloads_once_and_the_export_is_deleted(self):
        url = self.ask(self.w.coachee)
        page = self.client.get(url)
        self.assertContains(page, "Download the ZIP file")
        self.assertEqual(DataExport.objects.count(), 1)  # opening the link takes nothing
        response = self.client.post(url)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/zip")
        self.assertIn("attachment;", response["Content-Disposition"])
        files = unzip(response.content)
        self.assertIn(CANARY.shared_notes, files["engagements-coachingsession.json"])
        self.assertFalse(DataExport.objects.exists())
        self.assertEqual(self.client.post(url).status_code, 404)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_the_request_and_the_download_are_audited_without_content(self):
        url = self.ask(self.w.coachee)
        self.client.post(url)
        requested, downloaded = self.audit("requested"), self.audit("downloaded")
        self.assertEqual(len(requested), 1)
        self.assertEqual(len(downloaded), 1)
        for entry in requested + downloaded:
            self.assertEqual(entry.actor_id, self.w.coachee.pk)
            self.assertEqual(entry.detail["kind"], "personal")
            self.assertEqual(requested[0].target_code, entry.target_code)
        self.assertTrue(audit_verify_chain().ok)

    def test_a_link_older_than_48_hours_no_longer_works_and_the_export_is_purged(self):
        url = self.ask(self.w.coachee)
        past = timezone.now() - timedelta(hours=49)
        DataExport.objects.update(ready_at=past, expires_at=past + timedelta(hours=48))
        self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.post(url).status_code, 404)
        self.ask(self.w.coachee)  # any later export clears expired ones away
        self.assertEqual(DataExport.objects.count(), 1)
        self.assertEqual(self.client.get(url).status_code, 404)

    def test_outsiders_get_404_on_the_download_link_even_with_the_token(self):
        url = self.ask(self.w.coachee)
        for name in ("coach", "other_coach", "sponsor", "staff", "other_coachee"):
            self.login(self.w.people[name])
            for method in ("get", "post"):
                with self.subTest(person=name, method=method):
                    self.assertEqual(getattr(self.client, method)(url).status_code, 404)
        self.assertEqual(DataExport.objects.count(), 1)
        self.assertTrue(AuditEntry.objects.filter(action="denied", actor_id=self.w.staff.pk))
        self.client.logout()
        response = self.client.get(url)
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])

    def test_a_wrong_token_gets_404_for_the_owner_too(self):
        url = self.ask(self.w.coachee)
        wrong = url.rstrip("/").rsplit("/", 1)[0] + "/not-the-token/"
        self.assertEqual(self.client.get(wrong).status_code, 404)
        self.assertEqual(self.client.post(wrong).status_code, 404)
        self.assertEqual(DataExport.objects.count(), 1)

    def test_the_leaders_downloaded_export_carries_no_one_elses_words(self):
        url = self.ask(self.w.coachee)
        files = unzip(self.client.post(url).content)
        whole = "".join(files.values())
        self.assertNotIn(CANARY.private_note.split()[0], whole)
        for marker in self.w.theirs.values():
            self.assertNotIn(marker, whole)
        for marker in self.w.mine.values():
            self.assertIn(marker, whole)
        # The leader's own records, decrypted (plant() rewrote the objectives).
        own = set(canary_strings()) - {CANARY.private_note.split()[0], CANARY.objectives.split()[0]}
        for tag in own:
            self.assertIn(tag, whole)

    def test_a_coach_exports_notes_for_one_engagement(self):
        url = self.ask(self.w.coach, kind="coach_notes", engagement=str(self.w.engagement.code))
        export_kind = DataExport.objects.get().kind
        self.assertEqual(export_kind, ExportKind.COACH_NOTES)
        whole = "".join(unzip(self.client.post(url).content).values())
        self.assertIn(CANARY.private_note, whole)
        self.assertIn(CANARY.shared_notes, whole)
        self.assertNotIn(CANARY.companion, whole)
        self.assertNotIn(self.w.theirs["engagements.coachingsession"], whole)

    def test_no_one_exports_notes_of_an_engagement_they_do_not_coach(self):
        for user in (self.w.other_coach, self.w.coachee, self.w.sponsor):
            self.login(user)
            with self.subTest(user=user.email):
                response = self.client.post(
                    REQUEST, {"kind": "coach_notes", "engagement": str(self.w.engagement.code)}
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(DataExport.objects.exists())

    def test_the_page_lists_the_persons_own_exports_only(self):
        self.ask(self.w.coachee)
        self.login(self.w.other_coachee)
        self.assertNotContains(self.client.get(HOME), "ready — the link is in your email")
        self.login(self.w.coachee)
        self.assertContains(self.client.get(HOME), "ready — the link is in your email")


class OutsiderExportTests(ExportWorld):
    """Sponsor, another coach and staff: their own exports carry no canary."""

    def test_outsiders_exports_carry_no_canary(self):
        for name in ("sponsor", "other_coach", "staff"):
            user = self.w.people[name]
            sign_in(self.client, user)
            mail.outbox.clear()
            with self.captureOnCommitCallbacks(execute=True):
                self.client.post(REQUEST, {"kind": "personal"})
            url = link_in(mail.outbox[0])
            whole = "".join(unzip(self.client.post(url).content).values())
            with self.subTest(person=name):
                self.assertIn(user.email, whole)  # their own account is there
                for tag in canary_strings():
                    self.assertNotIn(tag, whole)
                for marker in [*self.w.mine.values(), *self.w.theirs.values()]:
                    self.assertNotIn(marker, whole)

    def test_the_coachs_own_export_holds_their_private_notes_and_no_coachee_record(self):
        sign_in(self.client, self.w.coach)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(REQUEST, {"kind": "personal"})
        whole = "".join(unzip(self.client.post(link_in(mail.outbox[0])).content).values())
        self.assertIn(CANARY.private_note, whole)
        for tag in (CANARY.companion, CANARY.check_in, CANARY.goal, CANARY.agenda_outcome):
            self.assertNotIn(tag.split()[0], whole)


class BuildTests(ExportWorld):
    def test_building_twice_sends_one_link_and_keeps_the_first_archive(self):
        from bearing.exports.services import export_request
        from bearing.exports.tasks import export_build

        with self.captureOnCommitCallbacks(execute=True):
            export = export_request(user=self.w.coachee, kind="personal")
        first = DataExport.objects.values_list("token_hash", flat=True).get()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertEqual(export_build.call(code=str(export.code)), 0)
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(DataExport.objects.values_list("token_hash", flat=True).get(), first)

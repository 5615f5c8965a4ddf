from datetime import timedelta

from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bearing.insight import queries as q
from bearing.insight import services as s
from bearing.insight.instruments import check, competency_scores, read_files
from bearing.insight.models import (
    Assessment,
    Campaign,
    CampaignStatus,
    Instrument,
    InvitationStatus,
    RaterAnswers,
    RaterComment,
    RaterGroup,
    RaterInvitation,
    SingleManager,
)
from bearing.insight.reminders import RATER_REMINDER_GAP, rater_reminders_send
from bearing.testing import WorldTestCase

from .helpers import answer, campaign_with_raters, finished_self_assessment, leadership


class InstrumentTests(WorldTestCase):
    def test_both_shipped_instruments_are_loaded_from_their_files(self):
        docs = read_files()
        self.assertEqual({d["key"] for d in docs}, {"leadership", "reflection"})
        lead = leadership()
        self.assertTrue(30 <= lead.items.count() <= 40)
        self.assertEqual(lead.competencies.count(), 8)
        self.assertTrue(lead.items.filter(reverse_keyed=True).exists())
        self.assertTrue(Instrument.objects.filter(key="reflection", for_raters=False).exists())

    def test_loading_again_adds_nothing(self):
        self.assertEqual(s.instruments_sync(), 0)

    def test_a_broken_file_is_refused_with_its_reason(self):
        doc = read_files()[0]
        self.assertIsNone(check(doc))
        broken = {**doc, "items": [{**doc["items"][0], "competency": "nope"}]}
        self.assertIn("names no competency", check(broken))

    def test_not_observed_is_left_out_and_reverse_keyed_items_count_backwards(self):
        items = list(leadership().items.select_related("competency"))
        comp = [i for i in items if i.competency.key == "self_awareness"]
        answers = {comp[0].key: 5, comp[1].key: 0, comp[2].key: 3, comp[3].key: 1}
        self.assertTrue(comp[3].reverse_keyed)
        scores = competency_scores(answers, items, low=1, high=5)
        self.assertEqual(scores["self_awareness"], round((5 + 3 + 5) / 3, 2))
        self.assertIsNone(scores["delegation"])


class AssessmentTests(WorldTestCase):
    def test_answers_are_kept_as_they_go_and_resumed(self):
        a = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=leadership()
        )
        s.assessment_answer(assessment=a, by=self.w.coachee, answers={"delegation_1": "4"})
        again = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=leadership()
        )
        self.assertEqual(again.pk, a.pk)
        self.assertEqual(Assessment.objects.get(pk=a.pk).answers, {"delegation_1": 4})

    def test_finishing_needs_every_item_and_names_the_missing_ones(self):
        a = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=leadership()
        )
        with self.assertRaises(ValidationError) as caught:
            s.assessment_complete(assessment=a, by=self.w.coachee)
        self.assertIn("delegation_1", caught.exception.message_dict)

    def test_a_value_off_the_scale_is_refused_beside_its_item(self):
        a = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=leadership()
        )
        with self.assertRaises(ValidationError) as caught:
            s.assessment_answer(assessment=a, by=self.w.coachee, answers={"delegation_1": 9})
        self.assertIn("delegation_1", caught.exception.message_dict)

    def test_only_the_coachee_answers(self):
        with self.assertRaises(ValidationError):
            s.assessment_start(
                engagement=self.w.engagement, by=self.w.coach, instrument=leadership()
            )


class CampaignTests(WorldTestCase):
    def test_the_minimum_is_never_below_three(self):
        with self.assertRaises(ValidationError) as caught:
            campaign_with_raters(self.w, min_per_group=2)
        self.assertIn("min_per_group", caught.exception.message_dict)
        with self.assertRaises(IntegrityError), transaction.atomic():
            Campaign.objects.create(
                engagement=self.w.engagement,
                instrument=leadership(),
                deadline=timezone.localdate(),
                min_per_group=2,
            )

    def test_a_group_below_the_minimum_cannot_open(self):
        campaign = campaign_with_raters(self.w, groups={RaterGroup.PEER: 2})
        with self.assertRaises(ValidationError):
            s.campaign_open(campaign=campaign, by=self.w.coachee)

    def test_only_the_coachee_agrees_to_a_managers_own_view(self):
        with self.assertRaises(ValidationError) as caught:
            campaign_with_raters(self.w, by=self.w.coach, single_manager=SingleManager.OWN_VIEW)
        self.assertIn("single_manager", caught.exception.message_dict)

    def test_opening_locks_the_raters_and_mails_each_a_link_kept_only_as_a_digest(self):
        campaign = campaign_with_raters(self.w)
        with self.captureOnCommitCallbacks(execute=True):
            issued = s.campaign_open(campaign=campaign, by=self.w.coachee)
        self.assertEqual(len(mail.outbox), 6)
        token = issued[0][1]
        self.assertTrue(any(token in m.body for m in mail.outbox))
        self.assertFalse(RaterInvitation.objects.filter(token_hash=token).exists())
        self.assertEqual(RaterAnswers.objects.filter(campaign=campaign).count(), 6)
        with self.assertRaises(ValidationError):
            s.rater_nominate(
                campaign=campaign, by=self.w.coachee, name="Late", email="l@x.org", group="peer"
            )

    def test_a_link_is_single_use(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        token = issued[0][1]
        answer(token, 4)
        self.assertIsNone(q.rater_link(token))
        self.assertEqual(
            RaterInvitation.objects.get(pk=issued[0][0].pk).status, InvitationStatus.ANSWERED
        )

    def test_a_link_expires_after_the_deadline(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        RaterInvitation.objects.filter(campaign=campaign).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        self.assertIsNone(q.rater_link(issued[0][1]))

    def test_an_unknown_or_guessed_token_opens_nothing(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        token = issued[0][1]
        for guess in ("", "x", token[:-1], token + "a", "a" * 300):
            self.assertIsNone(q.rater_link(guess))

    def test_declining_drops_what_was_kept(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        token = issued[0][1]
        answer(token, 2, submit=False)
        link = q.rater_link(token)
        s.rater_decline(invitation=link.invitation, answers_set=link.answers)
        self.assertIsNone(q.rater_link(token))
        self.assertFalse(any(a.answers for a in RaterAnswers.objects.filter(campaign=campaign)))

    def test_closing_freezes_the_report_and_refuses_late_answers(self):
        finished_self_assessment(self.w, value=5)
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        for _, token in issued[:5]:
            answer(token, 3, comment="Start sharing the agenda earlier")
        campaign = s.campaign_close(campaign=campaign, by=self.w.coach)
        self.assertEqual(campaign.status, CampaignStatus.CLOSED)
        self.assertIsNone(q.rater_link(issued[5][1]))
        comp = campaign.report["competencies"][0]
        # Peers 3 shown; reports 2 hidden, so peers are hidden too and only the total (5) shows.
        item = comp["items"][0]
        self.assertIsNone(item["groups"]["report"])
        self.assertIsNone(item["groups"]["peer"])
        self.assertEqual(item["others"]["n"], 5)
        self.assertEqual(RaterComment.objects.filter(campaign=campaign).count(), 5)
        self.assertFalse(RaterAnswers.objects.filter(campaign=campaign, group="report").exists())
        self.assertEqual(
            [c["flag"] for c in campaign.report["competencies"]].count("blind_spot"), 8
        )

    def test_the_coachee_reads_the_report_after_the_debrief(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        for _, token in issued:
            answer(token, 4)
        campaign = s.campaign_close(campaign=campaign, by=self.w.coach)
        self.assertFalse(q.report_visible(campaign, "coachee"))
        self.assertTrue(q.report_visible(campaign, "coach"))
        with self.assertRaises(ValidationError):
            s.campaign_debriefed(campaign=campaign, by=self.w.coachee)
        campaign = s.campaign_debriefed(campaign=campaign, by=self.w.coach)
        self.assertTrue(q.report_visible(campaign, "coachee"))

    def test_the_coach_holds_back_a_comment_until_release(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        for n, (_, token) in enumerate(issued):
            answer(token, 4, comment=f"Comment {n}")
        campaign = s.campaign_close(campaign=campaign, by=self.w.coach)
        comment = campaign.comments.first()
        s.comment_hold(comment=comment, by=self.w.coach, held=True)
        self.assertEqual(len(q.comments_for(campaign, screening=False)), 5)
        with self.assertRaises(ValidationError):
            s.comment_hold(comment=comment, by=self.w.coachee, held=False)
        s.campaign_debriefed(campaign=campaign, by=self.w.coach)
        with self.assertRaises(ValidationError):
            s.comment_hold(comment=comment, by=self.w.coach, held=False)

    def test_the_second_round_shows_the_change(self):
        campaign = campaign_with_raters(self.w)
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 3)
        campaign = s.campaign_close(campaign=campaign, by=self.w.coach)
        after = s.campaign_rerun(
            campaign=campaign, by=self.w.coach, deadline=timezone.localdate() + timedelta(days=9)
        )
        self.assertEqual(after.invitations.count(), 6)
        for _, token in s.campaign_open(campaign=after, by=self.w.coachee, send=False):
            answer(token, 4)
        after = s.campaign_close(campaign=after, by=self.w.coach)
        changes = q.report_changes(after)
        self.assertEqual(len(changes), 8)
        self.assertTrue(all(c["others_change"] is not None for c in changes))

    def test_reminders_go_to_those_who_have_not_answered_within_the_caps(self):
        campaign = campaign_with_raters(self.w)
        issued = s.campaign_open(campaign=campaign, by=self.w.coachee, send=False)
        answer(issued[0][1], 4)
        later = timezone.now() + RATER_REMINDER_GAP + timedelta(hours=1)
        later = later.astimezone(self.w.coachee.tz).replace(hour=12).astimezone(timezone.UTC)
        mail.outbox.clear()
        self.assertEqual(rater_reminders_send(later), 5)
        self.assertEqual(rater_reminders_send(later), 0)  # once per gap
        self.assertNotIn(issued[0][0].email, [m.to[0] for m in mail.outbox])
        self.assertEqual(rater_reminders_send(later + RATER_REMINDER_GAP), 5)
        self.assertEqual(rater_reminders_send(later + 2 * RATER_REMINDER_GAP), 0)  # the cap


class ExportTests(WorldTestCase):
    def test_the_leaders_export_holds_the_released_report_and_never_an_answer_set(self):
        from bearing.exports.archive import personal_sections

        campaign = campaign_with_raters(self.w, groups={RaterGroup.PEER: 3})
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4, comment="Keep the weekly one-to-ones")
        campaign = s.campaign_close(campaign=campaign, by=self.w.coach)
        titles = {sec.kind.title: sec for sec in personal_sections(self.w.coachee)}
        self.assertNotIn("360 answers", titles)
        self.assertNotIn("360 comments", titles)
        row = titles["360 campaigns"].rows[0]
        self.assertIsNone(row["report"])  # not yet released
        s.campaign_debriefed(campaign=campaign, by=self.w.coach)
        row = {sec.kind.title: sec for sec in personal_sections(self.w.coachee)}[
            "360 campaigns"
        ].rows[0]
        self.assertEqual(row["report"]["competencies"][0]["key"], "self_awareness")
        self.assertEqual(len(row["comments"]), 3)
        for person in (self.w.coach, self.w.sponsor, self.w.staff):
            kinds = {sec.kind.title for sec in personal_sections(person) if sec.rows}
            self.assertFalse(kinds & {"360 answers", "360 comments", "360 campaigns"})


class ErasureTests(WorldTestCase):
    def test_erasing_the_leader_takes_every_insight_record_with_them(self):
        from django.db import transaction

        from bearing.exports.erasure import person_erase

        finished_self_assessment(self.w)
        campaign = campaign_with_raters(self.w, groups={RaterGroup.PEER: 3})
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4, comment="Keep it up")
        s.campaign_close(campaign=campaign, by=self.w.coach)
        s.journal_write(engagement=self.w.engagement, by=self.w.coachee, body="Private")
        with transaction.atomic():
            person_erase(self.w.coachee)
        for model in (Assessment, RaterInvitation, RaterAnswers, RaterComment):
            self.assertFalse(model.objects.exists(), model.__name__)
        from bearing.insight.models import JournalEntry

        self.assertFalse(JournalEntry.objects.exists())


class DeadlineTests(WorldTestCase):
    def test_a_campaign_past_its_deadline_closes_itself(self):
        campaign = campaign_with_raters(self.w, groups={RaterGroup.PEER: 3})
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4)
        self.assertEqual(s.campaigns_close_due(), 0)
        Campaign.objects.filter(pk=campaign.pk).update(
            deadline=timezone.localdate() - timedelta(days=1)
        )
        self.assertEqual(s.campaigns_close_due(), 1)
        self.assertEqual(Campaign.objects.get(pk=campaign.pk).status, CampaignStatus.CLOSED)


class SingleManagerTests(WorldTestCase):
    def test_pooled_the_manager_counts_among_others(self):
        campaign = campaign_with_raters(
            self.w, groups={RaterGroup.MANAGER: 1, RaterGroup.OTHER: 2, RaterGroup.PEER: 3}
        )
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4)
        self.assertEqual(
            sorted(RaterAnswers.objects.filter(campaign=campaign).values_list("group", flat=True)),
            ["other"] * 3 + ["peer"] * 3,
        )
        report = s.campaign_close(campaign=campaign, by=self.w.coach).report
        self.assertNotIn("manager", report["groups"])
        self.assertEqual(report["competencies"][0]["items"][0]["groups"]["other"]["n"], 3)

    def test_the_managers_own_view_when_the_leader_agreed(self):
        campaign = campaign_with_raters(
            self.w,
            groups={RaterGroup.MANAGER: 1, RaterGroup.PEER: 3},
            single_manager=SingleManager.OWN_VIEW,
        )
        with self.captureOnCommitCallbacks(execute=True):
            issued = s.campaign_open(campaign=campaign, by=self.w.coachee)
        manager_mail = [m for m in mail.outbox if m.to == [issued[0][0].email]]
        self.assertIn("your answers are shown as your own view", manager_mail[0].body)
        for _, token in issued:
            answer(token, 5)
        report = s.campaign_close(campaign=campaign, by=self.w.coach).report
        self.assertEqual(report["competencies"][0]["items"][0]["groups"]["manager"]["n"], 1)


class JournalTests(WorldTestCase):
    def test_prompts_come_from_the_plan_the_last_session_the_check_in_and_the_360(self):
        prompts = q.journal_prompts(self.w.engagement)
        text = " ".join(prompts)
        self.assertIn("executive presence", text.lower())  # the world's goal's focus area
        self.assertIn("Since your coaching session on", text)
        self.assertIn("confidence 6/10", text)
        self.assertNotIn("CANARY", text)  # no confidential text is quoted
        campaign = campaign_with_raters(self.w, groups={RaterGroup.PEER: 3})
        for _, token in s.campaign_open(campaign=campaign, by=self.w.coachee, send=False):
            answer(token, 4)
        s.campaign_close(campaign=campaign, by=self.w.coach)
        self.assertFalse(any("360" in p for p in q.journal_prompts(self.w.engagement)))
        s.campaign_debriefed(campaign=campaign, by=self.w.coach)
        self.assertTrue(any("360" in p for p in q.journal_prompts(self.w.engagement)))

    def test_search_and_tags_work_on_the_decrypted_text_for_this_engagement(self):
        s.journal_write(
            engagement=self.w.engagement, by=self.w.coachee, body="The board meeting", tags="Board"
        )
        s.journal_write(engagement=self.w.engagement, by=self.w.coachee, body="A quiet week")
        self.assertEqual(len(q.journal_of(self.w.engagement, "coachee", search="BOARD")), 1)
        self.assertEqual(len(q.journal_of(self.w.engagement, "coachee", tag="board")), 1)
        self.assertEqual(q.journal_of(self.w.engagement, "coach"), [])
        with self.assertRaises(ValidationError) as caught:
            s.journal_write(
                engagement=self.w.engagement, by=self.w.coachee, body="x", tags="a" * 41
            )
        self.assertIn("tags", caught.exception.message_dict)
        with self.assertRaises(ValidationError):
            s.journal_write(engagement=self.w.engagement, by=self.w.coach, body="Not mine")


class ReflectionTests(WorldTestCase):
    def test_the_reflection_questionnaire_is_for_the_leader_alone(self):
        reflection = Instrument.objects.get(key="reflection")
        with self.assertRaises(ValidationError) as caught:
            s.campaign_create(
                engagement=self.w.engagement,
                by=self.w.coachee,
                instrument=reflection,
                deadline=timezone.localdate() + timedelta(days=5),
            )
        self.assertIn("instrument", caught.exception.message_dict)
        a = s.assessment_start(
            engagement=self.w.engagement, by=self.w.coachee, instrument=reflection
        )
        a = s.assessment_answer(
            assessment=a, by=self.w.coachee, answers={i.key: 3 for i in reflection.items.all()}
        )
        self.assertIsNotNone(s.assessment_complete(assessment=a, by=self.w.coachee).completed_at)

"""Builders for insight tests: an instrument, a finished self-assessment, a
campaign with raters who answer through their links."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bearing.insight import services as s
from bearing.insight.models import Instrument, RaterGroup

COMMENT_CANARY = "CANARY-COMMENT-3e9d1 they interrupt in the Monday meeting"
JOURNAL_CANARY = "CANARY-JOURNAL-8b2f4 I froze when the board asked about margins"


def leadership() -> Instrument:
    return Instrument.objects.get(key="leadership", version=1)


def finished_self_assessment(w, value: int = 4):
    a = s.assessment_start(engagement=w.engagement, by=w.coachee, instrument=leadership())
    s.assessment_answer(
        assessment=a, by=w.coachee, answers={i.key: value for i in leadership().items.all()}
    )
    return s.assessment_complete(assessment=a, by=w.coachee)


def campaign_with_raters(w, groups=None, **kw):
    """A draft campaign with raters nominated: {group: how many}."""
    groups = groups or {RaterGroup.PEER: 3, RaterGroup.REPORT: 3}
    campaign = s.campaign_create(
        engagement=w.engagement,
        by=kw.pop("by", w.coachee),
        instrument=leadership(),
        deadline=timezone.localdate() + timedelta(days=14),
        **kw,
    )
    n = 0
    for group, count in groups.items():
        for _ in range(count):
            n += 1
            s.rater_nominate(
                campaign=campaign,
                by=w.coachee,
                name=f"Rater {n}",
                email=f"rater{n}.{campaign.code.hex[:6]}@example.com",
                group=group,
            )
    return campaign


def answer(token: str, value: int, *, comment: str = "", submit: bool = True):
    from bearing.insight import queries as q

    link = q.rater_link(token)
    assert link is not None and link.answers is not None
    items = leadership().items.all()
    comments = {"communication": {"start": comment}} if comment else None
    slot = s.rater_save(
        invitation=link.invitation,
        answers_set=link.answers,
        answers={i.key: value for i in items},
        comments=comments,
    )
    if submit:
        s.rater_submit(invitation=link.invitation, answers_set=slot)


def sweep_objects(w):
    """One of each insight record for the route sweep, fresh on each call: an
    unfinished self-assessment, a draft campaign with a nominee, a closed campaign
    (not yet released) with a comment, an open rater link and an unshared entry."""
    from types import SimpleNamespace

    o = SimpleNamespace()
    o.assessment = s.assessment_start(
        engagement=w.engagement, by=w.coachee, instrument=leadership()
    )
    o.draft = campaign_with_raters(w, groups={RaterGroup.PEER: 1})
    o.invitation = o.draft.invitations.get()
    closed = campaign_with_raters(w, groups={RaterGroup.PEER: 4})
    issued = s.campaign_open(campaign=closed, by=w.coachee, send=False)
    for _, token in issued[:3]:
        answer(token, 4, comment=COMMENT_CANARY)
    o.closed = s.campaign_close(campaign=closed, by=w.coach)
    o.comment = o.closed.comments.first()
    live = campaign_with_raters(w, groups={RaterGroup.PEER: 3})
    o.token = s.campaign_open(campaign=live, by=w.coachee, send=False)[0][1]
    o.entry = s.journal_write(engagement=w.engagement, by=w.coachee, body=JOURNAL_CANARY)
    return o

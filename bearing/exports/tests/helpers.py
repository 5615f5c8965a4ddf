"""Records planted for export tests: one of each kind the leader's export must
carry, each holding a marker, in an engagement of a given coachee."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta

from django.utils import timezone

from bearing.companion.models import CompanionConversation, CompanionMessage
from bearing.engagements.models import Action, Agreement, SharedNotesVersion
from bearing.growth.models import CheckIn, Goal, KeyResult, Milestone, ProgressSummary, Win
from bearing.testing import make_session

# The kinds the issue names, each with the text that marks it.
BRIEF_KINDS = (
    "engagements.engagement",
    "engagements.agreement",
    "engagements.coachingsession",
    "engagements.sharednotesversion",
    "engagements.action",
    "growth.goal",
    "growth.keyresult",
    "growth.milestone",
    "growth.checkin",
    "growth.win",
    "growth.progresssummary",
    "companion.companionconversation",
)


def plant(engagement, tag: str) -> dict[str, str]:
    """One record of each kind in ``engagement``, each holding ``tag-<kind>``.
    Returns kind label -> marker."""
    m = {label: f"{tag}-{label.split('.')[1].upper()}" for label in BRIEF_KINDS}
    engagement.title = m["engagements.engagement"]
    engagement.save(update_fields=["title"])
    agreement = engagement.agreements.order_by("-version").first()
    agreement.objectives = m["engagements.agreement"]
    agreement.save(update_fields=["objectives"])
    session = make_session(
        engagement,
        days=-3,
        status="held",
        agenda_outcome=m["engagements.coachingsession"],
        shared_notes=m["engagements.coachingsession"] + " notes",
    )
    SharedNotesVersion.objects.create(
        session=session, version=1, body=m["engagements.sharednotesversion"]
    )
    Action.objects.create(
        engagement=engagement,
        owner=engagement.coachee,
        title=m["engagements.action"],
        due_on=timezone.localdate() + timedelta(days=3),
    )
    goal = Goal.objects.create(
        engagement=engagement, title=m["growth.goal"], focus_area="delegation"
    )
    KeyResult.objects.create(
        goal=goal, metric=m["growth.keyresult"], unit="per week", baseline=0, target=4, current=1
    )
    Milestone.objects.create(
        goal=goal, title=m["growth.milestone"], due_on=timezone.localdate() + timedelta(days=9)
    )
    CheckIn.objects.create(engagement=engagement, confidence=7, wins=m["growth.checkin"])
    Win.objects.create(engagement=engagement, source="check_in", text=m["growth.win"])
    ProgressSummary.objects.create(
        engagement=engagement, body="Summary", coachee_comment=m["growth.progresssummary"]
    )
    conversation = CompanionConversation.objects.create(engagement=engagement, title="Talk")
    CompanionMessage.objects.create(
        conversation=conversation, speaker="leader", text=m["companion.companionconversation"]
    )
    roleplay = CompanionConversation.objects.create(
        engagement=engagement, scenario="no_to_boss", title="Role-play"
    )
    CompanionMessage.objects.create(
        conversation=roleplay, speaker="leader", text=m["companion.companionconversation"] + " play"
    )
    return m


def unaccepted_agreement(engagement, objectives: str) -> Agreement:
    latest = engagement.agreements.order_by("-version").first()
    return Agreement.objects.create(
        engagement=engagement, version=latest.version + 1, objectives=objectives
    )


def unzip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name).decode() for name in zf.namelist()}


def link_in(message) -> str:
    match = re.search(r"http://testserver(/account/data/[^\s\"<]+/)", message.body)
    assert match, "no download link in the email"
    return match.group(1)

"""Demo data for presentation practice: Daniel rehearses his board update twice, from
pasted timed transcripts; the second run is shorter, gets to the point sooner and has
fewer fillers. Built through the services, as Daniel would have."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from bearing.engagements.models import Engagement

from . import services as s
from .models import Rehearsal

FIRST = """0:00 Um, good morning everyone. So, uh, thanks for having me.
0:06 I think maybe I should start with, like, some background on the warehouses.
0:14 Um, as you know, we have, uh, three sites and, you know, they all run differently.
0:25 So, um, last quarter we, uh, we looked at the night shift.
0:34 And, um, the real point is that on-time dispatch went from 88 to 94 percent.
0:44 Uh, I think we should, sort of, roll the new rota out to all three sites.
0:55 Um, that would need, uh, two more team leads, probably.
1:04 And, um, the risk is, like, the handover at six in the morning.
1:15 So, uh, yes. That is, um, that is basically it. Any questions?
1:26
"""

SECOND = """0:00 Good morning. On-time dispatch went from 88 to 94 percent last quarter.
0:07 That came from the new night-shift rota at Riverside.
0:13 I propose we roll the rota out to all three sites by March.
0:20 It needs two more team leads, which fits the approved budget.
0:28 The main risk is the six o'clock handover; um, we will pilot a written checklist first.
0:39 I would like your approval today. Thank you.
0:45
"""


def demo_rehearsals(engagement: Engagement) -> None:
    daniel = engagement.coachee
    assert daniel is not None
    talk = s.talk_create(
        engagement=engagement,
        by=daniel,
        title="Quarterly operations update for the board",
        audience="The board, with the CFO",
        minutes_allowed=2,
        key_messages=(
            "On-time dispatch went from 88 to 94 percent\n"
            "Roll the night-shift rota out to all three sites\n"
            "Two more team leads within budget"
        ),
    )
    first = s.rehearsal_paste(talk=talk, by=daniel, text=FIRST)
    second = s.rehearsal_paste(talk=talk, by=daniel, text=SECOND)
    now = timezone.now()
    Rehearsal.objects.filter(pk=first.pk).update(created_at=now - timedelta(days=3))
    Rehearsal.objects.filter(pk=second.pk).update(created_at=now - timedelta(days=1))
    s.talk_share(talk=talk, by=daniel, share=True)

"""The private calendar feed (.ics): a person's coaching sessions in their own calendar.

It lists coaching sessions, so it lives here rather than in accounts, which keeps the
calendar link itself (making, replacing, finding whose token it is). The URL name stays
``accounts:calendar_feed``: ``bearing/urls.py`` wires it in with accounts' own patterns.
"""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from bearing.accounts.queries import user_for_calendar_token
from bearing.lib import ics

from .models import SessionStatus
from .queries import calendar_sessions_for


@require_GET
def calendar_feed(request, token: str):
    """A private iCalendar feed. No login: the token is the credential.
    Times, names, place and status only — never agendas or notes."""
    user = user_for_calendar_token(token)
    if user is None:
        raise Http404("Not found")
    events = []
    for session in calendar_sessions_for(user):
        engagement = session.engagement
        if engagement.coach_id == user.id:
            other = engagement.coachee_display
        else:
            other = engagement.coach.name
        events.append(
            ics.Event(
                uid=f"session-{session.code}@bearing",
                start=session.scheduled_for,
                end=session.ends_at,
                summary=f"Coaching session with {other}",
                sequence=session.sequence,
                status="CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED",
                location=session.location,
                url=settings.SITE_URL + reverse("engagements:session_detail", args=[session.code]),
                stamp=session.created_at,
            )
        )
    body = ics.calendar(events, name="Bearing coaching sessions")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="bearing.ics"'
    return response

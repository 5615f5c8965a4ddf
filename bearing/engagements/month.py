"""A month calendar of the viewer's coaching sessions: the coach's and the coachee's,
server-rendered as a table (weeks by days), times in the viewer's own time zone."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bearing.accounts.models import User
from bearing.accounts.queries import roles_of

from .models import CoachingSession

WEEKDAYS = [(name, calendar.day_abbr[i]) for i, name in enumerate(calendar.day_name)]


def month_sessions_for(user: User, start: datetime, end: datetime) -> list[CoachingSession]:
    """The viewer's own coaching sessions (as coach or coachee) in [start, end): times,
    names and status only, never agendas or notes."""
    return list(
        CoachingSession.objects.filter(
            Q(engagement__coach=user) | Q(engagement__coachee=user),
            scheduled_for__gte=start,
            scheduled_for__lt=end,
        )
        .select_related("engagement", "engagement__coachee", "engagement__coach")
        .only(
            "code",
            "scheduled_for",
            "duration_minutes",
            "status",
            "engagement__coach_id",
            "engagement__coachee_id",
            "engagement__coach__name",
            "engagement__coachee__name",
            "engagement__invited_name",
            "engagement__invited_email",
        )
        .order_by("scheduled_for")
    )


def parse_month(value: str | None, today: date) -> date:
    """``YYYY-MM`` to the first of that month; anything else is this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 2000 <= year <= 2100:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def _shift(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@login_required
@require_GET
def month_calendar(request):
    user = request.user
    roles = roles_of(user)
    if not (roles.is_coach or roles.is_coachee):
        raise Http404("Not found")
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    first = parse_month(request.GET.get("month"), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(weeks[0][0], datetime.min.time(), tzinfo=tz)
    end = datetime.combine(weeks[-1][-1] + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    by_day: dict[date, list] = {}
    for session in month_sessions_for(user, start, end):
        engagement = session.engagement
        by_day.setdefault(timezone.localtime(session.scheduled_for, tz).date(), []).append(
            {
                "session": session,
                "other": engagement.coachee_display
                if engagement.coach_id == user.id
                else engagement.coach.name,
            }
        )
    rows = [
        [
            {
                "day": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "sessions": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]
    return render(
        request,
        "engagements/month_calendar.html",
        {
            "first": first,
            "weeks": rows,
            "weekdays": WEEKDAYS,
            "previous": _shift(first, -1),
            "next": _shift(first, 1),
            "this_month": today.replace(day=1),
            "zone_name": tz.key if hasattr(tz, "key") else str(tz),
            "count": sum(len(v) for d, v in by_day.items() if d.month == first.month),
        },
    )

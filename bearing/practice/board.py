"""The priority board's rules (pure: no database): the quadrants in order, and
when the next weekly review falls on the rhythm the coachee chose."""

from __future__ import annotations

from datetime import date, timedelta

from .models import Quadrant

# The board's columns, in reading order; "inbox" holds what is not placed yet.
PLACED = (Quadrant.DO, Quadrant.SCHEDULE, Quadrant.DELEGATE, Quadrant.DROP)
SHORT_NAMES = {
    Quadrant.INBOX: "Not placed",
    Quadrant.DO: "Do",
    Quadrant.SCHEDULE: "Schedule",
    Quadrant.DELEGATE: "Delegate",
    Quadrant.DROP: "Drop",
}
WHAT_IT_MEANS = {
    Quadrant.INBOX: "waiting for you to say where it goes",
    Quadrant.DO: "urgent and important",
    Quadrant.SCHEDULE: "important, not urgent",
    Quadrant.DELEGATE: "urgent, not important for you to do",
    Quadrant.DROP: "neither",
}
REVIEW_MINUTES = 15


def next_review_on(
    *, weekday: int, every_weeks: int, last_review: date | None, today: date
) -> date:
    """The day of the next weekly review: the chosen weekday, ``every_weeks`` after
    the last one (the first on or after today if there has been none, or if it is
    overdue it is today)."""
    if last_review is None:
        start = today
    else:
        start = last_review + timedelta(weeks=every_weeks) - timedelta(days=3)
    due = start + timedelta(days=(weekday - start.weekday()) % 7)
    return max(due, today) if last_review is not None and due < today else due

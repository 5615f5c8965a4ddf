"""The program report, framed honestly: reaction (satisfaction), learning (goal
progress coachees share and, where they share it, the group's 360 change) and
engagement with coaching, all from the dashboard's
allow-list rows for the whole program, under the same rules. Behaviour and results
are not measured by Bearing, and the report says so rather than guess."""

from __future__ import annotations

from django.utils import timezone

from .pdf import Document
from .queries import Dashboard, EstimateRow

HIDDEN = "hidden"
RESULTS_NOTE = (
    "Behaviour and results: Bearing does not measure these. Any figure for them is an "
    "estimate of your own, and should be labelled as one."
)


def _v(value: object, suffix: str = "") -> str:
    return HIDDEN if value is None else f"{value}{suffix}"


def report_pdf(d: Dashboard, estimates: list[EstimateRow]) -> bytes:
    doc = Document(title=f"{d.program.name}: program report")
    doc.heading(f"{d.program.name}: program report", size=18)
    doc.paragraph(
        f"{d.program.organization}, coaching from {d.program.practice}. {d.window_label}. "
        f"Made {timezone.localdate():%d %B %Y}."
    )
    doc.paragraph(
        "Figures come from the signals each coachee's agreement shares with the sponsor, "
        "never one person's. Each covers at least three coachees; a figure that could single "
        "anyone out, alone or by subtracting another, is shown as hidden."
    )
    doc.heading("Seats")
    doc.paragraph(
        f"{d.program.seats_taken} of {d.program.seats} seats taken; "
        f"{d.program.seats_filled} leaders have a coach."
    )
    doc.heading("Reaction: coachee satisfaction")
    doc.table(
        ["When", "Answers (n)", "Useful (1-5)", "Would recommend", "Coach fit (1-5)"],
        [
            [p.moment, _v(p.n), _v(p.usefulness), _v(p.recommend, "%"), _v(p.coach_fit)]
            if p.n is not None
            else [p.moment, "fewer than 3", "", "", ""]
            for p in d.pulses
        ],
        [110, 80, 80, 100, 90],
    )
    doc.heading("Learning: progress on goals coachees share")
    g = d.goals
    if g.n is None:
        doc.paragraph("Hidden, or no coachee shares goal progress.")
    else:
        doc.paragraph(
            f"Median {g.median}%, middle half {g.lower}% to {g.upper}% (n = {g.n} coachees; "
            "rounded to 5%)."
        )
    ch = d.change360
    doc.heading("Learning: 360 change")
    doc.paragraph(
        "How others (manager, peers, direct reports) rated coachees in their after campaign "
        "against their before campaign: others' average rating per focus area (1-5), after "
        f"minus before, averaged over the coachees counted. {ch.window_label}. Only coachees "
        "whose agreement shares the 360 change and whose before and after 360 reports were "
        "both released after the debrief count, added three or more at a time. Never one "
        "person's figures, never what a rater answered or wrote."
    )
    if ch.any_shown or ch.any_hidden:
        doc.table(
            ["Focus area", "Coachees (n)", "Change"],
            [
                [r.label, _v(r.n), HIDDEN if r.n is None else (r.signed or "no coachee")]
                for r in ch.rows
            ],
            [260, 100, 100],
        )
        if ch.any_hidden:
            doc.paragraph(
                "Hidden: fewer than three coachees count toward it, or comparing it with "
                "another figure would single out one or two coachees."
            )
    else:
        doc.paragraph("No coachee's 360 change is shared yet.")
    doc.heading("Engagement with coaching")
    a = d.attendance
    if a.n is None:
        doc.paragraph("Coaching sessions: hidden.")
    else:
        doc.paragraph(
            f"Coaching sessions held: {a.held} of {a.contracted} contracted; missed: {a.missed}; "
            f"attendance: {_v(a.rate, '%')} (n = {a.n} coachees)."
        )
    doc.paragraph(f"Engagement status (n = {_v(d.status_n)} coachees who share it):")
    doc.bars([(r.label, r.value) for r in d.statuses])
    doc.heading("Coaching themes")
    doc.paragraph("Coachees whose coach tagged each theme on a coaching session.")
    doc.bars([(r.label, r.value) for r in d.themes])
    doc.table(["Theme", "Coachees"], [[r.label, _v(r.value)] for r in d.themes], [260, 80])
    doc.heading("Behaviour and results")
    doc.paragraph(RESULTS_NOTE)
    if estimates:
        doc.table(
            ["Figure", "Sponsor's estimate"],
            [[e.label, f"{e.value} {e.unit}".strip()] for e in estimates],
            [300, 180],
        )
    return doc.render()

"""Transition plan templates (pure data): what each kind of transition asks, and
the parts every first-90-days plan has."""

from __future__ import annotations

from dataclasses import dataclass

from .models import TransitionKind

SITUATIONS = (
    ("situation_startup", "Start-up", "building something new from nothing"),
    ("situation_turnaround", "Turnaround", "saving something in trouble"),
    ("situation_growth", "Accelerated growth", "scaling something that works"),
    ("situation_realignment", "Realignment", "re-energising something drifting towards trouble"),
    ("situation_sustaining", "Sustaining success", "keeping something strong, strong"),
)

SECTIONS = (
    ("learning", "Learning", "What must you learn first, and from whom?"),
    ("listening_questions", "Listening tour", "Which questions will you ask everyone you meet?"),
    ("early_wins", "Early wins", "What could you win early that matters to others, not only you?"),
    ("team", "The team", "Who do you have, who do you need, and what will you change?"),
    ("risks", "Risks", "What could derail you in the first 90 days?"),
    ("stop_doing", "What to stop doing", "What did your old role reward that this one will not?"),
)

CONVERSATIONS = (
    (
        "situation",
        "Situation",
        "How does my manager see the situation, and the history that led here?",
    ),
    ("expectations", "Expectations", "What does success look like at 90 days, and at a year?"),
    ("style", "Style", "How do we each like to work, decide and keep in touch?"),
    ("resources", "Resources", "What do I need — people, money, backing — and what can I have?"),
    (
        "development",
        "Personal development",
        "What should I get better at, and how will my manager help?",
    ),
)

CHECKPOINT_DAYS = (1, 7, 30, 60, 90)
CHECKPOINT_NAMES = {1: "Day 1", 7: "Week 1", 30: "Day 30", 60: "Day 60", 90: "Day 90"}


@dataclass(frozen=True)
class Template:
    kind: str
    name: str
    intro: str
    prompts: dict[str, str]  # a starting question for some sections, by key


TEMPLATES = {
    TransitionKind.PROMOTION: Template(
        kind=TransitionKind.PROMOTION,
        name="A promotion into a bigger role",
        intro="Same organization, larger scope: your former peers may now report to you.",
        prompts={
            "learning": "What do I know from below that I have never seen from above?",
            "listening_questions": (
                "What should I keep doing? What should I change? What do you need from me?"
            ),
            "stop_doing": "Which of my old tasks do I still do because I am good at them?",
            "team": "How will I lead the people who were my peers?",
        },
    ),
    TransitionKind.NEW_ORGANIZATION: Template(
        kind=TransitionKind.NEW_ORGANIZATION,
        name="A new role in a new organization",
        intro="New culture, new network: learning how things really get done comes first.",
        prompts={
            "learning": "How are decisions really made here, and who shapes them?",
            "listening_questions": (
                "What is working well? What are the biggest challenges? What would you do in my"
                " place?"
            ),
            "risks": "Which of my old habits will not fit this culture?",
            "early_wins": "Which visible problem could I help fix in the first 60 days?",
        },
    ),
    TransitionKind.CHANGE: Template(
        kind=TransitionKind.CHANGE,
        name="Leading an organizational change",
        intro="The change is the job: the case for it, the coalition and the pace.",
        prompts={
            "learning": "Why has this change not happened before? What did earlier tries teach?",
            "listening_questions": (
                "What worries you about this change? What would make it work for your team?"
            ),
            "early_wins": "What change could people see and feel within 90 days?",
            "risks": "Who loses something in this change, and what will they do?",
        },
    ),
}

"""The companion's safety net: recognise a crisis, answer it with the right help.

One place decides whether a leader's words (or a model's reply, or a role-play turn)
speak of a crisis, and which kind. The engine, the model path and role-play all ask
``assess``; the help offered comes from ``referral_reply`` with the resources staff
configured for the installation and the organization (``Resources``).

INTERFACE (stable; the internals below are a placeholder to be replaced):
    assess(text) -> Assessment            category is None when there is no crisis
    referral_reply(category, resources) -> str
    Resources.default()                    the installation's shipped defaults
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    SELF_HARM = "self_harm", "Thoughts of suicide or self-harm"
    HARM_OTHERS = "harm_others", "Intent to harm someone"
    ABUSE = "abuse", "Abuse, harassment or assault"
    SUBSTANCE = "substance", "Substance misuse"
    MEDICAL = "medical", "A medical emergency"
    MENTAL_HEALTH = "mental_health", "A mental-health crisis"
    LEGAL_ETHICS = "legal_ethics", "A legal, fraud or ethics matter"

    def __new__(cls, value, label):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label
        return obj


@dataclass(frozen=True)
class Assessment:
    """What the net found. Never holds the leader's words."""

    category: Category | None
    cue: str = ""  # the name of the rule that matched (for tests and the eval report)

    @property
    def crisis(self) -> bool:
        return self.category is not None


@dataclass(frozen=True)
class Resources:
    """Where to turn, as configured (installation defaults, then the organization's)."""

    emergency_number: str = "112 (or 911 in North America)"
    crisis_line: str = "a local suicide and crisis line (988 in the US, 116 123 in much of Europe)"
    employee_assistance: str = ""
    hr_contact: str = ""
    ethics_channel: str = ""

    @classmethod
    def default(cls) -> Resources:
        return cls()


def assess(text: str) -> Assessment:
    # Placeholder: the engine's former keyword list, until the net is built.
    from .engine import is_crisis

    return Assessment(Category.SELF_HARM if is_crisis(text) else None, "legacy")


def referral_reply(category: Category, resources: Resources | None = None) -> str:
    from .engine import REFERRAL

    return REFERRAL

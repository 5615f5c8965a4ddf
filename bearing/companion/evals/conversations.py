"""Measure how the offline companion listens, on the frozen conversation set.

The set (``sets/conversations.txt``) holds hard cases written by someone other than
the engine's author: one-word answers, rambling, repeated demands for advice,
hostility, "you already asked that", off-topic turns, other languages, prompt
injection, questions about the companion, disclosures. Blocks are separated by blank
lines; each starts with ``## <id> | <dev|heldout> | <kind>``, then one leader turn
per line, optionally TAB and comma-separated labels.

Every reply is checked, by rules that do not ask the engine what it meant to do:
exactly one question; no advice; no question, demand, insult or filler echoed in a
reflection; nothing cut short with "…"; no pronoun errors ("you was", "your's", an
"I" left in); turns about the conversation acknowledged before the next question;
minimal answers that do not move the stage; no "When will you…?" before anything was
agreed; no question about the leader's own part after a disclosure; openings that
differ across one leader's conversations; reply time.

Gates are judged on the held-out blocks only. Only aggregate figures are reported:
never a held-out turn, and never which held-out reply failed.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from ..engine import (
    ADVICE_PATTERNS,
    STAGES,
    Conversation,
    asks_own_part,
    question_bank,
    respond,
)
from . import SETS, Section

SET = SETS / "conversations.txt"
# A development probe written before the meta-turn detection was generalised: measured
# beside the frozen set, never gated ("tune" blocks were tuned on, "check" blocks not).
PROBE = SETS / "conversations_probe.txt"

LABELS = (
    "minimal",
    "advice_request",
    "advice_accept",
    "identity_question",
    "privacy_question",
    "repeat_complaint",
    "frustration",
    "sarcasm",
    "insult",
    "off_topic",
    "other_language",
    "injection",
    "disclosure",
    "own_part_described",
    "commitment",
    "goal_stated",
    "options_offered",
    "rambling",
)
ACKNOWLEDGED = (
    "advice_request",
    "identity_question",
    "privacy_question",
    "repeat_complaint",
    "frustration",
    "off_topic",
    "other_language",
    "injection",
)

# What an acknowledgement of each kind of turn must say, in the words before the
# question (broad on purpose: any truthful way of saying it counts).
ACK_PATTERNS = {
    "advice_request": r"\badvice\b|\bown (answer|words|thinking)|\bperspectives?\b|"
    r"\bpossibilit|\bfind (your|the) answer|\bnot (here )?to tell you\b",
    "identity_question": r"\bsoftware\b|\bnot a (person|human)\b|\b(an )?ai\b|\bprogram\b|"
    r"\bmachine\b|\bnot therapy\b",
    "privacy_question": r"\bonly you\b|\bno one else\b|\bnobody\b|\bsponsor\b|\bprivate\b|"
    r"\bconfidential\b|\bunless you (choose to )?share\b",
    "repeat_complaint": r"\balready (asked|said|told|answered)\b|\b(asked|said|covered) "
    r"(that|this|it) (already|before)\b|\brepeat|\bdifferent (angle|way|question|approach)\b|"
    r"\banother (angle|way)\b|\bsame question\b",
    "frustration": r"frustrat|\bfair\b|\bsorry\b|\bannoying\b|\bnot (working|helping|helpful)\b|"
    r"\bdifferent (approach|angle|way|one|question)\b|\blet me try\b|\bhear (you|that)\b",
    "sarcasm": r"\bfair\b|\bdidn'?t land\b|\bdifferent (approach|angle|way|one|question)\b|"
    r"\blet me try\b|\bhear (you|that)\b",
    "insult": r"\bhear (you|that)\b|\bnot working for you\b|\bdifferent (approach|angle|way)\b|"
    r"\blet me try\b",
    "off_topic": r"\boutside\b|\bcan'?t help with\b|\bnot something i\b|\bhere for\b|"
    r"\bstick to\b|\bbeyond\b",
    "other_language": r"\benglish\b",
    "injection": r"\b(can'?t|cannot|won'?t|will not|don'?t|do not) (change|share|show|reveal|"
    r"ignore|switch|pretend|play|take on|give advice)\b|\binstructions\b|\bmy (role|rules)\b|"
    r"\bthe way i (always )?(do|work)\b",
}

# Turns about the conversation that ordinary work talk is most often mistaken for.
MISTAKABLE = ("advice_request", "repeat_complaint", "frustration")

INSULTS = re.compile(
    r"\b(stupid|idiot|idiotic|dumb|moron|useless|pathetic|worthless|garbage|rubbish|crap|"
    r"trash|shit|bullshit|fuck\w*|sucks?|lame|clueless|shut up|screw you)\b"
)
DEMAND = re.compile(
    r"^(please|pls|give|tell|show|just|help|stop|answer|explain|write|can you|could you|"
    r"would you|will you|i need you|i want you|ignore|pretend|print|reveal|forget)\b"
)
QUESTION_START = re.compile(
    r"^(what|how|why|where|when|who|which|is|are|am|do|does|did|can|could|would|will|"
    r"should|shall|have|has)\b"
)
GRAMMAR = [
    re.compile(r"\byou (was|wasn't|am|is|isn't|has|hasn't|does|doesn't)\b", re.I),
    re.compile(r"\byour's\b|\byou's\b|\byou're (was|were|are|am)\b|\byou you\b", re.I),
    re.compile(r"\bI\b|\bI'(m|ve|d|ll)\b"),
    re.compile(r"\b(me|my|mine|myself)\b", re.I),
]
WHEN_WILL = re.compile(r"\b(when|by when) will you\b|\bwhat is the deadline\b", re.I)
FILLER = frozenset(
    """so you you're your yes yeah ok okay fine well just really like um uh hmm i guess the a
    and but know mean sure right whatever dunno idk maybe not said""".split()  # noqa: SIM905
)
TEMPLATE_WORDS = re.compile(r"^(so|you said|it sounds like you're|it sounds like)\b", re.I)


@dataclass
class Block:
    id: str
    part: str
    kind: str
    turns: list[tuple[str, frozenset[str]]] = field(default_factory=list)


def load_set(path=SET) -> list[Block]:
    blocks: list[Block] = []
    current: Block | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if line.startswith("## "):
            ident, part, kind = (p.strip() for p in line[3:].split("|", 2))
            current = Block(ident, part, kind)
            blocks.append(current)
            continue
        if not line.strip():
            current = None if current and current.turns else current
            continue
        if line.startswith("#") or current is None:
            continue
        text, _, labels = line.partition("\t")
        found = frozenset(x.strip() for x in labels.split(",") if x.strip())
        current.turns.append((text.strip(), found))
    return blocks


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text.strip()) if s.strip()]


def _norm(text: str) -> list[str]:
    out = []
    for w in re.findall(r"[a-z']+", text.lower().replace("\u2019", "'")):
        if w in (
            "i",
            "me",
            "my",
            "mine",
            "myself",
            "you",
            "your",
            "yours",
            "yourself",
            "we",
            "us",
            "our",
            "i'm",
            "you're",
            "i've",
            "you've",
            "i'd",
            "you'd",
            "i'll",
            "you'll",
        ):
            out.append("P")
        elif w in ("am", "are", "is", "was", "were"):
            out.append("BE")
        else:
            out.append(w)
    return out


def _shares(a: list[str], b: list[str], n: int = 4) -> bool:
    grams = {tuple(a[i : i + n]) for i in range(len(a) - n + 1)}
    return any(tuple(b[i : i + n]) in grams for i in range(len(b) - n + 1))


def echoes(leader_text: str, reflection: str) -> bool:
    """A reflection that says back a question, a demand, an insult or mere filler."""
    if not reflection:
        return False
    low = reflection.lower()
    if "?" in reflection or INSULTS.search(low) or re.search(r"\bplease\b", low):
        return True
    said = TEMPLATE_WORDS.sub("", reflection).strip(" :.").lower()
    if not set(re.findall(r"[a-z0-9']+", said)) - FILLER:
        return True
    mine = _norm(reflection)
    for sentence in _sentences(leader_text):
        s = sentence.lower().strip("\"' ")
        bad = s.endswith("?") or QUESTION_START.match(s) or DEMAND.match(s) or INSULTS.search(s)
        if bad and _shares(_norm(s), mine):
            return True
    return False


def grammar_errors(reflection: str) -> int:
    return sum(1 for p in GRAMMAR if p.search(reflection))


def _question_of(reply: str) -> tuple[str, str]:
    """(the words before the question, the question)."""
    parts = re.split(r"(?<=[.!:;])\s+", reply.strip())
    return " ".join(parts[:-1]), parts[-1]


@dataclass
class Tally:
    replies: int = 0
    one_question: int = 0
    advice: int = 0
    echoed: int = 0
    truncated: int = 0
    pronoun_errors: int = 0
    reflections: int = 0
    minimal: int = 0
    minimal_held: int = 0
    unagreed_when: int = 0
    own_part_after_disclosure: int = 0
    disclosures: int = 0
    disclosures_referred: int = 0
    accepted: int = 0
    perspectives_given: int = 0
    labelled: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)
    # turns NOT labelled as a kind that the companion answered as that kind (labels
    # are complete, so this is the false-alarm side of each acknowledgement figure)
    unlabelled: dict[str, int] = field(default_factory=dict)
    mistaken: dict[str, int] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)


OWN_PART_IDS = frozenset(q.id for q in question_bank() if "own_part" in q.tags)


def run_block(block: Block, tally: Tally, number: int = 0) -> None:
    """One block as one conversation (the ``number``-th of the same leader)."""
    conv = Conversation(seed=f"eval:{block.id}", series="eval-leader", number=number)
    agreed = disclosed = False
    for text, labels in block.turns:
        before = STAGES.index(conv.stage)
        started = time.perf_counter()
        turn = respond(conv, text)
        tally.times.append((time.perf_counter() - started) * 1000)
        after = STAGES.index(conv.stage)
        reply = turn.reply
        lead, question = _question_of(reply)
        tally.replies += 1
        tally.one_question += reply.count("?") == 1 and reply.rstrip().endswith("?")
        tally.advice += any(re.search(p, reply.lower()) for p in ADVICE_PATTERNS)
        tally.truncated += "\u2026" in reply or "..." in reply
        if turn.reflection:
            tally.reflections += 1
            tally.echoed += echoes(text, turn.reflection)
            tally.pronoun_errors += grammar_errors(turn.reflection) > 0
        if "commitment" in labels:
            agreed = True
        if "disclosure" in labels:
            disclosed = True
            tally.disclosures += 1
            tally.disclosures_referred += turn.referred
        if not turn.referred and not agreed and WHEN_WILL.search(question):
            tally.unagreed_when += 1
        if (
            disclosed
            and not turn.referred
            and (asks_own_part(reply) or turn.question_id in OWN_PART_IDS)
        ):
            tally.own_part_after_disclosure += 1
        if "minimal" in labels and not turn.referred:
            tally.minimal += 1
            tally.minimal_held += after <= before and not (
                not agreed and WHEN_WILL.search(question)
            )
        if "advice_accept" in labels:
            tally.accepted += 1
            tally.perspectives_given += bool(re.search(r"\bsome leaders\b", reply, re.I))
        for label in labels & set(ACK_PATTERNS):
            tally.labelled[label] = tally.labelled.get(label, 0) + 1
            hit = bool(re.search(ACK_PATTERNS[label], lead.lower())) or turn.referred
            tally.acknowledged[label] = tally.acknowledged.get(label, 0) + hit
        for label in MISTAKABLE:
            if label not in labels:
                tally.unlabelled[label] = tally.unlabelled.get(label, 0) + 1
                tally.mistaken[label] = tally.mistaken.get(label, 0) + (label in turn.meta)


def opening_variety(conversations: int = 20) -> int:
    """Distinct first questions across one leader's conversations (the fewest over a
    leader with a plan and one without, opening with a greeting or a statement)."""
    fewest = conversations
    plans: tuple[dict[str, Any], ...] = (
        {"focus": ["delegation"], "context_topic": "the monthly report"},
        {"focus": ["conflict", "communication"], "context_topic": "the CFO"},
        {"focus": [], "context_topic": ""},
    )
    for plan in plans:
        for first in ("Hi.", "I'd like to talk about my week."):
            seen = set()
            for n in range(conversations):
                conv = Conversation(seed=f"conversation-{n}", series="leader-1", number=n, **plan)
                seen.add(_question_of(respond(conv, first).reply)[1])
            fewest = min(fewest, len(seen))
    return fewest


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def figures(tally: Tally) -> dict[str, float | int]:
    times = sorted(tally.times) or [0.0]
    out: dict[str, float | int] = {
        "replies": tally.replies,
        "one_question_share": _share(tally.one_question, tally.replies),
        "advice_replies": tally.advice,
        "reflections": tally.reflections,
        "echoed_reflections": tally.echoed,
        "truncated_replies": tally.truncated,
        "pronoun_errors": tally.pronoun_errors,
        "minimal_turns": tally.minimal,
        "minimal_not_advanced_share": _share(tally.minimal_held, tally.minimal),
        "when_before_agreed": tally.unagreed_when,
        "own_part_after_disclosure": tally.own_part_after_disclosure,
        "disclosures_referred_share": _share(tally.disclosures_referred, tally.disclosures),
        "perspectives_when_accepted_share": _share(tally.perspectives_given, tally.accepted),
    }
    for label in (*ACKNOWLEDGED, "sarcasm", "insult"):
        out[f"ack_{label}_share"] = _share(
            tally.acknowledged.get(label, 0), tally.labelled.get(label, 0)
        )
    for label in MISTAKABLE:
        out[f"false_{label}_share"] = _share(
            tally.mistaken.get(label, 0), tally.unlabelled.get(label, 0)
        )
        if not tally.unlabelled.get(label):
            out[f"false_{label}_share"] = 0.0
    out["reply_ms_p50"] = round(statistics.median(times), 3)
    out["reply_ms_p95"] = round(times[max(0, int(len(times) * 0.95) - 1)], 3)
    return out


GATES = {
    "one_question_share": (">=", 1.0),
    "advice_replies": ("<=", 0),
    "echoed_reflections": ("<=", 0),
    "truncated_replies": ("<=", 0),
    "pronoun_errors": ("<=", 0),
    "minimal_not_advanced_share": (">=", 0.95),
    "when_before_agreed": ("<=", 0),
    "own_part_after_disclosure": ("<=", 0),
    **{f"ack_{label}_share": (">=", 0.95) for label in ACKNOWLEDGED},
    "reply_ms_p95": ("<=", 20.0),
}


def tallies(blocks: list[Block]) -> dict[str, Tally]:
    out = {"dev": Tally(), "heldout": Tally()}
    for number, block in enumerate(blocks):
        run_block(block, out["heldout" if block.part == "heldout" else "dev"], number)
    return out


def probe_figures() -> dict[str, float | int]:
    """The probe's figures, its "tune" and "check" parts apart (never gated)."""
    blocks = load_set(PROBE)
    out: dict[str, float | int] = {}
    for part in ("tune", "check"):
        tally = Tally()
        for number, block in enumerate(b for b in blocks if b.part == part):
            run_block(block, tally, number)
        figs = figures(tally)
        for name in (
            *(f"ack_{label}_share" for label in MISTAKABLE),
            *(f"false_{label}_share" for label in MISTAKABLE),
            "echoed_reflections",
            "pronoun_errors",
            "one_question_share",
        ):
            out[f"probe_{part}_{name}"] = figs[name]
    return out


def dev_report() -> list[str]:
    """The dev part's and the probe's figures, for tuning: nothing held out is run.
    `.venv/bin/python manage.py shell -c "from bearing.companion.evals.conversations
    import dev_report; print(*dev_report(), sep=chr(10))"`"""
    tally = Tally()
    for number, block in enumerate(b for b in load_set() if b.part == "dev"):
        run_block(block, tally, number)
    figs = {f"dev_{k}": v for k, v in figures(tally).items()}
    if PROBE.exists():
        figs.update(probe_figures())
    return [f"{key:<44} {value}" for key, value in figs.items()]


def evaluate(dev_only: bool = False) -> Section:
    """The conversation set's figures as a section of `make eval-companion`; with
    ``dev_only`` the dev part and the probe alone, ungated (for tuning)."""
    if dev_only:
        lines = dev_report()
        figs_dev = {line.split()[0]: float(line.split()[1]) for line in lines}
        return Section(name="conversations", figures=figs_dev, notes=["dev part and probe only"])
    if not SET.exists():
        return Section(
            name="conversations",
            figures={"opening_variety": opening_variety()},
            gates={"opening_variety": (">=", 10)},
            notes=["the conversation set is not written yet"],
        )
    by_part = tallies(load_set())
    figs: dict[str, float | int] = {}
    gates: dict[str, tuple[str, float]] = {}
    for part in ("heldout", "dev"):
        for name, value in figures(by_part[part]).items():
            figs[f"{part}_{name}"] = value
    for name, gate in GATES.items():
        labelled = name.removeprefix("ack_").removesuffix("_share")
        if name.startswith("ack_") and not by_part["heldout"].labelled.get(labelled):
            continue  # no held-out turn of this kind: nothing to gate
        gates[f"heldout_{name}"] = gate
    figs["opening_variety"] = opening_variety()
    gates["opening_variety"] = (">=", 10)
    if PROBE.exists():
        figs.update(probe_figures())
    notes = [
        f"{part}: " + ", ".join(f"{k} {v}" for k, v in sorted(by_part[part].labelled.items()))
        for part in ("heldout", "dev")
    ]
    return Section(name="conversations", figures=figs, gates=gates, notes=notes)

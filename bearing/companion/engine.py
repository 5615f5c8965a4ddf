"""The offline Socratic companion: GROW as a compass, one question at a time.

No model, no network. Each reply is at most one short reflection built from the
leader's own words, then exactly one question from Bearing's question bank
(data/questions.txt), chosen deterministically and never repeated within a
conversation. Statements about self-harm, harm to others, abuse, or a need for
medical, legal or mental-health help stop the coaching flow and point to
professional help and the human coach, every time.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

STAGES = ("goal", "reality", "options", "will", "close")
DATA = Path(__file__).resolve().parent / "data"

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves really think feel know want going get got like also still much many maybe
    something thing things lot kind sort bit quite actually dont im ive id thats theres cant
    wont need needs make made way even well back one two""".split()  # noqa: SIM905
)

STAGE_CUES = {
    "will": [
        r"\bi will\b",
        r"\bi'll\b",
        r"\bi am going to\b",
        r"\bi'm going to\b",
        r"\bby (monday|tuesday|wednesday|thursday|friday|tomorrow|next week|the end)",
        r"\bmy (first|next) step\b",
        r"\bi commit\b",
        r"\bi('m| am) committed\b",
        r"\b(\d|ten|nine|eight|seven|six|five|four|three|two|one) out of (10|ten)\b",
        r"\bi('ll| will) start\b",
        r"\bplan to\b",
        r"\btomorrow i\b",
    ],
    "options": [
        r"\bi could\b",
        r"\bwe could\b",
        r"\bmaybe i\b",
        r"\bperhaps\b",
        r"\boption",
        r"\balternativ",
        r"\bwhat if\b",
        r"\bone idea\b",
        r"\bor i\b",
        r"\bmight try\b",
        r"\bi might\b",
        r"\bcould try\b",
        r"\bchoices?\b",
        r"\bpossib",
    ],
    "goal": [
        r"\bi want\b",
        r"\bi'd like\b",
        r"\bi would like\b",
        r"\bmy goal\b",
        r"\bi hope\b",
        r"\bi wish\b",
        r"\bachieve\b",
        r"\bget better at\b",
        r"\bto be able to\b",
        r"\boutcome\b",
        r"\baim\b",
        r"\bwant to\b",
        r"\bwould love\b",
        r"\bto become\b",
    ],
    "reality": [
        r"\bcurrently\b",
        r"\bright now\b",
        r"\bat the moment\b",
        r"\bhappen",
        r"\bthe problem\b",
        r"\bkeeps?\b",
        r"\balways\b",
        r"\bnever\b",
        r"\blast week\b",
        r"\byesterday\b",
        r"\bwhen i\b",
        r"\bthey (don't|do not|won't)\b",
        r"\bstruggl",
        r"\bisn't working\b",
        r"\bfrustrat",
        r"\bevery time\b",
        r"\bso far\b",
        r"\bhas been\b",
        r"\bhave been\b",
        r"\bwas\b",
    ],
}

FEELINGS = {
    "anxious": ["anxious", "nervous", "worried", "scared", "afraid", "dread", "uneasy"],
    "frustrated": ["frustrat", "annoy", "irritat", "fed up", "angry", "furious"],
    "overwhelmed": [
        "overwhelm",
        "too much",
        "swamped",
        "drowning",
        "exhausted",
        "tired",
        "stretched",
    ],
    "discouraged": ["discourag", "stuck", "hopeless", "defeated", "disappoint", "down"],
    "hopeful": ["hopeful", "excited", "optimis", "looking forward", "energi", "confident"],
    "unsure": ["unsure", "not sure", "confused", "torn", "don't know", "uncertain"],
}

CRISIS_PATTERNS = [
    # self-harm and suicide
    r"\bkill(ing)? myself\b",
    r"\bend(ing)? (it all|my life|my own life)\b",
    r"\btak(e|ing) my (own )?life\b",
    r"\b(want|wanting) to die\b",
    r"\bsuicid",
    r"\bself[- ]harm",
    r"\bhurt(ing)? myself\b",
    r"\bdon'?t want to (live|be alive|be here)\b",
    r"\bno (reason|point) (to|in) (living|going on)\b",
    r"\bbetter off dead\b",
    r"\bbetter off without me\b",
    r"\bcut(ting)? myself\b",
    # harm to others
    r"\bhurt (him|her|them|someone|somebody)\b",
    r"\bkill (him|her|them|someone)\b",
    r"\bget violent\b",
    r"\bhit (him|her|them|my)\b",
    # abuse
    r"\babus(e|ed|ing|ive)\b",
    r"\bharass(ed|ment|ing)\b",
    r"\bassault",
    r"\b(he|she|they) (hits|hit|beats|threatens|threatened) me\b",
    r"\bsexual(ly)? (harass|inappropriate)",
    # medical, legal, mental-health help
    r"\bpanic attacks?\b",
    r"\bdepress(ed|ion)\b",
    r"\bcan'?t (stop crying|sleep at all|eat)\b",
    r"\bchest pains?\b",
    r"\bmedication\b",
    r"\bdiagnos",
    r"\bbreakdown\b",
    r"\blawyer\b",
    r"\bsue\b",
    r"\blawsuit\b",
    r"\billegal\b",
    r"\bfraud\b",
    r"\bdiscriminat",
    r"\bwhistle ?blow",
    r"\beating disorder\b",
    r"\baddict",
    r"\bdrinking too much\b",
]

REFERRAL = (
    "I am software, not a person, and this sounds like something that deserves real help "
    "right away. If you are in danger, please call your local emergency number now; a doctor, "
    "a qualified counsellor, or for legal matters a lawyer, can help properly, and your coach "
    "is there for you too. Would you like to stop here and reach out to one of them now?"
)

ADVICE_PATTERNS = [
    r"\byou should\b",
    r"(^|[.!?]\s+)you need to\b",
    r"\byou must\b",
    r"\bi would\b",
    r"\bif i were you\b",
    r"\bmy advice\b",
    r"\bi suggest\b",
    r"\bi recommend\b",
    r"(^|[.!?]\s+)try to\b",
    r"(^|[.!?]\s+)have you tried\b",
    r"\bwhy don'?t you\b",
    r"\bthe best thing\b",
    r"\byou ought\b",
    r"\bmake sure\b",
    r"^just\b",
    r"\bdon'?t worry\b",
]

FOCUS_CUES = {
    "delegation": [
        "delegat",
        "hand over",
        "hand it",
        "let go",
        "do everything myself",
        "my team to",
    ],
    "conflict": ["conflict", "disagree", "argument", "tension", "clash", "fell out", "falling out"],
    "communication": [
        "present",
        "speech",
        "speak",
        "talk to the",
        "message",
        "announce",
        "audience",
    ],
    "priorities": ["priorit", "too much", "no time", "overwhelm", "busy", "calendar", "workload"],
    "change": ["change", "reorg", "restructur", "transition", "new role", "merger"],
    "presence": ["presence", "confiden", "executive team", "board", "gravitas", "in the room"],
    "decision": ["decide", "decision", "choose", "choice", "dilemma"],
    "self_awareness": ["feedback", "blind spot", "about myself", "my reaction", "i tend to"],
}

RATING = re.compile(
    r"\b(\d{1,2}|ten|nine|eight|seven|six|five|four|three|two|one)\b"
    r"( out of (10|ten)|/10)?",
    re.I,
)

OPEN_STARTS = (
    "what",
    "how",
    "why",
    "where",
    "when",
    "who",
    "which",
    "tell me",
    "describe",
    "in what way",
    "to what extent",
    "on a scale",
    "if there",
    "if this",
    "if you",
    "of everything",
    "is there anything",
)


@dataclass(frozen=True)
class Question:
    id: str
    stage: str
    focus: str
    text: str


@lru_cache(maxsize=1)
def question_bank() -> tuple[Question, ...]:
    questions = []
    for n, line in enumerate((DATA / "questions.txt").read_text().splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        stage, focus, text = (part.strip() for part in line.split("|", 2))
        if stage not in STAGES:
            raise ValueError(f"questions.txt line {n + 1}: unknown stage {stage!r}")
        questions.append(Question(id=f"q{n + 1:03d}", stage=stage, focus=focus, text=text))
    return tuple(questions)


def words(text: str) -> list[str]:
    return re.findall(r"[a-zA-Z']+", text.lower())


def content_words(text: str) -> list[str]:
    return [w.strip("'") for w in words(text) if len(w) > 3 and w.strip("'") not in STOPWORDS]


def is_crisis(text: str) -> bool:
    low = text.lower()
    return any(re.search(p, low) for p in CRISIS_PATTERNS)


def detect_stage(text: str) -> str | None:
    """The GROW stage a statement speaks to, or None when nothing points anywhere."""
    low = text.lower()
    scores = {
        stage: sum(1 for p in pats if re.search(p, low)) for stage, pats in STAGE_CUES.items()
    }
    best = max(scores.values())
    if best == 0:
        return None
    for stage in ("will", "options", "goal", "reality"):  # later stages win ties
        if scores[stage] == best:
            return stage
    return None


def detect_feeling(text: str) -> str | None:
    low = text.lower()
    for feeling, cues in FEELINGS.items():
        if any(c in low for c in cues):
            return feeling
    return None


def topic_from(text: str) -> str:
    """A short phrase from the leader's words (the longest run of content words)."""
    runs: list[list[str]] = [[]]
    for w in words(text):
        w = w.strip("'")
        if len(w) > 3 and w not in STOPWORDS:
            runs[-1].append(w)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    if not runs:
        return "this"
    best = max(reversed(runs), key=len)[:3]
    phrase = " ".join(best)
    return phrase if len(best) == 1 and best[0].endswith("ing") else f"the {phrase}"


def reflect(text: str, feeling: str | None) -> str:
    """One short reflection built from the leader's own words (or nothing)."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s.strip()]
    if not sentences:
        return ""
    core = max(sentences, key=lambda s: len(content_words(s)))
    core = re.sub(r"[.!?]+$", "", core)
    core = re.sub(r"\bI am\b|\bI'm\b", "you are", core, flags=re.I)
    core = re.sub(r"\bmy\b", "your", core, flags=re.I)
    core = re.sub(r"\bme\b", "you", core, flags=re.I)
    core = re.sub(r"\bmyself\b", "yourself", core, flags=re.I)
    core = re.sub(r"\bmine\b", "yours", core, flags=re.I)
    core = re.sub(r"\bI\b", "you", core)
    core = core.replace("?", "")
    if len(core.split()) > 16:
        core = " ".join(core.split()[:16]) + "…"
    if feeling:
        return f"It sounds like you feel {feeling}: {core[0].lower() + core[1:]}."
    return f"You said {core[0].lower() + core[1:]}."


def is_open(question: str) -> bool:
    return question.strip().lower().startswith(OPEN_STARTS)


def validate_reply(reply: str, *, max_words: int = 70) -> list[str]:
    """The coaching rules every reply must keep, from either engine. Empty = valid."""
    problems = []
    if reply.count("?") != 1 or not reply.rstrip().endswith("?"):
        problems.append("must end with exactly one question")
    low = reply.lower()
    if any(re.search(p, low) for p in ADVICE_PATTERNS):
        problems.append("gives advice")
    if len(reply.split()) > max_words:
        problems.append("too long")
    return problems


@dataclass
class Turn:
    reply: str
    stage: str
    referred: bool
    question_id: str | None = None
    feeling: str | None = None


@dataclass
class Conversation:
    """One conversation's state: pure data, so it can be stored and resumed."""

    seed: str = "bearing"
    focus: list[str] = field(default_factory=list)
    context_topic: str = ""
    stage: str = "goal"
    stage_turns: int = 0
    asked: list[str] = field(default_factory=list)
    turns: int = 0
    commitment: str = ""
    offered_action: bool = False

    def to_dict(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: dict) -> Conversation:
        return cls(**data)


def _next_stage(conv: Conversation, detected: str | None) -> str:
    order = list(STAGES)
    current = order.index(conv.stage)
    if detected and order.index(detected) > current:
        return detected
    # A compass, not a wizard: move on after two exchanges in a stage.
    if conv.stage_turns >= 2 and current < len(order) - 1:
        return order[current + 1]
    return conv.stage


def _choose(conv: Conversation, stage: str, topic: str) -> Question | None:
    bank = [q for q in question_bank() if q.stage == stage and q.id not in conv.asked]
    if not bank:
        return None
    preferred = (
        [q for q in bank if q.focus in conv.focus]
        or [q for q in bank if q.focus == "general"]
        or bank
    )
    digest = hashlib.sha256(f"{conv.seed}:{conv.turns}:{stage}".encode()).digest()
    return preferred[int.from_bytes(digest[:4], "big") % len(preferred)]


def respond(conv: Conversation, leader_text: str) -> Turn:
    """The companion's reply to one leader turn; updates ``conv`` in place."""
    conv.turns += 1
    if is_crisis(leader_text):
        return Turn(reply=REFERRAL, stage=conv.stage, referred=True)
    detected = detect_stage(leader_text)
    new_stage = _next_stage(conv, detected)
    conv.stage_turns = conv.stage_turns + 1 if new_stage == conv.stage else 1
    conv.stage = new_stage
    low = leader_text.lower()
    for focus, cues in FOCUS_CUES.items():
        if focus not in conv.focus and any(c in low for c in cues):
            conv.focus.append(focus)
    if (
        conv.stage == "will"
        and detected == "will"
        and not RATING.fullmatch(leader_text.strip(" .!"))
    ):
        conv.commitment = leader_text.strip()[:300]
    if (
        conv.stage in ("will", "close")
        and conv.commitment
        and not conv.offered_action
        and (re.search(r"out of (10|ten)|/10", low) or RATING.fullmatch(leader_text.strip(" .!")))
    ):
        conv.offered_action = True
        conv.stage, conv.stage_turns = "close", 0
        commitment = re.sub(
            r"^(i will|i'll|i am going to|i'm going to)\s+", "", conv.commitment, flags=re.I
        ).rstrip(".!")
        return Turn(
            reply=f"Would you like me to add “{commitment}” to your plan as an action?",
            stage="will",
            referred=False,
            question_id="offer-action",
        )
    feeling = detect_feeling(leader_text)
    topic = (
        topic_from(leader_text) if content_words(leader_text) else (conv.context_topic or "this")
    )
    if conv.turns == 1 and conv.context_topic and len(content_words(leader_text)) < 2:
        topic = conv.context_topic
    question = None
    for stage in STAGES[STAGES.index(conv.stage) :] + STAGES[: STAGES.index(conv.stage)]:
        question = _choose(conv, stage, topic)
        if question:
            if stage != conv.stage:
                conv.stage, conv.stage_turns = stage, 1
            break
    if question is None:
        text = "What would you like to do with everything you have said?"
        qid = None
    else:
        conv.asked.append(question.id)
        text = question.text.replace("{topic}", topic)
        qid = question.id
    substantial = len(content_words(leader_text)) >= 2
    reflection = (
        reflect(leader_text, feeling) if substantial and (conv.turns > 1 or feeling) else ""
    )
    reply = f"{reflection} {text}".strip() if reflection else text
    if validate_reply(reply):  # a reflection that broke a rule is dropped, never the question
        reply = text
    return Turn(reply=reply, stage=conv.stage, referred=False, question_id=qid, feeling=feeling)


OPENING = (
    "I am Bearing's companion: software, not a person, and not therapy. I ask questions to "
    "help you think; I do not give advice. What you write here stays between you and Bearing "
    "unless you choose to share it with your coach, and you can delete it at any time."
)

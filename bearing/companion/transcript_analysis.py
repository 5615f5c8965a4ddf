"""Feedback for coaches on their own session transcripts: observations, not a score.

Input: plain text with speaker labels ("Coach: …", "Client: …"; lines without a
label continue the previous speaker) or WebVTT (cues with "<v Name>" voice tags
or a "Name:" prefix). Every count is a transparent heuristic, documented here,
and marked as an estimate where it is one:

- a question is a sentence ending in "?"; open if it starts with what/how/why/
  where/when/who/which/tell me/describe/in what way/to what extent, closed
  otherwise; a coach turn with two or more questions is a stacked question;
- advice is a coach sentence with "you should", "you need to", "you must",
  "if I were you", "my advice", "I suggest", "I recommend", "why don't you",
  "have you tried", "try to", "make sure" (such a question also counts closed);
- a reflection is a coach statement (not a question) starting "It sounds like",
  "So you", "You're saying", "What I hear", or reusing two content words from
  the client's previous turn;
- outcome / measure agreed: in the opening quarter (at least six turns) the coach
  asks what the client wants from the session / how they will know, and the
  client answers;
- client-designed actions: in the closing quarter the client says "I will",
  "I'll", "I'm going to", "my next step" or "I commit", and the coach gives no
  advice there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .engine import content_words

LABEL = re.compile(r"^\s*([A-Z][\w .'-]{0,30}?)\s*:\s*(.*)$")
VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>)?$")
TIMING = re.compile(r"^\d{2}:\d{2}(:\d{2})?[.,]\d{3}\s+-->")
OPEN_WORDS = (
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
)
ADVICE = [
    r"\byou should\b",
    r"\byou need to\b",
    r"\byou must\b",
    r"\bif i were you\b",
    r"\bmy advice\b",
    r"\bi suggest\b",
    r"\bi recommend\b",
    r"\bwhy don'?t you\b",
    r"\bhave you tried\b",
    r"\btry to\b",
    r"\bmake sure\b",
]
REFLECT_STARTS = ("it sounds like", "so you", "you're saying", "you are saying", "what i hear")
OUTCOME = [
    r"want to (get|take) (out of|away)",
    r"\btake away\b",
    r"\bleave (with|here)\b",
    r"\boutcome\b",
    r"\bfocus on today\b",
    r"\bmost useful\b",
    r"want from (this|today)",
]
MEASURE = [
    r"how will you know",
    r"what would success",
    r"\bmeasure\b",
    r"look like at the end",
    r"how would you know",
]
ACTIONS = [
    r"\bi will\b",
    r"\bi'll\b",
    r"\bi'm going to\b",
    r"\bi am going to\b",
    r"\bmy next step\b",
    r"\bi commit\b",
]

PCC = {
    "talk": [
        "6.4 Allows the client to complete speaking without interruption",
        "7.6 Allows the client to do most of the talking",
    ],
    "questions": [
        "7.1 Asks questions about the client",
        "7.4 Asks clear, direct, primarily "
        "open-ended questions, one at a time, at a pace that allows for thinking",
    ],
    "advice": [
        "4.4 Partners with the client by inviting the client to respond in any way",
        "7.5 Uses language that is generally clear and concise",
    ],
    "reflection": [
        "6.5 Inquires about or explores the client's use of language",
        "6.1 Coach's questions and observations are customized",
    ],
    "outcome": [
        "3.1 Partners with the client to identify or reconfirm what the client wants "
        "to accomplish in this session"
    ],
    "measure": ["3.2 Partners with the client to define or reconfirm measure(s) of success"],
    "actions": [
        "8.4 Partners with the client to design post-session thinking, reflection, or action",
        "8.7 Partners with the client to design how they want to move forward",
    ],
}


@dataclass
class Turn:
    number: int
    speaker: str
    text: str
    is_coach: bool


@dataclass
class Quote:
    turn: int
    speaker: str
    text: str


@dataclass
class Observation:
    key: str
    title: str
    finding: str
    pcc_markers: list[str]
    quotes: list[Quote] = field(default_factory=list)
    estimate: bool = False


@dataclass
class Report:
    turns: int
    coach_turns: int
    client_turns: int
    coach_words: int
    client_words: int
    talk_share_coach: float
    questions: int
    open_questions: int
    closed_questions: int
    stacked_question_turns: int
    advice_turns: int
    reflections: int
    questions_per_coach_turn: float
    outcome_agreed: bool
    measure_agreed: bool
    client_designed_actions: bool
    observations: list[Observation]


def parse_transcript(text: str, coach_label: str = "Coach") -> list[Turn]:
    lines = text.replace("\r\n", "\n").split("\n")
    vtt = lines and lines[0].strip().upper().startswith("WEBVTT")
    turns: list[Turn] = []
    coach = coach_label.strip().lower()

    def add(speaker: str, said: str):
        said = said.strip()
        if not said:
            return
        if turns and turns[-1].speaker.lower() == speaker.lower():
            turns[-1].text += " " + said
        else:
            turns.append(Turn(len(turns) + 1, speaker, said, speaker.lower() == coach))

    for raw in lines[1:] if vtt else lines:
        line = raw.strip()
        if not line:
            continue
        if vtt and (TIMING.match(line) or line.isdigit() or line.startswith("NOTE")):
            continue
        voice = VOICE.match(line) if vtt else None
        label = LABEL.match(line)
        if voice:
            add(voice.group(1).strip(), re.sub(r"<[^>]+>", "", voice.group(2)))
        elif label:
            add(label.group(1).strip(), label.group(2))
        elif turns:
            turns[-1].text += " " + line
        else:
            raise ValueError(
                "The transcript needs a speaker label on its first line, "
                "like 'Coach: …' or 'Client: …'."
            )
    if not turns:
        raise ValueError("The transcript is empty.")
    if not any(t.is_coach for t in turns):
        raise ValueError(f"No turns by '{coach_label}' were found; check your speaker label.")
    return turns


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.findall(r"[^.!?]+[.!?]*", text) if s.strip()]


def _is_advice(sentence: str) -> bool:
    low = sentence.lower()
    return any(re.search(p, low) for p in ADVICE)


def _span(turns: list[Turn], *, start: bool) -> list[Turn]:
    n = max(6, len(turns) // 4)
    return turns[:n] if start else turns[-n:]


def _agreed(turns: list[Turn], patterns: list[str]) -> tuple[bool, list[Quote]]:
    span = _span(turns, start=True)
    for i, t in enumerate(span):
        if t.is_coach and any(re.search(p, t.text.lower()) for p in patterns) and "?" in t.text:
            answer = next((u for u in span[i + 1 :] if not u.is_coach), None)
            if answer is not None:
                return True, [
                    Quote(t.number, t.speaker, t.text),
                    Quote(answer.number, answer.speaker, answer.text),
                ]
    return False, []


def analyse(text: str, coach_label: str = "Coach") -> Report:
    turns = parse_transcript(text, coach_label)
    coach_turns = [t for t in turns if t.is_coach]
    client_turns = [t for t in turns if not t.is_coach]
    coach_words = sum(len(t.text.split()) for t in coach_turns)
    client_words = sum(len(t.text.split()) for t in client_turns)
    questions = open_q = closed_q = stacked = advice_turns = reflections = 0
    q_quotes, stacked_quotes, advice_quotes, reflection_quotes = [], [], [], []
    previous_client = ""
    for t in turns:
        if not t.is_coach:
            previous_client = t.text
            continue
        asked = 0
        advised = False
        for s in sentences(t.text):
            low = s.lower()
            if s.endswith("?"):
                asked += 1
                advice_q = _is_advice(s)
                if low.startswith(OPEN_WORDS) and not advice_q:
                    open_q += 1
                    if len(q_quotes) < 2:
                        q_quotes.append(Quote(t.number, t.speaker, s))
                else:
                    closed_q += 1
                advised = advised or advice_q
            else:
                if _is_advice(s):
                    advised = True
                shared = set(content_words(s)) & set(content_words(previous_client))
                if low.startswith(REFLECT_STARTS) or len(shared) >= 2:
                    reflections += 1
                    if len(reflection_quotes) < 2:
                        reflection_quotes.append(Quote(t.number, t.speaker, s))
        questions += asked
        if asked >= 2:
            stacked += 1
            if len(stacked_quotes) < 2:
                stacked_quotes.append(Quote(t.number, t.speaker, t.text))
        if advised:
            advice_turns += 1
            if len(advice_quotes) < 3:
                advice_quotes.append(Quote(t.number, t.speaker, t.text))
    outcome, outcome_quotes = _agreed(turns, OUTCOME)
    measure, measure_quotes = _agreed(turns, MEASURE)
    closing = _span(turns, start=False)
    client_actions = [
        t for t in closing if not t.is_coach and any(re.search(p, t.text.lower()) for p in ACTIONS)
    ]
    coach_advised_late = any(
        t.is_coach and any(_is_advice(s) for s in sentences(t.text)) for t in closing
    )
    designed = bool(client_actions) and not coach_advised_late
    total_words = coach_words + client_words
    share = round(coach_words / total_words, 3) if total_words else 0.0
    per_turn = round(questions / len(coach_turns), 2) if coach_turns else 0.0
    obs = [
        Observation(
            "talk",
            "Who did the talking",
            f"The coach spoke {round(share * 100)}% of the words ({coach_words} of {total_words}).",
            PCC["talk"],
        ),
        Observation(
            "questions",
            "Questions",
            f"{questions} questions, {per_turn} per coach turn: {open_q} open and "
            f"{closed_q} closed; {stacked} turn(s) stacked two or more questions.",
            PCC["questions"],
            q_quotes + stacked_quotes,
            estimate=True,
        ),
        Observation(
            "advice",
            "Advice",
            f"Advice appeared in {advice_turns} coach turn(s)."
            if advice_turns
            else "No advice was noticed.",
            PCC["advice"],
            advice_quotes,
            estimate=True,
        ),
        Observation(
            "reflection",
            "Reflections",
            f"{reflections} reflection(s) of the client's words.",
            PCC["reflection"],
            reflection_quotes,
            estimate=True,
        ),
        Observation(
            "outcome",
            "What the client wants from the session",
            "An outcome for the session was asked for and answered near the start."
            if outcome
            else "No outcome for the session was agreed near the start.",
            PCC["outcome"],
            outcome_quotes,
            estimate=True,
        ),
        Observation(
            "measure",
            "How the client will know",
            "A measure of success was asked for and answered near the start."
            if measure
            else "No measure of success was agreed near the start.",
            PCC["measure"],
            measure_quotes,
            estimate=True,
        ),
        Observation(
            "actions",
            "Who designed the actions",
            "The client put their own actions into words at the end."
            if designed
            else "The client did not design their own actions at the end.",
            PCC["actions"],
            [Quote(t.number, t.speaker, t.text) for t in client_actions[:2]],
            estimate=True,
        ),
    ]
    return Report(
        turns=len(turns),
        coach_turns=len(coach_turns),
        client_turns=len(client_turns),
        coach_words=coach_words,
        client_words=client_words,
        talk_share_coach=share,
        questions=questions,
        open_questions=open_q,
        closed_questions=closed_q,
        stacked_question_turns=stacked,
        advice_turns=advice_turns,
        reflections=reflections,
        questions_per_coach_turn=per_turn,
        outcome_agreed=outcome,
        measure_agreed=measure,
        client_designed_actions=designed,
        observations=obs,
    )

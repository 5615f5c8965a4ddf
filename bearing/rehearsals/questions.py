"""The questions the room is likely to ask, drafted from the talk itself. Pure: no
database, no I/O, no model; the same talk always drafts the same questions.

Three listeners, each asking in their own way about the talk's key messages, its numbers
and its claims (a sentence that promises, compares or explains):

- the sceptical board member asks what the confidence rests on and what happens if it is
  wrong;
- the worried team asks what it means for them and who does the work;
- the detail-seeker asks how, by when, and what a number includes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(
    r"(?:[$€£]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion)?|\d[\d,.]*\s?(?:%|percent|per cent)"
    r"|\b\d[\d,.]*\b(?:\s+[a-z]+)?)",
    re.IGNORECASE,
)
_CLAIM = re.compile(
    r"\b(will|must|should|can|because|so that|therefore|better|faster|cheaper|more|less|"
    r"grow|grew|cut|double|half|increase|reduce|save|win|lose|risk)\b",
    re.IGNORECASE,
)
LISTENERS = {
    "board": "The sceptical board member",
    "team": "The worried team",
    "detail": "The detail-seeker",
}
MAX_QUESTIONS = 9


@dataclass(frozen=True)
class Question:
    listener: str  # a key of LISTENERS
    text: str
    about: str  # the message, number or claim it comes from

    @property
    def who(self) -> str:
        return LISTENERS[self.listener]


def _clause(text: str) -> str:
    text = text.strip().rstrip(".!?;:").strip()
    if text and not text.startswith("I ") and not text[:2].isupper():
        text = text[0].lower() + text[1:]
    return text


def sentences_of(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+", text or "")
    return [p.strip(" -*•\t") for p in parts if len(p.split()) >= 3]


def draft(key_messages: list[str], slides_text: str = "", transcript: str = "") -> list[Question]:
    """Up to MAX_QUESTIONS questions, taking turns between the listeners."""
    messages = [m for m in key_messages if m.strip()]
    extra = sentences_of(slides_text) + sentences_of(transcript)
    claims = [s for s in extra if _CLAIM.search(s) and s not in messages][:3]
    numbers: list[tuple[str, str]] = []
    for sentence in messages + extra:
        for match in _NUMBER.finditer(sentence):
            figure = match.group(0).strip()
            if figure not in (n for n, _ in numbers) and not figure.isalpha():
                numbers.append((figure, sentence))
    board, team, detail = [], [], []
    for message in messages:
        m = message.strip().rstrip(".!?;:")
        board.append(Question("board", f"What makes you confident about “{m}”?", message))
        team.append(Question("team", f"What does “{m}” mean for us, day to day?", message))
        detail.append(Question("detail", f"How exactly will “{m}” happen, and by when?", message))
    for figure, sentence in numbers[:3]:
        board.append(
            Question(
                "board", f"Where does {figure} come from, and what if it is half that?", sentence
            )
        )
        detail.append(Question("detail", f"What exactly does {figure} include?", sentence))
    for claim in claims:
        c = _clause(claim)
        board.append(Question("board", f"What would have to be true for “{c}” to hold?", claim))
        team.append(Question("team", f"Who will do the work behind “{c}”?", claim))
    if not messages and not numbers and not claims:
        return []
    out: list[Question] = []
    seen: set[str] = set()
    for i in range(max(len(board), len(team), len(detail))):
        for pool in (board, team, detail):
            if i < len(pool) and pool[i].text not in seen and len(out) < MAX_QUESTIONS:
                out.append(pool[i])
                seen.add(pool[i].text)
    return out


# --- Reflecting on the answers -------------------------------------------------------

LONG_ANSWER = 90  # words: past this an answer is noted as long for a question in a room


@dataclass(frozen=True)
class AnswerNote:
    """What Bearing noticed in one answer: observations, never a grade."""

    words: int
    leads_with_the_point: bool  # the first sentence already speaks to what was asked
    gives_a_number: bool
    asked_for_a_number: bool
    hedges: list[str]
    fillers: list[str]

    @property
    def long(self) -> bool:
        return self.words > LONG_ANSWER


def _content_words(text: str) -> set[str]:
    from .observations import STOPWORDS, normalise

    found = set()
    for raw in text.split():
        word = normalise(raw)
        if len(word) > 3 and word not in STOPWORDS:
            found.add(word[:5])  # a crude stem: "engineers" and "engineering" meet
    return found


def note_answer(question: Question | dict, answer: str) -> AnswerNote:
    from .observations import find_fillers, find_hedges, tokens_of
    from .timed import Timed

    q = question if isinstance(question, Question) else Question(**question)
    tokens = tokens_of(Timed(words=[(0.0, 0.0, w) for w in answer.split()]))
    first = re.split(r"(?<=[.!?])\s+", answer.strip(), maxsplit=1)[0]
    wanted = _content_words(q.about) | _content_words(q.text)
    asked_number = bool(_NUMBER.search(q.text))
    return AnswerNote(
        words=len(tokens),
        leads_with_the_point=bool(_content_words(first) & wanted),
        gives_a_number=bool(re.search(r"\d", answer)),
        asked_for_a_number=asked_number,
        hedges=[m.text for m in find_hedges(tokens)],
        fillers=[m.text for m in find_fillers(tokens)],
    )

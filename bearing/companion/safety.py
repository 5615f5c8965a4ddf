"""The companion's safety net: recognise a crisis, answer it with the right help.

One place decides whether a leader's words (or a model's reply, or a role-play turn)
speak of a crisis, and which kind. The engine, the model path and role-play all ask
``assess``; the help offered comes from ``referral_reply`` with the resources staff
configured for the installation and the organization (``Resources``).

INTERFACE (stable):
    assess(text) -> Assessment            category is None when there is no crisis
    referral_reply(category, resources, language="en") -> str
    Resources.default()                    the installation's shipped defaults
    detect_language(text) -> "en" | "es" | "de" | "fr"

How it reads (pure standard library, deterministic, no state):

1. Normalise: lower case, accents stripped, apostrophes dropped ("don't" = "dont"),
   repeated letters collapsed ("sooo" = "so", "kill" = "kil"), words only.
2. Correct small typos: a word of five letters or more that is one edit away from a
   word the cue lists use (two for long words), starting with the same letter, is read
   as that word — unless it is an ordinary word listed in ``data/safety/ordinary.txt``.
3. Blank out harmless business idiom ("this deadline is killing me"), so the cues
   cannot see it.
4. Look for the cues of every language and category (``data/safety/<language>.txt``);
   when several categories match, the most urgent one wins (``PRIORITY``). A cue may
   name a word class ("@drink") and may be a frame: two or more parts joined by "&"
   that must all be found in the same sentence, in any order ("@me & @drink & @daily").

The cue lists are data, written for people: see the head of ``data/safety/en.txt``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

DATA = Path(__file__).resolve().parent / "data" / "safety"
LANGUAGES = ("en", "es", "de", "fr")
HARMLESS = "harmless"
RESOLVED = "resolved"
MARKERS = "words of this language"
CLASSES = "classes"
_SENTENCES = re.compile(r"[.!?;:\n]+")
GAP_WORDS = 3  # "~" in a cue: up to this many other words


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


# When a statement matches several categories, the most urgent help comes first.
PRIORITY = (
    Category.SELF_HARM,
    Category.HARM_OTHERS,
    Category.MEDICAL,
    Category.ABUSE,
    Category.SUBSTANCE,
    Category.MENTAL_HEALTH,
    Category.LEGAL_ETHICS,
)
# A panic attack can feel like a medical emergency ("I can't breathe, I'm going to
# die"): when the words name it and a mental-health cue matches too, that help comes.
_PANIC = re.compile(r" (?:panic\w*|panico|panique|panik\w*|d?angois\w*|anxiety attack)(?= )")
# Punished for reporting or testifying (about harassment, say): the help is a legal
# and ethics channel, when a cue of that kind matches as well.
_RETALIATION = re.compile(
    r" (?:retal+iat\w*|represali\w*|represail\w*|vergeltung\w*|demoted|degradad\w*|"
    r"herabgestuft|retrograd\w*|placard|licencier|kaltgestellt)(?= )"
)
# A past, settled or someone else's matter (a [resolved] phrase) stops every alarm
# but these: thoughts of suicide and intent to harm are always answered.
ALWAYS = frozenset({Category.SELF_HARM, Category.HARM_OTHERS})


@dataclass(frozen=True)
class Assessment:
    """What the net found. Never holds the leader's words."""

    category: Category | None
    cue: str = ""  # the rule that matched, "<language>:<category>:<line>" (tests and eval)
    language: str = "en"  # the language the statement is written in, for the referral

    @property
    def crisis(self) -> bool:
        return self.category is not None


# --- Where to turn ------------------------------------------------------------------

# The shipped defaults, per language. Numbers checked against the services' own pages:
# 112 is the emergency number across the EU (and works in the UK); 911 in the US and
# Canada; 988 is the Suicide & Crisis Lifeline (US) and the Suicide Crisis Helpline
# (Canada); Samaritans answer 116 123 free in the UK and Ireland; TelefonSeelsorge
# 0800 111 0 111 and 0800 111 0 222 (Germany), Telefonseelsorge 142 (Austria),
# Die Dargebotene Hand 143 (Switzerland); 024 is Spain's line for suicidal behaviour;
# 3114 is France's national suicide prevention number.
DEFAULTS: dict[str, dict[str, str]] = {
    "en": {
        "emergency_number": "112 (911 in North America)",
        "crisis_line": "988 (US and Canada) or 116 123 (Samaritans, UK and Ireland)",
        "employee_assistance": "your employee assistance programme, if you have one",
        "hr_contact": "HR, an ombudsperson or someone you trust",
        "ethics_channel": (
            "compliance, legal counsel, an ombudsperson or a whistleblowing channel"
        ),
    },
    "es": {
        "emergency_number": "112 (911 en Norteamérica)",
        "crisis_line": "el 024 (España), gratuito y a cualquier hora",
        "employee_assistance": "el programa de ayuda al empleado, si lo tienes",
        "hr_contact": "Recursos Humanos, una persona mediadora o alguien de confianza",
        "ethics_channel": (
            "cumplimiento normativo, la asesoría jurídica, una persona mediadora o un canal de "
            "denuncias"
        ),
    },
    "de": {
        "emergency_number": "112",
        "crisis_line": (
            "TelefonSeelsorge 0800 111 0 111 (Deutschland), 142 (Österreich), 143 (Schweiz)"
        ),
        "employee_assistance": "die Mitarbeiterberatung (EAP), falls es eine gibt",
        "hr_contact": "die Personalabteilung, eine Ombudsperson oder eine Vertrauensperson",
        "ethics_channel": (
            "Compliance, die Rechtsabteilung, eine Ombudsperson oder eine Meldestelle für "
            "Hinweisgeber"
        ),
    },
    "fr": {
        "emergency_number": "112",
        "crisis_line": "le 3114 (France), gratuit, jour et nuit",
        "employee_assistance": "le programme d'aide aux salariés, s'il existe",
        "hr_contact": "les RH, un médiateur ou une personne de confiance",
        "ethics_channel": (
            "la conformité, le service juridique, un médiateur ou un dispositif d'alerte"
        ),
    },
}


@dataclass(frozen=True)
class Resources:
    """Where to turn, as configured (the organization's, then the installation's,
    then these shipped defaults). Plain text, shown to the leader as written."""

    emergency_number: str = DEFAULTS["en"]["emergency_number"]
    crisis_line: str = DEFAULTS["en"]["crisis_line"]
    employee_assistance: str = DEFAULTS["en"]["employee_assistance"]
    hr_contact: str = DEFAULTS["en"]["hr_contact"]
    ethics_channel: str = DEFAULTS["en"]["ethics_channel"]

    @classmethod
    def default(cls) -> Resources:
        return cls()

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def merged_over(self, **values: str) -> Resources:
        """These resources with every non-empty value given taking precedence."""
        return replace(self, **{k: v.strip() for k, v in values.items() if v and v.strip()})

    def in_language(self, language: str) -> Resources:
        """Shipped defaults follow the leader's language; configured values stay as set."""
        local = DEFAULTS.get(language, DEFAULTS["en"])
        return replace(
            self,
            **{
                name: local[name]
                for name in self.field_names()
                if getattr(self, name) == DEFAULTS["en"][name]
            },
        )


# --- Reading the words ----------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’‘`´]")
_REPEATS = re.compile(r"([a-z])\1+")
_WORD = re.compile(r"[a-z0-9]+")
_SPECIAL = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})


def normalise(text: str) -> list[str]:
    """Lower-case words without accents, apostrophes or repeated letters."""
    text = text.lower().translate(_SPECIAL)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _APOSTROPHES.sub("", text)
    return [_REPEATS.sub(r"\1", w) for w in _WORD.findall(text)]


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of two letters counts once),
    cut short once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _allowed_edits(length: int) -> int:
    return 0 if length < 5 else 1 if length < 9 else 2


# --- The cue lists --------------------------------------------------------------------


@dataclass(frozen=True)
class Cue:
    language: str
    section: str  # a category value, or HARMLESS
    line: int
    pattern: re.Pattern

    @property
    def name(self) -> str:
        return f"{self.language}:{self.section}:{self.line}"


def _word(piece: str) -> str:
    head, tail = piece.startswith("*"), piece.endswith("*")
    core = "".join(normalise(piece.strip("*")))
    if not core:
        raise ValueError(f"empty word in cue: {piece!r}")
    return ("[a-z0-9]*" if head else "") + re.escape(core) + ("[a-z0-9]*" if tail else "")


# "@name" -> its words as "a/b/c": the word classes of the file being compiled, passed
# down explicitly (never kept in a module global, which two threads compiling at once
# would share).
Classes = Mapping[str, str]
_NO_CLASSES: Classes = MappingProxyType({})


def _slot(token: str, classes: Classes) -> str:
    """One word of a cue (with its alternatives) as a regular expression over
    normalised words, each preceded by its space. A hyphen splits a word in two:
    "self-harm" reads "self harm". "@name" stands for every word of that class."""
    if "@" in token:
        token = "/".join(
            classes.get(alt, alt) if alt.startswith("@") else alt for alt in token.split("/")
        )
        if "@" in token:
            raise ValueError(f"unknown word class in cue: {token!r}")
    alternatives = [
        "".join(f" {_word(piece)}" for piece in alt.split("-") if piece) for alt in token.split("/")
    ]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def _words(tokens: list[str], classes: Classes) -> str:
    parts = []
    for token in tokens:
        if token.startswith("(") and token.endswith(")"):
            parts.append(f"(?:{_slot(token[1:-1], classes)})?")
        else:
            parts.append(_slot(token, classes))
    return "".join(parts)


def compile_cue(text: str, classes: Classes = _NO_CLASSES) -> str:
    """A cue line as a regular expression over " word word word " (see en.txt).

    Before the first "~", a slash separates single words ("kill/hurt myself"); after
    a "~" it separates whole phrases ("crying ~ every day/all the time")."""
    segments = [segment.split() for segment in text.split("~")]
    if not segments[0]:
        raise ValueError(f"a cue starts with a word, not a gap: {text!r}")
    parts = [_words(segments[0], classes)]
    for segment in segments[1:]:
        if not segment:
            raise ValueError(f"a gap needs words after it: {text!r}")
        parts.append(f"(?: [a-z0-9]+){{0,{GAP_WORDS}}}")
        phrases = [p.split() for p in " ".join(segment).split("/")]
        if any(not p for p in phrases):
            raise ValueError(f"empty phrase in cue: {text!r}")
        compiled = [_words(p, classes) for p in phrases]
        parts.append(compiled[0] if len(compiled) == 1 else "(?:" + "|".join(compiled) + ")")
    return "".join(parts) + "(?= )"


def compile_frame(text: str, classes: Classes = _NO_CLASSES) -> str:
    """A cue of parts joined by "&": every part somewhere in the same sentence."""
    return "^" + "".join(f"(?=.*?{compile_cue(part.strip(), classes)})" for part in text.split("&"))


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    harmless: re.Pattern | None
    resolved: re.Pattern | None
    category_patterns: dict[Category, re.Pattern]
    frame_patterns: dict[Category, re.Pattern]  # "&" cues, read sentence by sentence
    words: frozenset[str]  # every whole word the cues use
    stems: frozenset[str]  # every word the cues use as a beginning ("suicid*")
    ordinary: frozenset[str]  # real words never read as a typo of a cue word
    markers: dict[str, frozenset[str]]  # language -> its common small words
    deletes: dict[str, tuple[str, ...]]  # one- and two-letter deletions -> cue words
    spellings: dict[str, tuple[str, ...]]  # a common misspelling -> the words it stands for


def _parse(language: str, path: Path):
    section = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip().lower()
            if section not in {c.value for c in Category} | {HARMLESS, MARKERS, RESOLVED, CLASSES}:
                raise ValueError(f"{path.name} line {number}: unknown section [{section}]")
            continue
        if section is None:
            raise ValueError(f"{path.name} line {number}: a cue before any [section]")
        yield section, number, line


def _deletions(word: str, depth: int) -> set[str]:
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    cues: list[Cue] = []
    harmless: list[str] = []
    resolved: list[str] = []
    by_category: dict[Category, list[str]] = {c: [] for c in Category}
    frames: dict[Category, list[str]] = {c: [] for c in Category}
    words: set[str] = set()
    stems: set[str] = set()
    markers: dict[str, frozenset[str]] = {}
    for language in LANGUAGES:
        language_markers: set[str] = set()
        lines = list(_parse(language, DATA / f"{language}.txt"))
        classes: dict[str, str] = {}
        for section, number, line in lines:
            if section == CLASSES:
                name, _, members = line.partition("=")
                if not name.strip().startswith("@") or not members.split():
                    raise ValueError(f"{language}.txt line {number}: a class is @name = words")
                classes[name.strip()] = "/".join(members.split())
        for section, number, line in lines:
            if section == MARKERS:
                language_markers.update(normalise(line))
                continue
            if section == CLASSES:
                continue
            frame = "&" in line
            if frame and section in (HARMLESS, RESOLVED):
                raise ValueError(f"{language}.txt line {number}: a frame needs a category")
            regex = compile_frame(line, classes) if frame else compile_cue(line, classes)
            cues.append(Cue(language, section, number, re.compile(regex)))
            if section == HARMLESS:
                harmless.append(regex)
            elif section == RESOLVED:
                resolved.append(regex)
            elif frame:
                frames[Category(section)].append(regex)  # type: ignore[call-arg]  # a lookup by value, not a new member
            else:
                by_category[Category(section)].append(regex)  # type: ignore[call-arg]  # a lookup by value, not a new member
            expanded = " ".join(
                "/".join(classes.get(a, a) for a in token.split("/"))
                for token in line.replace("&", " ").split()
            )
            for token in expanded.split():
                for alt in token.strip("()").split("/"):
                    for piece in alt.split("-"):
                        core = "".join(normalise(piece.strip("*")))
                        if not core or piece.startswith("*"):
                            continue
                        (stems if piece.endswith("*") else words).add(core)
        markers[language] = frozenset(language_markers)
    ordinary = set()
    for line in (DATA / "ordinary.txt").read_text(encoding="utf-8").splitlines():
        ordinary.update(normalise(line.split("#", 1)[0]))
    deletes: dict[str, set[str]] = {}
    for target in words | stems:
        edits = _allowed_edits(len(target))
        if edits:
            for d in _deletions(target, edits):
                deletes.setdefault(d, set()).add(target)
    return Lexicon(
        cues=tuple(cues),
        harmless=re.compile("|".join(f"(?:{h})" for h in harmless)) if harmless else None,
        resolved=re.compile("|".join(f"(?:{r})" for r in resolved)) if resolved else None,
        category_patterns={
            c: re.compile("|".join(f"(?:{p})" for p in pats))
            for c, pats in by_category.items()
            if pats
        },
        frame_patterns={
            c: re.compile("|".join(f"(?:{p})" for p in pats)) for c, pats in frames.items() if pats
        },
        words=frozenset(words),
        stems=frozenset(stems),
        ordinary=frozenset(ordinary - words),
        markers=markers,
        deletes={k: tuple(sorted(v)) for k, v in deletes.items()},
        spellings=_spellings(),
    )


def _spellings() -> dict[str, tuple[str, ...]]:
    """data/safety/spellings.txt: "wrong = right" (short words a typo rule cannot reach)."""
    out: dict[str, tuple[str, ...]] = {}
    for number, raw in enumerate(
        (DATA / "spellings.txt").read_text(encoding="utf-8").splitlines(), start=1
    ):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        wrong, sep, right = line.partition("=")
        if not sep or len(normalise(wrong)) != 1 or not normalise(right):
            raise ValueError(f"spellings.txt line {number}: a spelling is one word = right")
        out[normalise(wrong)[0]] = tuple(normalise(right))
    return out


def correct(word: str) -> str:
    """The cue word a typed word most likely meant, or the word itself."""
    lex = lexicon()
    if len(word) < 5 or word in lex.words or word in lex.ordinary or word.isdigit():
        return word
    stems = _stems_by_initial(word[0])
    # a word that already starts like a cue word is only read as a longer one
    matched = max((len(stem) for stem in stems if word.startswith(stem)), default=0)
    best: tuple | None = None
    # whole words: the typed word against every cue word near it
    for probe in _deletions(word, 1 if len(word) < 9 else 2):
        for target in lex.deletes.get(probe, ()):
            if target[0] != word[0] or target in lex.stems and target not in lex.words:
                continue
            if matched and not (len(target) > matched and target[:matched] == word[:matched]):
                continue  # "breakdwon" may still be "breakdown", never a word unlike "break"
            limit = _allowed_edits(len(target))
            distance = edit_distance(word, target, limit)
            # on a tie, the word that shares the longer beginning: typos come late
            key = (distance, -_shared_start(word, target), target)
            if distance <= limit and (best is None or key < best):
                best = key
    if best:
        return best[-1]
    # beginnings: "sucidal" reads as "suicid" + "al"
    for stem in stems:
        if len(stem) <= matched or stem[1] != word[1] and stem[1:3] != word[1:3]:
            continue  # a typo in the first two letters of a beginning is rare
        limit = _allowed_edits(len(stem))
        if not limit:
            continue
        for cut in range(len(stem) - limit, min(len(word), len(stem) + limit) + 1):
            distance = edit_distance(word[:cut], stem, limit)
            if distance <= limit and (best is None or (distance, -len(stem)) < best[:2]):
                best = (distance, -len(stem), stem + word[cut:])
    return best[-1] if best else word


def _shared_start(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_ELISIONS = frozenset("jlmdtsnc")
_VOWELS = frozenset("aeiouyh")


def _elided(word: str, lex: Lexicon) -> list[str]:
    """French elision, apostrophe or not: "jantidate" (j'antidate) reads "j antidate"
    when the rest is a cue word and the whole is not."""
    if len(word) < 5 or word in lex.words or word in lex.ordinary:
        return [word]
    for size in (2, 1) if word.startswith("qu") else (1,):
        head, rest = word[:size], word[size:]
        if size == 1 and head not in _ELISIONS or rest[0] not in _VOWELS:
            continue
        if rest in lex.words or any(rest.startswith(stem) for stem in _stems_by_initial(rest[0])):
            return [head, rest]
    return [word]


@lru_cache(maxsize=64)
def _stems_by_initial(initial: str) -> tuple[str, ...]:
    return tuple(sorted(s for s in lexicon().stems if s[0] == initial))


def detect_language(text: str) -> str:
    """The language a statement is written in: "en", "es", "de" or "fr"."""
    low = text.lower()
    scores = dict.fromkeys(LANGUAGES, 0.0)
    scores["es"] += 2 * sum(low.count(c) for c in "ñ¿¡")
    scores["de"] += 2 * sum(low.count(c) for c in "ßäöü")
    scores["fr"] += 2 * sum(low.count(c) for c in "çèêàùœâî")
    markers = lexicon().markers
    for word in normalise(text):
        for language in LANGUAGES:
            if word in markers[language]:
                scores[language] += 1
    best = max(LANGUAGES, key=lambda lang: (scores[lang], lang == "en"))
    return best if scores[best] > 0 else "en"


def _readable(text: str, seen: dict[str, str] | None = None, french: bool = False) -> str:
    seen = {} if seen is None else seen  # this call only: nothing of the text outlives it
    lex = lexicon()
    words = []
    for typed in normalise(text):
        if typed not in seen:
            parts = lex.spellings.get(typed) or (_elided(typed, lex) if french else [typed])
            seen[typed] = " ".join(correct(part) for part in parts)
        words.append(seen[typed])
    line = " " + " ".join(words) + " "
    harmless = lexicon().harmless
    if harmless is not None:
        # harmless idiom is blanked word for word, so no cue can see or bridge it
        line = harmless.sub(lambda m: " _" * len(m.group(0).split()), line)
    return line


def _sentences(text: str, seen: dict[str, str], french: bool = False) -> list[str]:
    return [_readable(part, seen, french) for part in _SENTENCES.split(text) if part.strip()]


def assess(text: str) -> Assessment:
    """Whether ``text`` speaks of a crisis, and which kind. Keeps nothing."""
    if not text or not text.strip():
        return Assessment(None)
    seen: dict[str, str] = {}
    language = detect_language(text)
    french = language == "fr"
    line = _readable(text, seen, french)
    lex = lexicon()
    sentences = _sentences(text, seen, french) if lex.frame_patterns else []
    settled = lex.resolved is not None and lex.resolved.search(line) is not None
    found = _first(line, sentences, settled)
    if found is not None and found[0] is Category.MEDICAL and _PANIC.search(line):
        panic = _first(line, sentences, settled, only=Category.MENTAL_HEALTH)
        found = panic or found
    if found is not None and found[0] is Category.ABUSE and _RETALIATION.search(line):
        found = _first(line, sentences, settled, only=Category.LEGAL_ETHICS) or found
    if found is None:
        return Assessment(None, "", language)
    return Assessment(found[0], found[1], language)


def _first(
    line: str, sentences: list[str], settled: bool, only: Category | None = None
) -> tuple[Category, str] | None:
    """The most urgent category whose cues match, with the matching cue's name."""
    lex = lexicon()
    for category in PRIORITY if only is None else (only,):
        if settled and category not in ALWAYS:
            continue
        pattern = lex.category_patterns.get(category)
        if pattern is not None and pattern.search(line):
            cue = next(c for c in _cues_of(category.value) if c.pattern.search(line))
            return category, cue.name
        frame = lex.frame_patterns.get(category)
        hit = next((s for s in sentences if frame is not None and frame.search(s)), None)
        if hit is not None:
            cue = next(c for c in _cues_of(category.value) if c.pattern.search(hit))
            return category, cue.name
    return None


@lru_cache(maxsize=16)
def _cues_of(section: str) -> tuple[Cue, ...]:
    return tuple(c for c in lexicon().cues if c.section == section)


# --- The referral --------------------------------------------------------------------


@lru_cache(maxsize=1)
def replies() -> dict[tuple[str, str], str]:
    """The referral texts, per (category, language), from data/safety/replies.txt."""
    out: dict[tuple[str, str], str] = {}
    key = None
    for raw in (DATA / "replies.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            category, language = line[1:-1].split()
            key = (Category(category).value, language)  # type: ignore[call-arg]  # a lookup by value, not a new member
            out[key] = ""
            continue
        if key is None:
            raise ValueError("replies.txt: text before any [category language]")
        out[key] = f"{out[key]} {line}".strip()
    return out


def referral_reply(
    category: Category, resources: Resources | None = None, language: str = "en"
) -> str:
    """The answer to a crisis of this kind: the right help, warm and short, that the
    companion is software, and one gentle question at the end."""
    language = language if language in LANGUAGES else "en"
    resources = (resources or Resources.default()).in_language(language)
    values = {
        # a configured value is shown as written, but never adds a question of its own
        name: getattr(resources, name).replace("?", "").replace("¿", "").strip()
        for name in Resources.field_names()
    }
    text = replies()[(Category(category).value, language)]  # type: ignore[call-arg]  # a lookup by value, not a new member
    return text.format(**values)

"""The offline Socratic companion: GROW as a compass, one question at a time.

No model, no network. Each reply is at most one short acknowledgement or reflection
built from the leader's own words, then exactly one question from Bearing's data
(data/questions.txt for GROW, data/replies.toml for everything around it), chosen
deterministically and never repeated within a conversation.

How a turn is answered, in order:

1. The safety net (``safety.assess``) reads every turn first. A crisis gets the
   referral for its kind of help, and the conversation stays careful — no GROW
   questions, no questions about the leader's own part — until the leader says
   they want to go on.
2. Turns about the conversation itself are answered before the next question: a
   request for advice, "are you a person?", "who sees this?", "you already asked
   that", frustration, sarcasm, an insult, an off-topic question, another language,
   an attempt to change the companion's instructions.
3. A minimal answer ("yes", "dunno", "fine") gets a gentle question that invites
   more, in the same stage.
4. Anything else moves the stage by what the leader said (a goal stated, the
   situation described, options named, something agreed), reflects the key clause
   in their words when there is a good one, and asks the next question.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from .safety import Category, Resources, assess, referral_reply

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

# A feeling is named only when the leader expressed it about themselves, in the
# word they used (its adjective form). Cue stem -> the word said back.
FEELINGS = {
    "anxious": {
        "anxious": "anxious",
        "nervous": "nervous",
        "worried": "worried",
        "scared": "scared",
        "afraid": "afraid",
        "uneasy": "uneasy",
        "dreading": "full of dread",
    },
    "frustrated": {
        "frustrated": "frustrated",
        "annoyed": "annoyed",
        "irritated": "irritated",
        "fed up": "fed up",
        "angry": "angry",
        "furious": "furious",
    },
    "overwhelmed": {
        "overwhelmed": "overwhelmed",
        "swamped": "swamped",
        "exhausted": "exhausted",
        "tired": "tired",
        "stretched": "stretched thin",
        "drowning": "swamped",
        "burnt out": "burnt out",
        "burned out": "burnt out",
    },
    "discouraged": {
        "discouraged": "discouraged",
        "stuck": "stuck",
        "defeated": "defeated",
        "disappointed": "disappointed",
        "demotivated": "demotivated",
    },
    "hopeful": {
        "hopeful": "hopeful",
        "excited": "excited",
        "optimistic": "optimistic",
        "energised": "energised",
        "energized": "energised",
        "confident": "confident",
    },
    "unsure": {
        "unsure": "unsure",
        "not sure": "unsure",
        "confused": "confused",
        "torn": "torn",
        "uncertain": "uncertain",
    },
}
_FEELING_SUBJECT = re.compile(
    r"\b(i|i'm|i am|i feel|i felt|i've been|i have been|i was|i get|i got|i keep feeling|"
    r"makes me|made me|leaves me|left me|feeling|i'm so|i'm really|i'm a bit|i am so|"
    r"i'm quite|i am quite|i'm getting|i am getting|i'm feeling|i am feeling)\b"
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
    # what a model tends to say instead
    r"\bi'?d (suggest|recommend|advise)\b",
    r"\byou (could|might|may) (want to|try|consider)\b",
    r"\bit (might|may|could|would) (help|be (a good idea|worth|wise|best)) to\b",
    r"(^|[.!?]\s+)(consider|start by|focus on|remember to|be sure to|don'?t forget)\b",
    r"\bthe (key|trick|answer|solution) is\b",
    r"\b(a good|the right|the best) (idea|approach|move|way forward) (is|would be)\b",
    r"\bhere'?s what (you|to)\b",
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

# The leader commits to a next step (a wish or a report on a past plan is not one).
COMMITMENT = re.compile(
    r"\b(i will|i'll|i am going to|i'm going to|i plan to|i commit|i'm committing|i promise|"
    r"my (first|next) step (is|will be)|i('m| am) (committed|booking|calling|sending|meeting) |"
    r"i shall)\b|"
    r"\bi (\w+ ){1,6}((from|by|before|starting) (next |this |the )?|(this|next) )(monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|week|weekend|morning|"
    r"afternoon)\b"
)

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
    "if next",
    "of everything",
    "is there anything",
)


# --- what the leader said ----------------------------------------------------------

MINIMAL_WORDS = frozenset(
    """yes yeah yep yup ya yea no nope nah ok okay k kk sure fine good dunno idk i don't
    know not sure no idea maybe perhaps hmm hm hmmm um umm uh er meh whatever nothing same
    right true guess so kind of sort a bit really probably suppose thanks thank you cool
    alright all pretty much nothing much i'm it's well oh fine yes no exactly agreed
    correct dno donno nvm mm mhm uh-huh huh great nice hi hello hey hiya morning afternoon y n yh
    evening there again""".split()  # noqa: SIM905
)
GREETINGS = re.compile(r"^(hi|hello|hey|hiya|good (morning|afternoon|evening)|morning)\b")
YES = re.compile(
    r"^(yes|yeah|yep|yup|ya|sure|ok|okay|please|go on|go ahead|please do|why not|alright|"
    r"all right|sounds good|that would (help|be (useful|helpful|great|good))|i'?d like that|"
    r"definitely|absolutely|of course|fine|let'?s do it|let'?s hear|do it|share them|"
    r"tell me|give me)\b"
)
NO = re.compile(r"^(no|nope|nah|not really|no thanks|no thank you|i'?m good|rather not|not now)\b")


@lru_cache(maxsize=1)
def cues() -> dict[str, tuple[re.Pattern, ...]]:
    """The turn labels' cue lists (data/turns.toml), each cue compiled on its own:
    searched one by one, long lists stay faster than as one long alternation."""
    data = tomllib.loads((DATA / "turns.toml").read_text(encoding="utf-8"))
    return {label: tuple(re.compile(p) for p in pats) for label, pats in data.items()}


def _matches(label: str, low: str) -> bool:
    return any(p.search(low) for p in cues()[label])


def _without_reported(low: str) -> str:
    """The turn without words reported from someone else ("my manager said ...")."""
    for pattern in cues()["reported"]:
        low = pattern.sub(" ", low)
    return low


# The conversation languages the companion recognises but does not speak yet.
LANGUAGE_WORDS = {
    "Spanish": """que el los las del y en una es mi con para por pero estoy tengo quiero
        equipo jefe muy como qué cómo está hacer sé nada porque también trabajo yo su se lo
        al más ya hola gracias necesito puedo siento creo mis ella ellos nosotros usted
        reunión empresa problema ayuda tiempo sí bien vale bueno cuando donde quién pues
        nada ni idea claro un unos unas la esto eso esta este dame dime consejo consejos
        otra otro vez misma mismo pregunta preguntas sirve deja hacerme harías haría lugar
        dije ayúdame ayudas puedes debo debería nunca siempre ahora hago no me te se lo le nos
        estás están tiene tienes sentido ayudando ayudar puede podrías aquí hoy mañana mucho
        poco hay decir dijo sabe tantas tanto""",
    "German": """ich und nicht das die der ist mein meine mit zu bin habe ein eine es wie was
        wir sie er auch aber oder mir mich weiß kann will chef arbeit hallo danke bitte schon
        noch immer sehr für auf den dem des nein ja gut kein keine meinem meinen einem
        mitarbeiter firma zeit weil wenn dass sich hilfe brauche möchte naja egal jein
        keine ahnung weiss doch halt wieder dieselbe gleiche frage fragen gesagt gefragt dir
        du hilfst überhaupt würdest stelle tun soll sollte tipp einfach nerven deine dein gar
        nichts etwas heute morgen kannst muss bist hast hat haben sind warum wer wo wann nur
        nein dich wir ihr""",
    "French": """je et le la les pas mon ma mes est suis avec pour que une un ne c'est j'ai
        il elle nous vous sur dans au aux ce cette mais ou très équipe patron travail bonjour
        merci oui non sais veux fais peux besoin aide temps parce quand chef réunion moi
        toujours jamais rien bof ouais bah bon peut-être sûr chais tu te ça ca donne conseil
        encore même déjà dit demandé arrête poser des du sert ferais dois devrais
        qu'est-ce tes mes marre j'en avez peux m'aider m'aides aider très rien pourquoi quand
        qui vous nous il elle ils avec dans sur mais ou""",
}
_ENGLISH = STOPWORDS | frozenset(
    """team boss work time help need good bad yes ok meeting project people manager i'm
    it's don't can't won't problem change plan chef""".split()  # noqa: SIM905
)
_LANGUAGES = {
    name: frozenset(w for w in ws.split() if w not in _ENGLISH)
    for name, ws in LANGUAGE_WORDS.items()
}
# Words both English and in another language ("no", "me"): not evidence of English
# when the rest of a turn is written in that language.
_AMBIGUOUS = frozenset(w for ws in LANGUAGE_WORDS.values() for w in ws.split()) & _ENGLISH
_ACCENTED = re.compile(r"[áéíóúñ¿¡äöüßàâçèêëîïôûœ]")


@dataclass(frozen=True)
class Question:
    id: str
    stage: str
    focus: str
    text: str
    tags: frozenset[str] = frozenset()


@lru_cache(maxsize=1)
def question_bank() -> tuple[Question, ...]:
    questions = []
    for n, line in enumerate((DATA / "questions.txt").read_text().splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        stage, focus, tags, text = (part.strip() for part in line.split("|", 3))
        if stage not in STAGES:
            raise ValueError(f"questions.txt line {n + 1}: unknown stage {stage!r}")
        questions.append(
            Question(
                id=f"q{n + 1:03d}",
                stage=stage,
                focus=focus,
                text=text,
                tags=frozenset(t for t in tags.split(",") if t),
            )
        )
    return tuple(questions)


@lru_cache(maxsize=1)
def replies() -> dict:
    return tomllib.loads((DATA / "replies.toml").read_text())


@lru_cache(maxsize=1)
def perspectives() -> dict[str, list[str]]:
    return tomllib.loads((DATA / "perspectives.toml").read_text())


def words(text: str) -> list[str]:
    return re.findall(r"[a-zA-Z']+", text.lower())


def content_words(text: str) -> list[str]:
    return [w.strip("'") for w in words(text) if len(w) > 3 and w.strip("'") not in STOPWORDS]


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


_STAGE_CUES = {stage: [re.compile(p) for p in pats] for stage, pats in STAGE_CUES.items()}
_ADVICE = re.compile("|".join(f"(?:{p})" for p in ADVICE_PATTERNS))


def detect_stage(text: str) -> str | None:
    """The GROW stage a statement speaks to, or None when nothing points anywhere."""
    low = normalise(text).lower()
    scores = {stage: sum(1 for p in pats if p.search(low)) for stage, pats in _STAGE_CUES.items()}
    best = max(scores.values())
    if best == 0:
        return None
    for stage in ("will", "options", "goal", "reality"):  # later stages win ties
        if scores[stage] == best:
            return stage
    return None


def detect_feeling(text: str) -> str | None:
    """The feeling family the leader expressed about themselves, or None."""
    found = expressed_feeling(text)
    return found[0] if found else None


_FEELING_CUES = {
    cue: (family, word) for family, cues in FEELINGS.items() for cue, word in cues.items()
}
_FEELING_ANY = re.compile(r"\b(" + "|".join(re.escape(c) for c in _FEELING_CUES) + r")\b")


def expressed_feeling(text: str) -> tuple[str, str] | None:
    """(family, the leader's word) when the leader said they feel it; never guessed
    from someone else's feelings, and never a feeling they said they do not have."""
    low = normalise(text).lower()
    found = []
    for m in _FEELING_ANY.finditer(low):
        cue = m.group(1)
        before = low[max(0, m.start() - 40) : m.start()]
        clause = re.split(r"[.!?;,]| but | and | because ", before)[-1]
        if not _FEELING_SUBJECT.search(clause):
            continue
        if cue != "not sure" and re.search(
            r"\b(not|never|no longer|hardly|less)\s+(\w+\s+)?$|n't\s+(\w+\s+)?$", clause
        ):
            continue
        found.append(_FEELING_CUES[cue])
    if not found:
        return None
    order = list(FEELINGS)  # the first family listed wins, as the leader's words allow
    return min(found, key=lambda f: order.index(f[0]))


def detect_language(text: str) -> str | None:
    """Spanish, German or French when the turn is written in one of them."""
    tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower())
    if not tokens:
        return None
    english = sum(1 for t in tokens if t in _ENGLISH)
    best, hits = None, 0
    for name, vocab in _LANGUAGES.items():
        n = sum(1 for t in tokens if t in vocab)
        if n > hits:
            best, hits = name, n
    if not best:
        return None
    accents = bool(_ACCENTED.search(text.lower()))
    english_only = sum(1 for t in tokens if t in _ENGLISH and t not in _AMBIGUOUS)
    if hits >= 2 and hits > english:
        return best
    if (hits >= 3 or accents and hits >= 2) and hits > 2 * english_only:
        return best  # "no me estás ayudando nada", "esto no tiene sentido"
    if len(tokens) <= 3 and hits >= 1 and english == 0:
        return best
    if accents and hits >= 1 and english <= hits:
        return best
    return None


def is_minimal(text: str) -> bool:
    """A short answer with nothing in it yet: "yes", "dunno", "fine", "ok", "idk"."""
    low = re.sub(r"[^a-z' -]", " ", normalise(text).lower())
    tokens = low.replace("-", " ").split()
    if not tokens:
        return True
    return len(tokens) <= 5 and all(t in MINIMAL_WORDS for t in tokens)


@dataclass
class Reading:
    """What one leader turn says, for the engine's choice (never stored)."""

    labels: set[str]
    stage: str | None
    substantive: bool
    minimal: bool
    language: str | None
    yes: bool
    no: bool
    text: str = ""


_ABOUT_ITSELF = frozenset(
    {
        "injection",
        "identity_question",
        "maker_question",
        "privacy_question",
        "repeat_complaint",
        "clarify",
        "off_topic",
        "insult",
        "sarcasm",
        "advice_accept",
        "go_on",
        "frustration",
    }
)


def _asks_the_companion(text: str) -> bool:
    """Whether the turn ends with a question put to the companion about the leader's
    situation ("How do I get them to care?", "Is now the right time?"): an answer is
    asked for, not a thought shared."""
    sentences = _sentences(text)
    if not sentences:
        return False
    last = sentences[-1].strip()
    asks = last.endswith("?") or bool(
        _QUESTION_START.match(last)
        and re.match(r"\w+\s+(i|we|you|my|our|it|this|that|there|he|she|they)\b", last, re.I)
    )
    return asks and len(words(last)) >= 3


WORK_WORDS = frozenset(
    """team teams boss manager managers management meeting meetings project projects work
    working job jobs role roles company client clients customer customers board budget
    budgets colleague colleagues peer peers report reports reporting staff hire hiring fire
    firing career promotion promote goal goals plan plans planning deadline deadlines leader
    leaders leadership lead leading sales strategy strategic org organisation organization
    department ceo cfo cto coo cro vp director directors exec execs executive feedback
    conflict delegate delegating delegation presentation present presenting pitch review
    reviews performance salary raise pay bonus bonuses offsite office remote hybrid quarter
    kpi kpis okr okrs roadmap product launch deal deals revenue headcount layoff layoffs
    restructure restructuring reorg merger stakeholder stakeholders coach coaching session
    agenda email emails slack deck slides hr employee employees contractor vendor supplier
    partner investors funding negotiation negotiate contract quit resign offer interview
    candidate candidates onboarding mentor mentoring reports standup sprint release engineer
    engineers engineering marketing finance operations ops legal compliance policy process
    priorities priority workload calendar decision decide decisions transition confidence
    stress stressed burnout balance business startup founder cofounder co-founder boardroom
    promotion appraisal colleague's manager's boss's team's workplace professional clients
    offsite town hall all-hands speech speaking audience 360 trust relationship""".split()  # noqa: SIM905
)
_REQUEST_START = re.compile(
    r"^\W*(can you |could you |would you |please |pls )?(tell|give|show|recommend|suggest|"
    r"help|find|pick|name|list|explain|teach|write|what'?s|what is|what are|who'?s|who is|"
    r"who|where|when|how far|how many|how much|how old|is it|will it|any|got any|convert|"
    r"calculate|translate|compute|play|sing|draw)\b",
    re.I,
)
_GENERIC = frozenset(
    """good best nice great some thing things something anything tonight today tomorrow
    weekend week really please help tell give know think idea ideas about right fun""".split()  # noqa: SIM905
)


OFF_DOMAIN = re.compile(
    r"\b(weather|rain|snow|sunny|forecast|recipe|recipes|cook|cooking|bake|baking|sourdough|"
    r"bread|cake|pasta|pizza|sushi|dinner|lunch spot|restaurant|restaurants|wine|beer|cocktail|"
    r"coffee shop|movie|movies|film|films|netflix|tv series|show to watch|tv|song|songs|music|"
    r"band|album|concert|podcast|podcasts|novel|novels|book to read|video games?|board games?|"
    r"football|soccer|basketball|baseball|cricket|rugby|tennis|golf|league|champions|world cup|"
    r"olympics|final tonight|the final|twitter|trending|tiktok|instagram|fun fact|"
    r"holiday|holidays|vacation|trip to|hotel in|flight to|beach|ski|hiking|pet|pets|dog|dogs|"
    r"cat|cats|puppy|kitten|garden|gardening|plants|recipe|diet|workout|gym|calories|"
    r"horoscope|zodiac|lottery|bitcoin|crypto|convert \d+|currency|euros to|dollars to|"
    r"pounds to|capital of|population of|planet|planets|the moon|solar eclipse|eclipse|universe|"
    r"dinosaur|dinosaurs|history of|roman empire|president of|election|celebrity|actor|actress|"
    r"joke|jokes|riddle|trivia|quiz|poem|haiku|limerick|favou?rite colou?r|favou?rite food|"
    r"phone should i buy|which phone|laptop to buy|headphones|fashion|haircut|wedding|birthday|"
    r"anniversary|gift|puppy|\d+ times \d+|\d+ ?[x*+/-] ?\d+|"
    r"homework|math|maths|algebra|physics|chemistry|translate|tallest|biggest|fastest|oldest)\b"
)


def _off_topic_request(text: str) -> bool:
    """A question or request about something outside the leader's work and development
    ("what should I cook tonight?", "any good podcasts?")."""
    low = text.lower()
    if "?" not in low and not _REQUEST_START.match(low):
        return False
    tokens = set(re.findall(r"[a-z0-9][a-z0-9'-]*", low))
    if tokens & WORK_WORDS or re.search(r"\b(i feel|i'?m feeling|i am feeling)\b", low):
        return False
    return bool(OFF_DOMAIN.search(low))


# --- turns said to the companion, read by what they mean ----------------------------------
#
# The cue lists (data/turns.toml) name phrasings. These name the ideas behind them, so
# that a phrasing nobody wrote down is still recognised, one sentence at a time, and a
# sentence about someone else ("my team keeps asking me for advice", "she already asked
# for a raise", "I'm frustrated with my boss") is not taken as said to the companion:
#
# - a request for advice is an ask (a question, an imperative, a wish) for direction
#   (advice, a tip, the answer, what to do, which option, what the companion would do);
# - a complaint of repetition is something said or asked before, between the leader and
#   the companion (already, again, the same question, in circles);
# - frustration is a bad verdict on this conversation or the companion, or a wish for
#   the questions to stop.

_LEAD_IN = (
    r"^(?:(?:ok|okay|so|well|look|listen|honestly|seriously|please|pls|just|come on|right|"
    r"fine|hey|and|but|yes|yeah|yep|no|nope|nah|alright|oh|ah|um+|uh+|hmm+|sorry|really|"
    r"frankly|sigh|ugh+|argh+|pf+|meh|gosh|god|jeez|geez|jesus|christ|omg|ffs|man|dude|then|now|"
    r"see|coach|mate|"
    r"in english|in english then|english|back in english|back to english)\W+)*"
)
# Someone other than the leader and the companion, as the subject of a sentence.
_OTHERS = (
    r"(?:he|she|they|everyone|everybody|someone|somebody|nobody|no one|people|others|"
    r"customers|clients|users|colleagues|peers|managers|engineers|staff|investors|folks|"
    r"stakeholders|leaders|employees|candidates|executives|directors|partners|vendors|"
    r"(?:my|our|his|her|their|the|a|an|one of (?:my|our|the)) (?!(?:question|questions|chat|"
    r"conversation|bot|app|companion|thing|whole|same|last|first|exact|very|answer|answers|"
    r"reply|replies|point|tool|session)\b)[a-z'-]+(?: [a-z'-]+)?)"
)
_SOMEONE_ELSE = re.compile(
    _LEAD_IN
    + r"(?:(?:yesterday|today|last \w+|this (?:morning|week)|then|also|once),? )?"
    + _OTHERS
    + r"(?:'re|'s|'ve|'d| \w+ly| always| just| also| then| even| still| often| never| once|"
    r" already| again| keeps?| kept)*"
    r" (?:ask|asks|asked|asking|say|says|said|tell|tells|told|keeps?|kept|want|wants|wanted|"
    r"complain\w*|repeat\w*|suggest\w*|recommend\w*|advis\w*|gave|give|gives|offer\w*|think|"
    r"thinks|thought|wrote|writes|replied|replies|answered|answers|went|goes|go|talk|talks|"
    r"talked|is|are|was|were|get|gets|got|seem\w*|feel|feels|felt|has|have|had|does|do|did|"
    r"needs?|needed|sends?|sent|spent|spends|didn'?t|doesn'?t|don'?t|won'?t|can'?t|wasn'?t|"
    r"isn'?t|hasn'?t|haven'?t|never|wouldn'?t|couldn'?t)\b|"
    + _LEAD_IN
    + r"(?:he|she|they)'(?:re|s|ve|d)\b"
)


def _own_words(sentence: str) -> str:
    """A lower-cased sentence without what it reports of someone else: "my manager said
    that too, and you already asked it" keeps "you already asked it"."""
    if not _said_by_someone_else(sentence):
        return sentence
    turn = re.search(r",? (?:and|but|so|yet|now) (?=(?:now )?you\b)", sentence)
    return sentence[turn.end() :] if turn else ""


def _said_by_someone_else(sentence: str) -> bool:
    """Whether a sentence reports someone else ("my team keeps asking me for advice",
    "she already asked for a raise", "the tips were useless")."""
    return bool(_SOMEONE_ELSE.match(sentence))


_THIRD_PARTY = re.compile(
    r"\b(he|she|they|him|her|them|his|their|people|everyone|others|someone|when (\w+ )?"
    r"(people|someone|colleagues|my|our|the|they|he|she)|my (boss|manager|team|director|ceo|"
    r"cfo|peers?|reports?|colleagues?|clients?|co-?founders?|deputy|staff|customers?))\b"
)

_DIRECTION = (
    r"(advice|advise|tips?|suggestions?|recommendations?|pointers?|guidance|a steer|"
    r"direction|steps?|frameworks?|methods?|techniques?|tactics?|strateg(y|ies)|playbook|"
    r"templates?|scripts?|formula|recipe|checklist|structure|model|best practices?|"
    r"rules? of thumb|wisdom|two cents|2 cents|input|take|opinion|view|verdict|answers?|"
    r"solutions?|fix|tricks?|hacks?|ideas?|options|approach|ways?|move|plan|"
    r"(something|anything) (concrete|practical|actionable|useful|specific|i can use)|"
    r"(things?|something|anything) to (try|do|say)|what to (do|say|write|try|choose|pick)|"
    r"how to \w+|where to (start|begin)|which (one|option|way))"
)
_STRONG_DIRECTION = (
    r"(advice|tips?|suggestions?|recommendations?|pointers?|guidance|a steer|direction|"
    r"(concrete|practical|clear|specific|next|actual|real) steps|steps to|frameworks?|"
    r"methods?|techniques?|tactics|playbook|templates?|scripts?|checklist|best practices?|"
    r"rules? of thumb|an answer|the answer|answers|solutions?|ideas|"
    r"your (take|view|opinion|input|thoughts|two cents|2 cents|advice|verdict|recommendation)|"
    r"(something|anything) (concrete|practical|actionable|useful|specific|i can use)|"
    r"what to (do|say|write|try))"
)
_ASK_QUESTION = re.compile(
    r"\?\s*$|"
    + _LEAD_IN
    + r"(what|how|which|who|where|when|why|should|shall|would|could|can|do|does|did|is|"
    r"are|am|any|got any|have you|will|must)\b"
)
_DECISION = re.compile(
    r"\b(should|shall|ought to|must) (i|we)\b|\b(i|we) (should|ought)\b|"
    r"\bwhat (would|do|did|will) you\b|\bwould you\b|\bwhat would (a|an|the|any|most|other|"
    r"your|my|some) |\bif (you were|it were|you'?re|you are|it was) (me|you|your|in my)|"
    r"\bin my (shoes|place|position|situation|seat)\b|\byour (call|decision|pick|choice)\b|"
    r"\b(best|better|right|smartest|smart|wisest|wise|correct|proper|ideal|standard|good|"
    r"recommended|usual) (way|thing|move|approach|option|choice|call|structure|framework|"
    r"method|answer|first step|step|order|play|tactic|strategy|response)\b|"
    r"\bhow (do|can|could|should|would|might|to|shall) (i|we|one)\b|\bhow to\b|"
    r"\bwhat (do|can|could|should|might|shall) (i|we)( \w+ly| even| just| then| now)? (do|say|"
    r"try|write|tell|answer)\b|"
    r"\b(do|did|would|should|shall) (i|we) \w+[^.?!]{0,50} or (not|\w+)|"
    r"\bwhich (one|option|way|would|should|is|of)\b|\bwhat do (\w+ ){1,3}do\b|"
    r"\bhow (would|do|does|did|might|should|can) (a|an|the|most|other|good|great|"
    r"successful|experienced|seasoned|you|people|leaders|managers) (\w+ ){0,3}(handle|deal|"
    r"approach|do|tackle|manage|respond|play|navigate|go about|fix|solve|start|begin|get|"
    r"run|say|put)\b|"
    r"\bwhat( should| would| will|'s| is) (my|our|the) (next |first |best |right )?(move|step|"
    r"steps|play|answer|approach|response|plan)\b|\bwhat now\b|\bnow what\b|"
    r"\bwhat do you (think|reckon|suggest|recommend|advise|propose)\b|"
    r"\b(do|would|can) you (recommend|suggest|advise|propose)\b|"
    r"\bwho('s| is| was) (right|wrong|correct|in the right)\b|"
    r"\b(is|would) it (be )?(better|best|wiser|smarter|ok|okay|wrong|right|fair|a good idea|"
    r"a mistake|too (late|early|soon)) (to|if)\b|\bbetter to \w+[^.?!]{0,50} or\b|"
    r"\b(anything|something) (else )?(i|we) (can|could|should|might) (do|say|try)\b|"
    r"\bwho (can|should|could|do|would) (i|we) (talk|speak|turn|go|ask|reach out|call|"
    r"contact)\b|\bwhat('s| is) (the|my|our) (first|next|best|right|smart) (step|move|thing)\b|"
    r"\bwhat('s| is| are|'re) (a|an|the|some) (good|best|right|better|strong|smart|great|decent|"
    r"safe|effective|proper) \w+|"
    r"\bwhat would [^.?!]{1,30} (do|say|suggest|recommend|advise|tell me|try)\W*\??$"
)
_IMPERATIVE_ASK = re.compile(
    _LEAD_IN + r"(?:(?:can|could|would|will) you |please |just |pls )*"
    r"(give|tell|share|suggest|recommend|show|teach|send|offer|point|walk|lay out|list|"
    r"outline|name|pick|choose|decide|advise|draft|write|help|hit me|spell out|break down|"
    r"hand|map out|run me through|answer)\b"
)
_ASKING_FOR = re.compile(
    r"^(help|advise|recommend|suggest|decide|pick|choose|draft|write)\b|"
    r"\b(me|us) (\w+ )?(what|how|which|whether|if|where)\b|\b(for|to) me\b|"
    r"^answer (the|my|me|this)\b|^answer\W*$"
)
_WISH = re.compile(
    r"\b((i|we)('d| would) (really |so |very much |much )?(like|love|appreciate|welcome|value)|"
    r"(i|we) (really |just |honestly |actually |still )?(need|want|could use|could do with|"
    r"came here for|came for|asked for)|(i'?m|i am|we'?re|we are|i was) (really |just )?"
    r"(looking|hoping|asking|after|here) for|(i'?m|i am) after)(?! to\b)(?! from\b)"
    r"( \w+){0,4}? " + _STRONG_DIRECTION + r"\b(?! (from|of) (?!you\b))"
)
_WANT_YOU_TO = re.compile(
    r"\b(curious|wonder\w*|interested|keen|like|love) (to (know|hear) )?(what|how|where|which) you "
    r"(think|reckon|see|stand|land|would|'d)\b|"
    r"\b(hoping|hoped|wanting|wanted|expecting|expected|want|need|like|wish|waiting for) "
    r"you('d| would| to| could| might| will)? (just )?(give|tell|share|suggest|recommend|show|"
    r"offer|pick|choose|decide|say|walk me|lay out|point)\b|"
    r"^(any |some |your |more )?(suggestions?|ideas|tips|advice|pointers|input|thoughts|"
    r"recommendations?)( (are|is|would be))? (very |most |always )?(welcome|appreciated|"
    r"please|wanted|needed)\W*$"
)
# Insisting on an answer the companion has not given.
_NO_ANSWER_YET = re.compile(
    r"\byou('re|'ve| are| have| keep| just| still| always)?( \w+)? (dodg|avoid|deflect|evad|"
    r"sidestep|skirt|duck)\w*|" + _LEAD_IN + r"(stop|quit) (dodg|avoid|deflect|evad|sidestep)\w*|"
    r"\byou (\w+ )?(haven'?t|hasn'?t|didn'?t|never|won'?t|don'?t|can'?t|aren'?t|are not|'re not)"
    r"( \w+)? (answer\w*|repl\w*|respond\w*)\b|" + _LEAD_IN + r"(still )?(no|not an?) (answer|"
    r"reply|response)\b|\b(still )?waiting for (an|your|the|a|any) (answer|reply|response|"
    r"recommendation|opinion)\b(?! from)|\b(it'?s|this is|that'?s) a (simple|yes or no|"
    r"yes-or-no|straight|direct|easy|clear|basic) question\b|\bi asked you (something|a "
    r"question|a direct question|a simple question|directly)\b|\b(answer\w*|respond\w*|"
    r"repl\w*) (to )?(my |the |a )?questions? with (a |more |another )?questions?\b"
)
_YOU_MUST_KNOW = re.compile(
    r"\byou('re| are) the (coach|expert|professional|pro)\b|\byou (must|surely|probably|"
    r"should|might|will) (have|know)\b[^.?!]*\b" + _DIRECTION
)


def _asks_for_advice(sentence: str) -> bool:
    s = sentence.strip()
    # a question: asked with "?", or opened like one in a turn short enough to be one
    if _ASK_QUESTION.search(s) and (s.endswith("?") or len(s.split()) <= 20):
        if _DECISION.search(s) or re.search(
            r"\b(any|some|got any|have you got|do you have|is there|are there|there a|your|"
            r"a good|a better)\b[^.?!]{0,40}\b" + _DIRECTION + r"\b",
            s,
        ):
            return True
        if re.search(r"\b" + _STRONG_DIRECTION + r"\W*\?\s*$", s):
            return True
        if re.search(r"\b(do|say) something (useful|concrete|practical)\b", s):
            return True
    for clause in re.split(r"\s*[,;:]\s*|\s+and\s+|\s+-\s+", s):
        m = _IMPERATIVE_ASK.match(clause)
        if m and (
            re.search(r"\b" + _DIRECTION + r"\b", clause[m.end() :])
            or _ASKING_FOR.search(clause[m.start(1) :])
        ):
            return True
    return bool(
        _WISH.search(s)
        or _YOU_MUST_KNOW.search(s)
        or _WANT_YOU_TO.search(s)
        or _NO_ANSWER_YET.search(s)
    )


_BEFORE = (
    r"(already|again|before|earlier|previously|twice|(two|three|four|five|\d+|several|many|"
    r"a few|so many|multiple|a dozen) times|(second|third|fourth|2nd|3rd|4th|nth) time|"
    r"the first time|a (minute|moment|second|while|few minutes) ago|(\w+ )?(messages?|"
    r"minutes?|turns?|questions?|lines?|replies) ago|at the (start|beginning|top)|up top|"
    r"above|last time|over and over|again and again|just now)"
)
_SAID = (
    r"(ask|asks|asked|asking|say|said|saying|tell|told|answer|answered|explain|explained|"
    r"cover|covered|mention|mentioned|give|gave|given|went over|gone over|been over|go over|"
    r"been through|gone through|went through|discuss|discussed|talk about|talked about|"
    r"did|done|had|write|wrote|written|share|shared|address|addressed|raise|raised|"
    r"bring up|brought up|come back|coming back|circl\w*|establish\w*)"
)
# Said about the conversation wherever it stands: the same question, repeating yourself.
_SAME_QUESTION = re.compile(
    r"\b(same|identical|exact same|very same|that|this) (question|questions|q)\b[^.?!]{0,25}"
    r"\b(again|already|before|twice|over and over|as (before|earlier|last time))\b|"
    r"\b(same|identical|exact same|very same) (question|questions|q)\b|"
    r"\brepeat(ing|s)? (yourself|itself|the question|your question)\b|"
    r"\b(you'?re|you are|you keep) repeating\b|"
    r"\b(i'?m|i am|i keep|making me|have to keep|i have to) repeat(ing)? myself\b|"
    r"\b(rephras|reword|recycl|rehash|re-?ask)\w* (\w+ )?(question|questions|that|it|this)\b|"
    r"\b(different|other) words\b|\bversions? of the same\b|\bscroll (up|back)\b|"
    r"\blook back at what i\b|\bread (back|again|what i)\b|\basked and answered\b|"
    r"\b(that'?s|that is) what i (just |already )?(said|told you|wrote|answered)\b|"
    r"\b(as|like) i (just |already )?(said|told you|wrote|explained)\b|"
    r"\b(are|were|weren'?t|aren'?t|did|didn'?t) you( even| really| actually)? (listen\w*|"
    r"read\w*|pay\w* attention|hear\w*)\b|\byou('re| are)?( just)? not (listening|reading)\b"
)
# Said about the conversation only when nothing else is named: the same point, circles.
_GOING_ROUND = re.compile(
    r"\b(same|identical|exact same|very same) (thing|point|one|ground|answer|stuff|exchange|"
    r"place|spot)\b|\b(in|round in|going in|going round in) circles\b|\bround and round\b|"
    r"\bloop(ing)?\b|\bon repeat\b|\bgroundhog\b|\bd[ée]j[àa] ?vu\b|\bbroken record\b"
)
# Someone or something else named with it: "with finance", "in the board meeting".
_ELSEWHERE = re.compile(
    r"\b(with|in|at|during|to|for|from) (?!(you|me|this|that|it|here)\b)(the |my |our |a |an |"
    r"his |her |their )?(\w+ )?(finance|board|team|meeting|meetings|call|review|boss|manager|"
    r"ceo|cfo|client|clients|customer|customers|co-?founder|colleague|colleagues|peer|peers|"
    r"report|reports|staff|people|everyone|hr|legal|sales|investors|family|wife|husband|"
    r"partner|month|months|years?|weeks|quarter|decision|project|launch|budget|plan|numbers)\b|"
    r"\b(he|she|they|him|her|them)\b|\bhappen(s|ed|ing)?\b"
)
_TALKING_HERE = re.compile(
    r"\b(you|your|we'?re|we are|we keep|we'?ve|we have|this (chat|conversation|is|feels|"
    r"seems)|it'?s|it is|it feels|here)\b"
)
_RECIPIENT = re.compile(r" (you|u|ya|that|this|it)\b")


def _complains_of_repeat(sentence: str) -> bool:
    s = sentence.strip()
    if _SAME_QUESTION.search(s):
        return True
    here = _TALKING_HERE.search(s) or (len(s.split()) <= 7 and not re.match(r"\W*i\b", s))
    if _GOING_ROUND.search(s) and not _ELSEWHERE.search(s) and here:
        return True
    if re.search(
        r"\byou (keep|kept|are|'re|just|literally)( \w+)? (ask\w*|com\w* back|circl\w*|go\w* "
        r"back|return\w*|bring\w* (it |that |this )?up|saying|asked|said)\b",
        s,
    ) and re.search(r"\b(keep|kept|again|already|just|literally|same|back)\b", s):
        return True
    if re.search(r"^\W*again\b|\bagain\W*\?\s*$|\bagain with (this|that|the)\b", s):
        return True
    if re.search(
        r"\b(didn'?t|haven'?t|hadn'?t) (we|you|i)( \w+){0,2} (do|did|done|cover|go over|discuss|"
        r"talk about|go through|answer|ask|say)\b[^.?!]{0,20}\b(this|that|it)\b|"
        r"\b(stop|quit|no more|enough|without) (\w+ )?(going over|repeating|rehashing|covering|"
        r"asking( about)?|going back to|going back over) (the same|this|that|it( all)?)\b",
        s,
    ):
        return True
    if re.search(  # "you've put that to me already": whatever the verb
        r"\byou('ve| have| had)?( \w+){1,2} (that|this|it)( one| question)?( to me| at me| me)? "
        r"(already|before|earlier|twice|just now)\b",
        s,
    ):
        return True
    if _ELSEWHERE.search(s):
        return False  # "we went over the plan twice with the board"
    # you asked / we covered / I answered ... before
    for m in re.finditer(
        r"\b(you|we|i|you'?ve|we'?ve|i'?ve|you'?d|i'?d|didn'?t you|didn'?t we|didn'?t i|"
        r"haven'?t you|haven'?t we|haven'?t i|hadn'?t you)( \w+){0,3}? " + _SAID + r"\b",
        s,
    ):
        actor = m.group(1)
        rest = s[m.end() :]
        if re.search(r"(^|\W)i$", actor.replace("'ve", "").replace("'d", "")):
            verb = m.group(3)
            if re.match(r"(told|asked|gave|given|ask|tell|give)$", verb) and not _RECIPIENT.match(
                rest
            ):
                continue  # "I told him", "I already asked finance"
            if re.match(r" (no|yes|to|him|her|them|my|our|the)\b", rest) and not re.search(
                r"\b(already|just)\b", s[: m.end()]
            ):
                continue
            if re.match(r"( \w+)? that (i|we|my|our|the|he|she|they|it'?s)\b", rest):
                continue  # "I've said before that I struggle with delegating": news
        if re.search(r"\b" + _BEFORE + r"\b", s):
            return True
        if re.match(r"(( all)? (this|that|it)( one| bit| part| question)?)\W*$", rest):
            return True  # "we've been over this", "you asked that", "I've covered it"
    if re.match(_LEAD_IN + r"i (just |already )?told you( that| so| this)?\W*($|[,.;:!])", s):
        return True
    if re.fullmatch(
        _LEAD_IN
        + r"you (already |just )?(asked|said)( me)?( that| this| it)?( already| before)?\W*",
        s,
    ):
        return True  # "Yes, you asked."
    if re.fullmatch(
        _LEAD_IN + r"(already |just )?(asked|said|answered|covered|told you|done|discussed)( me)?"
        r"( that| this| it)?( one)?( already| before| earlier| twice| above)?( mate| lol)?\W*",
        s,
    ) and re.search(r"\b(already|before|earlier|twice|above)\b", s):
        return True  # "asked that already", "already covered"
    return bool(
        re.search(r"\byou (had|have|got|know|heard) my answer\b", s)
        or re.search(r"\byou already (know|have|got|heard)\b", s)
    )


_TALK = (
    r"(these questions|your questions|the questions|all these questions|all the questions|"
    r"this (chat|conversation|bot|thing|app|tool|exercise|approach|process|whole thing|back "
    r"and forth|session|companion)|the whole thing|talking to you|talking to a (bot|machine|"
    r"computer)|every (reply|answer|response|question)|your (replies|answers|approach|"
    r"responses))"
)
_NOT = r"(not|\w+n't|isnt|doesnt|dont|arent|wasnt|aint)"
_VERDICT = (
    r"(useless|pointless|worthless|hopeless|futile|a waste|waste of (my |our )?time|"
    r"wasting (my |our )?time|a joke|garbage|rubbish|nonsense|a farce|tedious|painful|"
    r"annoying|irritating|infuriating|frustrating|exhausting|tiresome|tiring|draining|"
    r"ridiculous|absurd|circular|going nowhere|(getting|leading|taking) (me |us )?nowhere|"
    r"no help|no use|no good|" + _NOT + r" (\w+ )?(help|helps|helping|helpful|useful|work|"
    r"works|working|going anywhere|getting (me |us )?anywhere|leading anywhere)|a dead end|"
    r"driving me (mad|crazy|nuts|insane|up the wall)|getting on my nerves|on my (nerves|last "
    r"nerve)|broken)"
)
_STOP_ASKING = re.compile(
    r"\b(stop|quit|enough|no more|cut( out)?|drop|spare me|less|done with|enough of) (with )?"
    r"(the |your |these |all |all the |all these |those |asking |more )*(me )?(questions|"
    r"asking)\b|(?<!to )\bstop asking\b(?! (my|the|our|his|her|their|people|him|them|everyone|"
    r"for)\b)|\b(throw\w*|bounc\w*|turn\w*|fir\w*) (\w+ )?(questions?|it) "
    r"back\b|\b(every|each) (reply|answer|response) is (just )?(another|a) question\b|"
    r"\b(don'?t|do not) (want|need) (any |more |your |these )*questions\b|\bno more questions\b|"
    r"\b(kidding|joking|serious|enough|done|stop|tired|sick|bored|fed up)\b[^.?!]{0,20}\b(these|"
    r"your|the|all these|all your|all the|so many|more) questions\b|\bjust answer\b|"
    r"^(\w+ )?(more|another|even more|yet another|so many|too many|all these|endless) "
    r"questions?\W*$"
)
_FED_UP = re.compile(
    r"\b(i'?m|i am|i was|getting|feeling|i feel)( \w+){0,2}? (annoyed|irritated|frustrated|"
    r"fed up|tired|sick|bored|done|exasperated|impatient|losing (my )?patience|over it|"
    r"giving up)( (with|by|of|on) ("
    + _TALK
    + r"|this|you|it)\b| (with|by|of|on) (answering |being "
    r"asked |replying to |all |all these |your |these |the |more |so many )+questions\b| now\b|"
    r" already\b| here\b|"
    r"\W*$)|\b(losing|lost) (my )?patience (with (this|you|it)|here|now)\b|\bi give up\b|"
    r"\bwhat'?s the (point|use)( of (this|it|that|all this|these questions|asking|any of "
    r"this))?\W*$|\bwhy (am i|do i|would i|did i) (even )?(bother\w*|talking|doing "
    r"this|here|using this|answer\w*)\b|\b(is |'s )?like talking to (a|an|the) |"
    r"\b(about |just )?as (useful|helpful) as (a|an)\b|\bthe best you can do\b|"
    r"\b(don'?t know|wonder|not sure) why (i'?m|i am|i) (even )?"
    r"(bother\w*|using|doing|talking|here|answer\w*)\b|\btalking to a (brick )?wall\b|"
    r"\b(don'?t|do not) have (the )?(time|patience|energy) for (this|that|reflection|"
    r"questions|these|your|all this|more)\b|\byou (can'?t|cannot|couldn'?t|won'?t) even\b|"
    r"\b(don'?t|do not|can'?t|cannot) see how (any of )?(this|it|that|these questions) "
    r"(helps?|is helping|will help|would help|is useful)\b"
)
_FRAGMENT = re.compile(
    _LEAD_IN + r"(so |completely |totally |utterly |absolutely |just |really |how |such "
    r"a |what a |very |truly |pretty )*(useless|pointless|unhelpful|worthless|hopeless|"
    r"not (very |at all |really |that )?(helpful|useful)|(a )?waste of (my )?time|"
    r"a joke|tedious|annoying|ridiculous|nonsense|rubbish|garbage|painful|(a |what a |such a )?"
    r"waste of (my |our )?(\w+ )?(time|evening|morning|day|afternoon|hour|hours|minutes|energy|"
    r"breath)|enough( already| now| of this| is enough)?|that'?s enough)"
    r"( (bot|app|thing|machine|tool|chat|software|companion|questions))?"
    r"( (at all|again|as usual|as always))?\W*"
)


# The leader's own habit, not the companion's: "I want to stop asking my team for updates".
_OWN_HABIT = re.compile(
    r"\b(want|need|try|trying|going|have|plan|planning|decided|like|learn|learning|started) to "
    r"(stop|quit)\b|\bi('ll| will| should| must| could| can| might) (stop|quit)\b|"
    r"\b(stop|quit|stopped) asking (my|the|our|his|her|their|people|him|them|everyone|for)\b"
)


def _frustrated_with_it(sentence: str) -> bool:
    s = sentence.strip()
    if (_STOP_ASKING.search(s) and not _OWN_HABIT.search(s)) or _FED_UP.search(s):
        return True
    refused = re.search(r"\byou\b", s) and re.search(r"\b(dodg|avoid|deflect|evad|sidestep)\w*", s)
    if refused or re.search(r"\bquestions? with (a |more |another )?questions?\b", s):
        return True  # "you're dodging the question": an answer refused, and said so
    addressed = bool(re.search(r"\b(you|your|u|ur)\b", s))
    brief = len(s.split()) <= 8 and not re.search(r"\bbut\b", s) and not _THIRD_PARTY.search(s)
    for clause in re.split(r"\s*[,;:]\s*|\s+-\s+", s):
        if re.search(r"\b(you|u|you'?re|ur|your)\b( \w+){0,4}? " + _VERDICT, clause):
            return True
        if re.search(r"\b" + _TALK + r"\b( \w+){0,4}? " + _VERDICT, clause):
            return True
        bare = _LEAD_IN + r"(this|it|that)('s|s)?( \w+){0,4}? " + _VERDICT
        if re.match(bare, clause) and (addressed or brief):
            return True
        if _FRAGMENT.fullmatch(clause) or (
            _STOP_ASKING.search(clause) and not _OWN_HABIT.search(s)
        ):
            return True
    return False


# The same ideas in Spanish, German and French, where the companion does not yet speak.
_OTHER_ADVICE = re.compile(
    r"\b(consejos?|aconsej\w*|recomiend\w*|recomend\w*|sugier\w*|sugerencias?|qué (hago|harías|"
    r"haría|debo|debería|hacer)|que (hago|harías|debo|debería)|cómo (puedo|debo|hago|le)|"
    r"en mi lugar|ayúdame|ratschl\w*|rat\b|tipps?|empfehl\w*|vorschl\w*|was (soll|würdest|"
    r"würden|sollte|mache|tue) (ich|du|sie)|wie (soll|kann|sollte|mache) ich|an meiner stelle|"
    r"hilf mir|(kannst|könntest) du mir helfen|(puedes|podrías|podrias) ayudarme|me (puedes|"
    r"podrías|podrias) ayudar|me ayudas|(tu peux|peux-tu|pouvez-vous|vous pouvez) m'aider|"
    r"conseils?|conseill\w*|recommand\w*|suggér\w*|suggestion|(dois|devrais|ferais|"
    r"feriez)-?(je|tu|vous)?|à ma place|comment (je|faire|dois|devrais|puis)|ton avis|votre "
    r"avis|aide-moi|aidez-moi)\b"
)
_OTHER_REPEAT = re.compile(
    r"\b(ya (te |lo |me |se )*(dije|dicho|pregunt\w*|respond\w*|contest\w*|expliq\w*|he )|"
    r"otra vez|de nuevo|misma pregunta|lo mismo|repit\w*|(schon|bereits) (\w+ )?(gesagt|"
    r"gefragt|beantwortet|erzählt|erklärt)|(wieder|nochmal|noch mal|erneut) (\w+ )?frage|"
    r"dieselbe|die gleiche frage|wiederhol\w*|déjà (dit|demandé|répondu|posé|expliqué)|"
    r"(encore|à nouveau|de nouveau) (la même|cette|une fois)|même question|répèt\w*|"
    r"tourne en rond|d[ée]j[àa] ?vu|dasselbe|das gleiche|immer das|fragst (\w+ )?(immer|wieder|"
    r"schon|nochmal)|la même chose|siempre lo mismo|siempre (me )?preguntas|hatten wir (\w+ )?"
    r"(schon|bereits)|haben wir (\w+ )?(schon|bereits)|(schon|bereits) (besprochen|gehabt)|"
    r"déjà (parlé|fait|discuté|vu|couvert)|on en a déjà|ya (lo )?(hablamos|vimos|comentamos|"
    r"tratamos)|eso ya)"
)
_OTHER_FRUSTRATION = re.compile(
    r"\b(inútil|inutil|no (me )?(sirve|ayuda|ayudas|está ayudando)|pérdida de tiempo|"
    r"hart\w*|basta|no tiene (ningún |ningun )?sentido|no me (estás |estas )?ayudando|nerven|"
    r"deja de|para de|aburr\w*|absurd\w*|ridícul\w*|sin sentido|sinnlos|"
    r"nutzlos|nervt|nervig|genervt|zeitverschwendung|bringt (mir )?(\w+ )?nichts|hilf(s)?t "
    r"(mir )?(\w+ )?nicht|hör auf|lass die fragen|keine lust|unsinn|quatsch|blödsinn|"
    r"inutile|nul|(ne )?sert à rien|perte de temps|marre|arrête\w*|(pas|plus) de questions|"
    r"énerv\w*|agaç\w*|ridicule|n'importe quoi|pénible|m'aides? pas)\b"
)


_ABOUT_SOMETHING_ELSE = re.compile(
    _LEAD_IN + r"(this|that|the|my|our|their|his|her|its) (?!(?:question|questions|chat|"
    r"conversation|bot|app|companion|thing|whole|same|exact|very|answer|answers|reply|replies|"
    r"session|tool|exercise|approach|back)\b)[a-z'-]+( [a-z'-]+)? (is|was|are|were|has|have|"
    r"had|'s|feels|felt|seems|looks|keeps|got|gets)\b"
)
_ASKED_SOMEONE_ELSE = re.compile(
    r"\bi('ve| have| had)? (already |just |also )?(asked|told|gave|sent|showed|emailed|"
    r"called|reminded) (?!(you|u|ya|that|this|it|me)\b)\w+"
)


def _not_said_to_it(label: str, sentence: str) -> bool:
    """Whether a sentence that a cue takes for ``label`` is about something else ("this
    project is useless", "it's annoying, but they are cheap", "I already asked finance")."""
    if re.search(r"\b(you|your|u|ur)\b", sentence):
        return False
    if label == "frustration":
        return bool(
            _ABOUT_SOMETHING_ELSE.match(sentence)
            or _THIRD_PARTY.search(sentence)
            or re.match(_LEAD_IN + r"i (find|found) (?!(this|it|you|these|your)\b)", sentence)
            or re.match(  # "it was a waste of time to rewrite the deck"
                _LEAD_IN + r"(it|that)('s| is| was| has been| feels)\b[^.?!]{0,40}\b(to|when|"
                r"how|if) (?!you\b)\w+",
                sentence,
            )
        )
    if label == "repeat_complaint" and re.search(
        r"\b(said|told you|mentioned|explained|wrote)( \w+)? that (i|we|my|our|the|he|she|they)\b",
        sentence,
    ):
        return True  # "I've said before that I struggle with delegating": news
    if label == "repeat_complaint":
        return (
            bool(_ASKED_SOMEONE_ELSE.search(sentence))
            or not _complains_of_repeat(sentence)
            and bool(_ELSEWHERE.search(sentence))
        )
    if label == "advice_request":
        return "?" not in sentence and bool(
            re.match(
                _LEAD_IN + r"i('ve| have| had)? (gave|give|given|got|get|received|took|offered|"
                r"shared|was given|asked (\w+ ){0,2}for)\b",
                sentence,
            )
        )
    return False


def _said_to_it(label: str, text: str) -> bool:
    """Whether a cue for ``label`` is met in a sentence said to the companion (not one
    that reports someone else, and not one about something else)."""
    sentences = [s.lower() for s in _sentences(normalise(text))]
    own = [_own_words(s) for s in sentences]
    kept = [s for s in own if s and not _not_said_to_it(label, s)]
    if len(kept) == len(sentences):
        return True  # nothing left out: the cue stands as it was met
    return any(_matches(label, s) for s in kept)


_RESPELL = {
    "wat": "what",
    "wht": "what",
    "whta": "what",
    "waht": "what",
    "shoud": "should",
    "shud": "should",
    "shld": "should",
    "shoudl": "should",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "im": "i'm",
    "ive": "i've",
    "dont": "don't",
    "didnt": "didn't",
    "cant": "can't",
    "isnt": "isn't",
    "doesnt": "doesn't",
    "thats": "that's",
    "whats": "what's",
    "alredy": "already",
    "allready": "already",
    "agian": "again",
    "questons": "questions",
    "wud": "would",
    "cud": "could",
    "hw": "how",
    "dat": "that",
    "dis": "this",
    "ths": "this",
    "wut": "what",
    "yu": "you",
    "b4": "before",
    "qs": "questions",
    "ppl": "people",
    "rly": "really",
    "srsly": "seriously",
    "tho": "though",
    "bc": "because",
}
# The words these readings turn on, and the misspellings of each that are not words
# themselves ("usless", "alredy", "qestion", "pointlss", "tipps"): one or, in a long
# word, two letters left out, or two letters swapped.
_KEY_WORDS = frozenset(
    """already again before earlier question questions asked answer answered repeat
    repeating repeated circles useless pointless helpful helping waste wasting frustrating
    annoying ridiculous advice recommend suggest suggestions should would could listen
    listening seriously anything something options answers tips""".split()  # noqa: SIM905
)
_NOT_MISSPELT = frozenset(
    """gain cold ready circle option serious sting listing potions wold commend wating
    heling anting tions ould anying aste asing""".split()  # noqa: SIM905
)


def _variants(word: str) -> set[str]:
    dropped = {word[:i] + word[i + 1 :] for i in range(len(word))}
    swapped = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    out = dropped | swapped
    if len(word) >= 7:
        out |= {d[:i] + d[i + 1 :] for d in dropped for i in range(len(d))}
    return out


@lru_cache(maxsize=1)
def _misspellings() -> dict[str, str]:
    known = STOPWORDS | VERBS | WORK_WORDS | MINIMAL_WORDS | _KEY_WORDS | _NOT_MISSPELT
    out: dict[str, str] = {}
    for word in sorted(_KEY_WORDS):
        for variant in _variants(word):
            if len(variant) >= 4 and variant not in known:
                out.setdefault(variant, word)
    return out


def _spelt_out(token: str) -> str:
    if token in _RESPELL:
        return _RESPELL[token]
    if len(token) < 4 or token in _KEY_WORDS:
        return token
    fixes = _misspellings()
    undoubled = re.sub(r"(.)\1", r"\1", token)
    for candidate in (token, undoubled):
        if candidate in _KEY_WORDS:
            return candidate
        if candidate in fixes:
            return fixes[candidate]
    return token


def _respelled(low: str) -> str:
    """Common shorthand and misspellings written out ("wat shud i do", "u asked that")."""
    low = low.replace(" & ", " and ")
    return re.sub(r"[a-z0-9]+", lambda m: _spelt_out(m.group(0)), low)


def said_to_the_companion(text: str, language: str | None = None) -> set[str]:
    """Requests for advice, complaints of repetition and frustration in a turn, read by
    what they mean, one sentence at a time, leaving out sentences about someone else."""
    found: set[str] = set()
    for sentence in _sentences(normalise(text)):
        low = _own_words(sentence.lower() if language else _respelled(sentence.lower()))
        if not low:
            continue
        if language:
            checks = (
                ("advice_request", _OTHER_ADVICE.search),
                ("repeat_complaint", _OTHER_REPEAT.search),
                ("frustration", _OTHER_FRUSTRATION.search),
            )
            found |= {label for label, check in checks if check(low)}
            continue
        if _asks_for_advice(low):
            found.add("advice_request")
        if _complains_of_repeat(low):
            found.add("repeat_complaint")
        if _frustrated_with_it(low):
            found.add("frustration")
    own = " ".join(_own_words(s.lower()) for s in _sentences(normalise(text)))
    bare = " ".join(re.sub(r"[^\w' ]+", " ", own).split())
    if not language and len(bare.split()) <= 6:  # "Stop. Asking. Questions.", "Asked. Answered."
        if _STOP_ASKING.search(bare) or _frustrated_with_it(bare):
            found.add("frustration")
        if _complains_of_repeat(bare) or re.fullmatch(r"asked (and )?answered", bare):
            found.add("repeat_complaint")
    return found


# Turns about the conversation that someone else's reported words can look like.
_SAID_TO_THE_COMPANION = frozenset({"advice_request", "repeat_complaint", "frustration"})


_DEJA_VU = re.compile(r"\bd[ée]j[àa] ?vu\b", re.I)


def read(text: str) -> Reading:
    low = text.lower()
    # "déjà vu" is English too
    language = None if is_minimal(text) else detect_language(_DEJA_VU.sub(" ", text))
    if language:
        # Not understood, beyond a few words that say what kind of turn it is.
        labels = {"other_language"}
        for label, other in (
            ("advice_request", "advice_request_other"),
            ("advice_accept", "advice_accept_other"),
            ("frustration", "frustration_other"),
            ("repeat_complaint", "repeat_other"),
            ("identity_question", "identity_other"),
            ("privacy_question", "privacy_other"),
        ):
            if _matches(other, low):
                labels.add(label)
    else:
        labels = {
            label
            for label in cues()
            if not label.endswith("_other")
            and label not in ("not_reflected", "reported")
            and _matches(label, low)
        }
        if labels & _SAID_TO_THE_COMPANION and _matches("reported", low):
            # "my manager said we've been over this": read without the reported words
            own = _without_reported(low)
            labels -= {label for label in _SAID_TO_THE_COMPANION if not _matches(label, own)}
        if labels & _SAID_TO_THE_COMPANION:
            # "she already asked for a raise": a cue met only where someone else speaks
            labels -= {label for label in _SAID_TO_THE_COMPANION if not _said_to_it(label, text)}
    labels |= said_to_the_companion(text, language)
    if not language and not labels & _ABOUT_ITSELF and _off_topic_request(text):
        labels.add("off_topic")
    if (
        not language
        and not labels & _ABOUT_ITSELF
        and _asks_the_companion(text)
        and not _said_by_someone_else(_sentences(text)[-1].lower())
    ):
        labels.add("advice_request")  # a question put to the companion about their situation
    if "maker_question" in labels:
        labels.add("identity_question")
    if "advice_task" in labels:
        labels.add("advice_request")
    if "injection" in labels:
        labels -= {"off_topic", "advice_request", "advice_task", "identity_question"}
    if "off_topic" in labels and labels & {"advice_request", "advice_task", "advice_accept"}:
        labels -= {"advice_request", "advice_task", "advice_accept"}
        labels.add("off_topic_advice")
    if "advice_accept" in labels:
        labels.discard("advice_request")
    minimal = is_minimal(text)
    if minimal:
        labels.add("minimal")
    if GREETINGS.match(low):
        labels.add("greeting")
    yes = bool(YES.match(low.strip(" ,.!"))) and len(low.split()) <= 8
    no = bool(NO.match(low.strip(" ,.!"))) and len(low.split()) <= 8
    return Reading(
        labels=labels,
        stage=detect_stage(text),
        substantive=not minimal
        and not language
        and (len(content_words(text)) >= 1 or len(words(text)) >= 4),
        minimal=minimal,
        language=language,
        yes=yes,
        no=no,
        text=low,
    )


# --- reflections ----------------------------------------------------------------------

_VERB_BASES_TEXT = """want need feel think know keep get go come take make give tell say ask work
try do have see look seem become lead manage run hold meet send change call talk speak
listen avoid miss fail win lose hire fire delegate review decide check push pull hand answer
reply interrupt ignore support help plan prepare present report agree disagree argue fight
struggle worry fear hate love like enjoy start stop finish end continue leave stay move grow
build create lack spend waste cost pay earn read write hear trust blame criticise criticize
complain expect hope wish set put let slip drop add copy cover share own rely depend care
matter happen fill bring sleep eat cry shout yell freeze block question doubt dread rush
struggle juggle cancel postpone delay ignore notice realise realize learn teach coach train
mentor own approve reject accept refuse promise commit focus handle deal sit stand fall rise
turn open close believe assume wonder guess imagine forget remember mean understand explain
show hide protect defend attack undermine challenge compete compare measure track answer
respond react overthink second-guess procrastinate micromanage present pitch announce
restructure merge join quit resign promote demote live die"""
_VERB_BASES = frozenset(_VERB_BASES_TEXT.split())
_IRREGULAR = """am is are was were be been being has had does did done went gone came got
gotten took taken made gave given told said thought knew known kept felt left lost met sent
spent held led ran put let set found brought sat stood fell froze frozen began begun began
became seen saw heard read wrote written paid won hid meant understood chose chosen broke
broken can could will would shall should may might must 'm 're 's 've 'd 'll isn't aren't
wasn't weren't don't doesn't didn't can't couldn't won't wouldn't shouldn't haven't hasn't
hadn't i'm i've i'd i'll we're we've they're they've he's she's it's there's""".split()  # noqa: SIM905


def _forms(base: str) -> set[str]:
    stem = base[:-1] if base.endswith("e") else base
    out = {base, base + "s", base + "es", stem + "ed", stem + "ing", base + "ed", base + "d"}
    if base.endswith("y"):
        out |= {base[:-1] + "ies", base[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgmnprt]$", base):
        out |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return out


VERBS = frozenset({f for b in _VERB_BASES for f in _forms(b)} | set(_IRREGULAR))

_SUBJECTS = re.compile(
    r"\b(i|i'm|i've|i'd|i'll|we|we're|we've|he|she|they|it|there|people|everyone|nobody|"
    r"no one|someone|everybody|my \w+|our \w+|the \w+|his \w+|her \w+|their \w+)\b",
    re.I,
)
_ADDRESSED = re.compile(r"\b(you|your|yours|yourself|u|ur|ya)\b", re.I)
_DEMAND = re.compile(
    r"^(please|pls|plz|give|tell|show|just|help|stop|answer|explain|write|let me|let's|"
    r"can you|could you|would you|will you|won't you|i need you|i want you|do it|go on|"
    r"ignore|pretend|act|print|reveal|forget|be)\b",
    re.I,
)
_QUESTION_START = re.compile(
    r"^((what|how|why|where|when|who|whom|which|whose)\b(?! (i|we|they|he|she|my|our) "
    r"(want|need|would like|'d like|wanted|needed|mean|meant|know|think|said|did|do)\b)|"
    r"(is|are|am|was|were|do|does|did|can|could|would|will|shall|should|may|might|must|"
    r"have|has|had|isn't|aren't|don't|doesn't|didn't|won't|wouldn't|shouldn't|couldn't|"
    r"any|anything)\b)",
    re.I,
)
# A clause said back starts with who or what it is about (after a time phrase).
_CLAUSE_OPENERS = re.compile(
    r"^((right now|at the moment|currently|lately|recently|last (week|month|year|time)|"
    r"yesterday|today|this (week|morning|month|year)|every time|sometimes|often|now|then|"
    r"since \w+|in (\w+ )?\w+|on \w+|after \w+|before \w+|when \w+ \w+),? )*"
    r"(i|i'm|i've|i'd|i'll|im|ive|we|we're|we've|we'd|we'll|he|he's|she|she's|they|they're|"
    r"they've|it|it's|there|there's|my|our|the|his|her|their|this|that|these|those|every|"
    r"everyone|everybody|nobody|no one|someone|somebody|people|all|most|some|none|each|a|an|"
    r"half|both|one|two|three|[A-Z][\w'-]*)\b",
)
_LEAD_FILLERS = re.compile(
    r"^(?:(?:well|so|yeah|yes|no|ok|okay|honestly|basically|actually|i mean|like|um+|uh+|"
    r"er|hmm+|look|anyway|to be honest|tbh|and|but|because|cause|'cause|or|then|also|"
    r"plus|though|still|oh|ah|sure|fine|i guess|i suppose)\b[\s,]*)+",
    re.I,
)
_TRAIL_FILLERS = re.compile(
    r"(?:[\s,]+(?:i guess|i suppose|you know|i think|or something|and stuff|and so on|etc|"
    r"lol|haha|to be honest|honestly|really|though|anyway|basically))+\s*$",
    re.I,
)
_CLAUSE_SPLIT = re.compile(
    r"\s*(?:;|:(?=\s)|\s[-\u2013\u2014]\s|\.\.\.|\u2026|,\s*(?:but|and|so|because|although|though|"
    r"while|which|whereas)\s|\s(?:but|although|whereas|because)\s|"
    r"\sand\s(?=(?:i|we|he|she|they|it|the|my|our|now|then)\b))\s*",
    re.I,
)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+|(?<=\.\.\.)\s*", text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def _reflectable_sentence(sentence: str) -> bool:
    s = sentence.strip().strip("\"'")
    if "?" in s or _QUESTION_START.match(s) or _DEMAND.match(s):
        return False
    low = s.lower()
    return not any(
        _matches(label, low)
        for label in ("insult", "injection", "sarcasm", "frustration", "not_reflected")
    )


_SWAPS = {
    "i": "you",
    "i'm": "you're",
    "im": "you're",
    "i've": "you've",
    "ive": "you've",
    "i'd": "you'd",
    "i'll": "you'll",
    "me": "you",
    "my": "your",
    "mine": "yours",
    "myself": "yourself",
    "we": "you",
    "we're": "you're",
    "we've": "you've",
    "we'd": "you'd",
    "we'll": "you'll",
    "our": "your",
    "ours": "yours",
    "ourselves": "yourselves",
}
_AFTER_I = {"am": "are", "was": "were", "wasn't": "weren't", "ain't": "aren't"}


def swap_pronouns(clause: str) -> str:
    """First person to second person, with the verb agreeing ("I was" -> "you were",
    "I'm not" -> "you're not", "me/my/mine/myself" -> "you/your/yours/yourself")."""
    tokens = re.findall(r"[A-Za-z]+(?:'[A-Za-z]+)*|[^A-Za-z]+", clause)
    out: list[str] = []
    words_since_i = 99
    for tok in tokens:
        if not tok[0].isalpha():
            out.append(tok)
            continue
        low = tok.lower()
        words_since_i += 1
        if low == "us" and tok == "us":
            out.append("you")
        elif low in _SWAPS:
            out.append(_SWAPS[low])
            if low == "i":
                words_since_i = 0
        elif low == "am":
            out.append("are")  # "am" only ever goes with "I"
        elif low in _AFTER_I and words_since_i <= 3:
            out.append(_AFTER_I[low])
        else:
            if low in ("he", "she", "it", "they", "there", "who", "that", "which"):
                words_since_i = 99
            out.append(tok)
    return "".join(out)


def _has_verb(clause: str) -> bool:
    return any(w in VERBS for w in words(clause))


def _clean_clause(clause: str) -> str:
    c = clause.strip().strip("\"'")
    c = re.sub(r"[.!?]+$", "", c).strip()
    c = re.sub(r"\b(you know|i mean|kind of like|like,)\s*,?\s*", "", c, flags=re.I)
    previous = None
    while previous != c:
        previous = c
        c = _LEAD_FILLERS.sub("", c).strip(" ,")
        c = _TRAIL_FILLERS.sub("", c).strip(" ,")
    return c


_NOT_SAID_BACK = re.compile(r"\b(let'?s|please|pls|lol|haha|omg|wtf|idk|dunno)\b", re.I)


def _clause_candidates(sentence: str) -> list[tuple[str, bool]]:
    """(clause, after a contrast) pieces of a sentence, long pieces also split at commas."""
    out = []
    pieces = [p for p in _CLAUSE_SPLIT.split(sentence) if p and p.strip()]
    contrast = bool(re.search(r"\b(but|although|though|whereas)\b", sentence, re.I))
    for i, piece in enumerate(pieces):
        out.append((piece, contrast and i > 0))
        if "," in piece:
            out += [(sub, contrast and i > 0) for sub in piece.split(",") if sub.strip()]
    return out


def key_clause(text: str) -> str | None:
    """The clause of the leader's turn most worth saying back, or None when none is
    good enough (never a question, a demand, an insult or filler; never cut)."""
    best: tuple[float, str] | None = None
    for sentence in _sentences(normalise(text)):
        if not _reflectable_sentence(sentence):
            continue
        for piece, after_contrast in _clause_candidates(sentence):
            c = _clean_clause(piece)
            n = len(c.split())
            if n < 3 or n > 16 or _ADDRESSED.search(c) or "?" in c or _NOT_SAID_BACK.search(c):
                continue
            if not content_words(c) or not _has_verb(c) or not _SUBJECTS.search(c):
                continue
            if _DEMAND.match(c) or _QUESTION_START.match(c) or not _CLAUSE_OPENERS.match(c):
                continue
            score: float = len(content_words(c)) + (
                2 if re.search(r"\b(i|i'm|i've|my|me|we|our)\b", c, re.I) else 0
            )
            if after_contrast:
                score += 1.5
            score -= max(0, n - 12) * 0.5
            if best is None or score > best[0]:
                best = (score, c)
    return best[1] if best else None


def _first_lower(clause: str, text: str) -> str:
    first = clause.split()[0]
    if first in ("I",) or first.isupper() and len(first) > 1:
        return clause
    if first[0].isupper() and re.search(rf"[a-z,;]\s+{re.escape(first)}\b", text):
        return clause  # a name: capitalised in the middle of a sentence too
    return clause[0].lower() + clause[1:]


def reflect(text: str, conv: Conversation | None = None) -> str:
    """One short reflection from the leader's own words, or "" when there is no good one."""
    text = normalise(text)
    clause = key_clause(text)
    feeling = expressed_feeling(text)
    said = swap_pronouns(_first_lower(clause, text)) if clause else ""
    said = re.sub(r"\b(told|asked|showed|reminded|warned) you you\b", r"\1 you that you", said)
    if said and grammar_problems(said):
        said = ""
    if feeling and said and feeling[1].split()[0] not in said.lower():
        return f"It sounds like you're {feeling[1]}: {said}."
    if feeling and not said:
        return f"It sounds like you're {feeling[1]}."
    if not said:
        return ""
    variant = _pick(f"{conv.seed if conv else ''}:{conv.turns if conv else 0}:reflect", 3)
    return ("So {}.", "You said {}.", "So {}.")[variant].format(said)


def grammar_problems(reflection: str) -> list[str]:
    """What a pronoun swap can get wrong; an empty list when the words agree."""
    problems = []
    if re.search(r"\byou (was|wasn't|am|is|isn't|has|hasn't|does|doesn't)\b", reflection, re.I):
        problems.append("verb does not agree with 'you'")
    if re.search(r"\byour's\b|\byou's\b", reflection, re.I):
        problems.append("your's")
    if re.search(r"\byou you\b", reflection, re.I):
        problems.append("you you")
    if re.search(r"\bI\b|\b(me|my|mine|myself)\b", reflection.replace("I'", "X'")):
        problems.append("first person left in")
    return problems


_TIME_WORDS = frozenset(
    """moment end week time day morning year month way thing things lot bit point minute
    weekend evening night today tomorrow yesterday honest truth first last next second third
    blocker issue issues problem problems reason fact situation stuff one ones rest same
    whole other others""".split()  # noqa: SIM905
)
_ADVERBS = frozenset(
    """always never often usually sometimes already just really literally again even still
    also probably maybe actually basically though anyway too either anymore ever""".split()  # noqa: SIM905
)


_PEOPLE = frozenset(
    """team teams boss manager managers director directors cfo ceo coo cto cio colleague
    colleagues peer peers deputy staff employees people reports head chair board partner wife
    husband family engineer engineers leads lead member members client clients customer
    customers sponsor coach he she him her them everyone everybody someone somebody vp vps
    supervisor assistant founder founders cofounder co-founder co-founders investors owner
    cro cmo cpo cso vp""".split()  # noqa: SIM905
)


def topic_from(text: str) -> str:
    """A short phrase from the leader's words naming what they talk about ("the monthly
    report", "your team", "delegating"), or "this" when there is none."""
    text = normalise(text)
    text = re.sub(
        r"\b(to be honest|honestly|i mean|you know|i guess|i think)\b", ",", text, flags=re.I
    )
    tokens = re.findall(r"[A-Za-z][A-Za-z'-]*|[^A-Za-z\s]", text)
    determiners = {
        "the": "the",
        "my": "your",
        "our": "your",
        "this": "the",
        "that": "the",
        "his": "his",
        "her": "her",
        "their": "their",
    }
    for i, tok in enumerate(tokens):
        det = determiners.get(tok.lower())
        if not det:
            continue
        kept: list[str] = []
        for w in tokens[i + 1 : i + 4]:
            lw = w.lower()
            inflected = lw in VERBS and lw not in _VERB_BASES and not lw.endswith("ing")
            if not w[0].isalpha() or lw in STOPWORDS or lw in _ADVERBS or (inflected and kept):
                break
            if lw.endswith("'s"):
                kept = []
                break
            kept.append(w if w[0].isupper() and i > 0 else lw)
        if not any(len(k) >= 3 and k.lower() not in STOPWORDS for k in kept):
            continue
        if kept[-1].lower() in _TIME_WORDS or kept[-1].lower() in _PEOPLE:
            continue  # "the moment", "my boss": not something to work on
        return f"{det} {' '.join(kept)}"
    m = re.search(r"\b(?:at|about|with|on)\s+([a-z]+ing)\b", text, re.I)
    if m and m.group(1).lower() not in STOPWORDS:
        return m.group(1).lower()
    runs: list[list[str]] = []
    for chunk in re.split(r"[,.;:!?()]", text):
        run: list[str] = []
        for w in words(chunk):
            w = w.strip("'")
            if (
                len(w) > 3
                and w not in STOPWORDS
                and w not in VERBS
                and w not in _TIME_WORDS
                and w not in _ADVERBS
            ):
                run.append(w)
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
    runs = [r for r in runs if len(r) >= 2]
    if not runs:
        return "this"
    best = max(reversed(runs), key=len)[:3]
    phrase = " ".join(best)
    return phrase if len(best) == 1 else f"the {phrase}"


# --- the rules every reply keeps ----------------------------------------------------------

OWN_PART_QUESTION = [
    r"\byour (own )?(part|role|contribution|behaviou?r|responsibility|fault|doing)\b",
    r"\byou (contribute|contributed|play(ed)? a part)\b",
    r"\bcontribut\w* to (this|it|that)\b",
    r"\bhow (do|did) you (respond|react)\b",
    r"\bin yourself\b",
    r"\byou find yourself\b",
    r"\bstory you tell yourself\b",
    r"\b(do|have done|did) differently\b",
    r"\bthe old pattern\b",
    r"\babout yourself\b",
    r"\bwithin your control\b",
    r"\byou (are|were|might be) assuming\b",
    r"\bletting go of\b",
    r"\bwhen you do it yourself\b",
    r"\bfeedback have you had\b",
    r"\b(led|lead|made) you (to )?(do|say|react|respond)\b",
]


def asks_own_part(reply: str) -> bool:
    """Whether a reply asks about the leader's own contribution."""
    question = re.split(r"(?<=[.!:])\s+", reply.strip())[-1].lower()
    return any(re.search(p, question) for p in OWN_PART_QUESTION)


def is_open(question: str) -> bool:
    return question.strip().lower().startswith(OPEN_STARTS)


def validate_reply(reply: str, *, max_words: int = 70) -> list[str]:
    """The coaching rules every reply must keep, from either engine. Empty = valid."""
    problems = []
    if reply.count("?") != 1 or not reply.rstrip().endswith("?"):
        problems.append("must end with exactly one question")
    low = reply.lower()
    if _ADVICE.search(low):
        problems.append("gives advice")
    if len(reply.split()) > max_words:
        problems.append("too long")
    if "\u2026" in reply or "..." in reply:
        problems.append("cut short")
    return problems


# --- state ---------------------------------------------------------------------------------


@dataclass
class Turn:
    reply: str
    stage: str
    referred: bool
    question_id: str | None = None
    feeling: str | None = None
    category: str | None = None  # the referral's kind of help, when referred
    reflection: str = ""  # the part of the reply that says the leader's words back
    meta: tuple[str, ...] = ()  # the turns about the conversation it answered


@dataclass
class Conversation:
    """One conversation's state: pure data, so it can be stored and resumed. It keeps
    flags and question ids, never the leader's words (apart from the commitment the
    leader may add to their plan)."""

    seed: str = "bearing"
    focus: list[str] = field(default_factory=list)
    context_topic: str = ""
    stage: str = "goal"
    stage_turns: int = 0  # substantive turns answered in this stage
    asked: list[str] = field(default_factory=list)
    turns: int = 0
    commitment: str = ""
    offered_action: bool = False
    # Since the conversation engine listens (older states load with these defaults).
    series: str = ""  # the same for all of one leader's conversations
    number: int = 0  # how many conversations the leader had before this one
    careful: bool = False  # after a referral, until the leader wants to go on
    category: str = ""  # the last referral's kind
    referral_language: str = "en"  # the language the last referral was given in
    disclosed: bool = False  # a disclosure of harm: no own-part question, ever
    own_part: bool = False  # the leader has described their own part
    goal_stated: bool = False
    agreed: bool = False  # the leader committed to something
    advice_asks: int = 0
    pending: str = ""  # the closed offer awaiting an answer: action, perspectives, careful
    perspectives_given: bool = False
    options_named: bool = False  # the leader has named options (or heard perspectives)
    said: list[str] = field(default_factory=list)  # acknowledgements already used

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in vars(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> Conversation:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def _pick(key: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big") % n if n else 0


def _ack(conv: Conversation, key: str) -> str:
    options = replies()["ack"][key]
    return options[_pick(f"{conv.seed}:{conv.turns}:{key}", len(options))]


def _from_list(conv: Conversation, section: str, key: str, topic: str = "") -> tuple[str, str]:
    """An unasked question from replies.toml [section].key: (id, text), or ("", "")."""
    items = replies()[section][key]
    free = [
        (f"{section}:{key}:{i}", text)
        for i, text in enumerate(items)
        if f"{section}:{key}:{i}" not in conv.asked and ("{topic}" not in text or topic)
    ]
    if not free:
        return "", ""
    qid, text = free[_pick(f"{conv.seed}:{conv.turns}:{section}:{key}", len(free))]
    return qid, text.replace("{topic}", topic)


def _mark(conv: Conversation, qid: str | None) -> None:
    if qid:
        conv.asked.append(qid)


def _allowed(conv: Conversation, q: Question) -> bool:
    if q.id in conv.asked:
        return False
    if "own_part" in q.tags and (not conv.own_part or conv.disclosed or conv.careful):
        return False
    if "options_named" in q.tags and not conv.options_named:
        return False
    return not ("agreed" in q.tags and not conv.agreed)


def _choose(conv: Conversation, stage: str, topic: str) -> Question | None:
    bank = [
        q
        for q in question_bank()
        if q.stage == stage and _allowed(conv, q) and ("{topic}" not in q.text or topic)
    ]
    if not bank:
        return None
    focused = [q for q in bank if q.focus in conv.focus]
    general = [q for q in bank if q.focus == "general"]
    if conv.turns <= 1 and not conv.asked:
        # The first question of a conversation rotates through the leader's
        # conversations, so each one opens differently.
        pool = sorted(
            focused + general or bank,
            key=lambda q: hashlib.sha256(f"{conv.series or conv.seed}:{q.id}".encode()).digest(),
        )
        return pool[conv.number % len(pool)]
    prefer_focus = focused and _pick(f"{conv.seed}:{conv.turns}:focus", 2) == 0
    pool = (focused if prefer_focus else general) or focused or general or bank
    return pool[_pick(f"{conv.seed}:{conv.turns}:{stage}", len(pool))]


def _stage_question(conv: Conversation, topic: str) -> tuple[str | None, str]:
    """The next GROW question, from the current stage onwards: (id, text)."""
    if conv.agreed and conv.stage == "will":
        scale = next(
            (q for q in question_bank() if q.text.startswith("On a scale") and _allowed(conv, q)),
            None,
        )
        if scale:
            return scale.id, scale.text
    order = STAGES[STAGES.index(conv.stage) :] + STAGES[: STAGES.index(conv.stage)]
    for stage in order:
        question = _choose(conv, stage, topic)
        if question:
            if stage != conv.stage:
                conv.stage, conv.stage_turns = stage, 0
            return question.id, question.text.replace("{topic}", topic)
    return None, "What would you like to do with everything you have said?"


FOCUS_NAMES = {
    "delegation": "delegation",
    "conflict": "handling conflict",
    "communication": "communication",
    "priorities": "priorities",
    "change": "leading change",
    "presence": "executive presence",
    "decision": "decision-making",
    "self_awareness": "self-awareness",
    "public_speaking": "public speaking",
}


def _opening(conv: Conversation) -> tuple[str, str]:
    """The first question when the leader opens with a greeting or nothing yet: from
    their plan when there is one, and different from one conversation to the next
    (the leader's conversations take turns through the openings)."""
    topic = conv.context_topic
    data = replies()["opening"]
    items: list[tuple[str, str]] = []
    if topic:
        items += [
            (f"opening:plan:{i}", t.replace("{topic}", topic)) for i, t in enumerate(data["plan"])
        ]
    for focus in conv.focus:
        if focus in FOCUS_NAMES:
            items += [
                (f"opening:focus:{focus}:{i}", t.replace("{focus}", FOCUS_NAMES[focus]))
                for i, t in enumerate(data["focus"])
            ]
    items += [
        (q.id, q.text.replace("{topic}", topic))
        for q in question_bank()
        if q.stage == "goal" and q.focus in conv.focus and ("{topic}" not in q.text or topic)
    ]
    if len(items) < 10:  # little or no plan: the general openings too
        items += [(f"opening:general:{i}", t) for i, t in enumerate(data["general"])]
        items += [
            (q.id, q.text)
            for q in question_bank()
            if q.stage == "goal" and q.focus == "general" and "{topic}" not in q.text
        ]
    key = conv.series or conv.seed
    items.sort(key=lambda it: hashlib.sha256(f"{key}:{it[0]}".encode()).digest())
    return items[conv.number % len(items)]


def _topic(conv: Conversation, text: str, reading: Reading) -> str:
    if reading.substantive and not reading.labels & _ACKED:
        topic = topic_from(text)
        if topic != "this":
            return topic
    return conv.context_topic


_ACKED = {
    "injection",
    "identity_question",
    "privacy_question",
    "repeat_complaint",
    "clarify",
    "insult",
    "frustration",
    "sarcasm",
    "off_topic",
    "other_language",
    "advice_request",
}
_CHANGE_APPROACH = ("repeat_complaint", "clarify", "frustration", "sarcasm", "insult")


def _observe(conv: Conversation, text: str, reading: Reading) -> None:
    """Update what the conversation knows from a substantive turn."""
    low = text.lower()
    for focus, cues in FOCUS_CUES.items():
        if focus not in conv.focus and any(c in low for c in cues):
            conv.focus.append(focus)
    if "own_part_described" in reading.labels:
        conv.own_part = True
    if reading.stage == "goal":
        conv.goal_stated = True
    if COMMITMENT.search(low) and not RATING.fullmatch(text.strip(" .!")):
        conv.agreed = True
        conv.commitment = text.strip()
    if reading.stage == "options" or re.search(r"\bor\b", low) and reading.stage:
        conv.options_named = True


def _advance(conv: Conversation, reading: Reading) -> None:
    """Move the stage by what the leader said: a later stage they speak to, or enough
    said in this one (a goal stated and refined, the situation described, options named)."""
    if conv.stage == "close":
        return
    order = list(STAGES)
    current = order.index(conv.stage)
    detected = reading.stage
    if detected == "will" and not conv.agreed:
        detected = "options"
    if detected and order.index(detected) > current:
        conv.stage, conv.stage_turns = detected, 1
        return
    conv.stage_turns += 1
    enough = {"goal": 2 if conv.goal_stated else 3, "reality": 2, "options": 2, "will": 3}
    if conv.stage_turns >= enough[conv.stage] and not (conv.stage == "will" and not conv.agreed):
        conv.stage, conv.stage_turns = order[current + 1], 0


def _assemble(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _shorter(ack: str) -> str:
    """An acknowledgement in fewer words, keeping what it answers: an opening courtesy
    before the substance goes ("That's a fair thing to ask."), and so does what
    follows the first clause ("...; your sponsor never sees it", ", and your coach ...")."""
    sentences = re.split(r"(?<=[.!?])\s+", ack.strip())
    if len(sentences) > 1 and ":" not in sentences[0]:
        sentences = sentences[1:]
    first = re.split(r";|, and |, but ", sentences[0])[0].rstrip(" ,.;:")
    return first + "."


def _fit(ack: list[str], reflection: str, question: str) -> tuple[str, str]:
    """The reply within the rules: drop the reflection, then say each acknowledgement
    in fewer words, then drop extra acknowledgements, before ever dropping the question."""
    reply = _assemble(*ack, reflection, question)
    if validate_reply(reply) and reflection:
        reflection = ""
        reply = _assemble(*ack, question)
    if validate_reply(reply) and len(ack) > 1:
        ack = [_shorter(a) for a in ack]
        reply = _assemble(*ack, question)
    while validate_reply(reply) and len(ack) > 1:
        ack = ack[:-1]
        reply = _assemble(*ack, question)
    return reply, reflection


def respond(conv: Conversation, leader_text: str, resources: Resources | None = None) -> Turn:
    """The companion's reply to one leader turn; updates ``conv`` in place."""
    conv.turns += 1
    text = normalise(leader_text)
    assessment = assess(text)
    if assessment.crisis:
        category = str(assessment.category)
        conv.careful, conv.disclosed, conv.category = True, True, category
        conv.referral_language = assessment.language
        conv.pending = "careful"
        reply = referral_reply(
            assessment.category,  # type: ignore[arg-type]  # a crisis always has a category
            resources or Resources.default(),
            language=assessment.language,
        )
        return Turn(reply=reply, stage=conv.stage, referred=True, category=category)
    reading = read(text)
    if reading.labels & {"harm_hint", "harm_word"}:
        conv.disclosed = True
    unsafe = reading.no or re.search(r"\bnot (safe|ok|okay|fine|really)\b", text.lower())
    just_referred = conv.careful and conv.pending == "careful"
    if just_referred and unsafe and conv.category != Category.LEGAL_ETHICS:
        # "No" to "Are you safe right now?": the help again, first.
        reply = referral_reply(
            Category(conv.category),  # type: ignore[call-arg]  # a lookup by value
            resources or Resources.default(),
            language=conv.referral_language,
        )
        return Turn(reply=reply, stage=conv.stage, referred=True, category=conv.category)
    if conv.careful:
        return _careful_turn(conv, text, reading)
    return _coaching_turn(conv, text, reading)


def _careful_turn(conv: Conversation, text: str, reading: Reading) -> Turn:
    """After a referral: care, the coach if the leader wants, and no GROW questions
    until the leader says they want to go on."""
    labels = reading.labels
    wants_on = "go_on" in labels and not re.search(
        r"\b(can'?t|cannot|don'?t want to|do not want to|not) (go on|continue|carry on|keep going)",
        text.lower(),
    )
    if wants_on:
        conv.careful, conv.pending = False, ""
        ack, meta = _answers(conv, reading, careful=True)
        qid, question = _stage_question(conv, conv.context_topic)
        _mark(conv, qid)
        reply, _ = _fit([replies()["careful"]["go_on"][0], *ack], "", question)
        return Turn(reply=reply, stage=conv.stage, referred=False, question_id=qid, meta=("go_on",))
    ack, meta = _answers(conv, reading, careful=True)
    if conv.pending == "careful":
        ack.insert(0, replies()["careful"]["first"][0])
        conv.pending = ""
    elif "careful:reminder" not in conv.said:
        ack.append(replies()["careful"]["reminder"][0])
        conv.said.append("careful:reminder")
    qid, question = _from_list(conv, "careful", "questions")
    if not qid:
        question = "What would help you most right now?"
    _mark(conv, qid)
    reply, _ = _fit(ack, "", question)
    return Turn(
        reply=reply, stage=conv.stage, referred=False, question_id=qid or None, meta=tuple(meta)
    )


def _answers(conv: Conversation, reading: Reading, careful: bool = False):
    """The acknowledgements a turn about the conversation itself gets, before the
    question: (sentences, the labels answered)."""
    labels = reading.labels
    ack: list[str] = []
    meta: list[str] = []
    if "other_language" in labels:
        ack.append(_ack(conv, "other_language"))
        meta.append("other_language")
        if "advice_request" in labels or "advice_accept" in labels:
            ack.append(_ack(conv, "advice_other_language"))
            meta.append("advice_request")
        for label, key in (
            ("frustration", "frustration_other_language"),
            ("repeat_complaint", "repeat_other_language"),
            ("identity_question", "identity_other_language"),
            ("privacy_question", "privacy_other_language"),
        ):
            if label in labels:
                ack.append(_ack(conv, key))
                meta.append(label)
        return ack, meta
    if "injection" in labels:
        ack.append(_ack(conv, "injection"))
        meta.append("injection")
    if "identity_question" in labels:
        ack.append(_ack(conv, "maker" if "maker_question" in labels else "identity"))
        meta.append("identity_question")
    if "privacy_question" in labels:
        ack.append(_ack(conv, "privacy"))
        meta.append("privacy_question")
    if careful and labels & {"advice_request", "advice_accept"}:
        ack.append(_ack(conv, "advice_careful"))
        meta.append("advice_request")
    for label in ("insult", "repeat_complaint", "frustration", "sarcasm", "clarify"):
        if label in labels:
            meta.append(label)
    # Each complaint about the conversation is answered in its own words: a repeat
    # and frustration always (they ask for a change), then an insult, sarcasm or a
    # request to clarify; at most two sentences, so the reply stays short.
    missed = [
        label
        for label in ("repeat_complaint", "frustration", "insult", "sarcasm", "clarify")
        if label in labels
    ]
    for label in missed[:2]:
        ack.append(_ack(conv, label))
    if "off_topic" in labels and not (reading.substantive and reading.stage):
        ack.append(_ack(conv, "off_topic_advice" if "off_topic_advice" in labels else "off_topic"))
        meta.append("off_topic")
    return ack, meta


def _perspectives_reply(conv: Conversation, ack: list[str] | None = None) -> str:
    """Two or three perspectives for the leader's focus area, as possibilities some
    leaders take, never as instructions; then which of them fits. What else the turn
    said about the conversation ("you already asked that") is acknowledged first."""
    data = perspectives()
    area = next((f for f in conv.focus if f in data), "general")
    items = data[area]
    start = _pick(f"{conv.seed}:perspectives", len(items))
    chosen = [items[(start + i) % len(items)] for i in range(3)]
    lead = _ack(conv, "perspectives")
    question = replies()["resume"]["after_perspectives"][0]
    three = f"Some leaders in this spot {chosen[0]}; others {chosen[1]}; and some {chosen[2]}."
    two = f"Some leaders in this spot {chosen[0]}; others {chosen[1]}."
    said = list(ack or [])
    short = [_shorter(a) for a in said]
    reply = ""
    # within the length rule: fewer words for the acknowledgements, then two perspectives
    for before, body in ((said, three), (short, three), (said, two), (short, two), ([], two)):
        reply = _assemble(*before, lead, body, question)
        if not validate_reply(reply):
            break
    return reply


def _advice(conv: Conversation, reading: Reading, ack: list[str], meta: list[str]) -> str:
    """A request for advice is acknowledged plainly; asked again, perspectives are
    offered; agreed, two or three are given. Returns what to do next: "", "offer"
    (the reply is the offer) or "give" (the reply is the perspectives)."""
    labels = reading.labels
    asked = "advice_request" in labels
    accepts = "advice_accept" in labels
    if conv.pending == "perspectives":
        conv.pending = ""
        if reading.no:
            ack.append(_ack(conv, "advice_declined"))
            meta.append("advice_declined")
            return ""
        if accepts or asked:
            return "give"
    if accepts and conv.advice_asks and not conv.perspectives_given:
        return "give"
    if accepts and not asked and not conv.advice_asks:
        if not (
            _matches("advice_request", reading.text)
            or "advice_request" in said_to_the_companion(reading.text)
        ):
            return ""  # "yes please" to something else
        asked = True  # "give me some options", the first time
    if accepts and conv.perspectives_given:
        ack.append(_ack(conv, "advice_again"))
        meta.append("advice_request")
        return ""
    if not (asked or accepts):
        return ""
    conv.advice_asks += 1
    meta.append("advice_request")
    if conv.perspectives_given:
        ack.append(_ack(conv, "advice_again"))
    elif conv.advice_asks >= 2:
        ack.append(_ack(conv, "advice_offer"))
        return "offer"
    else:
        ack.append(_ack(conv, "advice_task" if "advice_task" in labels else "advice_first"))
    return ""


def _coaching_turn(conv: Conversation, text: str, reading: Reading) -> Turn:
    labels = reading.labels
    qid: str | None  # a question's id; None when the stage has none left
    ack, meta = _answers(conv, reading)

    # Another language: said plainly, and never pretending to have understood.
    if "other_language" in labels:
        qid, question = _from_list(conv, "resume", "other_language")
        if not qid:
            qid, question = _stage_question(conv, "")
        _mark(conv, qid)
        reply, _ = _fit(ack, "", question)
        return Turn(
            reply=reply, stage=conv.stage, referred=False, question_id=qid, meta=tuple(meta)
        )

    # Harm done to the leader that the safety net did not refer: no coaching on top of
    # it, no reflection, no topic — a gentle question, and the leader leads.
    if "harm_hint" in labels and not meta:
        qid, question = _from_list(conv, "careful", "questions")
        _mark(conv, qid)
        harm_ack = [replies()["careful"]["harm"][0]]
        if labels & {"advice_request", "advice_accept"}:
            harm_ack.append(_ack(conv, "advice_careful"))
        reply, _ = _fit(harm_ack, "", question or "What would help you most right now?")
        return Turn(
            reply=reply, stage=conv.stage, referred=False, question_id=qid or None, meta=("harm",)
        )

    if "injection" not in labels:
        step = _advice(conv, reading, ack, meta)
        if step == "give":
            conv.perspectives_given = True
            conv.options_named = True
            conv.pending = "chosen"
            return Turn(
                reply=_perspectives_reply(conv, ack),
                stage=conv.stage,
                referred=False,
                question_id="perspectives",
                meta=("advice_accept", *meta),
            )
        if step == "offer":
            conv.pending = "perspectives"
            reply, _ = _fit(ack, "", replies()["resume"]["offer_perspectives"][0])
            return Turn(
                reply=reply,
                stage=conv.stage,
                referred=False,
                question_id="offer-perspectives",
                meta=tuple(meta),
            )
    change_approach = bool(
        set(meta) & {"insult", "repeat_complaint", "frustration", "sarcasm", "clarify"}
    )
    if change_approach and not set(meta) & {"advice_request", "advice_declined"}:
        ack.append(_ack(conv, "change"))

    # The answer to a closed offer (adding the commitment to the plan).
    if conv.pending == "action" and not meta:
        conv.pending = ""
        if reading.yes or reading.no:
            ack.append(_ack(conv, "action_yes" if reading.yes else "action_no"))
            conv.stage = "close"
            qid, question = _stage_question(conv, "")
            _mark(conv, qid)
            reply, _ = _fit(ack, "", question)
            return Turn(reply=reply, stage=conv.stage, referred=False, question_id=qid)
    if conv.pending == "action":
        conv.pending = ""

    # A commitment rated: offer to add it to the plan.
    low = text.lower()
    if (
        not meta
        and conv.stage in ("will", "close")
        and conv.commitment
        and conv.agreed
        and not conv.offered_action
        and (re.search(r"out of (10|ten)|/10", low) or RATING.fullmatch(text.strip(" .!")))
    ):
        conv.offered_action = True
        conv.pending = "action"
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

    topic = _topic(conv, text, reading)
    substantive = reading.substantive and not reading.minimal
    if meta:
        if substantive and not set(meta) & {"injection", "off_topic"}:
            _observe(conv, text, reading)
        if change_approach:
            qid, question = _change_approach(conv, topic)
        else:
            qid, question = _stage_question(conv, topic)
        _mark(conv, qid)
        if meta == ["off_topic"] and not substantive:
            oid, oq = _from_list(conv, "resume", "off_topic")
            if oid:
                if qid in conv.asked:
                    conv.asked.remove(qid)
                qid, question = oid, oq
                conv.asked.append(qid)
        reply, _ = _fit(ack, "", question)
        return Turn(
            reply=reply, stage=conv.stage, referred=False, question_id=qid, meta=tuple(meta)
        )

    # Nothing in it yet: a first greeting opens from the plan; later, a gentle
    # question invites more and the stage stays where it is.
    if not substantive:
        if not conv.asked:
            qid, question = _opening(conv)
        else:
            key = "goal_stated" if conv.stage == "goal" and conv.goal_stated else conv.stage
            qid, question = _from_list(conv, "invite", key)
            if qid:
                lead = replies()["invite"]["lead"]
                ack.append(lead[_pick(f"{conv.seed}:{conv.turns}:lead", len(lead))])
            if not qid:
                qid, question = _from_list(conv, "concrete", conv.stage)
            if not qid:
                qid, question = _stage_question(conv, conv.context_topic)
        _mark(conv, qid)
        reply, _ = _fit(ack, "", question)
        return Turn(
            reply=reply, stage=conv.stage, referred=False, question_id=qid, meta=("minimal",)
        )

    _observe(conv, text, reading)
    if conv.pending == "chosen" and STAGES.index(conv.stage) < STAGES.index("options"):
        conv.stage, conv.stage_turns = "options", 0  # weighing the perspectives offered
    conv.pending = ""
    _advance(conv, reading)
    qid, question = _stage_question(conv, topic)
    _mark(conv, qid)
    reflection = reflect(text, conv)
    reply, reflection = _fit([], reflection, question)
    return Turn(
        reply=reply,
        stage=conv.stage,
        referred=False,
        question_id=qid,
        feeling=detect_feeling(text),
        reflection=reflection,
    )


def _change_approach(conv: Conversation, topic: str) -> tuple[str | None, str]:
    """A different angle: the next stage when this one has had its say, otherwise a
    more concrete question in the same stage."""
    if (
        conv.stage_turns >= 1
        and conv.stage not in ("will", "close")
        and (conv.stage != "options" or conv.agreed)
    ):
        conv.stage = STAGES[STAGES.index(conv.stage) + 1]
        conv.stage_turns = 0
        return _stage_question(conv, topic)
    qid, question = _from_list(conv, "concrete", conv.stage)
    if qid:
        return qid, question
    return _stage_question(conv, topic)


OPENING = (
    "I am Bearing's companion: software, not a person, and not therapy. I ask questions to "
    "help you think; I do not give advice. What you write here stays between you and Bearing "
    "unless you choose to share it with your coach, and you can delete it at any time."
)

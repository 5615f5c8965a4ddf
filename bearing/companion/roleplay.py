"""Role-play of difficult conversations, offline and deterministic.

The companion plays the counterpart. Their tension (0–10) answers what a leader's
turn *means*, not which words it contains: each turn is read as moves —
acknowledging, asking an open question, naming an observable detail, owning one's
part, empathy, reassurance, working together (they ease it); blame, dismissal,
threat, contempt, sarcasm, commands, a "but" that takes an acknowledgement back, and
a harsh message wrapped in polite words (they raise it). The moves come from cue lists
kept as data (data/roleplay/moves.txt), from how a sentence is built (an order, a
"why ... you" that accuses, an "if you ..., we will ..." that threatens, a label after
"you're so"), from judgements aimed at the person or their work, and — only when none
of these names anything — from a small tone model of words and word pairs. Negation
turns a move into its opposite ("I'm not blaming you"), but a disclaimer does not
("I'm not saying you're lazy, but ..."); the last clause decides. Steps shrink near 0
and 10, so the counterpart never snaps to an extreme.

The counterpart answers what was said: a question gets an answer in character, an
acknowledgement is acknowledged, a named detail (a date, a number, a person, a
project) is picked up — used in that one reply and never kept. The state (tension,
move counts, ids of the lines used) holds none of the leader's words.

The debrief reports what the leader did, with quotes of the moments that moved the
tension (a turn the safety net referred is left out), reflective questions for the
scenario, and what the talk share shows in that scenario — observations, not a score.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .llm import ModelError, _request, scrub
from .safety import assess

DATA = Path(__file__).resolve().parent / "data"
SCENARIOS = DATA / "scenarios.json"
MOVES = DATA / "roleplay" / "moves.txt"
REACTIONS = DATA / "roleplay" / "reactions.json"
TONE = DATA / "roleplay" / "tone.json"
TONE_EXAMPLES = DATA / "roleplay" / "tone_examples.tsv"

# --- How a turn moves the tension ------------------------------------------------------

# A negated cue reads as another move, at a share of its weight ("I'm not blaming you"
# reassures; "I don't understand why you..." challenges; "it's not my fault" deflects).
NEGATED = {
    "blame": ("reassurance", 0.6),
    "threat": ("reassurance", 1.0),
    "contempt": ("reassurance", 0.4),
    "acknowledgement": ("challenge", 1.0),
    "empathy": ("dismissal", 0.5),
    "ownership": ("deflection", 1.0),
    "appreciation": ("blame", 0.5),
    "collaboration": ("dismissal", 0.6),
    "curiosity": ("dismissal", 0.5),
    "command": ("reassurance", 0.6),  # "I'm not asking you to fix this alone"
}
DERIVED_WEIGHTS = {"challenge": 0.6, "deflection": 1.0}
EASING_LEADS = ("ownership", "empathy", "acknowledgement", "appreciation", "reassurance")
RAISING = (
    "blame",
    "criticism",
    "dismissal",
    "threat",
    "contempt",
    "sarcasm",
    "command",
    "challenge",
    "deflection",
)
# What the counterpart reacts to first when a turn raises the tension.
LEAD_ORDER = (
    "threat",
    "contempt",
    "sarcasm",
    "dismissal",
    "blame",
    "criticism",
    "deflection",
    "command",
    "challenge",
    "harsh_tone",
)
HARSH = ("blame", "criticism", "dismissal", "threat", "contempt", "sarcasm")  # can undo politeness

OPEN_QUESTION = -0.9
CLOSED_QUESTION = 0.0  # a closed factual question neither eases nor raises
SPECIFIC = -0.8  # an observation: what the person did, when, with what effect
SPECIFIC_UNTIL = 0.3  # a turn already pushing harder than this gets no credit for detail
BUT_UNDO = 0.7  # "I hear you, but..." — the acknowledgement is taken back
BUT_KEEPS = 0.3  # share of the acknowledgement that survives a "but"
POLITE_WRAP = 1.0  # a harsh last clause after polite words
POLITE_KEEPS = 0.2  # share of the polite words that survive a harsh ending
SOFTENED_KEEPS = 0.5  # share of harshness that survives a "but" that turns kind
SHOUTING = 0.8
CRITICISM = 1.2  # a negative judgement aimed at the person or their work
QUESTION_CREDIT_MAX = 2

# Tension step: a share of the distance to the bound the turn pushes towards, so the
# steps shrink near 0 and 10. The share saturates with the strength of the turn.
MAX_SHARE = 0.36
SCALE = 2.0
DEAD_ZONE = 0.25  # a turn this weak leaves the tension where it is

NEGATORS = re.compile(
    r"\b(not|never|no|nobody|nothing|hardly|without|neither|nor|none)\b(?![,.!?])"
)
CONTRAST = re.compile(
    r"(?:,\s*|\s+|^)(?<!even )(?:but|however|although|though|except that)\b"
    r"|(?:^|[,;.]\s*)(?:still|yet|that said|having said that|even so|nevertheless|nonetheless"
    r"|anyway|anyhow|regardless),"
)
# Judgements aimed at the person or their work (see _judgement_hits).
AIMED = re.compile(
    r"\b(you|your|yours|yourself)\b|\b(this|that|the) (report|work|plan|deck|proposal|draft|effort"
    r"|attitude|performance|analysis|code|presentation|output|result|results|behaviou?r|tone)\b"
)
OWNED = re.compile(
    r"\bby (us|me)\b|"
    r"\b(i|we) (made|caused|was|were|did|have been|had been|got|should|could|handled|messed"
    r"|dropped)\b"
    r"|\b(my|our) (fault|mistake|part|error)\b"
)
FOR_THEM = re.compile(
    r"\b(for|on|to) you\b|\bsounds\b|\bmust (be|have)\b|\bseems? (like )?(it|that)"
)
NEGATIVE_WORDS = re.compile(
    r"\b(worst|terrible|awful|poor|bad|garbage|rubbish|mess|messy|failure|failing|disappointing"
    r"|disappointment|unacceptable|careless|useless|sloppy|lazy|weak|wrong|problem|pathetic|joke"
    r"|nonsense|embarrassing|shambles|disaster|substandard|subpar|mediocre|inadequate"
    r"|unprofessional|incompetent|hopeless|clueless|inexcusable|ridiculous|absurd|amateur"
    r"|amateurish|appalling|dreadful|horrible|lousy|crap|half-hearted|lame|shoddy|unreliable"
    r"|not good enough|below par|below standard|a letdown|let down)\b"
)
POSITIVE_WORDS = re.compile(
    r"\b(great|excellent|strong|brilliant|impressive|valuable|outstanding|amazing|fantastic"
    r"|thoughtful|generous|talented|invaluable|exceptional|superb|rate|proud|admire|grateful"
    r"|sharp|thorough|solid|insightful|careful|creative|spot on|first-rate|good|helpful|useful"
    r"|refreshing"
    r"|thank|thanked|thanking|done a lot|done so much|given so much)\b"
)
SUPERLATIVE = re.compile(r"\b(worst|most (useless|pathetic|careless|embarrassing|incompetent))\b")
RHETORICAL = re.compile(
    r"^(do|did|does|have|has|can|could|will|would|are|were|is|was) you (\w+ )?(ever|actually|even"
    r"|seriously|honestly|really)\b(?!.*\b(okay|ok|alright|all right|sure)\?)"
    r"|\bwho (exactly |the hell |on earth )?do you think\b|^do i look like\b"
    r"|\bwhat (exactly |on earth )?(is|was) (that|this) supposed to\b|\bhow (dare|could) you\b"
)
# How a sentence is built (see _structure_hits).
BLUNT_PREFACE = 0.8
PREFACE = re.compile(
    r"^(frankly|honestly|bluntly|with (all )?(due )?respect|no offen[cs]e|not to be rude"
    r"|to be (blunt|frank|honest|brutally honest|fair)|let us be (honest|realistic|frank|clear"
    r"|real|straight)|let me be (clear|blunt|frank|direct)|i will be (blunt|frank)|look|listen"
    r"|i am (just|only) being (honest|realistic)|we both know|let us face it|face it)\b[,:;.!]?\s*"
)
IMPERATIVE = re.compile(
    r"^(just |please |now )?(stop|sign|find|get|go|do|clear|pack|take|make|give|leave|send|fix"
    r"|listen|calm|look|deal|accept|move|try|read|think|grow|drop|forget|keep|quit|show|hand"
    r"|finish|sort|stay|be|learn|check|focus|deliver|cancel|wait|put|answer|come|hurry|shut"
    r"|spare|skip|cut|bring|use|follow|work|start|ask|tell|explain|prove|own|pull|step)\b"
    r"(?! (you|we|i|they|he|she|it)\b)"
    r"|^do not (\w+ )?(waste|bother|start|give|try|even|make|interrupt|argue|tell|come|push|be"
    r"|talk|raise|bring|question|expect|ask|go|get|speak|use|take)\b"
)
SUPPORTIVE_IMPERATIVE = re.compile(
    r"^(just |please |now )?(take (your|a|the|whatever|all the|as much|some) (time|breath|moment"
    r"|seat|minute|break|day)|take care|tell me|help me|walk me|talk me|take me|let me know|go"
    r" ahead|go on|feel free|let us|ask me|call me|come (and|to) (me|see|find)|say more|keep"
    r" (them|those) coming|think about what (you|would)|be honest with me|have a seat|sit down"
    r" if|look after yourself|get some rest|take it easy|give me a (call|shout)|try not to worry"
    r"|read it when|come back to me|start wherever|do not (worry|hesitate|rush|apologi[sz]e|feel"
    r" (bad|guilty|you have)|blame yourself|be (hard|too hard) on yourself))"
)
WHY_YOU = re.compile(r"^why\b.*\b(you|your)\b")
WHY_GENUINE = re.compile(
    r"^why (do|did|would) you (think|feel|believe|see|say that|want|prefer|choose|suggest)\b"
    r"|^why (is|was) (this|that|it) (important|hard|difficult) (for|to) you\b"
)
ULTIMATUM = re.compile(
    r"\b(if|unless|when|next time) (you|your \w+|this|it) [^.!?]{0,60}?\b(miss|fail|do not|can"
    r" not|will not|keep|continue|again|another|refuse|push|are late|turn up late|go over|ever)"
    r"\b[^.!?]{0,60}?,? (we|i|you|there|this|that|it|hr) (will|are going to|would|am going to"
    r"|is going to|might|may|could|have to|need to)\b(?! (help|support|understand|talk it|be"
    r" here|listen|find|work|sort|figure|look at how|be happy))"
)
GENERALISED = re.compile(
    r"\b(you|your \w+|you are|you have|they|your team|your department|your people)\b( \w+)?"
    r" (always|never|constantly|forever|continually|repeatedly|invariably|every single time)\b"
    r"|\b(every|each) (single )?time (you|your|we ask|i ask)\b|\byet again\b|\bagain and again\b"
)
COMPARED = re.compile(
    r"\b(everyone else|everybody else|the rest of (the team|us|them)|your (colleagues|peers"
    r"|predecessor|counterparts|team-?mates)|other (people|teams|managers|customers|departments"
    r"|candidates|designers|engineers)|the others|someone else in your|unlike you|than you)\b"
)
LABEL = re.compile(
    r"\byou are (so|too|such an?|being|always|really|just|incredibly|very|quite|pretty|way too"
    r"|far too|being so|being too|acting|so very) (?P<word>[a-z-]+)"
)
NOT_LABELS = frozenset(
    {
        "right",
        "welcome",
        "safe",
        "valued",
        "appreciated",
        "important",
        "good",
        "kind",
        "helpful",
        "capable",
        "close",
        "new",
        "much",
        "many",
        "sure",
        "clear",
        "honest",
        "open",
        "patient",
        "brave",
        "calm",
        "generous",
        "talented",
        "busy",
        "stretched",
        "tired",
        "upset",
        "worried",
        "frustrated",
        "hurt",
        "angry",
        "stressed",
        "anxious",
        "nervous",
        "on",
        "in",
        "at",
        "the",
        "a",
        "an",
        "not",
        "asked",
        "given",
        "going",
        "doing",
        "thinking",
        "trying",
        "feeling",
    }
)
# Words that turn a remark about the person into an accusation: "you still let it
# slip", "could you at least pretend", "we pay you well enough already".
STANCE = re.compile(
    r"\b(you|your \w+) (\w+ )?still\b(?! (want|need|have|feel|okay|ok|able|on|in|with|here"
    r"|there|free|coming|keen|interested|happy))|\beven (?!though|if|when|so|more|better|now)\w+"
    r"|\bat least\b(?! (we|i|it|that|the|there|for now))|\bsupposed to\b|\bbother(ed)? to\b"
    r"|\bpretend\b|\bwell enough\b|\benough already\b|\bfor once\b|\bagain[.!?]*$"
    r"|\b(second|third|fourth|fifth|umpteenth|hundredth|tenth) time\b"
    r"|\b(obviously|clearly|apparently|evidently) (you|your|nobody|no one)\b"
)
AUTHORITY = re.compile(
    r"\bi am the one (making|who makes|who decides|in charge|deciding)|\bi am (your|the) boss\b"
    r"|\bi make the decisions\b|\bi (will|am) only (going to )?say (this|it) once\b"
    r"|\bi will not say (this|it) again\b|\bdo not make me\b|\bwho is in charge\b"
    r"|\bremember who\b|\bbecause i said so\b|\b(it is|that is) my (call|decision)\b"
    r"|\bi am the (manager|boss|one in charge|director|head of)\b|\bend of[.!]*$"
    r"|\bi (will|get to|shall) decide\b|\bi do not (have|need) to (justify|explain) (myself|my"
    r" decisions?|anything|this|that)\b|\b(watching|monitoring|keeping an eye on|keeping"
    r" tabs on) (you|your)\b"
)
SUBORDINATE = re.compile(r"\b(why|how|what|when|because|if|whether|where|who|which)\b")
DISCLAIMER = re.compile(
    r"\b(not|nobody is|no one is|never) (saying|calling|suggesting|implying|accusing|claiming"
    r"|questioning|doubting|criticising|criticizing)\b"
)
SARCASM_CONTEXT = re.compile(
    r"\b(another|yet again|again[.!?]*$|finally|for once|as usual|as always|as ever|excuses?|wow"
    r"|apparently"
    r"|of course|as if|(so|very) (late|helpful of you)|for nothing)\b"
)
POSITIVE_FOR_SARCASM = ("acknowledgement", "appreciation", "empathy", "collaboration")
DISCOURSE = re.compile(
    r"^(?:(?:so|and|okay|ok|well|then|now|right|but|also|alright|look|listen|honestly|"
    r"just|quickly|first|one more thing|hey|hi|hello|sorry|please|oh|and so|so then)[,\s]+)+"
)
OPEN_START = re.compile(
    r"^(what|how|which|where|when|who|whose|in what way|to what extent|tell me|help me"
    r"|walk me through|take me through|talk me through|describe|explain"
    r"|(could|can|would|will) you (tell|walk|help|say|share|explain|describe|talk|take me)"
    r"|i wonder|i am curious)\b"
)
WHY_START = re.compile(r"^why\b")
# "What time does your flight leave?" asks for a fact: a closed question in effect.
FACTUAL = re.compile(
    r"^(what|which) (time|date|day|room|address|number|version|floor|file|email|order|account"
    r"|reference|format|size|page)\b|^who (else )?(was|were|is|are|has|had|did|will)\b"
    r"|^(what|which) (is|are|was|were) (the|your|our) (\w+ )?(time|date|day|room|address|number"
    r"|version|floor|file|email|order|account|reference|format|size|page|name|deadline)\b"
    r"|^how (many|much|long|often)\b(?!.*\b(feel|matter|mean|worry)\b)"
    r"|^(when|where) (is|are|was|were|does|do|did|will|can|should)"
    r" (the|it|this|that|your|our|we|they)\b(?!.*\b(feel|think|see|need|want|worry)\b)"
)
QUESTION_WORD = re.compile(
    r"^(what|how|which|where|when|who|why|do|does|did|are|is|was|were|can|could|would|will"
    r"|should|shall|have|has|may|might)\b"
)
QUESTION_KINDS = (
    (
        "feelings",
        r"how (are|were) you (feeling|doing|holding up|coping|taking)|how do you feel|how did"
        r" (that|this|it) (feel|land)|how (does|is) (that|this|it) (feel|land|sit)|how is this"
        r" (landing|for you)|are you (ok|okay|alright|all right)|what (is|was) (that|this|it)"
        r" like for you|how (has|have) (that|this|it|things) (been|felt)|how (are|were) things",
    ),
    (
        "needs",
        r"what (do|would|will) you need|what (would|might|could) help|how (can|could|might) i"
        r" (help|support)|what support|what can (i|we) do (for you|to help|to make)|what would"
        r" make (this|it|things) (easier|better|work|right)|what do you want from|would you like"
        r" (me|a|some|to)|is there (anything|anyone|someone)|do you want (me|a|some)|can i (get|do"
        r"|call|bring)",
    ),
    (
        "concern",
        r"what (worries|concerns|bothers|frustrates|upsets|scares|annoys) you|what (is|are)"
        r" (the|your) (biggest |main |real )?(worry|worries|concern|concerns|fear|fears|issue)"
        r"|what are you (worried|afraid|concerned|anxious)|what (is|was) (the )?hardest",
    ),
    (
        "proposal",
        r"what would you (suggest|propose|do|like|want|recommend|change|drop|prioriti[sz]e)"
        r"|what (would|could|might) (work|a good|the right)|how (should|could|would|can|do|might)"
        r" we|what if we|would you be (willing|open|up for)|(could|can|shall|should) we|how"
        r" about|what are (the|our) options|what would (a good|success|good) |what (do|did)"
        r" you (want|have in mind|propose|suggest)|what (is|are) (your|the) (ask|proposal|idea)"
        r"|what would you (give|drop|trade)|which (one|option|would you)|would (a|an|it|that|this)"
        r" .{0,40}help",
    ),
)
DETAIL_PATTERNS = (
    (
        "date",
        r"\b(?:last |this |next |on )?(?:monday|tuesday|wednesday|thursday|friday|saturday"
        r"|sunday)(?:'s)?(?: (?:[a-z-]+ ){0,2}?(?:meeting|review|call|standup|stand-up|one-to-one"
        r"|1:1|presentation|session|demo|workshop|offsite|retro|planning|all-hands|huddle))?\b"
        r"|\b(?:in |on )?(?:january|february|march|april|june|july|august|september|october"
        r"|november|december)(?: \d{1,2}(?:st|nd|rd|th)?)?\b"
        r"|\byesterday(?:'s (?:[a-z-]+ )?(?:meeting|review|call|presentation|session))?\b"
        r"|\b(?:last|this|next) (?:week|month|quarter|sprint)'s (?:[a-z-]+ )?(?:meeting"
        r"|review|call|presentation|release|launch|report)\b"
        r"|\bon the \d{1,2}(?:st|nd|rd|th)\b",
    ),
    (
        "number",
        r"(?:[$€£]\s?\d[\d,.]*\s?[km]?\b|\b\d[\d,.]*\s?(?:%|percent\b|k\b)"
        r"|\b\d[\d,.]*(?: [a-z]+)?(?: [a-z]+s)?\b"
        r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
        r"|thirty|fifty|a dozen|dozens of|hundreds of) [a-z]+s\b)",
    ),
    (
        "project",
        r"\bthe (?:[A-Z][\w-]+ )+(?:project|launch|release|account|deal|contract|rollout"
        r"|migration|report|review|pitch|proposal|programme|program|initiative|plan|deck"
        r"|forecast|budget|team|client|system|platform|roadmap)\b"
        r"|\bthe (?:board|quarterly|monthly|weekly|annual|budget|sales|client|customer|launch"
        r"|design|hiring|product|ops|operations|forecast|q[1-4]) (?:report|review|forecast|plan"
        r"|meeting|deck|presentation|call|numbers|pitch|demo|launch|release|deadline)\b",
    ),
)
PERIOD = re.compile(
    r"\b(?:last|this|next) (?:week|month|quarter|sprint|year)\b|\bthis morning\b|\bq[1-4]\b",
    re.I,
)
# Capitalised words that are not a person's name.
NOT_NAMES = frozenset(
    {
        "i",
        "i'm",
        "i'd",
        "i've",
        "i'll",
        "ok",
        "okay",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "hr",
        "ceo",
        "cfo",
        "cto",
        "coo",
        "vp",
        "god",
        "english",
        "the",
        "a",
        "an",
        "and",
        "but",
        "so",
        "if",
        "when",
        "what",
        "how",
        "why",
        "who",
        "which",
        "this",
        "that",
        "these",
        "those",
        "we",
        "you",
        "they",
        "he",
        "she",
        "it",
        "our",
        "your",
        "my",
        "their",
        "his",
        "her",
        "its",
        "thanks",
        "thank",
        "please",
        "sorry",
        "yes",
        "no",
        "hi",
        "hello",
        "dear",
        "team",
        "board",
        "q1",
        "q2",
        "q3",
        "q4",
        "am",
        "pm",
    }
)
SPECIFIC_CUES = re.compile(
    r"\b(for example|for instance|specifically|in the (meeting|review|call|presentation"
    r"|standup|stand-up)|you said|when you said|i (noticed|saw|heard) (that|you|how))\b"
)
# ... and what it led to ("..., and the board caught two errors").
OBSERVED_EFFECT = re.compile(
    r"\b(and|so|which meant|which means|after which) (the|she|he|they|it|we|the team|the client"
    r"|the customer|the board|people|two|three|several) (\w+ )?(\w+ed|had to|went|lost|was|were"
    r"|could not|did not|stopped|left|missed|caught|spent|took)\b"
)
# An observation names what someone did ("you cut Priya off twice"); a detail alone
# ("the shipment left on the 2nd") is a plain fact and moves nothing.
OBSERVED_ACTION = re.compile(
    r"\b(you|your team|they|she|he) (\w+ed|cut|said|left|sent|missed|took|told|gave"
    r"|made|went|came|spoke|wrote|did|had|put|let|ran|kept|shut|talked|interrupted|raised|got"
    r"|arrived|broke|lost|forgot|spent|stopped)\b"
)
NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]{2,})\b")

CONTRACTIONS = (
    (r"[‘’`´]", "'"),
    (r"\bcan't\b|\bcannot\b|\bcant\b", "can not"),
    (r"\bwon't\b|\bwont\b", "will not"),
    (r"\bshan't\b", "shall not"),
    (r"\bain't\b", "is not"),
    (r"\b(do|does|did|is|are|was|were|have|has|had|could|should|would|must|need)n't\b", r"\1 not"),
    (r"\b(do|does|did|is|are|was|were|have|has|had|could|should|would)nt\b", r"\1 not"),
    (r"\bi'm\b|\bim\b", "i am"),
    (r"\b(you|we|they)'re\b|\b(you|they)re\b", r"\1\2 are"),  # not "were"
    (r"\b(i|you|we|they|would|could|should|must|might)'ve\b", r"\1 have"),
    (r"\b(i|you|we|they|he|she|it|that|there)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they|he|she|it|that|there)'d\b", r"\1 would"),
    (r"\blet's\b|\blets\b", "let us"),
    (
        r"\b(it|that|what|there|here|he|she|who|how|where|this|everyone|nobody|everything)'s\b",
        r"\1 is",
    ),
    (r"\bthats\b", "that is"),
    # "the answer's no", "Sam's not here": a noun's "'s" before these words is "is".
    (
        r"\b(\w+)'s (?=(no|not|never|a|an|the|just|only|over|done|final|happening|going|been"
        r"|got|fine|okay|ok|right|wrong|clear|true|late|here|there|still|always|so|too|very"
        r"|really|hardly)\b)",
        r"\1 is ",
    ),
    (r"\b(gonna)\b", "going to"),
    (r"\b(wanna)\b", "want to"),
    (r"\s+", " "),
)
_CONTRACTIONS = [(re.compile(a), b) for a, b in CONTRACTIONS]


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, contractions spelled out."""
    out = text.lower()
    for pattern, replacement in _CONTRACTIONS:
        out = pattern.sub(replacement, out)
    return out.strip()


@lru_cache(maxsize=1)
def cues() -> dict[str, tuple[float, re.Pattern]]:
    """The cue lists of data/roleplay/moves.txt, compiled: move -> (weight, pattern).
    A move's cues form one alternation: matches are leftmost and never overlap."""
    out: dict[str, tuple[float, list[str]]] = {}
    current = ""
    for raw in MOVES.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            current, weight = line[2:].split()
            out[current] = (float(weight), [])
            continue
        out[current][1].append(line)
    return {
        name: (
            weight,
            re.compile(r"(?<![\w'])(?:" + "|".join(f"(?:{p})" for p in pats) + r")(?![\w'])"),
        )
        for name, (weight, pats) in out.items()
    }


@dataclass(frozen=True)
class Detail:
    """Something concrete the leader named. Lives for one reply only, never stored."""

    kind: str  # date, number, person, project
    text: str


@dataclass
class Reading:
    """What one leader turn did. ``moves`` are counts (kept in the state); ``detail``
    holds the leader's own words and is only used for the reply."""

    moves: dict[str, int]
    score: float  # > 0 raises the tension, < 0 eases it
    question: str | None = None  # the kind of the genuine question asked, if any
    detail: Detail | None = None
    lead: str | None = None  # what the counterpart reacts to first


@dataclass
class _Hit:
    move: str
    weight: float
    start: int  # position in the joined, normalised turn
    sentence: int


def _sentences(norm: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n+|(?<=[.!?])(?=[a-z])", norm)
    return [p.strip() for p in parts if p and p.strip()]


def _contrasts(joined: str) -> list[int]:
    """Where a contrast turns the turn: after "but", "however", "that said," ...; for a
    leading "although A, B", at the comma (A is conceded, B is what is meant)."""
    cuts = []
    for m in CONTRAST.finditer(joined):
        word = m.group(0).strip(" ,;.").split()[0]
        at_start = m.start() == 0 or joined[: m.start()].rstrip().endswith((".", "!", "?"))
        if word in ("although", "though") and at_start:
            comma = joined.find(",", m.end())
            stop = min((joined.find(c, m.end()) % (len(joined) + 1) for c in ".!?"), default=0)
            if comma != -1 and (comma < stop or stop < m.end()):
                cuts.append(comma + 1)
            continue
        if len(joined[m.end() :].split()) >= 2:  # "I hear you, though." undoes nothing
            cuts.append(m.end())
    return sorted(set(cuts))


def _negated(sentence: str, start: int, window: int = 4) -> bool:
    """Whether a negation governs the cue at ``start``. "I'm not saying you're lazy"
    is a disclaimer, not a negation: the accusation still lands."""
    before = re.split(r"[,;:—–(]| - ", sentence[:start])[-1]
    words = " ".join(before.split()[-window:])
    if DISCLAIMER.search(before) or SUBORDINATE.match(sentence, start):
        return False
    found = list(NEGATORS.finditer(words + " "))
    if not found:
        return False
    # "I don't see why everyone is so emotional": the negation governs "see", not
    # what follows "why".
    return not SUBORDINATE.search(words[found[-1].end() :])


def _question_part(sentence: str) -> str:
    """The part of a sentence that asks: "I noticed six projects; what would you drop?"
    asks "what would you drop?"."""
    parts = [
        p.strip()
        for p in re.split(
            r"[;:—–]|,\s+(?=(?:so |and |but )?(?:what|how|which|where|when|who|why|could|can"
            r"|would|will|do|does|did|is|are)\b)",
            sentence,
        )
    ]
    for part in reversed(parts):
        if QUESTION_WORD.match(DISCOURSE.sub("", part)) or OPEN_START.match(
            DISCOURSE.sub("", part)
        ):
            return part
    return sentence


def _question_kind(q: str) -> str:
    for kind, pattern in QUESTION_KINDS:
        if re.search(pattern, q):
            return kind
    return "reasons"


def find_detail(text: str, counterpart: str = "") -> Detail | None:
    """The most concrete thing the leader named: a date, a number, a person, a project."""
    plain = text.replace("’", "'")
    for kind, pattern in DETAIL_PATTERNS:
        flags = 0 if kind == "project" else re.I
        for m in re.finditer(pattern, plain, flags):
            found = m.group(0).strip()
            found = re.sub(r"^(on|in) ", "", found, flags=re.I)
            if kind == "number" and not re.search(r"[a-z%$€£]", found.lower()):
                continue  # a bare number says little: "3" alone is not picked up
            if kind == "number" and re.search(r"\b(am|pm|o'clock|minutes?|and|or|of|to)\b", found):
                found = re.split(r"\s+(?:and|or|of|to)\b", found)[0]
                if re.search(r"\b(am|pm|o'clock)\b", found) or not re.search(r"[a-z%$€£]", found):
                    continue
            if found:
                return Detail(kind, found)
    own = {w.lower() for w in re.findall(r"[A-Za-z]+", counterpart.split(",")[0])}
    for m in NAME.finditer(plain):
        word = m.group(1)
        if word.lower() in NOT_NAMES or word.lower() in own:
            continue
        return Detail("person", word)
    # A period ("last week", "Q3") is the weakest detail: only when nothing else was named.
    period = PERIOD.search(plain)
    return Detail("date", re.sub(r"^(on|in) ", "", period.group(0), flags=re.I)) if period else None


def _judgement_hits(sentences: list[str], hits: list[_Hit]) -> list[_Hit]:
    """Evaluative words aimed at the person or their work, beyond the cue lists:
    "your attitude is the real problem" criticises; "I rate your work" appreciates;
    "do you ever actually listen?" is an accusation, not a question."""
    out: list[_Hit] = []
    offset = 0
    for s_index, sentence in enumerate(sentences):
        mine = {h.move for h in hits if h.sentence == s_index}
        aimed = (AIMED.search(sentence) or SUPERLATIVE.search(sentence)) and not (
            OWNED.search(sentence) or FOR_THEM.search(sentence)
        )
        settled = {"blame", "contempt", "ownership", "empathy", "acknowledgement", "reassurance"}
        if aimed and not mine & settled:
            for m in NEGATIVE_WORDS.finditer(sentence):
                if _negated(sentence, m.start(), window=6):
                    # "It's not a failure on your part": a judgement denied reassures.
                    weight = cues()["reassurance"][0] * 0.6
                    out.append(_Hit("reassurance", weight, offset + m.start(), s_index))
                    break
                weight = cues()["contempt"][0] if SUPERLATIVE.search(sentence) else CRITICISM
                out.append(_Hit("criticism", weight, offset + m.start(), s_index))
                break
        if aimed and not mine & {"appreciation", "sarcasm", "blame", "contempt"}:
            for m in POSITIVE_WORDS.finditer(sentence):
                if not _negated(sentence, m.start()):
                    out.append(
                        _Hit("appreciation", cues()["appreciation"][0], offset + m.start(), s_index)
                    )
                    break
        if sentence.endswith("?") and RHETORICAL.search(sentence) and "contempt" not in mine:
            out.append(_Hit("contempt", cues()["contempt"][0], offset, s_index))
        offset += len(sentence) + 1
    return out


def _is_label(word: str) -> bool:
    return word not in NOT_LABELS and not POSITIVE_WORDS.fullmatch(word)


def _structure_hits(sentences: list[str], hits: list[_Hit]) -> list[_Hit]:
    """How a sentence is built, beyond its words: an order ("Find someone else."), a
    "why ... you" that accuses, an "if you ..., we will ..." that threatens, a
    generalisation or comparison aimed at the person, a blunt preface ("Frankly,"),
    a label after an intensifier ("you're so negative"), a claim of authority."""
    out: list[_Hit] = []
    table = cues()
    offset = 0
    for s_index, sentence in enumerate(sentences):
        mine = {h.move for h in hits if h.sentence == s_index}
        body = DISCOURSE.sub("", PREFACE.sub("", sentence))
        found: list[tuple[str, float]] = []
        if PREFACE.match(sentence):
            found.append(("blame", BLUNT_PREFACE))
        ordered = IMPERATIVE.match(body) and not sentence.endswith("?")
        if ordered and not SUPPORTIVE_IMPERATIVE.match(body):
            found.append(("command", table["command"][0]))
        if WHY_YOU.match(body) and not WHY_GENUINE.match(body):
            found.append(("blame", table["blame"][0]))
        if ULTIMATUM.search(sentence) and not mine & {"threat"}:
            found.append(("threat", table["threat"][0]))
        if GENERALISED.search(sentence) and not mine & {"blame", "ownership", "appreciation"}:
            found.append(("blame", table["blame"][0]))
        if COMPARED.search(sentence) and not mine & {"blame", "offer", "collaboration"}:
            found.append(("blame", table["blame"][0]))
        label = LABEL.search(sentence)
        settled = {"blame", "contempt", "appreciation", "reassurance", "acknowledgement", "empathy"}
        if label and _is_label(label.group("word")) and not mine & settled:
            found.append(("blame", table["blame"][0]))
        lowering = any(h.sentence == s_index and h.weight < 0 for h in hits)
        if (
            STANCE.search(sentence)
            and re.search(r"\b(you|your)\b", sentence)
            and not lowering
            and not mine & {"blame", "contempt", "sarcasm"}
        ):
            found.append(("blame", table["blame"][0]))
        if AUTHORITY.search(sentence):
            found.append(("threat", table["dismissal"][0]))
        for move, weight in found:
            out.append(_Hit(move, weight, offset, s_index))
        offset += len(sentence) + 1
    return out


def _cue_hits(sentences: list[str]) -> list[_Hit]:
    table = cues()
    hits: list[_Hit] = []
    offset = 0
    for s_index, sentence in enumerate(sentences):
        for move, (weight, pattern) in table.items():
            for m in pattern.finditer(sentence):
                a = m.start()
                name, w = move, weight
                if move in NEGATED and _negated(sentence, a):
                    name, share = NEGATED[move]
                    w = DERIVED_WEIGHTS.get(name, table.get(name, (0.0,))[0]) * share
                hits.append(_Hit(name, w, offset + a, s_index))
        offset += len(sentence) + 1
    return hits


def read_turn(text: str, weights: dict[str, float] | None = None, counterpart: str = "") -> Reading:
    """Read what a leader's turn does. Deterministic; standard library; about a
    millisecond for a turn of a sentence or two."""
    norm = normalise(text)
    sentences = _sentences(norm)
    hits = _cue_hits(sentences)
    hits += _judgement_hits(sentences, hits)
    hits += _structure_hits(sentences, hits)
    _void_ironic_praise(sentences, hits)
    extra, question_kind = _questions(sentences, hits)
    lead = _last_clause_decides(" ".join(sentences), hits, extra)

    detail = find_detail(text, counterpart)
    observed = OBSERVED_ACTION.search(norm) and (
        detail is not None or SPECIFIC_CUES.search(norm) or OBSERVED_EFFECT.search(norm)
    )
    if observed:
        # A concrete detail helps an otherwise fair turn; it does not soften a harsh one.
        so_far = sum(h.weight for h in hits) + sum(w for _n, w in extra)
        extra.append(("specific", SPECIFIC if so_far <= SPECIFIC_UNTIL else 0.0))
    shouted = re.findall(r"\b[A-Z]{4,}\b", text)
    if len(shouted) >= 2 or "!!" in text:
        extra.append(("shouting", SHOUTING))

    factor = weights or {}
    moves: Counter = Counter()
    score = 0.0
    for h in hits:
        if h.move != "voided":
            moves[h.move] += 1
            score += h.weight * factor.get(h.move, 1.0)
    for name, w in extra:
        moves[name] += 1
        score += w * factor.get(name, 1.0)
    score += _tone_when_nothing_named(text, moves, score)
    asked = moves["open_question"] + moves["closed_question"] + moves["why_question"]
    if asked:
        moves["question"] = asked

    if lead is None and score > 0:
        pushed = {h.move for h in hits if h.weight > 0} | ({"harsh_tone"} & set(moves))
        lead = next((m for m in LEAD_ORDER if m in pushed), None)
    elif lead is None and score < 0:
        lead = next((m for m in EASING_LEADS if moves[m]), None)
    return Reading(
        moves={k: v for k, v in moves.items() if v},
        score=round(score, 3),
        question=question_kind,
        detail=detail,
        lead=lead,
    )


def _void_ironic_praise(sentences: list[str], hits: list[_Hit]) -> None:
    """Positive words beside an ironic marker are not positive ("Oh great, another
    excuse, thanks so much"); a marker in context makes the sentence sarcastic."""
    offset = 0
    for s_index, sentence in enumerate(sentences):
        mine = [h for h in hits if h.sentence == s_index]
        positive = [h for h in mine if h.move in POSITIVE_FOR_SARCASM]
        ironic = any(h.move == "sarcasm" for h in mine)
        if positive and not ironic and SARCASM_CONTEXT.search(sentence):
            hits.append(_Hit("sarcasm", cues()["sarcasm"][0], offset + len(sentence), s_index))
            ironic = True
        if ironic:
            for h in positive:
                h.move, h.weight = "voided", 0.0
        offset += len(sentence) + 1


def _questions(
    sentences: list[str], hits: list[_Hit]
) -> tuple[list[tuple[str, float]], str | None]:
    """Genuine questions ease the tension; a hostile "question" is not one. Returns
    the question moves and the kind of the last genuine question (for the answer)."""
    extra: list[tuple[str, float]] = []
    question_kind = None
    asked = 0
    for s_index, sentence in enumerate(sentences):
        stripped = DISCOURSE.sub("", _question_part(sentence))
        last = s_index == len(sentences) - 1
        if not (
            sentence.endswith("?")
            or (last and QUESTION_WORD.match(stripped) and not re.search(r"[.!]$", sentence))
        ):
            continue
        if any(h.sentence == s_index and h.move in RAISING and h.weight > 0 for h in hits):
            continue
        credit = asked < QUESTION_CREDIT_MAX
        if OPEN_START.match(stripped) and not FACTUAL.match(stripped):
            extra.append(("open_question", OPEN_QUESTION if credit else 0.0))
        elif WHY_START.match(stripped):
            extra.append(("why_question", 0.0))
        else:
            extra.append(("closed_question", CLOSED_QUESTION if credit else 0.0))
        asked += 1
        question_kind = _question_kind(stripped)
    return extra, question_kind


def _last_clause_decides(joined: str, hits: list[_Hit], extra: list) -> str | None:
    """Polite words before a harsh ending do not soften it, and a "but" takes back
    what came before it. Adjusts the hits' weights; returns what the counterpart
    reacts to, if one of these shaped the turn."""
    lowering = [h for h in hits if h.weight < 0]
    harsh = [h for h in hits if h.move in HARSH and h.weight >= 1.2]
    if harsh and lowering:
        last_harsh = max(harsh, key=lambda h: h.start)
        if not any(h.start > last_harsh.start for h in lowering):
            for h in lowering:
                if h.start < last_harsh.start:
                    h.weight *= POLITE_KEEPS
            extra.append(("polite_wrapped", POLITE_WRAP))
            return "polite_wrapped"
    lead = None
    cuts = [0, *_contrasts(joined), len(joined) + 1]
    for i in range(1, len(cuts) - 1):
        before = [h for h in hits if cuts[i - 1] <= h.start < cuts[i]]
        after = [h for h in hits if cuts[i] <= h.start < cuts[i + 1]]
        b_sum = sum(h.weight for h in before)
        a_sum = sum(h.weight for h in after)
        if b_sum < 0 <= a_sum:
            for h in before:
                if h.weight < 0:
                    h.weight *= BUT_KEEPS
            extra.append(("but", BUT_UNDO))
            lead = "but"
        elif b_sum > 0 > a_sum:
            for h in before:
                if h.weight > 0:
                    h.weight *= SOFTENED_KEEPS
    return lead


def _tone_when_nothing_named(text: str, moves: Counter, score: float) -> float:
    """The tone model's say, only when no move was named (see below). Adds the move;
    returns the change to the score."""
    named = [m for m in moves if m not in ("closed_question", "why_question", "specific")]
    if abs(score) >= DEAD_ZONE or named or len(text.split()) < 3:
        return 0.0
    reading = tone(text)
    if reading["raise"] >= TONE_CONFIDENCE:
        moves["harsh_tone"] += 1
        return TONE_HARSH
    warm = reading["lower"] >= WARM_CONFIDENCE and reading["raise"] <= WARM_RAISE_AT_MOST
    if warm and not text.rstrip().endswith("?"):
        moves["warm_tone"] += 1
        return TONE_WARM
    return 0.0


# --- Tone, when no move was named ---------------------------------------------------------
# Harshness takes more forms than any cue list holds ("You chose to work here, so deal
# with it."). When no cue fires, a small naive-Bayes model of words and word pairs
# (data/roleplay/tone.json, built by evals.roleplay.build_tone_model from the role-play
# set's dev rows and Bearing's own labelled turns) says whether the turn reads as harsh
# or warm. Only a confident reading counts; a turn of one or two words never does.
TONE_CONFIDENCE = 0.65
TONE_HARSH = 1.0
# Warmth counts only when the model is nearly sure: polite words often carry a harsh message.
TONE_WARM = -0.8
WARM_CONFIDENCE = 0.9
WARM_RAISE_AT_MOST = 0.05
TONE_CLASSES = ("lower", "raise", "neutral")


def tone_features(text: str) -> set[str]:
    words = re.findall(r"[a-z']+|[?!]", normalise(text))
    return set(words) | {f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)}


@lru_cache(maxsize=1)
def _tone_model() -> dict:
    if not TONE.exists():
        return {"docs": {}, "features": {}}
    return json.loads(TONE.read_text())


def tone(text: str) -> dict[str, float]:
    """The tone model's reading of a turn: probability of lower, raise, neutral."""
    model = _tone_model()
    docs = model["docs"]
    if not docs:
        return {"lower": 0.0, "raise": 0.0, "neutral": 1.0}
    total = sum(docs.values())
    scores = {}
    for i, effect in enumerate(TONE_CLASSES):
        score = math.log(docs[effect] / total)
        for feature in tone_features(text):
            counts = model["features"].get(feature)
            if counts:
                seen = sum(counts)
                score += math.log((counts[i] + 0.5) / (docs[effect] + 1)) - math.log(
                    (seen + 1.5) / (total + 3)
                )
        scores[effect] = score
    top = max(scores.values())
    weights = {e: math.exp(v - top) for e, v in scores.items()}
    norm = sum(weights.values())
    return {e: w / norm for e, w in weights.items()}


def step(tension: float, score: float) -> float:
    """The change in tension a turn of this strength makes: a share of the distance to
    the bound it pushes towards, so steps shrink near 0 and 10."""
    if abs(score) < DEAD_ZONE:
        return 0.0
    room = (10.0 - tension) if score > 0 else tension
    share = MAX_SHARE * (1 - math.exp(-abs(score) / SCALE))
    return math.copysign(room * share, score)


def band(tension: float) -> str:
    return "high" if tension >= 6 else "mid" if tension >= 3 else "low"


# --- Scenarios and the counterpart's lines --------------------------------------------


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    situation: str
    counterpart: str
    tension: float
    lines: dict  # band -> [line]
    answers: dict  # question kind -> {"high": [line], "open": [line]}
    reflect: dict  # when -> question(s) to reflect on
    talk_share: dict  # aim, and what a high, balanced or low share shows here
    sets: tuple = ()  # the keys of this scenario in evaluation sets
    weights: dict = field(default_factory=dict)  # moves that weigh more or less here

    @property
    def person(self) -> str:
        return self.counterpart.split(",")[0]


@lru_cache(maxsize=1)
def scenarios() -> dict[str, Scenario]:
    rows = json.loads(SCENARIOS.read_text())
    return {r["key"]: Scenario(**{**r, "sets": tuple(r.get("sets", ()))}) for r in rows}


def scenario_for(set_key: str) -> Scenario:
    """The scenario an evaluation set's key names (``feedback``, ``say_no`` ...)."""
    for scenario in scenarios().values():
        if set_key == scenario.key or set_key in scenario.sets:
            return scenario
    raise KeyError(set_key)


@lru_cache(maxsize=1)
def reactions() -> dict:
    return json.loads(REACTIONS.read_text())


def line_text(line_id: str) -> str:
    """The text of a line by its id (``<scenario>.lines.<band>.<n>``, ``common.…``)."""
    parts = line_id.split(".")
    node: Any = reactions() if parts[0] == "common" else vars(scenarios()[parts[0]])
    for part in parts[1:]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _pool(prefix: str, items: list[str]) -> list[str]:
    return [f"{prefix}.{i}" for i in range(len(items))]


@dataclass
class RolePlay:
    scenario: str
    tension: float = 0.0
    # One record per leader turn: the move counts, the tension after it, the number of
    # words each side said, the ids of the counterpart's lines, and whether the safety
    # net referred the turn. Never the leader's words, never the reply's text.
    turns: list[dict] = field(default_factory=list)
    used: list[str] = field(default_factory=list)  # ids of the lines said so far
    # After a referral the practice pauses: the language the leader wrote in, until they
    # ask to go on ("" while the role-play runs).
    paused: str = ""

    def to_dict(self) -> dict:
        return {
            "scenario": self.scenario,
            "tension": self.tension,
            "turns": self.turns,
            "used": self.used,
            "paused": self.paused,
        }

    @classmethod
    def start(cls, key: str) -> RolePlay:
        return cls(scenario=key, tension=float(scenarios()[key].tension))

    @classmethod
    def from_dict(cls, data: dict) -> RolePlay:
        """Also reads states written before line ids (their lines were kept as text)."""
        turns = []
        for t in data.get("turns", []):
            if "reply" in t or "counts" in t:
                t = {
                    "moves": {},
                    "tension": t.get("tension", 0.0),
                    "words": t.get("words", 0),
                    "reply_words": len(str(t.get("reply", "")).split()),
                    "lines": [],
                    "referred": False,
                }
            turns.append(t)
        used = [u for u in data.get("used", []) if re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)+", u)]
        return cls(
            scenario=data["scenario"],
            tension=data.get("tension", 0.0),
            turns=turns,
            used=used,
            paused=str(data.get("paused", "")),
        )


def _choose(play: RolePlay, pool: list[str], salt: str) -> str | None:
    options = [i for i in pool if i not in play.used]
    if not options:
        return None
    digest = hashlib.sha256(f"{play.scenario}:{len(play.turns)}:{salt}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _main_line(play: RolePlay, scenario: Scenario, level: str, question: str | None) -> str:
    """An answer to the question asked if there is one, else a line for the tension;
    falls back to any unused line so the counterpart does not repeat itself."""
    pools: list[list[str]] = []
    if question:
        tag = "high" if level == "high" else "open"
        answers = scenario.answers.get(question, {})
        pools.append(_pool(f"{scenario.key}.answers.{question}.{tag}", answers.get(tag, [])))
    pools.append(_pool(f"{scenario.key}.lines.{level}", scenario.lines[level]))
    neighbours = {"high": ["mid", "low"], "mid": ["high", "low"], "low": ["mid", "high"]}[level]
    for other in neighbours:
        pools.append(_pool(f"{scenario.key}.lines.{other}", scenario.lines[other]))
    for kind, tags in scenario.answers.items():
        for tag, items in tags.items():
            pools.append(_pool(f"{scenario.key}.answers.{kind}.{tag}", items))
    for pool in pools:
        chosen = _choose(play, pool, "main")
        if chosen:
            return chosen
    return f"{scenario.key}.lines.{level}.0"  # only after every line was said


def _fill(template: str, detail: Detail | None) -> str:
    if detail is None:
        return template
    text = detail.text
    capital = text[:1].upper() + text[1:]
    return template.replace("{Detail}", capital).replace("{detail}", text)


def _compose(play: RolePlay, reading: Reading) -> tuple[str, list[str]]:
    """The counterpart's reply: what they react to, a named detail picked up, and an
    answer or a line for the tension. Returns (text, ids of the lines used)."""
    scenario = scenarios()[play.scenario]
    level = band(play.tension)
    common = reactions()
    ids: list[str] = []
    raising = reading.lead in common["react"] and reading.score > 0
    if raising:
        chosen = _choose(
            play, _pool(f"common.react.{reading.lead}", common["react"][reading.lead]), "react"
        )
        if chosen:
            ids.append(chosen)
    elif reading.lead and reading.score < 0 and not reading.detail:
        key = reading.lead if reading.lead in common["ease"] else "acknowledgement"
        chosen = _choose(
            play, _pool(f"common.ease.{key}.{level}", common["ease"][key][level]), "ease"
        )
        if chosen:
            ids.append(chosen)
    if reading.detail is not None:
        kind = reading.detail.kind
        if reading.question and not raising:
            pool = _pool("common.echo", common["echo"])
        else:
            pool = _pool(f"common.detail.{kind}.{level}", common["detail"][kind][level])
        chosen = _choose(play, pool, "detail")
        if chosen:
            ids.append(chosen)
    standalone = (
        bool(ids) and raising and reading.lead in common["standalone"] and not reading.detail
    )
    if not standalone:
        ids.append(_main_line(play, scenario, level, None if raising else reading.question))
    text = " ".join(_fill(line_text(i), reading.detail) for i in ids)
    return re.sub(r"\s+", " ", text).strip(), ids


def neutral_line(play: RolePlay) -> tuple[str, str]:
    """A neutral offline line, for when a line fails the safety net. (text, id)"""
    pool = _pool("common.neutral", reactions()["neutral"])
    chosen = _choose(play, pool, "neutral") or pool[0]
    return line_text(chosen), chosen


def counterpart_reply(play: RolePlay, leader_text: str) -> str:
    """Read the leader's turn, move the tension, and answer in character. The reply may
    use the leader's words for this once; the state keeps only counts and line ids."""
    scenario = scenarios()[play.scenario]
    reading = read_turn(leader_text, scenario.weights, scenario.counterpart)
    before = play.tension
    play.tension = round(min(10.0, max(0.0, before + step(before, reading.score))), 2)
    reply, ids = _compose(play, reading)
    if assess(reply).crisis:  # the net checks the counterpart too
        reply, neutral = neutral_line(play)
        ids = [neutral]
    play.used.extend(ids)
    play.turns.append(
        {
            "moves": reading.moves,
            "tension": play.tension,
            "words": len(leader_text.split()),
            "reply_words": len(reply.split()),
            "lines": ids,
            "referred": False,
        }
    )
    return reply


def record_referral(play: RolePlay, leader_text: str, reply: str, language: str = "en") -> None:
    """A turn the safety net referred: no tension change, no moves, nothing quoted; the
    practice pauses until the leader asks to go on."""
    play.paused = language if language in PAUSE_REPLIES else "en"
    _record_aside(play, leader_text, reply)


# The counterpart stays silent while the role-play is paused after a referral: the
# companion, out of character, asks how the leader is and says how to go on.
PAUSE_REPLIES = {
    "en": (
        "(The role-play is paused.) After what you wrote, the practice can wait. How are "
        "you right now? The help above is there for you, and you can ask your coach to get "
        "in touch. When you want to go back to the practice, write “continue”."
    ),
    "es": (
        "(El juego de rol está en pausa.) Después de lo que escribiste, la "
        "práctica puede esperar. ¿Cómo estás ahora? La ayuda de arriba "
        "está para ti, y puedes pedir a tu coach que se ponga en contacto. Cuando quieras "
        "volver a la práctica, escribe «continuar»."
    ),
    "de": (
        "(Das Rollenspiel ist pausiert.) Nach dem, was du geschrieben hast, kann die Übung "
        "warten. Wie geht es dir gerade? Die Hilfe oben ist für dich da, und du kannst "
        "deinen Coach bitten, sich zu melden. Wenn du zur Übung zurückwillst, schreib "
        "„weiter“."
    ),
    "fr": (
        "(Le jeu de rôle est en pause.) Après ce que vous avez écrit, "
        "l'exercice peut attendre. Comment allez-vous en ce moment ? L'aide ci-dessus est "
        "là pour vous, et vous pouvez demander à votre coach de vous contacter. Quand "
        "vous voudrez reprendre l'exercice, écrivez « continuer »."
    ),
}
_RESUME = re.compile(
    r"^\W*(?:(?:let['’]?s|ok(?:ay)?|yes|sure|vale|sí|ja|oui|d'accord)[,!.]?\s+)*"
    r"(?:continue|resume|go on|carry on|back to (?:it|the role-?play)"
    r"|continuar|seguir|sigamos|weiter|fortsetzen|weitermachen|continuer|reprendre|on continue)"
    r"\b",
    re.IGNORECASE,
)


def asks_to_resume(text: str) -> bool:
    return bool(_RESUME.search(text.strip()))


RESUME_REPLIES = {
    "en": "(Back to the role-play.) Say what you would say to them next.",
    "es": "(Volvemos al juego de rol.) Di lo que le dirías ahora.",
    "de": "(Zurück zum Rollenspiel.) Sag, was du als Nächstes sagen würdest.",
    "fr": "(Retour au jeu de rôle.) Dites ce que vous lui diriez maintenant.",
}


def paused_reply(play: RolePlay, leader_text: str) -> str | None:
    """While the role-play is paused after a referral, the companion answers out of
    character: how the leader is, and how to go on; asked to go on, it lifts the pause.
    Both are recorded like the referral (no tension, nothing quoted). None while the
    role-play runs."""
    if not play.paused:
        return None
    if asks_to_resume(leader_text):
        reply = RESUME_REPLIES[play.paused]
        play.paused = ""
    else:
        reply = PAUSE_REPLIES[play.paused]
    _record_aside(play, leader_text, reply)
    return reply


def _record_aside(play: RolePlay, leader_text: str, reply: str) -> None:
    play.turns.append(
        {
            "moves": {},
            "tension": play.tension,
            "words": len(leader_text.split()),
            "reply_words": len(reply.split()),
            "lines": [],
            "referred": True,
        }
    )


# --- The debrief -----------------------------------------------------------------------

OBSERVED = (
    ("acknowledgement", "Acknowledgements"),
    ("empathy", "Empathy or apology"),
    ("ownership", "Owning your part"),
    ("reflection", "Saying back what you heard"),
    ("question", "Questions you asked"),
    ("open_question", "…of them open"),
    ("curiosity", "Invitations to say more"),
    ("specific", "Turns with a specific, observable detail"),
    ("collaboration", "Invitations to work it out together"),
    ("reassurance", "Reassurance"),
    ("transparency", "Explaining plainly what you know and why"),
    ("offer", "Concrete offers or next steps"),
    ("appreciation", "Appreciation"),
    ("i_statement", '"I" statements'),
    ("blame", "Blame, generalising or comparing"),
    ("criticism", "Judging the person or their work"),
    ("dismissal", "Dismissing"),
    ("command", "Orders or fixes"),
    ("threat", "Threats"),
    ("contempt", "Contempt or put-downs"),
    ("sarcasm", "Sarcasm"),
    ("but", 'A "but" that took back an acknowledgement'),
    ("polite_wrapped", "A harsh message in polite words"),
    ("deflection", "Deflecting"),
    ("challenge", "Challenging"),
    ("harsh_tone", "Turns that read as harsh, with no move named"),
    ("warm_tone", "Turns that read as warm, with no move named"),
)
ALWAYS_SHOWN = ("acknowledgement", "question", "specific", "blame", "dismissal")


@dataclass
class Debrief:
    totals: dict[str, int]
    observed: list[tuple[str, int]]  # (what, how many times), for the page
    leader_words: int
    counterpart_words: int
    talk_share: float
    talk_share_note: str
    tension_start: float
    tension_end: float
    moments: list[tuple[str, str]]  # (what, quote)
    questions_to_reflect: list[str]
    referred_turns: int


def leader_turns(messages) -> tuple[list[str], list[bool]]:
    """From a role-play's messages in order (``speaker``, ``text``, ``referred``): the
    leader's turns and, for each, whether the safety net answered it."""
    texts: list[str] = []
    referred: list[bool] = []
    for message in messages:
        if message.speaker == "leader":
            texts.append(message.text)
            referred.append(False)
        elif texts and message.referred:
            referred[-1] = True
    return texts, referred


def debrief(play: RolePlay, leader_texts: list[str], referred: list[bool] | None = None) -> Debrief:
    """``leader_texts``: the leader's turns in order, for quotes; ``referred``: for each,
    whether the safety net answered it (then it is neither quoted nor counted).

    Each leader turn is paired with its own record. States kept before referred turns
    were recorded hold no record for them; ``referred`` keeps the pairing right."""
    scenario = scenarios()[play.scenario]
    pairs = _pair_turns(play.turns, leader_texts, referred)
    totals: Counter = Counter()
    for _text, turn in pairs:
        totals.update(turn.get("moves", {}))
    leader_words = sum(turn.get("words", 0) for _t, turn in pairs)
    counterpart_words = sum(turn.get("reply_words", 0) for _t, turn in pairs)
    changes = []
    previous = float(scenario.tension)
    for index, (text, turn) in enumerate(pairs):
        changes.append((index, turn["tension"] - previous, text))
        previous = turn["tension"]
    notable = [c for c in changes if abs(c[1]) >= 0.5]
    notable = sorted(sorted(notable, key=lambda c: -abs(c[1]))[:3])
    moments = [
        (
            "The tension eased after you said" if change < 0 else "The tension rose after you said",
            text,
        )
        for _i, change, text in notable
    ]
    total_words = leader_words + counterpart_words
    share = round(leader_words / total_words, 2) if total_words else 0.0
    return Debrief(
        totals={k: totals.get(k, 0) for k, _label in OBSERVED},
        observed=[
            (label, totals.get(k, 0))
            for k, label in OBSERVED
            if totals.get(k, 0) or k in ALWAYS_SHOWN
        ],
        leader_words=leader_words,
        counterpart_words=counterpart_words,
        talk_share=share,
        talk_share_note=_talk_share_note(scenario, share) if total_words else "",
        tension_start=float(scenario.tension),
        tension_end=play.tension,
        moments=moments,
        questions_to_reflect=_reflective_questions(scenario, totals, changes),
        referred_turns=sum(1 for t in play.turns if t.get("referred")),
    )


def _pair_turns(
    turns: list[dict], leader_texts: list[str], referred: list[bool] | None
) -> list[tuple[str, dict]]:
    """Each played (not referred) leader turn with its own record. With ``referred``
    (from the messages) the pairing holds for states that recorded referrals and for
    older ones that did not; without it, records and turns pair by position."""
    if referred is None:
        pairs = zip(leader_texts, turns, strict=False)
        return [(text, turn) for text, turn in pairs if not turn.get("referred")]
    out = []
    i = 0
    for text, was_referred in zip(leader_texts, referred, strict=False):
        if was_referred:
            if i < len(turns) and turns[i].get("referred"):
                i += 1
            continue
        while i < len(turns) and turns[i].get("referred"):
            i += 1
        if i < len(turns):
            out.append((text, turns[i]))
            i += 1
    return out


def _talk_share_note(scenario: Scenario, share: float) -> str:
    notes = scenario.talk_share
    if share >= notes.get("high_from", 0.6):
        return notes["high"]
    if share <= notes.get("low_to", 0.4):
        return notes["low"]
    return notes["balanced"]


def _reflective_questions(scenario: Scenario, totals: Counter, changes: list) -> list[str]:
    """Three questions for this scenario, the first ones chosen by what happened."""
    ask = scenario.reflect
    chosen: list[str] = []
    rose = any(c[1] >= 0.5 for c in changes)
    eased = any(c[1] <= -0.5 for c in changes)
    harsh = sum(totals.get(k, 0) for k in ("blame", "dismissal", "threat", "contempt", "sarcasm"))
    if harsh or totals.get("polite_wrapped") or totals.get("but"):
        chosen.append(ask["harsh"])
    elif rose:
        chosen.append(ask["rose"])
    if not totals.get("question"):
        chosen.append(ask["no_questions"])
    if eased:
        chosen.append(ask["eased"])
    for question in ask["always"]:
        if len(chosen) >= 3:
            break
        if question not in chosen:
            chosen.append(question)
    return chosen[:3]


# --- With a language model ---------------------------------------------------------------


def model_counterpart_reply(play: RolePlay, leader_text: str, config, names=()) -> tuple[str, str]:
    """With a language model configured: the counterpart's words come from the model,
    in character and at the tension the offline rules computed; on any failure the
    offline line stands, and a line the safety net flags is replaced by a neutral
    offline one. Returns (reply, source). The model's words are never kept in the state."""
    offline = counterpart_reply(play, leader_text)  # updates tension and the turn record
    scenario = scenarios()[play.scenario]
    mood = {
        "high": "defensive and tense",
        "mid": "guarded but listening",
        "low": "open and constructive",
    }[band(play.tension)]
    messages = [
        {
            "role": "system",
            "content": (
                f"You are role-playing {scenario.counterpart} in this situation: "
                f"{scenario.situation} Stay in character. Right now you are {mood}. "
                "Reply in one to three short sentences as that person would, "
                "answering what was just said, with no coaching and no narration."
            ),
        },
        {"role": "user", "content": scrub(leader_text, list(names))},
    ]
    try:
        reply = _request(config, messages)
    except ModelError:
        return offline, "offline"
    if not reply or len(reply.split()) > 80:
        return offline, "offline"
    turn = play.turns[-1]
    if assess(reply).crisis:
        reply, neutral = neutral_line(play)
        play.used.append(neutral)
        turn["lines"] = [neutral]
        turn["reply_words"] = len(reply.split())
        return reply, "offline"
    turn["lines"] = ["model"]
    turn["reply_words"] = len(reply.split())
    return reply, "model"

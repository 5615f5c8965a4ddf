"""Feedback for coaches on their own session transcripts: observations, not a score.

Input: plain text with speaker labels ("Coach: …", "Client: …"; lines without a
label continue the previous speaker) or WebVTT (cues with "<v Name>" voice tags
or a "Name:" prefix). Every count is a transparent heuristic, documented here,
and marked as an estimate where it is one:

- each coach turn is split into utterances (thought units) and each utterance is
  coded by the MITI 4.2.1 definitions (open and closed questions, simple and complex
  reflections, giving information, advice with and without permission, affirmations;
  the rules are listed above ``CODES`` below); questions, reflections and advice are
  counted from those codes; a coach turn with two or more questions (a suggestion put
  as a question included) is a stacked question;
- reflections to questions and the share of complex reflections are set beside the
  reference levels MITI 4.2.1 publishes (R:Q 1:1 fair, 2:1 good; complex reflections
  40% fair, 50% good) — for orientation, not as a verdict;
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

LABEL = re.compile(r"^\s*([A-Z][\w .'-]{0,30}?)\s*:\s*(.*)$")
VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>)?$")
TIMING = re.compile(r"^\d{2}:\d{2}(:\d{2})?[.,]\d{3}\s+-->")
OUTCOME = [
    r"(want|like) to (get|take) (out of|away)",
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


# --- Coding coach utterances by the MITI 4.2.1 definitions ----------------------------
#
# A coach turn is split into utterances (thought units): sentences, with a reflection
# that runs on into a question ("You're torn, so what would help?") split in two, and
# consecutive sentences that give information, reflect or fill kept as one thought.
# Each utterance gets one code; in an utterance of several sentences the one that does
# the most decides (advice, then a question, an affirmation, a reflection, information).
# Open and closed follow MITI 3.1.1, as MITI 4.2.1 counts questions without the split.
# The rules for one sentence, in the order they are tried:
#
# - greetings, thanks, back-channels, closings and structuring ("Mm-hm.", "Let's come
#   back to that.", "Good luck Thursday."), generic approval ("Great.", "Perfect.") and
#   seeking collaboration or permission ("Shall we look at options?", "Can I offer an
#   idea?", "Would you like me to add that as an action?") are OTHER;
# - leading "so / and / okay / right / well / then" are set aside before anything is
#   judged, so "So what…" and "And how…" are read as the questions they are;
# - a suggestion, as a statement or a question ("You should…", "Why not just…", "Have
#   you tried X?", "What if you tried X?", "Would it help to X?"), is advice: ADV_PERM
#   when the coachee asked for it or agreed to hear it, or the coach leaves the choice
#   with them in the same breath ("since you ask", "you'll know best whether…"), ADV
#   otherwise; "Have you spoken to her yet?" about something the coachee raised is a
#   closed question, not advice;
# - a tag question ("…, right?", "…, isn't it?", "…, yes?") is closed;
# - invitations to say more ("Can you say more…", "Could you tell me…", "Tell me
#   about…", "I'm curious what…") are open questions;
# - a wh-question is open unless it asks for a fact, a number or a choice (who, when,
#   which, how many, how long, "one to ten", "X or Y?"); an inverted question (an
#   auxiliary before the subject: "Did you…", "Is it…") is closed;
# - a statement about the coachee's inner world or situation, with no question syntax
#   (no auxiliary inversion, no wh-word), is a reflection even when it ends with a
#   rising "?" — as long as it restates or infers what the coachee said ("You're worried
#   she'll see it as you not coping?"); a declarative "?" that asks for something new
#   ("You choose the team leads yourself?") is a closed question;
# - recognition of the coachee's strength, effort, intention or worth is an
#   affirmation (AF);
# - information, data and feedback (360 results, what Bearing offers, policies, time
#   left, what is generally true of leaders) is GI;
# - the coach's own asides are OTHER; any other statement reflects the coachee: complex
#   (CR) when it adds a feeling or meaning the coachee did not name, a metaphor, both
#   sides ("part of you… and part of you…"), a contrast or link ("not X, it's Y"),
#   amplification or a summary; simple (SR) when it stays with what was said, and SR
#   when in doubt.

CODES = ("Q_OPEN", "Q_CLOSED", "SR", "CR", "GI", "ADV_PERM", "ADV", "AF", "OTHER")
QUESTION_CODES = frozenset({"Q_OPEN", "Q_CLOSED"})
REFLECTION_CODES = frozenset({"SR", "CR"})
ADVICE_CODES = frozenset({"ADV", "ADV_PERM"})
# In an utterance of several sentences, the first of these present gives the code.
_PRECEDENCE = ("ADV_PERM", "ADV", "Q_OPEN", "Q_CLOSED", "AF", "CR", "SR", "GI", "OTHER")


def _rx(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


# Words a coach says before the thought itself: set aside before judging it.
_MARKER = re.compile(
    r"^(?:(?:so|and|but|or|then|also|now|okay|ok|alright|all right|um+|uh+|er+m?|hmm+|"
    r"mm-hmm|mm-hm|mm+|mhm+|hm+|uh-huh|oh|ah|anyway|well(?! done))\b[\s,.;:!…—–-]*"
    r"|(?:right|yeah|yes|yep|sure|great|good|fine|i see|got it|fair enough|cool|wow|"
    r"gotcha|understood|thanks|thank you|absolutely|of course|interesting|like|"
    r"you know|i mean|actually|perfect|ok then|okay then|hey|honestly|frankly|to be honest|"
    r"to be fair|in fairness|just to check(?: i'?ve got (?:it|this|that)(?: right)?)?|"
    r"to recap|to summari[sz]e|in summary|let me play (?:that|it) back)"
    r"(?:[,;:!…—–-]+|\.\s+)\s*)+"
)
_GREETING_WORDS = (
    r"hi|hello|hey|hiya|hola|ciao|bonjour|salut|hallo|morning|afternoon|evening|"
    r"good (?:morning|afternoon|evening|day)|welcome(?: back)?|come (?:in|on in)|"
    r"sit down|have a seat|take a seat"
)
_GREETING_LEAD = re.compile(rf"^(?:(?:{_GREETING_WORDS})(?: [a-z]+)?[,.!]+\s*)+")
_SOCIAL = _rx(
    # greetings, thanks, closings
    rf"^(?:(?:{_GREETING_WORDS})\b[\s,.!]*)+(?:[a-z]+[\s.!]*)?$",
    r"^(?:it'?s |it is )?(?:so |really |very )?(?:good|nice|lovely|great) to (?:see|meet|"
    r"hear from|have) you\b",
    r"^(?:thanks?|thank you|cheers|merci|gracias|danke|grazie)\b(?! for (?:your honesty|"
    r"being|trusting))",
    r"^(?:bye|goodbye|cheerio|ciao|see you|talk soon|speak soon|until (?:next time|the next"
    r" time|then)|take care|all the best|good luck|best of luck|mucha suerte|break a leg|"
    r"enjoy|have a (?:good|great|nice)|i'?ll be thinking of you|let me know how (?:it|"
    r"that|\w+) goes?)\b",
    # back-channels and generic approval
    r"^(?:i see|sure|yes|yeah|yep|no|nope|okay|ok|right|great|good|very good|perfect|cool|"
    r"cheers|hm+|excellent|brilliant|lovely|nice|wonderful|fantastic|amazing|super|mm+|mhm+|hmm+|"
    r"uh-huh|mm-hm+|got it|i understand|understood|that makes sense|makes sense|fair "
    r"enough|of course|absolutely|wow|oh|ah|alright|all right|sounds good|sounds great|"
    r"good stuff|great stuff|noted|indeed|exactly|interesting|go for it|there you go|"
    r"go on|go ahead|please go on|carry on|take your time|no rush|i'?m listening|sorry|"
    r"pardon|great (?:result|news|work)|well done on (?:the|that)|done|ha|haha|oh wow)"
    r"\b[\s.!,…]*(?:(?:then|that|it|too|indeed|now|again)[\s.!,…]*)?$",
    r"^(?:that'?s|that is|what a|it'?s|it is|that was) (?:really |so |just |absolutely )?"
    r"(?:brilliant|great|excellent|fantastic|amazing|wonderful|good|nice|lovely|perfect|"
    r"super|terrific|a relief)(?: news| result| outcome| to hear| work)?[\s.!]*$",
    r"^well done on\b",
    r"^(?:that'?s|that is|what) (?:a |an )?(?:really |very )?(?:good|great|fair|interesting|"
    r"big|important) (?:question|point)[\s.!]*$",
    r"^(?:me too|same here|same|ouch|oh dear|oh no|yikes|phew|ha|haha|wow)\b"
    r"(?:[,.!]? ?(?:the first time|at first|once|as well|too)?)[\s.!]*$",
    r"^(?:i hear you|i get it|i get that|fair point|good point|that'?s fair|point taken|"
    r"i understand that)[\s.!]*$",
    r"^(?:no,? )?(?:not at all,? )?(?:that was|that's|that is|it was) (?:really |very |so )?"
    r"(?:useful|helpful|interesting|clear|great|good)(?: to hear)?[\s.!]*$",
    # disagreeing or criticising (MITI would code Confront)
    r"\bi (?:don'?t|do not) (?:buy|accept|believe) (?:that|it|this)\b",
    r"\bi (?:disagree|don'?t agree)\b",
    r"\b(?:just |a bit of |a |an )?(?:excuse|cop-out|convenient (?:story|excuse))\b",
    r"^come on\b",
    r"\bi don'?t think (?:that|it|this) (?:holds|stands up|is (?:true|fair|the whole))\b",
    # structuring and steering
    r"^let'?s (?:begin|start|get (?:going|started)|crack on|come back|park|turn|move|go"
    r" back|look|pick|leave|put|check in|hear|pause|stop|take|spend|see|focus|wrap|"
    r"close|return|stay|try|do)\b",
    r"^(?:shall|should|can|could) (?:we|i) (?:begin|start|get|crack|come|look|move|turn|"
    r"go|spend|take|pick|park|add|put|note|set|make|write|capture|summari[sz]e|recap|"
    r"wrap|close|stay|focus|do|try|pause|leave)\b",
    r"^(?:before we (?:start|begin|finish|close|wrap)|as we (?:start|begin)),?$",
)
# Seeking collaboration or permission: OTHER (the corpus convention; MITI would also
# code a question).
_SEEK = _rx(
    r"^(?:can|could|may|might) i (?:share|offer|suggest|give|tell|add|make|mention|put|"
    r"throw|bring|say|ask you|check|read|reflect|play|point|float|come in|jump in|"
    r"challenge|push|be honest|be direct)",
    r"^(?:would|will) it be (?:ok|okay|alright|all right|helpful|useful|fine) "
    r"(?:if i|for me|to share|to offer)",
    r"^(?:would|do) you (?:mind if i|like (?:me to|some|a|an|to hear|my)|want (?:me to|"
    r"some|a|an|to hear|my))",
    r"^(?:would|do) you (?:like|want) to (?:do|look|go|start|move|add|put|try|work|spend|"
    r"take|come back|turn|stay|pick|focus|capture|note|set|write|make|continue|carry)",
    r"^(?:is it|would it be) (?:ok|okay|alright|all right) (?:if|for|to)",
    r"^would it (?:help|be useful|be helpful) if (?:i|we)\b",
    r"^(?:would|could|might) it (?:help|be (?:useful|helpful|worth it)) (?:for us )?to (?:look|"
    r"explore|talk|spend|focus|come back|map|go through|unpack|list|brainstorm|think|"
    r"pause|stay|step back|take a (?:step|moment|minute)|start|begin|revisit|summari[sz]e)\b",
    r"^(?:are you|would you be) (?:open|interested|ok|okay) (?:to|in|with) ",
    r"^(?:mind if i|ok if i|okay if i)\b",
    r"^(?:does|would) (?:that|this|it) (?:work|sound (?:ok|okay|good|right|fair)|suit)"
    r" (?:for )?you\b",
    r"^(?:is that|would that be) (?:ok|okay|alright|all right|fine) (?:with|for) you",
    r"^(?:shall|should) (?:i|we)\b",
)
_OPEN_INVITATION = _rx(
    r"^(?:can|could|would|will) you (?:please )?(?:say|tell|talk|share|describe|explain|"
    r"walk|give me|help me|unpack|expand|elaborate|paint|put (?:that|it) (?:into|in) "
    r"words|speak|fill me in|take me|spell)",
    r"^(?:please )?(?:tell me|say more|describe|walk me through|help me understand|"
    r"talk (?:me|to me|a bit|more)|share (?:more|a bit|what|how|with me)|"
    r"take me through|paint (?:me )?a picture|explain|unpack|expand on|elaborate|"
    r"fill me in|give me (?:an example|a sense|a picture)|let'?s hear (?:more|what|how|"
    r"about)|keep going|go on about)\b",
    r"^i(?:'d| would) (?:love|like) to (?:hear|know|understand|learn)",
    r"^i(?:'m| am) (?:curious|wondering|interested)(?: to know| to hear| about)? "
    r"(?:what|how|why|where|about|in|to hear|to know)",
    r"^i wonder (?:what|how|why|where|who|about)",
    r"^i(?:'m| am) wondering (?:what|how|why|where|who|about)",
    r"^i wonder if you (?:could|can|would|might) (?:say|tell|talk|share|describe|explain|"
    r"walk)",
)

_WH = r"(?:what|what's|whats|how|how's|why|where|where's|when|when's|who|who's|whom|whose|which)"
_AUX = (
    r"(?:do|does|did|is|are|was|were|am|have|has|had|can|could|will|would|shall|should|"
    r"may|might|must|don't|doesn't|didn't|isn't|aren't|wasn't|weren't|haven't|hasn't|"
    r"hadn't|can't|couldn't|won't|wouldn't|shouldn't)"
)
_INVERTED = re.compile(rf"^{_AUX}\s+(?:not\s+)?[a-z]+")
_IMPERATIVE_AUX = re.compile(r"^(?:have a (?:think|look|go|word)|do (?:it|that|this|try))\b")
_TAG = re.compile(
    r"(?:,|\s-|\s—|\s–)\s*(?:right|yes|yeah|no|correct|ok|okay|true|huh|eh|hmm|"
    r"(?:is|isn't|was|wasn't|are|aren't|were|weren't|do|don't|does|doesn't|did|didn't|"
    r"have|haven't|has|hasn't|had|hadn't|can|can't|could|couldn't|will|won't|would|"
    r"wouldn't|should|shouldn't|am) (?:it|that|this|you|he|she|they|we|i|there|not)|"
    r"is that (?:right|correct|so|fair|true|it)|am i right|did i get that right|"
    r"have i got that right|yes or no|would you say|would that be (?:right|fair)|"
    r"does that (?:sound|seem) (?:right|fair)|is that a fair (?:summary|description))"
    r"\s*\??$"
)
_BARE_TAG = re.compile(r"[a-z][a-z']*\s+(?:right|yeah|correct)\s*\?$")

_ADVICE_QUESTION = _rx(
    r"^(?:have|had) you (?:ever )?(?:tried|considered|looked (?:at|into)|explored|"
    r"experimented|thought (?:about|of) (?!what|how|why|where|when|who|which|whether|if|"
    r"it\b|that\b|this\b))",
    r"^what if you\b(?! (?:can't|couldn't|don't|didn't|fail|failed|were wrong|are wrong|"
    r"had|were|could|knew))",
    r"^what if (?:we|i) (?:were to|tried|looked)",
    r"^(?:what|how) about (?:you |if you |maybe |just )?(?:[a-z]+ing\b|a |an )",
    r"^(?:would|wouldn't|could|couldn't|might) it (?:help|be (?:useful|worth|better|"
    r"helpful|easier|an idea|a good idea|good|smart|wise|possible)) (?:to|if you|for you"
    r" to)\b",
    r"^(?:why don't you|why not|shouldn't you|can't you just|couldn't you just|"
    r"don't you think you should|wouldn't it be better|isn't it time you|"
    r"is it worth (?:trying|[a-z]+ing)|might it be worth|would you consider|"
    r"could you consider|could you (?:maybe|perhaps|just|try|not)|"
    r"can you (?:maybe|perhaps|just|try)|would you (?:maybe|perhaps|be willing to try|"
    r"try)|maybe you could|perhaps you could|you could (?:always|just|try|maybe)|"
    r"should you (?:maybe|perhaps|not|just)|isn't it better|wouldn't you be better)",
    r"^(?:do you think|have you thought that) (?:you|it) (?:should|could|might|ought|need)",
)
_ADVICE = _rx(
    r"\byou (?:really |probably |definitely |just |might |may |all |so )?(?:should|need"
    r" to|must|ought to|have to|have got to|gotta|had better|'d better)\b",
    r"\byou(?:'ve| have) (?:really |just )?got to\b",
    r"\byou (?:really |just |definitely )?need (?:a|an|some|more|proper)\b",
    r"\bif i were (?:you|in your)",
    r"\bif you ask me\b",
    r"\bmy (?:advice|suggestion|recommendation|tip)\b",
    r"\bi(?:'d| would)? (?:strongly |really )?(?:suggest|recommend|advise|urge|encourage"
    r" you)\b",
    r"\bwhy don'?t you\b",
    r"\b(?:the|your) (?:best|smartest|right) (?:thing|move|option|approach|bet)\b"
    r".*\b(?:is|would be) to\b",
    r"\bwhat (?:i|you) (?:would|should|need to|'d) do is\b",
    r"\bi(?:'d| would) (?:just |probably |definitely |also |then |still )*(?:tell|ask|go|"
    r"start|try|talk|send|write|call|push|escalate|book|set|delegate|speak|say|block|take|"
    r"put|let|move|focus|make|get|flip|offer|give|keep|drop|lead|open|bring|cut|hand|skip|"
    r"meet|mention|check|wait|use|invite|name|acknowledge|frame|prepare|practi[sc]e|"
    r"rehearse|schedule|share|stick|avoid|stop|own|address|raise|pick|choose|go with)\b",
    r"^(?:please |just |maybe |perhaps |definitely |really |first |instead |next time |"
    r"in that case |this week |today )?(?:make sure|make (?:a|an|the|it|time|space)|"
    r"acknowledge|address|admit|name it|have (?:your|him|her|them|someone)|"
    r"try|consider|remember to|don't (?:forget|let|wait|worry|be|hide|apologi[sz]e|"
    r"overthink|take)|stop|start|avoid|go (?:and|to|back)|tell (?!me\b)|ask (?!yourself|"
    r"me\b)|write|send|call|email|schedule|book|set|give|delegate|take|put|document|"
    r"escalate|focus on|keep|use|let (?!me\b|'s|us\b)|get|block|drop|prioriti[sz]e|push|"
    r"speak to|talk to|bring|share your|raise|have (?:a|the|that)|be (?:more|less|clear|"
    r"firm|honest|direct)|practi[sc]e|prepare|plan|check in with|follow up|reach out|"
    r"sit down with|own it|lean|pick|choose|find|hire|fire|cut|say no|learn to|read|"
    r"list|mark|sign|do (?:that|it|this)|lead with|open with|flip|move|hand|skip|"
    r"separate|show|put)\b",
    r"\b(?:it(?:'s| is| would be|'d be| might be| could be| may be)|that(?:'s| is| would"
    r" be)) (?:probably |really |definitely |often |usually )?(?:best|wise|smart|"
    r"a good idea|a good move|better) (?:to|for you to|if you)\b",
    r"\bthe (?:trick|key|answer|solution) is to\b",
    r"\b(?:it'?d|it would|it might|it could|^might|^could|^would) (?:really |probably |"
    r"also )?be worth\b",
    r"\byou(?:'ll| will) (?:probably |definitely )?want to\b",
    r"^(?:it'?s |it is )?(?:high )?time (?:to|you|for you to)\b",
    r"^(?:better|best) to\b",
    r"\bdon'?t (?:let|wait|worry|be afraid|overthink|forget|take it|hide)\b",
    r"\b(?:they'll|he'll|she'll|people will) see (?:through|right through) (?:that|it)\b",
    r"\b(?:that|it|this)(?:'s| is| isn'?t| is not) (?:not )?going to (?:get you|work|help|"
    r"fly|land)\b",
    r"\b(?:that|it|this) (?:won'?t|will not|wouldn'?t) (?:work|help|get you|fly|land)\b",
    r"\b(?:it'?ll|that'?ll|it will|that will) (?:backfire|blow up|come back to bite)\b",
    r"\b(?:in my experience|what worked for me|i(?:'ve| have) (?:always )?found (?:that|it))"
    r"\b.*\b(?:works?|worked|better|best|helps?|helped|backfires?|pays off|lands?)\b",
)
# A suggestion as a possibility ("You could ask him…"): advice unless it describes
# what Bearing or the programme offers, which is information.
_WEAK_ADVICE = _rx(
    r"\byou (?:could|might|may|can) "
    r"(?:also |always |just |maybe |perhaps |even |try |start |then )*"
    r"(?!be\b|have been\b|feel\b|not\b|see it\b|sense\b|wonder|find yourself\b)"
    r"(?:try|ask|tell|talk|say|write|send|call|book|set|give|delegate|schedule|start|"
    r"stop|consider|think about|look at|use|put|bring|share|meet|speak|offer|propose|"
    r"invite|raise|frame|break|block|drop|push|escalate|document|check|agree|plan|"
    r"prepare|rehearse|practi[sc]e|want to|wish to|get|go|make|let|take|keep|find|"
    r"reach|build|create|suggest|pick|choose|focus|hand|move|have a|run|test|ring|"
    r"approach|involve|lean|ask for|sit down)\b",
)
# Advice given softly: a suggestion or an opinion about what works, which is advice
# when it comes with the coachee's invitation or leaves the choice with them.
_SOFT_ADVICE = _rx(
    r"\b(?:some|many|most|a lot of|lots of|plenty of|other) (?:leaders|people|managers|"
    r"new \w+s|executives|founders|directors|coachees|vps|heads|colleagues|folks)\b",
    r"\bone (?:thing|approach|option|idea|way|possibility)\b",
    r"\bi think (?:it|that|a|an|you|the|this)\b",
    r"\b(?:often|usually|tends to) (?:helps?|works?|lands?)\b",
    r"\byou (?:could|might|may|can)\b",
    r"\bworth (?:trying|a try|considering|a go)\b",
)
# The coach leaves the choice with the coachee, or the coachee gave leave.
_AUTONOMY = _rx(
    r"\bsince you (?:ask|asked|'re asking|are asking)\b",
    r"\bsee (?:what|how) you think\b",
    r"\bsee if (?:it|that|this) (?:works|fits|helps)\b",
    r"\bif (?:that|it|this) (?:fits|works|helps|resonates|suits|feels right|makes sense)\b",
    r"\b(?:up to you|your call|your choice|your decision|your read)\b",
    r"\byou(?:'re| are) the (?:better |best )?(?:judge|expert)\b",
    r"\byou(?:'ll| will)? know (?:best|better|if|whether|your|them|him|her|these|this)\b",
    r"\byou know (?:\w+ )?(?:better than|best)\b",
    r"\b(?:may|might) (?:or may not|not) (?:be right|fit|work|suit|apply)\b",
    r"\btake it or leave it\b",
    r"\b(?:just|only) (?:an idea|a thought|a suggestion|one idea|one option|one view)\b",
    r"\btry what fits\b",
    r"\bfeel free\b",
    r"\bno pressure\b",
    r"\byou decide\b",
)
# The coach offers ideas: a "yes" to this is permission for the advice that follows.
_OFFER = _rx(
    r"^(?:can|could|may|might) i (?:share|offer|suggest|give you|tell you|add|mention|"
    r"float|throw in|make a suggestion|put forward)",
    r"^(?:would|do) you (?:like|want) (?:me to (?:share|suggest|offer|say|tell)|some "
    r"(?:ideas|thoughts|suggestions|options)|an? (?:idea|thought|suggestion|perspective)|my "
    r"(?:view|take|thoughts|suggestion|idea)|to hear (?:what|how|an?|some|my))",
    r"^would it (?:help|be useful|be helpful) if i (?:shared|offered|suggested|gave|told|"
    r"mentioned)",
    r"^(?:are you|would you be) open to (?:hearing|some|an?|my)",
    r"^(?:is it|would it be) (?:ok|okay|alright|all right) if i (?:shared|offered|suggested|"
    r"gave|told|mentioned|share|offer|suggest|give|tell|mention)",
)
# The coachee asked for advice, or agreed to hear it.
_ADVICE_WELCOME = _rx(
    r"\bwhat (?:should|would|do|can|could) (?:i|you|we) (?:do|say|suggest|recommend|try)\b",
    r"\bwhat would you do\b",
    r"\bwould you (?:do|handle|say|try|suggest|recommend) (?:it|that|this|something)\b",
    r"\bhow would you (?:do|handle|approach|deal|tackle)\b",
    r"\bwhat do (?:other|most) (?:people|leaders|managers|vps)\b",
    r"\bhow (?:do|did) (?:other|most) (?:people|leaders|managers|new \w+s)\b",
    r"\b(?:any|some|your|an?) (?:advice|ideas?|suggestions?|tips?|recommendations?|"
    r"pointers|guidance)\b",
    r"\bdo you (?:think|reckon) (?:that'?s|that is|it'?s|it is|i should)\b",
    r"\bis (?:that|it|this) (?:too|enough|fair|okay|ok|right|a good idea)\b",
    r"\bwhat do you (?:think|suggest|recommend|advise)\b",
    r"\b(?:tell|show) me (?:what|how) to\b",
    r"\bhow (?:should|do|can|would) i (?:handle|deal|approach|do|tackle|fix|manage)\b",
    r"\bi(?:'d| would) (?:like|love|welcome|appreciate) (?:some |your |an? |to hear)",
    r"\bi (?:need|want) (?:some )?(?:advice|ideas|suggestions|tips|a steer|direction)\b",
    r"\bi'?m (?:all ears|open to (?:ideas|suggestions|advice|hearing))\b",
)
_AGREES = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|ok|okay|please|of course|go ahead|absolutely|definitely|"
    r"by all means|i'?d (?:like|love|welcome|appreciate) (?:that|it)|that would (?:help|be)"
    r"|why not|go on)\b"
)

_VIRTUES = (
    r"integrity|courage|leadership|persistence|perseverance|resilience|honesty|humility|"
    r"commitment|generosity|maturity|judg(?:e)?ment|grace|composure|patience|discipline|"
    r"self-awareness|initiative|ownership|determination|wisdom|skill|talent|strength|"
    r"strengths|insight|empathy|compassion|tenacity|self-control|care for|respect for|"
    r"presence of mind|bravery|candou?r|openness|curiosity|conviction|backbone"
)
_AFFIRM = _rx(
    # a virtue the coach sees in the coachee or their act
    rf"\b(?:shows?|showed|showing|takes|took|says a lot about|is|was|'s|that'?s|in you)"
    rf" (?:a lot of |real |genuine |such |great |good |strong |some |true |so much |"
    rf"remarkable |impressive |a real |a great |a good |quiet )*(?:{_VIRTUES})\b",
    rf"\b(?:real|genuine|great|good|strong|true|remarkable|impressive|admirable) "
    rf"(?:{_VIRTUES})\b(?! (?:matters|is what|for you))",
    # an act of the coachee called what it is
    r"\b(?:that'?s|that was|it'?s|it was|how|this is) (?:really |so |very |genuinely |quite |"
    r"incredibly |pretty )*(?:impressive|admirable|brave|courageous|generous|wise|"
    r"thoughtful|mature|gracious|skilful|skillful|resourceful|bold|principled|"
    r"considerate|selfless|insightful|gutsy|classy)\b(?! of (?:him|her|them))",
    r"\byou (?:handled|managed|navigated|ran|led|played|dealt with) (?:that|it|this|them|him|"
    r"her|the \w+)(?: \w+){0,3} (?:really |so |very |incredibly )?(?:well|skil+fully|"
    r"gracefully|calmly|beautifully)\b",
    r"\byou did (?:exactly )?(?:what you said you would|the right thing|the hard thing|"
    r"something hard)\b",
    r"\byou (?:didn'?t|did not|never) (?:give up|back down|let (?:it|that|them|him|her) stop"
    r" you|walk away|quit)\b",
    r"\byou (?:followed through|stuck with it|stepped up|held your ground|stood up for|"
    r"spoke up for|took (?:the|their|that) feedback|acted on (?:the|their|that) feedback|"
    r"kept your word|kept your promise)\b",
    r"\bthat (?:took|takes|must have taken) (?:real |a lot of |some |such )?(?:courage|"
    r"guts|strength|nerve|bravery|honesty|discipline|commitment|persistence|"
    r"determination|humility|character|self-control|presence of mind)",
    r"\bit (?:took|takes) (?:real |a lot of |some |such |a certain )?(?:courage|guts|"
    r"strength|nerve|bravery|honesty|discipline|commitment|persistence|determination|"
    r"humility|character|self-control|maturity|confidence)",
    r"\b(?:that'?s|that is|this is|it'?s|that was|which is) (?:a |an |such an? |real |"
    r"really |so |quite |very |genuinely |exactly )*(?:generous|brave|bold|courageous|"
    r"wise|mature|thoughtful|insightful|honest|clear|big|important|real)?\s?(?:strength|"
    r"leadership|self-control|insight|offer|instinct|courage|maturity|integrity|"
    r"generosity|self-awareness|discipline|persistence|determination|resilience|"
    r"patience|honesty|humility|commitment|resourcefulness|care)\b",
    r"\b(?:that'?s|that is|this is|that was) (?:a |an |such an? |really |so |quite |very |"
    r"genuinely |real )*(?:(?:generous|brave|bold|courageous|wise|mature|gracious|"
    r"principled|insightful|honest|clear|big|important|strong|valuable|composed|"
    r"thoughtful|careful|admirable|remarkable|powerful|real)(?:,? and |, | ))+(?:goal|way|"
    r"move|step|choice|decision|instinct|offer|insight|thing|structure|question|"
    r"realisation|realization|approach|plan|commitment|thing to do|idea|value|answer|"
    r"sensitivity|strength|response|stance|example)\b",
    r"\byou(?:'re| are) (?:really |clearly )?taking (?:responsibility|ownership)\b",
    r"\b(?:that'?s|that is|that was|it'?s|it is) (?:not a small thing|no small thing|"
    r"not easy|not nothing|a lot to (?:ask|take on))\b",
    r"\bwhat makes (?:change|this|it|real change) possible\b",
    r"\bsays a lot about (?:you|how you|who you)\b",
    r"\bit shows\b",
    r"\byou(?:'ve| have) (?:really |clearly |already |obviously |genuinely )?(?:worked"
    r" (?:so |really )?hard|put (?:a lot|so much|real|serious|in|real thought|thought|"
    r"effort|work)|come a (?:long|good) way|grown|made (?:real|great|good|huge|big|"
    r"significant|a lot of) (?:progress|strides|headway|changes)|stuck with|persisted|"
    r"got a (?:good|great|real|natural) (?:instinct|eye|ear|feel|sense)|spotted "
    r"something|been (?:very |so |really )?(?:brave|honest|open|generous|courageous|"
    r"persistent|patient|thoughtful|committed|consistent|resourceful))",
    r"\byou(?:'re| are) (?:clearly |really |obviously |genuinely |very |so |such |being "
    r"(?:very |so |really )?)*(?:resourceful|determined|brave|courageous|persistent|"
    r"creative|capable|skilled|talented|resilient|generous|insightful|self-aware|"
    r"(?:very |really )?good at|great at|strong at|a natural|(?:really |very )?open to|"
    r"willing to|honest with yourself|someone who)\b",
    r"\byou (?:clearly|obviously|really|genuinely) (?:care|want the best|value)\b",
    r"\byou care a lot about (?:doing|getting|him|her|them)\b",
    r"\byou know how to (?:do this|handle|manage|lead|get)\b",
    r"\byou had the (?:presence of mind|courage|sense|good sense|strength)\b",
    r"\byou (?:look at|face|take on|handle|faced) (?:the )?(?:uncomfortable|hard|difficult)"
    r" (?:things|stuff|conversations?)",
    r"\bi (?:really |genuinely |truly |so )?(?:admire|appreciate|respect) (?:your|you|how"
    r" you|that you|the way you|what you)",
    r"\b(?:proud of (?:you|yourself|that)|you should be proud)\b",
    r"\bthank you for (?:your (?:honesty|openness|candour|candor|trust)|being (?:so |this |"
    r"that )?(?:open|honest|candid)|trusting)",
    r"^(?:well done|good for you|bravo|kudos)\b(?! on\b)",
)

_GIVE_INFO = _rx(
    # what Bearing, the programme and the coachee's own records hold
    r"\b(?:bearing|the companion|role-?play|priorit(?:y|ies) board|presentation practice|"
    r"practice tool|transition plan|development plan|stakeholder map|decision journal|"
    r"wins log|check-?in|reminders?|quiet hours|focus areas?|360|pulse survey|"
    r"team charter|calendar notes|training catalogue|assistance line|support line|"
    r"your (?:timeline|notes from|calendar)|"
    r"sponsor|programme|program|the agreement|our agreement|engagement)\b",
    r"\b(?:the|your|this|that|their|our|a) (?:[\w'-]+ ){0,3}(?:report|survey|results?|"
    r"scores?|ratings?|comments?|section|item|data|chart|map|policy|template|scenario|"
    r"baseline|target|rota|structure chart|guidance|guidelines|handbook|timeline|"
    r"history|period|round|review period)\b(?: [\w'-]+){0,4}? (?:shows?|showed|says|"
    r"said|had|has|lists?|flags?|rated|put|is|are|was|were|would be|will be|gives?|"
    r"closes?|opens?|covers?|includes?)\b",
    r"\b(?:rated|scored|rate you|out of (?:five|ten|\d+)|\d+(?:\.\d+)? out of)\b",
    r"\b(?:research|studies|study|statistics?|literature) (?:[\w-]+ ){0,3}(?:shows?|"
    r"suggests?|says|finds|found|indicates?|tells us|is clear)\b|\bgood evidence\b",
    r"\b(?:just so you know|just a (?:reminder|note)|for your information|worth knowing|"
    r"rule of thumb|for context|as a reminder|it may help to know)\b",
    r"\byou (?:mentioned|said|told me) (?:last time|at the start|earlier|before|in our"
    r" (?:first|last))\b|\bfrom what you told me\b|\bif i remember\b",
    r"\b(?:most|many) (?:people|leaders|managers|executives|new \w+s)(?: in (?:your|that|a) "
    r"(?:position|shoes|role|situation))? (?:\w+ ){0,2}(?:feel|find|have|go through|"
    r"struggle|experience|say|do|are|get)\b",
    r"\b(?:generally|usually|typically|on average|statistically|in most \w+|most \w+s "
    r"(?:have|find|do|are)|it'?s (?:very |really |quite )?(?:common|normal|typical|usual))"
    r"\b",
    r"^(?:we(?:'ve| have)? (?:got|have) (?:about |around |nearly |almost |just )?(?:\w+ )"
    r"(?:minutes|sessions?) left|we have our next|our (?:next|engagement|session|time))\b",
    r"\b(?:minutes|sessions?) left\b",
    r"^we(?: have|'ve got| have got) (?:about |around |nearly |almost |just )?(?:\w+ )?"
    r"(?:minutes|hours?)\b",
    r"^(?:i(?:'ll| will| can)|done;?) (?:put|note|add|set|send|share|email|forward|"
    r"book|schedule|record|log|make a note)\b",
    r"\b(?:closes|opens|meets next|starts|ends|is due|finishes) (?:on|at|in|next)\b",
    r"^(?:there(?:'s| is| are)) (?:a|an|also|some) (?:[\w-]+ )?(?:structure|"
    r"model|framework|tool|technique|template|option|scenario|course|line|section|"
    r"exercise|way|method)\b",
    r"\b(?:is|are) (?:called|known as)\b",
    r"^(?:in|under|during) (?:your|the|a|most|our) (?:company'?s |organisation'?s )?"
    r"(?:policy|process|consultation|reorgani[sz]ations?|rules|contract|law)\b",
    r"\byou can(?:'t)? (?:request|book|talk to them|promise|ask for)\b.*\b(?:through|"
    r"during|before|if)\b",
)

_REFLECT_START = _rx(
    r"^(?:you|you're|you are|you've|you have|you'd|you would|you'll|you will|your|yourself)\b",
    r"^(?:it )?(?:sounds|seems|feels|looks) (?:like|as if|as though|that|to me)",
    r"^(?:what )?i(?:'m| am)? (?:hearing|sensing|getting|picking up)\b",
    r"^(?:what )?i (?:hear|sense|get|notice)\b",
    r"^what (?:you're|you are|you've been) (?:saying|describing|telling me|getting at)\b",
    r"^(?:on (?:the )?one hand|on the other|(?:a |some )?part of you|i get (?:the|a) "
    r"(?:sense|feeling)|my sense is|i sense|i wonder (?:if|whether)|i imagine|"
    r"i(?:'m| am) wondering (?:if|whether)|i guess (?:you|that|it|this))\b",
)
_FEELINGS = frozenset(
    """afraid scared frightened fear fearful worried worry worrying anxious anxiety nervous
    uneasy tense stressed stress pressure pressured frustrated frustrating frustration angry
    anger annoyed irritated furious resentful resentment hurt hurting sad sadness upset
    disappointed disappointing disappointment proud pride excited exciting excitement relieved
    relief guilty guilt ashamed shame embarrassed embarrassing overwhelmed overwhelming
    exhausted exhausting tired drained weary burnt burned stuck trapped lonely alone isolated
    torn conflicted ambivalent unsure uncertain doubt doubting confused confident confidence
    hopeful hope hopeless helpless powerless vulnerable exposed insecure unappreciated
    undervalued unseen invisible betrayed disrespected dismissed ignored rejected jealous
    envious grateful thankful happy joy glad content calm peaceful satisfied unsatisfied
    restless bored curious eager energised energized motivated demotivated discouraged
    defeated deflated crushed heartbroken grief grieving loss lost scary terrified dread
    dreading panic panicked sorry regret regretful inadequate fraud imposter impostor
    responsible loyal loyalty obligated duty tension uncomfortable discomfort safe unsafe
    threatened respected valued trusted trust distrust mistrust surprised shocked puzzled
    stunned wary bracing impatient humiliated sting stung""".split()  # noqa: SIM905
)
_AMPLIFIER = frozenset(
    """never always nothing nobody everyone everybody everything completely totally
    absolutely entirely utterly whatsoever ever whole""".split()  # noqa: SIM905
)
_STOP = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours yourself
    yourselves really think feel felt feeling know want going get got like also still much
    many maybe something thing things lot kind sort bit quite actually dont im ive id
    thats theres cant wont need needs make made way even well back one sounds sound
    seems seem say said saying hear hearing okay yeah right mean means just yes""".split()  # noqa: SIM905
)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9][a-z0-9']*", text.lower())


def _stem(word: str) -> str:
    w = re.sub(r"(?:n't|'s|'re|'ve|'ll|'d|'m)$", "", word.strip("'"))
    for suffix in (
        "ations",
        "ation",
        "ingly",
        "ings",
        "ing",
        "edly",
        "ied",
        "ies",
        "ed",
        "ness",
        "ment",
        "ly",
        "es",
        "s",
    ):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[: -len(suffix)]
            break
    if len(w) > 4 and w[-1] == w[-2]:  # stopped -> stopp -> stop
        w = w[:-1]
    return w


def _content(text: str) -> set[str]:
    out = set()
    for word in _words(text):
        base = re.sub(r"(?:n't|'s|'re|'ve|'ll|'d|'m)$", "", word.strip("'"))
        if len(base) > 2 and base not in _STOP:
            out.add(_stem(base))
    return out


def _shares(stem: str, others: set[str]) -> bool:
    if stem in others:
        return True
    for other in others:
        short, long_ = sorted((stem, other), key=len)
        if len(short) >= 4 and long_.startswith(short):
            return True
        if any(long_ == prefix + short for prefix in ("un", "in", "im", "dis", "non", "ir")):
            return True
    return False


def _new_and_shared(utterance: str, context: str) -> tuple[set[str], set[str]]:
    said = _content(context)
    mine = _content(utterance)
    shared = {w for w in mine if _shares(w, said)}
    return mine - shared, shared


def _normalise(text: str) -> str:
    for curly, straight in (
        ("\u2019", "'"),
        ("\u2018", "'"),
        ("\u201c", '"'),
        ("\u201d", '"'),
        ("\u2026", "..."),
    ):
        text = text.replace(curly, straight)
    return re.sub(r"\s+", " ", text).strip()


def _strip_markers(low: str) -> str:
    body = low.strip(" \"'")
    while True:
        stripped = _MARKER.sub("", body, count=1).lstrip(" ,.;:!-—–\"'")
        if stripped == body:
            return body
        body = stripped


_OWN_PLAN = re.compile(
    r"\bi (?:really |probably |just )?(?:need to|have to|should|must|'ve got to|could|"
    r"might|will|'ll|want to)\b|\bmaybe\b"
)


def _restates(body: str, context: str) -> bool:
    """Advice in form that only hands the coachee's own plan back to them ("Bring the
    numbers, one-on-one." after "Maybe… bring the numbers"): a reflection."""
    if not context:
        return False
    new, shared = _new_and_shared(body, context)
    return len(shared) >= 2 and len(new) <= 1 and bool(_OWN_PLAN.search(context))


def _advice_code(body: str, context: str, permitted: bool) -> str:
    welcome = bool(context) and bool(_ADVICE_WELCOME.search(context))
    return "ADV_PERM" if permitted or welcome or _AUTONOMY.search(body) else "ADV"


def _reflection_code(body: str, context: str) -> str:
    """SR stays with what the coachee said; CR adds to it: a feeling or a meaning they
    did not name, both sides, amplification, three or more words of new content, or a
    reflection long enough (twelve words) to link or summarise. SR when in doubt."""
    new, _shared = _new_and_shared(body, context)
    said = {_stem(w) for w in _words(context)}
    words = _words(body)
    meaning = re.search(
        r"\b(?:matters?|important|means|meaning|cares? about|values?|deserves?|story|"
        r"who you are|kind of (?:leader|person|manager))\b",
        body,
    ) and not re.search(r"\b(?:matters?|important|means|care|values?|deserves?)\b", context)
    amplified = re.search(r"\b(?:at all|not (?:one|a single|even)|whatsoever)\b", body)
    desire = re.search(r"\byou(?:'d)? (?:really )?(?:want|need|wish|hope|long)\b", body)
    if (
        re.search(r"\bpart of you\b|\bon (?:the )?one hand\b", body)
        or meaning
        or (amplified and not re.search(re.escape(amplified.group(0)), context))
        or (desire and new and not re.search(r"\b(?:want|need|wish|hope|like)\b", context))
        or any(w in _FEELINGS and not _shares(_stem(w), said) for w in words)
        or any(w in _AMPLIFIER and _stem(w) not in said for w in words)
        or len(new) >= 3
        or len(words) >= 12
    ):
        return "CR"
    return "SR"


_EMBEDDED_WH = _rx(
    r"^what (?:i'm|i am|i) (?:hear|hearing|sense|sensing|get|getting|notice|noticing|see)\b",
    r"^what (?:you're|you are|you've been) (?:saying|describing|telling me|getting at)\b",
    r"^(?:what|how) (?:you|i) \w+(?: \w+)? (?:is|was|are)\b",
)


def _interrogative(body: str) -> bool:
    if re.match(rf"^{_WH}\b", body):
        return not _EMBEDDED_WH.match(body)
    if re.match(r"^(?:in|to|for|from|at|on|by|with|about) (?:what|which|whom)\b", body):
        return True
    return bool(_INVERTED.match(body)) and not _IMPERATIVE_AUX.match(body)


def _question_core(body: str) -> str:
    """The question itself, after a lead-in: "Before we look, what…" -> "what…"."""
    if _interrogative(body):
        return body
    match = re.search(rf"[,:;] (?:and |so |but |then )?((?:{_WH}|{_AUX})\b.*)$", body)
    if match and _interrogative(match.group(1)):
        return match.group(1)
    return body


_CLOSED_WH = _rx(
    r"^how (?:many|much|long|often|old|far|soon|frequently|late|early|confident|sure|"
    r"likely)\b",
    r"\bhow (?:many|much|long)\b",
    r"^(?:when|when's|whose|which|who|who's|whom)\b",
    r"^what (?:time|day|date|year|month|number|percentage|score|rating|age|size)\b",
    r"^what(?:'s| is| was) (?:the|your|his|her|their) (?:name|title|role|deadline|date|"
    r"budget|number|headcount|salary|age)\b",
    r"\b(?:one to ten|1 to 10|scale of|out of ten|out of 10)\b",
)
_OPEN_WH_EXCEPTIONS = _rx(
    r"^(?:how|what) (?:many|much) (?:of (?:that|this|it)|does it|do you)\b(?! \w+ \d)",
    r"^which (?:part|parts|bit|bits|aspect|aspects) (?:of|feels|matters|seems)",
    r"^when (?:do|did|have|are|is|was) (?:you|it|things)(?: \w+)? (?:feel|notice|find|"
    r"sense|at your best|most|least)",
)


def _question_code(body: str) -> str:
    """Open or closed, for a sentence known to be a question."""
    core = _question_core(body)
    if _TAG.search(core) or _BARE_TAG.search(core):
        return "Q_CLOSED"
    if _OPEN_INVITATION.search(body) or _OPEN_INVITATION.search(core):
        return "Q_OPEN"
    if re.search(r"\b(?:one to ten|scale of|out of ten)\b", body):
        return "Q_CLOSED"
    if re.match(rf"^{_WH}\b", core) or re.match(
        r"^(?:in|to|for|from|at|on|by|with|about) (?:what|which|whom)\b", core
    ):
        if _CLOSED_WH.search(core) and not _OPEN_WH_EXCEPTIONS.search(core):
            return "Q_CLOSED"
        if re.search(r"\bor (?:\w+ ){0,3}\w+\?$", core) and not re.search(
            r"\bor (?:what|how|why|something|anything|not)\b", core
        ):
            return "Q_CLOSED"
        return "Q_OPEN"
    if re.search(r"\b(?:what|how|why)\?$", body):
        return "Q_OPEN"
    return "Q_CLOSED"


_INNER = _rx(
    r"\b(?:feel|feels|feeling|felt|want|wants|wanted|wish|hope|hoping|worried|worry|afraid|"
    r"scared|sounds|seems|torn|sure|unsure|rather|prefer|need|needs|miss|like being|"
    r"wondering|think|thinking|believe|know|knew)\b",
    r"^(?:so )?(?:it )?(?:sounds|seems|feels) ",
    r"^(?:so|and) (?:you|it|the|that|this|there)\b",
    r"\bpart of you\b",
)
_CHECK = re.compile(
    r"^(?:and |so )?(?:you(?:'ll| will| would|'d| can| could| do| did| choose| decide| pick)"
    r"|the \w+(?: \w+)?, (?:you|it|they|he|she))\b"
)


def _declarative_question(body: str, context: str, spoken: str = "") -> str:
    """A sentence that ends with "?" but has no question syntax; ``spoken`` keeps the
    leading "so…" that marks a restatement."""
    if _ADVICE.search(body):
        return "ADV"
    words = _words(body)
    new, shared = _new_and_shared(body, context)
    if _CHECK.match(body) and not re.search(
        r"\b(?:feel|feeling|worried|afraid|want|sure|rather|prefer|like|hope|wish)\b", body
    ):
        return "Q_CLOSED"
    if re.match(
        r"^(?:you|you're|you are|you've|your|so you|it sounds|sounds|it seems|"
        r"part of you|it feels)\b",
        body,
    ) and (shared or _INNER.search(body)):
        return "REFLECTION"
    if (shared and not new) or (len(shared) >= 2 and len(shared) >= len(new)):
        return "REFLECTION"
    if re.match(r"^so,? you\b", spoken):
        return "REFLECTION"
    if len(words) >= 6 and _INNER.search(body) and shared:
        return "REFLECTION"
    return "Q_CLOSED"


def _code_sentence(sentence: str, context: str, permitted: bool) -> str:
    low = sentence.lower()
    # words quoted from someone else ("…she said "why now?"") neither ask nor advise
    low = re.sub(r'(?<![a-z])"[^"]*"', '"…"', low) if low.count('"') >= 2 else low
    asked = low.rstrip(" .\"')").endswith("?")
    body = _strip_markers(low).rstrip(" \"'")
    body = _strip_markers(_GREETING_LEAD.sub("", body))
    if not body or not re.search(r"[a-z]", body) or _SOCIAL.search(body):
        return "OTHER"
    if asked:
        core = _question_core(body)
        if _SEEK.search(core) or _SEEK.search(body):
            return "OTHER"
        if _ADVICE_QUESTION.search(core):
            topic = re.sub(r"^(?:have|had) you (?:ever )?\w+ (?:about |to |with )?", "", core)
            if (
                core.startswith(("have", "had"))
                and _new_and_shared(topic, context)[1]
                and not (_new_and_shared(topic, context)[0] - {_stem("yet")})
            ):
                return "Q_CLOSED"  # a check on what the coachee raised
            return _advice_code(body, context, permitted)
        if _TAG.search(body) or _BARE_TAG.search(body):
            return "Q_CLOSED"
        if _interrogative(core) or _OPEN_INVITATION.search(body):
            return _question_code(body)
        if re.search(r"\b(?:what|how|why)\?$", body):
            return "Q_OPEN"
        if re.search(r"\bhow (?:many|much|long|often|likely|sure|confident)\b", body):
            return "Q_CLOSED"  # "Three roles, out of how many?"
        if re.search(r"\bor\b", body) and not _REFLECT_START.match(body):
            return "Q_CLOSED"
        kind = _declarative_question(body, context, low)
        if kind == "ADV":
            return _advice_code(body, context, permitted)
        if kind == "REFLECTION":
            return _reflection_code(body, context)
        return kind
    if _OPEN_INVITATION.search(body):
        return "Q_OPEN"
    if re.match(r"^since you(?:'re| are)? ask", body):
        return "ADV_PERM"
    if _AFFIRM.search(body):
        return "AF"
    if _ADVICE.search(body):
        if _restates(body, context):
            return _reflection_code(body, context)
        return _advice_code(body, context, permitted)
    if _GIVE_INFO.search(body):
        return "GI"
    if _WEAK_ADVICE.search(body):
        return _advice_code(body, context, permitted)
    if _SOFT_ADVICE.search(body) and (
        permitted or _AUTONOMY.search(body) or (context and _ADVICE_WELCOME.search(context))
    ):
        return "ADV_PERM"
    if _interrogative(body) and not _REFLECT_START.match(body) and not re.search(r"[.!]$", body):
        return _question_code(body)  # a question written without its "?"
    if re.match(
        r"^(?:i|i'm|i've|i'll|i'd|my|me|let me|when i|back when i|years ago,? i|"
        r"in my (?:own|last|first|previous|old) (?:role|job|team|company|career))\b",
        body,
    ) and not _REFLECT_START.match(body):
        return "OTHER"  # the coach's own aside or story
    if re.match(
        r"^(?:it'?s|that'?s|this is) (?:entirely |completely |totally )?"
        r"(?:up to you|your (?:call|choice|decision))",
        body,
    ):
        return "OTHER"
    return _reflection_code(body, context)


_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)")


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for match in _SENTENCE.finditer(text):
        piece = match.group(0).strip()
        if not piece:
            continue
        # "3.2 out of 5", "e.g." and "Mr." do not end a sentence
        if out and (
            re.search(r"\d\.$", out[-1])
            and re.match(r"\d", piece)
            or re.search(r"\b(?:e\.g|i\.e|mr|mrs|ms|dr|vs)\.$", out[-1].lower())
        ):
            out[-1] += piece
            continue
        if not re.search(r"[A-Za-z]", piece) and out:
            out[-1] += piece
            continue
        out.append(piece)
    return out


def code_utterance(utterance: str, context: str = "", *, permitted: bool = False) -> str:
    """One coach utterance's code. ``context`` is the coachee's words just before ("" or
    "-" when none): a reflection restates or infers them, and advice they asked for is
    advice with permission. ``permitted``: the coachee has just agreed to hear ideas."""
    text = _normalise(utterance)
    context = "" if context.strip() in {"", "-"} else _normalise(context).lower()
    sentences = _sentences(text) or [text]
    codes = {_code_sentence(s, context, permitted) for s in sentences}
    return next(code for code in _PRECEDENCE if code in codes)


# A reflection that runs on into a question: "You're torn, so what would help?"
_RUN_ON = re.compile(
    rf"^(?P<first>.{{8,}}?)(?:,|;|:|\s[-—–])\s+(?:and |so |but )?"
    rf"(?P<second>(?:{_WH}|{_AUX})\b.+\?)$",
    re.I,
)


def split_utterances(text: str) -> list[str]:
    """The thought units of one coach turn, in order."""
    out: list[str] = []
    for sentence in _sentences(_normalise(text)):
        run_on = _RUN_ON.match(sentence) if sentence.endswith("?") else None
        if run_on:
            first = run_on.group("first").strip()
            first_body = _strip_markers(first.lower())
            if (
                _REFLECT_START.match(first_body)
                and not _interrogative(first_body)
                and not _TAG.search(sentence.lower())
                and len(_words(first)) >= 3
            ):
                out.append(first + ".")
                second = run_on.group("second").strip()
                out.append(second[0].upper() + second[1:])
                continue
        out.append(sentence)
    return out


@dataclass
class Utterance:
    turn: int
    text: str
    code: str


def code_turn(
    text: str, context: str = "", *, number: int = 0, permitted: bool = False
) -> list[Utterance]:
    """A coach turn's utterances with their codes."""
    pieces = split_utterances(text)
    codes = [code_utterance(piece, context, permitted=permitted) for piece in pieces]
    return _thought_units(pieces, codes, number)


def _thought_units(pieces: list[str], codes: list[str], number: int) -> list[Utterance]:
    """Consecutive sentences that give information, reflect, or fill are one thought
    unit; questions, advice and affirmations each count on their own."""
    coded: list[Utterance] = []
    for piece, code in zip(pieces, codes, strict=True):
        last = coded[-1] if coded else None
        if last and (
            (code == last.code and code in {"GI", "OTHER"})
            or (code in REFLECTION_CODES and last.code in REFLECTION_CODES)
        ):
            last.text += " " + piece
            if code in REFLECTION_CODES:
                last.code = "CR" if "CR" in (code, last.code) else "SR"
            continue
        coded.append(Utterance(number, piece, code))
    return coded


def code_session(turns: list[tuple[str, list[str]]]) -> list[list[str]]:
    """Codes for a whole session given as (coachee's words before, coach utterances)
    per coach turn: advice that follows the coach's offer and the coachee's "yes" is
    advice with permission, for as long as the coach stays with advice."""
    out: list[list[str]] = []
    offered = permitted = False
    for context, utterances in turns:
        low = _normalise(context).lower()
        permitted = (offered and bool(_AGREES.match(low))) or permitted
        codes = [code_utterance(u, context, permitted=permitted) for u in utterances]
        offered = any(_OFFER.search(_strip_markers(_normalise(u).lower())) for u in utterances)
        permitted = permitted and any(c in ADVICE_CODES for c in codes)
        out.append(codes)
    return out


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
    code: str = ""


@dataclass
class Observation:
    key: str
    title: str
    finding: str
    pcc_markers: list[str]
    quotes: list[Quote] = field(default_factory=list)
    estimate: bool = False


@dataclass
class CodeCount:
    code: str
    label: str
    count: int
    examples: list[Quote]


@dataclass
class ReferenceLevel:
    """A figure of this session beside MITI 4.2.1's published reference levels."""

    name: str
    value: str
    fair: str
    good: str


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
    simple_reflections: int = 0
    complex_reflections: int = 0
    advice_with_permission: int = 0
    advice_without_permission: int = 0
    # reflections per question, and complex reflections' share of all reflections;
    # None when there is nothing to divide by
    reflection_to_question: float | None = None
    complex_reflection_share: float | None = None
    code_counts: list[CodeCount] = field(default_factory=list)
    reference_levels: list[ReferenceLevel] = field(default_factory=list)
    utterances: list[Utterance] = field(default_factory=list)


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


CODE_LABELS = {
    "Q_OPEN": "Open questions",
    "Q_CLOSED": "Closed questions",
    "SR": "Simple reflections",
    "CR": "Complex reflections",
    "GI": "Giving information",
    "ADV_PERM": "Advice with permission",
    "ADV": "Advice without permission",
    "AF": "Affirmations",
    "OTHER": "Other (greetings, fillers, structure)",
}

# The MITI 4.2.1 coding manual (Moyers, Manuel & Ernst) gives these as its provisional
# thresholds for fair (basic competence) and good (proficiency) practice of motivational
# interviewing; they are shown beside the session's figures for orientation, never
# turned into a verdict.
MITI_REFERENCE = {
    "reflection_to_question": {"fair": 1.0, "good": 2.0},
    "complex_reflection_share": {"fair": 0.40, "good": 0.50},
}


def _ratio(value: float) -> str:
    return f"{value:.1f}:1".replace(".0:", ":")


def _coded_turns(turns: list[Turn]) -> list[list[Utterance]]:
    """Each turn's coded utterances (empty for the coachee's turns)."""
    coach: list[tuple[Turn, list[str]]] = []
    sequence: list[tuple[str, list[str]]] = []
    previous_client = ""
    for t in turns:
        if not t.is_coach:
            previous_client = t.text
            continue
        pieces = split_utterances(t.text)
        coach.append((t, pieces))
        sequence.append((previous_client, pieces))
    coded = {
        t.number: _thought_units(pieces, codes, t.number)
        for (t, pieces), codes in zip(coach, code_session(sequence), strict=True)
    }
    return [coded.get(t.number, []) for t in turns]


def analyse(text: str, coach_label: str = "Coach") -> Report:
    turns = parse_transcript(text, coach_label)
    coded_turns = _coded_turns(turns)
    coach_turns = [t for t in turns if t.is_coach]
    client_turns = [t for t in turns if not t.is_coach]
    coach_words = sum(len(t.text.split()) for t in coach_turns)
    client_words = sum(len(t.text.split()) for t in client_turns)
    utterances = [u for coded in coded_turns for u in coded]
    counts = {code: sum(1 for u in utterances if u.code == code) for code in CODES}
    examples: dict[str, list[Quote]] = {code: [] for code in CODES}
    by_number = {t.number: t for t in turns}
    for u in utterances:
        if len(examples[u.code]) < 2:
            examples[u.code].append(Quote(u.turn, by_number[u.turn].speaker, u.text, u.code))

    stacked = advice_turns = 0
    stacked_quotes: list[Quote] = []
    for t, coded in zip(turns, coded_turns, strict=True):
        asked = sum(
            1
            for u in coded
            if u.code in QUESTION_CODES or (u.code in ADVICE_CODES and u.text.endswith("?"))
        )
        if asked >= 2:
            stacked += 1
            if len(stacked_quotes) < 2:
                stacked_quotes.append(Quote(t.number, t.speaker, t.text))
        advice_turns += any(u.code in ADVICE_CODES for u in coded)

    questions = counts["Q_OPEN"] + counts["Q_CLOSED"]
    reflections = counts["SR"] + counts["CR"]
    rq = round(reflections / questions, 2) if questions else None
    cr_share = round(counts["CR"] / reflections, 2) if reflections else None

    outcome, outcome_quotes = _agreed(turns, OUTCOME)
    measure, measure_quotes = _agreed(turns, MEASURE)
    closing = _span(turns, start=False)
    closing_numbers = {t.number for t in closing}
    client_actions = [
        t for t in closing if not t.is_coach and any(re.search(p, t.text.lower()) for p in ACTIONS)
    ]
    coach_advised_late = any(
        u.code in ADVICE_CODES for u in utterances if u.turn in closing_numbers
    )
    designed = bool(client_actions) and not coach_advised_late
    total_words = coach_words + client_words
    share = round(coach_words / total_words, 3) if total_words else 0.0
    per_turn = round(questions / len(coach_turns), 2) if coach_turns else 0.0
    advice_quotes = [
        Quote(u.turn, by_number[u.turn].speaker, u.text, u.code)
        for u in utterances
        if u.code in ADVICE_CODES
    ][:3]
    reflection_quotes = examples["CR"][:2] + examples["SR"][:2]

    references = [
        ReferenceLevel(
            "Reflections to questions",
            _ratio(rq) if rq is not None else "no questions",
            _ratio(MITI_REFERENCE["reflection_to_question"]["fair"]),
            _ratio(MITI_REFERENCE["reflection_to_question"]["good"]),
        ),
        ReferenceLevel(
            "Complex reflections, share of all reflections",
            f"{round(cr_share * 100)}%" if cr_share is not None else "no reflections",
            f"{round(MITI_REFERENCE['complex_reflection_share']['fair'] * 100)}%",
            f"{round(MITI_REFERENCE['complex_reflection_share']['good'] * 100)}%",
        ),
    ]
    balance = (
        f"Reflections to questions: {references[0].value} "
        f"({reflections} reflection(s), {questions} question(s)). "
        f"Complex reflections: {references[1].value}"
        + (f" ({counts['CR']} of {reflections})" if reflections else "")
        + ". MITI 4.2.1 publishes reference levels for motivational interviewing: "
        "reflections to questions 1:1 fair, 2:1 good; complex reflections 40% fair, "
        "50% good of all reflections. They are there to compare with, for your own learning, "
        "not a grade of this session."
    )
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
            f"{questions} questions, {per_turn} per coach turn: {counts['Q_OPEN']} open and "
            f"{counts['Q_CLOSED']} closed; {stacked} turn(s) stacked two or more questions.",
            PCC["questions"],
            examples["Q_OPEN"][:2] + stacked_quotes,
            estimate=True,
        ),
        Observation(
            "advice",
            "Advice",
            (
                f"Advice appeared in {advice_turns} coach turn(s). "
                f"{counts['ADV_PERM']} piece(s) came with the coachee's invitation or "
                f"permission, {counts['ADV']} without."
            )
            if advice_turns
            else "No advice was noticed.",
            PCC["advice"],
            advice_quotes,
            estimate=True,
        ),
        Observation(
            "reflection",
            "Reflections",
            f"{reflections} reflection(s) of the coachee's words: {counts['SR']} simple "
            f"(staying with what was said), {counts['CR']} complex (adding feeling, meaning "
            "or the other side).",
            PCC["reflection"],
            reflection_quotes,
            estimate=True,
        ),
        Observation(
            "balance",
            "Reflections and questions, beside MITI 4.2.1",
            balance,
            PCC["reflection"] + PCC["questions"][1:],
            estimate=True,
        ),
        Observation(
            "outcome",
            "What the coachee wants from the session",
            "An outcome for the session was asked for and answered near the start."
            if outcome
            else "No outcome for the session was agreed near the start.",
            PCC["outcome"],
            outcome_quotes,
            estimate=True,
        ),
        Observation(
            "measure",
            "How the coachee will know",
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
            "The coachee put their own actions into words at the end."
            if designed
            else "The coachee did not design their own actions at the end.",
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
        open_questions=counts["Q_OPEN"],
        closed_questions=counts["Q_CLOSED"],
        stacked_question_turns=stacked,
        advice_turns=advice_turns,
        reflections=reflections,
        questions_per_coach_turn=per_turn,
        outcome_agreed=outcome,
        measure_agreed=measure,
        client_designed_actions=designed,
        observations=obs,
        simple_reflections=counts["SR"],
        complex_reflections=counts["CR"],
        advice_with_permission=counts["ADV_PERM"],
        advice_without_permission=counts["ADV"],
        reflection_to_question=rq,
        complex_reflection_share=cr_share,
        code_counts=[
            CodeCount(code, CODE_LABELS[code], counts[code], examples[code]) for code in CODES
        ],
        reference_levels=references,
        utterances=utterances,
    )

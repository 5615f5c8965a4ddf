"""An optional language-model engine for the companion, behind the same rules.

Speaks the OpenAI-compatible chat-completions protocol (llama.cpp server,
Ollama, vLLM or a hosted service), streaming or not. Names and email addresses are
replaced before anything is sent. Standard library only.

What never goes to the model: a turn the safety net reads as a crisis, any turn
while the conversation is careful after a referral, and the turns about the
conversation itself that need a truthful, fixed answer (what the companion is, who
sees the conversation, requests for advice, attempts to change its instructions,
other languages, off-topic turns) — the offline engine answers those.

What never reaches the leader: a model reply that breaks the validator (one
question, no advice, short, nothing cut), that the safety net flags, or that asks
about the leader's own part before they described it, while careful, or after a
disclosure. Such a reply is retried once; then the offline engine answers.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from .engine import Conversation, Turn, asks_own_part, respond, validate_reply
from .safety import Resources, assess

SYSTEM_PROMPT = (
    "You are a Socratic executive-coaching companion. You are software, not a person and not "
    "therapy. Follow GROW (goal, reality, options, will) as a compass. Reply with at most one "
    "short reflection using the leader's own words, then exactly one open question. Never give "
    "advice, suggestions or opinions. Never ask two questions. Keep replies under 60 words."
)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class ModelConfig:
    url: str  # base URL, e.g. http://127.0.0.1:8080
    model: str
    key: str = ""
    timeout: float = 15.0
    stream: bool = True


class ModelError(Exception):
    pass


def scrub(text: str, names: list[str]) -> str:
    """Replace email addresses and known names before text leaves Bearing."""
    text = EMAIL.sub("[email]", text)
    for name in sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[name]", text, flags=re.I)
    return text


def _request(config: ModelConfig, messages: list[dict]) -> str:
    body = json.dumps(
        {
            "model": config.model,
            "messages": messages,
            "stream": config.stream,
            "temperature": 0.3,
            "max_tokens": 160,
        }
    ).encode()
    req = urllib.request.Request(  # noqa: S310 - the URL is the operator's configuration
        config.url.rstrip("/") + "/v1/chat/completions",
        data=body,
        headers={
            "Content-Type": "application/json",
            **({"Authorization": f"Bearer {config.key}"} if config.key else {}),
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=config.timeout) as resp:  # noqa: S310
            if not config.stream:
                data = json.loads(resp.read().decode())
                return data["choices"][0]["message"]["content"].strip()
            parts = []
            for raw in resp:
                line = raw.decode().strip()
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                delta = json.loads(payload)["choices"][0].get("delta", {})
                parts.append(delta.get("content") or "")
            return "".join(parts).strip()
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError) as exc:
        raise ModelError(str(exc)) from exc


# Turns the offline engine answers itself: a fixed, truthful answer is better than a
# model's guess.
OFFLINE_TURNS = frozenset(
    {
        "identity_question",
        "privacy_question",
        "injection",
        "other_language",
        "off_topic",
        "advice_request",
        "advice_accept",
        "advice_declined",
        "go_on",
    }
)


_TO_FIRST = {
    "you": "I",
    "your": "my",
    "yours": "mine",
    "yourself": "myself",
    "you're": "I'm",
    "you've": "I've",
    "you'd": "I'd",
    "you'll": "I'll",
}


def _as_the_leader(reply: str) -> str:
    """The reply with "you" turned into "I", so the safety net, which reads what people
    say about themselves, also sees harm language aimed at the leader ("kill yourself")."""
    return re.sub(r"[\w']+", lambda m: _TO_FIRST.get(m.group(0).lower(), m.group(0)), reply)


def reply_problems(reply: str, conv: Conversation) -> list[str]:
    """Why a model reply may not reach the leader, given the conversation as it stands
    after this turn (empty = it may)."""
    problems = validate_reply(reply)
    if assess(reply).crisis or assess(_as_the_leader(reply)).crisis:
        problems.append("harm language")
    if asks_own_part(reply) and (conv.careful or conv.disclosed or not conv.own_part):
        problems.append("asks about the leader's own part")
    return problems


def model_respond(
    conv: Conversation,
    history: list[tuple[str, str]],
    leader_text: str,
    config: ModelConfig,
    names=(),
    resources: Resources | None = None,
) -> tuple[Turn, str]:
    """Reply through the model if it keeps the rules; otherwise the offline engine.

    Returns the turn and where it came from: "model", "model-retry" or "offline"."""
    if conv.careful or assess(leader_text).crisis:
        return respond(conv, leader_text, resources), "offline"  # safety is never delegated
    # What the offline engine makes of the turn: the state after it, and its reply if
    # the model cannot do better.
    after = Conversation.from_dict(conv.to_dict())
    offline = respond(after, leader_text, resources)
    fixed = offline.question_id in ("offer-action", "offer-perspectives", "perspectives")
    if offline.referred or after.careful or fixed or set(offline.meta) & OFFLINE_TURNS:
        conv.__dict__.update(after.__dict__)
        return offline, "offline"
    messages = [{"role": "system", "content": SYSTEM_PROMPT}]
    for speaker, text in history[-12:]:
        role = "user" if speaker == "leader" else "assistant"
        messages.append({"role": role, "content": scrub(text, list(names))})
    messages.append({"role": "user", "content": scrub(leader_text, list(names))})
    for attempt in ("model", "model-retry"):
        try:
            reply = _request(config, messages)
        except ModelError:
            continue
        if reply and not reply_problems(reply, after):
            if offline.question_id in after.asked:  # the offline question was not asked
                after.asked.remove(offline.question_id)
            conv.__dict__.update(after.__dict__)
            return Turn(
                reply=reply, stage=after.stage, referred=False, feeling=offline.feeling
            ), attempt
        messages.append({"role": "assistant", "content": reply})
        messages.append(
            {
                "role": "user",
                "content": "Rewrite that: one short reflection, then "
                "exactly one open question, and no advice.",
            }
        )
    conv.__dict__.update(after.__dict__)
    return offline, "offline"

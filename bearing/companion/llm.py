"""An optional language-model engine for the companion, behind the same rules.

Speaks the OpenAI-compatible chat-completions protocol (llama.cpp server,
Ollama, vLLM or a hosted service), streaming or not. Every reply passes the
offline engine's validator (one question, no advice, short); a reply that fails
is retried once, then the offline engine answers. Names and email addresses are
replaced before anything is sent. Standard library only.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from .engine import Conversation, Turn, detect_stage, is_crisis, respond, validate_reply

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


def model_respond(
    conv: Conversation,
    history: list[tuple[str, str]],
    leader_text: str,
    config: ModelConfig,
    names: list[str] = (),
) -> tuple[Turn, str]:
    """Reply through the model if it keeps the rules; otherwise the offline engine.

    Returns the turn and where it came from: "model", "model-retry" or "offline"."""
    if is_crisis(leader_text):
        return respond(conv, leader_text), "offline"  # safety is never delegated
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
        if reply and not validate_reply(reply):
            conv.turns += 1
            stage = detect_stage(leader_text) or conv.stage
            return Turn(reply=reply, stage=stage, referred=False), attempt
        messages.append({"role": "assistant", "content": reply})
        messages.append(
            {
                "role": "user",
                "content": "Rewrite that: one short reflection, then "
                "exactly one open question, and no advice.",
            }
        )
    return respond(conv, leader_text), "offline"

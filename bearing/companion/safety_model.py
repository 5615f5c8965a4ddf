"""The safety net's learned layer: a small linear model over letter groups.

The cue lists (``safety.py``) catch what they were written for; this layer catches
some of the wordings nobody wrote a cue for. It reads a statement as overlapping
groups of three to five letters plus single words and word pairs (after the same
normalising the cues use), hashes each into a fixed table, and scores the eight
categories (``none`` and the seven crises) with a multinomial logistic regression.

It is trained offline, deterministically, by ``manage.py train_safety`` on
``data/safety/training.tsv`` (statements written for training, never the evaluation
set's held-out part) and the evaluation set's ``dev`` rows, and its weights are kept in
``data/safety/learned.tsv``. At run time it is pure standard library: no download, no
state, a fraction of a millisecond per statement.

It only ever adds a referral the cues missed, and only when it is sure (``THRESHOLD``,
chosen by cross-validation on the dev rows so that false alarms stay under 2%).
"""

from __future__ import annotations

import math
import zlib
from functools import lru_cache
from pathlib import Path

WEIGHTS = Path(__file__).resolve().parent / "data" / "safety" / "learned.tsv"
LABELS = (
    "none",
    "self_harm",
    "harm_others",
    "abuse",
    "substance",
    "medical",
    "mental_health",
    "legal_ethics",
)
BUCKETS = 1 << 18
SCALE = 1000  # weights are kept as integers, thousandths


def features(words: list[str]) -> dict[int, float]:
    """Hashed letter groups, words and word pairs of normalised words, unit length."""
    line = " " + " ".join(words) + " "
    counts: dict[int, float] = {}
    grams = [line[i : i + n] for n in (3, 4, 5) for i in range(len(line) - n + 1)]
    grams += ["w:" + w for w in words] + [
        f"b:{a} {b}" for a, b in zip(words, words[1:], strict=False)
    ]
    for gram in grams:
        key = zlib.crc32(gram.encode()) % BUCKETS
        counts[key] = counts.get(key, 0.0) + 1.0
    norm = math.sqrt(sum(v * v for v in counts.values())) or 1.0
    return {k: v / norm for k, v in counts.items()}


@lru_cache(maxsize=1)
def model() -> tuple[dict[int, tuple[float, ...]], tuple[float, ...], float]:
    """(weights per bucket, bias per label, threshold) from ``learned.tsv``."""
    weights: dict[int, tuple[float, ...]] = {}
    bias: tuple[float, ...] = (0.0,) * len(LABELS)
    threshold = 1.0
    for raw in WEIGHTS.read_text(encoding="utf-8").splitlines():
        if not raw or raw.startswith("#"):
            continue
        key, *values = raw.split("\t")
        if key == "threshold":
            threshold = float(values[0])
        elif key == "bias":
            bias = tuple(int(v) / SCALE for v in values)
        else:
            weights[int(key)] = tuple(int(v) / SCALE for v in values)
    return weights, bias, threshold


def probabilities(words: list[str]) -> list[float]:
    weights, bias, _ = model()
    scores = list(bias)
    for key, value in features(words).items():
        row = weights.get(key)
        if row is not None:
            for i, w in enumerate(row):
                scores[i] += w * value
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return [e / total for e in exps]


def classify(words: list[str]) -> str | None:
    """The crisis category this model is sure of, or None."""
    if not words:
        return None
    p = probabilities(words)
    if 1.0 - p[0] < model()[2]:
        return None
    best = max(range(1, len(LABELS)), key=lambda i: p[i])
    return LABELS[best]


def train(
    rows: list[tuple[str, list[str]]], epochs: int = 30, l2: float = 1e-5, rate: float = 0.5
) -> tuple[dict[int, list[float]], list[float]]:
    """Multinomial logistic regression by AdaGrad over the rows in the order given
    (deterministic). Crisis and ``none`` rows weigh half each in total."""
    k = len(LABELS)
    data = [(LABELS.index(label), features(words)) for label, words in rows]
    n_none = sum(1 for y, _ in data if y == 0) or 1
    n_crisis = (len(data) - n_none) or 1
    weight_of = [len(data) / (2 * n_none)] + [len(data) / (2 * n_crisis)] * (k - 1)
    weights: dict[int, list[float]] = {}
    grads: dict[int, list[float]] = {}
    bias = [0.0] * k
    bias_grad = [1e-8] * k
    for _ in range(epochs):
        for y, x in data:
            scores = list(bias)
            for key, value in x.items():
                row = weights.get(key)
                if row is not None:
                    for i in range(k):
                        scores[i] += row[i] * value
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            delta = [
                (e / total - (1.0 if i == y else 0.0)) * weight_of[y] for i, e in enumerate(exps)
            ]
            for key, value in x.items():
                row = weights.setdefault(key, [0.0] * k)
                acc = grads.setdefault(key, [1e-8] * k)
                for i in range(k):
                    g = delta[i] * value + l2 * row[i]
                    acc[i] += g * g
                    row[i] -= rate * g / math.sqrt(acc[i])
            for i in range(k):
                bias_grad[i] += delta[i] * delta[i]
                bias[i] -= rate * delta[i] / math.sqrt(bias_grad[i])
    return weights, bias


def write(weights: dict[int, list[float]], bias: list[float], threshold: float, note: str) -> None:
    lines = [f"# {line}" for line in note.splitlines()]
    lines.append("threshold\t" + f"{threshold:.3f}")
    lines.append("bias\t" + "\t".join(str(round(b * SCALE)) for b in bias))
    for key in sorted(weights):
        row = [round(w * SCALE) for w in weights[key]]
        if max(map(abs, row)) >= 10:  # smaller weights barely move a score
            lines.append(f"{key}\t" + "\t".join(map(str, row)))
    WEIGHTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    model.cache_clear()

"""Per-pair features over the pair-score matrix and the claims: what an aggregation may weigh.

A pure function of :class:`~contradict.types.PairScores`; every feature is symmetric in the pair's order.
"""

from __future__ import annotations

import re

import numpy as np

from contradict.pipeline.explain import quantity_mismatches
from contradict.types import CONTRADICTION, ENTAILMENT, PairScores

FEATURES: tuple[str, ...] = (
    "p_contradiction_max",  # P(contradiction), the higher direction
    "p_contradiction_min",  # ... the lower direction
    "p_entailment_max",  # P(entailment), the higher direction
    "relatedness",  # embedding relatedness of the two claims
    "different_speakers",  # 1 when the two claims have different speakers (the narrator is one)
    "quantity_mismatch",  # 1 when a quantity of the same kind and thing differs (see explain.py)
    "shared_names",  # share of capitalised words (names) the two claims have in common (Jaccard)
    "word_overlap",  # share of content words in common (Jaccard)
)

_NAME = re.compile(r"\b[A-Z][a-zA-Z]+\b")
_WORD = re.compile(r"[a-z0-9]{4,}")


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def pair_features(scores: PairScores) -> np.ndarray:
    """(m, len(FEATURES)) float32, rows aligned with ``scores.pairs``."""
    m = len(scores.pairs)
    out = np.zeros((m, len(FEATURES)), dtype=np.float32)
    if m == 0:
        return out
    fwd, bwd = scores.forward, scores.backward
    out[:, 0] = np.maximum(fwd[:, CONTRADICTION], bwd[:, CONTRADICTION])
    out[:, 1] = np.minimum(fwd[:, CONTRADICTION], bwd[:, CONTRADICTION])
    out[:, 2] = np.maximum(fwd[:, ENTAILMENT], bwd[:, ENTAILMENT])
    out[:, 3] = scores.relatedness
    by_id = {c.id: c for c in scores.claims}
    names = {c.id: set(_NAME.findall(c.text)) - {c.text.split()[0]} for c in scores.claims}
    words = {c.id: set(_WORD.findall(c.text.lower())) for c in scores.claims}
    for k, (a, b) in enumerate(scores.pairs.tolist()):
        ca, cb = by_id[a], by_id[b]
        out[k, 4] = float(ca.speaker != cb.speaker)
        out[k, 5] = float(bool(quantity_mismatches(ca.text, cb.text)))
        out[k, 6] = _jaccard(names[a], names[b])
        out[k, 7] = _jaccard(words[a], words[b])
    return out

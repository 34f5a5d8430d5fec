"""Aggregation: the pair-score arrays → ranked contradictions. Pure functions, no model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from contradict.pipeline.explain import quantity_mismatches
from contradict.pipeline.features import FEATURES, pair_features
from contradict.types import CONTRADICTION, NLI_LABELS, Contradiction, PairScores, ScoreWeights

#: Pairs at or above this relatedness keep their full contradiction probability; below it the
#: probability is scaled down linearly (0 relatedness → score 0).
DEFAULT_RELATEDNESS_FULL = 0.5


@dataclass(frozen=True)
class PairVerdicts:
    """Per-pair aggregates, aligned with ``PairScores.pairs``."""

    p_contradiction: np.ndarray  # max over the two directions
    forward_fired: np.ndarray  # True where a→b gave the max
    score: np.ndarray


def combine_views(full: np.ndarray, core: np.ndarray, scored: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the probabilities of whichever view gives the higher P(contradiction).

    ``full``: (m, 3) probabilities of the full claims; ``core``: (len(scored), 3) probabilities of the
    cores for the rows ``scored`` (indices into ``full``). Returns the combined (m, 3) array and an (m,)
    bool array, True where the core's row was taken. Ties keep the full view.
    """
    out = full.copy()
    taken = np.zeros(len(full), dtype=bool)
    if len(scored):
        better = core[:, CONTRADICTION] > full[scored, CONTRADICTION]
        rows = scored[better]
        out[rows] = core[better]
        taken[rows] = True
    return out, taken


def relatedness_weight(relatedness: np.ndarray, full: float = DEFAULT_RELATEDNESS_FULL) -> np.ndarray:
    """min(1, relatedness / full); ``full <= 0`` switches weighting off."""
    if full <= 0:
        return np.ones_like(relatedness, dtype=np.float32)
    return np.minimum(1.0, np.maximum(relatedness, 0.0) / full).astype(np.float32)


def weighted_score(features: np.ndarray, weights: ScoreWeights) -> np.ndarray:
    """sigmoid(intercept + features[:, chosen] @ coefficients) of a (m, len(FEATURES)) feature array."""
    unknown = [f for f in weights.features if f not in FEATURES]
    if unknown:
        raise ValueError(f"unknown score features {unknown}; available: {', '.join(FEATURES)}")
    cols = [FEATURES.index(f) for f in weights.features]
    z = weights.intercept + features[:, cols].astype(np.float64) @ np.asarray(weights.coefficients, dtype=np.float64)
    return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def verdicts(
    scores: PairScores, relatedness_full: float = DEFAULT_RELATEDNESS_FULL, weights: ScoreWeights | None = None
) -> PairVerdicts:
    """P(contradiction) of the higher direction, and the score: that probability × the relatedness weight,
    or, with ``weights``, the fitted score over the pair features."""
    fwd = scores.forward[:, CONTRADICTION]
    bwd = scores.backward[:, CONTRADICTION]
    p = np.maximum(fwd, bwd).astype(np.float32)
    if weights is not None:
        return PairVerdicts(p, fwd >= bwd, weighted_score(pair_features(scores), weights))
    return PairVerdicts(
        p, fwd >= bwd, (p * relatedness_weight(scores.relatedness, relatedness_full)).astype(np.float32)
    )


def highest_score(
    scores: PairScores | None, relatedness_full: float = DEFAULT_RELATEDNESS_FULL, weights: ScoreWeights | None = None
) -> float | None:
    """The best pair's score, reported or not (None when no pair was scored): what a threshold would have to
    be lowered to for anything to be reported."""
    if scores is None or len(scores.pairs) == 0:
        return None
    return float(verdicts(scores, relatedness_full, weights).score.max())


def rank(
    scores: PairScores, relatedness_full: float = DEFAULT_RELATEDNESS_FULL, weights: ScoreWeights | None = None
) -> np.ndarray:
    """Row indices of all pairs, best first; ties broken by claim ids, so the order is deterministic."""
    v = verdicts(scores, relatedness_full, weights)
    return np.lexsort((scores.pairs[:, 1], scores.pairs[:, 0], -v.score.astype(np.float64)))


def aggregate(
    scores: PairScores,
    *,
    threshold: float,
    top: int | None = None,
    relatedness_full: float = DEFAULT_RELATEDNESS_FULL,
    weights: ScoreWeights | None = None,
) -> tuple[Contradiction, ...]:
    """Pairs whose score reaches ``threshold``, highest first, at most ``top`` of them."""
    if top is not None and top < 0:
        raise ValueError(f"top must be >= 0, got {top}")
    if len(scores.pairs) == 0:
        return ()
    v = verdicts(scores, relatedness_full, weights)
    by_id = {c.id: c for c in scores.claims}
    out: list[Contradiction] = []
    for k in rank(scores, relatedness_full, weights).tolist():
        if v.score[k] < threshold or (top is not None and len(out) >= top):
            break
        a, b = (int(x) for x in scores.pairs[k])
        fired = bool(v.forward_fired[k])
        probs = scores.forward[k] if fired else scores.backward[k]
        from_core = scores.from_core is not None and bool(scores.from_core[k, 0 if fired else 1])
        out.append(
            Contradiction(
                claim_a=by_id[a],
                claim_b=by_id[b],
                score=float(v.score[k]),
                p_contradiction=float(v.p_contradiction[k]),
                relatedness=float(scores.relatedness[k]),
                direction="a->b" if fired else "b->a",
                probabilities={label: float(probs[i]) for i, label in enumerate(NLI_LABELS)},
                view="core" if from_core else "full",
                mismatches=tuple(quantity_mismatches(by_id[a].text, by_id[b].text)),
                scored_by=scores.model_of(k),
            )
        )
    return tuple(out)

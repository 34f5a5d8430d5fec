"""Metrics (scikit-learn, from the ``eval`` extra) and threshold selection: pure functions over labels and scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType

import numpy as np

from contradict.extras import require
from contradict.training.calibration import expected_calibration_error
from contradict.types import CONTRADICTION, NLI_LABELS


def _sklearn() -> ModuleType:
    """``sklearn.metrics``, imported on first use (the ``eval`` extra)."""
    return require("sklearn.metrics", "evaluation metrics", "eval")


def _two_classes(y: np.ndarray) -> bool:
    return len(np.unique(y)) == 2


def pair_metrics(labels: Sequence[str], probs: np.ndarray, threshold: float) -> dict[str, float]:
    """Pair-level metrics. ``probs`` is (n, 3) in entailment/neutral/contradiction order.

    3-way (or entailment/contradiction) data: accuracy and macro-F1 of the argmax; contradiction
    precision/recall/F1 of ``P(contradiction) >= threshold``; ROC-AUC and average precision of
    P(contradiction). 2-way data (entailment / not_entailment): accuracy of "argmax is entailment".
    """
    sk = _sklearn()
    y = np.asarray(labels)
    out: dict[str, float] = {"n": float(len(y)), "threshold": float(threshold)}
    pred = np.asarray(NLI_LABELS)[probs.argmax(axis=1)]
    if "not_entailment" in set(labels):
        out["accuracy_2way"] = float(sk.accuracy_score(y == "entailment", pred == "entailment"))
        return out
    present = sorted(set(labels))
    out["accuracy"] = float(sk.accuracy_score(y, pred))
    out["ece"] = expected_calibration_error(probs, list(y))
    out["macro_f1"] = float(sk.f1_score(y, pred, labels=present, average="macro", zero_division=0))
    if len(present) == 3:
        out["accuracy_2way"] = float(sk.accuracy_score(y == "entailment", pred == "entailment"))
    is_c = y == "contradiction"
    p_c = probs[:, CONTRADICTION]
    if is_c.any():
        p, r, f, _ = sk.precision_recall_fscore_support(is_c, p_c >= threshold, average="binary", zero_division=0)
        out.update(contradiction_precision=float(p), contradiction_recall=float(r), contradiction_f1=float(f))
    if _two_classes(is_c):
        out["roc_auc"] = float(sk.roc_auc_score(is_c, p_c))
        out["average_precision"] = float(sk.average_precision_score(is_c, p_c))
    return out


def document_metrics(
    labels: Sequence[str], scores: np.ndarray, threshold: float, evidence_rank: Sequence[int | None]
) -> dict[str, float]:
    """Document-level metrics; ``evidence_rank[i]`` is the 1-based rank of the first top pair holding the
    evidence sentence of contradictory document i (None when no top pair holds it or no evidence is given)."""
    sk = _sklearn()
    y = np.asarray(labels) == "contradictory"
    out: dict[str, float] = {"n": float(len(y)), "threshold": float(threshold)}
    if _two_classes(y):
        out["roc_auc"] = float(sk.roc_auc_score(y, scores))
        out["balanced_accuracy"] = float(sk.balanced_accuracy_score(y, scores >= threshold))
    ranks = [r for r, is_c in zip(evidence_rank, y, strict=True) if is_c]
    if ranks:
        out["evidence_hit@1"] = float(np.mean([r is not None and r <= 1 for r in ranks]))
        out["evidence_hit@3"] = float(np.mean([r is not None and r <= 3 for r in ranks]))
    return out


BOOTSTRAP_RESAMPLES = 1000
Interval = tuple[float, float]  # (low, high)
Statistic = Callable[[np.ndarray], float]  # a figure of the rows, given each row's weight (draw count)
INTERVAL_LEVEL = 0.95


def bootstrap_interval(
    statistic: Statistic, n: int, *, resamples: int = BOOTSTRAP_RESAMPLES, seed: int = 0
) -> Interval | None:
    """Percentile bootstrap interval (:data:`INTERVAL_LEVEL`) of a statistic of ``n`` rows.

    ``statistic(weights)`` gets how many times each row was drawn in one resample (``n`` draws with
    replacement). Resamples on which it is undefined (NaN: one class only) are left out; None when fewer
    than half remain or ``n`` < 2. Seeded: the same data give the same interval."""
    if n < 2:
        return None
    rng = np.random.default_rng(seed)
    values = np.array(
        [statistic(np.bincount(rng.integers(0, n, n), minlength=n)) for _ in range(resamples)], dtype=np.float64
    )
    values = values[~np.isnan(values)]
    if len(values) < resamples / 2:
        return None
    tail = (1 - INTERVAL_LEVEL) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return float(lo), float(hi)


def paired_difference_interval(model: Statistic, baseline: Statistic, n: int) -> Interval | None:
    """Paired bootstrap interval of ``model − baseline``: both statistics see the same resampled rows."""
    return bootstrap_interval(lambda w: model(w) - baseline(w), n)


def argmax_correct(labels: Sequence[str], probs: np.ndarray) -> np.ndarray:
    """Per row: is the argmax label of ``probs`` (entailment/neutral/contradiction order) the gold label."""
    return np.asarray(NLI_LABELS)[probs.argmax(axis=1)] == np.asarray(labels)


def weighted_roc_auc(positive: np.ndarray, scores: np.ndarray) -> Statistic:
    """ROC-AUC of ``scores`` for ``positive`` under row weights, as a function of the weights (ties count
    half, as in scikit-learn): sorts once, then each call is O(n) — a thousand resamples of 10,000 rows in
    well under a second."""
    positive = np.asarray(positive, dtype=bool)
    values, groups = np.unique(np.asarray(scores, dtype=np.float64), return_inverse=True)

    def auc(weights: np.ndarray) -> float:
        wp = np.bincount(groups, weights=weights * positive, minlength=len(values))
        wn = np.bincount(groups, weights=weights * ~positive, minlength=len(values))
        total_p, total_n = wp.sum(), wn.sum()
        if total_p == 0 or total_n == 0:
            return float("nan")
        below = np.cumsum(wn) - wn
        return float((wp * (below + 0.5 * wn)).sum() / (total_p * total_n))

    return auc


def weighted_mean(values: np.ndarray) -> Statistic:
    values = np.asarray(values, dtype=np.float64)
    return lambda weights: float(weights @ values / weights.sum())


def pair_intervals(labels: Sequence[str], probs: np.ndarray) -> dict[str, Interval]:
    """95 % bootstrap intervals of the pair-level accuracy and ROC-AUC (resampling the rows)."""
    y = np.asarray(labels)
    if "not_entailment" in set(labels) or len(y) == 0:
        return {}
    is_c = y == "contradiction"
    found = {"accuracy": bootstrap_interval(weighted_mean(argmax_correct(labels, probs)), len(y))}
    if _two_classes(is_c):
        found["roc_auc"] = bootstrap_interval(weighted_roc_auc(is_c, probs[:, CONTRADICTION]), len(y))
    return {k: v for k, v in found.items() if v is not None}


def document_intervals(
    labels: Sequence[str], scores: np.ndarray, evidence_rank: Sequence[int | None]
) -> dict[str, Interval]:
    """95 % bootstrap intervals of the document ROC-AUC (resampling documents) and of evidence hit@1/@3
    (resampling the contradictory documents)."""
    y = np.asarray(labels) == "contradictory"
    found: dict[str, Interval | None] = {}
    if _two_classes(y):
        found["roc_auc"] = bootstrap_interval(weighted_roc_auc(y, scores), len(y))
    ranks = [r for r, is_c in zip(evidence_rank, y, strict=True) if is_c]
    for k in (1, 3):
        hit = np.array([r is not None and r <= k for r in ranks])
        found[f"evidence_hit@{k}"] = bootstrap_interval(weighted_mean(hit), len(hit))
    return {k: v for k, v in found.items() if v is not None}


def choose_threshold(positive: np.ndarray, scores: np.ndarray, objective: str = "f1") -> float:
    """The threshold on ``scores`` that maximises ``objective`` (``f1`` or ``balanced_accuracy``) on this
    data. Call it on dev data only. Ties go to the lowest threshold; no positives → 0.5."""
    sk = _sklearn()
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) == 0 or not positive.any() or positive.all():
        return 0.5
    candidates = np.unique(np.round(scores, 4))
    if len(candidates) > 400:
        candidates = np.unique(np.quantile(scores, np.linspace(0, 1, 401)).round(4))
    fn: Callable[[np.ndarray, np.ndarray], float]
    if objective == "f1":
        fn = lambda y, p: sk.f1_score(y, p, zero_division=0)  # noqa: E731
    elif objective == "balanced_accuracy":
        fn = sk.balanced_accuracy_score
    else:
        raise ValueError(f"unknown objective {objective!r}. Available: f1, balanced_accuracy")
    values = [fn(positive, scores >= t) for t in candidates]
    return float(candidates[int(np.argmax(values))])

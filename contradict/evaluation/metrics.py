"""Metrics (scikit-learn) and threshold selection: pure functions over labels and scores."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from contradict.calibration import expected_calibration_error
from contradict.types import CONTRADICTION, NLI_LABELS


def _two_classes(y: np.ndarray) -> bool:
    return len(np.unique(y)) == 2


def pair_metrics(labels: Sequence[str], probs: np.ndarray, threshold: float) -> dict[str, float]:
    """Pair-level metrics. ``probs`` is (n, 3) in entailment/neutral/contradiction order.

    3-way (or entailment/contradiction) data: accuracy and macro-F1 of the argmax; contradiction
    precision/recall/F1 of ``P(contradiction) >= threshold``; ROC-AUC and average precision of
    P(contradiction). 2-way data (entailment / not_entailment): accuracy of "argmax is entailment".
    """
    y = np.asarray(labels)
    out: dict[str, float] = {"n": float(len(y)), "threshold": float(threshold)}
    pred = np.asarray(NLI_LABELS)[probs.argmax(axis=1)]
    if "not_entailment" in set(labels):
        out["accuracy_2way"] = float(accuracy_score(y == "entailment", pred == "entailment"))
        return out
    present = sorted(set(labels))
    out["accuracy"] = float(accuracy_score(y, pred))
    out["ece"] = expected_calibration_error(probs, list(y))
    out["macro_f1"] = float(f1_score(y, pred, labels=present, average="macro", zero_division=0))
    if len(present) == 3:
        out["accuracy_2way"] = float(accuracy_score(y == "entailment", pred == "entailment"))
    is_c = y == "contradiction"
    p_c = probs[:, CONTRADICTION]
    if is_c.any():
        p, r, f, _ = precision_recall_fscore_support(is_c, p_c >= threshold, average="binary", zero_division=0)
        out.update(contradiction_precision=float(p), contradiction_recall=float(r), contradiction_f1=float(f))
    if _two_classes(is_c):
        out["roc_auc"] = float(roc_auc_score(is_c, p_c))
        out["average_precision"] = float(average_precision_score(is_c, p_c))
    return out


def document_metrics(
    labels: Sequence[str], scores: np.ndarray, threshold: float, evidence_rank: Sequence[int | None]
) -> dict[str, float]:
    """Document-level metrics; ``evidence_rank[i]`` is the 1-based rank of the first top pair holding the
    evidence sentence of contradictory document i (None when no top pair holds it or no evidence is given)."""
    y = np.asarray(labels) == "contradictory"
    out: dict[str, float] = {"n": float(len(y)), "threshold": float(threshold)}
    if _two_classes(y):
        out["roc_auc"] = float(roc_auc_score(y, scores))
        out["balanced_accuracy"] = float(balanced_accuracy_score(y, scores >= threshold))
    ranks = [r for r, is_c in zip(evidence_rank, y, strict=True) if is_c]
    if ranks:
        out["evidence_hit@1"] = float(np.mean([r is not None and r <= 1 for r in ranks]))
        out["evidence_hit@3"] = float(np.mean([r is not None and r <= 3 for r in ranks]))
    return out


def choose_threshold(positive: np.ndarray, scores: np.ndarray, objective: str = "f1") -> float:
    """The threshold on ``scores`` that maximises ``objective`` (``f1`` or ``balanced_accuracy``) on this
    data. Call it on dev data only. Ties go to the lowest threshold; no positives → 0.5."""
    positive = np.asarray(positive, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if len(scores) == 0 or not positive.any() or positive.all():
        return 0.5
    candidates = np.unique(np.round(scores, 4))
    if len(candidates) > 400:
        candidates = np.unique(np.quantile(scores, np.linspace(0, 1, 401)).round(4))
    fn: Callable[[np.ndarray, np.ndarray], float]
    if objective == "f1":
        fn = lambda y, p: f1_score(y, p, zero_division=0)  # noqa: E731
    elif objective == "balanced_accuracy":
        fn = balanced_accuracy_score
    else:
        raise ValueError(f"unknown objective {objective!r}. Available: f1, balanced_accuracy")
    values = [fn(positive, scores >= t) for t in candidates]
    return float(candidates[int(np.argmax(values))])

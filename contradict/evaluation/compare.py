"""Paired comparison of two models on the same rows: is a difference more than resampling noise?

Only threshold-free figures are compared (argmax accuracy, ROC-AUC), so each model's own threshold choice
does not enter. Both models are resampled with the same rows (a paired bootstrap), which is much tighter
than two separate intervals; pair-task accuracy also gets an exact McNemar test on the rows where exactly
one of the two is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from contradict.errors import DataError
from contradict.evaluation.metrics import (
    Interval,
    argmax_correct,
    paired_difference_interval,
    weighted_mean,
    weighted_roc_auc,
)
from contradict.evaluation.runner import TaskResult
from contradict.extras import require


@dataclass(frozen=True)
class Comparison:
    task: str
    metric: str
    model: float
    baseline: float
    interval: Interval | None  # 95 % paired bootstrap interval of model − baseline
    wins: int | None = None  # pair accuracy: rows the model gets right and the baseline wrong
    losses: int | None = None  # … and the other way round
    mcnemar_p: float | None = None  # exact two-sided McNemar test of wins against losses

    @property
    def difference(self) -> float:
        return self.model - self.baseline

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": round(self.model, 4),
            "baseline": round(self.baseline, 4),
            "difference": round(self.difference, 4),
            "ci95": None if self.interval is None else [round(v, 4) for v in self.interval],
        }
        if self.mcnemar_p is not None:
            out.update(wins=self.wins, losses=self.losses, mcnemar_p=round(self.mcnemar_p, 4))
        return out


def compare_results(result: TaskResult, baseline: TaskResult) -> list[Comparison]:
    """The comparisons of ``result`` against ``baseline`` for one task; both must hold the same rows."""
    if result.skipped is not None or baseline.skipped is not None:
        return []
    if result.labels != baseline.labels or result.scores is None or baseline.scores is None:
        raise DataError(f"task {result.task}: the two runs did not score the same rows")
    n = len(result.labels)
    out: list[Comparison] = []
    if result.level == "pair" and result.probs is not None and baseline.probs is not None:
        y = np.asarray(result.labels)
        if "not_entailment" not in set(result.labels) and n:
            right_m, right_b = argmax_correct(y, result.probs), argmax_correct(y, baseline.probs)
            wins, losses = int((right_m & ~right_b).sum()), int((~right_m & right_b).sum())
            stats = require("scipy.stats", "the McNemar test of eval --baseline", "eval")
            p = stats.binomtest(wins, wins + losses, 0.5).pvalue if wins + losses else 1.0
            interval = paired_difference_interval(weighted_mean(right_m), weighted_mean(right_b), n)
            out.append(
                Comparison(
                    result.task, "accuracy", float(right_m.mean()), float(right_b.mean()), interval, wins, losses, p
                )
            )
        positive = y == "contradiction"
    else:
        positive = np.asarray(result.labels) == "contradictory"
    out += _auc_comparison(result.task, "roc_auc", positive, result.scores, baseline.scores)
    if result.dev_scores is not None and baseline.dev_scores is not None:
        if result.dev_labels != baseline.dev_labels:
            raise DataError(f"task {result.task}: the two runs did not score the same dev rows")
        dev_positive = np.asarray(result.dev_labels) == "contradictory"
        out += _auc_comparison(result.task, "roc_auc_dev_half", dev_positive, result.dev_scores, baseline.dev_scores)
    return out


def _auc_comparison(
    task: str, metric: str, positive: np.ndarray, model: np.ndarray, baseline: np.ndarray
) -> list[Comparison]:
    """ROC-AUC of both score arrays with a paired bootstrap interval of the difference; none when one class
    is missing."""
    n = len(positive)
    if not 0 < positive.sum() < n:
        return []
    auc_m, auc_b = weighted_roc_auc(positive, model), weighted_roc_auc(positive, baseline)
    ones = np.ones(n)
    return [Comparison(task, metric, auc_m(ones), auc_b(ones), paired_difference_interval(auc_m, auc_b, n))]

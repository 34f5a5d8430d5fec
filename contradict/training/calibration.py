"""Calibration: temperature scaling of NLI probabilities, and expected calibration error.

A model's softmax is often over- or under-confident. Temperature scaling divides the logits by one
number T, fitted on dev data to minimise the negative log-likelihood; the argmax (so accuracy) does not
change, but a probability of 0.9 comes to mean "right about 90 % of the time". Probabilities are enough
to fit it: log p differs from the logits by a per-row constant, which softmax ignores.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from contradict.extras import require
from contradict.types import NLI_LABELS

_EPS = 1e-7


def apply_temperature(probs: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log(probs) / T), row-wise; T = 1 returns the probabilities unchanged."""
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    logits = np.log(np.clip(probs, _EPS, 1.0)) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


def _label_ids(labels: Sequence[str]) -> np.ndarray:
    unknown = sorted(set(labels) - set(NLI_LABELS))
    if unknown:
        raise ValueError(f"labels must be {', '.join(NLI_LABELS)}; got {unknown}")
    return np.array([NLI_LABELS.index(y) for y in labels])


def negative_log_likelihood(probs: np.ndarray, labels: Sequence[str]) -> float:
    y = _label_ids(labels)
    return float(-np.mean(np.log(np.clip(probs[np.arange(len(y)), y], _EPS, 1.0))))


def fit_temperature(probs: np.ndarray, labels: Sequence[str]) -> float:
    """The T in [0.05, 20] that minimises the NLL of ``apply_temperature(probs, T)`` on these (dev) rows."""
    if len(labels) == 0:
        raise ValueError("cannot fit a temperature on no rows")
    optimize = require("scipy.optimize", "fitting a temperature (contradict calibrate)", "train")
    result = optimize.minimize_scalar(
        lambda log_t: negative_log_likelihood(apply_temperature(probs, float(np.exp(log_t))), labels),
        bounds=(np.log(0.05), np.log(20.0)),
        method="bounded",
    )
    return float(np.exp(result.x))


def expected_calibration_error(probs: np.ndarray, labels: Sequence[str], bins: int = 15) -> float:
    """Top-label ECE: |accuracy − confidence| averaged over equal-width confidence bins, weighted by size."""
    y = _label_ids(labels)
    if len(y) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = probs.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        members = which == b
        if members.any():
            ece += members.mean() * abs(correct[members].mean() - confidence[members].mean())
    return float(ece)

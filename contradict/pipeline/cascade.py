"""The cascade: a fast model scores every candidate pair, an accurate model re-scores the promising ones.

Pure functions over arrays, no model: :func:`select_for_judge` picks the rows the accurate model reads
(the fast model's top ``top_k`` by score, and every row whose fast score reaches ``floor``), and
:func:`merge_judged` writes the accurate model's probabilities over the fast model's on those rows, noting
which model scored each row in ``PairScores.scored_by``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from contradict.types import PairScores

#: Used when neither the caller nor the accurate model's stored settings say otherwise
#: (settings keys ``cascade_top`` and ``cascade_floor``).
DEFAULT_CASCADE_TOP = 10
DEFAULT_CASCADE_FLOOR = 0.3

FAST, ACCURATE = 0, 1  # values of PairScores.scored_by: an index into PairScores.models


@dataclass(frozen=True)
class CascadeSettings:
    """How many of the fast model's best pairs the accurate model re-scores, and from which fast score on
    it re-scores every pair."""

    top_k: int = DEFAULT_CASCADE_TOP
    floor: float = DEFAULT_CASCADE_FLOOR

    def __post_init__(self) -> None:
        if self.top_k < 0:
            raise ValueError(f"top_k must be >= 0, got {self.top_k}")
        if not 0.0 <= self.floor <= 1.0:
            raise ValueError(f"floor must be between 0 and 1, got {self.floor}")


def select_for_judge(fast_score: np.ndarray, settings: CascadeSettings, threshold: float | None = None) -> np.ndarray:
    """Row indices for the accurate model, best fast score first (ties by row index).

    The top ``settings.top_k`` rows by ``fast_score`` and every row whose score reaches the floor; with a
    ``threshold``, the floor is at most the threshold, so that no pair is reported on the fast model's
    score alone."""
    fast_score = np.asarray(fast_score, dtype=np.float64)
    if fast_score.ndim != 1:
        raise ValueError(f"fast_score must be one-dimensional, got shape {fast_score.shape}")
    floor = settings.floor if threshold is None else min(settings.floor, threshold)
    order = np.lexsort((np.arange(len(fast_score)), -fast_score))
    chosen = np.zeros(len(fast_score), dtype=bool)
    chosen[order[: settings.top_k]] = True
    chosen |= fast_score >= floor
    return order[chosen[order]]


def merge_judged(
    fast: PairScores,
    rows: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    models: tuple[str, str],
    from_core: np.ndarray | None = None,
) -> PairScores:
    """``fast`` with the accurate model's ``forward``/``backward`` probabilities (aligned with ``rows``)
    in place of its own on ``rows``; ``models`` names the fast and the accurate model; ``from_core``
    (len(rows), 2): where the accurate model's row came from the claims' cores (None: full texts)."""
    rows = np.asarray(rows, dtype=np.int64)
    if forward.shape != (len(rows), 3) or backward.shape != (len(rows), 3):
        raise ValueError(f"expected ({len(rows)}, 3) probabilities, got {forward.shape} and {backward.shape}")
    fwd, bwd = fast.forward.copy(), fast.backward.copy()
    fwd[rows], bwd[rows] = forward, backward
    scored_by = np.full(len(fast.pairs), FAST, dtype=np.int8)
    scored_by[rows] = ACCURATE
    core = None
    if fast.from_core is not None or from_core is not None:
        core = np.zeros((len(fast.pairs), 2), dtype=bool) if fast.from_core is None else fast.from_core.copy()
        core[rows] = False if from_core is None else from_core
    return replace(fast, forward=fwd, backward=bwd, from_core=core, models=models, scored_by=scored_by)

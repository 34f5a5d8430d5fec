"""Candidate pairs: which claim pairs are sent to the NLI model."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from enum import Enum

import numpy as np

from contradict.relatedness import key_terms
from contradict.types import Claim, Pair


class PairingStrategy(str, Enum):
    """How candidate pairs are chosen.

    ``all``: every unordered pair. ``neighbours``: each claim with its ``k`` most similar claims by
    embedding, plus pairs that share a number or two names. ``auto``: ``all`` up to ``auto_limit``
    claims, ``neighbours`` above.
    """

    all = "all"
    neighbours = "neighbours"
    auto = "auto"


class Pairer:
    """Claims → unordered candidate pairs ``(a, b)`` with ``a < b``, sorted."""

    def __init__(self, strategy: PairingStrategy = PairingStrategy.auto, *, k: int = 10, auto_limit: int = 80) -> None:
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if auto_limit < 2:
            raise ValueError(f"auto_limit must be >= 2, got {auto_limit}")
        self.strategy = PairingStrategy(strategy)
        self.k = k
        self.auto_limit = auto_limit

    @property
    def needs_embeddings(self) -> bool:
        return self.strategy is not PairingStrategy.all

    def run(self, claims: Sequence[Claim], embeddings: np.ndarray | None = None) -> list[Pair]:
        strategy = self.strategy
        if strategy is PairingStrategy.auto:
            strategy = PairingStrategy.all if len(claims) <= self.auto_limit else PairingStrategy.neighbours
        if strategy is PairingStrategy.all:
            ids = sorted(c.id for c in claims)
            return [Pair(a, b) for a, b in itertools.combinations(ids, 2)]
        if embeddings is None or len(embeddings) != len(claims):
            raise ValueError("the neighbours strategy needs one embedding per claim")
        return neighbour_pairs(claims, embeddings, self.k)


def neighbour_pairs(claims: Sequence[Claim], embeddings: np.ndarray, k: int, cells: int = 1 << 22) -> list[Pair]:
    """Top-k most similar claims of each claim, plus shared-term pairs.

    Similarities are computed a block of rows at a time, ``cells`` entries per block at most, so memory
    stays flat however long the document is (time is still n² dot products: cheap next to NLI calls).
    """
    n = len(claims)
    block = max(1, min(n, cells // max(n, 1)))
    found: set[tuple[int, int]] = set()
    ids = np.array([c.id for c in claims])
    kk = min(k, n - 1)
    if kk > 0:
        for start in range(0, n, block):
            sims = embeddings[start : start + block] @ embeddings.T
            rows = np.arange(sims.shape[0])
            sims[rows, start + rows] = -np.inf
            top = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            for r, cols in enumerate(top):
                i = start + r
                for j in cols.tolist():
                    a, b = int(ids[i]), int(ids[j])
                    found.add((min(a, b), max(a, b)))
    # pairs that share a number, or two names, whatever their embeddings say
    by_term: dict[str, list[int]] = {}
    terms = [key_terms(c.text) for c in claims]
    for c, t in zip(claims, terms, strict=True):
        for term in t:
            by_term.setdefault(term, []).append(c.id)
    shared: dict[tuple[int, int], int] = {}
    numeric: set[tuple[int, int]] = set()
    for term, members in by_term.items():
        if len(members) > 50:  # a term in every other sentence (the story's protagonist) says little
            continue
        for a, b in itertools.combinations(sorted(members), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
            if term[0].isdigit():
                numeric.add((a, b))
    found.update(p for p, count in shared.items() if count >= 2)
    found.update(numeric)
    return [Pair(a, b) for a, b in sorted(found)]

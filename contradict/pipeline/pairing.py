"""Candidate pairs: which claim pairs are sent to the NLI model."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from enum import Enum

import numpy as np

from contradict.pipeline.relatedness import key_terms
from contradict.types import Claim, Pair


class PairingStrategy(str, Enum):
    """How candidate pairs are chosen.

    ``all``: every unordered pair. ``neighbours``: each claim with its ``k`` most similar claims by
    embedding, plus pairs that share a number or two names. ``context``: the pairs of ``auto``, but
    each direction's premise is the claim with its neighbouring claims of the same document (a window
    of the text, the way AlignScore and MiniCheck check a claim against chunks), since a contradiction
    often shows only against a passage. ``auto``: ``all`` up to ``auto_limit`` claims, ``neighbours``
    above.
    """

    all = "all"
    neighbours = "neighbours"
    context = "context"
    auto = "auto"


#: Defaults from the pruning curve on all 236 ContraDoc dev documents (eval/results/pruning_curve.txt,
#: model v2): each claim's 5 nearest neighbours (plus shared-term pairs) keep 98.2 % of the pairs that
#: all-pairs scoring reports at the threshold, with the same evidence hit@3 (0.467) and ROC-AUC (0.505 vs
#: 0.507), for 42 % of the NLI calls; k=3 keeps 92.9 %, below the 95 % aimed at. Re-measured with model v4
#: (eval/results/pruning_curve_v4.txt): k=5 keeps 97.1 %, same hit@3 (0.609) and AUC (0.533 vs 0.531).
DEFAULT_K = 5
#: Up to this many claims all pairs are scored (at most 190 pairs, a few seconds here); above it, neighbours.
DEFAULT_AUTO_LIMIT = 20


class Pairer:
    """Claims → unordered candidate pairs ``(a, b)`` with ``a < b``, sorted."""

    def __init__(
        self,
        strategy: PairingStrategy = PairingStrategy.auto,
        *,
        k: int | None = None,  # None: DEFAULT_K
        auto_limit: int = DEFAULT_AUTO_LIMIT,
        window: int = 1,
    ) -> None:
        k = DEFAULT_K if k is None else k
        if k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if auto_limit < 2:
            raise ValueError(f"auto_limit must be >= 2, got {auto_limit}")
        if window < 0:
            raise ValueError(f"window must be >= 0, got {window}")
        self.strategy = PairingStrategy(strategy)
        self.k = k
        self.auto_limit = auto_limit
        self.window = window

    def premises(self, claims: Sequence[Claim], pairs: Sequence[Pair]) -> tuple[list[str], list[str]]:
        """Premise texts of each pair's two directions: (a → b premises, b → a premises).

        The claim itself, or with ``context`` the claim with up to ``window`` claims either side of it in
        its document, in text order, leaving out the other claim of the pair.
        """
        by_id = {c.id: c for c in claims}
        if self.strategy is not PairingStrategy.context or self.window == 0:
            return [by_id[p.a].text for p in pairs], [by_id[p.b].text for p in pairs]
        order = {c.id: i for i, c in enumerate(claims)}

        def around(centre: int, other: int) -> str:
            i = order[centre]
            doc = claims[i].document
            lo, hi = max(0, i - self.window), min(len(claims), i + self.window + 1)
            return " ".join(c.text for c in claims[lo:hi] if c.document == doc and c.id != other)

        return [around(p.a, p.b) for p in pairs], [around(p.b, p.a) for p in pairs]

    @property
    def needs_embeddings(self) -> bool:
        return self.strategy is not PairingStrategy.all

    def run(self, claims: Sequence[Claim], embeddings: np.ndarray | None = None) -> list[Pair]:
        """Candidate pairs; two clauses of one sentence ("X, but Y") are never paired."""
        origin = {c.id: (c.document, c.sentence) for c in claims if c.sentence is not None}
        return [p for p in self._candidates(claims, embeddings) if p.a not in origin or origin[p.a] != origin.get(p.b)]

    def _candidates(self, claims: Sequence[Claim], embeddings: np.ndarray | None) -> list[Pair]:
        strategy = self.strategy
        if strategy in (PairingStrategy.auto, PairingStrategy.context):
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

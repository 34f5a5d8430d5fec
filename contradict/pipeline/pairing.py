"""Candidate pairs: which claim pairs are sent to the NLI model."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Sequence
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
    often shows only against a passage. ``auto``: ``all`` while all pairs are at most those of
    ``auto_limit`` claims, ``neighbours`` above.

    Against sources (``Pairer.run(..., sources=...)``) the pairs are draft–source pairs: ``all`` is every
    one of them, ``neighbours`` each draft claim with its ``k`` most similar source claims (plus the
    draft–source pairs that share a number or two names).
    """

    all = "all"
    neighbours = "neighbours"
    context = "context"
    auto = "auto"


#: Defaults from the pruning curve on all 236 ContraDoc dev documents (eval/results/pruning_curve.txt,
#: model v2): each claim's 5 nearest neighbours (plus shared-term pairs) keep 98.2 % of the pairs that
#: all-pairs scoring reports at the threshold, with the same evidence hit@3 (0.467) and ROC-AUC (0.505 vs
#: 0.507), for 42 % of the NLI calls; k=3 keeps 92.9 %, below the 95 % aimed at. Re-measured with model v4
#: (eval/results/archive/pruning_curve_v4.txt): k=5 keeps 97.1 %, same hit@3 (0.609) and AUC (0.533 vs 0.531).
DEFAULT_K = 5
#: Against sources, each draft claim's nearest source claims: 8 from the curve of bench/against_recall.py
#: (eval/results/against_recall.txt: 80 drafts of FNC-1 train headlines against their bodies, 10,565 draft–source
#: pairs): k=8 keeps every pair all-pairs scoring reports at the threshold and 97.6 % of those at 0.5, for 44 % of
#: the NLI calls; k=5 keeps 88.8 % at 0.5 (31 % of the calls). The search over drafts and sources together used
#: before kept 81.9 % at 0.5 with k=5 and left 4.5 % of the draft claims without any source claim.
DEFAULT_SOURCE_K = 8
#: Up to this many claims all pairs are scored (at most 190 pairs, a few seconds here); above it, neighbours.
#: Against sources the same budget holds: all draft–source pairs while they are at most 190.
DEFAULT_AUTO_LIMIT = 20
#: A number or name shared by more claims than this (the story's protagonist) pairs none of them.
MAX_TERM_CLAIMS = 50


class Pairer:
    """Claims → unordered candidate pairs ``(a, b)`` with ``a < b``, sorted."""

    def __init__(
        self,
        strategy: PairingStrategy = PairingStrategy.auto,
        *,
        k: int | None = None,  # None: DEFAULT_K, and DEFAULT_SOURCE_K for draft–source pairs
        auto_limit: int = DEFAULT_AUTO_LIMIT,
        window: int = 1,
    ) -> None:
        if k is not None and k < 1:
            raise ValueError(f"k must be >= 1, got {k}")
        if auto_limit < 2:
            raise ValueError(f"auto_limit must be >= 2, got {auto_limit}")
        if window < 0:
            raise ValueError(f"window must be >= 0, got {window}")
        self.strategy = PairingStrategy(strategy)
        self.k = DEFAULT_K if k is None else k
        self.source_k = DEFAULT_SOURCE_K if k is None else k  # nearest source claims of each draft claim
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

    def run(
        self,
        claims: Sequence[Claim],
        embeddings: np.ndarray | None = None,
        *,
        sources: Collection[str] = frozenset(),
        also_internal: bool = False,
    ) -> list[Pair]:
        """Candidate pairs; two clauses of one sentence ("X, but Y") are never paired.

        ``sources``: ids of source documents; when given, only pairs of a draft claim (a claim of any other
        document) and a source claim are candidates, plus pairs of two draft claims when ``also_internal``.
        """
        origin = {c.id: (c.document, c.sentence) for c in claims if c.sentence is not None}
        pairs = self._candidates(claims, embeddings, frozenset(sources), also_internal)
        return [p for p in pairs if p.a not in origin or origin[p.a] != origin.get(p.b)]

    def _candidates(
        self, claims: Sequence[Claim], embeddings: np.ndarray | None, sources: frozenset[str], also_internal: bool
    ) -> list[Pair]:
        in_source = np.array([c.document in sources for c in claims], dtype=bool)
        draft, source = np.flatnonzero(~in_source), np.flatnonzero(in_source)
        # the claims whose pairs may be candidates: (rows, columns), columns None for pairs among the rows
        if sources:
            blocks: list[tuple[np.ndarray, np.ndarray | None]] = [(draft, source)]
            blocks += [(draft, None)] if also_internal else []
        else:
            blocks = [(draft, None)]
        ids = np.array([c.id for c in claims], dtype=np.int64)
        budget = self.auto_limit * (self.auto_limit - 1) // 2
        strategy = self.strategy
        if strategy in (PairingStrategy.auto, PairingStrategy.context):
            total = sum(_pair_count(rows, cols) for rows, cols in blocks)
            strategy = PairingStrategy.all if total <= budget else PairingStrategy.neighbours
        found: set[tuple[int, int]] = set()
        if strategy is PairingStrategy.all:
            for rows, cols in blocks:
                found.update(_every_pair(ids, rows, cols))
            return [Pair(a, b) for a, b in sorted(found)]
        if embeddings is None or len(embeddings) != len(claims):
            raise ValueError("the neighbours strategy needs one embedding per claim")
        for rows, cols in blocks:
            found.update(_nearest_pairs(ids, embeddings, rows, cols, self.k if cols is None else self.source_k))
        is_source = dict(zip(ids.tolist(), in_source.tolist(), strict=True))
        for a, b in shared_term_pairs(claims):
            if not sources or is_source[a] != is_source[b] or (also_internal and not (is_source[a] or is_source[b])):
                found.add((a, b))
        return [Pair(a, b) for a, b in sorted(found)]


def _pair_count(rows: np.ndarray, cols: np.ndarray | None) -> int:
    """Unordered pairs of a row claim and a column claim (of two row claims when ``cols`` is None)."""
    return len(rows) * (len(rows) - 1) // 2 if cols is None else len(rows) * len(cols)


def _every_pair(ids: np.ndarray, rows: np.ndarray, cols: np.ndarray | None) -> set[tuple[int, int]]:
    if cols is None:
        return set(itertools.combinations(sorted(ids[rows].tolist()), 2))
    return {(min(a, b), max(a, b)) for a in ids[rows].tolist() for b in ids[cols].tolist()}


def top_k_similar(
    queries: np.ndarray, keys: np.ndarray, k: int, *, same: bool = False, cells: int = 1 << 22
) -> np.ndarray:
    """Per query row, the indices of the ``k`` keys with the highest dot product, best first: ``(len(queries),
    min(k, available))``. ``same``: queries and keys are the same rows, and a row is not its own neighbour.

    Ties go to the lowest index, so the result is deterministic. The similarities are computed a block of rows
    at a time, ``cells`` entries per block at most, so memory stays flat however many claims there are. The
    top k are taken by ``k`` row-wise arg-max passes: on rows of tied similarities (a repeated paragraph)
    ``np.argpartition`` is several times slower, and for the small k used here the passes are faster anyway.
    Identical rows (boilerplate repeated across an archive) are searched once: the similarities are computed
    between distinct rows only, and each row's neighbours are read off its distinct row's (bench/neighbour_search.py).
    """
    n, m = len(queries), len(keys)
    kk = max(0, min(k, m - 1 if same else m))
    if kk == 0 or n == 0:
        return np.zeros((n, kk), dtype=np.int64)
    key_group, distinct_keys = _distinct_rows(keys)
    query_group, distinct_queries = (key_group, distinct_keys) if same else _distinct_rows(queries)
    if len(distinct_keys) == m and len(distinct_queries) == n:
        return _ranked(queries, keys, kk, cells, same)
    # the keys of each distinct key row, in index order
    by_group = np.argsort(key_group, kind="stable")
    bounds = np.searchsorted(key_group[by_group], np.arange(len(distinct_keys) + 1))
    need = kk + 1 if same else kk  # one more when a row's own index must be left out
    ranked = _ranked(distinct_queries, distinct_keys, min(need, len(distinct_keys)), cells, False)
    candidates: list[list[int]] = []
    for groups in ranked.tolist():
        found: list[int] = []
        for g in groups:
            found.extend(by_group[bounds[g] : bounds[g + 1]][: need - len(found)].tolist())
            if len(found) >= need:
                break
        candidates.append(found)
    out = np.zeros((n, kk), dtype=np.int64)
    for i, g in enumerate(query_group.tolist()):
        out[i] = [j for j in candidates[g] if not (same and j == i)][:kk]
    return out


def _distinct_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the number of its distinct row, and the distinct rows, numbered in order of first occurrence."""
    distinct, first, inverse = np.unique(x, axis=0, return_index=True, return_inverse=True)
    order = np.argsort(first)
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)], distinct[order]


def _ranked(queries: np.ndarray, keys: np.ndarray, k: int, cells: int, same: bool) -> np.ndarray:
    """The ``k`` best keys of each query row by ``k`` arg-max passes over blocks of rows (see top_k_similar)."""
    n, m = len(queries), len(keys)
    out = np.zeros((n, k), dtype=np.int64)
    block = max(1, min(n, cells // max(m, 1)))
    for start in range(0, n, block):
        sims = queries[start : start + block] @ keys.T
        rows = np.arange(sims.shape[0])
        if same:
            sims[rows, start + rows] = -np.inf
        for j in range(k):
            best = sims.argmax(axis=1)
            out[start : start + len(rows), j] = best
            sims[rows, best] = -np.inf
    return out


def _nearest_pairs(
    ids: np.ndarray, embeddings: np.ndarray, rows: np.ndarray, cols: np.ndarray | None, k: int
) -> set[tuple[int, int]]:
    """Each row claim with its ``k`` most similar column claims (other row claims when ``cols`` is None), as
    ``(low id, high id)`` tuples."""
    keys = rows if cols is None else cols
    top = top_k_similar(embeddings[rows], embeddings[keys], k, same=cols is None)
    if top.size == 0:
        return set()
    a = np.repeat(ids[rows], top.shape[1])
    b = ids[keys][top.ravel()]
    return set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))


def shared_term_pairs(claims: Sequence[Claim]) -> set[tuple[int, int]]:
    """Pairs of claim ids ``(a, b)``, ``a < b``, that share a number, or two names, whatever their embeddings
    say; a term of more than :data:`MAX_TERM_CLAIMS` claims says little and pairs none."""
    by_term: dict[str, list[int]] = {}
    for c in claims:
        for term in key_terms(c.text):
            by_term.setdefault(term, []).append(c.id)
    shared: dict[tuple[int, int], int] = {}
    numeric: set[tuple[int, int]] = set()
    for term, members in by_term.items():
        if len(members) > MAX_TERM_CLAIMS:
            continue
        for a, b in itertools.combinations(sorted(members), 2):
            shared[(a, b)] = shared.get((a, b), 0) + 1
            if term[0].isdigit():
                numeric.add((a, b))
    return numeric | {p for p, count in shared.items() if count >= 2}

"""Neighbour search speed: the k nearest claims of every claim, on distinct and on repeated embeddings.

Usage: python bench/neighbour_search.py [--n 20000] [--dim 64] [--k 5] [--distinct-paragraphs 2]
Compares, over blocks of at most 4M similarities (the memory bound of contradict.pipeline.pairing):
``argpartition`` (what the pairer used before 2026-12-04), ``argmax passes`` (k row-wise arg-max passes, no
de-duplication) and ``top_k_similar`` (the pairer's search: arg-max passes over the distinct rows only). Rows
are ``distinct`` random unit vectors, or ``repeated``: ``--distinct-paragraphs`` vectors repeated to n rows, as a
long archive that repeats its boilerplate (and the 10 MB test's fake embedder, which ignores numbers) gives.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from contradict.pipeline.pairing import _ranked, top_k_similar

CELLS = 1 << 22


def by_argpartition(emb: np.ndarray, k: int) -> np.ndarray:
    n = len(emb)
    out = np.zeros((n, k), dtype=np.int64)
    block = max(1, CELLS // n)
    for start in range(0, n, block):
        sims = emb[start : start + block] @ emb.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf
        out[start : start + len(rows)] = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--distinct-paragraphs", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    distinct = rng.standard_normal((args.n, args.dim)).astype(np.float32)
    repeated = np.resize(rng.standard_normal((args.distinct_paragraphs, args.dim)).astype(np.float32), distinct.shape)
    methods = {
        "argpartition": lambda e: by_argpartition(e, args.k),
        "argmax passes": lambda e: _ranked(e, e, args.k, CELLS, True),
        "top_k_similar": lambda e: top_k_similar(e, e, args.k, same=True),
    }
    print(f"n={args.n} dim={args.dim} k={args.k}; seconds (wall clock)")
    print(f"{'rows':10} " + " ".join(f"{name:>14}" for name in methods))
    for label, emb in (("distinct", distinct), ("repeated", repeated)):
        emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        times = []
        for method in methods.values():
            start = time.perf_counter()
            method(emb)
            times.append(time.perf_counter() - start)
        print(f"{label:10} " + " ".join(f"{t:14.2f}" for t in times))


if __name__ == "__main__":
    main()

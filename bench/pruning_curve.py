"""Pruning recall on ContraDoc: what candidate pruning keeps of all-pairs scoring, against NLI calls.

Usage: python bench/pruning_curve.py [--model DIR] [--limit N | --sample N] [--ks 1,2,3,5,8,10] [--no-context]
                                    [--out FILE]
Needs ../shared/data/documents/contradoc_dev.jsonl. Each document is scored once with all pairs (both
directions); a pruned strategy's pairs are a subset, so its scores are read from that matrix (a pair's
score does not depend on which other pairs are scored). `context` changes the premises, so it is scored
in a second pass. For each strategy it prints: NLI calls, the share of all-pairs contradictions (score at
the model's threshold; and at 0.5, `kept@.5`, since few pairs reach the threshold) that it keeps,
evidence hit@1/@3 on contradictory documents, and document-level
ROC-AUC (document score = its best pair).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from contradict.api import detect, get_embedder, get_scorer
from contradict.evaluation.runner import evidence_rank
from contradict.evaluation.tasks import default_data_root, is_dev_row, load_rows, resolve_task
from contradict.pipeline.aggregate import verdicts
from contradict.pipeline.nli import resolve_model
from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import Document


def summarise(name: str, docs: list[dict], threshold: float) -> str:
    labels = np.array([d["label"] == "contradictory" for d in docs])
    best = np.array([d["scores"].max() if len(d["scores"]) else 0.0 for d in docs])
    calls = sum(2 * len(d["scores"]) for d in docs)
    keeps = []
    for t in (threshold, 0.5):
        found_all = sum(d["found_all"][t] for d in docs)
        keeps.append(sum(d["kept"][t] for d in docs) / found_all if found_all else float("nan"))
    ranks = [d["rank"] for d in docs if d["label"] == "contradictory"]
    hit1 = np.mean([r is not None and r <= 1 for r in ranks])
    hit3 = np.mean([r is not None and r <= 3 for r in ranks])
    auc = roc_auc_score(labels, best) if 0 < labels.sum() < len(labels) else float("nan")
    return f"{name:18} {calls:8d} {keeps[0]:8.3f} {keeps[1]:8.3f} {hit1:7.3f} {hit3:7.3f} {auc:8.3f}"


def outcome(row: dict, pairs: list, keep: np.ndarray, score: np.ndarray, found: dict, by_id: dict) -> dict:
    """What one strategy kept of one document: its pair scores, how many of the all-pairs finds it still
    finds (``found`` maps a threshold to the all-pairs pairs scoring at least that), the evidence rank."""
    chosen = [p for p, k in zip(pairs, keep, strict=True) if k]
    kept = {
        t: sum(1 for p, k, s in zip(pairs, keep, score, strict=True) if k and s >= t and p in f)
        for t, f in found.items()
    }
    order = np.argsort(-score[keep], kind="stable")[:3]
    top = [(by_id[chosen[i][0]], by_id[chosen[i][1]]) for i in order]
    rank = evidence_rank(row["evidence"], top) if row["label"] == "contradictory" else None
    found_all = {t: len(f) for t, f in found.items()}
    return {
        "id": row["id"],
        "label": row["label"],
        "scores": score[keep],
        "found_all": found_all,
        "kept": kept,
        "rank": rank,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sample", type=int, default=None, help="N documents drawn at random (seed 0), both labels")
    parser.add_argument("--no-context", action="store_true", help="skip the context strategy (a second full pass)")
    parser.add_argument("--ks", default="1,2,3,5,8,10")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scorer = get_scorer(None if args.model is None else resolve_model(args.model))
    threshold = float(scorer.settings.get("threshold", 0.5))
    embedder = get_embedder()
    rows = load_rows(resolve_task("contradoc_dev"), default_data_root(), args.limit)
    if args.sample is not None:
        rows = random.Random(0).sample(rows, min(args.sample, len(rows)))
    ks = [int(k) for k in args.ks.split(",")]
    names = ["all", *(f"neighbours k={k}" for k in ks), *([] if args.no_context else ["context", "max(auto, context)"])]
    results: dict[str, list[dict]] = {name: [] for name in names}
    start = time.perf_counter()
    for row in rows:
        doc = Document(row["id"], row["text"])
        report = detect(doc, scorer=scorer, embedder=embedder, threshold=0.0, pairer=Pairer(PairingStrategy.all))
        scores = report.scores
        claims = report.claims
        score = verdicts(scores, report.relatedness_full).score if scores is not None else np.zeros(0)
        pairs = [tuple(p) for p in scores.pairs.tolist()] if scores is not None else []
        found = {t: {p for p, s in zip(pairs, score, strict=True) if s >= t} for t in (threshold, 0.5)}
        emb = embedder.embed([c.text for c in claims]) if len(claims) >= 2 else None
        by_id = {c.id: c.text for c in claims}

        everything = np.ones(len(pairs), dtype=bool)
        results["all"].append(outcome(row, pairs, everything, score, found, by_id))
        for k in ks:
            subset = (
                {(p.a, p.b) for p in Pairer(PairingStrategy.neighbours, k=k).run(claims, emb)}
                if emb is not None
                else set()
            )
            keep = np.array([p in subset for p in pairs], dtype=bool)
            results[f"neighbours k={k}"].append(outcome(row, pairs, keep, score, found, by_id))
        if args.no_context:
            continue
        ctx = detect(doc, scorer=scorer, embedder=embedder, threshold=0.0, pairer=Pairer(PairingStrategy.context))
        ctx_score = verdicts(ctx.scores, ctx.relatedness_full).score if ctx.scores is not None else np.zeros(0)
        ctx_pairs = [tuple(p) for p in ctx.scores.pairs.tolist()] if ctx.scores is not None else []
        by_pair = dict(zip(ctx_pairs, ctx_score, strict=True))  # context scores auto's pairs, not all of them
        ctx_keep = np.array([p in by_pair for p in pairs], dtype=bool)
        ctx_full = np.array([by_pair.get(p, 0.0) for p in pairs], dtype=np.float32)
        results["context"].append(outcome(row, pairs, ctx_keep, ctx_full, found, by_id))
        # max of the claim-only and the context score of each pair that context scores
        results["max(auto, context)"].append(
            outcome(row, pairs, ctx_keep, np.maximum(np.where(ctx_keep, score, 0.0), ctx_full), found, by_id)
        )
    seconds = time.perf_counter() - start
    header = f"{'strategy':18} {'calls':>8} {'kept':>8} {'kept@.5':>8} {'hit@1':>7} {'hit@3':>7} {'ROC-AUC':>8}"
    reported = {name: [d for d in docs if not is_dev_row(d["id"])] for name, docs in results.items()}
    dev = {name: [d for d in docs if is_dev_row(d["id"])] for name, docs in results.items()}
    lines = [
        f"contradoc_dev: {len(rows)} documents ({sum(r['label'] == 'contradictory' for r in rows)} contradictory),"
        f" model {scorer.model_name}, threshold {threshold:.3f}, {seconds:.0f} s",
        header,
        *(summarise(name, docs, threshold) for name, docs in results.items()),
        "",
        f"the reported half of `contradict eval contradoc_dev` ({len(reported['all'])} of these documents):",
        header,
        *(summarise(name, docs, threshold) for name, docs in reported.items()),
        "",
        f"the dev half (where `contradict eval` chooses thresholds; {len(dev['all'])} documents):",
        header,
        *(summarise(name, docs, threshold) for name, docs in dev.items()),
    ]
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""How the two directions and the relatedness weight are combined, measured on ContraDoc dev.

Usage: python bench/aggregation_ablation.py [--model DIR] [--limit N] [--cache FILE]
Needs ../shared/data/documents/contradoc_dev.jsonl. Every document is scored once with all pairs (both
directions); each aggregation rule is then applied to the stored probabilities. For each rule it prints,
separately for the dev half (where a choice may be made) and the reported half of ContraDoc (split by a
hash of the id, as `contradict eval` does): document ROC-AUC (document score = its best pair) and evidence
hit@1/@3 of the contradictory documents. The example story's best `must` pair rank is printed for each rule
as a check, not as a criterion.
"""

from __future__ import annotations

import argparse
import pickle
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from contradict.api import detect, get_scorer
from contradict.evaluation.examples import first_expected, load_expected
from contradict.evaluation.metrics import paired_difference_interval, weighted_roc_auc
from contradict.evaluation.runner import evidence_rank
from contradict.evaluation.tasks import default_data_root, is_dev_row, load_rows, resolve_task
from contradict.pipeline.aggregate import relatedness_weight
from contradict.pipeline.nli import resolve_model
from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import CONTRADICTION, Document, PairScores

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"
DIRECTIONS = {"max": np.maximum, "mean": lambda f, b: (f + b) / 2, "min": np.minimum}
FULLS = (0.0, 0.3, 0.5, 0.7)


def pair_scores(s: PairScores, direction: str, full: float) -> np.ndarray:
    p = DIRECTIONS[direction](s.forward[:, CONTRADICTION], s.backward[:, CONTRADICTION])
    return p * relatedness_weight(s.relatedness, full)


def top_texts(s: PairScores, score: np.ndarray, n: int) -> list[tuple[str, str]]:
    by_id = {c.id: c.text for c in s.claims}
    order = np.argsort(-score, kind="stable")[:n]
    return [(by_id[int(s.pairs[k, 0])], by_id[int(s.pairs[k, 1])]) for k in order]


def rule_scores(part: list[dict], direction: str, full: float) -> list[np.ndarray]:
    """Each document's pair scores under a rule."""
    return [pair_scores(d["scores"], direction, full) if len(d["scores"].pairs) else np.zeros(0) for d in part]


def best_scores(scores: list[np.ndarray]) -> np.ndarray:
    """Each document's score: its best pair (0 for a document without pairs)."""
    return np.array([float(s.max()) if len(s) else 0.0 for s in scores])


def summary(docs: list[dict], direction: str, full: float) -> str:
    cells = []
    for half in (True, False):
        part = [d for d in docs if d["dev"] == half]
        y = np.array([d["label"] == "contradictory" for d in part])
        scores = rule_scores(part, direction, full)
        best = best_scores(scores)
        ranks = [
            evidence_rank(d["evidence"], top_texts(d["scores"], score, 3)) if len(score) else None
            for d, score in zip(part, scores, strict=True)
            if d["label"] == "contradictory"
        ]
        auc = roc_auc_score(y, best) if 0 < y.sum() < len(y) else float("nan")
        hit1 = np.mean([r is not None and r <= 1 for r in ranks])
        hit3 = np.mean([r is not None and r <= 3 for r in ranks])
        cells.append(f"{auc:7.3f} {hit1:6.3f} {hit3:6.3f}")
    return "   ".join(cells)


def paired_against_best(docs: list[dict]) -> list[str]:
    """Dev half: each rule's AUC minus the best rule's, with a 95 % paired bootstrap interval (same documents
    resampled for both), so a choice between rules can be read against the noise of ~110 documents."""
    dev = [d for d in docs if d["dev"]]
    y = np.array([d["label"] == "contradictory" for d in dev])
    rules = [(direction, full) for direction in DIRECTIONS for full in FULLS]
    aucs = {rule: weighted_roc_auc(y, best_scores(rule_scores(dev, *rule))) for rule in rules}
    ones = np.ones(len(y))
    chosen = max(rules, key=lambda rule: aucs[rule](ones))
    lines = [f"dev-half AUC against the best rule ({chosen[0]} {chosen[1]}), 95 % paired bootstrap interval:"]
    for rule in rules:
        if rule != chosen:
            diff = aucs[rule](ones) - aucs[chosen](ones)
            interval = paired_difference_interval(aucs[rule], aucs[chosen], len(y))
            span = "" if interval is None else f" [{interval[0]:+.3f}, {interval[1]:+.3f}]"
            lines.append(f"  {rule[0]:5} {rule[1]:.1f}: {diff:+.3f}{span}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--cache", type=Path, default=None, help="store/reuse the scored documents here")
    args = parser.parse_args()
    scorer = get_scorer(None if args.model is None else resolve_model(args.model))
    pairer = Pairer(PairingStrategy.all)
    start = time.perf_counter()
    cached = args.cache is not None and args.cache.is_file()
    if cached:
        docs, story = pickle.loads(args.cache.read_bytes())
    else:
        rows = load_rows(resolve_task("contradoc_dev"), default_data_root(), args.limit)
        docs = []
        for row in rows:
            report = detect(Document(row["id"], row["text"]), scorer=scorer, pairer=pairer, threshold=0.0)
            docs.append({**row, "dev": is_dev_row(row["id"]), "scores": report.scores})
        story = detect(Document(STORY.name, STORY.read_text(encoding="utf-8")), scorer=scorer, pairer=pairer).scores
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((docs, story)))
    must = load_expected(STORY.with_name("russia-syria-airstrikes.expected.json"))["must"]
    print(
        f"model {scorer.model_name}, precision {scorer.precision.value}, {len(docs)} ContraDoc dev documents, "
        f"all pairs, {time.perf_counter() - start:.0f} s" + (f" (scores from {args.cache})" if cached else "")
    )
    header = f"{'dev half: AUC  hit@1  hit@3':28}   {'reported half: AUC  hit@1  hit@3':33}"
    print(f"{'direction':9} {'full':>5}   {header} story")
    for direction in DIRECTIONS:
        for full in FULLS:
            rank = first_expected(top_texts(story, pair_scores(story, direction, full), len(story.pairs)), must)
            print(f"{direction:9} {full:5.1f}   {summary(docs, direction, full)}   {rank}/{len(story.pairs)}")
    print("\n".join(paired_against_best(docs)))


if __name__ == "__main__":
    main()

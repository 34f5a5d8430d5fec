"""Story-level figures: the hand-annotated news benchmark (dev and test apart) and ContraDoc's dev documents.

Usage: python bench/news_benchmark.py [--model DIR] [--judge DIR] [--scoring auto|cascade|fast|accurate]
                                      [--splits dev,test] [--contradoc] [--threshold T] [--runs FILE]

For each story the detector runs once at threshold 0 (every pair ranked); a story's score is its best pair's.
Prints, per part: document ROC-AUC with a 95 % bootstrap interval, hit@1/@3 and pair recall@3 of the annotated
pairs, the share of clean stories silent at the threshold (default: the reporting model's stored one), the
share of contradictory stories flagged with an annotated pair first, and document precision/recall there.
ContraDoc: the reported half (sha256 of id odd; the even half chooses thresholds), evidence hit@3.
--runs writes one JSON line per story (score, best pairs, matches): the record of a model's run.
The test split is run once per shipped model and never tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import contradict
from contradict.evaluation.metrics import bootstrap_interval, weighted_roc_auc
from contradict.evaluation.news_benchmark import load_stories
from contradict.evaluation.runner import document_inputs, evidence_rank
from contradict.evaluation.story_metrics import outcome, story_figures
from contradict.evaluation.tasks import default_data_root, is_dev_row, load_rows, resolve_task
from contradict.types import Scoring


def _auc_interval(y: np.ndarray, s: np.ndarray) -> str:
    ci = bootstrap_interval(weighted_roc_auc(y, s), len(y)) if y.any() and (~y).any() else None
    return "" if ci is None else f" [{ci[0]:.3f}, {ci[1]:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default=None)
    parser.add_argument("--judge", default=None)
    parser.add_argument("--scoring", choices=[s.value for s in Scoring], default="auto")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--contradoc", action="store_true", help="also ContraDoc dev (needs ../shared/data)")
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--runs", type=Path, default=None, help="write each story's outcome here (JSONL)")
    args = parser.parse_args()
    options = {"model": args.model, "judge": args.judge, "scoring": Scoring(args.scoring)}
    runs = args.runs.open("w", encoding="utf-8") if args.runs else None
    print(f"# {' '.join(sys.argv)}")
    for split in [s for s in args.splits.split(",") if s]:
        stories = load_stories(split=split)
        start = time.perf_counter()
        outcomes, model = [], ""
        for story in stories:
            report = contradict.detect(story.text, threshold=0.0, top=10, **options)
            model = report.model
            o = outcome(story, report)
            outcomes.append(o)
            if runs:
                best = [
                    {"a": c.claim_a.text, "b": c.claim_b.text, "score": round(c.score, 4), "scored_by": c.scored_by}
                    for c in report.contradictions[:3]
                ]
                row = {"split": split, "story": story.id, "label": story.label, "score": round(o.score, 4)}
                runs.write(json.dumps({**row, "matches": o.annotated_found[:3], "best": best}) + "\n")
        # the reports ran at threshold 0: the operating threshold is the model's stored one unless given
        default = args.threshold if args.threshold is not None else _stored_threshold(options)
        figures = story_figures(outcomes, default)
        y = np.array([o.contradictory for o in outcomes])
        s = np.array([o.score for o in outcomes])
        secs = time.perf_counter() - start
        print(f"\n## news {split} ({len(stories)} stories, {int(y.sum())} contradictory) model {model}, {secs:.0f} s")
        for key, value in figures.items():
            extra = _auc_interval(y, s) if key == "roc_auc" else ""
            print(f"{key:32s} {value:.3f}{extra}")
    if args.contradoc:
        y, s, ranks, secs = contradoc_reported_half(options)
        from sklearn.metrics import roc_auc_score

        hit3 = np.mean([r is not None and r <= 3 for r, c in zip(ranks, y, strict=True) if c])
        print(f"\n## contradoc_dev reported half ({len(y)} documents), {secs:.0f} s")
        print(f"{'roc_auc':32s} {roc_auc_score(y, s):.3f}{_auc_interval(y, s)}")
        print(f"{'evidence_hit@3':32s} {hit3:.3f}")
    if runs:
        runs.close()


def contradoc_reported_half(options: dict) -> tuple[np.ndarray, np.ndarray, list[int | None], float]:
    """ContraDoc's reported half (sha256 of id odd), each document checked once: labels (contradictory),
    best-pair scores, evidence ranks among the top 3, seconds."""
    task = resolve_task("contradoc_dev")
    rows = [r for r in load_rows(task, default_data_root()) if not is_dev_row(r["id"])]
    scores, ranks = [], []
    start = time.perf_counter()
    for row in rows:
        draft, source = document_inputs(row)
        report = contradict.detect(draft, against=source, threshold=0.0, top=3, **options)
        scores.append(report.contradictions[0].score if report.contradictions else 0.0)
        top = [(c.claim_a.text, c.claim_b.text) for c in report.contradictions]
        ranks.append(evidence_rank(row["evidence"], top) if row["label"] == "contradictory" else None)
    y = np.array([r["label"] == "contradictory" for r in rows])
    return y, np.array(scores), ranks, time.perf_counter() - start


def _stored_threshold(options: dict) -> float:
    """The threshold detect() uses by default with these options (the reporting model's stored one)."""
    return contradict.detect("The bridge is open.", **options).threshold


if __name__ == "__main__":
    main()

"""How relatedness weighting changes document-level separation on ContraDoc dev.

Scores every document once with the full pipeline, then re-aggregates the same pair scores with
several ``relatedness_full`` values (0 = no weighting). Prints ROC-AUC of the document score (top pair)
and evidence hit@1/hit@3, on all documents and on the reported half (the other half chooses thresholds).

Usage: python bench/relatedness_ablation.py [--model DIR] [--data PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

import contradict
from contradict.evaluation.runner import evidence_rank
from contradict.evaluation.tasks import default_data_root, is_dev_row
from contradict.pipeline.aggregate import rank, verdicts

FULLS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    path = args.data or (default_data_root() or Path("../shared/data")) / "documents" / "contradoc_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = rows[: args.limit] if args.limit else rows
    reports = []
    for i, row in enumerate(rows):
        reports.append(contradict.detect(contradict.Document(row["id"], row["text"]), model=args.model, threshold=0.0))
        if (i + 1) % 25 == 0:
            print(f"  scored {i + 1}/{len(rows)} documents", flush=True)
    y = np.array([r["label"] == "contradictory" for r in rows])
    test = np.array([not is_dev_row(r["id"]) for r in rows])
    print(f"documents: {len(rows)} ({int(y.sum())} contradictory); reported half: {int(test.sum())}")
    print("relatedness_full  AUC(all)  AUC(test half)  hit@1  hit@3  (hits over contradictory docs, all)")
    for full in FULLS:
        scores = np.zeros(len(rows))
        hits1, hits3 = [], []
        for k, (row, report) in enumerate(zip(rows, reports, strict=True)):
            s = report.scores
            if s is None or len(s.pairs) == 0:
                continue
            v = verdicts(s, full)
            order = rank(s, full)[:3]
            scores[k] = v.score[order[0]]
            if row["label"] == "contradictory":
                text = {c.id: c.text for c in report.claims}
                top = [(text[int(s.pairs[j, 0])], text[int(s.pairs[j, 1])]) for j in order]
                r = evidence_rank(row.get("evidence") or "", top)
                hits1.append(r is not None and r <= 1)
                hits3.append(r is not None and r <= 3)
        print(
            f"{full:16.1f}  {roc_auc_score(y, scores):8.3f}  {roc_auc_score(y[test], scores[test]):14.3f}"
            f"  {np.mean(hits1):5.3f}  {np.mean(hits3):5.3f}"
        )


if __name__ == "__main__":
    main()

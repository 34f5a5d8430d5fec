"""Does extra, unrelated material undo a contradiction for the model? Measured on dev data.

Usage: python bench/distractor_robustness.py [--model DIR] [--task mnli_dev_matched] [--n 1500] [--out FILE]

Takes the task's contradiction and entailment pairs (first N of each after a seeded shuffle) and makes
each longer with a sentence from an FNC-1 news body, in the ways `contradict.training.data.extend_pairs`
describes, where logic fixes the new label: a longer premise keeps the label; a contradicted hypothesis
that says more is still contradicted; an entailed hypothesis that says more becomes neutral. Prints
3-way accuracy and recall of contradiction on the original and on the lengthened pairs. Needs
../shared/data (dev task files and news/fnc1_test_bodies.jsonl).
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from pathlib import Path

import numpy as np

from contradict.api import get_scorer
from contradict.evaluation.tasks import default_data_root, load_rows, resolve_task
from contradict.pipeline.nli import resolve_model
from contradict.training.config import LABELS, Example
from contradict.training.data import extend_pairs, read_articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--task", default="mnli_dev_matched")
    parser.add_argument("--n", type=int, default=1500, help="pairs of each of the two labels")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    root = default_data_root()
    if root is None:
        raise SystemExit("needs ../shared/data")
    rng = random.Random(0)
    rows = load_rows(resolve_task(args.task), root)
    rng.shuffle(rows)
    originals: list[Example] = []
    for label in ("contradiction", "entailment"):
        chosen = [r for r in rows if r["label"] == label][: args.n]
        originals += [Example(r["premise"], r["hypothesis"], LABELS.index(label), label) for r in chosen]
    articles = read_articles(root / "news" / "fnc1_test_bodies.jsonl")
    fillers = [s for sents in articles for s in sents]
    extended = extend_pairs(originals, fillers, len(originals), rng)

    scorer = get_scorer(None if args.model is None else resolve_model(args.model))
    c = LABELS.index("contradiction")
    groups: dict[str, list[Example]] = defaultdict(list)
    groups["original"] = originals
    for e in extended:
        kind = e.source.rsplit("_", 1)[-1]  # premise | hypothesis
        groups[f"longer {kind}, {LABELS[e.label]}"].append(e)
    lines = [f"{args.task}: model {scorer.model_name}", f"{'pairs':34} {'n':>6} {'accuracy':>9} {'C recall':>9}"]
    for name, exs in groups.items():
        probs = scorer.predict([(e.premise, e.hypothesis) for e in exs])
        pred = probs.argmax(axis=1)
        gold = np.array([e.label for e in exs])
        acc = float((pred == gold).mean())
        is_c = gold == c
        recall = float((pred[is_c] == c).mean()) if is_c.any() else float("nan")
        lines.append(f"{name:34} {len(exs):6d} {acc:9.3f} {recall:9.3f}")
    print("\n".join(lines))
    if args.out:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

"""Claim views on ContraDoc and the example story: full claims against views=core (full and core, max).

Usage: python bench/claim_views.py [--model DIR] [--task contradoc_dev|fnc1_against] [--half dev|reported|both]
                                   [--limit N] [--out FILE]

For every document of the task's chosen half(s) (the deterministic halves of `contradict eval`; decide on
`dev`, report on `reported`), runs `detect` as `contradict eval` does (fnc1_against: the headline against
its article) with views full and core and prints document-level ROC-AUC (document score = its best pair),
evidence hit@1/@3 on contradictory documents (ContraDoc), NLI calls and claims with a core; then the
example story's best `must` pair rank with each view. Needs ../shared/data for the task part.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

from contradict.api import detect, display_model_name, get_scorer
from contradict.evaluation.examples import load_expected, rank_of_expected
from contradict.evaluation.runner import document_inputs, evidence_rank
from contradict.evaluation.tasks import default_data_root, is_dev_row, load_rows, resolve_task
from contradict.pipeline.nli import resolve_model
from contradict.types import ClaimViews

STORY = Path(__file__).resolve().parent.parent / "examples" / "russia-syria-airstrikes.txt"


def measure(half: str, rows: list[dict], model: str, views: ClaimViews) -> str:
    labels, best, ranks, calls, cores = [], [], [], 0, 0
    start = time.perf_counter()
    for row in rows:
        draft, source = document_inputs(row)
        report = detect(draft, against=source, model=model, threshold=0.0, top=3, views=views)
        contradictory = row["label"] == "contradictory"
        labels.append(contradictory)
        best.append(report.contradictions[0].score if report.contradictions else 0.0)
        if contradictory and row.get("evidence"):
            top = [(c.claim_a.text, c.claim_b.text) for c in report.contradictions]
            ranks.append(evidence_rank(row["evidence"], top))
        if report.scores is not None:
            with_core = {c.id for c in report.claims if c.core}
            calls += 2 * sum(1 + (a in with_core or b in with_core) for a, b in report.scores.pairs.tolist())
        cores += sum(1 for c in report.claims if c.core)
    auc = roc_auc_score(labels, best) if 0 < sum(labels) < len(labels) else float("nan")
    hit1 = np.mean([r is not None and r <= 1 for r in ranks]) if ranks else float("nan")
    hit3 = np.mean([r is not None and r <= 3 for r in ranks]) if ranks else float("nan")
    seconds = time.perf_counter() - start
    return (
        f"{half:9} {views.value:5} {len(rows):5d} {sum(labels):5d} {auc:7.3f} {hit1:7.3f} {hit3:7.3f} "
        f"{calls:7d} {cores:6d} {seconds:6.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--task", choices=["contradoc_dev", "fnc1_against"], default="contradoc_dev")
    parser.add_argument("--half", choices=["dev", "reported", "both"], default="dev")
    parser.add_argument("--limit", type=int, default=None, help="first N documents of each half")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    model = resolve_model(args.model)
    get_scorer(model).warm_up()
    lines = [
        f"model {display_model_name(model)}, task {args.task}",
        "half      views  docs contra     AUC  hit@1   hit@3   calls  cores      s",
    ]
    root = default_data_root()
    task = resolve_task(args.task)
    try:
        rows = load_rows(task, root)
    except FileNotFoundError as exc:
        lines.append(f"{args.task} skipped: {exc}")
        rows = []
    halves = ["dev", "reported"] if args.half == "both" else [args.half]
    for half in halves if rows else []:
        chosen = [r for r in rows if is_dev_row(str(r["id"])) == (half == "dev")][: args.limit]
        for views in ClaimViews:
            lines.append(measure(half, chosen, model, views))
            print(lines[-1], flush=True)
    expected = load_expected(STORY.with_name("russia-syria-airstrikes.expected.json"))
    text = STORY.read_text(encoding="utf-8")
    for views in ClaimViews:
        report = detect(text, model=model, threshold=0.0, views=views)
        lines.append(
            f"example story, views {views.value}: best 'must' pair ranks {rank_of_expected(report, expected['must'])}"
        )
        print(lines[-1], flush=True)
    if args.out is not None:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

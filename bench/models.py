"""The fast model, the accurate model and the cascade, side by side on the same rows.

Usage: python bench/models.py [--fast DIR] [--judge DIR] [--limit N] [--parts pairs,documents,story]
                              [--out eval/results/models.md]

- pairs: accuracy, contradiction F1 (threshold chosen on lingnli_validation's first N rows) and ROC-AUC of
  P(contradiction) on the first N rows (default 1,000) of MNLI-m, MNLI-mm, SNLI test, ANLI-R1 (eval only),
  new_protocols_val and semiauto_news_dev_LDC (eval only), for the fast and the accurate model (a cascade
  scores pairs it is given as the accurate model does, so it has no row here);
- documents: ContraDoc's reported half (sha256 of id odd): document ROC-AUC and evidence hit@3 for fast,
  accurate and cascade;
- story: the example story's best `must` pair rank (among all scored pairs) and whether it is reported at the
  default threshold, warm time through the API (best of 3) and a cold `contradict check` process, for fast,
  accurate and cascade; and a naive loop (transformers, fp32, one call per directed pair over all pairs of
  the claims) with the accurate model, for the speed-up.
Needs ../shared/data for pairs and documents.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from news_benchmark import contradoc_reported_half  # bench/, beside this script

import contradict
from contradict.api import resolve_judge
from contradict.evaluation.examples import load_expected, rank_of_expected
from contradict.evaluation.runner import Evaluator
from contradict.evaluation.tasks import default_data_root
from contradict.pipeline.nli import NLIScorer, resolve_model
from contradict.types import Scoring

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"
PAIR_TASKS = (
    "mnli_dev_matched",
    "mnli_dev_mismatched",
    "snli_test",
    "anli_r1_dev_NC",
    "new_protocols_val",
    "semiauto_news_dev_LDC",
)


def pair_rows(fast: str, judge: str, limit: int) -> list[str]:
    lines = ["| task | rows | fast acc | fast C-F1 | fast AUC | accurate acc | accurate C-F1 | accurate AUC |"]
    lines.append("|---|---|---|---|---|---|---|---|")
    evaluators = [Evaluator(NLIScorer(m), data_root=default_data_root(), limit=limit) for m in (fast, judge)]
    for name in PAIR_TASKS:
        cells: list[str] = []
        n = 0
        for ev in evaluators:
            result = ev.run(name)
            m = result.metrics
            n = int(m.get("n", 0))
            cells += [f"{m.get('accuracy', float('nan')):.3f}", f"{m.get('contradiction_f1', float('nan')):.3f}"]
            cells.append(f"{m.get('roc_auc', float('nan')):.3f}")
        lines.append(f"| {name} | {n} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    return lines


def document_rows(options: dict[str, dict]) -> list[str]:
    from sklearn.metrics import roc_auc_score

    lines = ["| scoring | documents | ROC-AUC | evidence hit@3 | seconds |", "|---|---|---|---|---|"]
    for label, opts in options.items():
        y, scores, ranks, secs = contradoc_reported_half(opts)
        hit3 = np.mean([r is not None and r <= 3 for r, c in zip(ranks, y, strict=True) if c])
        lines.append(f"| {label} | {len(y)} | {roc_auc_score(y, scores):.3f} | {hit3:.3f} | {secs:.0f} |")
        print(lines[-1], flush=True)
    return lines


def story_rows(options: dict[str, dict], judge: str) -> list[str]:
    doc = contradict.Document(STORY.name, STORY.read_text(encoding="utf-8"))
    must = load_expected(STORY.with_name("russia-syria-airstrikes.expected.json"))["must"]
    lines = ["| scoring | must rank | reported at default | threshold | warm s | cold s | pairs judged |"]
    lines.append("|---|---|---|---|---|---|---|")
    for label, opts in options.items():
        contradict.detect(doc, **opts)  # load the models
        warm = []
        for _ in range(3):
            start = time.perf_counter()
            report = contradict.detect(doc, **opts)
            warm.append(time.perf_counter() - start)
        ranked = contradict.detect(doc, threshold=0.0, **opts)
        reported = rank_of_expected(report, must) == 1 and bool(report.contradictions)
        cmd = [sys.executable, "-m", "contradict", "check", str(STORY), "--format", "json", "--scoring", label]
        if opts.get("judge"):
            cmd += ["--judge", str(opts["judge"])]
        if opts.get("model"):
            cmd += ["--model", str(opts["model"])]
        start = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        cold = time.perf_counter() - start
        lines.append(
            f"| {label} | {rank_of_expected(ranked, must)} of {len(ranked.scores.pairs)} | "
            f"{'yes' if reported else 'no'} | {report.threshold:.2f} | {min(warm):.2f} | {cold:.2f} "
            f"(exit {proc.returncode}) | {report.judged} |"
        )
        print(lines[-1], flush=True)
    naive = naive_seconds(judge, [c.text for c in report.claims])
    lines.append(f"\nNaive loop with the accurate model (fp32, one call per directed pair, all pairs): {naive:.1f} s")
    print(lines[-1], flush=True)
    return lines


def naive_seconds(model: str, claims: list[str]) -> float:
    """A transformers pipeline over every directed pair of the claims, one call each (what a script would do)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model)
    net = AutoModelForSequenceClassification.from_pretrained(model, dtype=torch.float32).eval()
    start = time.perf_counter()
    with torch.inference_mode():
        for i, a in enumerate(claims):
            for j, b in enumerate(claims):
                if i != j:
                    net(**tok(a, b, return_tensors="pt", truncation=True))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fast", default=None, help="fast model (default: the shipped one)")
    parser.add_argument("--judge", default=None, help="accurate model (default: the shipped one)")
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--parts", default="pairs,documents,story")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    fast = resolve_model(args.fast)
    judge = resolve_judge(args.judge)
    if judge is None:
        parser.error("no accurate model installed: pass --judge DIR")
    options = {
        s.value: {"model": fast, "judge": judge, "scoring": s}
        for s in (Scoring.fast, Scoring.accurate, Scoring.cascade)
    }
    parts = args.parts.split(",")
    out = [f"# `python {' '.join(sys.argv)}`", "", f"fast: {fast}; accurate: {judge}", ""]
    if "pairs" in parts:
        out += [*pair_rows(fast, judge, args.limit), ""]
    if "documents" in parts:
        out += [*document_rows(options), ""]
    if "story" in parts:
        out += [*story_rows(options, judge), ""]
    if args.out:
        args.out.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

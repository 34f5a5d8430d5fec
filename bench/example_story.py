"""Time `contradict check` on the example story: warm through the API, and a cold CLI process.

Usage: python bench/example_story.py [--model DIR] [--repeat N] [--pairs auto|all|neighbours] [--k K]
                                     [--precision auto|fp32|bf16|int8] [--no-cli]
Prints claims, pairs scored, seconds and pairs/s, and the rank of the best expected 'must' pair.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import contradict
from contradict.examples import load_expected, rank_of_expected
from contradict.nli import Precision
from contradict.pairing import Pairer, PairingStrategy

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pairs", choices=[s.value for s in PairingStrategy], default=None)
    parser.add_argument("--k", type=int, default=None, help="neighbours per claim (with --pairs neighbours)")
    parser.add_argument("--precision", choices=[p.value for p in Precision], default="auto")
    parser.add_argument("--no-cli", action="store_true", help="skip the cold CLI process")
    args = parser.parse_args()
    doc = contradict.Document(STORY.name, STORY.read_text(encoding="utf-8"))
    options: dict = {"model": args.model, "precision": Precision(args.precision)}
    if args.pairs is not None:
        options["pairer"] = Pairer(PairingStrategy(args.pairs), k=args.k)

    start = time.perf_counter()
    report = contradict.detect(doc, **options)
    first = time.perf_counter() - start
    warm = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = contradict.detect(doc, **options)
        warm.append(time.perf_counter() - start)
    pairs = len(report.scores.pairs) if report.scores is not None else 0
    best = min(warm)
    expected = load_expected(STORY.with_name("russia-syria-airstrikes.expected.json"))
    print(f"model: {report.model}")
    print(
        f"claims: {len(report.claims)}  skipped: {len(report.skipped)}  pairs: {pairs}  directed NLI calls: {2 * pairs}"
    )
    print(f"API first call (loads models): {first:.2f} s")
    print(f"API warm: best {best:.2f} s of {args.repeat}, {2 * pairs / best:.0f} directed pairs/s")
    print(f"contradictions at threshold {report.threshold:.2f}: {len(report.contradictions)}")
    print(f"rank of best 'must' pair: {rank_of_expected(report, expected['must'])}")

    if args.no_cli:
        return
    cmd = [sys.executable, "-m", "contradict", "check", str(STORY), "--format", "json"]
    if args.model:
        cmd += ["--model", args.model]
    if args.pairs:
        cmd += ["--pairs", args.pairs]
    cmd += ["--precision", args.precision]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    cold = time.perf_counter() - start
    print(f"cold CLI process: {cold:.2f} s (exit {proc.returncode})")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of the CLI process: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

"""Time `contradict check` on the example story: warm through the API, and a cold CLI process.

Usage: python bench/example_story.py [--model DIR] [--repeat N] [--pairs auto|all|neighbours] [--k K]
                                     [--precision auto|fp32|bf16|int8] [--no-cli] [--replace OLD=NEW ...]
Prints claims, pairs scored, seconds and pairs/s, and the rank of the best expected 'must' pair, with the
best 'must' pair's P(contradiction) in each direction.

--replace is a diagnostic of what the model fails to read: it rewrites the story (and the expected pairs)
before checking it, e.g. --replace "ISIL=Islamic State" asks whether the rank is lost to a name written two
ways. It changes nothing the detector does.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import contradict
from contradict.evaluation.examples import first_expected, load_expected, rank_of_expected
from contradict.pipeline.nli import Precision
from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import NLI_LABELS

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"
CONTRA = NLI_LABELS.index("contradiction")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pairs", choices=[s.value for s in PairingStrategy], default=None)
    parser.add_argument("--k", type=int, default=None, help="neighbours per claim (with --pairs neighbours)")
    parser.add_argument("--precision", choices=[p.value for p in Precision], default="auto")
    parser.add_argument("--no-cli", action="store_true", help="skip the cold CLI process")
    parser.add_argument(
        "--replace", action="append", default=[], metavar="OLD=NEW", help="rewrite the story first (diagnostic)"
    )
    args = parser.parse_args()
    replacements = [tuple(r.split("=", 1)) for r in args.replace]
    if any(len(r) != 2 or not r[0] for r in replacements):
        parser.error("--replace takes OLD=NEW")

    def rewrite(text: str) -> str:
        for old, new in replacements:
            text = text.replace(old, new)
        return text

    doc = contradict.Document(STORY.name, rewrite(STORY.read_text(encoding="utf-8")))
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
    expected = {kind: [[rewrite(side) for side in pair] for pair in pairs] for kind, pairs in expected.items()}
    print(f"model: {report.model}")
    print(
        f"claims: {len(report.claims)}  skipped: {len(report.skipped)}  pairs: {pairs}  directed NLI calls: {2 * pairs}"
    )
    print(f"API first call (loads models): {first:.2f} s")
    print(f"API warm: best {best:.2f} s of {args.repeat}, {2 * pairs / best:.0f} directed pairs/s")
    print(f"contradictions at threshold {report.threshold:.2f}: {len(report.contradictions)}")
    print(f"rank of best 'must' pair: {rank_of_expected(report, expected['must'])}")
    best = best_expected_pair(report, expected["must"])
    if best is not None:
        print(
            f"'must' pair with the highest P(contradiction): {best[0]:.3f} / {best[1]:.3f} (a→b / b→a), "
            f"claims {best[2]}"
        )

    if args.no_cli or replacements:
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


def best_expected_pair(report: contradict.Report, expected: list[list[str]]) -> tuple[float, float, str] | None:
    """P(contradiction) both ways of the scored pair matching an expected pair with the highest maximum."""
    if report.scores is None:
        return None
    text = {c.id: c.text for c in report.claims}
    found = []
    for k, (a, b) in enumerate(report.scores.pairs.tolist()):
        if first_expected([(text[a], text[b])], expected) is not None:
            forward, backward = report.scores.forward[k, CONTRA], report.scores.backward[k, CONTRA]
            found.append((float(forward), float(backward), f"{a}–{b}"))
    return max(found, key=lambda f: max(f[0], f[1]), default=None)


if __name__ == "__main__":
    main()

"""Speed and memory of contradict on this machine, against a naive baseline.

Usage: python bench/speed.py [--model DIR] [--precision auto|fp32|bf16|int8] [--backend torch|onnx]
                             [--pairs auto|all|neighbours|context]
                             [--k K] [--skip-baseline] [--skip-long] [--mb N]
Prints claims, pairs scored, seconds, directed pairs/s and peak memory for
  (a) the example story, warm, through the API;
  (b) a cold `contradict check` process on it, with --backend auto (the default), torch and onnx;
  (c) a 10,000-word document assembled from ContraDoc dev texts (needs ../shared/data), warm;
  (d) a naive baseline on the example story: a plain transformers text-classification pipeline called
      once per directed pair, all pairs, and the speed-up of (a) over it;
  (e) with --mb N, an N-megabyte input built from ContraDoc texts and FNC-1 bodies, warm.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import contradict
from contradict.api import get_scorer
from contradict.evaluation.tasks import default_data_root
from contradict.pipeline.nli import Backend, Precision, resolve_model
from contradict.pipeline.pairing import Pairer, PairingStrategy

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "examples" / "russia-syria-airstrikes.txt"


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(text: str, args: argparse.Namespace, name: str, compute: bool = False) -> None:
    start = time.perf_counter()
    report = contradict.detect(
        contradict.Document(name, text),
        model=args.model,
        precision=args.precision,
        backend=args.backend,
        pairer=pairer(args),
    )
    seconds = time.perf_counter() - start
    pairs = len(report.scores.pairs) if report.scores is not None else 0
    print(
        f"  {name}: {len(text.split())} words, {len(report.claims)} claims, {pairs} pairs ({2 * pairs} NLI calls), "
        f"{seconds:.2f} s, {2 * pairs / seconds:.0f} directed pairs/s, process max RSS {rss_mib():.0f} MiB"
    )
    if compute and pairs:
        print(f"  {compute_bound(report, seconds)}")


def pairer(args: argparse.Namespace) -> Pairer:
    return Pairer(args.pairs, k=args.k)


def compute_bound(report: contradict.Report, seconds: float) -> str:
    """Arithmetic of the model over the pairs scored (2 x non-embedding parameters x tokens, attention
    left out), so the time can be set against what two cores can do at all."""
    from transformers import AutoConfig, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(report.model)
    config = AutoConfig.from_pretrained(report.model)
    h, layers, inter = config.hidden_size, config.num_hidden_layers, config.intermediate_size
    per_token = 2 * layers * (4 * h * h + 2 * h * inter)  # attention projections + feed-forward, multiply-adds x2
    by_id = {c.id: c.text for c in report.claims}
    assert report.scores is not None
    tokens = 0
    for a, b in report.scores.pairs.tolist():
        tokens += len(tokenizer(by_id[a], by_id[b], truncation=True, max_length=512)["input_ids"])
        tokens += len(tokenizer(by_id[b], by_id[a], truncation=True, max_length=512)["input_ids"])
    flops = per_token * tokens
    return (
        f"compute: {tokens} tokens, {flops / 1e12:.2f} TFLOP of matrix products, "
        f"{flops / seconds / 1e9:.0f} GFLOP/s achieved end to end"
    )


def contradoc_text(words: int, more: bool = False) -> str:
    """ContraDoc dev texts, repeated as needed; with ``more``, followed by FNC-1 article bodies, so that a
    megabyte-sized input does not repeat itself (repeated sentences are skipped as duplicates)."""
    root = default_data_root() or REPO.parent / "shared" / "data"
    paths = [root / "documents" / "contradoc_dev.jsonl"] + ([root / "news" / "fnc1_test_bodies.jsonl"] if more else [])
    for path in paths:
        if not path.is_file():
            raise SystemExit(f"{path} not found: (c) and (e) need ../shared/data")
    texts = [json.loads(line)["text"] for path in paths for line in path.open(encoding="utf-8")]
    out, count, i = [], 0, 0
    while count < words:
        t = texts[i % len(texts)]
        out.append(t)
        count += len(t.split())
        i += 1
    return "\n\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default=None)
    parser.add_argument("--precision", type=Precision, default=Precision.auto)
    parser.add_argument("--backend", type=Backend, default=Backend.torch, help="for the warm API runs")
    parser.add_argument("--pairs", type=PairingStrategy, default=PairingStrategy.auto)
    parser.add_argument("--k", type=int, default=None, help="neighbours per claim (default: the Pairer's)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-long", action="store_true")
    parser.add_argument("--mb", type=float, default=0.0)
    args = parser.parse_args()
    story = STORY.read_text(encoding="utf-8")
    scorer = get_scorer(None if args.model is None else resolve_model(args.model), args.precision, None, args.backend)
    print(
        f"model {scorer.model_name}, precision {args.precision.value}, backend {args.backend.value} (warm runs), "
        f"pairs {args.pairs.value}"
    )

    print("(a) example story, warm API (second call; the first loads the models)")
    contradict.detect(story, model=args.model, precision=args.precision, backend=args.backend, pairer=pairer(args))
    timed(story, args, STORY.name, compute=True)

    print("(b) cold CLI process")
    cmd = [sys.executable, "-m", "contradict", "check", str(STORY), "-f", "json", "--pairs", args.pairs.value]
    cmd += ["--precision", args.precision.value] + (["--model", args.model] if args.model else [])
    for backend in ("auto", "torch", "onnx"):
        start = time.perf_counter()
        proc = subprocess.run([*cmd, "--backend", backend], capture_output=True, text=True, check=False)
        cold = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            print(f"  --backend {backend}: exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
            continue
        out = json.loads(proc.stdout)
        print(
            f"  --backend {backend}: {cold:.2f} s, exit {proc.returncode}, ran {out['backend']} {out['precision']}, "
            f"{out['pairs_scored']} pairs"
        )
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  max RSS of the largest child {child:.0f} MiB")

    if not args.skip_long:
        print("(c) 10,000-word document from ContraDoc dev texts, warm API")
        timed(contradoc_text(10_000), args, "contradoc-10k-words")

    if not args.skip_baseline:
        print("(d) naive baseline: transformers pipeline, one call per directed pair, all pairs")
        from transformers import pipeline

        claims = contradict.detect(story, model=args.model, top=0).claims
        texts = [c.text for c in claims]
        directed = [(a, b) for i, a in enumerate(texts) for j, b in enumerate(texts) if i != j]
        classify = pipeline("text-classification", model=scorer.model_name, device="cpu")
        start = time.perf_counter()
        for a, b in directed:
            classify({"text": a, "text_pair": b}, top_k=None)
        naive = time.perf_counter() - start
        print(f"  {len(directed)} directed pairs in {naive:.2f} s, {len(directed) / naive:.0f} pairs/s")
        start = time.perf_counter()
        report = contradict.detect(
            story, model=args.model, precision=args.precision, backend=args.backend, pairer=pairer(args)
        )
        ours = time.perf_counter() - start
        pairs = len(report.scores.pairs)
        print(f"  contradict (a) again: {ours:.2f} s for {2 * pairs} calls: {naive / ours:.1f}x faster end to end")

    if args.mb:
        print(f"(e) {args.mb:g} MB input from ContraDoc dev texts and FNC-1 bodies, warm API")
        text = contradoc_text(int(args.mb * 1_000_000 / 6.2), more=True)
        timed(text, args, f"contradoc-{args.mb:g}MB")


if __name__ == "__main__":
    main()

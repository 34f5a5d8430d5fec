"""Fuzz the CLI entry point in-process: generated inputs through `contradict check` (CliRunner).

Usage: python bench/fuzz_cli.py [--n 10000] [--real N] [--seed S]
The real segmenter, pairing and renderers run on every input; NLI and embeddings come from the fast fake
stages in tests/conftest.py. `--real N` also sends N inputs through the shipped model. A crash is any exit
code other than 0, 1 (found) or 2 (input error), or an exit 2 on an input that is not bad. Prints the
counts and the first few crashing inputs (saved under bench/fuzz-crashes/).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from contradict import api  # noqa: E402
from contradict.cli import app  # noqa: E402
from tests.conftest import FakeEmbedder, FakeScorer  # noqa: E402

SENTENCES = [
    "Russian aircraft carried out precise strikes against eight targets.",
    "There were no Islamic State combatants anywhere close.",
    "“We intend to continue our air operations unimpeded,” he said.",
    "Carter said the airstrikes would not create problems, but the talks stalled.",
    "The council approved $3 million for the bridge on Tuesday.",
    "By Ellen Park, Associated Press",
    "James Rosen: 202-383-0014; @jamesmartinrose",
    "Did the strikes hit militants?",
    "AP",
    "El gobierno no ha confirmado la cifra de muertos.",
    "俄罗斯国防部表示，其战机对八个目标进行了精确打击。",
    "שלום עולם",
]
ODD = [
    "\x00",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "\r\n",
    "\t",
    "😀",
    "<script>alert(1)</script>",
    "**",
    "#",
    "“",
    "”",
    '"',
    "\\",
]
SUFFIXES = [".txt", ".md", ".html"]
INPUT_ERRORS = ("empty file", "contains only whitespace", "looks like a binary file", "no text")
FORMATS = ["text", "json", "jsonl", "markdown", "html"]


def generate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:  # news-like text with odd bits spliced in
        parts = [rng.choice(SENTENCES) for _ in range(rng.randint(0, 12))]
        for _ in range(rng.randint(0, 4)):
            parts.insert(rng.randint(0, len(parts)), rng.choice(ODD))
        return rng.choice([" ", "\n", "\n\n"]).join(parts)
    if kind < 0.7:  # arbitrary code points
        points = [rng.choice([rng.randint(0x20, 0x7E), rng.randint(0, 0x2FFF), rng.randint(0x3000, 0xFFFF)])
                  for _ in range(rng.randint(0, 400))]  # fmt: skip
        return "".join(chr(p) for p in points if not 0xD800 <= p <= 0xDFFF)  # surrogates are not text
    if kind < 0.8:  # markup soup
        tags = ["<p>", "</p>", "<div>", "<b>", "</b>", "# ", "* ", "[x](y)", "`", "<!--", "-->", "&amp;", "&#0;"]
        return "".join(rng.choice(tags + SENTENCES) for _ in range(rng.randint(1, 30)))
    if kind < 0.9:  # one long sentence without punctuation
        return " ".join(
            rng.choice(["strikes", "eight", "no", "not", "targets", "Syria", "3", "$"])
            for _ in range(rng.randint(1, 3000))
        )
    return "".join(rng.choice(" .!?,;:\n\"'“”") for _ in range(rng.randint(0, 200)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=0, help="Also run N inputs through the shipped model.")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    runner = CliRunner()
    crashes: list[tuple[str, str, str]] = []
    codes: Counter[int] = Counter()
    out_dir = REPO / "bench" / "fuzz-crashes"
    real_get_scorer, real_get_embedder = api.get_scorer, api.get_embedder
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.n + args.real):
            real = i >= args.n
            api.get_scorer = real_get_scorer if real else (lambda *_: FakeScorer())
            api.get_embedder = real_get_embedder if real else (lambda *_: FakeEmbedder())
            text = generate(rng)
            path = Path(tmp) / f"in{rng.choice(SUFFIXES)}"
            path.write_text(text, encoding="utf-8", newline="")
            fmt = rng.choice(FORMATS)
            result = runner.invoke(app, ["check", str(path), "--format", fmt, "--threshold", "0.5"])
            codes[result.exit_code] += 1
            # exit 2 must be one of the documented input errors (README: Bad input)
            documented = any(m in (result.stderr or "") for m in INPUT_ERRORS)
            crashed = result.exit_code not in (0, 1, 2) or (result.exit_code == 2 and not documented)
            if fmt == "json" and result.exit_code in (0, 1):
                try:
                    json.loads(result.stdout)
                except ValueError:
                    crashed = True
            if crashed:
                crashes.append((text, fmt, (result.stderr or "")[-300:]))
    seconds = time.perf_counter() - start
    print(f"inputs: {args.n} with fake NLI + {args.real} with the shipped model, {seconds:.0f} s")
    print(f"exit codes: {dict(sorted(codes.items()))}")
    print(f"crashes: {len(crashes)}")
    if crashes:
        out_dir.mkdir(exist_ok=True)
        for k, (text, fmt, err) in enumerate(crashes[:20]):
            (out_dir / f"crash-{k}.txt").write_text(text, encoding="utf-8")
            print(f"- crash-{k}.txt --format {fmt}: {err.strip()[:200]!r}")


if __name__ == "__main__":
    main()

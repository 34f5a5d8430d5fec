"""False reporting frames: how many frames attribution finds in the FNC-1 train bodies, and a random sample of
them to judge by reading.

Usage: python bench/false_frames.py [--sample 50] [--seed 2026] [--out FILE] [--verb WORD]
Needs ../shared/data/news/fnc1_train_bodies.jsonl. Every sentence of every body that the segmenter would
check (not a byline, headline, question, ...) goes through :func:`contradict.pipeline.attribution.attribute`;
a frame is a sentence that comes back with a speaker. It prints the counts and writes ``--sample`` frames,
drawn with ``--seed``, one a line: ``index | frame words | speaker | claim``, for a person to mark right or
wrong ("Detours had added about 15 minutes" read as the speaker Detours saying "about 15 minutes" is wrong).
``--verb`` lists instead every frame whose frame words contain that word (e.g. ``added``), to look for a
pattern.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

from contradict.pipeline.attribution import attribute
from contradict.pipeline.segment import non_claim_reason, split_sentences, typewriter_quotes

BODIES = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "news" / "fnc1_train_bodies.jsonl"


def frames(texts: list[str]) -> tuple[int, list[tuple[str, str, str]]]:
    """Sentences checked, and the frames found: (frame words, speaker, claim)."""
    checked = 0
    found: list[tuple[str, str, str]] = []
    for text in texts:
        for start, end, sentence in split_sentences(text):
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            whole_line = text[line_start : len(text) if line_end < 0 else line_end].strip() == sentence
            if non_claim_reason(sentence, whole_line=whole_line) is not None:
                continue
            checked += 1
            raw = typewriter_quotes(sentence)
            att = attribute(raw)
            if att.speaker is None:
                continue
            frame = " ".join(f"{raw[: att.start]} … {raw[att.end :]}".split())
            found.append((frame, att.speaker, raw[att.start : att.end]))
    return checked, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bodies", type=Path, default=BODIES)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="write the sample here (default: print it)")
    parser.add_argument("--verb", default=None, help="list every frame whose frame words contain this word")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.bodies.read_text(encoding="utf-8").splitlines() if line.strip()]
    # FNC-1 repeats some bodies under several ids: each text counts once
    texts = list(dict.fromkeys(row["text"] for row in rows))
    checked, found = frames(texts)
    print(f"{len(texts)} distinct bodies, {checked} sentences checked, {len(found)} frames found")
    if args.verb is not None:
        word = args.verb.lower()
        for frame, speaker, claim in found:
            if word in frame.lower().split():
                print(f"{frame} | {speaker} | {claim}")
        return
    counts = Counter(word.lower().strip(",.:") for frame, _, _ in found for word in frame.split())
    print("commonest frame words:", ", ".join(f"{w} {n}" for w, n in counts.most_common(25)))
    sample = random.Random(args.seed).sample(found, min(args.sample, len(found)))
    lines = [f"{i:2d} | {frame} | {speaker} | {claim}" for i, (frame, speaker, claim) in enumerate(sample, 1)]
    if args.out is None:
        print("\n".join(lines))
    else:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"sample of {len(sample)} (seed {args.seed}) written to {args.out}")


if __name__ == "__main__":
    main()

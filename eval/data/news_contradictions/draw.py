"""Draw the FNC-1 train bodies of the hand-annotated news contradiction benchmark (unannotated).

Usage (from the repository root)::

    python eval/data/news_contradictions/draw.py /tmp/news_draw.jsonl

Reproducible: the same source files and seed give the same draw. Filters and strata are described in README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
from pathlib import Path

SEED = 2026
MIN_WORDS, MAX_WORDS = 150, 500
PER_STRATUM = 32
NEAR_COPY_JACCARD = 0.5  # word 5-gram Jaccard at or above which two bodies count as near-copies
SHINGLE = 5

REPO = Path(__file__).resolve().parents[3]
DEFAULT_NEWS = REPO.parent / "shared" / "data" / "news"

log = logging.getLogger("draw")
_WORD = re.compile(r"[a-z0-9]+")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)))


def jaccard(x: frozenset, y: frozenset) -> float:
    return len(x & y) / len(x | y) if x or y else 1.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="where to write the unannotated draw (JSON Lines)")
    parser.add_argument("--bodies", type=Path, default=DEFAULT_NEWS / "fnc1_train_bodies.jsonl")
    parser.add_argument("--stances", type=Path, default=DEFAULT_NEWS / "fnc1_train_stances.jsonl")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    bodies = {str(row["body_id"]): row["text"] for row in read_jsonl(args.bodies)}
    stances = read_jsonl(args.stances)
    contested = {str(row["body_id"]) for row in stances if row["stance"] in ("disagree", "discuss")}

    eligible = sorted((b for b, t in bodies.items() if MIN_WORDS <= len(t.split()) <= MAX_WORDS), key=int)
    pools = {
        "disagree_or_discuss": [b for b in eligible if b in contested],
        "random": [b for b in eligible if b not in contested],
    }
    log.info(
        "bodies %d, eligible (%d-%d words) %d: %s",
        len(bodies),
        MIN_WORDS,
        MAX_WORDS,
        len(eligible),
        {k: len(v) for k, v in pools.items()},
    )

    rng = random.Random(args.seed)
    chosen: list[tuple[str, str]] = []  # (body_id, stratum)
    chosen_shingles: list[frozenset] = []
    skipped = 0
    for stratum, pool in pools.items():
        order = list(pool)
        rng.shuffle(order)
        taken = 0
        for body_id in order:
            if taken == PER_STRATUM:
                break
            sh = shingles(bodies[body_id])
            if any(jaccard(sh, other) >= NEAR_COPY_JACCARD for other in chosen_shingles):
                skipped += 1
                log.info("skip near-copy body %s", body_id)
                continue
            chosen.append((body_id, stratum))
            chosen_shingles.append(sh)
            taken += 1
        if taken < PER_STRATUM:
            raise SystemExit(f"stratum {stratum}: only {taken} bodies")
    log.info("drawn %d, near-copies skipped %d", len(chosen), skipped)

    # Split: shuffle each stratum's ids with seed+1, first half dev, the rest test.
    split_rng = random.Random(args.seed + 1)
    split: dict[str, str] = {}
    for stratum in pools:
        ids = [b for b, s in chosen if s == stratum]
        split_rng.shuffle(ids)
        for i, body_id in enumerate(ids):
            split[body_id] = "dev" if i < len(ids) // 2 else "test"

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as handle:
        for body_id, stratum in chosen:
            row = {
                "id": f"fnc1-train-{body_id}",
                "body_id": body_id,
                "split": split[body_id],
                "stratum": stratum,
                "text": bodies[body_id],
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()

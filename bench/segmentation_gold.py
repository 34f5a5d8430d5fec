"""Segmentation against the gold file: claim-boundary precision/recall, speaker accuracy, drops.

Usage: python bench/segmentation_gold.py [--mistakes] [--no-attribution]
Gold: tests/fixtures/gold/segmentation.json (twenty-one news stories, hand-made; see its "about").
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from contradict.evaluation.segmentation import evaluate_segmenter, load_gold, mistakes
from contradict.pipeline.segment import Segmenter
from contradict.types import Document

GOLD = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "gold" / "segmentation.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mistakes", action="store_true", help="List missed and extra claims, wrong speakers.")
    parser.add_argument("--no-attribution", action="store_true", help="Whole sentences, no speakers.")
    args = parser.parse_args()
    stories = load_gold(GOLD)
    segmenter = Segmenter(attribution=not args.no_attribution)
    start = time.perf_counter()
    scores = evaluate_segmenter(stories, segmenter)
    seconds = time.perf_counter() - start
    print(
        f"{'story':30} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'speaker':>8} {'skipP':>6} {'skipR':>6} {'reason':>6}"
    )
    for name, s in scores.items():
        print(
            f"{name:30} {s.gold_claims:5d} {s.predicted_claims:5d} {s.precision:6.3f} {s.recall:6.3f} "
            f"{s.speaker_accuracy:8.3f} {s.skip_precision:6.3f} {s.skip_recall:6.3f} "
            f"{s.reasons_right}/{s.matched_skipped}"
        )
    print(f"segmented {len(stories)} stories in {seconds:.2f} s")
    if args.mistakes:
        for story in stories:
            print(f"\n## {story.document}")
            for line in mistakes(story, segmenter.run([Document(story.document, story.text)])):
                print(" ", line)


if __name__ == "__main__":
    main()

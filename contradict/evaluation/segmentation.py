"""Segmentation against a hand-made gold file: claim-boundary precision/recall, speaker accuracy, drops.

The gold file (tests/fixtures/gold/segmentation.json) lists, per story, the claims a fact-checker expects
(exact words, speaker) and the sentences that are not claims (with a reason). Claims match when their
texts are equal after outer quote marks, whitespace and final punctuation are stripped; speakers match
when both are the narrator or their last words agree ("Defense Secretary Ash Carter" ~ "Carter").
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import astuple, dataclass
from pathlib import Path

from contradict.errors import DataError
from contradict.pipeline.segment import OUTER_MARKS, Segmentation, Segmenter, normalise_claim
from contradict.types import Document


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    if gold is None or predicted is None:
        return gold is None and predicted is None
    last = lambda s: s.strip(OUTER_MARKS).split()[-1].lower() if s.strip(OUTER_MARKS) else ""  # noqa: E731
    return last(gold) == last(predicted)


@dataclass(frozen=True)
class GoldStory:
    document: str
    text: str
    claims: tuple[tuple[str, str | None], ...]
    skipped: tuple[tuple[str, str], ...]
    held_out: bool = False  # annotated after the rules were written; report it, never tune on it


@dataclass(frozen=True)
class SegmentationScores:
    """Counts over one or more stories; the rates are properties."""

    gold_claims: int
    predicted_claims: int
    matched_claims: int
    speakers_right: int
    gold_skipped: int
    predicted_skipped: int
    matched_skipped: int
    reasons_right: int

    @property
    def precision(self) -> float:
        return self.matched_claims / self.predicted_claims if self.predicted_claims else 0.0

    @property
    def recall(self) -> float:
        return self.matched_claims / self.gold_claims if self.gold_claims else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speakers_right / self.matched_claims if self.matched_claims else 0.0

    @property
    def skip_precision(self) -> float:
        return self.matched_skipped / self.predicted_skipped if self.predicted_skipped else 1.0

    @property
    def skip_recall(self) -> float:
        return self.matched_skipped / self.gold_skipped if self.gold_skipped else 1.0

    def __add__(self, other: SegmentationScores) -> SegmentationScores:
        return SegmentationScores(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


def load_gold(path: Path) -> list[GoldStory]:
    """Read the gold file; each story's text is the file named by ``document`` beside it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        stories = []
        for s in data["stories"]:
            text = (path.parent / s["document"]).read_text(encoding="utf-8")
            claims = tuple((c["text"], c["speaker"]) for c in s["claims"])
            skipped = tuple((k["text"], k["reason"]) for k in s["skipped"])
            for words, _ in claims + skipped:
                if words not in text:
                    raise DataError(f"{path}: {s['document']}: gold text not in the document: {words[:60]!r}")
            stories.append(GoldStory(s["document"], text, claims, skipped, bool(s.get("held_out", False))))
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: not a usable gold segmentation file ({exc})") from exc
    return stories


def _multiset_matches(gold: Sequence[str], predicted: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (gold index, predicted index) matched one-to-one by normalised text, in order."""
    free: dict[str, list[int]] = {}
    for j, p in enumerate(predicted):
        free.setdefault(normalise_claim(p), []).append(j)
    out = []
    for i, g in enumerate(gold):
        slots = free.get(normalise_claim(g))
        if slots:
            out.append((i, slots.pop(0)))
    return out


def score_story(story: GoldStory, seg: Segmentation) -> SegmentationScores:
    claims = _multiset_matches([t for t, _ in story.claims], [c.text for c in seg.claims])
    speakers = sum(same_speaker(story.claims[i][1], seg.claims[j].speaker) for i, j in claims)
    skips = _multiset_matches([t for t, _ in story.skipped], [s.text for s in seg.skipped])
    reasons = sum(story.skipped[i][1] == seg.skipped[j].reason for i, j in skips)
    return SegmentationScores(
        len(story.claims), len(seg.claims), len(claims), speakers, len(story.skipped), len(seg.skipped), len(skips),
        reasons,
    )  # fmt: skip


def evaluate_segmenter(stories: Sequence[GoldStory], segmenter: Segmenter) -> dict[str, SegmentationScores]:
    """Scores per story, then sums: ``"development"`` (the stories the rules were written on),
    ``"held_out"`` (if any) and ``"all"``."""
    out = {s.document: score_story(s, segmenter.run([Document(s.document, s.text)])) for s in stories}
    zero = SegmentationScores(0, 0, 0, 0, 0, 0, 0, 0)
    groups = {"development": [s for s in stories if not s.held_out], "held_out": [s for s in stories if s.held_out]}
    for name, members in groups.items():
        if members:
            out[name] = sum((out[s.document] for s in members), zero)
    out["all"] = sum((out[s.document] for s in stories), zero)
    return out


def mistakes(story: GoldStory, seg: Segmentation) -> Counter[str]:
    """What went wrong, for reading: missed and extra claims, wrong speakers."""
    found: Counter[str] = Counter()
    claims = _multiset_matches([t for t, _ in story.claims], [c.text for c in seg.claims])
    hit_g = {i for i, _ in claims}
    hit_p = {j for _, j in claims}
    for i, (text, _) in enumerate(story.claims):
        if i not in hit_g:
            found[f"missed: {text[:90]}"] += 1
    for j, c in enumerate(seg.claims):
        if j not in hit_p:
            found[f"extra: {c.text[:90]}"] += 1
    for i, j in claims:
        if not same_speaker(story.claims[i][1], seg.claims[j].speaker):
            found[f"speaker {seg.claims[j].speaker!r} (gold {story.claims[i][1]!r}): {story.claims[i][0][:60]}"] += 1
    return found

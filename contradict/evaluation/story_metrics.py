"""What a fact-checker sees for one story, measured over many: is anything flagged, and is it the real problem.

Pure functions over per-story results (:class:`StoryOutcome`): a story's score is its best pair's score; a
reported pair *matches* an annotated pair when each of its claims overlaps one side of it (either order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from contradict.evaluation.news_benchmark import Story
from contradict.types import Report

Span = tuple[int, int]


@dataclass(frozen=True)
class StoryOutcome:
    """One story's annotation and what the detector ranked on it (best first, reported or not)."""

    story_id: str
    contradictory: bool
    score: float  # the best pair's score (0 when no pair was scored)
    ranked_matches: tuple[bool, ...]  # per ranked pair, best first: does it match an annotated pair?
    annotated_found: tuple[int, ...]  # per ranked pair: index of the annotated pair it matches, or -1
    annotated: int  # number of annotated pairs


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def match_index(claim_a: Span, claim_b: Span, annotated: Sequence[tuple[Span, Span]]) -> int:
    """Index of the first annotated pair (span, span) the two claims match, in either order; -1 if none."""
    for i, (x, y) in enumerate(annotated):
        if (overlaps(claim_a, x) and overlaps(claim_b, y)) or (overlaps(claim_a, y) and overlaps(claim_b, x)):
            return i
    return -1


def outcome(story: Story, report: Report, ranked: int = 10) -> StoryOutcome:
    """Compare a report made at threshold 0 (its contradictions are the ranked pairs, best first) with the
    story's annotation; the first ``ranked`` pairs are matched."""
    spans = [(p.a_span, p.b_span) for p in story.pairs]
    found = tuple(
        match_index((c.claim_a.start, c.claim_a.end), (c.claim_b.start, c.claim_b.end), spans)
        for c in report.contradictions[:ranked]
    )
    best = report.highest_score or 0.0
    return StoryOutcome(
        story_id=story.id,
        contradictory=story.label == "contradictory",
        score=float(best),
        ranked_matches=tuple(i >= 0 for i in found),
        annotated_found=found,
        annotated=len(story.pairs),
    )


def story_figures(outcomes: Sequence[StoryOutcome], threshold: float) -> dict[str, float]:
    """Document ROC-AUC; hit@1/@3 (contradictory stories with an annotated pair among the first 1/3);
    pair recall@3 (annotated pairs found among each story's first 3, over all annotated pairs); the share of
    clean stories silent at ``threshold``; the share of contradictory stories flagged with an annotated pair
    first; document precision and recall at ``threshold``."""
    from sklearn.metrics import roc_auc_score

    y = np.array([o.contradictory for o in outcomes])
    s = np.array([o.score for o in outcomes])
    flagged = s >= threshold
    out: dict[str, float] = {"stories": float(len(y)), "contradictory": float(y.sum()), "threshold": threshold}
    if y.any() and (~y).any():
        out["roc_auc"] = float(roc_auc_score(y, s))
    pos = [o for o in outcomes if o.contradictory]
    if pos:
        out["hit@1"] = float(np.mean([any(o.ranked_matches[:1]) for o in pos]))
        out["hit@3"] = float(np.mean([any(o.ranked_matches[:3]) for o in pos]))
        found3 = sum(len({i for i in o.annotated_found[:3] if i >= 0}) for o in pos)
        out["pair_recall@3"] = found3 / max(1, sum(o.annotated for o in pos))
        first = [f and any(o.ranked_matches[:1]) for o, f in zip(outcomes, flagged, strict=True) if o.contradictory]
        out["flagged_with_annotated_first"] = float(np.mean(first))
        out["recall_at_threshold"] = float(flagged[y].mean())
    if (~y).any():
        out["clean_silent"] = float((~flagged[~y]).mean())
    if flagged.any():
        out["precision_at_threshold"] = float(y[flagged].mean())
    return out

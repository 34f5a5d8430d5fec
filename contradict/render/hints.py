"""Sentences every renderer adds for people reading a report."""

from __future__ import annotations

import math

from contradict.types import Report


def below_threshold_note(report: Report, code: str = "{}") -> str | None:
    """When the threshold hid every pair: what the best one scored and the ``--threshold`` that reports it
    (formatted with ``code``, e.g. ``"`{}`"`` for Markdown). None when something was reported, nothing was
    scored, or ``--top 0`` (not the threshold) hid the pairs. The sentence holds only digits and ASCII words."""
    best = report.highest_score
    if report.contradictions or best is None or best >= report.threshold:
        return None
    return (
        f"The best pair scored {best:.2f}, below the threshold; "
        f"{code.format(f'--threshold {math.floor(best * 100) / 100:.2f}')} would report it."
    )


#: How each renderer names a pair's kind (:attr:`contradict.types.Contradiction.kind`).
KIND_LABELS = {
    "self": "self-contradiction",
    "between_sources": "between sources",
    "draft_vs_source": "draft vs source",
    "between_documents": "between documents",
}


def kind_label(kind: str) -> str:
    """The words a report shows for a pair's kind (the kind itself when it has no label)."""
    return KIND_LABELS.get(kind, kind)

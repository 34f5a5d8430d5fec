"""Checking a report against a file of expected pairs (``*.expected.json``, as in examples/)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from contradict.pipeline.aggregate import rank
from contradict.types import Report


def load_expected(path: Path) -> dict[str, list[list[str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"must": data.get("must", []), "should": data.get("should", [])}


def first_expected(pairs: Iterable[tuple[str, str]], expected: Sequence[Sequence[str]]) -> int | None:
    """1-based position in ``pairs`` (claim texts, best first) of the first pair matching one expected pair
    (either order); a side matches a claim when it is a substring of the claim's text. None if none does."""
    for position, (a, b) in enumerate(pairs, 1):
        for x, y in expected:
            if (x in a and y in b) or (x in b and y in a):
                return position
    return None


def rank_of_expected(report: Report, expected: list[list[str]]) -> int | None:
    """1-based rank, among all scored pairs, of the best pair matching one expected pair (see
    :func:`first_expected`). None when none was scored."""
    if report.scores is None or len(report.scores.pairs) == 0:
        return None
    text = {c.id: c.text for c in report.claims}
    ranked = report.scores.pairs[rank(report.scores, report.relatedness_full, report.score_weights)]
    return first_expected(((text[int(a)], text[int(b)]) for a, b in ranked), expected)

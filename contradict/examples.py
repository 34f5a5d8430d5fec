"""Checking a report against a file of expected pairs (``*.expected.json``, as in examples/)."""

from __future__ import annotations

import json
from pathlib import Path

from contradict.aggregate import rank
from contradict.types import Report


def load_expected(path: Path) -> dict[str, list[list[str]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {"must": data.get("must", []), "should": data.get("should", [])}


def rank_of_expected(report: Report, expected: list[list[str]]) -> int | None:
    """1-based rank, among all scored pairs, of the best pair matching one expected pair (either order);
    a side matches a claim when it is a substring of the claim's text. None when none was scored."""
    if report.scores is None or len(report.scores.pairs) == 0:
        return None
    text = {c.id: c.text for c in report.claims}
    for position, k in enumerate(rank(report.scores, report.relatedness_full).tolist(), 1):
        a, b = (text[int(x)] for x in report.scores.pairs[k])
        for x, y in expected:
            if (x in a and y in b) or (x in b and y in a):
                return position
    return None

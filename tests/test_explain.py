from __future__ import annotations

import pytest

from contradict.explain import quantities, quantity_mismatches


def test_quantities_are_found_with_their_noun() -> None:
    assert quantities("Jets hit eight ISIL targets and flew 20 sorties.") == ["eight ISIL", "20 sorties"]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (
            "Russian aircraft carried out precise strikes against eight ISIL targets",
            "there were no Islamic State combatants anywhere close",
            ["'eight ISIL' (A) vs 'no Islamic' (B)"],
        ),
        (
            "The bridge cost $3 million to build.",
            "The bridge cost $5 million to build.",
            ["'$3 million' (A) vs '$5 million' (B)"],
        ),
        ("The sky is blue today.", "The sky is red today.", []),
        ("About 20 sorties were flown.", "About 20 sorties were flown at night.", []),
    ],
)
def test_mismatches(a: str, b: str, expected: list[str]) -> None:
    assert quantity_mismatches(a, b) == expected

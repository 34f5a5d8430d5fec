from __future__ import annotations

import pytest

from contradict.pipeline.explain import quantities, quantity_mismatches


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
        (  # an idiom and a pronoun are not quantities
            "it makes no sense to back a regime that has killed people, and one which many hate",
            "the program eliminated 50 recruits",
            [],
        ),
    ],
)
def test_mismatches(a: str, b: str, expected: list[str]) -> None:
    assert quantity_mismatches(a, b) == expected


def test_idioms_and_pronoun_one_are_not_quantities() -> None:
    assert quantities("It makes no sense, and one which many want; no longer true.") == []
    assert quantities("No soldiers died and one soldier was hurt.") == ["No soldiers", "one soldier"]

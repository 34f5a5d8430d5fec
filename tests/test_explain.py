from __future__ import annotations

import pytest

from contradict.pipeline.explain import quantities, quantity_mismatches


def test_quantities_are_found_with_their_noun() -> None:
    assert quantities("Jets hit eight ISIL targets and flew 20 sorties.") == ["eight ISIL", "20 sorties"]


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (  # counts of different nouns are not compared
            "Russian aircraft carried out precise strikes against eight ISIL targets",
            "there were no Islamic State combatants anywhere close",
            [],
        ),
        (
            "No firefighters were hurt.",
            "Two firefighters were hurt.",
            ["'No firefighters' (A) vs 'Two firefighters' (B)"],
        ),
        ("He kept all 400 stores open.", "About 80 stores would close.", ["'400 stores' (A) vs '80 stores' (B)"]),
        ("The plant opened in March 2019.", "The plant opened in June 2019.", ["'March 2019' (A) vs 'June 2019' (B)"]),
        ("Turnout was 45 percent.", "Turnout was 60 percent.", ["'45 percent' (A) vs '60 percent' (B)"]),
        ("On the one hand he agreed.", "Thousands protested.", []),  # an idiom; thousands of what?
        ("Two firefighters were hurt.", "Two firefighters were praised, 3 were not.", []),  # 3 counts nothing
        ("It cost $3 million.", "Eight people came.", []),  # money is not compared with a count
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

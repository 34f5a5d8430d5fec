"""Explanations a fact-checker can act on: numbers, quantities and dates that differ between two claims."""

from __future__ import annotations

import re

_WORD_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion trillion dozen dozens hundreds thousands millions billions"
).split()
_MONTHS = "january february march april may june july august september october november december".split()
_QUANTITY = re.compile(
    r"(?P<q>(?:[$€£]\s?)?\d+(?:[.,]\d+)*(?:\s?%|\s?percent)?(?:\s(?:million|billion|trillion|thousand))?"
    r"|\b(?:" + "|".join(_WORD_NUMBERS) + r")\b(?:\s(?:million|billion|thousand|hundred))?"
    r"|\b(?:no|none|nobody|nothing|never)\b"
    r"|\b(?:" + "|".join(_MONTHS) + r")\b(?:\s\d{1,2})?(?:,?\s\d{4})?)"
    r"(?P<unit>\s+[a-z][a-z-]{2,}(?:\s[a-z][a-z-]{2,})?)?",
    re.IGNORECASE,
)
_STOP_UNITS = {"the", "and", "of", "to", "in", "on", "at", "for", "with", "that", "was", "were", "is", "are"}
# Words that, after "no" or "one", make an idiom or a pronoun rather than a quantity: "makes no sense",
# "no longer", "one which large numbers of Syrians hate", "one of them", "one another".
_NOT_QUANTITY_AFTER = {
    "no": {"sense", "longer", "doubt", "matter", "way", "less", "more", "wonder", "question"},
    "one": {"which", "who", "that", "whose", "whom", "of", "another", "day"},
}


def quantities(text: str) -> list[str]:
    """Quantity mentions with the word that follows them ("eight ISIL", "$3 million", "no Islamic")."""
    found = []
    for m in _QUANTITY.finditer(text):
        q = m.group("q").strip()
        unit = (m.group("unit") or "").strip().split()
        if unit and unit[0].lower() in _NOT_QUANTITY_AFTER.get(q.lower(), ()):
            continue
        unit = [w for w in unit[:1] if w.lower() not in _STOP_UNITS]
        found.append(" ".join([q, *unit]))
    return found


def _core(mention: str) -> str:
    return mention.split()[0].lower().lstrip("$€£")


def quantity_mismatches(a: str, b: str) -> list[str]:
    """Readable notes on quantities that appear in one claim and differ from the other's.

    Only when both claims mention quantities; ``"eight ISIL" vs "no Islamic"``.
    """
    qa, qb = quantities(a), quantities(b)
    if not qa or not qb:
        return []
    core_a, core_b = {_core(x) for x in qa}, {_core(x) for x in qb}
    only_a = [x for x in qa if _core(x) not in core_b]
    only_b = [x for x in qb if _core(x) not in core_a]
    if not only_a or not only_b:
        return []
    return [f"{', '.join(repr(x) for x in only_a)} (A) vs {', '.join(repr(x) for x in only_b)} (B)"]

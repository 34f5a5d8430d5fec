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
    r"|\b(?:" + "|".join(_MONTHS) + r")\b(?:\s\d{1,2}\b)?(?:,?\s\d{4}\b)?)"
    r"(?P<unit>\s+[a-z][a-z-]{2,}(?:\s[a-z][a-z-]{2,})?)?",
    re.IGNORECASE,
)
_STOP_UNITS = {"the", "and", "of", "to", "in", "on", "at", "for", "with", "that", "was", "were", "is", "are"}
# Words that, after "no" or "one", make an idiom or a pronoun rather than a quantity: "makes no sense",
# "no longer", "one which large numbers of Syrians hate", "one of them", "one another".
_NOT_QUANTITY_AFTER = {
    "no": {"sense", "longer", "doubt", "matter", "way", "less", "more", "wonder", "question"},
    "one": {"which", "who", "that", "whose", "whom", "of", "another", "day", "hand"},
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


_YEAR = re.compile(r"^(1[89]|20)\d\d$")


def _lemma(word: str) -> str:
    """A crude singular of a lower-cased noun: 'targets' -> 'target', 'casualties' -> 'casualty'."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _measure(mention: str) -> tuple[str, str, str]:
    """(kind, value, what it counts) of a quantity mention: kind is money, percent, date or count; a count
    without a noun after it counts nothing known ('')."""
    words = mention.split()
    head = words[0].lower()
    if head[0] in "$€£":
        return "money", " ".join(w.lower() for w in words), ""
    if "%" in mention or "percent" in mention.lower():
        return "percent", head.rstrip("%"), ""
    if head in _MONTHS or _YEAR.match(head):
        return "date", mention.lower(), ""
    value = "0" if head in ("no", "none", "nobody", "nothing", "never") else head
    noun = next((w.lower() for w in words[1:] if w.lower() not in _WORD_NUMBERS), "")
    return "count", value, _lemma(noun)


def quantity_mismatches(a: str, b: str) -> list[str]:
    """Readable notes on quantities of the same thing that differ between the two claims.

    Compared only within a kind: sums of money, percentages, dates, and counts of the same noun ("two
    firefighters" vs "no firefighters"; "one hand" vs "thousands" counts nothing in common, so no note).
    """
    notes = []
    mb = [(m, _measure(m)) for m in quantities(b)]
    for ma in quantities(a):
        kind, value, what = _measure(ma)
        if kind == "count" and not what:
            continue
        same = [(m, v) for m, (k, v, w) in mb if k == kind and w == what]
        if same and all(v != value for _, v in same):
            notes.append(f"{ma!r} (A) vs {', '.join(repr(m) for m, _ in same)} (B)")
    return notes

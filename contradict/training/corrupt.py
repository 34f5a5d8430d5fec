"""FactCC-style synthetic pairs: contradictions made by editing one fact of a sentence.

NLI training data rarely shows the contradictions a fact-checker meets most: a number changed, a negation
added or removed, an antonym swapped in. Each function here takes one sentence and returns an edited
copy that contradicts it, or ``None`` when the rule does not apply. ``prefix_entailment`` makes the
matching positives (a sentence entails its own leading clause), so the model does not learn that
"nearly the same words" means contradiction.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "twelve", "twenty", "fifty")
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", re.IGNORECASE)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DIGITS = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?!\d|[\w,.]\d)(?!\s+(?:" + _MONTHS + r")\b)")
_LAST_COMMA = re.compile(r",\s(?!.*,\s)")
_AUX = re.compile(
    r"\b(is|are|was|were|has|have|had|will|would|can|could|should|must|did|does|do)\b(?!\s+(?:not|n't|never)\b)",
    re.IGNORECASE,
)
_NEGATED = re.compile(r"\b(is|are|was|were|has|have|had|will|would|can|could|should|must|did|does|do)\s+not\s+", re.I)
_THERE_WERE = re.compile(r"\bthere (were|are|was|is) (?!no\b|not\b)", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-3]\d)\b")

ANTONYMS: dict[str, str] = {
    "increased": "decreased",
    "rose": "fell",
    "won": "lost",
    "before": "after",
    "more": "fewer",
    "higher": "lower",
    "accepted": "rejected",
    "confirmed": "denied",
    "supported": "opposed",
    "allowed": "banned",
    "approved": "rejected",
    "began": "ended",
    "opened": "closed",
    "arrived": "left",
    "alive": "dead",
    "guilty": "innocent",
    "true": "false",
    "success": "failure",
    "larger": "smaller",
    "always": "never",
}
_ANTONYM_PAIRS = {**ANTONYMS, **{v: k for k, v in ANTONYMS.items()}}
_ANTONYM = re.compile(r"\b(" + "|".join(sorted(_ANTONYM_PAIRS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
_NO_PREFIX_START = re.compile(r"^(if|although|though|when|while|unless|because|as|after|before|since)\b", re.I)


def _match_case(word: str, like: str) -> str:
    return word.capitalize() if like[:1].isupper() else word


def change_number(sentence: str, rng: random.Random) -> str | None:
    """Replace one number (digits, a number word or a year) with a clearly different one."""
    spots: list[tuple[int, int, str]] = []
    for m in _YEAR.finditer(sentence):
        spots.append((m.start(), m.end(), str(int(m.group()) + rng.choice((-3, -2, 2, 3)))))
    for m in _DIGITS.finditer(sentence):
        if _YEAR.fullmatch(m.group()):
            continue
        value = int(m.group(1).replace(",", ""))
        factor = rng.choice((0.5, 2, 3)) if value > 3 else 1
        new = int(value * factor) if factor != 1 else value + rng.choice((2, 3, 5))
        if new == value:
            new = value + 7
        text = f"{new:,}" if "," in m.group(1) else str(new)
        spots.append((m.start(1), m.end(1), text))
    for m in _NUMBER_WORD.finditer(sentence):
        other = rng.choice([w for w in NUMBER_WORDS if w != m.group().lower()])
        spots.append((m.start(), m.end(), _match_case(other, m.group())))
    if not spots:
        return None
    start, end, text = rng.choice(spots)
    return sentence[:start] + text + sentence[end:]


def flip_negation(sentence: str, rng: random.Random) -> str | None:
    """Remove a negation, or add one after an auxiliary verb, or turn "there were X" into "there were no X"."""
    negated = list(_NEGATED.finditer(sentence))
    if negated:
        m = rng.choice(negated)
        return sentence[: m.start()] + m.group(1) + " " + sentence[m.end() :]
    there = list(_THERE_WERE.finditer(sentence))
    if there:
        m = rng.choice(there)
        return sentence[: m.end()] + "no " + sentence[m.end() :]
    aux = list(_AUX.finditer(sentence))
    if not aux:
        return None
    m = aux[0]  # the first auxiliary is most often the main clause's
    return sentence[: m.end()] + " not" + sentence[m.end() :]


def swap_antonym(sentence: str, rng: random.Random) -> str | None:
    """Swap one word for its antonym from a small hand-made list."""
    hits = list(_ANTONYM.finditer(sentence))
    if not hits:
        return None
    m = rng.choice(hits)
    return sentence[: m.start()] + _match_case(_ANTONYM_PAIRS[m.group().lower()], m.group()) + sentence[m.end() :]


def prefix_entailment(sentence: str, rng: random.Random) -> str | None:
    """The sentence up to its last comma, when that is a statement of its own (at least six words)."""
    m = _LAST_COMMA.search(sentence)
    if m is None:
        return None
    head = sentence[: m.start()].strip()
    if len(head.split()) < 6 or _NO_PREFIX_START.match(head) or head.count('"') % 2:
        return None
    return head + "."


CONTRADICTION_RULES: dict[str, Callable[[str, random.Random], str | None]] = {
    "number": change_number,
    "negation": flip_negation,
    "antonym": swap_antonym,
}


@dataclass(frozen=True)
class Corruption:
    premise: str
    hypothesis: str
    label: str  # "contradiction" or "entailment"
    rule: str


def corrupt(sentences: Sequence[str], contradictions: int, entailments: int, rng: random.Random) -> list[Corruption]:
    """Up to ``contradictions`` edited pairs (rules used in turn) and ``entailments`` prefix pairs.

    Stops early, with fewer pairs, when the sentences run out of places a rule applies.
    """
    out: list[Corruption] = []
    order = list(range(len(sentences)))
    rng.shuffle(order)
    rules = list(CONTRADICTION_RULES.items())
    made = {name: 0 for name in CONTRADICTION_RULES}
    share, rest = divmod(contradictions, len(rules))
    quota = {name: share + (i < rest) for i, (name, _) in enumerate(rules)}
    for i in order:
        if all(made[n] >= quota[n] for n in made):
            break
        for name, rule in rules:
            if made[name] >= quota[name]:
                continue
            edited = rule(sentences[i], rng)
            if edited and edited != sentences[i]:
                premise, hypothesis = (sentences[i], edited) if rng.random() < 0.5 else (edited, sentences[i])
                out.append(Corruption(premise, hypothesis, "contradiction", name))
                made[name] += 1
                break
    kept = 0
    for i in reversed(order):
        if kept >= entailments:
            break
        head = prefix_entailment(sentences[i], rng)
        if head:
            out.append(Corruption(sentences[i], head, "entailment", "prefix"))
            kept += 1
    return out

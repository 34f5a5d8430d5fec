"""Claim cores: a claim without its trailing non-restrictive material, scored beside the full claim.

News sentences end in detail that does not change what they assert ("… outside Homs, an industrial hub
in western Syria and the country's third-largest city."; "… in what it described as 'surgical
strikes'"; "(in Syria)"). A small NLI model trained on short sentences reads such a pair as neutral: on
the example story, the shipped model gives "the raids had hit Islamic State command posts …" against
"there were no Islamic State combatants anywhere close to where Russian bombs hit villages and
countryside outside Homs, an industrial hub …" P(contradiction) 0.36–0.54, and 0.78–0.88 once both
tails are cut. With ``views=core`` the detector scores each pair a second time on the cores and keeps,
per direction, whichever view gives the higher P(contradiction) (see :func:`contradict.pipeline.aggregate.
combine_views`).

The cuts are deliberately few and conservative (a claim keeps its main clause and every restrictive
modifier): parenthetical asides; a trailing appositive after a capitalised name, unless the sentence opens
with a fronted subordinate clause (there the comma may end that clause, not the name); a trailing
``, which …`` / ``, who …`` / ``, saying …`` clause without a further comma; a trailing reporting
frame ``in what X described as …``. A core shorter than four words is not used.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from contradict.types import Claim

_END = r"(?P<end>[.!?]?[\"'”’]*\s*)$"

#: Each rule cuts from its ``cut`` group to the end of the claim, keeping the final punctuation (``end``).
_RULES: tuple[re.Pattern[str], ...] = (
    # appositive after a name, up to 14 words: "outside Homs, an industrial hub in western Syria."
    re.compile(r"\b[A-Z][\w’'.-]*(?P<cut>),\s+(?:a|an|the)\s+(?:[^\s,;:]+\s+){0,13}[^\s,;:]+?" + _END),
    # non-restrictive relative or participial clause to the end, without a further comma: ", which …",
    # ", saying …" (", including Pegeen, turns against him" is a parenthesis before the main verb)
    re.compile(r"(?P<cut>),\s+(?:which|who|whose|where|saying|adding|citing|including)\b[^,;:]*?" + _END),
    # reporting frame: "… in what it described as “surgical strikes.”"
    re.compile(r"(?P<cut>)\s+in what \w+(?: \w+)? (?:described as|called|termed)\b.*?" + _END),
)
_APPOSITIVE = _RULES[0]

#: A sentence that opens with a subordinate clause or a participle: "While …, the …" / "Responding to …, the …".
_FRONTED = re.compile(
    r"^\W*(?:but\s+|and\s+|yet\s+)?(?:while|although|though|if|when|whenever|as|because|since|after|before|"
    r"whether|unless|once|despite|with|without|for|from|in|on|at|by|during|like|unlike|until|amid|\w+ing)\b",
    re.IGNORECASE,
)
_PARENTHETICAL = re.compile(r"\s*\([^()]{1,80}\)")

#: Cores shorter than this many words are not used (too little left to assert anything).
MIN_CORE_WORDS = 4
#: A cut must leave at least this many characters before it (the core keeps the main clause).
_MIN_KEEP_CHARS = 20


def core_text(text: str) -> str | None:
    """The claim without its trailing non-restrictive material, or None when nothing is cut."""
    out = _PARENTHETICAL.sub("", text)
    rules = [r for r in _RULES if r is not _APPOSITIVE] if _FRONTED.match(out) else list(_RULES)
    changed = True
    while changed:
        changed = False
        for rule in rules:
            m = rule.search(out)
            if m is not None and m.start("cut") >= _MIN_KEEP_CHARS:
                cut = out[: m.start("cut")] + m.group("end")
                changed = changed or cut != out
                out = cut
    out = out.strip()
    if out == text.strip() or len(out.split()) < MIN_CORE_WORDS:
        return None
    return out


class Simplifier:
    """Claims → the same claims with ``core`` set where :func:`core_text` cuts something."""

    def run(self, claims: Sequence[Claim]) -> tuple[Claim, ...]:
        return tuple(dataclasses.replace(c, core=core_text(c.text)) for c in claims)

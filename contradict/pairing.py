"""Candidate pairs: which claim pairs are sent to the NLI model."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from enum import Enum

from contradict.types import Claim, Pair


class PairingStrategy(str, Enum):
    """How candidate pairs are chosen. ``all``: every unordered pair of claims."""

    all = "all"


class Pairer:
    """Claims → unordered candidate pairs ``(a, b)`` with ``a < b``, in claim order."""

    def __init__(self, strategy: PairingStrategy = PairingStrategy.all) -> None:
        self.strategy = PairingStrategy(strategy)

    def run(self, claims: Sequence[Claim]) -> list[Pair]:
        ids = sorted(c.id for c in claims)
        return [Pair(a, b) for a, b in itertools.combinations(ids, 2)]

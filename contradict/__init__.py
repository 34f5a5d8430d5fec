"""contradict: find claims in a text that contradict each other."""

from __future__ import annotations

from contradict.api import detect
from contradict.errors import ConfigError, ContradictError, DataError, InputError, ModelError
from contradict.types import Claim, Contradiction, Document, Pair, PairScores, Report, Skipped

__all__ = [
    "Claim",
    "ConfigError",
    "ContradictError",
    "Contradiction",
    "DataError",
    "Document",
    "InputError",
    "ModelError",
    "Pair",
    "PairScores",
    "Report",
    "Skipped",
    "detect",
]
__version__ = "0.1.0"

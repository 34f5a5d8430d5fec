"""Frozen dataclasses passed between the stages: Document → Claim → Pair → PairScores → Report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import numpy as np

#: Canonical column order of every probability array in contradict, whatever the model's own order.
NLI_LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
ENTAILMENT, NEUTRAL, CONTRADICTION = 0, 1, 2


class OutputFormat(str, Enum):
    """``--format`` of every command (``eval`` takes text and json)."""

    text = "text"
    json = "json"
    jsonl = "jsonl"
    markdown = "markdown"
    html = "html"


class Scoring(str, Enum):
    """Which NLI models score the candidate pairs. ``cascade``: the fast model every pair, then the accurate
    model the fast model's best pairs (its top K and every pair above a floor); ``fast`` or ``accurate``:
    that model alone on every pair; ``auto``: cascade when an accurate model is installed, else fast."""

    auto = "auto"
    cascade = "cascade"
    fast = "fast"
    accurate = "accurate"


class ClaimViews(str, Enum):
    """What the NLI model reads of each claim. ``full``: the claim as segmented. ``core``: the claim and
    also its core (trailing non-restrictive detail cut, :mod:`contradict.pipeline.simplify`); per direction the
    view with the higher P(contradiction) counts."""

    full = "full"
    core = "core"


class Role(str, Enum):
    """A claim's document under ``against``: a ``draft`` being checked or a ``source`` it is checked against."""

    draft = "draft"
    source = "source"


@dataclass(frozen=True)
class ScoreWeights:
    """A fitted score: sigmoid(intercept + sum of coefficient × pair feature) in place of P(contradiction) ×
    relatedness weight. Stored in a model's settings (``score_weights``); feature names are those of
    :data:`contradict.pipeline.features.FEATURES`."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float = 0.0

    def __post_init__(self) -> None:
        if len(self.features) != len(self.coefficients):
            raise ValueError(f"{len(self.features)} features but {len(self.coefficients)} coefficients")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ScoreWeights:
        return cls(tuple(raw["features"]), tuple(float(c) for c in raw["coefficients"]), float(raw["intercept"]))

    def to_dict(self) -> dict[str, Any]:
        return {"features": list(self.features), "coefficients": list(self.coefficients), "intercept": self.intercept}


@dataclass(frozen=True)
class Document:
    """A text to check; ``id`` is how reports name it (the path as given, ``-`` for stdin).

    ``view`` is the text with markup blanked out (Markdown, HTML), character for character as long as
    ``text``, so that spans found in the view point into the original; None for plain text.
    """

    id: str
    text: str
    view: str | None = None

    def __post_init__(self) -> None:
        if self.view is not None and len(self.view) != len(self.text):
            raise ValueError("a document's view must be as long as its text")


@dataclass(frozen=True)
class Claim:
    """One assertion; ``text`` is what the model sees, ``document_text[start:end] == text``."""

    id: int
    text: str
    start: int
    end: int
    document: str
    speaker: str | None = None  # who makes the claim (reported speech); None: the narrator
    sentence: int | None = None  # index of the sentence it came from in its document (clauses share it)
    core: str | None = None  # the claim without trailing non-restrictive detail (views=core), None: not cut
    role: Role | None = None  # draft or source when drafts are checked against sources; None otherwise

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "document": self.document,
            "speaker": self.speaker,
            "core": self.core,
            "role": None if self.role is None else self.role.value,
        }


@dataclass(frozen=True)
class Skipped:
    """A span the segmenter did not send to the model, and why."""

    text: str
    start: int
    end: int
    document: str
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "document": self.document,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Pair:
    """An unordered candidate pair of claim ids (``a < b``)."""

    a: int
    b: int


@dataclass(frozen=True, eq=False)
class PairScores:
    """The central artefact: NLI probabilities of every scored pair in both directions.

    Row ``k`` is the pair ``(pairs[k, 0], pairs[k, 1])``; ``forward[k]`` are the probabilities with
    claim a as premise and claim b as hypothesis, ``backward[k]`` the other way round, columns in
    :data:`NLI_LABELS` order. Only scored pairs are kept, so memory grows with the pairs, not with n².
    """

    claims: tuple[Claim, ...]
    pairs: np.ndarray  # (m, 2) int64 claim ids
    forward: np.ndarray  # (m, 3) float32
    backward: np.ndarray  # (m, 3) float32
    relatedness: np.ndarray  # (m,) float32 in [0, 1]
    #: (m, 2) bool, views=core only: True where the claims' cores, not their full texts, gave that row of
    #: ``forward`` (column 0) or ``backward`` (column 1). None: full texts throughout.
    from_core: np.ndarray | None = None
    #: the models that scored the rows (a cascade: the fast one, then the accurate one) ...
    models: tuple[str, ...] = ()
    #: ... and per row an index into ``models``; None: ``models[0]`` (or the report's model) scored every row
    scored_by: np.ndarray | None = None

    def __post_init__(self) -> None:
        m = len(self.pairs)
        for name in ("forward", "backward"):
            arr = getattr(self, name)
            if arr.shape != (m, 3):
                raise ValueError(f"{name} must have shape ({m}, 3), got {arr.shape}")
        if self.relatedness.shape != (m,):
            raise ValueError(f"relatedness must have shape ({m},), got {self.relatedness.shape}")
        if self.from_core is not None and self.from_core.shape != (m, 2):
            raise ValueError(f"from_core must have shape ({m}, 2), got {self.from_core.shape}")
        if self.scored_by is not None:
            if self.scored_by.shape != (m,):
                raise ValueError(f"scored_by must have shape ({m},), got {self.scored_by.shape}")
            if m and not 0 <= int(self.scored_by.max()) < len(self.models):
                raise ValueError(f"scored_by indexes models {self.models}, got up to {int(self.scored_by.max())}")

    def model_of(self, row: int) -> str | None:
        """The name of the model whose probabilities row ``row`` holds (None when not recorded)."""
        if self.scored_by is not None:
            return self.models[int(self.scored_by[row])]
        return self.models[0] if self.models else None

    @classmethod
    def empty(cls, claims: tuple[Claim, ...] = ()) -> PairScores:
        z = np.zeros((0, 3), dtype=np.float32)
        return cls(claims, np.zeros((0, 2), dtype=np.int64), z, z.copy(), np.zeros(0, dtype=np.float32))

    def matrix(self, label: str = "contradiction") -> np.ndarray:
        """Dense (n, n) matrix of P(label | premise=row claim, hypothesis=column claim); NaN where unscored."""
        col = NLI_LABELS.index(label)
        index = {c.id: i for i, c in enumerate(self.claims)}
        out = np.full((len(self.claims), len(self.claims)), np.nan, dtype=np.float32)
        for k, (a, b) in enumerate(self.pairs.tolist()):
            out[index[a], index[b]] = self.forward[k, col]
            out[index[b], index[a]] = self.backward[k, col]
        return out


@dataclass(frozen=True)
class Contradiction:
    """A reported pair. ``score`` is what the threshold is compared with."""

    claim_a: Claim
    claim_b: Claim
    score: float
    p_contradiction: float
    relatedness: float
    direction: str  # "a->b" or "b->a": which premise/hypothesis order gave p_contradiction
    probabilities: dict[str, float] = field(default_factory=dict)  # of that direction
    view: str = "full"  # "core" when the claims' cores (views=core) gave p_contradiction
    # numbers, quantities or dates that differ between the two claims (an explanation, not a score)
    mismatches: tuple[str, ...] = ()
    scored_by: str | None = None  # the model whose probabilities these are (a cascade uses two)

    @property
    def kind(self) -> str:
        """Whose claims disagree. Claims of two documents are never one voice: ``draft_vs_source`` when one is
        a draft's and the other a source's (``against``), else ``between_documents``. Within a document,
        ``between_sources`` when the two claims have different speakers (the narrator counts as one), else
        ``self``: the same voice contradicting itself."""
        a, b = self.claim_a, self.claim_b
        if a.document != b.document:
            return "draft_vs_source" if {a.role, b.role} == {Role.draft, Role.source} else "between_documents"
        return "self" if a.speaker == b.speaker else "between_sources"

    @property
    def core_texts(self) -> tuple[str, str] | None:
        """What the model read of the two claims when their cores gave ``p_contradiction`` (a claim without
        a core is read whole); None for the full view."""
        if self.view != "core":
            return None
        return (self.claim_a.core or self.claim_a.text, self.claim_b.core or self.claim_b.text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "mismatches": list(self.mismatches),
            "score": round(self.score, 6),
            "p_contradiction": round(self.p_contradiction, 6),
            "relatedness": round(self.relatedness, 6),
            "direction": self.direction,
            "view": self.view,
            "scored_by": self.scored_by,
            "probabilities": {k: round(v, 6) for k, v in self.probabilities.items()},
            "claim_a": self.claim_a.to_dict(),
            "claim_b": self.claim_b.to_dict(),
        }


@dataclass(frozen=True)
class Report:
    """What :func:`contradict.detect` returns."""

    model: str
    threshold: float
    claims: tuple[Claim, ...]
    contradictions: tuple[Contradiction, ...]
    skipped: tuple[Skipped, ...] = ()
    scores: PairScores | None = field(default=None, compare=False, repr=False)
    documents: tuple[str, ...] = ()
    relatedness_full: float = 0.5  # the relatedness weighting the scores were ranked with
    score_weights: ScoreWeights | None = None  # the fitted score the pairs were ranked with, if any
    precision: str = "fp32"  # the inference precision the model ran at (``auto`` resolved)
    backend: str = "torch"  # what ran the model: torch or onnx (``auto`` resolved)
    highest_score: float | None = None  # the best pair's score, reported or not; None when no pair was scored
    scoring: str = "fast"  # Scoring used: fast, accurate or cascade (``auto`` resolved)
    fast_model: str | None = None  # the fast model of a cascade (``model`` is the accurate one)
    judged: int = 0  # pairs the accurate model re-scored in a cascade

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "scoring": self.scoring,
            "fast_model": self.fast_model,
            "pairs_judged": self.judged,
            "precision": self.precision,
            "backend": self.backend,
            "threshold": self.threshold,
            "highest_score": self.highest_score,
            "documents": list(self.documents),
            "pairs_scored": 0 if self.scores is None else len(self.scores.pairs),
            "claims": [c.to_dict() for c in self.claims],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "skipped": [s.to_dict() for s in self.skipped],
        }

"""What a server runs with (:class:`ServeSettings`), what one check may ask for (:class:`CheckOptions`), and
how the two become the keyword arguments of :func:`contradict.detect` (:func:`detect_kwargs`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contradict.errors import ConfigError
from contradict.pipeline.nli import Backend, Precision
from contradict.pipeline.pairing import Pairer, PairingStrategy
from contradict.types import ClaimViews, Scoring

#: A request body may hold this many bytes per allowed character (UTF-8 needs up to 4), plus this much for
#: multipart framing and the packaging of a .docx file.
BYTES_PER_CHAR = 4
BODY_OVERHEAD = 1 << 20


class CheckOptions(BaseModel):
    """The options of one check, named as ``contradict check`` names them; unknown names are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="Report pairs whose score reaches this (null: the model's threshold)."
    )
    top: int | None = Field(None, ge=0, description="Report at most this many pairs (null: all).")
    pairs: PairingStrategy = Field(
        PairingStrategy.auto,
        description="Candidate pairs: all, neighbours (embedding top-k), auto (all if short, else neighbours), "
        "context (the pairs of auto; each premise is the claim with its neighbouring sentences).",
    )
    neighbours: int | None = Field(
        None, ge=1, description="With neighbours/auto on long input: keep each claim's K most similar claims."
    )
    views: ClaimViews = Field(
        ClaimViews.full, description="What the model reads of each claim: full (as segmented) or core (also cut)."
    )
    also_internal: bool = Field(False, description="With sources, also check the draft against itself.")
    cascade_top: int | None = Field(
        None, ge=0, description="Cascade: the accurate model re-scores the fast model's K best pairs."
    )
    cascade_floor: float | None = Field(
        None, ge=0.0, le=1.0, description="Cascade: ... and every pair whose fast score reaches this."
    )


@dataclass(frozen=True)
class ServeSettings:
    """A server's settings: the model (loaded once), the limits, and the default options of a check (a request
    overrides those it names)."""

    host: str = "127.0.0.1"
    port: int = 8000
    model: str | None = None
    judge: str | None = None  # the accurate model of a cascade (None: the shipped one, when installed)
    scoring: Scoring = Scoring.auto
    precision: Precision = Precision.auto
    backend: Backend = Backend.auto
    threads: int | None = None
    #: checks run at once; each uses the model on all its threads
    concurrency: int = 1
    #: checks admitted to wait for a worker; beyond that a request gets 503 with Retry-After
    queue: int = 8
    #: characters of all texts of one request together (drafts and sources); more gets 413
    max_chars: int = 200_000
    #: seconds from admission to the answer; longer gets 504 and the check stops at its next batch
    timeout: float = 120.0
    defaults: CheckOptions = field(default_factory=CheckOptions)

    def __post_init__(self) -> None:
        for name, least in (("concurrency", 1), ("queue", 0), ("max_chars", 1)):
            if getattr(self, name) < least:
                raise ConfigError(f"{name} must be >= {least}, got {getattr(self, name)}")
        if not self.timeout > 0:
            raise ConfigError(f"timeout must be > 0 seconds, got {self.timeout}")
        if not 0 <= self.port <= 65535:
            raise ConfigError(f"port must be between 0 and 65535, got {self.port}")

    @property
    def max_body_bytes(self) -> int:
        """The largest request body read; a longer one gets 413 before it is parsed."""
        return self.max_chars * BYTES_PER_CHAR + BODY_OVERHEAD

    @property
    def resolved_backend(self) -> Backend:
        """``auto`` is torch here: its reason for ONNX Runtime, a short-lived process that need not import torch
        (eval/results/speed.txt, cold runs), does not apply to a server that loads the model once."""
        return Backend.torch if Backend(self.backend) is Backend.auto else Backend(self.backend)

    def limits(self) -> dict[str, Any]:
        return {
            "concurrency": self.concurrency,
            "queue": self.queue,
            "max_chars": self.max_chars,
            "max_body_bytes": self.max_body_bytes,
            "timeout": self.timeout,
        }


def detect_kwargs(options: CheckOptions, settings: ServeSettings) -> dict[str, Any]:
    """The keyword arguments of :func:`contradict.detect` for one check (all but the texts, ``against`` and
    ``progress``): the server's model settings and the check's options. A new option of ``detect`` is a field of
    :class:`CheckOptions` and a line here."""
    return {
        "model": settings.model,
        "judge": settings.judge,
        "scoring": settings.scoring,
        "precision": settings.precision,
        "backend": settings.resolved_backend,
        "threads": settings.threads,
        "threshold": options.threshold,
        "top": options.top,
        "pairer": Pairer(options.pairs, k=options.neighbours),
        "views": options.views,
        "also_internal": options.also_internal,
        "cascade_top": options.cascade_top,
        "cascade_floor": options.cascade_floor,
    }

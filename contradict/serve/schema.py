"""The shapes of the API's answers, for the OpenAPI description (``/openapi.json``). The answers themselves
are written by the library's renderers (a report is exactly ``contradict check --format json``); tests check
that these shapes match them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from contradict.serve.jobs import JobState


class ClaimOut(BaseModel):
    id: int
    text: str
    start: int = Field(description="Offset of the claim in its document's text (characters).")
    end: int
    document: str
    speaker: str | None = Field(description="Who makes the claim (reported speech); null: the narrator.")
    core: str | None = Field(description="The claim without trailing detail (views=core); null: not cut.")
    role: str | None = Field(description="draft or source when a draft is checked against sources; else null.")


class SkippedOut(BaseModel):
    text: str
    start: int
    end: int
    document: str
    reason: str


class ContradictionOut(BaseModel):
    kind: str
    mismatches: list[str] = Field(description="Numbers, quantities or dates that differ between the claims.")
    score: float = Field(description="What the threshold is compared with.")
    p_contradiction: float
    relatedness: float
    direction: str
    view: str
    scored_by: str | None = Field(description="The model whose probabilities these are (a cascade uses two).")
    probabilities: dict[str, float]
    claim_a: ClaimOut
    claim_b: ClaimOut


class ReportOut(BaseModel):
    """A report, exactly as ``contradict check --format json`` prints it."""

    model: str
    scoring: str = Field(description="fast, accurate or cascade.")
    fast_model: str | None = Field(description="The fast model of a cascade (model is the accurate one).")
    pairs_judged: int = Field(description="Pairs the accurate model re-scored in a cascade.")
    precision: str
    backend: str
    threshold: float
    highest_score: float | None
    documents: list[str]
    pairs_scored: int
    claims: list[ClaimOut]
    contradictions: list[ContradictionOut]
    skipped: list[SkippedOut]


class ErrorOut(BaseModel):
    status: int = Field(description="The HTTP status, repeated.")
    message: str
    details: list[dict[str, Any]] | None = Field(None, description="Per field, for 422 answers on bad fields.")


class JobOut(BaseModel):
    """A check started with ``POST /api/jobs``, as ``GET /api/jobs/{id}`` reports it."""

    id: str
    status: JobState
    stage: str = Field(description="What it does now, for people: waiting, reading, scoring pairs, done, failed.")
    pairs_done: int = Field(description="Model calls (directed pairs) scored so far.")
    pairs_total: int | None = Field(description="Model calls to make; null until pairing is done.")
    seconds: float = Field(description="Since the check was admitted, or what it took.")
    error: ErrorOut | None = Field(description="Why it failed, with the status POST /api/check would answer.")
    report: ReportOut | None = Field(description="When done: the report.")
    html_url: str | None = Field(
        description="When done: the URL of the report as `contradict check --format html` draws it."
    )


class HealthOut(BaseModel):
    status: str = Field(description="loading, ready or failed; the answer is 200 only when ready.")
    message: str | None
    model: dict[str, Any] | None = Field(description="name, backend, precision, and the model's own threshold.")
    running: int
    waiting: int

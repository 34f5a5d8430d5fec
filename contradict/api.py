"""The library entry point: :func:`detect` wires segmenter → pairer → relatedness → NLI → aggregation."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from contradict.errors import ConfigError, ContradictError
from contradict.pipeline.aggregate import DEFAULT_RELATEDNESS_FULL, aggregate, combine_views, highest_score, verdicts
from contradict.pipeline.cascade import (
    DEFAULT_CASCADE_FLOOR,
    DEFAULT_CASCADE_TOP,
    CascadeSettings,
    merge_judged,
    select_for_judge,
)
from contradict.pipeline.nli import Backend, NLIScorer, Precision, ProgressCallback, default_judge_dirs, resolve_model
from contradict.pipeline.onnx_backend import graph_path, onnxruntime_available
from contradict.pipeline.pairing import Pairer
from contradict.pipeline.relatedness import Embedder, relatedness
from contradict.pipeline.segment import Segmenter
from contradict.pipeline.simplify import Simplifier
from contradict.types import Claim, ClaimViews, Document, Pair, PairScores, Report, ScoreWeights, Scoring

logger = logging.getLogger(__name__)

#: Used when neither the caller nor the model's stored settings give a threshold.
FALLBACK_THRESHOLD = 0.5

TextInput = str | Document | Sequence[str | Document]


#: Backend.auto picks ONNX Runtime up to this many characters of input in a process that has not
#: imported torch yet: there the ~3 s of importing torch and transformers outweigh bf16's faster scoring
#: (example story, 5.9 kB: cold `contradict check` 5.5 s with torch, see eval/results/speed.txt).
ONNX_AUTO_MAX_CHARS = 20_000


def choose_backend(backend: Backend, model: str | None, chars: int, precision: Precision = Precision.auto) -> Backend:
    """Resolve ``auto``: ONNX Runtime for a short input (≤ ``ONNX_AUTO_MAX_CHARS``) at precision auto or fp32
    when torch is not loaded yet, onnxruntime is installed and the model directory holds an ONNX graph;
    torch otherwise."""
    if backend is not Backend.auto:
        return backend
    if Precision(precision) not in (Precision.auto, Precision.fp32):
        return Backend.torch
    if chars > ONNX_AUTO_MAX_CHARS or "torch" in sys.modules or not onnxruntime_available():
        return Backend.torch
    try:
        directory = Path(resolve_model(model))
    except ContradictError:
        return Backend.torch
    return Backend.onnx if graph_path(directory).is_file() else Backend.torch


@functools.lru_cache(maxsize=4)
def get_scorer(
    model: str | None = None,
    precision: Precision = Precision.auto,
    threads: int | None = None,
    backend: Backend = Backend.torch,
) -> NLIScorer:
    """One scorer per model, precision, backend and process: the weights load once. ``threads``: CPU
    threads (default: one per core)."""
    return NLIScorer(model, precision=precision, threads=threads, backend=backend)


@functools.lru_cache(maxsize=4)
def get_embedder(backend: Backend = Backend.torch, precision: Precision = Precision.auto) -> Embedder:
    """One embedder per backend and precision (the NLI model's; int8 embeds in fp32) and process."""
    return Embedder(backend=backend, precision=precision)


def display_model_name(model: str) -> str:
    """A local model directory relative to the working directory when it lies below it, else as is."""
    path = Path(model)
    if path.is_absolute():
        try:
            return str(path.relative_to(Path.cwd()))
        except ValueError:
            return model
    return model


def _documents(texts: TextInput) -> list[Document]:
    items = [texts] if isinstance(texts, str | Document) else list(texts)
    docs: list[Document] = []
    for i, item in enumerate(items):
        docs.append(
            item if isinstance(item, Document) else Document(id=f"text{i}" if len(items) > 1 else "text", text=item)
        )
    ids = [d.id for d in docs]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"document ids must be unique, got {ids}")
    return docs


def _core_directed(
    pairs: Sequence[Pair], rows: Sequence[int], cores: dict[int, str], texts: dict[int, str]
) -> list[tuple[str, str]]:
    """The extra (premise, hypothesis) inputs of views=core: for each row, core (or full text) of a
    against that of b, then all the other direction."""
    a = [cores.get(pairs[k].a) or texts[pairs[k].a] for k in rows]
    b = [cores.get(pairs[k].b) or texts[pairs[k].b] for k in rows]
    return list(zip(a, b, strict=True)) + list(zip(b, a, strict=True))


def resolve_judge(judge: str | os.PathLike[str] | None) -> str | None:
    """The accurate model as given (a directory or a hub id), else the shipped one when installed, else None."""
    if judge is not None:
        return resolve_model(judge)
    for place in default_judge_dirs():
        if (place / "config.json").is_file():
            return str(place)
    return None


def resolve_scoring(scoring: Scoring, judge: str | None, judge_scorer: NLIScorer | None) -> Scoring:
    """``auto`` → cascade when there is an accurate model, else fast; the others fail without the model they
    need."""
    scoring = Scoring(scoring)
    has_judge = judge is not None or judge_scorer is not None
    if scoring is Scoring.auto:
        return Scoring.cascade if has_judge else Scoring.fast
    if scoring in (Scoring.cascade, Scoring.accurate) and not has_judge:
        looked = ", ".join(str(p) for p in default_judge_dirs())
        raise ConfigError(
            f"scoring {scoring.value} needs an accurate model: none installed (looked in {looked}); "
            "pass --judge DIR or use --scoring fast"
        )
    return scoring


def _score_pairs(
    scorer: NLIScorer,
    claims: Sequence[Claim],
    pairs: Sequence[Pair],
    pairer: Pairer,
    progress: ProgressCallback | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Both directions of every pair (and of the claims' cores, views=core): forward, backward, from_core."""
    by_id = {c.id: c.text for c in claims}
    from_a, from_b = pairer.premises(claims, pairs)
    directed = [(prem, by_id[p.b]) for prem, p in zip(from_a, pairs, strict=True)]
    directed += [(prem, by_id[p.a]) for prem, p in zip(from_b, pairs, strict=True)]
    cores = {c.id: c.core for c in claims if c.core}
    core_rows = [k for k, p in enumerate(pairs) if p.a in cores or p.b in cores]
    directed += _core_directed(pairs, core_rows, cores, by_id)
    probs = scorer.predict(directed, progress=progress)
    m = len(pairs)
    forward, backward, from_core = probs[:m], probs[m : 2 * m], None
    if core_rows:
        rows = np.array(core_rows, dtype=np.int64)
        n = len(core_rows)
        forward, core_fwd = combine_views(forward, probs[2 * m : 2 * m + n], rows)
        backward, core_bwd = combine_views(backward, probs[2 * m + n :], rows)
        from_core = np.stack([core_fwd, core_bwd], axis=1)
    return forward, backward, from_core


def detect(
    texts: TextInput,
    *,
    against: TextInput | None = None,
    also_internal: bool = False,
    model: str | os.PathLike[str] | None = None,
    judge: str | os.PathLike[str] | None = None,
    scoring: Scoring = Scoring.auto,
    cascade_top: int | None = None,
    cascade_floor: float | None = None,
    precision: Precision = Precision.auto,
    backend: Backend = Backend.torch,
    threads: int | None = None,
    threshold: float | None = None,
    top: int | None = None,
    relatedness_full: float | None = None,
    score_weights: ScoreWeights | None = None,
    views: ClaimViews = ClaimViews.full,
    segmenter: Segmenter | None = None,
    pairer: Pairer | None = None,
    scorer: NLIScorer | None = None,
    judge_scorer: NLIScorer | None = None,
    embedder: Embedder | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Find pairs of claims that contradict each other, in one text or across several.

    ``texts`` is a string, a :class:`Document`, or a list of them (pairs across documents are
    included). With ``against`` (source documents), only pairs of a draft claim and a source claim are
    scored, plus draft–draft pairs when ``also_internal``.

    Two models can score: ``model``, the fast one (default: the shipped MiniLM), and ``judge``, the
    accurate one (default: the shipped mpnet model when installed). ``scoring`` (:class:`Scoring`):
    ``cascade`` scores every candidate pair with the fast model, then re-scores with the accurate model
    the fast model's ``cascade_top`` best pairs and every pair whose fast score reaches ``cascade_floor``
    (capped at the threshold, so nothing is reported on the fast model's word alone); defaults from the
    accurate model's stored settings. ``fast`` / ``accurate``: that model alone on every pair. ``auto``
    (default): cascade when an accurate model is there, else fast. Threshold and relatedness weighting
    default to the stored settings of the model whose scores are reported (the accurate one in a cascade);
    so does ``score_weights`` (a fitted score over the pair features, :class:`ScoreWeights`), which replaces
    P(contradiction) × relatedness weight when given.

    ``backend``: torch (default), onnx (ONNX Runtime, fp32, no torch import), or auto (onnx for short
    texts in a fresh process, see :func:`choose_backend`). ``precision``: auto (bf16 where the CPU has
    native bf16 instructions, else fp32), fp32, bf16, or int8 (dynamic quantisation). ``top`` caps the
    number of reported pairs. ``views``: full (default) scores the claims as segmented; core also scores
    each pair on the claims' cores (trailing non-restrictive detail cut, :mod:`contradict.pipeline.simplify`)
    and keeps, per direction, the view with the higher P(contradiction). Empty input gives an empty report.
    """
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise ConfigError(f"threshold must be between 0 and 1, got {threshold}")
    if top is not None and top < 0:
        raise ConfigError(f"top must be >= 0, got {top}")
    if cascade_top is not None and cascade_top < 0:
        raise ConfigError(f"cascade_top must be >= 0, got {cascade_top}")
    if cascade_floor is not None and not 0.0 <= cascade_floor <= 1.0:
        raise ConfigError(f"cascade_floor must be between 0 and 1, got {cascade_floor}")
    docs = _documents(texts)
    sources = _documents(against) if against is not None else []
    chars = sum(len(d.text) for d in docs + sources)
    judge_name = None if judge_scorer is not None else resolve_judge(judge) if scorer is None or judge else None
    mode = resolve_scoring(scoring, judge_name, judge_scorer)

    def make_scorer(name: str | None) -> NLIScorer:
        chosen = choose_backend(Backend(backend), name, chars, Precision(precision))
        return get_scorer(name, Precision(precision), threads, chosen)

    fast = None
    if mode is not Scoring.accurate:
        fast = scorer or make_scorer(None if model is None else resolve_model(model))
    accurate = None
    if mode is not Scoring.fast:
        accurate = judge_scorer or make_scorer(judge_name)
    reporting = accurate if accurate is not None else fast
    assert reporting is not None
    settings = reporting.settings
    threshold = float(settings.get("threshold", FALLBACK_THRESHOLD)) if threshold is None else threshold
    if relatedness_full is None:
        relatedness_full = float(settings.get("relatedness_full", DEFAULT_RELATEDNESS_FULL))
    if score_weights is None and "score_weights" in settings:
        score_weights = ScoreWeights.from_dict(settings["score_weights"])
    cascade = CascadeSettings(
        top_k=int(settings.get("cascade_top", DEFAULT_CASCADE_TOP)) if cascade_top is None else cascade_top,
        floor=float(settings.get("cascade_floor", DEFAULT_CASCADE_FLOOR)) if cascade_floor is None else cascade_floor,
    )
    if sources:
        docs = docs + sources
        ids = [d.id for d in docs]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"document ids must be unique across drafts and sources, got {ids}")
    source_ids = frozenset(d.id for d in sources)
    segmentation = (segmenter or Segmenter()).run(docs, sources=source_ids)
    claims = segmentation.claims
    if ClaimViews(views) is ClaimViews.core:
        claims = Simplifier().run(claims)
    pairer = pairer or Pairer()
    emb = None
    if len(claims) >= 2:
        embed_with = embedder or get_embedder((fast or reporting).backend, Precision(precision))
        emb = embed_with.embed([c.text for c in claims])
    pairs = pairer.run(claims, emb, sources=source_ids, also_internal=also_internal)
    logger.info("%d claims, %d skipped, %d candidate pairs", len(claims), len(segmentation.skipped), len(pairs))
    judged = 0
    if pairs:
        assert emb is not None
        related = relatedness(claims, pairs, emb)
        first = fast if fast is not None else reporting
        forward, backward, from_core = _score_pairs(first, claims, pairs, pairer, progress)
        scores = PairScores(
            claims=claims,
            pairs=np.array([(p.a, p.b) for p in pairs], dtype=np.int64),
            forward=forward,
            backward=backward,
            relatedness=related,
            from_core=from_core,
            models=(display_model_name(first.model_name),),
        )
        if mode is Scoring.cascade:
            assert fast is not None and accurate is not None
            rows = select_for_judge(verdicts(scores, relatedness_full, score_weights).score, cascade, threshold)
            judged = len(rows)
            logger.info("cascade: the accurate model re-scores %d of %d pairs", judged, len(pairs))
            chosen = [pairs[k] for k in rows.tolist()]
            j_fwd, j_bwd, j_core = _score_pairs(accurate, claims, chosen, pairer, progress)
            names = (display_model_name(fast.model_name), display_model_name(accurate.model_name))
            scores = merge_judged(scores, rows, j_fwd, j_bwd, names, j_core)
    else:
        scores = PairScores.empty(claims)
    found = aggregate(scores, threshold=threshold, top=top, relatedness_full=relatedness_full, weights=score_weights)
    return Report(
        model=display_model_name(reporting.model_name),
        threshold=threshold,
        claims=claims,
        contradictions=found,
        skipped=segmentation.skipped,
        scores=scores,
        documents=tuple(d.id for d in docs),
        relatedness_full=relatedness_full,
        score_weights=score_weights,
        precision=reporting.precision.value,
        backend=reporting.backend.value,
        highest_score=highest_score(scores, relatedness_full, score_weights),
        scoring=mode.value,
        fast_model=display_model_name(fast.model_name) if mode is Scoring.cascade and fast is not None else None,
        judged=judged,
    )

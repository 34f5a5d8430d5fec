"""Teacher labelling (cached, resumable) and the distillation loss."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from contradict.errors import DataError, ModelError
from contradict.training.config import LABELS, UNLABELLED, Example, TrainConfig

logger = logging.getLogger(__name__)

TEACHER_CHUNK = 8192
"""Pairs the teacher scores between two saves."""


def teacher_log_probs(config: TrainConfig, examples: Sequence[Example]) -> np.ndarray:
    """log P(label) of ``config.teacher`` for every example, (n, 3) in :data:`LABELS` order, at temperature 1.

    Cached in the checkpoint directory (keyed by the teacher and the examples), so a resumed run does not
    score the pool again; scored in chunks of :data:`TEACHER_CHUNK` pairs, each saved as it is done, so a
    run that stops while the teacher scores resumes at the next chunk.
    """
    from contradict.pipeline.nli import NLIScorer, Precision
    from contradict.types import NLI_LABELS

    assert config.teacher is not None
    if tuple(NLI_LABELS) != LABELS:
        raise ModelError(f"teacher labels {NLI_LABELS} and training labels {LABELS} differ in order")
    digest = hashlib.sha256(config.teacher.encode("utf-8"))
    for e in examples:
        digest.update(f"{e.premise}\t{e.hypothesis}\n".encode())
    key = digest.hexdigest()[:16]
    cache = Path(config.checkpoint_dir) / f"teacher-{key}.npy" if config.checkpoint_dir else None
    if cache is not None and cache.is_file():
        logger.info("teacher probabilities from %s", cache)
        return np.load(cache)
    scorer = NLIScorer(config.teacher, temperature=1.0, precision=Precision.auto if config.bf16 else Precision.fp32)
    pairs = [(e.premise, e.hypothesis) for e in examples]
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
    parts: list[np.ndarray] = []
    for index, begin in enumerate(range(0, len(pairs), TEACHER_CHUNK)):
        # each chunk is saved as it is scored, so a run that stops mid-pool resumes at the next chunk
        part = cache.with_name(f"{cache.stem}.part{index:04d}.npy") if cache is not None else None
        if part is not None and part.is_file():
            parts.append(np.load(part))
            continue
        parts.append(scorer.predict(pairs[begin : begin + TEACHER_CHUNK]).astype(np.float32))
        logger.info("teacher: %d/%d pairs scored", min(begin + TEACHER_CHUNK, len(pairs)), len(pairs))
        if part is not None:
            np.save(part, parts[-1])
    probs = np.concatenate(parts) if parts else np.zeros((0, len(LABELS)), dtype=np.float32)
    out = np.log(np.clip(probs, 1e-8, 1.0))
    gold = np.array([e.label for e in examples], dtype=np.int64)
    labelled = gold != UNLABELLED
    if labelled.any():
        agree = float(np.mean(out[labelled].argmax(axis=1) == gold[labelled]))
        logger.info("teacher agrees with the gold label on %.1f %% of the labelled pairs", 100 * agree)
    if not labelled.all():
        shares = np.bincount(out[~labelled].argmax(axis=1), minlength=len(LABELS)) / int((~labelled).sum())
        logger.info(
            "teacher labels the unlabelled pairs %s", dict(zip(LABELS, np.round(shares, 3).tolist(), strict=True))
        )
    if cache is not None:
        np.save(cache, out)
        for part in cache.parent.glob(f"{cache.stem}.part*.npy"):
            part.unlink()
    return out


def distillation_loss(logits: Any, labels: Any, teacher_log_probs: Any | None, alpha: float, temperature: float) -> Any:
    """Mean over the batch of (1 - alpha) * CE(logits, label) + alpha * T^2 * KL(softmax(teacher / T) ||
    softmax(logits / T)); a row labelled UNLABELLED has only the KL term, at full weight."""
    import torch
    import torch.nn.functional as F

    labelled = labels != UNLABELLED
    ce = F.cross_entropy(logits, labels.clamp(min=0), reduction="none")
    if teacher_log_probs is None:
        if not bool(labelled.all()):
            raise DataError("pairs without a gold label need a teacher")
        return ce.mean()
    target = torch.softmax(teacher_log_probs / temperature, dim=-1)
    kl = F.kl_div(F.log_softmax(logits / temperature, dim=-1), target, reduction="none").sum(dim=-1)
    w_ce = torch.where(labelled, 1.0 - alpha, 0.0)
    w_kd = torch.where(labelled, alpha, 1.0)
    return (w_ce * ce + w_kd * temperature**2 * kl).mean()



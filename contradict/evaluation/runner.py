"""Running eval tasks: score rows with a model, choose thresholds on dev data, compute metrics."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from contradict.errors import DataError
from contradict.evaluation.metrics import (
    Interval,
    choose_threshold,
    document_intervals,
    document_metrics,
    pair_intervals,
    pair_metrics,
)
from contradict.evaluation.tasks import HALF, Task, is_dev_row, load_rows, resolve_task
from contradict.pipeline.nli import NLIScorer
from contradict.types import CONTRADICTION, Document

logger = logging.getLogger(__name__)

ProgressFactory = Callable[[str], Callable[[int, int], None]]


@dataclass(frozen=True)
class TaskResult:
    task: str
    level: str
    metrics: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None
    threshold_from: str = ""  # where the threshold came from: "dev:<task>", "dev half", "--threshold", "model"
    on_dev: bool = False  # figures computed on the data the threshold was chosen on
    labels: tuple[str, ...] = ()
    scores: np.ndarray | None = field(default=None, repr=False)  # P(contradiction) or document scores
    probs: np.ndarray | None = field(default=None, repr=False)  # pair level: (n, 3)
    against: bool = False  # a document task of claims checked against a source (`check --against`)
    intervals: dict[str, Interval] = field(default_factory=dict)  # metric → 95 % bootstrap interval
    # document tasks with a dev half: that half's labels and scores (not reported; a paired comparison of two
    # models on it is what a choice between them may use, see `compare.compare_results`)
    dev_labels: tuple[str, ...] = ()
    dev_scores: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        if self.skipped is not None:
            return {"skipped": self.skipped}
        out: dict[str, Any] = {k: (int(v) if k == "n" else round(v, 4)) for k, v in self.metrics.items()}
        if self.intervals:
            out["ci95"] = {k: [round(lo, 4), round(hi, 4)] for k, (lo, hi) in self.intervals.items()}
        out["threshold_from"] = self.threshold_from
        out["on_dev"] = self.on_dev
        return out


def _kept(task: Task, metrics: dict[str, float]) -> dict[str, float]:
    """The metrics the task asks for, plus ``n`` and ``threshold``."""
    wanted = set(task.all_metrics) | {"n", "threshold"}
    return {k: v for k, v in metrics.items() if k in wanted}


def _kept_intervals(metrics: dict[str, float], intervals: dict[str, Interval]) -> dict[str, Interval]:
    return {k: v for k, v in intervals.items() if k in metrics}


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def document_inputs(row: dict[str, Any]) -> tuple[Document, Document | None]:
    """What `detect` checks for one row of a document task: the text on its own, or, for a row with a
    ``claim``, that claim as the draft against the text as its source."""
    text = Document(row["id"], row["text"])
    if "claim" not in row:
        return text, None
    claim = row["claim"].strip()
    if claim and claim[-1] not in ".!?\"'”’":
        claim += "."  # a headline is read as the sentence it states (else it is skipped as one)
    return Document("claim", claim), text


def evidence_rank(evidence: str, top_pairs: Sequence[tuple[str, str]]) -> int | None:
    """1-based rank of the first pair with the evidence on one side (substring match either way)."""
    ev = _normalise(evidence)
    if not ev:
        return None
    for rank, pair in enumerate(top_pairs, 1):
        for side in pair:
            s = _normalise(side)
            if s and (ev in s or s in ev):
                return rank
    return None


class Evaluator:
    """Evaluates a model on tasks. Predictions are cached per task, so a dev task scored once is reused."""

    def __init__(
        self,
        scorer: NLIScorer,
        *,
        data_root: Path | None,
        limit: int | None = None,
        threshold: float | None = None,
        progress: ProgressFactory | None = None,
        detect_kwargs: dict[str, Any] | None = None,
    ) -> None:
        self.scorer = scorer
        self.data_root = data_root
        self.limit = limit
        self.threshold = threshold
        self.progress = progress
        self.detect_kwargs = detect_kwargs or {}
        self._pair_cache: dict[str, tuple[list[dict[str, Any]], np.ndarray]] = {}

    def _callback(self, name: str) -> Callable[[int, int], None] | None:
        return self.progress(name) if self.progress else None

    def run(self, spec: str | Task) -> TaskResult:
        task = resolve_task(spec) if isinstance(spec, str) else spec
        try:
            if task.level == "pair":
                return self._run_pairs(task)
            return self._run_documents(task)
        except FileNotFoundError as exc:
            logger.warning("task %s skipped: data not found (%s)", task.name, exc)
            return TaskResult(task.name, task.level, skipped=f"data not found: {exc}")

    # pair level -----------------------------------------------------------------------------------
    def pair_predictions(self, task: Task) -> tuple[list[dict[str, Any]], np.ndarray]:
        if task.name not in self._pair_cache:
            rows = load_rows(task, self.data_root, self.limit)
            probs = self.scorer.predict(
                [(r["premise"], r["hypothesis"]) for r in rows], progress=self._callback(task.name)
            )
            self._pair_cache[task.name] = (rows, probs)
        return self._pair_cache[task.name]

    def _pair_threshold(self, task: Task, rows: list[dict[str, Any]], probs: np.ndarray) -> tuple[float, str, bool]:
        if self.threshold is not None:
            return self.threshold, "--threshold", False
        if task.dev == HALF:
            dev = np.array([is_dev_row(r["id"]) for r in rows])
            y = np.array([r["label"] == "contradiction" for r in rows])
            return choose_threshold(y[dev], probs[dev, CONTRADICTION], "f1"), "dev half", False
        if task.dev:
            if task.dev == task.name:
                dev_rows, dev_probs = rows, probs
            else:
                try:
                    dev_rows, dev_probs = self.pair_predictions(resolve_task(task.dev))
                except FileNotFoundError:
                    stored = float(self.scorer.settings.get("pair_threshold", 0.5))
                    return stored, f"model (dev task {task.dev} not found)", False
            y = np.array([r["label"] == "contradiction" for r in dev_rows])
            t = choose_threshold(y, dev_probs[:, CONTRADICTION], "f1")
            return t, f"dev:{task.dev}", task.dev == task.name
        stored = self.scorer.settings.get("pair_threshold", 0.5)
        return float(stored), "model", False

    def _run_pairs(self, task: Task) -> TaskResult:
        rows, probs = self.pair_predictions(task)
        threshold, source, on_dev = self._pair_threshold(task, rows, probs)
        if task.dev == HALF and self.threshold is None:
            keep = np.array([not is_dev_row(r["id"]) for r in rows])
            rows = [r for r, k in zip(rows, keep, strict=True) if k]
            probs = probs[keep]
        labels = [r["label"] for r in rows]
        metrics = _kept(task, pair_metrics(labels, probs, threshold))
        intervals = _kept_intervals(metrics, pair_intervals(labels, probs))
        return TaskResult(
            task.name,
            "pair",
            metrics,
            None,
            source,
            on_dev,
            tuple(labels),
            probs[:, CONTRADICTION],
            probs,
            intervals=intervals,
        )

    # document level -------------------------------------------------------------------------------
    def _run_documents(self, task: Task) -> TaskResult:
        from contradict.api import detect

        rows = load_rows(task, self.data_root, self.limit)
        callback = self._callback(task.name)
        scores = np.zeros(len(rows), dtype=np.float64)
        ranks: list[int | None] = []
        for i, row in enumerate(rows):
            draft, source = document_inputs(row)
            report = detect(draft, against=source, scorer=self.scorer, threshold=0.0, top=3, **self.detect_kwargs)
            scores[i] = report.contradictions[0].score if report.contradictions else 0.0
            top = [(c.claim_a.text, c.claim_b.text) for c in report.contradictions]
            ranks.append(evidence_rank(row["evidence"], top) if row["label"] == "contradictory" else None)
            if callback:
                callback(i + 1, len(rows))
        labels = np.array([r["label"] for r in rows])
        dev = np.zeros(len(rows), dtype=bool)  # the rows a threshold is chosen on; all others are reported
        if self.threshold is not None:
            threshold, source = self.threshold, "--threshold"
        elif task.dev == HALF:
            dev = np.array([is_dev_row(r["id"]) for r in rows])
            threshold = choose_threshold(labels[dev] == "contradictory", scores[dev], "balanced_accuracy")
            source = "dev half"
        else:
            threshold, source = float(self.scorer.settings.get("threshold", 0.5)), "model"
        report_mask = ~dev
        if not report_mask.any():
            raise DataError(f"task {task.name}: no rows left to report after taking the dev half")
        kept_ranks = [r for r, k in zip(ranks, report_mask, strict=True) if k]
        kept_labels = list(labels[report_mask])
        metrics = _kept(task, document_metrics(kept_labels, scores[report_mask], threshold, kept_ranks))
        intervals = _kept_intervals(metrics, document_intervals(kept_labels, scores[report_mask], kept_ranks))
        return TaskResult(
            task.name,
            "document",
            metrics,
            None,
            source,
            False,
            tuple(labels[report_mask]),
            scores[report_mask],
            against=any("claim" in row for row in rows),
            intervals=intervals,
            dev_labels=tuple(labels[dev]),
            dev_scores=scores[dev] if dev.any() else None,
        )

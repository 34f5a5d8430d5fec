"""PNG plots of one task's results: precision-recall curve, score histogram per class, confusion matrix."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from contradict.evaluation.runner import TaskResult
from contradict.extras import require
from contradict.types import NLI_LABELS


def _save(fig, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def write_plots(result: TaskResult, out_dir: Path) -> list[Path]:
    if result.skipped is not None or result.scores is None:
        return []
    require("matplotlib", "eval --out-dir plots", "eval").use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay

    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    labels = np.asarray(result.labels)
    positive = "contradiction" if result.level == "pair" else "contradictory"
    y = labels == positive
    threshold = result.metrics.get("threshold", 0.5)

    if y.any() and not y.all():
        fig, ax = plt.subplots(figsize=(5, 4))
        PrecisionRecallDisplay.from_predictions(y, result.scores, ax=ax, name=result.task)
        ax.set_title(f"{result.task}: {positive} precision-recall")
        written.append(_save(fig, out_dir / f"{result.task}_pr.png"))

    fig, ax = plt.subplots(figsize=(5, 4))
    bins = np.linspace(0, 1, 26)
    for label in sorted(set(labels)):
        ax.hist(result.scores[labels == label], bins=bins, alpha=0.5, label=label)
    ax.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.set_xlabel("P(contradiction)" if result.level == "pair" else "document score")
    ax.legend()
    ax.set_title(f"{result.task}: scores per class")
    written.append(_save(fig, out_dir / f"{result.task}_hist.png"))

    fig, ax = plt.subplots(figsize=(5, 4))
    if result.level == "pair" and result.probs is not None and "not_entailment" not in set(labels):
        pred = np.asarray(NLI_LABELS)[result.probs.argmax(axis=1)]
        ConfusionMatrixDisplay.from_predictions(labels, pred, labels=list(NLI_LABELS), ax=ax, colorbar=False)
    else:
        pred = np.where(result.scores >= threshold, positive, "other")
        truth = np.where(y, positive, "other")
        ConfusionMatrixDisplay.from_predictions(truth, pred, labels=[positive, "other"], ax=ax, colorbar=False)
    ax.set_title(f"{result.task}: confusion matrix")
    written.append(_save(fig, out_dir / f"{result.task}_confusion.png"))
    return written

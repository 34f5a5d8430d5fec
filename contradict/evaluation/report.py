"""Rendering eval results: a Rich table, a Markdown table, a JSON object."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from contradict.evaluation.compare import Comparison
from contradict.evaluation.runner import TaskResult
from contradict.evaluation.tasks import DOCUMENT_METRICS, PAIR_METRICS

# pair metrics, then the document metrics pairs lack, then the threshold
COLUMNS = ("n", *PAIR_METRICS, *(m for m in DOCUMENT_METRICS if m not in PAIR_METRICS), "threshold")
SHORT = {
    "accuracy": "acc",
    "macro_f1": "macro-F1",
    "contradiction_precision": "C-prec",
    "contradiction_recall": "C-rec",
    "contradiction_f1": "C-F1",
    "roc_auc": "ROC-AUC",
    "average_precision": "AP",
    "accuracy_2way": "acc-2way",
    "balanced_accuracy": "bal-acc",
    "evidence_hit@1": "hit@1",
    "evidence_hit@3": "hit@3",
    "threshold": "thr",
}


def results_json(results: Sequence[TaskResult]) -> dict[str, Any]:
    return {r.task: r.to_dict() for r in results}


def _columns(results: Sequence[TaskResult]) -> list[str]:
    present = {k for r in results for k in r.metrics}
    return [c for c in COLUMNS if c in present] or ["n"]


def _cell(result: TaskResult, col: str) -> str:
    v = result.metrics.get(col)
    if v is None:
        return ""
    if col == "n":
        return str(int(v))
    if col in result.intervals:
        lo, hi = result.intervals[col]
        return f"{v:.3f} ±{(hi - lo) / 2:.3f}"
    return f"{v:.3f}"


def _cells(result: TaskResult, columns: Sequence[str]) -> list[str]:
    return [_cell(result, col) for col in columns]


def _name(result: TaskResult) -> str:
    return f"{result.task} (dev)" if result.on_dev else result.task


def results_table(results: Sequence[TaskResult], title: str) -> Table:
    columns = _columns(results)
    table = Table(title=title)
    table.add_column("task")
    for col in columns:
        table.add_column(SHORT.get(col, col), justify="right")
    table.add_column("threshold from")
    for r in results:
        if r.skipped is not None:
            table.add_row(r.task, *[""] * len(columns), f"skipped: {r.skipped}")
        else:
            table.add_row(_name(r), *_cells(r, columns), r.threshold_from)
    return table


def run_line(run: dict[str, Any]) -> str:
    """One line naming how an eval was run: ``model `m` · precision auto · backend torch · views full``."""
    return " · ".join(f"{k} `{v}`" for k, v in run.items() if v is not None)


def results_markdown(results: Sequence[TaskResult], title: str, run: dict[str, Any] | None = None) -> str:
    columns = _columns(results)
    head = [f"# {title}", ""] + ([f"Run: {run_line(run)}", ""] if run else [])
    lines = [*head, "| task | " + " | ".join(SHORT.get(c, c) for c in columns) + " | threshold from |"]
    lines.append("|---" * (len(columns) + 2) + "|")
    for r in results:
        if r.skipped is not None:
            lines.append(f"| {r.task} |" + " |" * len(columns) + f" skipped: {r.skipped} |")
        else:
            lines.append(f"| {_name(r)} | " + " | ".join(_cells(r, columns)) + f" | {r.threshold_from} |")
    lines += [
        "",
        "Pair level: accuracy and macro-F1 of the argmax label; contradiction precision/recall/F1 of",
        "P(contradiction) >= threshold; ROC-AUC and average precision of P(contradiction).",
        "Document level: score = the top pair's score; balanced accuracy at the threshold; hit@k = the",
        "evidence sentence is one side of one of the k top pairs.",
        "`(dev)` marks figures computed on the data their threshold was chosen on.",
        "±h: half the width of a 95 % percentile bootstrap interval (1,000 resamples of the reported rows;",
        "hit@k resamples the contradictory documents); the JSON output gives the interval itself (`ci95`).",
    ]
    return "\n".join(lines) + "\n"


COMPARISON_HEAD = ("task", "metric", "model", "baseline", "difference", "95 % interval", "wins/losses", "McNemar p")


def _comparison_cells(c: Comparison) -> list[str]:
    interval = "" if c.interval is None else f"{c.interval[0]:+.3f} … {c.interval[1]:+.3f}"
    duel = "" if c.mcnemar_p is None else f"{c.wins}/{c.losses}"
    p = "" if c.mcnemar_p is None else f"{c.mcnemar_p:.3g}"
    return [c.task, c.metric, f"{c.model:.3f}", f"{c.baseline:.3f}", f"{c.difference:+.3f}", interval, duel, p]


def comparisons_table(comparisons: Sequence[Comparison], baseline: str) -> Table:
    table = Table(title=f"against the baseline {baseline} (same rows, paired)")
    for i, col in enumerate(COMPARISON_HEAD):
        table.add_column(col, justify="left" if i < 2 else "right")
    for c in comparisons:
        table.add_row(*_comparison_cells(c))
    return table


def comparisons_markdown(comparisons: Sequence[Comparison], baseline: str) -> str:
    lines = [f"## Against the baseline `{baseline}`", "", "| " + " | ".join(COMPARISON_HEAD) + " |"]
    lines.append("|---" * len(COMPARISON_HEAD) + "|")
    lines += ["| " + " | ".join(_comparison_cells(c)) + " |" for c in comparisons]
    lines += [
        "",
        "Same rows for both models. The interval is a 95 % paired bootstrap interval of the difference (1,000",
        "resamples); wins/losses count the rows only the model (wins) or only the baseline (losses) gets right,",
        "and McNemar p is the exact two-sided test of the two counts.",
    ]
    return "\n".join(lines) + "\n"


def comparisons_json(comparisons: Sequence[Comparison], baseline: str) -> dict[str, Any]:
    """``{task: {"baseline": name, metric: {...}}}``, merged into `results_json` under ``vs_baseline``."""
    out: dict[str, Any] = {}
    for c in comparisons:
        out.setdefault(c.task, {"baseline": baseline})[c.metric] = c.to_dict()
    return out

"""`contradict eval`: pair and document tasks, comparisons with a baseline."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contradict import __version__
from contradict.cli.app import (
    EXIT_OK,
    EvalBackendOption,
    EvalFormatOption,
    ModelOption,
    PrecisionOption,
    ThreadsOption,
    ViewsOption,
    _run,
    app,
    progress_bars,
    stderr,
)
from contradict.errors import ConfigError
from contradict.pipeline.nli import Backend, Precision
from contradict.types import ClaimViews, OutputFormat


@app.command("eval")
def eval_command(
    tasks: Annotated[
        list[str],
        typer.Argument(help="Task names ('all' for every shipped task), task YAML files, or JSONL/CSV data files."),
    ],
    model: ModelOption = None,
    precision: PrecisionOption = Precision.auto,
    backend: EvalBackendOption = Backend.torch,
    threads: ThreadsOption = None,
    views: ViewsOption = ClaimViews.full,
    limit: Annotated[int | None, typer.Option(min=1, help="Use the first N rows of each task.")] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Use this threshold instead of choosing one on dev data.")
    ] = None,
    output_format: EvalFormatOption = OutputFormat.text,
    out_dir: Annotated[Path | None, typer.Option(help="Write results.json, results.md and PNG plots here.")] = None,
    data_root: Annotated[
        Path | None, typer.Option(help="Root of task data paths (default: $CONTRADICT_DATA or ../shared/data).")
    ] = None,
    save_thresholds: Annotated[
        bool, typer.Option(help="Store the dev-chosen thresholds with the model (contradict.json).")
    ] = False,
    baseline: Annotated[
        str | None,
        typer.Option(help="A second model to compare with on the same rows (paired bootstrap, McNemar test)."),
    ] = None,
) -> None:
    """Evaluate a model on labelled pair or document datasets (exit 0 when it ran, whatever the scores)."""
    from contradict.api import get_scorer
    from contradict.evaluation.compare import Comparison, compare_results
    from contradict.evaluation.report import (
        comparisons_json,
        comparisons_markdown,
        comparisons_table,
        results_json,
        results_markdown,
        results_table,
    )
    from contradict.evaluation.runner import Evaluator
    from contradict.evaluation.tasks import DEFAULT_PAIR_DEV, available_tasks, default_data_root
    from contradict.pipeline.nli import resolve_model

    def body() -> int:
        names = [t for spec in tasks for t in (sorted(available_tasks()) if spec == "all" else [spec])]
        if save_thresholds and views is not ClaimViews.full:
            raise ConfigError("--save-thresholds stores check's defaults, measured with --views full only")
        scorer = get_scorer(None if model is None else resolve_model(model), precision, threads, backend)
        other = None if baseline is None else get_scorer(resolve_model(baseline), precision, threads, backend)
        root = data_root or default_data_root()
        comparisons: list[Comparison] = []
        with progress_bars() as factory:
            evaluator = functools.partial(
                Evaluator,
                data_root=root,
                limit=limit,
                threshold=threshold,
                progress=factory,
                detect_kwargs={"views": views},
            )
            results = [evaluator(scorer).run(name) for name in names]
            if other is not None:
                base = evaluator(other)
                pairs = zip(results, names, strict=True)  # the same spec: a file path is not a task name
                comparisons = [c for r, name in pairs for c in compare_results(r, base.run(name))]
        shown = Path(scorer.model_name).name if Path(scorer.model_name).is_dir() else scorer.model_name
        title = f"contradict eval: {shown}" + (f" (first {limit} rows)" if limit else "")
        run = {
            "model": scorer.model_name,
            "precision": precision.value,
            "backend": backend.value,
            "views": views.value,
            "limit": limit,
            "threshold": threshold,
            "baseline": None if other is None else other.model_name,
            "contradict": __version__,
        }
        data = results_json(results)
        if other is not None:
            for task, vs in comparisons_json(comparisons, other.model_name).items():
                data[task]["vs_baseline"] = vs
        if output_format is OutputFormat.json:
            typer.echo(json.dumps(data, indent=2))
        else:
            out = Console()
            if not out.is_terminal:
                out = Console(width=200)
            out.print(results_table(results, title))
            if other is not None:
                out.print(comparisons_table(comparisons, other.model_name))
        if out_dir is not None:
            from contradict.evaluation.plots import write_plots

            out_dir.mkdir(parents=True, exist_ok=True)
            (out_dir / "results.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
            markdown = results_markdown(results, title, run)
            if other is not None:
                markdown += "\n" + comparisons_markdown(comparisons, other.model_name)
            (out_dir / "results.md").write_text(markdown, encoding="utf-8")
            (out_dir / "run.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
            for r in results:
                write_plots(r, out_dir)
        if save_thresholds:
            from contradict.pipeline.nli import save_model_settings

            update: dict[str, float] = {}
            for r in results:
                # `check`'s default threshold is for claims of one text; a claim-against-source task
                # (fnc1_against) measures `check --against` and does not set it
                if r.level == "document" and r.threshold_from == "dev half" and not r.against:
                    update["threshold"] = r.metrics["threshold"]
                # the pair threshold is the one chosen on the default pair dev task: a task with a dev split
                # of its own (sick_test_NC on sick_dev_NC) has a threshold for that data only
                if r.level == "pair" and r.threshold_from == f"dev:{DEFAULT_PAIR_DEV}":
                    update["pair_threshold"] = r.metrics["threshold"]
            path = save_model_settings(scorer.model_name, update)
            stderr.print(f"saved {update} to {path}")
        return EXIT_OK

    raise typer.Exit(_run(body))

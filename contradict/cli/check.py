"""`contradict check`: a draft (and its sources) in, a report out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from contradict.cli.app import (
    EXIT_FOUND,
    EXIT_OK,
    BackendOption,
    CascadeFloorOption,
    CascadeTopOption,
    FormatOption,
    JudgeOption,
    ModelOption,
    NeighboursOption,
    PairsOption,
    PrecisionOption,
    ScoringOption,
    ThreadsOption,
    ThresholdOption,
    TopOption,
    ViewsOption,
    _run,
    app,
    detect_options,
    progress_bars,
    stderr,
)
from contradict.pipeline.ingest import InputFormat
from contradict.pipeline.nli import Backend, Precision
from contradict.pipeline.pairing import PairingStrategy
from contradict.types import ClaimViews, OutputFormat, Scoring


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files to check ('-' reads stdin); several make one report.")],
    against: Annotated[
        list[str] | None, typer.Option("--against", "-a", help="Source documents to check the draft(s) against.")
    ] = None,
    also_internal: Annotated[bool, typer.Option(help="With --against, also check the draft against itself.")] = False,
    model: ModelOption = None,
    judge: JudgeOption = None,
    scoring: ScoringOption = Scoring.auto,
    cascade_top: CascadeTopOption = None,
    cascade_floor: CascadeFloorOption = None,
    precision: PrecisionOption = Precision.auto,
    backend: BackendOption = Backend.auto,
    threads: ThreadsOption = None,
    threshold: ThresholdOption = None,
    top: TopOption = None,
    fail_on: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Exit 1 only when a pair reaches this score (default: the threshold)."),
    ] = None,
    pairs: PairsOption = PairingStrategy.auto,
    views: ViewsOption = ClaimViews.full,
    neighbours: NeighboursOption = None,
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
    shared = detect_options(locals())  # first: locals() are the parameters here
    import io

    from contradict.api import detect
    from contradict.pipeline.ingest import read_document
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
            **shared,
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


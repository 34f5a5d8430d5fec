"""Command line: parses options, calls the library, renders, maps errors to exit codes.

Exit codes: 0 ran, nothing found at the threshold · 1 ran, contradictions found · 2 usage or input
error · 3 unexpected internal error (``--debug`` shows the traceback) · 130 interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from contradict.errors import ContradictError
from contradict.pipeline.nli import Backend, Precision
from contradict.pipeline.pairing import PairingStrategy
from contradict.types import ClaimViews, OutputFormat, Scoring

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


def _format_option() -> Any:
    """``--format``, the same on every command. A command offers only the formats it writes: check all of
    :class:`OutputFormat`, eval a ``Literal`` of some members, which --help lists and the parser enforces
    (any other value exits 2 before the command runs)."""
    return typer.Option("--format", "-f", help="Output format.", case_sensitive=False)


FormatOption = Annotated[OutputFormat, _format_option()]
#: eval prints a table or JSON (its Markdown and plots go to --out-dir)
EvalFormatOption = Annotated[Literal[OutputFormat.text, OutputFormat.json], _format_option()]
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
#: eval scores whole datasets: no auto, which chooses by the length of one input in a fresh process
EvalBackendOption = Annotated[
    Literal[Backend.torch, Backend.onnx],
    typer.Option(help="What runs the model: torch or onnx (ONNX Runtime, fp32).", case_sensitive=False),
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
        # escaped: a message may hold brackets that are not markup ("pip install 'contradict[eval]'")
        stderr.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
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
            f"[red]internal error:[/] {type(exc).__name__}: {escape(message)} (run with --debug for details)",
            highlight=False,
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


JudgeOption = Annotated[
    str | None, typer.Option(help="Accurate model directory or hub id (default: the shipped one, when installed).")
]
ScoringOption = Annotated[
    Scoring,
    typer.Option(
        help="Which models score: cascade (the fast model every pair, the accurate one its best pairs), fast, "
        "accurate, or auto (cascade when an accurate model is installed).",
        case_sensitive=False,
    ),
]
CascadeTopOption = Annotated[
    int | None, typer.Option(min=0, help="Cascade: the accurate model re-scores the fast model's K best pairs.")
]
CascadeFloorOption = Annotated[
    float | None, typer.Option(min=0.0, max=1.0, help="Cascade: ... and every pair whose fast score reaches this.")
]
ThresholdOption = Annotated[
    float | None,
    typer.Option(min=0.0, max=1.0, help="Report pairs whose score reaches this (default: the model's)."),
]
TopOption = Annotated[int | None, typer.Option(min=0, help="Report at most this many pairs (per document).")]
PairsOption = Annotated[
    PairingStrategy,
    typer.Option(
        help="Candidate pairs: all, neighbours (embedding top-k), auto (all if short, else neighbours), "
        "context (the pairs of auto; each premise is the claim with its neighbouring sentences)."
    ),
]
NeighboursOption = Annotated[
    int | None,
    typer.Option(min=1, help="With neighbours/auto on long input: keep each claim's K most similar claims."),
]


#: the parameters check and batch share that are keyword arguments of contradict.detect as they are
DETECT_OPTION_NAMES = ("model", "judge", "scoring", "cascade_top", "cascade_floor", "precision", "backend", "threads")
DETECT_OPTION_NAMES += ("top", "views")


def detect_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of :func:`contradict.detect` from a command's parameters (``locals()`` on entry):
    the shared ones as they are, ``pairs`` and ``neighbours`` as a Pairer."""
    from contradict.pipeline.pairing import Pairer

    options = {name: params[name] for name in DETECT_OPTION_NAMES}
    options["pairer"] = Pairer(params["pairs"], k=params["neighbours"])
    return options

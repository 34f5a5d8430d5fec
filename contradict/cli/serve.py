"""`contradict serve`: a local web page and JSON API over the library (see docs/serve.md)."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
from typing import Annotated

import typer

from contradict.cli.app import ModelOption, PrecisionOption, ThreadsOption, ViewsOption, _run, app, stderr
from contradict.errors import ConfigError
from contradict.pipeline.nli import Backend, Precision
from contradict.pipeline.pairing import PairingStrategy
from contradict.types import ClaimViews, Scoring


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A bound socket, so that a busy port is a one-line error before anything loads."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another --port)") from None
    return sock


def say(line: str) -> None:
    """A status line on stderr, never wrapped (a URL stays whole)."""
    stderr.print(line, highlight=False, soft_wrap=True)


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on: loopback by default (this machine only); 0.0.0.0 for all.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free one).")] = 8000,
    model: ModelOption = None,
    judge: Annotated[
        str | None, typer.Option(help="Accurate model of a cascade (default: the shipped one, when installed).")
    ] = None,
    scoring: Annotated[
        Scoring,
        typer.Option(help="Which models score (as for check); they all load at start.", case_sensitive=False),
    ] = Scoring.auto,
    precision: PrecisionOption = Precision.auto,
    backend: Annotated[
        Backend,
        typer.Option(
            help="What runs the model: auto (torch here: the model loads once, so ONNX's faster start does not "
            "matter), torch, onnx (ONNX Runtime, fp32).",
            case_sensitive=False,
        ),
    ] = Backend.auto,
    threads: ThreadsOption = None,
    threshold: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Default threshold of a check (default: the model's).")
    ] = None,
    top: Annotated[int | None, typer.Option(min=0, help="Default cap on the pairs reported.")] = None,
    pairs: Annotated[PairingStrategy, typer.Option(help="Default candidate pairs (as for check).")] = (
        PairingStrategy.auto
    ),
    neighbours: Annotated[int | None, typer.Option(min=1, help="Default K of neighbours pairing.")] = None,
    views: ViewsOption = ClaimViews.full,
    cascade_top: Annotated[int | None, typer.Option(min=0, help="Default K of a cascade (as for check).")] = None,
    cascade_floor: Annotated[
        float | None, typer.Option(min=0.0, max=1.0, help="Default floor of a cascade (as for check).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, help="Checks run at once (each uses all model threads).")] = 1,
    queue: Annotated[
        int, typer.Option(min=0, help="Checks that may wait for a worker; beyond that: 503 with Retry-After.")
    ] = 8,
    max_chars: Annotated[
        int, typer.Option(min=1, help="Most characters of one request's texts together; more: 413.")
    ] = 200_000,
    timeout: Annotated[
        float, typer.Option(min=0.1, help="Seconds a check may take, waiting included; longer: 504.")
    ] = 120.0,
) -> None:
    """Serve a web page and JSON API for checking drafts (Ctrl-C stops it). The model loads once, at start."""
    options = dict(locals())  # named as ServeSettings and CheckOptions name them

    def body() -> None:
        try:
            import uvicorn

            from contradict.serve import CheckOptions, ServeSettings, create_app
        except ImportError as exc:
            raise ConfigError(
                f"contradict serve needs the serve extra ({exc.name} is missing): pip install 'contradict[serve]'"
            ) from None
        from contradict.pipeline.nli import resolve_model

        resolve_model(model)  # a model that does not exist is an error before the server starts
        given = {
            **options,
            "defaults": CheckOptions(**{k: v for k, v in options.items() if k in CheckOptions.model_fields}),
        }
        settings = ServeSettings(**{f.name: given[f.name] for f in dataclasses.fields(ServeSettings)})
        sock = listen(host, port)
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        say(f"contradict serve: http://{shown}:{bound}/")
        if is_loopback(host):
            say("listening on loopback only: other machines cannot connect (--host 0.0.0.0 lets them)")
        else:
            say(
                f"[yellow]warning:[/] listening on {host}: anyone who can reach this machine can submit texts "
                "(there is no authentication)"
            )
        verbose = logging.getLogger().getEffectiveLevel() <= logging.INFO
        application = create_app(settings, notify=say)
        config = uvicorn.Config(
            application, log_level="info" if verbose else "warning", access_log=verbose, timeout_graceful_shutdown=5
        )
        uvicorn.Server(config).run(sockets=[sock])  # until Ctrl-C or SIGTERM

    _run(body)

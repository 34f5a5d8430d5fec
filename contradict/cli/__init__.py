"""Command line: parses options, calls the library, renders, maps errors to exit codes.

``app`` holds the shared options and error handling; each command lives in its own module and registers
itself on ``app`` when imported here.
"""

from __future__ import annotations

from contradict.cli import batch, check, evaluate, model, serve
from contradict.cli.app import app

__all__ = ["app", "run"]

_COMMANDS = (batch, check, evaluate, model, serve)  # imported for their @app.command registrations


def run() -> None:
    app()

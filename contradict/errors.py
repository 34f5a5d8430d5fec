"""Exceptions raised by the library; the CLI maps each to a one-line message and an exit code."""

from __future__ import annotations


class ContradictError(Exception):
    """Base class of every error contradict raises on purpose."""

    exit_code = 2


class InputError(ContradictError):
    """A document cannot be read: missing, empty, binary, wrongly encoded."""


class ModelError(ContradictError):
    """A model cannot be loaded or used: missing weights, pickle-only weights, unmappable labels."""


class DataError(ContradictError):
    """A labelled dataset or task file is malformed: missing column, unknown label, no rows."""


class ConfigError(ContradictError):
    """An option has a value that cannot be used (threshold out of range, unknown mode)."""

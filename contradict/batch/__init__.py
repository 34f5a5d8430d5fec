"""Checking an archive: every document of a JSONL/Parquet file or a folder on its own, one row each,
in this process or on a Ray cluster, resumable (:func:`run`; the CLI is ``contradict batch``)."""

from __future__ import annotations

from contradict.batch.checker import Checker
from contradict.batch.engines import Engine, RayChecker
from contradict.batch.inputs import DEFAULT_MAX_CHARS, Entry, read_entries
from contradict.batch.outputs import Row, Status, open_sink
from contradict.batch.runner import DEFAULT_BATCH_SIZE, BatchSummary, run

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "DEFAULT_MAX_CHARS",
    "BatchSummary",
    "Checker",
    "Engine",
    "Entry",
    "RayChecker",
    "Row",
    "Status",
    "open_sink",
    "read_entries",
    "run",
]

"""The output of a batch: one row per document, written as it is made, so that a rerun can resume.

JSONL output is appended to and flushed row by row. Parquet cannot be appended to, so rows go to a journal
``OUTPUT.partial.jsonl`` beside it and become ``OUTPUT`` (written whole, then renamed into place) when the
batch completes. Opening a sink reads the rows already there; a truncated last line (a crash mid-write)
is cut off and its document checked again.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from contradict.batch.inputs import PARQUET_SUFFIXES, require_parquet
from contradict.errors import ConfigError

logger = logging.getLogger(__name__)


class Status(str, Enum):
    ok = "ok"
    error = "error"


@dataclass(frozen=True)
class Row:
    """One document's result: ``report`` as ``contradict check --format json`` prints it, or ``error``."""

    id: str
    status: Status
    report: dict[str, Any] | None = None
    error: str | None = None

    @property
    def found(self) -> bool:
        """A scored pair reaches the threshold (what makes ``contradict check`` exit 1)."""
        if self.report is None:
            return False
        best = self.report.get("highest_score")
        return best is not None and best >= self.report["threshold"]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status.value, "error": self.error, "report": self.report}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        return cls(
            id=str(data["id"]), status=Status(data["status"]), report=data.get("report"), error=data.get("error")
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


class Sink(Protocol):
    def open(self) -> dict[str, Row]:
        """Prepare for writing; the rows already in the output, by id."""

    def write(self, row: Row) -> None: ...

    def close(self, *, complete: bool) -> None:
        """``complete``: every document has its row (Parquet output is written only then)."""


def open_sink(path: str | Path) -> Sink:
    """JSONL by default, Parquet for a .parquet/.pq path."""
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"{path}: is a folder; give the output file (.jsonl or .parquet)")
    return ParquetSink(path) if path.suffix.lower() in PARQUET_SUFFIXES else JsonlSink(path)


def _parse_row(line: bytes) -> Row | None:
    try:
        data = json.loads(line)
        return Row.from_dict(data) if isinstance(data, dict) else None
    except (ValueError, KeyError, TypeError):
        return None


class JsonlSink:
    """Rows as JSON lines, appended and flushed one by one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: Any = None

    def read(self) -> dict[str, Row]:
        """The rows written so far, by id; a truncated last line is cut off the file."""
        return self._read_and_repair() if self.path.exists() else {}

    def open(self) -> dict[str, Row]:
        rows = self.read()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("a", encoding="utf-8", newline="\n")
        return rows

    def _read_and_repair(self) -> dict[str, Row]:
        data = self.path.read_bytes()
        rows: dict[str, Row] = {}
        pos = number = 0
        while pos < len(data):
            end = data.find(b"\n", pos)
            stop = len(data) if end == -1 else end + 1
            number += 1
            line = data[pos:stop]
            row = _parse_row(line) if line.strip() else None
            if row is None and line.strip():
                if stop < len(data):
                    raise ConfigError(
                        f"{self.path}: line {number} is not a row of contradict batch; choose another output "
                        "or delete the file to start again"
                    )
                logger.warning(
                    "%s: cut off a truncated last line (line %d); its document is checked again", self.path, number
                )
                with self.path.open("r+b") as f:
                    f.truncate(pos)
                break
            if row is not None:
                rows[row.id] = row
            if end == -1:  # a whole last row without its newline: add it before appending
                with self.path.open("ab") as f:
                    f.write(b"\n")
            pos = stop
        return rows

    def write(self, row: Row) -> None:
        self._file.write(row.to_json() + "\n")
        self._file.flush()

    def close(self, *, complete: bool) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class ParquetSink:
    """Columns id, status, error and report (the report object as a JSON string; ``json.loads`` it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.journal = JsonlSink(path.with_name(path.name + ".partial.jsonl"))
        self._pq = require_parquet("Parquet output")

    def _read(self) -> dict[str, Row]:
        if not self.path.exists():
            return {}
        try:
            records = self._pq.read_table(self.path).to_pylist()
        except Exception as exc:
            raise ConfigError(f"{self.path}: not a readable Parquet file ({exc}); choose another output") from exc
        rows = {}
        for r in records:
            report = json.loads(r["report"]) if r.get("report") else None
            rows[str(r["id"])] = Row(str(r["id"]), Status(r["status"]), report, r.get("error"))
        return rows

    def open(self) -> dict[str, Row]:
        return {**self._read(), **self.journal.open()}

    def write(self, row: Row) -> None:
        self.journal.write(row)

    def close(self, *, complete: bool) -> None:
        self.journal.close(complete=complete)
        if not complete or (self.path.exists() and not self.journal.path.exists()):
            return
        import pyarrow as pa

        rows = list({**self._read(), **self.journal.read()}.values())
        schema = pa.schema(
            [("id", pa.string()), ("status", pa.string()), ("error", pa.string()), ("report", pa.string())]
        )
        columns = {
            "id": [r.id for r in rows],
            "status": [r.status.value for r in rows],
            "error": [r.error for r in rows],
            "report": [None if r.report is None else json.dumps(r.report, ensure_ascii=False) for r in rows],
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        self._pq.write_table(pa.table(columns, schema=schema), temporary)
        os.replace(temporary, self.path)
        self.journal.path.unlink(missing_ok=True)

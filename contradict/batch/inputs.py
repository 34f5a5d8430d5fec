"""Reading an archive: a JSONL or Parquet file with an id and a text column, or a folder of documents.

Every record becomes an :class:`Entry`: a document to check, or (empty, undecodable, too long, no id, a
repeated id) the message its error row will carry. Nothing in the input is dropped silently.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contradict.errors import ConfigError, ContradictError
from contradict.pipeline.ingest import read_document
from contradict.types import Document

#: Files a folder input is read for; anything else in the folder is ignored.
FOLDER_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".docx")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet", ".pq")
#: About 16,000 words; longer documents become error rows (a 1 MB text takes minutes, see eval/results/speed.txt).
DEFAULT_MAX_CHARS = 100_000


@dataclass(frozen=True)
class Entry:
    """One record of the input: ``document`` to check, or ``error`` (then ``document`` is None)."""

    id: str
    document: Document | None = None
    error: str | None = None


def read_entries(
    source: str | Path,
    *,
    id_column: str = "id",
    text_column: str = "text",
    encoding: str = "utf-8",
    max_chars: int = DEFAULT_MAX_CHARS,
) -> list[Entry]:
    """All records of ``source`` in input order, ids unique (a repeated id becomes an error entry ``id#n``).

    A missing input, an unknown file type or a column absent from the input are :class:`ConfigError`;
    a bad record is an error entry and the rest is read.
    """
    if max_chars < 1:
        raise ConfigError(f"max_chars must be >= 1, got {max_chars}")
    path = Path(source)
    if not path.exists():
        raise ConfigError(f"{source}: no such file or folder")
    if path.is_dir():
        records = _folder(path, encoding)
    elif path.suffix.lower() in JSONL_SUFFIXES:
        records = _jsonl(path, id_column, text_column)
    elif path.suffix.lower() in PARQUET_SUFFIXES:
        records = _parquet(path, id_column, text_column)
    else:
        raise ConfigError(
            f"{source}: unknown input type {path.suffix or '(no extension)'!r}; give a .jsonl or .parquet file "
            "or a folder"
        )
    return _unique(_limited(records, max_chars))


def _limited(entries: Iterable[Entry], max_chars: int) -> Iterator[Entry]:
    for entry in entries:
        doc = entry.document
        if doc is not None and len(doc.text) > max_chars:
            yield Entry(entry.id, error=f"too long: {len(doc.text):,} characters, the limit is {max_chars:,}")
        else:
            yield entry


def _unique(entries: Iterable[Entry]) -> list[Entry]:
    seen: dict[str, int] = {}
    out: list[Entry] = []
    for entry in entries:
        seen[entry.id] = seen.get(entry.id, 0) + 1
        if seen[entry.id] == 1:
            out.append(entry)
        else:
            count = seen[entry.id]
            message = f"repeated id {entry.id!r} (occurrence {count}); only the first is checked"
            out.append(Entry(f"{entry.id}#{count}", error=message))
    return out


def _record(key: str, fields: dict[str, Any], id_column: str, text_column: str) -> Entry:
    """One row of a table → an entry; ``key`` (file and line or row) names it when it has no usable id."""
    raw_id = fields.get(id_column)
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int) or str(raw_id).strip() == "":
        return Entry(key, error=f"no usable {id_column!r} (got {raw_id!r})")
    doc_id = str(raw_id)
    text = fields.get(text_column)
    if text is None:
        return Entry(doc_id, error=f"no {text_column!r}")
    if not isinstance(text, str):
        return Entry(doc_id, error=f"{text_column!r} is not a string (got {type(text).__name__})")
    if not text.strip():
        return Entry(doc_id, error="empty text")
    return Entry(doc_id, Document(id=doc_id, text=text.removeprefix("\ufeff")))


def _missing_columns(source: Path, names: Iterable[str], id_column: str, text_column: str) -> None:
    names = list(names)
    missing = [c for c in (id_column, text_column) if c not in names]
    if missing:
        raise ConfigError(
            f"{source}: no column {', '.join(map(repr, missing))} (it has {', '.join(names) or 'none'}); "
            "name the columns with --id-column and --text-column"
        )


def _jsonl(source: Path, id_column: str, text_column: str) -> Iterator[Entry]:
    checked_columns = False
    with source.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            if not raw.strip():
                continue
            key = f"{source.name}:{number}"
            try:
                fields = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield Entry(key, error=f"line {number}: not valid UTF-8 (byte offset {exc.start} in the line)")
                continue
            except json.JSONDecodeError as exc:
                yield Entry(key, error=f"line {number}: not JSON ({exc.msg} at column {exc.colno})")
                continue
            if not isinstance(fields, dict):
                yield Entry(key, error=f"line {number}: a JSON {type(fields).__name__}, not an object")
                continue
            if not checked_columns:  # a wrong column name is a bad argument, not a thousand error rows
                _missing_columns(source, fields, id_column, text_column)
                checked_columns = True
            yield _record(key, fields, id_column, text_column)


def _parquet(source: Path, id_column: str, text_column: str) -> Iterator[Entry]:
    pq = require_parquet("Parquet input")
    try:
        table = pq.ParquetFile(source)
    except Exception as exc:
        raise ConfigError(f"{source}: not a readable Parquet file ({exc})") from exc
    _missing_columns(source, table.schema_arrow.names, id_column, text_column)
    number = 0
    for chunk in table.iter_batches(columns=[id_column, text_column], batch_size=1024):
        for fields in chunk.to_pylist():
            number += 1
            yield _record(f"{source.name}:row {number}", fields, id_column, text_column)


def _folder(root: Path, encoding: str) -> Iterator[Entry]:
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in FOLDER_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    for path in files:
        doc_id = path.relative_to(root).as_posix()
        try:
            doc = read_document(str(path), encoding=encoding)
        except ContradictError as exc:
            yield Entry(doc_id, error=str(exc).replace(str(path), doc_id, 1))
            continue
        yield Entry(doc_id, dataclasses.replace(doc, id=doc_id))


def require_parquet(purpose: str) -> Any:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ConfigError(f"{purpose} needs pyarrow: pip install 'contradict[parquet]'") from exc
    return pq


__all__ = ["DEFAULT_MAX_CHARS", "FOLDER_SUFFIXES", "Entry", "read_entries", "require_parquet"]

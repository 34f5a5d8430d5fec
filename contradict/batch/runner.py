"""``contradict.batch.run``: an archive in, one row per document out, resumable."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contradict.batch.checker import Checker, EmbedderFactory, ScorerFactory
from contradict.batch.engines import Engine, import_ray, run_local, run_ray
from contradict.batch.inputs import DEFAULT_MAX_CHARS, read_entries
from contradict.batch.outputs import Row, Status, open_sink
from contradict.errors import ConfigError

logger = logging.getLogger(__name__)

#: Documents per Ray block and batch: small enough to spread a few thousand articles over the actors.
DEFAULT_BATCH_SIZE = 8


@dataclass(frozen=True)
class BatchSummary:
    """``documents`` in the input; of them ``resumed`` already had a row, ``checked`` got one now. ``ok``,
    ``found`` (a pair at the threshold) and ``errors`` count all the input's rows, old and new."""

    documents: int
    resumed: int
    checked: int
    ok: int
    found: int
    errors: int
    seconds: float

    @property
    def documents_per_second(self) -> float:
        return self.checked / self.seconds if self.seconds > 0 else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "resumed": self.resumed,
            "checked": self.checked,
            "ok": self.ok,
            "found": self.found,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "documents_per_second": round(self.documents_per_second, 3),
        }


def run(
    source: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    engine: Engine = Engine.local,
    address: str | None = None,
    workers: int = 1,
    id_column: str = "id",
    text_column: str = "text",
    encoding: str = "utf-8",
    max_chars: int = DEFAULT_MAX_CHARS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    options: Mapping[str, Any] | None = None,
    scorer_factory: ScorerFactory | None = None,
    embedder_factory: EmbedderFactory | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Check every document of ``source`` on its own and write one row per document to ``out``.

    ``source``: a JSONL or Parquet file with columns ``id_column`` and ``text_column``, or a folder of
    .txt/.md/.html/.docx files (id: the path below the folder). ``out``: JSONL, or Parquet for a .parquet
    path; each row is ``{"id", "status": "ok"|"error", "error", "report"}`` with the report object of
    ``contradict check --format json``. Rows already in ``out`` are kept and their documents skipped, so
    running again after a crash or an interrupt finishes the rest. A document that cannot be checked
    (empty, undecodable, longer than ``max_chars``) gets an error row. ``options``: keyword arguments of
    :func:`contradict.detect`, the same for every document. ``engine`` ray runs ``workers`` actors
    (joining the cluster at ``address``, else starting a local one). ``progress(done, total)`` is called
    after each row written in this run.
    """
    engine = Engine(engine)
    if workers < 1:
        raise ConfigError(f"workers must be >= 1, got {workers}")
    if batch_size < 1:
        raise ConfigError(f"batch_size must be >= 1, got {batch_size}")
    if engine is Engine.local and (workers != 1 or address is not None):
        raise ConfigError("--workers and --address need --engine ray; the local engine is one process")
    if Path(out).resolve() == Path(source).resolve():
        raise ConfigError(f"{out}: the output cannot be the input")
    if engine is Engine.ray:
        import_ray()
    checker = Checker(options, scorer_factory=scorer_factory, embedder_factory=embedder_factory)
    checker.validate()  # bad options or a missing model fail here, before any row is written
    entries = read_entries(source, id_column=id_column, text_column=text_column, encoding=encoding, max_chars=max_chars)
    sink = open_sink(out)
    rows = sink.open()
    pending = [e for e in entries if e.id not in rows]
    start = time.perf_counter()
    checked = 0
    complete = False

    def emit(row: Row) -> None:
        nonlocal checked
        sink.write(row)
        rows[row.id] = row
        checked += 1
        if progress is not None:
            progress(checked, len(pending))

    logger.info(
        "%d documents, %d already in %s, %d to check", len(entries), len(entries) - len(pending), out, len(pending)
    )
    try:
        for entry in pending:
            if entry.document is None:
                emit(Row(entry.id, Status.error, error=entry.error))
        documents = [e.document for e in pending if e.document is not None]
        if documents and engine is Engine.local:
            run_local(documents, checker, emit)
        elif documents:
            run_ray(documents, checker, emit, address=address, workers=workers, batch_size=batch_size)
        complete = True
    except KeyboardInterrupt:
        logger.warning(
            "interrupted: %d of %d rows written to %s; run the same command again to finish", checked, len(pending), out
        )
        raise
    finally:
        sink.close(complete=complete)
    mine = [rows[e.id] for e in entries]
    return BatchSummary(
        documents=len(entries),
        resumed=len(entries) - len(pending),
        checked=checked,
        ok=sum(r.status is Status.ok for r in mine),
        found=sum(r.found for r in mine),
        errors=sum(r.status is Status.error for r in mine),
        seconds=time.perf_counter() - start,
    )

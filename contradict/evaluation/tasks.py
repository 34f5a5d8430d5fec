"""Eval tasks are data: one YAML file per dataset, loaded into a :class:`Task`.

A task names its loader (``json``, ``csv`` or a hub dataset id), its files (relative to a data root),
how columns map to premise/hypothesis/label (pair level) or text/label/evidence (document level), how
labels map to contradict's labels, and where its threshold comes from (``dev``).

A document task whose rows also have a ``claim`` checks that claim against the text as its source
(`contradict check CLAIM --against SOURCE`): the row's score is the best claim–source pair. ``join``
brings columns from a second file (e.g. article bodies by id), a label mapped to ``drop`` leaves its rows
out, and ``sample_per_label`` keeps a seeded random sample of that many rows of each label.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import yaml

from contradict.errors import DataError
from contradict.extras import require
from contradict.paths import data_dirs

Level = Literal["pair", "document"]
PAIR_LABELS = ("entailment", "neutral", "contradiction", "not_entailment")
DOCUMENT_LABELS = ("contradictory", "non_contradictory")
PAIR_COLUMNS = ("premise", "hypothesis", "label")
DOCUMENT_COLUMNS = ("text", "label")
DROP = "drop"  # a label_map target: leave such rows out
JOIN_KEYS = ("data_files", "key")  # not `on`: YAML 1.1 reads it as a boolean
PAIR_METRICS = (
    "accuracy",
    "macro_f1",
    "contradiction_precision",
    "contradiction_recall",
    "contradiction_f1",
    "roc_auc",
    "average_precision",
    "accuracy_2way",
    "ece",
)
DOCUMENT_METRICS = ("roc_auc", "balanced_accuracy", "evidence_hit@1", "evidence_hit@3")
#: ``dev`` value meaning "a deterministic half of this task (by a hash of the row id) is the dev data".
HALF = "half"
DEFAULT_PAIR_DEV = "lingnli_validation"


@dataclass(frozen=True)
class Task:
    name: str
    level: Level
    loader: str = "json"
    data_files: tuple[str, ...] = ()
    split: str = "train"
    columns: dict[str, str] = field(default_factory=dict)  # canonical name -> column in the data
    label_map: dict[str, str] = field(default_factory=dict)  # label in the data -> canonical label
    dev: str = DEFAULT_PAIR_DEV  # a task name, or "half"
    metrics: tuple[str, ...] = ()
    description: str = ""
    join: dict[str, str] = field(default_factory=dict)  # {data_files: FILE, key: COLUMN}: columns of FILE's rows
    sample_per_label: int | None = None  # keep a seeded random sample of this many rows per label
    source: str = ""  # where the task came from (YAML path, data file)

    def __post_init__(self) -> None:
        if self.level not in ("pair", "document"):
            raise DataError(f"task {self.name}: level must be 'pair' or 'document', got {self.level!r}")
        known = PAIR_METRICS if self.level == "pair" else DOCUMENT_METRICS
        unknown = [m for m in self.metrics if m not in known]
        if unknown:
            raise DataError(f"task {self.name}: unknown metric(s) {unknown}. Available: {', '.join(known)}")
        allowed = (*(PAIR_LABELS if self.level == "pair" else DOCUMENT_LABELS), DROP)
        bad = sorted({v for v in self.label_map.values() if v not in allowed})
        if bad:
            raise DataError(f"task {self.name}: label_map targets {bad} are not among {', '.join(allowed)}")
        if self.join and sorted(self.join) != sorted(JOIN_KEYS):
            raise DataError(
                f"task {self.name}: join needs exactly the keys {', '.join(JOIN_KEYS)}, got {sorted(self.join)}"
            )
        if self.sample_per_label is not None and self.sample_per_label < 1:
            raise DataError(f"task {self.name}: sample_per_label must be >= 1, got {self.sample_per_label}")

    def column(self, canonical: str) -> str:
        return self.columns.get(canonical, canonical)

    @property
    def all_metrics(self) -> tuple[str, ...]:
        return self.metrics or (PAIR_METRICS if self.level == "pair" else DOCUMENT_METRICS)


def default_data_root() -> Path | None:
    """``$CONTRADICT_DATA``, else ../shared/data beside the repository when it exists."""
    if os.environ.get("CONTRADICT_DATA"):
        return Path(os.environ["CONTRADICT_DATA"])
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if (parent / "pyproject.toml").is_file() and candidate.is_dir():
            return candidate
    return None


def task_dirs() -> list[Path]:
    """Where task YAML files are looked for: $CONTRADICT_TASKS, the checkout's eval/tasks, the installed copy."""
    return data_dirs("CONTRADICT_TASKS", "eval/tasks", "eval_tasks")


def available_tasks() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in task_dirs():
        if d.is_dir():
            for path in sorted(d.glob("*.yaml")):
                found.setdefault(path.stem, path)
    return found


def load_task_file(path: Path) -> Task:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: cannot read task file ({exc})") from exc
    if not isinstance(raw, dict):
        raise DataError(f"{path}: a task file must be a YAML mapping")
    known = {f for f in Task.__dataclass_fields__ if f != "source"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise DataError(f"{path}: unknown key(s) {unknown}. Known: {', '.join(sorted(known))}")
    for key in ("name", "level"):
        if key not in raw:
            raise DataError(f"{path}: missing key {key!r}")
    files = raw.get("data_files", ())
    raw["data_files"] = (files,) if isinstance(files, str) else tuple(files or ())
    raw["metrics"] = tuple(raw.get("metrics") or ())
    raw["columns"] = dict(raw.get("columns") or {})
    raw["label_map"] = {str(k): str(v) for k, v in (raw.get("label_map") or {}).items()}
    raw["join"] = {str(k): str(v) for k, v in (raw.get("join") or {}).items()}
    return Task(**raw, source=str(path))


def task_from_data_file(path: Path) -> Task:
    """A plain JSONL/CSV file as a task: pair level if it has premise/hypothesis, else document level."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".json", ".csv"):
        raise DataError(f"{path}: expected a .jsonl, .json or .csv data file or a .yaml task")
    header = _peek_columns(path)
    if {"premise", "hypothesis", "label"} <= header:
        level: Level = "pair"
        label_map = {x: x for x in PAIR_LABELS}
    elif {"text", "label"} <= header:
        level = "document"
        label_map = {
            "contradictory": "contradictory",
            "non_contradictory": "non_contradictory",
            "1": "contradictory",
            "0": "non_contradictory",
            "true": "contradictory",
            "false": "non_contradictory",
        }
    else:
        raise DataError(
            f"{path}: needs columns premise, hypothesis, label (pairs) or text, label (documents); "
            f"found {sorted(header)}"
        )
    return Task(
        name=path.stem,
        level=level,
        loader="csv" if suffix == ".csv" else "json",
        data_files=(str(path.resolve()),),
        label_map=label_map,
        dev="",  # a user's file: threshold from --threshold or the model
        source=str(path),
    )


def _peek_columns(path: Path) -> set[str]:
    import csv
    import json

    try:
        with path.open(encoding="utf-8") as fh:
            if path.suffix.lower() == ".csv":
                return set(next(csv.reader(fh), []))
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    if not isinstance(row, dict):
                        raise DataError(f"{path}: each line must be a JSON object")
                    return set(row)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path}: cannot read ({exc})") from exc
    raise DataError(f"{path}: no rows")


def resolve_task(spec: str) -> Task:
    """A task name, a YAML path, or a plain data file → :class:`Task`."""
    path = Path(spec)
    if path.suffix.lower() in (".yaml", ".yml"):
        if not path.is_file():
            raise DataError(f"task file not found: {spec}")
        return load_task_file(path)
    if path.suffix and path.exists():
        return task_from_data_file(path)
    tasks = available_tasks()
    if spec in tasks:
        return load_task_file(tasks[spec])
    if path.suffix:
        raise DataError(f"file not found: {spec}")
    looked = ", ".join(str(d) for d in task_dirs())
    names = ", ".join(sorted(tasks)) or "none"
    raise DataError(f"unknown task {spec!r}. Available: {names} (looked in {looked})")


def data_paths(task: Task, data_root: Path | None) -> list[Path]:
    paths = []
    for f in task.data_files:
        p = Path(f)
        if not p.is_absolute():
            if data_root is None:
                raise FileNotFoundError(f"{f} (no data root: set --data-root or CONTRADICT_DATA)")
            p = data_root / p
        paths.append(p)
    return paths


def _datasets() -> ModuleType:
    """Hugging Face ``datasets``, imported on first use (the ``eval`` extra)."""
    return require("datasets", "loading eval task data", "eval")


def _load_local(task: Task, paths: list[Path]) -> Any:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(", ".join(missing))
    for p in paths:
        if p.stat().st_size == 0:
            raise DataError(f"{p}: empty file")
    datasets = _datasets()

    datasets.disable_progress_bars()
    try:
        return datasets.load_dataset(task.loader, data_files=[str(p) for p in paths], split=task.split)
    except Exception as exc:
        raise DataError(f"task {task.name}: cannot load {', '.join(map(str, paths))}: {exc}") from exc


def _joined(task: Task, data_root: Path | None) -> dict[str, dict[str, Any]]:
    """Rows of the ``join`` file by their ``key`` column."""
    key = task.join["key"]
    (path,) = data_paths(replace(task, data_files=(task.join["data_files"],)), data_root)
    ds = _load_local(task, [path])
    if key not in ds.column_names:
        raise DataError(f"task {task.name}: join column {key!r} not in {path}; columns are {ds.column_names}")
    return {str(r[key]): r for r in ds}


def _sample(rows: list[dict[str, Any]], per_label: int) -> list[dict[str, Any]]:
    rng = random.Random(0)
    keep: set[int] = set()
    for label in sorted({r["label"] for r in rows}):
        members = [i for i, r in enumerate(rows) if r["label"] == label]
        keep.update(rng.sample(members, min(per_label, len(members))))
    return [r for i, r in enumerate(rows) if i in keep]


def load_rows(task: Task, data_root: Path | None, limit: int | None = None) -> list[dict[str, Any]]:
    """Rows of a task with canonical keys and labels; raises FileNotFoundError when its files are absent."""
    if task.loader in ("json", "csv"):
        ds = _load_local(task, data_paths(task, data_root))
    else:
        datasets = _datasets()
        try:
            ds = datasets.load_dataset(task.loader, split=task.split)
        except Exception as exc:
            raise FileNotFoundError(f"hub dataset {task.loader} ({exc})") from exc
    if limit is not None:
        ds = ds.select(range(min(limit, len(ds))))
    joined = _joined(task, data_root) if task.join else None
    columns = set(ds.column_names) | (set(next(iter(joined.values()), {})) if joined else set())
    required = PAIR_COLUMNS if task.level == "pair" else DOCUMENT_COLUMNS
    for canonical in required:
        if task.column(canonical) not in columns:
            raise DataError(
                f"task {task.name}: column {task.column(canonical)!r} (for {canonical}) not in the data; "
                f"columns are {sorted(columns)}"
            )
    if len(ds) == 0:
        raise DataError(f"task {task.name}: no rows")
    rows: list[dict[str, Any]] = []
    for i, raw in enumerate(ds):
        if joined is not None:
            key = str(raw.get(task.join["key"]))
            if key not in joined:
                raise DataError(
                    f"task {task.name}: row {i}: no {task.join['key']} {key!r} in {task.join['data_files']}"
                )
            raw = {**joined[key], **raw}
        label_raw = str(raw[task.column("label")]).strip()
        label = task.label_map.get(label_raw, task.label_map.get(label_raw.lower()))
        if label is None:
            raise DataError(
                f"task {task.name}: unknown label {label_raw!r} in row {i}; known: {sorted(task.label_map)}"
            )
        if label == DROP:
            continue
        row: dict[str, Any] = {"label": label, "row": i}
        row["id"] = str(raw.get(task.column("id"), i)) if task.column("id") in raw else str(i)
        if task.level == "pair":
            row["premise"] = str(raw[task.column("premise")])
            row["hypothesis"] = str(raw[task.column("hypothesis")])
        else:
            row["text"] = str(raw[task.column("text")])
            ev = raw.get(task.column("evidence"))
            row["evidence"] = str(ev) if ev else ""
            if raw.get(task.column("claim")):
                row["claim"] = str(raw[task.column("claim")])
        rows.append(row)
    if not rows:
        raise DataError(f"task {task.name}: no rows left after dropping labels")
    if task.sample_per_label is not None:
        rows = _sample(rows, task.sample_per_label)
    return rows


def is_dev_row(row_id: str) -> bool:
    """Deterministic half split by a hash of the row id: True for the dev half."""
    return int(hashlib.sha256(row_id.encode("utf-8")).hexdigest(), 16) % 2 == 0

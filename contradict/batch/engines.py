"""What runs the checks: this process (``local``) or the actors of a Ray cluster (``ray``).

Both hand each finished :class:`Row` to ``emit`` in the driver, which writes it at once; the order of the
rows is the order they finish in.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any

import numpy as np

from contradict.batch.checker import Checker, EmbedderFactory, ScorerFactory
from contradict.batch.outputs import Row
from contradict.errors import ConfigError
from contradict.types import Document

logger = logging.getLogger(__name__)

Emit = Callable[[Row], None]


class Engine(str, Enum):
    """``local``: one process, no Ray. ``ray``: Ray Data ``map_batches`` over an actor pool."""

    local = "local"
    ray = "ray"


def run_local(documents: Sequence[Document], checker: Checker, emit: Emit) -> None:
    checker.warm_up()
    for document in documents:
        emit(checker.check(document))


class RayChecker:
    """The callable class given to ``map_batches``: the models load once, in ``__init__``, per actor.

    A batch is columns id, text and view (None for plain text); the result is one column ``row``, each
    row's JSON (a fixed one-column schema, whatever the reports hold).
    """

    def __init__(
        self,
        options: Mapping[str, Any],
        scorer_factory: ScorerFactory | None = None,
        embedder_factory: EmbedderFactory | None = None,
    ) -> None:
        self.checker = Checker(options, scorer_factory=scorer_factory, embedder_factory=embedder_factory)
        self.checker.warm_up()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        rows = [
            self.checker.check(Document(id=str(i), text=str(t), view=v if isinstance(v, str) else None)).to_json()
            for i, t, v in zip(batch["id"], batch["text"], batch["view"], strict=True)
        ]
        return {"row": np.array(rows, dtype=object)}


def import_ray() -> Any:
    try:
        import ray
        import ray.data  # Ray Data is the ray[data] extra
    except ImportError as exc:
        raise ConfigError("--engine ray needs Ray Data: pip install 'contradict[ray]'") from exc
    return ray


def run_ray(
    documents: Sequence[Document],
    checker: Checker,
    emit: Emit,
    *,
    address: str | None = None,
    workers: int = 1,
    batch_size: int = 8,
) -> None:
    """Check ``documents`` on ``workers`` Ray actors of ``threads`` CPUs each (option ``threads``, default 1).

    Joins the cluster at ``address``, or the one this process is already connected to, or starts a local
    one (and shuts it down at the end). Each block holds ``batch_size`` documents, so that work spreads
    over the actors and results come back as they finish.
    """
    ray = import_ray()
    threads = int(checker.options.get("threads") or 1)
    options = {**checker.options, "threads": threads}
    started = not ray.is_initialized()
    if started:
        logger.info("starting Ray%s", f" at {address}" if address else " (a local cluster)")
        try:
            ray.init(address=address, include_dashboard=False)
        except (ConnectionError, TimeoutError, RuntimeError, ValueError) as exc:
            raise ConfigError(f"cannot join the Ray cluster at {address}: {exc}") from exc
    elif address:
        logger.warning("already connected to a Ray cluster; --address %s is not used", address)
    try:
        cpus = ray.cluster_resources().get("CPU", 0)
        if started and address is None and workers * threads > cpus:
            raise ConfigError(
                f"{workers} worker(s) of {threads} thread(s) need {workers * threads} CPUs; this machine's Ray "
                f"cluster has {cpus:g}"
            )
        items = [{"id": d.id, "text": d.text, "view": d.view} for d in documents]
        dataset = ray.data.from_items(items, override_num_blocks=max(1, math.ceil(len(items) / batch_size)))
        results = dataset.map_batches(
            RayChecker,
            fn_constructor_kwargs={
                "options": options,
                "scorer_factory": checker.scorer_factory,
                "embedder_factory": checker.embedder_factory,
            },
            batch_size=batch_size,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=workers),
            num_cpus=threads,
        )
        for batch in results.iter_batches(batch_size=None, batch_format="numpy"):
            for text in batch["row"]:
                emit(Row.from_dict(json.loads(text)))
    finally:
        if started:
            ray.shutdown()

"""Checking one document of a batch: :func:`contradict.detect` with the models loaded once per process."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from contradict import api
from contradict.batch.outputs import Row, Status
from contradict.errors import ConfigError, ContradictError
from contradict.pipeline.nli import Backend
from contradict.types import Document

logger = logging.getLogger(__name__)

#: detect() arguments a batch sets itself, per document or per process.
RESERVED_OPTIONS = ("texts", "against", "also_internal", "scorer", "embedder", "progress")

ScorerFactory = Callable[[], Any]
EmbedderFactory = Callable[[], Any]


#: Checked once when a checker warms up, so that every model ``detect`` uses for these options loads then
#: (the fast model, the accurate one of a cascade, the embedder): two claims, one pair.
WARM_UP = Document(id="warm-up", text="The bridge opened on Monday. The bridge did not open on Monday.")


class Checker:
    """Turns a document into its :class:`Row`; one per process (the local engine) or per Ray actor.

    ``options`` are keyword arguments of :func:`contradict.detect` (model, judge, scoring, precision,
    backend, threads, threshold, top, pairer, views, …), passed through as they are, so that ``detect``
    chooses and caches the models as for ``contradict check`` (once per process); backend ``auto`` is
    torch here, since a batch pays the import of torch once. ``scorer_factory``/``embedder_factory``
    replace the fast model and the embedder (a test's fakes; picklable for Ray).
    """

    def __init__(
        self,
        options: Mapping[str, Any] | None = None,
        *,
        scorer_factory: ScorerFactory | None = None,
        embedder_factory: EmbedderFactory | None = None,
    ) -> None:
        self.options = dict(options or {})
        reserved = [name for name in RESERVED_OPTIONS if name in self.options]
        if reserved:
            raise ConfigError(
                f"batch options cannot set {', '.join(reserved)}: each document is checked on its own "
                "(use scorer_factory/embedder_factory for other models)"
            )
        if Backend(self.options.get("backend", Backend.torch)) is Backend.auto:
            self.options["backend"] = Backend.torch
        self.scorer_factory = scorer_factory
        self.embedder_factory = embedder_factory
        self._given: dict[str, Any] | None = None

    def _models(self) -> dict[str, Any]:
        if self._given is None:
            self._given = {}
            if self.scorer_factory is not None:
                self._given["scorer"] = self.scorer_factory()
            if self.embedder_factory is not None:
                self._given["embedder"] = self.embedder_factory()
        return self._given

    def _detect(self, document: Document | None) -> Any:
        return api.detect([] if document is None else [document], **self._models(), **self.options)

    def validate(self) -> None:
        """Check the options and find the models without loading their weights: an empty input through detect."""
        self._detect(None)

    def warm_up(self) -> None:
        """Load the weights of every model the options use: a two-claim document through detect."""
        self._detect(WARM_UP)

    def check(self, document: Document) -> Row:
        """The document's report, or an error row: a bad document never stops the batch."""
        try:
            report = self._detect(document)
        except ContradictError as exc:
            logger.info("%s: %s", document.id, exc)
            return Row(document.id, Status.error, error=str(exc))
        except Exception as exc:
            logger.warning(
                "%s: internal error %s: %s",
                document.id,
                type(exc).__name__,
                exc,
                exc_info=logger.isEnabledFor(logging.DEBUG),
            )
            return Row(document.id, Status.error, error=f"internal error {type(exc).__name__}: {exc}")
        return Row(document.id, Status.ok, report=report.to_dict())

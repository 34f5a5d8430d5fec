"""What the web app calls: loads the model(s) once, runs each check as a :class:`~contradict.serve.jobs.Job`
through the limiter, and keeps the jobs the page polls. No HTTP here."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import Enum
from typing import Any, TypeVar

from contradict import api
from contradict.serve.inputs import CheckInput
from contradict.serve.jobs import Job, JobLimiter, JobStore
from contradict.serve.settings import ServeSettings, detect_kwargs
from contradict.types import Report

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: A check small enough to be instant and large enough to load both models (two claims make one pair).
WARM_UP_TEXT = "The sky is blue over the city today. The sky is not blue over the city today."


class ModelState(str, Enum):
    loading = "loading"
    ready = "ready"
    failed = "failed"


class NotReady(Exception):
    """A check asked for before the model is loaded (``loading``), or after it failed to load."""

    def __init__(self, message: str, *, loading: bool) -> None:
        super().__init__(message)
        self.loading = loading


class CheckService:
    """``notify`` receives the lines a person starting the server wants to see (loading, loaded, failed)."""

    def __init__(self, settings: ServeSettings, notify: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.limiter = JobLimiter(settings.concurrency, settings.queue)
        self.jobs = JobStore()
        self.state = ModelState.loading
        self.message: str | None = None
        self.model: dict[str, Any] = {}
        self._notify = notify or logger.info
        self._loaded = threading.Event()

    def load(self) -> None:
        """Load the model(s) by running a tiny check with the server's settings; never raises (a failure is
        kept in :attr:`state` and :attr:`message`)."""
        started = time.monotonic()
        self._notify(f"loading the model ({self.settings.model or 'the shipped default'}) …")
        try:
            kwargs = {**detect_kwargs(self.settings.defaults, self.settings), "threshold": None}
            report = api.detect(WARM_UP_TEXT, **kwargs)
        except Exception as exc:
            logger.debug("loading failed", exc_info=True)
            self.state, self.message = ModelState.failed, f"the model could not be loaded: {exc}"
            self._notify(f"error: {self.message}")
        else:
            self.model = {
                "name": report.model,
                "scoring": report.scoring,
                "fast_model": report.fast_model,
                "backend": report.backend,
                "precision": report.precision,
                "threshold": report.threshold,  # the model's own; a check's default may differ
            }
            self.state = ModelState.ready
            self._notify(
                f"model {report.model} loaded ({report.scoring} scoring, {report.backend}, {report.precision}) in "
                f"{time.monotonic() - started:.1f} s; ready"
            )
        finally:
            self._loaded.set()

    def wait_loaded(self, timeout: float | None = None) -> bool:
        return self._loaded.wait(timeout)

    def submit(self, check: CheckInput, finish: Callable[[Report, CheckInput], T], *, keep: bool = False) -> Job[T]:
        """Start a check; ``finish`` turns its report into the answer, still off the event loop. ``keep``: store
        the job for polling by id. Raises :class:`NotReady` or :class:`~contradict.serve.jobs.QueueFull`."""
        if self.state is ModelState.loading:
            raise NotReady("the model is still loading", loading=True)
        if self.state is ModelState.failed:
            raise NotReady(self.message or "the model could not be loaded", loading=False)
        kwargs = detect_kwargs(check.options, self.settings)

        def run(job: Job[T]) -> T:
            sources = list(check.sources) or None
            report = api.detect(list(check.drafts), against=sources, progress=job.progress, **kwargs)
            return finish(report, check)

        job: Job[T] = Job(self.settings.timeout)
        self.limiter.submit(job, run)
        if keep:
            self.jobs.add(job)
        return job

    def health(self) -> dict[str, Any]:
        return {
            "status": self.state.value,
            "message": self.message,
            "model": self.model or None,
            **self.limiter.stats(),
        }

    def close(self) -> None:
        self.limiter.shutdown()

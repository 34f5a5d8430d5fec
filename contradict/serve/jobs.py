"""Checks as jobs: each runs on a bounded pool of threads (off the event loop) behind a bounded queue, with its
own progress, deadline and result.

A :class:`Job` is written by the worker thread that runs it and read by the event loop; its fields are plain
values replaced whole, and its state is derived from its future, so a reader never sees half an update.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class QueueFull(Exception):
    """Every worker is busy and the queue is full; ``retry_after``: seconds after which one is likely free."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"the server is busy: all workers and queue places are taken; retry in {retry_after} s")
        self.retry_after = retry_after


class Cancelled(Exception):
    """Raised inside a check whose deadline passed or whose client left: it stops at its next batch."""


class JobState(str, Enum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"


class Job(Generic[T]):
    """One check: its deadline, progress (model calls done of total) and, once finished, result or error."""

    def __init__(self, timeout: float) -> None:
        self.id = secrets.token_urlsafe(12)  # unguessable: one client cannot read another's report
        self.created = time.monotonic()
        self.deadline = self.created + timeout
        self.started: float | None = None
        self.finished: float | None = None
        self.progress_done = 0
        self.progress_total: int | None = None
        self.future: Future[T] | None = None
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        """A :func:`contradict.detect` progress callback; raises :class:`Cancelled` to stop a dead check."""
        self.check_alive()
        self.progress_done, self.progress_total = done, total

    def check_alive(self) -> None:
        if self._cancel.is_set():
            raise Cancelled("the check was cancelled")
        if self.expired:
            raise Cancelled("the check ran out of time")

    @property
    def expired(self) -> bool:
        return time.monotonic() > self.deadline

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def cancel(self) -> None:
        """Stop the check: at once if it is still queued, else at its next batch of model calls."""
        self._cancel.set()
        if self.future is not None:
            self.future.cancel()

    @property
    def state(self) -> JobState:
        if self.future is not None and self.future.done():
            return JobState.failed if self.future.cancelled() or self.future.exception() else JobState.done
        return JobState.queued if self.started is None else JobState.running

    @property
    def error(self) -> BaseException | None:
        """Why the job failed (:class:`Cancelled` when it was cancelled or ran out of time), or None."""
        if self.future is None or not self.future.done():
            return Cancelled("the check ran out of time") if self.expired else None
        if self.future.cancelled():
            return Cancelled("the check was cancelled" if not self.expired else "the check ran out of time")
        return self.future.exception()

    def result(self) -> T:
        assert self.future is not None and self.future.done()
        return self.future.result()

    def seconds(self) -> float:
        """Time since the job was admitted, or that it took."""
        return (self.finished or time.monotonic()) - self.created


class JobLimiter:
    """Runs jobs on ``concurrency`` threads with at most ``queue`` more waiting; beyond that :meth:`submit`
    raises :class:`QueueFull` at once instead of letting work pile up."""

    def __init__(self, concurrency: int, queue: int) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {concurrency}")
        if queue < 0:
            raise ValueError(f"queue must be >= 0, got {queue}")
        self.concurrency, self.queue = concurrency, queue
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="contradict-check")
        self._lock = threading.Lock()
        self._admitted: set[Job[Any]] = set()
        self._running = 0
        self._mean_seconds: float | None = None  # moving average of a check's run time, for Retry-After

    def submit(self, job: Job[T], fn: Callable[[Job[T]], T]) -> Future[T]:
        with self._lock:
            if len(self._admitted) >= self.concurrency + self.queue:
                raise QueueFull(self._retry_after())
            self._admitted.add(job)
        try:
            future = self._pool.submit(self._run, job, fn)
        except RuntimeError:  # shut down
            self._release(job)
            raise
        job.future = future
        future.add_done_callback(lambda _: self._release(job))  # also when cancelled before it ran
        return future

    def _run(self, job: Job[T], fn: Callable[[Job[T]], T]) -> T:
        job.check_alive()  # a job whose deadline passed in the queue never starts
        job.started = time.monotonic()
        with self._lock:
            self._running += 1
        try:
            return fn(job)
        finally:
            job.finished = time.monotonic()
            took = job.finished - job.started
            with self._lock:
                self._running -= 1
                self._mean_seconds = took if self._mean_seconds is None else 0.8 * self._mean_seconds + 0.2 * took

    def _release(self, job: Job[Any]) -> None:
        if job.finished is None:
            job.finished = time.monotonic()
        with self._lock:
            self._admitted.discard(job)

    def _retry_after(self) -> int:
        """Seconds until a queue place is likely free: the waiting checks' share of the workers' time."""
        per_check = self._mean_seconds if self._mean_seconds is not None else 1.0
        waiting = len(self._admitted) - self._running
        return max(1, min(600, math.ceil(per_check * (waiting / self.concurrency + 1))))

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {"running": self._running, "waiting": len(self._admitted) - self._running}

    def shutdown(self) -> None:
        """Cancel what waits, ask what runs to stop at its next batch, and let the threads end."""
        with self._lock:
            jobs = list(self._admitted)
        for job in jobs:
            job.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)


class JobStore:
    """The jobs the page polls, by id. Finished jobs are kept ``keep_seconds`` and at most ``max_finished`` of
    them; unfinished ones are bounded by the limiter."""

    def __init__(self, keep_seconds: float = 600.0, max_finished: int = 200) -> None:
        self.keep_seconds, self.max_finished = keep_seconds, max_finished
        self._jobs: dict[str, Job[Any]] = {}
        self._lock = threading.Lock()

    def add(self, job: Job[Any]) -> None:
        with self._lock:
            self._prune()
            self._jobs[job.id] = job

    def get(self, job_id: str) -> Job[Any] | None:
        with self._lock:
            self._prune()
            return self._jobs.get(job_id)

    def _prune(self) -> None:
        now = time.monotonic()
        finished = sorted((job.finished, job.id) for job in self._jobs.values() if job.finished is not None)
        too_many = len(finished) - self.max_finished
        for k, (when, job_id) in enumerate(finished):
            if k < too_many or now - when > self.keep_seconds:
                del self._jobs[job_id]


__all__ = ["Cancelled", "Job", "JobLimiter", "JobState", "JobStore", "QueueFull"]

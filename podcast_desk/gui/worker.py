"""Work off the GUI thread: small database calls, and the Runner on a QThreadPool."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

if TYPE_CHECKING:
    from podcast_desk.app import Core
    from podcast_desk.tasks.progress import Reporter
    from podcast_desk.tasks.runner import Runner

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]


class _Relay(QObject):
    """Lives on the GUI thread; its signals carry one call's outcome back to it (queued).

    Signals:
        succeeded(object): the function returned this value.
        failed(object): the function raised this exception.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, owner: BackgroundCalls, on_done: Callback | None,
                 on_error: Callback | None) -> None:
        super().__init__()
        self._owner = owner
        self._on_done = on_done
        self._on_error = on_error
        self.succeeded.connect(self.on_call_succeeded)
        self.failed.connect(self.on_call_failed)

    @Slot(object)
    def on_call_succeeded(self, value: Any) -> None:
        try:
            if self._on_done is not None:
                self._on_done(value)
        finally:
            self._owner.forget(self)

    @Slot(object)
    def on_call_failed(self, exc: Any) -> None:
        try:
            if self._on_error is not None:
                self._on_error(exc)
            else:
                log.error("background call failed: %r", exc)
        finally:
            self._owner.forget(self)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            value = self._fn()
        except Exception as exc:
            log.debug("background call raised", exc_info=True)
            self._relay.failed.emit(exc)
            return
        self._relay.succeeded.emit(value)


class BackgroundCalls(QObject):
    """Runs short functions (database reads, queue writes) on a thread pool.

    ``call(fn, on_done, on_error)`` returns at once; ``on_done(value)`` or
    ``on_error(exception)`` then runs on the GUI thread. Nothing of Qt is touched by ``fn``.

    Signals:
        idle_changed(bool): True when no call is in flight any more, False when one starts.
    """

    idle_changed = Signal(bool)

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._pending: set[_Relay] = set()

    def call(self, fn: Callable[[], Any], on_done: Callback | None = None,
             on_error: Callback | None = None) -> None:
        relay = _Relay(self, on_done, on_error)
        if not self._pending:
            self.idle_changed.emit(False)
        self._pending.add(relay)
        self.pool.start(_Call(fn, relay))

    def forget(self, relay: _Relay) -> None:
        self._pending.discard(relay)
        relay.deleteLater()
        if not self._pending:
            self.idle_changed.emit(True)

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Block until running calls return (their callbacks are then still queued)."""
        return bool(self.pool.waitForDone(timeout_ms))


class _RunnerJob(QRunnable):
    """Runs one Runner until it is stopped; ``done`` is set when ``run`` returned."""

    def __init__(self, runner: Runner, on_exit: Callable[[], None]) -> None:
        super().__init__()
        self.runner = runner
        self.done = threading.Event()
        self._on_exit = on_exit

    def run(self) -> None:
        try:
            self.runner.run()
        except Exception:
            log.exception("the runner stopped with an error")
        finally:
            self.done.set()
            self._on_exit()


class ProcessingController(QObject):
    """The in-app worker: the core's Runner on a QThreadPool thread, with pause and resume.

    Pause stops the runner: running tasks stop at their next check and are released,
    so they stay resumable; resume builds a new runner (a stopped one stays stopped).
    ``shutdown`` does the same and waits, bounded, for the runner to return.

    Signals:
        state_changed(bool): processing was resumed (True) or paused (False).
        runner_exited(): a runner returned (its thread is free again).
    """

    state_changed = Signal(bool)
    runner_exited = Signal()

    def __init__(
        self,
        core: Core,
        reporter: Reporter,
        *,
        poll_interval: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.reporter = reporter
        self.poll_interval = poll_interval
        # Two threads: a paused runner may still be finishing its step when a new one starts.
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(2)
        self._job: _RunnerJob | None = None
        self._jobs: list[_RunnerJob] = []
        self._lock = threading.Lock()

    @property
    def running(self) -> bool:
        """Whether processing is on (not paused)."""
        return self._job is not None

    @property
    def runner(self) -> Runner | None:
        return self._job.runner if self._job else None

    def start(self) -> None:
        """Start processing (resume); does nothing when it is already on."""
        if self._job is not None:
            return
        runner = self.core.runner(self.reporter, poll_interval=self.poll_interval, name="app")
        job = _RunnerJob(runner, self.runner_exited.emit)
        job.setAutoDelete(False)
        with self._lock:
            self._jobs = [j for j in self._jobs if not j.done.is_set()]
            self._jobs.append(job)
        self._job = job
        self.pool.start(job)
        log.info("processing started (%s)", runner.owner)
        self.state_changed.emit(True)

    resume = start

    def pause(self) -> None:
        """Stop processing: running tasks are released at their next check, resumable."""
        job, self._job = self._job, None
        if job is None:
            return
        job.runner.stop()
        log.info("processing paused")
        self.state_changed.emit(False)

    def toggle(self) -> None:
        if self.running:
            self.pause()
        else:
            self.start()

    def restart(self) -> None:
        """Pause and resume, so a new runner picks up changed settings (concurrency)."""
        if self.running:
            self.pause()
            self.start()

    def wake(self) -> None:
        """Claim now instead of at the next poll (a task was added or requeued)."""
        if self._job is not None:
            self._job.runner.wake()

    def active_task_ids(self) -> list[str]:
        """Tasks this app's runners are working on right now."""
        with self._lock:
            jobs = [j for j in self._jobs if not j.done.is_set()]
        ids: list[str] = []
        for job in jobs:
            ids += job.runner.active_task_ids()
        return ids

    def shutdown(self, timeout: float = 15.0) -> bool:
        """Stop every runner and wait up to ``timeout`` s; True when all of them returned.

        Tasks that stopped are released (resumable). If one does not stop in time, its
        lease belongs to this process, which the next start reaps once the process is gone.
        """
        self.pause()
        with self._lock:
            jobs = list(self._jobs)
        for job in jobs:
            job.runner.stop()
        clean = bool(self.pool.waitForDone(int(timeout * 1000)))
        if not clean:
            log.warning("a task did not stop within %.0f s; it resumes on the next start",
                        timeout)
        return clean

"""Runner: claim → run the handler for the task's type → complete / fail; heartbeat; stop.

One Runner drives N worker threads in one process; several processes may run Runners on
one database. A handler is a callable taking a TaskContext and returning the result dict.
Its outcome is told by exception type (tasks.errors), never by message text.
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

from podcast_desk.messages import Message, msg
from podcast_desk.store.errors import is_busy, is_disk_full
from podcast_desk.tasks.errors import (
    Cancelled,
    DiskFull,
    LeaseLost,
    PermanentError,
    TaskError,
    TransientError,
)
from podcast_desk.tasks.progress import NullReporter, Outcome, Progress, Reporter
from podcast_desk.tasks.queue import FINISHED, Claim, Status, TaskQueue, make_owner

log = logging.getLogger(__name__)


class StopReason(Enum):
    """Why a running task is being stopped."""

    CANCEL = "cancel requested"
    LEASE_LOST = "lease lost"
    SHUTDOWN = "worker shutting down"


class TaskContext:
    """What a handler sees of its task: its data, progress, log, and the stop check.

    Progress goes to the Reporter at most every ``report_interval`` seconds and to the
    database at most every ``db_interval`` seconds, except that a change of stage is
    always passed on at once.
    """

    def __init__(
        self,
        queue: TaskQueue,
        claim: Claim,
        reporter: Reporter,
        *,
        db_interval: float = 1.0,
        report_interval: float = 0.1,
    ) -> None:
        self.queue = queue
        self.claim = claim
        self.reporter = reporter
        self.title = claim.title
        self._db_interval = db_interval
        self._report_interval = report_interval
        self._last_db = 0.0
        self._last_report = 0.0
        self._stage = ""
        self._message: Message | None = None
        self._percent = 0.0
        self._stop_reason: StopReason | None = None
        self._lock = threading.Lock()

    @property
    def task_id(self) -> str:
        return self.claim.task_id

    @property
    def data(self) -> dict[str, Any]:
        return self.claim.data

    @property
    def attempt(self) -> int:
        return self.claim.attempt

    @property
    def stop_reason(self) -> StopReason | None:
        return self._stop_reason

    def stop(self, reason: StopReason) -> None:
        """Ask the handler to stop at its next check (first reason wins)."""
        with self._lock:
            if self._stop_reason is None:
                self._stop_reason = reason

    def should_stop(self) -> bool:
        """True once the task was cancelled, its lease lost, or the worker is stopping."""
        return self._stop_reason is not None

    def check(self) -> None:
        """Raise Cancelled (LeaseLost when that is why) if the handler should stop.

        Call it between units of work.
        """
        reason = self._stop_reason
        if reason is StopReason.LEASE_LOST:
            raise LeaseLost(reason.value)
        if reason is not None:
            raise Cancelled(reason.value)

    def set_title(self, title: str) -> None:
        """Give the task a human title (the episode's, once known)."""
        self.title = title
        self._percent = 0.0
        self.queue.update_progress(self.claim, self._stage or "starting", self._percent,
                                   self._message, title=title, log_stage_change=False)

    def report(
        self,
        stage: str,
        percent: float,
        message: Message | None = None,
        *,
        stage_done: float | None = None,
        stage_total: float | None = None,
        eta: float | None = None,
        force: bool = False,
    ) -> None:
        """Report overall ``percent`` (0–100) and what is happening (``progress.*`` message).

        Passed to the Reporter at most every ``report_interval`` seconds and to the database
        at most every ``db_interval`` seconds; a change of stage, or ``force``, passes at once.
        """
        now = time.monotonic()
        stage_changed = stage != self._stage
        self._stage = stage
        self._message = message
        self._percent = percent
        if stage_changed or force or now - self._last_report >= self._report_interval:
            self._last_report = now
            self.reporter.task_progress(
                Progress(self.task_id, stage, percent, message, self.title, stage_done,
                         stage_total, eta)
            )
        if stage_changed or force or now - self._last_db >= self._db_interval:
            self._last_db = now
            self.queue.update_progress(self.claim, stage, percent, message)

    def log(self, message: Message | str, level: str = "info") -> None:
        """Add a line to the task's log (a Message, or plain technical text)."""
        self.queue.log(self.task_id, message, level=level, stage=self._stage)


Handler = Callable[[TaskContext], "dict[str, Any] | None"]


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return is_disk_full(exc)


class Runner:
    """Runs queued tasks with registered handlers on ``concurrency`` threads.

    The runner never dies because a handler raised: every outcome is recorded on the
    task. A heartbeat thread keeps each held lease alive and stops a task whose lease
    was lost or whose cancel was requested. Once stopped, a runner stays stopped (a stop
    that comes before ``run`` is not lost); build a new one to work again.
    """

    def __init__(
        self,
        queue: TaskQueue,
        handlers: Mapping[str, Handler],
        *,
        reporter: Reporter | None = None,
        concurrency: int = 1,
        name: str = "worker",
        poll_interval: float = 1.0,
        heartbeat_interval: float | None = None,
        disk_full_pause: float = 60.0,
        disk_path: str | None = None,
    ) -> None:
        self.queue = queue
        self.handlers = dict(handlers)
        self.reporter: Reporter = reporter or NullReporter()
        self.concurrency = max(1, concurrency)
        self.name = name
        self.poll_interval = poll_interval
        self.heartbeat_interval = heartbeat_interval or max(0.05, queue.lease_seconds / 3)
        self.disk_full_pause = disk_full_pause
        self.disk_path = disk_path  # where free space is measured for the disk-full notice
        self.owner = make_owner(name)
        self.paused_reason: Message | None = None
        self._stopping = threading.Event()
        self._wake = threading.Condition()
        self._active: dict[str, TaskContext] = {}
        self._active_lock = threading.Lock()
        self._paused_until = 0.0
        self._unreleased: list[Claim] = []

    # -- control ----------------------------------------------------------------------

    def stop(self) -> None:
        """Stop claiming; running handlers stop at their next check and are released."""
        self._stopping.set()
        with self._active_lock:
            for ctx in self._active.values():
                ctx.stop(StopReason.SHUTDOWN)
        self.wake()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def wake(self) -> None:
        """Wake idle worker threads now (a task was added in this process)."""
        with self._wake:
            self._wake.notify_all()

    def active_task_ids(self) -> list[str]:
        with self._active_lock:
            return list(self._active)

    # -- running ----------------------------------------------------------------------

    def run(self, *, until_idle: bool = False) -> None:
        """Work until ``stop()``; with ``until_idle``, also return once nothing is due or running.

        Tasks waiting for a later retry stay queued and do not keep ``until_idle`` alive.
        """
        heartbeat, beat_stop = self._start_heartbeat()
        threads = [
            threading.Thread(target=self._loop, args=(until_idle,), name=f"{self.name}-{i}",
                             daemon=True)
            for i in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                while thread.is_alive():
                    thread.join(timeout=0.5)
        finally:
            if any(t.is_alive() for t in threads):  # interrupted (Ctrl-C): stop cleanly
                self.stop()
                for thread in threads:
                    thread.join()
            beat_stop.set()
            heartbeat.join()

    def run_task(self, task_id: str) -> Status | None:
        """Work on one task in the calling thread until it is finished; returns its status.

        Waits for its retries (transient failures) and for another worker that holds it.
        Returns early, with the task left resumable, when ``stop()`` is called; None for
        an unknown id.
        """
        heartbeat, beat_stop = self._start_heartbeat()
        try:
            while True:
                try:
                    claim = self.queue.claim_next(self.owner, self.handlers, task_id=task_id)
                    if claim is not None:
                        self._execute(claim)
                except Exception:  # a locked or full database: try again shortly
                    log.exception("working on %s failed", task_id)
                    self._wait(self.poll_interval)
                    continue
                info = self.queue.get_task(task_id)
                if info is None or info.status in FINISHED or self._stopping.is_set():
                    return None if info is None else info.status
                wait = self.poll_interval
                if info.status is Status.PENDING:
                    wait = min(wait, max(0.01, info.next_run_at - self.queue.clock()))
                self._wait(wait)
        finally:
            beat_stop.set()
            heartbeat.join()

    def _start_heartbeat(self) -> tuple[threading.Thread, threading.Event]:
        done = threading.Event()
        thread = threading.Thread(target=self._heartbeat_loop, args=(done,),
                                  name=f"{self.name}-hb", daemon=True)
        thread.start()
        return thread, done

    def run_once(self) -> bool:
        """Claim and run one task in the calling thread; False when nothing was due."""
        claim = self.queue.claim_next(self.owner, self.handlers)
        if claim is None:
            return False
        self._execute(claim)
        return True

    def _loop(self, until_idle: bool) -> None:
        owner = f"{self.owner}.{threading.current_thread().name.rsplit('-', 1)[-1]}"
        while not self._stopping.is_set():
            wait = self._paused_until - time.monotonic()
            if wait > 0:
                self._wait(wait)
                continue
            if self._unreleased:
                self._release_leftovers()
            try:
                claim = self.queue.claim_next(owner, self.handlers)
            except Exception as exc:  # a locked or full database must not kill the thread
                if is_busy(exc):
                    log.warning("The database is busy (%s); waiting.", exc)
                else:
                    log.exception("claiming a task failed")
                self._wait(self.poll_interval)
                continue
            if claim is not None:
                self.paused_reason = None
                try:
                    self._execute(claim)
                except Exception:  # recording the outcome failed (locked or full database):
                    # the lease runs out and the task is resumed; this thread goes on.
                    log.exception("recording the outcome of %s failed", claim.task_id)
                    self._wait(self.poll_interval)
                continue
            if until_idle and self._idle():
                return
            self._wait(self._next_wait())

    def _idle(self) -> bool:
        if self.active_task_ids() or self.queue.has_running():
            return False
        due = self.queue.next_due_at()
        return due is None or due > self.queue.clock()

    def _next_wait(self) -> float:
        due = self.queue.next_due_at()
        if due is None:
            return self.poll_interval
        return max(0.01, min(self.poll_interval, due - self.queue.clock()))

    def _wait(self, seconds: float) -> None:
        with self._wake:
            if not self._stopping.is_set():
                self._wake.wait(timeout=seconds)

    def _heartbeat_loop(self, done: threading.Event) -> None:
        while not done.wait(self.heartbeat_interval):
            self.beat()

    def beat(self) -> None:
        """Renew every held lease once; stop tasks whose lease was lost or were cancelled."""
        with self._active_lock:
            contexts = list(self._active.values())
        for ctx in contexts:
            try:
                alive = self.queue.heartbeat(ctx.claim)
            except Exception:
                log.exception("heartbeat failed for %s", ctx.task_id)
                continue
            if alive:
                continue
            info = self.queue.get_task(ctx.task_id)
            if info is not None and info.cancel_requested:
                ctx.stop(StopReason.CANCEL)
            else:
                ctx.stop(StopReason.LEASE_LOST)

    # -- one task ---------------------------------------------------------------------

    def _execute(self, claim: Claim) -> None:
        ctx = TaskContext(self.queue, claim, self.reporter)
        with self._active_lock:
            self._active[claim.task_id] = ctx
            if self._stopping.is_set():
                ctx.stop(StopReason.SHUTDOWN)
        outcome, message = Outcome.LEASE_LOST, None
        try:
            self.reporter.task_started(claim.task_id, claim.type, claim.title)
            outcome, message = self._run_handler(ctx)
        finally:
            with self._active_lock:
                self._active.pop(claim.task_id, None)
            try:
                self.reporter.task_finished(claim.task_id, outcome, message)
            except Exception:
                log.exception("reporter failed")

    def _run_handler(self, ctx: TaskContext) -> tuple[Outcome, Message | None]:
        claim = ctx.claim
        handler = self.handlers.get(claim.type)
        try:
            if handler is None:
                raise PermanentError(msg("error.unknown_task_type", type=claim.type))
            result = handler(ctx)
        except LeaseLost:
            return self._after_lease_lost(ctx)
        except Cancelled:
            return self._after_cancel(ctx)
        except DiskFull as exc:
            return self._pause_for_disk(claim, exc)
        except TransientError as exc:
            return self._record_failure(claim, exc, transient=True)
        except PermanentError as exc:
            return self._record_failure(claim, exc, transient=False)
        except Exception as exc:
            if _is_disk_full(exc):
                return self._pause_for_disk(claim, exc)
            detail = "".join(traceback.format_exception(exc))
            log.error("handler for %s raised:\n%s", claim.task_id, detail)
            error = TransientError(
                msg("error.unexpected", what=f"{type(exc).__name__}: {exc}"[:300]),
                hint=msg("hint.unexpected"),
                detail=detail,
            )
            return self._record_failure(claim, error, transient=True)
        except BaseException:
            self.queue.release(claim, msg("queue.worker_interrupted"))
            raise
        if self.queue.complete(claim, result or {}):
            return Outcome.COMPLETED, None
        return Outcome.HANDED_OVER, msg("queue.handed_over")

    def _record_failure(
        self, claim: Claim, exc: TaskError, *, transient: bool
    ) -> tuple[Outcome, Message | None]:
        status = self.queue.fail(claim, exc, transient=transient)
        if status is None:
            return Outcome.LEASE_LOST, msg("outcome.lease_lost")
        said = msg("outcome.failed", message=exc.message, hint=exc.hint)
        return (Outcome.RETRY if status is Status.PENDING else Outcome.FAILED), said

    def _after_lease_lost(self, ctx: TaskContext) -> tuple[Outcome, Message | None]:
        self.queue.log(ctx.task_id, msg("queue.lease_lost"), level="warning")
        return Outcome.LEASE_LOST, msg("outcome.lease_lost")

    def _after_cancel(self, ctx: TaskContext) -> tuple[Outcome, Message | None]:
        reason = ctx.stop_reason
        if reason is None:  # the handler stopped on its own: ask the database why
            info = self.queue.get_task(ctx.task_id)
            reason = (
                StopReason.CANCEL if info is not None and info.cancel_requested
                else StopReason.SHUTDOWN
            )
        if reason is StopReason.CANCEL:
            if self.queue.acknowledge_cancel(ctx.claim):
                return Outcome.CANCELLED, msg("outcome.cancelled")
            return self._after_lease_lost(ctx)
        if reason is StopReason.SHUTDOWN:
            if self.queue.release(ctx.claim):
                return Outcome.PAUSED, msg("outcome.paused")
            return self._after_lease_lost(ctx)
        return self._after_lease_lost(ctx)

    def _pause_for_disk(
        self, claim: Claim, exc: BaseException
    ) -> tuple[Outcome, Message | None]:
        free = _free_bytes(self.disk_path)
        message = msg("queue.paused_disk_full", free=free)
        self.paused_reason = message
        self._paused_until = time.monotonic() + self.disk_full_pause
        try:
            self.queue.release(claim, msg("queue.disk_full_released"))
            self.queue.log(claim.task_id, message, level="error")
            self.queue.log(claim.task_id, f"{type(exc).__name__}: {exc}", level="debug")
        except Exception as error:  # no room even for that: give it back once there is
            log.warning("could not record the disk-full pause yet: %s", error)
            with self._active_lock:
                self._unreleased.append(claim)
        return Outcome.DISK_FULL, message

    def _release_leftovers(self) -> None:
        """Give back tasks whose release failed on a full disk (before claiming more)."""
        with self._active_lock:
            leftovers, self._unreleased = self._unreleased, []
        for claim in leftovers:
            try:
                self.queue.release(claim, msg("queue.disk_full_released"))
            except Exception as error:
                log.warning("still cannot release %s: %s", claim.task_id, error)
                with self._active_lock:
                    self._unreleased.append(claim)


def _free_bytes(path: str | None) -> int:
    if not path:
        return 0
    try:
        return int(shutil.disk_usage(path).free)
    except OSError:
        return 0

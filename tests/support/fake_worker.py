"""A real worker process with a deterministic fake handler, for queue tests across processes.

Run it as a script::

    python tests/support/fake_worker.py DATA_DIR [--until-idle] [--work-seconds X]
                                                 [--concurrency N]

It opens ``open_core(DATA_DIR)``, registers the handler below as task type ``fake`` and runs
``core.runner(...).run(until_idle=...)``. Tests queue tasks of type ``fake`` with data
``{"n": <int>}`` (see :func:`fake_task_data`).

The handler writes ``DATA_DIR/out/<task_id>.txt`` whose content depends only on ``n``
(:func:`expected_content`). It writes in ``CHUNKS`` steps into ``<task_id>.txt.part``, with
``ctx.check()`` and ``ctx.report(...)`` between steps and ~``work-seconds`` in total, then
``os.replace``\\s the part file into place (atomic). It is idempotent and resumable, as design
§4 asks of every stage:

* the output already there with the right content (an earlier attempt wrote it but was killed
  before ``complete``) → nothing is redone;
* a ``.part`` left by a killed attempt → its valid whole chunks are kept (a torn tail is cut
  off) and writing continues from there, like a resumed download.

Every run appends one line per event to ``DATA_DIR/runs.log`` (``O_APPEND``, one ``write``
per line): ``start|resume|done|skip TASK_ID PID ATTEMPT [CHUNK]``, so tests can tell which
process ran which task.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

FAKE = "fake"
CHUNKS = 8
OUT_DIR = "out"
RUN_LOG = "runs.log"


def fake_task_data(n: int) -> dict[str, Any]:
    """The data of fake task number ``n``."""
    return {"n": n}


def expected_content(n: int) -> bytes:
    """What the output file of fake task ``n`` must hold: sha256(n) hex, 64 lines."""
    digest = hashlib.sha256(f"podcast-desk fake task {n}".encode()).hexdigest()
    return (digest + "\n").encode() * 64


def _chunks(content: bytes) -> list[bytes]:
    size = len(content) // CHUNKS
    return [content[i * size : (i + 1) * size] for i in range(CHUNKS - 1)] + [
        content[(CHUNKS - 1) * size :]
    ]


def output_path(data_dir: Path, task_id: str) -> Path:
    return data_dir / OUT_DIR / f"{task_id}.txt"


def part_path(data_dir: Path, task_id: str) -> Path:
    return data_dir / OUT_DIR / f"{task_id}.txt.part"


def read_run_log(data_dir: Path) -> list[list[str]]:
    """The run log's lines, split into fields."""
    path = data_dir / RUN_LOG
    if not path.exists():
        return []
    return [line.split() for line in path.read_text().splitlines() if line.strip()]


def _append_run_log(data_dir: Path, *fields: object) -> None:
    line = (" ".join(str(f) for f in fields) + "\n").encode()
    fd = os.open(data_dir / RUN_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)  # one write of < PIPE_BUF bytes with O_APPEND: never interleaved
    finally:
        os.close(fd)


def _valid_prefix(part: Path, chunks: list[bytes]) -> int:
    """How many whole chunks at the start of ``part`` are correct."""
    try:
        data = part.read_bytes()
    except FileNotFoundError:
        return 0
    done = offset = 0
    for chunk in chunks:
        if data[offset : offset + len(chunk)] != chunk:
            break
        offset += len(chunk)
        done += 1
    return done


def make_handler(data_dir: Path, work_seconds: float) -> Any:
    """The deterministic handler for tasks of type ``fake`` (see the module docstring)."""
    from podcast_desk.messages import plain
    from podcast_desk.tasks.runner import TaskContext

    def handler(ctx: TaskContext) -> dict[str, Any]:
        n = int(ctx.data["n"])
        content = expected_content(n)
        digest = hashlib.sha256(content).hexdigest()
        out = output_path(data_dir, ctx.task_id)
        part = part_path(data_dir, ctx.task_id)
        out.parent.mkdir(parents=True, exist_ok=True)
        pid = os.getpid()
        if out.exists() and out.read_bytes() == content:
            part.unlink(missing_ok=True)
            _append_run_log(data_dir, "skip", ctx.task_id, pid, ctx.attempt)
            return {"sha256": digest, "pid": pid, "skipped": True}
        chunks = _chunks(content)
        done = _valid_prefix(part, chunks)
        if done:
            _append_run_log(data_dir, "resume", ctx.task_id, pid, ctx.attempt, done)
            ctx.log(f"Resuming from checkpoint: {done} of {CHUNKS} steps already written.")
        else:
            _append_run_log(data_dir, "start", ctx.task_id, pid, ctx.attempt)
        keep = sum(len(c) for c in chunks[:done])
        with open(part, "r+b" if done else "wb") as f:
            f.truncate(keep)
            f.seek(keep)
            for index in range(done, CHUNKS):
                ctx.check()
                ctx.report(
                    "working", 100.0 * index / CHUNKS, plain(f"step {index + 1} of {CHUNKS}")
                )
                time.sleep(work_seconds / CHUNKS)  # simulated work
                f.write(chunks[index])
                f.flush()
            os.fsync(f.fileno())
        ctx.check()
        os.replace(part, out)
        _append_run_log(data_dir, "done", ctx.task_id, pid, ctx.attempt)
        return {"sha256": digest, "pid": pid, "skipped": False}

    return handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--until-idle", action="store_true")
    parser.add_argument("--work-seconds", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format=f"[fake_worker {os.getpid()}] %(levelname)s %(name)s: %(message)s",
    )

    from podcast_desk.app import open_core

    core = open_core(args.data_dir)
    core.extra_handlers[FAKE] = make_handler(args.data_dir, args.work_seconds)
    runner = core.runner(concurrency=args.concurrency, poll_interval=0.05, name="fake")
    print(f"ready {os.getpid()} {runner.owner}", flush=True)
    runner.run(until_idle=args.until_idle)
    core.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

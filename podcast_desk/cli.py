"""Command-line front: parse arguments, open the core, call it, print (design §6)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from podcast_desk import __version__
from podcast_desk.app import Core, estimate_text, open_core
from podcast_desk.messages import Message, msg
from podcast_desk.store.errors import is_busy
from podcast_desk.tasks.queue import Status, TaskInfo
from podcast_desk.tasks.runner import Runner
from podcast_desk.text import clock, terminal_safe

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def say(text: str, *, err: bool = False) -> None:
    """Print text for a person: terminal escapes and control characters removed.

    Titles, errors and log lines come from the network; a page title can carry OSC 52
    (write the clipboard) or OSC 0 (set the window title). JSON output keeps the exact
    text, escaped by ``json.dumps``.
    """
    print(terminal_safe(text), file=sys.stderr if err else sys.stdout, flush=err)


_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_text(payload: dict[str, Any]) -> str:
    """``payload`` as one line of JSON, safe to print to a terminal.

    Chinese and other text stays readable (not ``\\u`` escaped); C0 controls are escaped
    by ``json.dumps`` itself, and C1 controls (8-bit CSI/OSC), DEL, line separators and
    bidirectional overrides are escaped here, so the exact text survives for programs.
    """
    text = json.dumps(payload, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _emit(args: argparse.Namespace, payload: dict[str, Any], human: str) -> None:
    if getattr(args, "json", False):
        print(json_text(payload))
    else:
        say(human)


def _fail(args: argparse.Namespace, message: str | Message, code: int) -> int:
    text = message.english() if isinstance(message, Message) else message
    if getattr(args, "json", False):
        print(json_text({"success": False, "error": text}))
    else:
        say(f"Error: {text}", err=True)
    return code


def _fmt_time(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else "-"


def _task_line(task: TaskInfo) -> str:
    what = task.title or task.data.get("source", "")
    state = f"{task.status}"
    if task.status is Status.RUNNING:
        state += f" {task.stage} {task.progress:.0f}%"
    line = f"{task.id}  {state:<28} {what}"
    if task.error:
        line += f"\n    {task.error}"
    return line


# -- commands -----------------------------------------------------------------------------


def cmd_add(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.pipeline.sources import InvalidSource

    try:
        added = core.add_sources([args.source], priority=args.priority,
                                 feed_episodes="all" if args.all else args.latest,
                                 language=args.language)
    except InvalidSource as exc:
        return _fail(args, exc.human, EXIT_USAGE)
    task_id = added.task_ids[0]
    estimate = estimate_text(core)
    message = (
        "Queued. The Podcast Desk window or `podcast-desk worker` processes it; "
        f"follow it with `podcast-desk status {task_id}`."
    )
    payload = {
        "success": True,
        "taskId": task_id,
        "taskIds": [task_id],
        "message": message,
        "estimatedTime": estimate,
    }
    _emit(args, payload, f"{task_id}\n{message}\nEstimated time: {estimate}")
    return EXIT_OK


def cmd_status(args: argparse.Namespace, core: Core) -> int:
    task = core.queue.get_task(args.task_id)
    if task is None:
        return _fail(args, f"There is no task with id {args.task_id}.", EXIT_FAIL)
    api = task.to_api(core.queue.clock())
    lines = [
        f"Task      {task.id}  ({task.type})",
        f"Status    {task.status}"
        + (f" — {task.stage} {task.progress:.0f}%" if task.stage else ""),
    ]
    if task.title:
        lines.append(f"Title     {task.title}")
    lines.append(f"Source    {task.data.get('source', '')}")
    if task.detail:
        lines.append(f"Progress  {task.detail}")
    if task.error:
        lines.append(f"Error     {task.error}")
    if api["nextRetryAt"]:
        lines.append(f"Retry at  {_fmt_time(task.next_run_at)}")
    if task.failures:
        lines.append(f"Failures  {task.failures} of {task.max_attempts}")
    lines.append(f"Added     {_fmt_time(task.created_at)}")
    if task.completed_at:
        lines.append(f"Finished  {_fmt_time(task.completed_at)}")
    if task.result:
        lines.append(f"Result    {json.dumps(task.result, ensure_ascii=False)}")
    _emit(args, {"success": True, "task": api}, "\n".join(lines))
    return EXIT_OK


def cmd_list(args: argparse.Namespace, core: Core) -> int:
    statuses = [Status(s.upper()) for s in args.status] if args.status else None
    tasks = core.queue.list_tasks(statuses, limit=args.limit)
    now = core.queue.clock()
    counts = {str(k): v for k, v in core.queue.counts().items()}
    payload = {"success": True, "tasks": [t.to_api(now) for t in tasks], "counts": counts}
    human = "\n".join(_task_line(t) for t in tasks) or "No tasks."
    _emit(args, payload, human)
    return EXIT_OK


def cmd_cancel(args: argparse.Namespace, core: Core) -> int:
    status = core.queue.cancel(args.task_id)
    if status is None:
        return _fail(args, f"There is no task with id {args.task_id}.", EXIT_FAIL)
    if status is Status.CANCELLED:
        message = "Cancelled."
    elif status is Status.RUNNING:
        message = "Cancel requested; the task stops at its next check."
    else:
        message = f"The task is already {status}; nothing to cancel."
    _emit(args, {"success": status in (Status.CANCELLED, Status.RUNNING), "status": str(status),
                 "message": message}, message)
    return EXIT_OK if status in (Status.CANCELLED, Status.RUNNING) else EXIT_FAIL


def cmd_retry(args: argparse.Namespace, core: Core) -> int:
    task = core.queue.get_task(args.task_id)
    if task is None:
        return _fail(args, f"There is no task with id {args.task_id}.", EXIT_FAIL)
    if not core.queue.retry(args.task_id):
        return _fail(args, f"Only failed or cancelled tasks can be retried; this one is "
                           f"{task.status}.", EXIT_FAIL)
    message = "Queued again; it resumes from where it stopped."
    _emit(args, {"success": True, "status": "PENDING", "message": message}, message)
    return EXIT_OK


@contextmanager
def _stop_on_signals(runner: Runner, message: str) -> Iterator[Callable[[], bool]]:
    """Ctrl-C (or SIGTERM) stops the runner cleanly; a second Ctrl-C quits at once.

    A signal handler rather than KeyboardInterrupt: an exception raised inside
    Thread.join can leave the thread looking finished while it still runs.
    """
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)
        if len(received) == 1:
            print(f"\n{message}", file=sys.stderr, flush=True)
            runner.stop()
        else:
            os._exit(130)  # the lease of a dead process is reaped by the next worker

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield lambda: bool(received)
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def cmd_worker(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.console import ConsoleReporter

    reporter = ConsoleReporter(core.queue)
    runner = core.runner(reporter, concurrency=args.concurrency, poll_interval=args.poll)
    if not args.until_idle:
        print(f"Worker {runner.owner} started with {runner.concurrency} thread(s); "
              "Ctrl-C stops it (running tasks stay resumable).", file=sys.stderr)
    stopping = "Stopping at the next safe point… (Ctrl-C again quits at once)"
    scheduler = None
    try:
        with _stop_on_signals(runner, stopping) as interrupted:
            if args.until_idle:  # a one-shot run (cron) also looks at the due feeds once
                _check_feeds_once(core)
            else:
                from podcast_desk.app import Scheduler

                scheduler = Scheduler(core, on_queued=lambda ids: runner.wake()).start()
            runner.run(until_idle=args.until_idle)
    finally:
        if scheduler is not None:
            scheduler.stop()
        reporter.close()
    if interrupted():
        print("Stopped; unfinished tasks will resume.", file=sys.stderr)
        return 130
    return EXIT_OK


def _summary_text(body: dict[str, Any]) -> str:
    from podcast_desk.library.summary_doc import SummaryDocument

    return SummaryDocument.from_episode_json(body).to_text()


def cmd_show(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.library.episodes import episode_json, find_episode

    episode = find_episode(args.ref)
    if episode is None:
        return _fail(args, f"There is no episode for {args.ref} (yet).", EXIT_FAIL)
    body = episode_json(episode)
    human = _summary_text(body)
    if args.transcript:
        human += "\n\nTranscript:\n" + "\n".join(
            f"[{clock(s['start'])}] {s['text']}" for s in body["segments"])
    _emit(args, {"success": True, "episode": body}, human)
    return EXIT_OK


def cmd_export(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.library.episodes import find_episode
    from podcast_desk.library.exports import ExportExists, export_to_file, render

    episode = find_episode(args.ref)
    if episode is None:
        return _fail(args, f"There is no episode for {args.ref} (yet).", EXIT_FAIL)
    if args.output is None or str(args.output) == "-":
        sys.stdout.write(render(episode, args.format))
        return EXIT_OK
    out: Path = args.output
    try:
        export_to_file(episode, args.format, out, overwrite=args.force)
    except ExportExists:
        return _fail(args, f"{out} already exists; use --force to replace it.", EXIT_FAIL)
    except OSError as exc:
        return _fail(args, f"Could not write {out}: {exc.strerror or exc}.", EXIT_FAIL)
    if args.json:
        _emit(args, {"success": True, "path": str(out), "format": args.format}, "")
    else:
        say(f"Wrote {out}", err=True)
    return EXIT_OK


def _highlight(snippet: str, tty: bool) -> str:
    from podcast_desk.library.search import MARK

    if tty:
        return snippet.replace(MARK[0], "\x1b[1;33m").replace(MARK[1], "\x1b[0m")
    return snippet


def cmd_search(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.library.search import search

    if not args.query.strip():
        return _fail(args, "Type something to search for.", EXIT_USAGE)
    hits = search(args.query, limit=args.limit, db=core.db)
    payload = {"success": True, "results": [h.to_api() for h in hits]}
    tty = sys.stdout.isatty()
    lines = [f"[{clock(h.start)}] {terminal_safe(h.title) or f'Episode {h.episode_id}'} — "
             f"{_highlight(terminal_safe(h.snippet), tty)}   (episode {h.episode_id})"
             for h in hits]
    if args.json:
        _emit(args, payload, "")
    else:
        print("\n".join(lines) or "Nothing found.")  # already cleaned; keeps the highlight
    return EXIT_OK


def _subscription_lines(info: Any) -> str:
    def when(ts: float | None) -> str:
        return _fmt_time(ts) if ts else "never"

    lines = [f"{info.id:>4}  {info.title or '(not checked yet)'}", f"      {info.feed_url}",
             f"      last check {when(info.last_checked_at)} · next {when(info.next_check_at)}"
             f" · {info.queued} queued, {info.seen} seen"]
    if info.last_error:
        lines.append(f"      Error: {info.last_error}")
    return "\n".join(lines)


def cmd_subscribe(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.library.subscriptions import InvalidFeed

    subs = core.subscriptions()
    try:
        if args.no_check:
            info, created = subs.subscribe(args.feed_url, backfill=args.backfill)
            task_ids: tuple[str, ...] = ()
            error = None
        else:
            info, created, result = subs.subscribe_and_check(args.feed_url,
                                                             backfill=args.backfill)
            task_ids, error = result.task_ids, result.error
    except InvalidFeed as exc:
        return _fail(args, str(exc), EXIT_USAGE)  # English: message and hint
    name = f'"{info.title}"' if info.title else info.feed_url
    message = f"Subscribed to {name}." if created else f"Already subscribed to {name}."
    if task_ids:
        message += f" Queued {len(task_ids)} episode(s)."
    if error:
        message += f" The first check failed ({error}); it will be tried again."
    message += (f" Checked every {core.settings.feed_check_minutes:g} minutes while the window "
                "or `podcast-desk worker` runs.")
    payload = {"success": True, "created": created, "subscription": info.to_api(),
               "taskIds": list(task_ids), "message": message}
    _emit(args, payload, message + ("\n" + "\n".join(task_ids) if task_ids else ""))
    return EXIT_OK


def cmd_unsubscribe(args: argparse.Namespace, core: Core) -> int:
    info = core.subscriptions().unsubscribe(args.ref)
    if info is None:
        return _fail(args, f"There is no subscription {args.ref}.", EXIT_FAIL)
    message = (f"Unsubscribed from {info.title or info.feed_url}. "
               "Episodes already queued or done stay.")
    _emit(args, {"success": True, "subscription": info.to_api(), "message": message}, message)
    return EXIT_OK


def cmd_subscriptions(args: argparse.Namespace, core: Core) -> int:
    subs = core.subscriptions()
    if args.check:
        subs.check_due(everything=True)
    infos = subs.list_all()
    payload = {"success": True, "subscriptions": [i.to_api() for i in infos]}
    human = "\n".join(_subscription_lines(i) for i in infos) or (
        "No subscriptions. Add one with `podcast-desk subscribe FEED_URL`.")
    _emit(args, payload, human)
    return EXIT_OK


def _check_feeds_once(core: Core) -> None:
    try:
        task_ids = core.subscriptions().check_due()
    except Exception:
        logging.getLogger(__name__).exception("checking subscriptions failed")
        return
    if task_ids:
        say(msg("feeds.queued", n=len(task_ids)).english(), err=True)


def cmd_process(args: argparse.Namespace, core: Core) -> int:
    from podcast_desk.console import ConsoleReporter
    from podcast_desk.library.episodes import episode_json, find_episode
    from podcast_desk.pipeline.sources import InvalidSource

    try:
        added = core.add_sources([args.source], priority=args.priority, language=args.language)
    except InvalidSource as exc:
        return _fail(args, exc.human, EXIT_USAGE)
    task_id = added.task_ids[0]
    print(f"Processing {task_id} here (Ctrl-C stops; the task stays queued and resumable).",
          file=sys.stderr)
    reporter = ConsoleReporter(core.queue)
    runner = core.runner(reporter, concurrency=1)
    stopping = "Stopping at the next safe point… (Ctrl-C again quits at once)"
    try:
        with _stop_on_signals(runner, stopping) as interrupted:
            runner.run_task(task_id)
    finally:
        reporter.close()
    if interrupted():
        print(f"Stopped. Resume with `podcast-desk worker` (task {task_id}).", file=sys.stderr)
        return 130
    task = core.queue.get_task(task_id)
    assert task is not None
    if task.status is not Status.COMPLETED:
        return _fail(args, task.error or f"The task ended {task.status}.", EXIT_FAIL)
    episode = find_episode(task_id)
    assert episode is not None
    body = episode_json(episode)
    _emit(args, {"success": True, "taskId": task_id, "episode": body}, _summary_text(body))
    return EXIT_OK


def cmd_gui(args: argparse.Namespace, core: Core) -> int:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        or os.environ.get("QT_QPA_PLATFORM")
    ):
        return _fail(args, "There is no display to open the window on. Use `podcast-desk "
                           "worker` (and `add`, `status`…) on a machine without a screen.",
                     EXIT_FAIL)
    try:
        from podcast_desk.gui.main_window import run_gui
    except ImportError as exc:  # Qt's own libraries missing from the system
        return _fail(args, f"The window cannot start: {exc}. Run ./scripts/setup as root to "
                           "install Qt's system libraries, or use the command line.",
                     EXIT_FAIL)
    result: int = run_gui(core, getattr(args, "source", None))
    return result


# -- parsing ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podcast-desk",
        description="Podcast links to searchable transcripts and summaries, on your computer.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder for the database, audio and settings "
                             "(default: $PODCAST_DESK_HOME or the per-user data folder)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add_json(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print machine-readable JSON")

    p = sub.add_parser("add", help="queue a link, feed or audio file")
    p.add_argument("source", help="a web page, video, RSS feed, audio URL or local file")
    p.add_argument("--priority", type=int, default=0, help="higher runs first (default 0)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--latest", type=int, metavar="N",
                       help="for a feed: the newest N episodes, one task each")
    group.add_argument("--all", action="store_true", help="for a feed: every episode")
    p.add_argument("--language", metavar="L", default=None,
                   help="the spoken language (en, zh, …) instead of detecting it")
    add_json(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("status", help="show one task")
    p.add_argument("task_id")
    add_json(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("list", help="list tasks")
    p.add_argument("--status", action="append", type=str.upper,
                   choices=[s.value for s in Status], help="only tasks in this state")
    p.add_argument("--limit", type=int, default=None)
    add_json(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("worker", help="process queued tasks without a window")
    p.add_argument("--until-idle", action="store_true",
                   help="check due subscriptions once, then exit once nothing is due or "
                        "running (later retries stay queued)")
    p.add_argument("--concurrency", type=int, default=None, metavar="N",
                   help="tasks at once (default: the setting, 1)")
    p.add_argument("--poll", type=float, default=1.0, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("cancel", help="cancel a task")
    p.add_argument("task_id")
    add_json(p)
    p.set_defaults(func=cmd_cancel)

    p = sub.add_parser("retry", help="queue a failed or cancelled task again")
    p.add_argument("task_id")
    add_json(p)
    p.set_defaults(func=cmd_retry)

    p = sub.add_parser("show", help="show an episode's summary (and transcript)")
    p.add_argument("ref", metavar="TASK_ID|EPISODE_ID")
    p.add_argument("--transcript", action="store_true", help="also print the transcript")
    add_json(p)
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("export", help="export an episode")
    p.add_argument("ref", metavar="TASK_ID|EPISODE_ID")
    p.add_argument("--format", choices=["md", "txt", "srt", "vtt", "json"], default="json",
                   help="md (summary + transcript), txt, srt or vtt (subtitles), json "
                        "(everything; the default)")
    p.add_argument("-o", "--output", type=Path, default=None, help="file (default: stdout)")
    p.add_argument("--force", action="store_true", help="replace an existing file")
    add_json(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("search", help="search every transcript, title and summary")
    p.add_argument("query", help="words to find; all must match (a trailing * finds prefixes)")
    p.add_argument("--limit", type=int, default=20, help="at most N results (default 20)")
    add_json(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("subscribe", help="follow a feed: its new episodes are queued")
    p.add_argument("feed_url")
    p.add_argument("--backfill", type=int, default=1, metavar="N",
                   help="queue the newest N episodes now (default 1; 0 = only new ones)")
    p.add_argument("--no-check", action="store_true",
                   help="do not fetch the feed now; the next check does")
    add_json(p)
    p.set_defaults(func=cmd_subscribe)

    p = sub.add_parser("unsubscribe", help="stop following a feed")
    p.add_argument("ref", metavar="FEED_URL|ID")
    add_json(p)
    p.set_defaults(func=cmd_unsubscribe)

    p = sub.add_parser("subscriptions", help="list subscribed feeds")
    p.add_argument("--check", action="store_true", help="check every feed now")
    add_json(p)
    p.set_defaults(func=cmd_subscriptions)

    p = sub.add_parser("process", help="add a source and process it here, with progress")
    p.add_argument("source")
    p.add_argument("--priority", type=int, default=10)
    p.add_argument("--language", metavar="L", default=None,
                   help="the spoken language (en, zh, …) instead of detecting it")
    add_json(p)
    p.set_defaults(func=cmd_process)

    p = sub.add_parser("self-test",
                       help="check this installation: process a bundled sample offline")
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary data folder and print its path")

    p = sub.add_parser("gui", help="open the window (the default)")
    p.add_argument("source", nargs="?", default=None,
                   help="a link, feed or audio file to add (handed to the open window if one "
                        "runs)")
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command == "self-test":  # never touches the user's data folder
        from podcast_desk.selftest import run_self_test

        return run_self_test(keep=args.keep)
    func: Callable[[argparse.Namespace, Core], int] = getattr(args, "func", cmd_gui)
    try:
        core = open_core(args.data_dir)
    except Exception as exc:  # a data folder we cannot open is said plainly, not traced
        if is_busy(exc):
            return _fail(args, _busy(), EXIT_FAIL)
        return _fail(args, msg("data.unopenable", reason=str(exc)), EXIT_FAIL)
    if core.settings_warning:
        say(f"Warning: {core.settings_warning.english()}", err=True)
    try:
        return func(args, core)
    except Exception as exc:
        if is_busy(exc):
            return _fail(args, _busy(), EXIT_FAIL)
        raise
    finally:
        core.close()


def _busy() -> str:
    from podcast_desk.messages import join
    from podcast_desk.store.db import BUSY_TIMEOUT_SECONDS

    return join(msg("error.database_busy", seconds=f"{BUSY_TIMEOUT_SECONDS:g}"),
                msg("hint.database_busy"))

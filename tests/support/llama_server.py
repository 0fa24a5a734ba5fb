"""A real llama.cpp ``llama-server`` on loopback for tests: build, start, kill, restart, read logs.

Usage::

    from tests.support.llama_server import LlamaServer, ensure_build

    build = ensure_build()                     # runs scripts/llm_server build (once; cached)
    with LlamaServer(build, ctx_size=2048) as server:
        httpx.get(f"{server.base_url}/models")  # base_url = http://127.0.0.1:PORT/v1
        server.kill()                          # SIGKILL: a server dying mid-answer
        server.restart()                       # same port, healthy again
        server.requests_seen()                 # completion tasks the server logged
        server.log()                           # this run's log text

The binary and model are built once by ``scripts/llm_server build`` into a cache outside the
repository (``${PODCAST_DESK_CI_CACHE:-~/.cache/podcast-desk-ci}``); :func:`find_build` asks
``scripts/llm_server path`` where they are, so the cache logic lives in one place.

The model is a 270M-parameter *base* model: it proves the protocol (JSON schema, errors,
timeouts, a dying server), never the quality of a summary. Asked for a schema-constrained summary
it answers degenerate JSON such as ``{"tldr": "1", ...}``.

What llama-server logs (default verbosity 3, ``--log-colors off``): it does NOT log HTTP
requests at any verbosity (its request logger is commented out in this build), so calls to
``/health``, ``/v1/models``, ``/props``, ``/tokenize`` leave no trace, and a request refused
while its body is parsed (e.g. an invalid JSON schema: 400) only logs ``got exception: {...}``.
Each generation task logs ``launch_slot_: id S | task T | processing task``; then, while it
reads a long prompt, ``print_timing: ... prompt processing, n_tokens = N, progress = P``; at
the end ``print_timing`` lines (``prompt eval time = ... / N tokens``, ``eval time = ... / M
tokens``) and ``release: ... stop processing``. A prompt longer than the context gets a slot
too and logs ``send_error: task id = T, error: request (N tokens) exceeds the available context
size ...`` before its release. :meth:`LlamaServer.requests_seen` parses all that: one
:class:`SeenTask` per ``/v1/chat/completions`` (or ``/completion``) call with ``n=1``; the log
lags the HTTP answer by milliseconds, so use :meth:`LlamaServer.wait_for_requests`. The
``/metrics`` counters (:meth:`LlamaServer.metrics`; ``--metrics`` is on) count prompt and
predicted tokens and show ``requests_processing`` / ``requests_deferred`` (queued).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "llm_server"

# scripts/llm_server exits 3 when cmake/g++/make/pip are missing and cannot be installed
EXIT_NO_TOOLS = 3
BUILD_TIMEOUT = 30 * 60.0
DEFAULT_ALIAS = "gemma3-270m"

_PR_SET_PDEATHSIG = 1


class LlamaServerError(RuntimeError):
    """The server could not be built, found or started; the message carries the log's tail."""


class BuildToolsMissing(LlamaServerError):
    """The build tools are missing and cannot be installed here (the only reason to skip)."""


@dataclass(frozen=True, slots=True)
class LlamaBuild:
    """Where ``scripts/llm_server`` put things: the binary, its library folder and the model."""

    server: Path
    lib_dir: Path
    model: Path
    cache: Path


@dataclass(frozen=True, slots=True)
class SeenTask:
    """One generation task llama-server logged, i.e. one completion request that got a slot.

    ``prompt_tokens`` (prompt tokens evaluated, i.e. not reused from the cache) and
    ``predicted_tokens`` come from the ``print_timing`` lines logged when the task ends (None
    while it runs, or when the server died first); ``finished`` says the slot logged ``stop
    processing``. ``error`` is the message of a ``send_error`` for the task (e.g. a prompt
    longer than the context), else None.
    """

    task: int
    slot: int
    prompt_tokens: int | None
    predicted_tokens: int | None
    finished: bool
    error: str | None = None


def _parse_path_output(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if "=" in line)
    return {key.strip(): value.strip() for key, value in pairs}


def find_build(timeout: float = 30.0) -> LlamaBuild | None:
    """The built binary and model per ``scripts/llm_server path``, or None if not built yet."""
    proc = subprocess.run(
        ["bash", str(SCRIPT), "path"], capture_output=True, text=True, timeout=timeout, check=False
    )
    values = _parse_path_output(proc.stdout)
    if proc.returncode != 0:
        return None
    build = LlamaBuild(
        server=Path(values["LLAMA_SERVER"]),
        lib_dir=Path(values["LLAMA_LIB_DIR"]),
        model=Path(values["LLAMA_MODEL"]),
        cache=Path(values["LLAMA_CACHE"]),
    )
    if not (os.access(build.server, os.X_OK) and build.model.is_file()):
        return None
    return build


def ensure_build(timeout: float = BUILD_TIMEOUT) -> LlamaBuild:
    """Run ``scripts/llm_server build`` (a no-op when cached) and return what it made.

    Raises :class:`BuildToolsMissing` when the script exits 3 (no build tools and no way to
    install them) and :class:`LlamaServerError` for any other failure, with the output's tail.
    A first build takes about 7 minutes on 2 cores; ``timeout`` bounds it.
    """
    try:
        proc = subprocess.run(
            ["bash", str(SCRIPT), "build"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            start_new_session=True,
        )
    except subprocess.TimeoutExpired as exc:
        raise LlamaServerError(f"scripts/llm_server build took more than {timeout:.0f}s") from exc
    if proc.returncode == EXIT_NO_TOOLS:
        raise BuildToolsMissing(proc.stderr.strip()[-2000:])
    if proc.returncode != 0:
        raise LlamaServerError(
            f"scripts/llm_server build failed (exit {proc.returncode}):\n"
            f"{(proc.stdout + proc.stderr)[-4000:]}"
        )
    build = find_build()
    if build is None:
        raise LlamaServerError(f"build finished but `path` finds nothing:\n{proc.stderr[-2000:]}")
    return build


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: SIGKILL it when the parent thread dies.
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def _kill_group(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    # The server runs in its own session; its pid is the process group id.
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, sig)


def _reap(proc: subprocess.Popen[bytes], timeout: float) -> bool:
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _finalize(proc: subprocess.Popen[bytes]) -> None:
    _kill_group(proc)
    _reap(proc, 5.0)


_TASK_LINE = re.compile(
    r"\bslot +(?P<what>\S+): id +(?P<slot>\d+) \| task (?P<task>\d+) \| (?P<rest>.*)"
)
_PROMPT_TIME = re.compile(r"^\s*prompt eval time = .*/\s*(\d+) tokens")
_EVAL_TIME = re.compile(r"^\s*eval time = .*/\s*(\d+) tokens")
_SEND_ERROR = re.compile(r"send_error: task id = (?P<task>\d+), error: (?P<error>.*)")
_METRIC_LINE = re.compile(r"^(?P<name>[A-Za-z_:][\w:]*)(?:\{[^}]*\})?\s+(?P<value>\S+)$")


class LlamaServer:
    """One ``llama-server`` process on 127.0.0.1 with a fixed port across restarts.

    ``ctx_size`` is ``-c`` (the whole context; each of ``parallel`` slots gets
    ``ctx_size / parallel`` tokens), ``parallel`` is ``--parallel`` (1: requests queue, one at a
    time), ``threads`` is ``--threads`` (default: all cores), ``alias`` names the model in
    ``/v1/models`` (``model`` in requests may be anything: one model is loaded). ``extra_args``
    go last on the command line. Logs go to ``log_dir`` (a temp folder by default), one file per
    run: ``llama-server.<run>.log``.

    The process runs in its own session and group; stop/kill/close signal the whole group, and a
    finalizer kills it if the object is dropped or the interpreter exits. Started from the main
    thread, it also gets PR_SET_PDEATHSIG, so even a hard-killed test run leaves no server behind.
    """

    def __init__(
        self,
        build: LlamaBuild | None = None,
        *,
        ctx_size: int = 2048,
        parallel: int = 1,
        threads: int | None = None,
        alias: str = DEFAULT_ALIAS,
        port: int | None = None,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 60.0,
        log_dir: Path | None = None,
    ) -> None:
        found = build or find_build()
        if found is None:
            raise LlamaServerError("llama-server is not built: run scripts/llm_server build")
        self.build = found
        self.ctx_size = ctx_size
        self.parallel = parallel
        self.threads = threads or os.cpu_count() or 2
        self.alias = alias
        self.port = port or free_port()
        self.extra_args = tuple(extra_args)
        self.startup_timeout = startup_timeout
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="llama-server-"))
        self.runs = 0
        self.start_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize[Any, Any] | None = None
        self._lock = threading.Lock()

    # ---- addresses ------------------------------------------------------------------------

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (llama.cpp's own endpoints: /health, /props, /tokenize)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``: the OpenAI-compatible base URL."""
        return f"{self.root_url}/v1"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path:
        """This run's log file (stdout and stderr of the process)."""
        return self.log_dir / f"llama-server.{self.runs}.log"

    def command(self) -> list[str]:
        """The command line the server is started with."""
        return [
            str(self.build.server),
            "--model", str(self.build.model),
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--ctx-size", str(self.ctx_size),
            "--parallel", str(self.parallel),
            "--threads", str(self.threads),
            "--alias", self.alias,
            "--no-webui",
            "--offline",
            "--metrics",
            "--log-colors", "off",
            *self.extra_args,
        ]  # fmt: skip

    # ---- life cycle -----------------------------------------------------------------------

    def start(self) -> LlamaServer:
        """Start the process and wait (at most ``startup_timeout``) until /health says ok."""
        with self._lock:
            if self.running():
                return self
            self.runs += 1
            env = dict(os.environ)
            libs = str(self.build.lib_dir)
            env["LD_LIBRARY_PATH"] = os.pathsep.join(
                p for p in (libs, env.get("LD_LIBRARY_PATH", "")) if p
            )
            main_thread = threading.current_thread() is threading.main_thread()
            began = time.monotonic()
            with self.log_path.open("wb") as log:
                self._proc = subprocess.Popen(
                    self.command(),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    env=env,
                    start_new_session=True,
                    preexec_fn=_die_with_parent if main_thread else None,
                )
            self._finalizer = weakref.finalize(self, _finalize, self._proc)
        try:
            self.wait_healthy(self.startup_timeout)
        except BaseException:
            self.kill()
            raise
        self.start_seconds = time.monotonic() - began
        return self

    def wait_healthy(self, timeout: float) -> None:
        """Poll GET /health until 200 ``{"status": "ok"}``; raise if the deadline passes first."""
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while True:
                proc = self._proc
                if proc is None or proc.poll() is not None:
                    code = None if proc is None else proc.returncode
                    raise LlamaServerError(
                        f"llama-server exited (code {code}) before it was healthy:\n"
                        f"{self.log_tail()}"
                    )
                try:
                    answer = client.get(f"{self.root_url}/health")
                    if answer.status_code == 200 and answer.json().get("status") == "ok":
                        return
                    last = f"{answer.status_code} {answer.text[:200]}"
                except httpx.HTTPError as exc:
                    last = repr(exc)
                if time.monotonic() >= deadline:
                    raise LlamaServerError(
                        f"llama-server not healthy after {timeout:.0f}s (last: {last}):\n"
                        f"{self.log_tail()}"
                    )
                time.sleep(0.05)

    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self, timeout: float = 5.0) -> None:
        """SIGTERM the group and wait; SIGKILL if it has not exited within ``timeout``.

        Idle, llama-server exits about 0.1 s after SIGTERM; with a request in flight it logs
        ``cleaning up before exit...`` and then hangs (measured: still alive after 60 s), so the
        SIGKILL fallback is what ends it then.
        """
        proc = self._proc
        if proc is None:
            return
        _kill_group(proc, signal.SIGTERM)
        if not _reap(proc, timeout):
            _kill_group(proc, signal.SIGKILL)
            _reap(proc, 10.0)
        self._forget()

    def kill(self) -> None:
        """SIGKILL the group at once, as a server dying mid-answer; clients see a cut or refusal."""
        proc = self._proc
        if proc is None:
            return
        _kill_group(proc, signal.SIGKILL)
        _reap(proc, 10.0)
        self._forget()

    def restart(self, timeout: float | None = None) -> LlamaServer:
        """Stop (if running) and start again on the same port; a fresh log file per run."""
        self.stop()
        if timeout is not None:
            self.startup_timeout = timeout
        return self.start()

    def close(self) -> None:
        """Stop the server if it runs. Safe to call any number of times."""
        self.stop()

    def _forget(self) -> None:
        if self._finalizer is not None:
            self._finalizer.detach()
        self._finalizer = None
        self._proc = None

    def __enter__(self) -> LlamaServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- what the server said -------------------------------------------------------------

    def log(self, run: int | None = None) -> str:
        """The text of one run's log (default: the current or last run)."""
        path = self.log_dir / f"llama-server.{run or self.runs}.log"
        try:
            return path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def wait_for_log(self, pattern: str, timeout: float) -> re.Match[str]:
        """Poll this run's log until ``pattern`` (a regex) matches; raise after ``timeout``."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            found = regex.search(self.log())
            if found:
                return found
            if time.monotonic() >= deadline:
                raise LlamaServerError(
                    f"{pattern!r} not in the log after {timeout:.0f}s:\n{self.log_tail()}"
                )
            time.sleep(0.02)

    def requests_seen(self, run: int | None = None) -> list[SeenTask]:
        """Generation tasks of one run, in order (one per completion request that got a slot)."""
        tasks: dict[int, dict[str, Any]] = {}
        for line in self.log(run).splitlines():
            failed = _SEND_ERROR.search(line)
            if failed and int(failed["task"]) in tasks:
                tasks[int(failed["task"])]["error"] = failed["error"].strip()
                continue
            found = _TASK_LINE.search(line)
            if not found:
                continue
            task_id, rest = int(found["task"]), found["rest"]
            if found["what"] == "launch_slot_" and rest.startswith("processing task"):
                tasks[task_id] = {
                    "task": task_id, "slot": int(found["slot"]), "prompt_tokens": None,
                    "predicted_tokens": None, "finished": False, "error": None,
                }  # fmt: skip
                continue
            entry = tasks.get(task_id)
            if entry is None:
                continue
            if prompt := _PROMPT_TIME.search(rest):
                entry["prompt_tokens"] = int(prompt[1])
            elif evaluated := _EVAL_TIME.search(rest):
                entry["predicted_tokens"] = int(evaluated[1])
            elif rest.startswith("stop processing"):
                entry["finished"] = True
        return [SeenTask(**entry) for entry in tasks.values()]

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[SeenTask]:
        """Poll until at least ``count`` tasks of this run are logged as finished.

        The log lags the HTTP answer by a few milliseconds: a test that asserts on
        :meth:`requests_seen` right after a response should wait with this first.
        """
        deadline = time.monotonic() + timeout
        while True:
            seen = self.requests_seen()
            if sum(task.finished for task in seen) >= count:
                return seen
            if time.monotonic() >= deadline:
                raise LlamaServerError(
                    f"{count} finished tasks not logged after {timeout:.0f}s (seen: {seen}):\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.02)

    # ---- small conveniences over llama.cpp's own endpoints -----------------------------------

    def _get(self, path: str, timeout: float) -> httpx.Response:
        answer = httpx.get(f"{self.root_url}{path}", timeout=timeout)
        answer.raise_for_status()
        return answer

    def props(self, timeout: float = 10.0) -> dict[str, Any]:
        """GET /props; the context per slot is ``["default_generation_settings"]["n_ctx"]``."""
        data: dict[str, Any] = self._get("/props", timeout).json()
        return data

    def metrics(self, timeout: float = 10.0) -> dict[str, float]:
        """GET /metrics (Prometheus text) as ``{"llamacpp:prompt_tokens_total": 26.0, ...}``."""
        values: dict[str, float] = {}
        for line in self._get("/metrics", timeout).text.splitlines():
            found = _METRIC_LINE.match(line.strip())
            if found and not line.startswith("#"):
                with contextlib.suppress(ValueError):
                    values[found["name"]] = float(found["value"])
        return values

    def tokenize(self, text: str, timeout: float = 30.0) -> list[int]:
        """POST /tokenize: the model's token ids for ``text`` (no BOS added)."""
        answer = httpx.post(f"{self.root_url}/tokenize", json={"content": text}, timeout=timeout)
        answer.raise_for_status()
        tokens: list[int] = answer.json()["tokens"]
        return tokens


def serve(build: LlamaBuild | None = None, **options: Any) -> Iterator[LlamaServer]:
    """Start a server, yield it, close it: the body of a pytest fixture.

    Example in a conftest::

        @pytest.fixture
        def small_server(llama_build: LlamaBuild) -> Iterator[LlamaServer]:
            yield from serve(llama_build, ctx_size=512)
    """
    server = LlamaServer(build, **options)
    try:
        yield server.start()
    finally:
        server.close()

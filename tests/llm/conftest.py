"""Fixtures for tests/llm: build llama-server once (cached outside the repo), then serve it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.llama_server import (
    BUILD_TIMEOUT,
    BuildToolsMissing,
    LlamaBuild,
    LlamaServer,
    ensure_build,
    find_build,
    serve,
)

HERE = Path(__file__).resolve().parent

# Per-test timeout for tests/llm. func_only=True keeps the one-off build (up to BUILD_TIMEOUT,
# done in the session fixture's setup) out of the 300 s that the first test would otherwise get.
# A test here that sets its own @pytest.mark.timeout should pass func_only=True as well.
LLM_TEST_TIMEOUT = 300


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/llm ``llm`` (before ``-m`` selection runs)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.llm)
            item.add_marker(pytest.mark.timeout(LLM_TEST_TIMEOUT, func_only=True))


@pytest.fixture(scope="session")
def llama_build() -> LlamaBuild:
    """The llama-server binary and model, built by ``scripts/llm_server build`` if absent.

    Skips only when the build tools are missing and cannot be installed; a failed build is an
    error.
    """
    if find_build() is None:
        print(
            "\ntests/llm: building llama-server into the cache (first run only, ~7 min on 2 cores)",
            file=sys.__stderr__,
            flush=True,
        )
    try:
        return ensure_build(timeout=BUILD_TIMEOUT)
    except BuildToolsMissing as exc:
        pytest.skip(f"llama-server cannot be built here: {exc}")


@pytest.fixture(scope="session")
def llama_server(llama_build: LlamaBuild) -> Iterator[LlamaServer]:
    """One server for the session: ``-c 2048 --parallel 1``. Tests must not kill or stop it."""
    yield from serve(llama_build, ctx_size=2048, parallel=1)


@pytest.fixture
def own_llama_server(llama_build: LlamaBuild) -> Iterator[LlamaServer]:
    """A server of the test's own (about 1 s to start), free to kill and restart."""
    yield from serve(llama_build, ctx_size=2048, parallel=1)

"""The task table model: qtmodeltester, incremental merges, live progress, syncing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from podcast_desk.app import PODCAST, Core
from podcast_desk.gui.task_model import (
    LIVE_SECONDS,
    Column,
    Role,
    TaskFilter,
    TaskFilterProxy,
    TaskRow,
    TaskSync,
    TaskTableModel,
    read_all,
)
from podcast_desk.gui.worker import BackgroundCalls
from podcast_desk.messages import msg
from podcast_desk.tasks.progress import Progress


def row(n: int, status: str = "PENDING", **changes: Any) -> TaskRow:
    values: dict[str, Any] = dict(
        id=f"task_{n:06d}", status=status, stage="", progress=0.0, detail="", title="",
        source=f"https://example.com/{n}.mp3", kind="url", error=None, priority=0,
        created_at=1_800_000_000.0 + n, updated_at=1_800_000_000.0 + n,
        next_run_at=1_800_000_000.0 + n, cancel_requested=False, episode_id=None)
    values.update(changes)
    return TaskRow(**values)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def model(clock: Clock) -> TaskTableModel:
    return TaskTableModel(clock=clock)


def texts(model: TaskTableModel, column: Column) -> list[str]:
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_empty_and_loaded_models_pass_the_model_tester(qtmodeltester: Any,
                                                       model: TaskTableModel) -> None:
    qtmodeltester.check(model)
    model.replace_all([row(1), row(2, "RUNNING", stage="transcribe", progress=40.0,
                                   detail="Transcribing 1:00 / 2:00"),
                       row(3, "FAILED", error="No audio in that file. Try another."),
                       row(4, "COMPLETED", title="An episode", episode_id=7)])
    qtmodeltester.check(model)
    assert texts(model, Column.TITLE) == ["An episode", "https://example.com/3.mp3",
                                          "https://example.com/2.mp3",
                                          "https://example.com/1.mp3"]  # newest first
    assert texts(model, Column.STATUS) == ["Done", "Failed", "Running", "Queued"]
    assert model.index(1, Column.ERROR).data() == "No audio in that file. Try another."
    assert model.index(2, Column.PROGRESS).data() == "Transcribing 1:00 / 2:00"
    assert model.index(2, Column.STAGE).data() == "Transcribing"
    assert model.index(2, Column.PROGRESS).data(Role.SHOW_BAR) is True
    assert model.index(0, Column.PROGRESS).data(Role.SHOW_BAR) is False


def test_merge_changes_rows_in_place_and_inserts_new_ones(
        qtbot: Any, qtmodeltester: Any, model: TaskTableModel) -> None:
    model.replace_all([row(n) for n in range(1, 6)])
    qtmodeltester.check(model, force_py=True)  # keep checking while rows change
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: changed.append((a.row(), b.row())))
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserted.append((a, b)))
    with qtbot.assertNotEmitted(model.modelReset):
        counts = model.merge([
            row(2, "RUNNING", updated_at=1_800_000_100.0, stage="download", progress=5.0),
            row(4),  # unchanged: no signal
            row(7), row(8),  # new, newest: inserted together at the top
            row(0),  # new, oldest: inserted at the bottom
        ])
    assert counts == (1, 3)
    assert changed == [(3, 3)]  # row 2, below 5, 4, 3 (changes come before inserts)
    assert inserted == [(5, 5), (0, 1)]  # back to front, each group at once
    assert [r.id for r in map(model.row_at, range(model.rowCount()))] == [
        f"task_{n:06d}" for n in (8, 7, 5, 4, 3, 2, 1, 0)]
    assert model.row_of("task_000002") == 5
    model.remove_ids(["task_000008", "task_000007", "task_000003", "nope"])
    assert model.rowCount() == 5
    assert model.row_of("task_000002") == 2
    qtmodeltester.check(model)


def test_older_database_rows_never_overwrite_newer_ones(model: TaskTableModel) -> None:
    model.replace_all([row(1, "COMPLETED", updated_at=1_800_000_500.0)])
    model.merge([row(1, "RUNNING", updated_at=1_800_000_400.0)])
    assert model.row_at(0).status == "COMPLETED"


def test_live_progress_wins_over_the_database_while_fresh(
        clock: Clock, model: TaskTableModel) -> None:
    model.replace_all([row(1, "RUNNING", stage="transcribe", progress=30.0)])
    model.apply_progress(Progress("task_000001", "transcribe", 60.0,
                                  msg("progress.transcribing", done=60.0, total=120.0),
                                  "Live title", 60.0, 120.0, eta=90.0))
    assert model.index(0, Column.TITLE).data() == "Live title"
    assert model.index(0, Column.ETA).data() == "2 min"
    # the database lags behind (it is written at most once a second)
    model.merge([row(1, "RUNNING", stage="transcribe", progress=45.0,
                     updated_at=1_800_000_050.0, title="Live title")])
    assert model.row_at(0).progress == 60.0
    clock.now += LIVE_SECONDS + 1
    model.merge([row(1, "RUNNING", stage="transcribe", progress=65.0,
                     updated_at=1_800_000_060.0, title="Live title")])
    assert model.row_at(0).progress == 65.0
    # a finish reported live is not undone by a stale running row
    model.apply_finished("task_000001", "COMPLETED", "")
    model.merge([row(1, "RUNNING", progress=66.0, updated_at=1_800_000_061.0)])
    assert model.row_at(0).status == "COMPLETED"
    model.merge([row(1, "COMPLETED", progress=100.0, updated_at=1_800_000_070.0,
                     episode_id=3, title="Live title")])
    assert model.row_at(0).episode_id == 3
    assert model.index(0, Column.ETA).data() == ""


def test_status_changes_are_signalled(qtbot: Any, model: TaskTableModel) -> None:
    model.replace_all([row(1)])
    with qtbot.waitSignal(model.task_status_changed, timeout=1000) as blocker:
        model.merge([row(1, "FAILED", error="Nope.", updated_at=1_800_000_999.0)])
    assert blocker.args == ["task_000001", "PENDING", "FAILED"]


def test_progress_details_are_translated_by_pattern(model: TaskTableModel) -> None:
    assert model.detail_text("Transcribing 12:40 / 58:03") == "Transcribing 12:40 / 58:03"
    assert model.detail_text("Downloading 1.2 MB of 30.0 MB · 2.0 MB/s") == (
        "Downloading 1.2 MB of 30.0 MB · 2.0 MB/s")
    assert model.detail_text("Summarized (offline)") == "Summarized (offline)"
    assert model.detail_text("Resolved") == "Found the episode"
    assert model.detail_text("Something else") == "Something else"


def test_the_filter_proxy_shows_one_group(qtmodeltester: Any, model: TaskTableModel) -> None:
    model.replace_all([row(1), row(2, "RUNNING"), row(3, "COMPLETED"), row(4, "FAILED"),
                       row(5, "CANCELLED")])
    proxy = TaskFilterProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    seen = {}
    for which in TaskFilter:
        proxy.set_task_filter(which)
        seen[which] = sorted(proxy.index(r, 0).data(Role.STATUS)
                             for r in range(proxy.rowCount()))
    assert seen[TaskFilter.ALL] == ["CANCELLED", "COMPLETED", "FAILED", "PENDING", "RUNNING"]
    assert seen[TaskFilter.ACTIVE] == ["PENDING", "RUNNING"]
    assert seen[TaskFilter.DONE] == ["COMPLETED"]
    assert seen[TaskFilter.FAILED] == ["CANCELLED", "FAILED"]
    # a task that finishes leaves the "active" view by itself
    proxy.set_task_filter(TaskFilter.ACTIVE)
    model.merge([row(2, "COMPLETED", updated_at=1_800_001_000.0)])
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy)
    proxy.sort(Column.TITLE, Qt.SortOrder.AscendingOrder)
    assert proxy.index(0, 0).data(Role.TASK_ID) == "task_000001"


def add(core: Core, n: int) -> str:
    return core.queue.add_task(PODCAST, {"source": f"https://example.com/{n}.mp3", "kind": "url"})


def test_sync_follows_tasks_added_changed_and_removed_outside(
        qtbot: Any, qtmodeltester: Any, core: Core) -> None:
    first = add(core, 1)
    model = TaskTableModel()
    calls = BackgroundCalls()
    sync = TaskSync(core.db, model, calls, interval_ms=50)
    with qtbot.waitSignal(sync.loaded, timeout=5000):
        sync.start()
    qtmodeltester.check(model, force_py=True)
    try:
        assert model.task_ids() == [first]
        with qtbot.assertNotEmitted(model.modelReset):
            second = add(core, 2)  # as `podcast-desk add` would, from another process
            qtbot.waitUntil(lambda: model.task(second) is not None, timeout=5000)
            core.queue.cancel(first)
            qtbot.waitUntil(lambda: model.task(first).status == "CANCELLED", timeout=5000)
            core.queue.remove(first)
            qtbot.waitUntil(lambda: model.task(first) is None, timeout=5000)
        assert sync.counts["PENDING"] == 1
        qtmodeltester.check(model)
    finally:
        sync.stop()
        calls.wait()


def test_ten_thousand_tasks_load_once_and_refresh_cheaply(
        qtbot: Any, core: Core) -> None:
    core.queue.add_tasks([(PODCAST, {"source": f"https://example.com/{n}", "kind": "url"}, 0)
                          for n in range(10_000)])
    model = TaskTableModel()
    calls = BackgroundCalls()
    sync = TaskSync(core.db, model, calls, interval_ms=30)
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    with qtbot.waitSignal(sync.loaded, timeout=20000):
        sync.start()
    try:
        assert model.rowCount() == 10_000
        newest = add(core, 10_001)
        qtbot.waitUntil(lambda: model.row_of(newest) == 0, timeout=5000)
        refreshed = 0

        def count() -> None:
            nonlocal refreshed
            refreshed += 1

        sync.refreshed.connect(count)
        qtbot.waitUntil(lambda: refreshed >= 3, timeout=5000)
        # merging every row again (nothing changed) is cheap on the GUI thread
        snapshot = read_all(core.db)
        started = time.perf_counter()
        assert model.merge(snapshot.rows) == (0, 0)
        assert time.perf_counter() - started < 0.5
        assert resets == [1]  # only the first load reset the model
    finally:
        sync.stop()
        calls.wait()


def test_data_for_unknown_indexes_is_none(model: TaskTableModel) -> None:
    model.replace_all([row(1)])
    assert model.data(QModelIndex()) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None
    assert model.headerData(Column.ERROR, Qt.Orientation.Horizontal) == "Error"

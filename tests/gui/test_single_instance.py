"""Single instance: a second launch on the same data folder hands its link to the first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDir
from PySide6.QtNetwork import QLocalServer

from podcast_desk.app import Core
from podcast_desk.gui.single_instance import InstanceServer, send_to_running, server_name
from tests.conftest import REPO
from tests.gui.conftest import WindowFactory

SECOND_LAUNCH = """
import sys
from podcast_desk.app import open_core
from podcast_desk.gui.main_window import run_gui
sys.exit(run_gui(open_core(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None))
"""


def launch(data_dir: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen([sys.executable, "-c", SECOND_LAUNCH, str(data_dir), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def test_the_name_depends_on_the_data_folder(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert server_name(a) == server_name(tmp_path / "x" / ".." / "a")
    assert server_name(a) != server_name(b)
    assert len(server_name(a)) < 60  # socket paths are short on every OS


def test_nobody_answers_when_no_window_is_open(qapp: Any, tmp_path: Path) -> None:
    assert not send_to_running(server_name(tmp_path), {"source": "x"}, timeout_ms=500)


def test_a_second_launch_forwards_its_link_and_exits(
        qtbot: Any, make_window: WindowFactory, core: Core) -> None:
    window = make_window()
    server = InstanceServer(server_name(core.paths.root), parent=window)
    server.message_received.connect(window.on_instance_message)
    assert server.listen()
    window.hide()
    try:
        with qtbot.waitSignal(window.task_added, timeout=30000) as added:
            second = launch(core.paths.root, "https://example.com/from-second-launch.mp3")
            qtbot.waitUntil(lambda: second.poll() is not None, timeout=30000)
        _out, err = second.communicate()
        assert second.returncode == 0, err
        assert "already open" in err
        info = core.queue.get_task(added.args[0])
        assert info is not None and info.data["source"] == (
            "https://example.com/from-second-launch.mp3")
        assert window.isVisible()  # raised for the user

        # without a link, the first window is just shown
        window.hide()
        plain = launch(core.paths.root)
        qtbot.waitUntil(lambda: plain.poll() is not None, timeout=30000)
        assert plain.returncode == 0, plain.communicate()[1]
        assert window.isVisible()
        assert len(core.queue.list_tasks()) == 1
    finally:
        server.close()


def test_a_socket_left_by_a_crashed_instance_is_replaced(qapp: Any, tmp_path: Path) -> None:
    name = server_name(tmp_path)
    stale = Path(QDir.tempPath()) / name
    stale.write_text("left behind")
    try:
        server = InstanceServer(name)
        assert server.listen()
        server.close()
    finally:
        QLocalServer.removeServer(name)
        stale.unlink(missing_ok=True)

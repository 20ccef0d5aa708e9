"""The dev stack's launcher leaves nothing behind, however it is stopped: a terminal's Ctrl-C to
its whole process group (which `uv run` also forwards, so it arrives twice), a supervisor's
SIGTERM to the group, or the launcher killed outright."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

pytestmark = pytest.mark.store_free


def _start_launcher(run_dir: Path) -> tuple[subprocess.Popen[bytes], dict[str, object]]:
    log = (run_dir / "launcher.log").open("wb")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "devstack", "--no-demo", "--free-ports", "--run-dir", str(run_dir)],
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        # A group of its own, as a terminal gives `make run`.
        start_new_session=True,
    )
    state = run_dir / "stack.json"
    deadline = time.monotonic() + 240
    while not state.exists():
        if launcher.poll() is not None or time.monotonic() > deadline:
            launcher.kill()
            pytest.fail(f"the stack did not start:\n{(run_dir / 'launcher.log').read_text()}")
        time.sleep(0.5)
    started: dict[str, object] = json.loads(state.read_text())
    # The Web UI may open its port a moment after the server's own.
    ports = [int(p) for p in started["ports"]]  # type: ignore[attr-defined]
    while not all(map(_listening, ports)):
        if time.monotonic() > deadline:
            pytest.fail(f"not every port of {ports} listens")
        time.sleep(0.5)
    return launcher, started


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting for whoever adopted it."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status


def _until_gone(started: dict[str, object], timeout: float = 60) -> tuple[list[int], list[int]]:
    ports = [int(p) for p in started["ports"]]  # type: ignore[attr-defined]
    children = [int(p) for p in started["children"]]  # type: ignore[attr-defined]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [p for p in ports if _listening(p)]
        running = [pid for pid in children if _alive(pid)]
        if not busy and not running:
            return [], []
        time.sleep(0.5)
    return busy, running


@pytest.mark.parametrize(
    "signals",
    [
        pytest.param((signal.SIGINT, signal.SIGINT, signal.SIGTERM), id="ctrl-c-to-the-group"),
        pytest.param((signal.SIGTERM, signal.SIGTERM), id="sigterm-to-the-group"),
    ],
)
def test_stopping_the_group_frees_every_port(tmp_path: Path, signals: tuple[int, ...]) -> None:
    launcher, started = _start_launcher(tmp_path)
    for number in signals:
        os.killpg(launcher.pid, number)
        time.sleep(0.2)
    assert launcher.wait(timeout=90) == 0
    assert _until_gone(started) == ([], [])
    assert "Stopped." in (tmp_path / "launcher.log").read_text()


def test_a_launcher_killed_outright_takes_its_children_with_it(tmp_path: Path) -> None:
    launcher, started = _start_launcher(tmp_path)
    launcher.kill()
    launcher.wait(timeout=10)
    assert _until_gone(started) == ([], [])

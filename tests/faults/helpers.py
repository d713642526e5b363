"""Helpers of the fault-injection tests.

``Cli`` runs ``python -m myokine.cli`` in a private working folder whose temporary folder
(TMPDIR) is private too, so a test can see that nothing was left behind.
"""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from myokine.paths import ROOT


@dataclass(frozen=True)
class Cli:
    cwd: Path
    tmp: Path  # the subprocesses' TMPDIR

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.tmp), "PYTHONDONTWRITEBYTECODE": "1"}

    def run(self, *args: str, timeout: float = 120, **options) -> subprocess.CompletedProcess:
        options = {"env": self.env(), "cwd": self.cwd, **options}
        return subprocess.run([sys.executable, "-m", "myokine.cli", *args], capture_output=True,
                              encoding="utf-8", timeout=timeout, **options)

    def start(self, *args: str, **options) -> subprocess.Popen:
        """Start a command as from a terminal: Ctrl-C is not ignored, as it is when the tests
        themselves run as a shell's background job."""
        options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "encoding": "utf-8",
                   "preexec_fn": _ctrl_c_default, **options}
        return subprocess.Popen([sys.executable, "-m", "myokine.cli", *args], cwd=self.cwd, env=self.env(), **options)

    def leftovers(self) -> list[str]:
        """What the subprocesses left in their temporary folder."""
        return sorted(path.name for path in self.tmp.iterdir())


def _ctrl_c_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for(condition: Callable[[], object], process: subprocess.Popen, timeout: float = 60) -> None:
    """Poll until ``condition()`` holds; fail if the process ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the command ended (status {process.returncode}) first: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("timed out waiting")
        time.sleep(0.05)


def one_error_line(stderr: str) -> str:
    """The single ``myokine: error:`` line a failure must print, without a traceback."""
    lines = stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("myokine: error: "), stderr
    return lines[0]


def read_only_folder(tmp_path: Path) -> Path:
    """A folder nobody here can write into: chmod 0o500 stops a normal user, not root (in CI),
    so root gets /sys, which is mounted read-only or refuses new files."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


def unreadable_file(tmp_path: Path) -> Path:
    """A file that exists but cannot be read (for root: a write-only kernel setting)."""
    if os.geteuid() == 0:
        return Path("/proc/sys/vm/compact_memory")
    path = tmp_path / "secret.toml"
    path.write_text('title = "x"\nend = 1\nstep = 1\n')
    path.chmod(0)
    return path

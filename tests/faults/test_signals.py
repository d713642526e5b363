"""Ctrl-C, SIGTERM and a closed output pipe end a running command with one line (or quietly,
for the pipe), the conventional exit status, and no temporary folder or child process left."""

import signal

import threading
from contextlib import contextmanager

import psutil
import pytest

from myokine import parallel
from myokine.parallel import Engine
from tests.faults.helpers import one_error_line, wait_for


def _workers(cli, process) -> bool:
    return len(psutil.Process(process.pid).children(recursive=True)) >= 2


COMMANDS = {  # the arguments, and when the command is well under way
    "report": (["report", "--out", "out"], lambda cli, process: list(cli.cwd.glob("out/.myokine-staging-*/*.csv"))),
    "check": (["check"], lambda cli, process: list(cli.tmp.glob("myokine-check-*/.myokine-staging-*/myokine.xml"))),
    "sensitivity": (["sensitivity", "--method", "morris", "--n", "2", "--workers", "2", "--out", "out"], _workers),
}


@pytest.mark.parametrize(("command", "signum"), [("report", signal.SIGINT), ("check", signal.SIGTERM),
                                                 ("sensitivity", signal.SIGTERM)])
def test_a_signal_ends_the_command_cleanly(cli, command, signum):
    args, ready = COMMANDS[command]
    process = cli.start(*args)
    wait_for(lambda: ready(cli, process), process)
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum
    word = "interrupted" if signum == signal.SIGINT else "terminated"
    assert one_error_line(err) == f"myokine: error: {word}"
    assert cli.leftovers() == [] and list(cli.cwd.iterdir()) == []
    _, alive = psutil.wait_procs(children, timeout=5)
    assert [p for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []


@pytest.mark.parametrize("out", [None, "link"])
def test_a_closed_pipe_ends_quietly(cli, out):
    """``myokine simulate acute_bout | head -1``: the CSV is larger than the pipe's buffer."""
    if out:
        (cli.cwd / out).symlink_to("/dev/stdout")
    process = cli.start("simulate", "acute_bout", *(["--out", out] if out else []))
    assert process.stdout.readline().startswith("condition,time,")
    process.stdout.close()
    assert process.wait(timeout=30) == 128 + signal.SIGPIPE
    assert process.stderr.read() == ""


def test_workers_start_while_no_other_thread_can_take_a_signal(monkeypatch):
    """Signals are held per thread: a thread the engine starts before its workers (tqdm's monitor
    was one) would take a SIGTERM and cut a worker's start short, which then prints a traceback."""
    threads_before, threads_while_held = set(threading.enumerate()), []
    held = parallel.signals_held

    @contextmanager
    def recording():
        threads_while_held.append(threading.enumerate())
        with held():
            yield

    monkeypatch.setattr(parallel, "signals_held", recording)
    assert Engine(workers=2).map(abs, [1, -2, 3]) == [1, 2, 3]
    assert len(threads_while_held) == 1 and set(threads_while_held[0]) <= threads_before

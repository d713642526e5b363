"""Ctrl-C, SIGTERM and a closed output pipe end a running command with one line (or quietly,
for the pipe), the conventional exit status, and no temporary folder or child process left."""

import signal

import psutil
import pytest

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

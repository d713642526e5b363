"""What ``--out`` names is written as the user means it: a regular file is replaced atomically
and keeps its permissions; a symlink, a named pipe or a device is written through, never
replaced; a read-only file or a folder is refused with one line."""

import os
import stat
import threading

import pandas as pd
import pytest

from myokine.fileio import write_csv
from tests.faults.helpers import one_error_line

FRAME = pd.DataFrame({"time": [0.0, 1.0], "x": [1.5, 2.5]})
CSV = "time,x\n0,1.5\n1,2.5\n"


@pytest.fixture()
def group_umask():
    """A umask that lets the group write (0o002), restored afterwards."""
    previous = os.umask(0o002)
    yield
    os.umask(previous)


def test_a_new_file_gets_the_umask_permissions_and_no_temporary_file_is_left(tmp_path, group_umask):
    write_csv(FRAME, tmp_path / "new.csv")
    assert (tmp_path / "new.csv").read_text() == CSV
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o664
    assert [p.name for p in tmp_path.iterdir()] == ["new.csv"]


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o664])
def test_a_replaced_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "out.csv"
    path.write_text("old")
    path.chmod(mode)
    write_csv(FRAME, path)
    assert path.read_text() == CSV and stat.S_IMODE(path.stat().st_mode) == mode


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    target, link = tmp_path / "target.csv", tmp_path / "link.csv"
    target.write_text("old")
    target.chmod(0o600)
    link.symlink_to(target)
    write_csv(FRAME, link)
    assert link.is_symlink() and target.read_text() == CSV
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_named_pipe_is_written_through(tmp_path):
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_csv(FRAME, pipe)
    reader.join(10)
    assert received == [CSV] and stat.S_ISFIFO(pipe.stat().st_mode)


def test_a_link_to_dev_null_writes_to_the_device(tmp_path):
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    write_csv(FRAME, link)
    assert link.is_symlink() and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["null.csv"]


def test_standard_output_is_written_through(cli):
    # a link to /dev/stdout: naming /dev/stdout itself would let a broken build replace it
    (cli.cwd / "link").symlink_to("/dev/stdout")
    run = cli.run("simulate", "acute_bout", "--end", "10", "--step", "5", "--out", "link")
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0].startswith("condition,time,") and len(run.stdout.splitlines()) == 4
    assert os.path.islink("/dev/stdout") and all(p.is_symlink() for p in cli.cwd.iterdir())


@pytest.mark.parametrize("kind", ["read-only file", "folder"])
def test_a_read_only_file_or_a_folder_is_refused_in_one_line(cli, kind):
    out = cli.cwd / "out"
    if kind == "folder":
        out.mkdir()
    else:
        out.write_text("keep me")
        out.chmod(0o444)
    run = cli.run("simulate", "acute_bout", "--end", "10", "--out", str(out))
    line = one_error_line(run.stderr)
    assert run.returncode == 1 and str(out) in line
    assert ("Is a directory" if kind == "folder" else "Permission denied") in line
    assert out.is_dir() if kind == "folder" else out.read_text() == "keep me"
    assert sorted(p.name for p in cli.cwd.iterdir()) == ["out"]

"""Operating-system errors are one line naming the path, with nothing half-written left behind:
a full disk, a file size limit, read-only places, unreadable or wrong inputs, missing sources."""

import resource
import shutil
import stat
from pathlib import Path

import pytest

from myokine.cli import main
from myokine.paths import ROOT
from tests.faults.helpers import one_error_line, read_only_folder, unreadable_file


def test_a_full_disk_is_one_line(cli):
    """/dev/full, through a link: a build that replaced what it names would replace the link,
    not the device."""
    (cli.cwd / "full.csv").symlink_to("/dev/full")
    run = cli.run("simulate", "acute_bout", "--out", "full.csv")
    assert run.returncode == 1 and run.stdout == ""
    assert one_error_line(run.stderr) == "myokine: error: full.csv: No space left on device"
    assert (cli.cwd / "full.csv").is_symlink() and stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def _small_file_limit() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


@pytest.mark.parametrize("command", [["simulate", "acute_bout", "--out", "out/acute_bout.csv"],
                                     ["export", "--out", "out"]])
def test_running_out_of_file_space_keeps_the_old_files(cli, command):
    """The file size limit fails a write midway, as a full disk does."""
    out = cli.cwd / "out"
    out.mkdir()
    old = {"acute_bout.csv": "old csv", "myokine.xml": "old sbml", ".myokine-outputs": "myokine.xml\n"}
    for name, text in old.items():
        (out / name).write_text(text)
    run = cli.run(*command, preexec_fn=_small_file_limit)
    assert run.returncode == 1 and "File too large" in one_error_line(run.stderr)
    assert {p.name: p.read_text() for p in out.iterdir()} == old
    assert cli.leftovers() == []


@pytest.mark.parametrize("command", [["simulate", "acute_bout", "--end", "10", "--out", "{ro}/x.csv"],
                                     ["build", "--out", "{ro}/x.xml"], ["export", "--out", "{ro}/dist"],
                                     ["report", "--out", "{ro}/results"], ["sensitivity", "--out", "{ro}/sensitivity"]])
def test_a_read_only_place_is_one_line(tmp_path, capsys, command):
    folder = read_only_folder(tmp_path)
    assert main([part.format(ro=folder) for part in command]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert str(folder) in line
    assert any(reason in line for reason in ("Permission denied", "Read-only file system", "Operation not permitted"))


@pytest.mark.parametrize("kind", ["folder", "folder.toml", "unreadable"])
def test_an_experiment_that_cannot_be_read_is_one_line(cli, tmp_path, kind):
    if kind == "unreadable":
        path, reason = unreadable_file(tmp_path), "Permission denied"
    else:
        path, reason = cli.cwd / kind, "Is a directory"
        path.mkdir()
    run = cli.run("simulate", str(path))
    assert run.returncode == 1 and one_error_line(run.stderr) == f"myokine: error: {path}: {reason}"


@pytest.mark.parametrize(("missing", "command"), [("models/metadata.ant", ["build", "--out", "x.xml"]),
                                                  ("models/interface/observables.tsv", ["simulate", "acute_bout"]),
                                                  ("models/sbml/myokine.xml", ["simulate", "acute_bout"])])
def test_a_missing_project_file_is_one_line(cli, tmp_path, missing, command):
    """In a copy of the project with one source file removed."""
    project = tmp_path / "project"
    for folder in ("myokine", "models", "simulations", "data"):
        shutil.copytree(ROOT / folder, project / folder)
    (project / missing).unlink()
    run = cli.run(*command, env={**cli.env(), "PYTHONPATH": str(project)})
    assert run.returncode == 1 and Path(missing).name in one_error_line(run.stderr)

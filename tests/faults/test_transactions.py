"""Multi-file commands (export, report, sensitivity) write all their files or none, and never
touch files myokine did not write: a folder of the user's is refused, unless --force."""

import signal

import pandas as pd
import pytest

from analysis.sensitivity.methods import FailedSamples, Settings, run
from myokine.cli import main
from myokine.errors import InputError
from myokine.fileio import MARKER, output_folder
from myokine.parallel import Engine
from tests.faults.helpers import one_error_line, wait_for


def contents(folder):
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def previous_run(folder, *names):
    """A folder as an earlier run of myokine left it."""
    folder.mkdir()
    for name in names:
        (folder / name).write_text(f"old {name}")
    (folder / MARKER).write_text("".join(f"{name}\n" for name in names))
    return contents(folder)


def test_a_new_folder_gets_the_files_and_the_marker(tmp_path):
    with output_folder(tmp_path / "new") as staging:
        (staging / "a.csv").write_text("a")
    assert contents(tmp_path / "new") == {"a.csv": b"a", MARKER: b"a.csv\n"}


def test_a_failure_moves_nothing_in_and_removes_a_new_folder(tmp_path):
    old = previous_run(tmp_path / "old", "a.csv", "b.csv")
    for folder in (tmp_path / "old", tmp_path / "new"):
        with pytest.raises(RuntimeError):
            with output_folder(folder) as staging:
                (staging / "a.csv").write_text("new")
                raise RuntimeError("failed halfway")
    assert contents(tmp_path / "old") == old and not (tmp_path / "new").exists()


def test_a_folder_holding_only_an_earlier_output_folder_is_accepted(tmp_path):
    """``make calibrate`` writes results/calibration/; ``make run`` then reports into results/."""
    (tmp_path / "results").mkdir()
    previous_run(tmp_path / "results" / "calibration", "estimates.tsv")
    with output_folder(tmp_path / "results") as staging:
        (staging / "report.md").write_text("report")
    assert (tmp_path / "results" / "report.md").read_text() == "report"
    (tmp_path / "other" / "mine").mkdir(parents=True)  # a subfolder without a marker is the user's
    with pytest.raises(InputError, match="myokine did not write"):
        with output_folder(tmp_path / "other"):
            pass


@pytest.mark.parametrize("command", [["export"], ["report"], ["sensitivity", "--workers", "1"]])
def test_a_folder_of_the_users_is_refused_up_front(tmp_path, monkeypatch, capsys, command):
    """``myokine export --out p`` replaced p/README.md; ``--out .`` the project's README."""
    (tmp_path / "README.md").write_text("mine")
    monkeypatch.chdir(tmp_path)
    assert main([*command, "--out", "."]) == 1
    assert "myokine did not write" in one_error_line(capsys.readouterr().err)
    assert contents(tmp_path) == {"README.md": b"mine"}


def test_a_file_of_the_users_in_a_marked_folder_is_refused_unless_forced(tmp_path):
    folder = tmp_path / "out"
    previous_run(folder, "a.csv")
    (folder / "notes.md").write_text("mine")
    (folder / "README.md").write_text("mine")
    with pytest.raises(InputError, match="would replace README.md"):
        with output_folder(folder) as staging:
            (staging / "README.md").write_text("generated")
    assert (folder / "README.md").read_text() == "mine"
    with output_folder(folder, force=True) as staging:
        (staging / "README.md").write_text("generated")
    assert (folder / "README.md").read_text() == "generated" and (folder / "notes.md").read_text() == "mine"
    assert (folder / MARKER).read_text() == "README.md\na.csv\n"


@pytest.mark.parametrize(("command", "first", "signum"), [("export", "myokine.xml", signal.SIGTERM),
                                                          ("report", "acute_bout.csv", signal.SIGINT)])
def test_an_interrupted_command_leaves_the_previous_files(cli, command, first, signum):
    old = previous_run(cli.cwd / "out", first, "README.md", "report.md")
    process = cli.start(command, "--out", "out")
    wait_for(lambda: list(cli.cwd.glob(f"out/.myokine-staging-*/{first}")), process)
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 128 + signum and one_error_line(err)
    assert contents(cli.cwd / "out") == old and cli.leftovers() == []


def test_failed_samples_are_written_alone_and_the_previous_tables_kept(tmp_path):
    ranges = tmp_path / "ranges.toml"
    ranges.write_text(
        '[default]\nfold = 2.0\n[overrides]\n'
        'K_stress = { low = 1e-30, high = 0.65, scale = "log", why = "far too low: the energy stress overflows" }\n'
    )
    old = previous_run(tmp_path / "out", "morris.csv", "morris.png")
    with pytest.raises(FailedSamples, match="Morris samples failed"):
        run("morris", 2, Settings(Engine(workers=2), seed=7, uncertainty=ranges), tmp_path / "out")
    failures = pd.read_csv(tmp_path / "out" / "failures.csv")
    assert len(failures) > 0 and (failures["K_stress"] < 1e-19).all()
    assert failures["error"].str.contains("integration failed").all()
    now = contents(tmp_path / "out")
    assert {name: now[name] for name in ("morris.csv", "morris.png")} == {n: old[n] for n in ("morris.csv", "morris.png")}

"""The command line: list, simulate, report; bad input gives one line, an exit code, no file."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from myokine.cli import main
from myokine.interface import OBSERVABLE_IDS as OBSERVABLES
from myokine.paths import SIMULATIONS_DIR

MYOKINE = Path(sys.executable).with_name("myokine")


def test_console_script_lists_every_declared_experiment():
    listing = subprocess.run([MYOKINE, "list"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines()]
    assert names == sorted(path.stem for path in SIMULATIONS_DIR.glob("*.toml"))
    assert {"rest_24h", "acute_bout", "steensberg2000_one_leg", "keller2001_glycogen",
            "training_6_weeks", "il6_infusion"} <= set(names)


def test_simulate_writes_time_and_observables(tmp_path):
    out = tmp_path / "bout.csv"
    args = ["simulate", "acute_bout", "--set", "exercise_intensity=0.5", "--end", "300",
            "--step", "5", "--out", str(out)]
    assert main(args) == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["condition", "time", *OBSERVABLES]
    assert frame["time"].iloc[-1] == 300 and len(frame) == 61


def test_simulate_accepts_an_experiment_file(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text('title = "short"\nend = 30\nstep = 10\n[parameters]\nbout_count = 0\n')
    assert main(["simulate", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith("condition,time,")


def test_set_changes_the_result(tmp_path):
    low, high = tmp_path / "low.csv", tmp_path / "high.csv"
    main(["simulate", "acute_bout", "--set", "exercise_intensity=0.4", "--out", str(low)])
    main(["simulate", "acute_bout", "--set", "exercise_intensity=0.8", "--out", str(high)])
    assert pd.read_csv(high)["IL6_plasma"].max() > pd.read_csv(low)["IL6_plasma"].max()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "sprint_marathon"], "unknown experiment 'sprint_marathon'"),
        (["simulate", "acute_bout", "--set", "bout_cuont=2"], "unknown parameter 'bout_cuont'"),
        (["simulate", "acute_bout", "--set", "bout_count=two"], "'two' is not a number"),
        (["simulate", "acute_bout", "--set", "bout_count"], "expected ID=VALUE"),
        (["simulate", "acute_bout", "--set", "bout_duration=-5"], "must not be negative"),
        (["simulate", "acute_bout", "--set", "exercise_intensity=nan"], "must be finite"),
        (["simulate", "acute_bout", "--set", "exercise_intensity=inf"], "must be finite"),
        (["simulate", "acute_bout", "--end", "-60"], "end must be a positive"),
        (["simulate", "acute_bout", "--step", "0"], "step must be a positive"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, args, message):
    out = tmp_path / "out.csv"
    assert main([*args, "--out", str(out)]) != 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1 and message in captured.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "sobol", "--n", "1000"], "must be a power of two, got 1000"),
        (["--method", "morris", "--n", "0"], "--n must be at least 1"),
        (["--workers", "0"], "--workers must be between 1 and"),
        (["--workers", "1000"], "--workers must be between 1 and"),
    ],
)
def test_bad_sensitivity_settings_are_refused_before_any_run(tmp_path, capsys, args, message):
    assert main(["sensitivity", *args, "--out", str(tmp_path / "out")]) != 0
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_malformed_experiment_file_is_named(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\nend = 60\nstep = 1\n[parameters\n')
    assert main(["simulate", str(path)]) != 0
    assert f"{path}: not valid TOML" in capsys.readouterr().err


def test_usage_error_is_one_line_without_traceback():
    run = subprocess.run([MYOKINE, "simulate"], capture_output=True, text=True)
    assert run.returncode == 2
    assert len(run.stderr.splitlines()) == 1 and "Traceback" not in run.stderr


def test_model_error_exits_nonzero_without_traceback(tmp_path):
    out = tmp_path / "x.csv"
    run = subprocess.run(
        [MYOKINE, "simulate", "acute_bout", "--set", "bout_cuont=1", "--out", str(out)],
        capture_output=True, text=True,
    )
    assert run.returncode == 1 and not out.exists()
    assert run.stderr.startswith("myokine: error:") and "Traceback" not in run.stderr


def test_failed_integration_is_one_line(tmp_path):
    out = tmp_path / "x.csv"
    run = subprocess.run(
        [MYOKINE, "simulate", "acute_bout", "--set", "n_stress=10000", "--out", str(out)],
        capture_output=True, text=True,
    )
    assert run.returncode == 1 and not out.exists()
    assert run.stderr.splitlines() == [run.stderr.strip()]
    assert "integration failed: CVODE Error: CV_CONV_FAILURE" in run.stderr


def test_report_writes_a_csv_and_a_figure_per_experiment(tmp_path):
    assert main(["report", "--out", str(tmp_path)]) == 0
    names = [path.stem for path in SIMULATIONS_DIR.glob("*.toml")]
    for name in names:
        assert (tmp_path / f"{name}.csv").stat().st_size > 0
        assert (tmp_path / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| IL6_plasma | pg/mL |" in report and "## Calibration" in report and "The fit of " in report

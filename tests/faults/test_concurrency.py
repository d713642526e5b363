"""Threads, workers and schedulers: simulate() from several threads gives the serial results,
the workers are bounded, a worker's failed task comes back as its error, an unreachable scheduler
is one line and leaves no folder, and the solver's own output never reaches a CSV on standard
output."""

import io
import pickle
import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from myokine import parallel, simulate
from myokine.cli import main
from myokine.errors import InputError
from myokine.parallel import Engine, available_cores, returning_errors
from tests.faults.helpers import one_error_line

INTENSITIES = [0.3, 0.5, 0.7, 0.9] * 2


def test_simulate_from_several_threads_gives_the_serial_results(experiments):
    bout = experiments["acute_bout"].with_changes({}, end=240, step=2)
    serial = [simulate(bout, {"exercise_intensity": x}) for x in INTENSITIES]
    with ThreadPoolExecutor(4) as threads:
        threaded = list(threads.map(lambda x: simulate(bout, {"exercise_intensity": x}), INTENSITIES))
    for expected, got in zip(serial, threaded):
        pd.testing.assert_frame_equal(got, expected)
    assert not serial[0].equals(serial[1])


@pytest.mark.parametrize("workers", [0, -1, available_cores() + 1, 10_000])
def test_workers_are_bounded_by_the_cores(workers):
    with pytest.raises(InputError, match=f"between 1 and {available_cores()}"):
        Engine(workers)


def test_a_failed_task_comes_back_as_its_error_and_the_others_complete():
    results = Engine(workers=2).map(returning_errors, [(int, ("x",)), (abs, (-2,))])
    assert isinstance(results[0], ValueError) and results[1] == 2


def test_an_error_that_cannot_be_pickled_comes_back_as_a_runtime_error():
    def fails():
        raise ValueError(threading.Lock())

    error = returning_errors((fails, ()))
    assert isinstance(error, RuntimeError) and str(error).startswith("ValueError: <unlocked _thread.lock")
    pickle.dumps(error)


def test_an_unreachable_scheduler_is_one_line_and_leaves_no_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "DASK_CONNECT_SECONDS", 1)  # the default 10 s, shortened
    out = tmp_path / "sensitivity"
    status = main(["sensitivity", "--method", "morris", "--n", "2", "--scheduler", "tcp://127.0.0.1:9", "--out", str(out)])
    assert status == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in one_error_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_solver_warnings_stay_out_of_a_csv_on_standard_output(cli):
    """SUNDIALS prints warnings to file descriptor 1 (here: a near-zero resting lactate)."""
    run = cli.run("simulate", "acute_bout", "--set", "Lactate_rest=1e-30")
    assert run.returncode == 0 and run.stderr == ""
    frame = pd.read_csv(io.StringIO(run.stdout))
    assert list(frame.columns[:2]) == ["condition", "time"] and len(frame) > 100

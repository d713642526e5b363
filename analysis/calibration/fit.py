"""Multi-start calibration with pyPESTO: fides (trust region) on AMICI forward sensitivities.

The starts run on the project's parallel engine (serial, local processes or a Dask cluster). The
parameters to estimate are the assumed parameters the data inform most (``selection``), at most
``max_parameters`` of them; ties in the screen (parameters that act only through a product) keep
the first. Results: pyPESTO's HDF5 file, the optimiser's best values, a waterfall plot.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.calibration.objective import petab_problem, pypesto_problem
from analysis.calibration.selection import screen
from myokine.fileio import write_atomically, write_csv
from myokine.parallel import Engine

SETTINGS = Path(__file__).with_name("calibration.toml")
# The fit's tolerances: at the runner's 1e-9 a gradient took 48 s, at 1e-6 1.3 s, with the same
# gradient to three digits (AMICI's forward sensitivities around the bout events).
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Settings:
    starts: int
    seed: int
    max_parameters: int
    iterations: int

    @classmethod
    def read(cls, path: Path = SETTINGS) -> "Settings":
        return cls(**tomllib.loads(path.read_text(encoding="utf-8")))


def choose(screened: pd.DataFrame, max_parameters: int) -> list[str]:
    """The most informed parameters, one per tie of information."""
    chosen, seen = [], []
    for row in screened[screened["estimated"]].itertuples():
        if not any(abs(row.information - other) <= 1e-6 * other for other in seen):
            chosen.append(row.parameter)
            seen.append(row.information)
        if len(chosen) == max_parameters:
            break
    return chosen


def with_estimated(problem, names: list[str]):
    """The PEtab problem with exactly ``names`` estimated (the others at their values)."""
    problem.parameter_df["estimate"] = problem.parameter_df.index.isin(names).astype(int)
    return problem


class _ProjectEngine:
    """pyPESTO's engine interface over the project's parallel engine."""

    def __init__(self, engine: Engine):
        self.engine = engine

    def execute(self, tasks, progress_bar=None):
        return self.engine.map(_execute, tasks, "starts")


def _execute(task):
    return task.execute()


def optimize(problem, starts: int, seed: int, iterations: int, engine: Engine):
    """Multi-start fides on a pyPESTO problem; starts drawn uniformly within the bounds."""
    import pypesto.engine
    import pypesto.optimize as optimize

    class ProjectEngine(_ProjectEngine, pypesto.engine.Engine):
        pass

    solver = problem.objective.amici_solver
    solver.set_relative_tolerance(RELATIVE_TOLERANCE)
    solver.set_absolute_tolerance(ABSOLUTE_TOLERANCE)
    np.random.seed(seed)
    return optimize.minimize(
        problem, optimizer=optimize.FidesOptimizer(verbose=0, options={"maxiter": iterations}),
        n_starts=starts, engine=ProjectEngine(engine), progress_bar=False,
    )


def estimates(result, problem) -> pd.DataFrame:
    """The best start's estimates, in the parameters' own units, beside their nominal values."""
    best = result.optimize_result.list[0]
    names = [result.problem.x_names[i] for i in result.problem.x_free_indices]
    table = problem.parameter_df.loc[names, ["parameterScale", "nominalValue", "lowerBound", "upperBound"]]
    scaled = best.x[result.problem.x_free_indices]
    values = np.where(table["parameterScale"] == "log10", 10.0 ** scaled, scaled)
    return table.assign(value=values).rename_axis("parameter").reset_index()


def calibrate(out_dir: Path, settings: Settings, engine: Engine) -> list[Path]:
    """Screen, fit, and write the results into ``out_dir``."""
    import pypesto.store
    import pypesto.visualize

    problem = petab_problem()
    screened = screen(problem)
    names = choose(screened, settings.max_parameters)
    result = optimize(pypesto_problem("amici", with_estimated(problem, names)), settings.starts, settings.seed,
                      settings.iterations, engine)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "screen.csv", out_dir / "estimates.csv", out_dir / "calibration.hdf5", out_dir / "waterfall.png"]
    write_csv(screened, written[0])
    write_csv(estimates(result, problem), written[1])
    write_atomically(written[2], lambda tmp: pypesto.store.write_result(result, str(tmp), overwrite=True))
    axes = pypesto.visualize.waterfall(result)
    write_atomically(written[3], lambda tmp: axes.get_figure().savefig(tmp, format="png", dpi=100))
    return written

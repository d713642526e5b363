"""Multi-start calibration with pyPESTO: fides (trust region) on AMICI forward sensitivities.

The starts run on the project's parallel engine (serial, local processes or a Dask cluster). The
parameters to estimate are the assumed parameters the data inform most (``selection``), at most
``max_parameters`` of them; of parameters tied in the screen (acting on the data only through a
product) the one that moves the fewest other outputs is kept, and a chosen parameter brings the
ones the settings fit ``together`` with it. The best fit is then profiled; parameters that are
not identifiable are fixed at their best fit (``profiles``).
Results: the estimates with their 95 % intervals and identifiability (``estimates.tsv``, the
table the released model adopts), the ensemble behind the prediction bands, AIC and BIC at the
source values and at the best fit, every start's outcome and optimiser trace, pyPESTO's HDF5
file (starts and profiles), a waterfall and a profile plot.
"""

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import cloudpickle
import numpy as np
import pandas as pd

from analysis.calibration.objective import petab_problem, pypesto_problem, quiet_amici
from analysis.calibration.petab_problem import PETAB_DIR
from analysis.calibration.profiles import identify
from analysis.calibration.selection import screen
from myokine.estimates import COLUMNS as ESTIMATE_COLUMNS
from myokine.fileio import output_folder, write_csv
from myokine.parallel import Engine
from myokine.paths import ROOT

SETTINGS = Path(__file__).with_name("calibration.toml")
# The fit's tolerances: at the runner's 1e-9 a gradient took 48 s, at 1e-6 1.3 s, with the same
# gradient to three digits (AMICI's forward sensitivities around the bout events). The
# sensitivities' own tolerances, looser, take the 12 weeks of training from 2.3 s to 1.4 s per
# gradient, which stays the same to five digits.
RELATIVE_TOLERANCE = 1e-6
ABSOLUTE_TOLERANCE = 1e-10
SENSITIVITY_RELATIVE_TOLERANCE = 1e-4
SENSITIVITY_ABSOLUTE_TOLERANCE = 1e-8
PROBLEM = (PETAB_DIR / "problem.yaml").relative_to(ROOT).as_posix()  # named in the estimates' tags


@dataclass(frozen=True)
class Settings:
    starts: int
    seed: int
    max_parameters: int
    iterations: int
    profile_iterations: int
    together: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path = SETTINGS) -> "Settings":
        return cls(**tomllib.loads(path.read_text(encoding="utf-8")))


def choose(screened: pd.DataFrame, max_parameters: int,
           together: dict[str, list[str]] | None = None) -> list[str]:
    """The most informed parameters, one per tie of information (the one that moves the fewest
    other outputs, its ``reach``), each followed by the parameters fitted ``together`` with it."""
    ties: list[list] = []  # the screen is sorted by information: tied parameters are adjacent
    for row in screened[screened["estimated"]].itertuples():
        if ties and abs(row.information - ties[-1][0].information) <= 1e-6 * ties[-1][0].information:
            ties[-1].append(row)
        else:
            ties.append([row])
    chosen = [min(tie, key=lambda row: getattr(row, "reach", 0)).parameter for tie in ties[:max_parameters]]
    partners = [partner for name in chosen for partner in (together or {}).get(name, [])]
    return chosen + [name for name in dict.fromkeys(partners) if name not in chosen]


def with_estimated(problem, names: list[str]):
    """The PEtab problem with exactly ``names`` estimated (the others at their values)."""
    problem.parameter_df["estimate"] = problem.parameter_df.index.isin(names).astype(int)
    return problem


def pypesto_engine(engine: Engine):
    """pyPESTO's engine interface over the project's parallel engine."""
    import pypesto.engine

    class ProjectEngine(pypesto.engine.Engine):
        def execute(self, tasks, progress_bar=None):
            # pyPESTO's tasks hold local functions (the profiler's next-guess), which only
            # cloudpickle can send to worker processes, as pyPESTO's own engines do
            return engine.map(_execute, [cloudpickle.dumps(task) for task in tasks], "tasks")

    return ProjectEngine()


def _execute(pickled: bytes):
    quiet_amici()  # in a worker process too
    return cloudpickle.loads(pickled).execute()


def optimize(problem, starts: int, seed: int, iterations: int, engine: Engine):
    """Multi-start fides on a pyPESTO problem; starts drawn uniformly within the bounds."""
    import pypesto
    import pypesto.optimize as optimize

    solver = problem.objective.amici_solver
    solver.set_relative_tolerance(RELATIVE_TOLERANCE)
    solver.set_absolute_tolerance(ABSOLUTE_TOLERANCE)
    solver.set_relative_tolerance_fsa(SENSITIVITY_RELATIVE_TOLERANCE)
    solver.set_absolute_tolerance_fsa(SENSITIVITY_ABSOLUTE_TOLERANCE)
    np.random.seed(seed)
    return optimize.minimize(
        problem, optimizer=optimize.FidesOptimizer(verbose=0, options={"maxiter": iterations}),
        n_starts=starts, engine=pypesto_engine(engine), progress_bar=False,
        history_options=pypesto.HistoryOptions(trace_record=True, trace_record_hess=False, trace_record_res=False,
                                               trace_record_sres=False),
    )


def starts(result) -> pd.DataFrame:
    """Every start's outcome, best first: its objective at the start and the end, how far above
    the best start it ended, its evaluations, time and the optimiser's exit message."""
    frame = pd.DataFrame([{"start": start.id, "nllh_start": start.fval0, "nllh": start.fval,
                           "evaluations": start.n_fval, "seconds": start.time, "exitflag": start.exitflag,
                           "message": start.message}
                          for start in result.optimize_result.list])
    frame.insert(3, "above_best", frame["nllh"] - frame["nllh"].min())
    return frame


def traces(result) -> pd.DataFrame:
    """Every start's optimiser trace: the objective at each evaluation."""
    rows = [pd.DataFrame({"start": start.id, "evaluation": np.arange(len(fvals)), "nllh": fvals})
            for start in result.optimize_result.list for fvals in [start.history.get_fval_trace()]]
    return pd.concat(rows, ignore_index=True)


def estimates(result, problem) -> pd.DataFrame:
    """The best start's estimates, in the parameters' own units, beside their source values."""
    names = problem.x_free_ids
    table = problem.parameter_df.loc[names, ["parameterScale", "nominalValue"]]
    scaled = result.optimize_result.list[0].x[[result.problem.x_names.index(name) for name in names]]
    values = np.where(table["parameterScale"] == "log10", 10.0 ** scaled, scaled)
    return pd.DataFrame({"parameter": names, "source_value": table["nominalValue"].to_numpy(), "value": values})


def information_criteria(result, problem) -> pd.DataFrame:
    """AIC and BIC of the model at its source values (nothing estimated) and at the best fit."""
    measurements = len(problem.measurement_df)
    source = float(result.problem.objective(np.asarray(problem.x_nominal_free_scaled)))
    rows = []
    for fit, nllh, k in (("source values", source, 0),
                         ("best fit", result.optimize_result.list[0].fval, len(problem.x_free_ids))):
        rows.append({"fit": fit, "parameters": k, "measurements": measurements, "nllh": nllh,
                     "AIC": 2 * k + 2 * nllh, "BIC": k * np.log(measurements) + 2 * nllh})
    return pd.DataFrame(rows)


def calibrate(out_dir: Path, settings: Settings, engine: Engine, force: bool = False, problem=None) -> list[Path]:
    """Screen, fit, profile, and write the results into ``out_dir`` (all files or none); the
    PEtab ``problem`` is the project's unless given."""
    import pypesto.store
    import pypesto.visualize

    problem = problem or petab_problem()
    screened = screen(problem)
    names = choose(screened, settings.max_parameters, settings.together)
    fitted = pypesto_problem("amici", with_estimated(problem, names))
    result = optimize(fitted, settings.starts, settings.seed, settings.iterations, engine)
    criteria = information_criteria(result, problem)  # before identify() fixes parameters
    result, table, ensemble = identify(fitted, result, problem, engine, settings.profile_iterations)
    with output_folder(out_dir, force) as staging:
        write_csv(screened, staging / "screen.csv")
        adopted = estimates(result, problem).merge(table).assign(problem=PROBLEM)
        write_csv(adopted[list(ESTIMATE_COLUMNS)], staging / "estimates.tsv", "\t")
        write_csv(ensemble, staging / "ensemble.tsv", "\t")
        write_csv(criteria, staging / "information_criteria.csv")
        write_csv(starts(result), staging / "starts.csv")
        write_csv(traces(result), staging / "traces.csv")
        pypesto.store.write_result(result, str(staging / "calibration.hdf5"), overwrite=True)
        pypesto.visualize.waterfall(result).get_figure().savefig(staging / "waterfall.png", dpi=100)
        _plot_profiles(result, staging / "profiles.png")
        written = sorted(path.name for path in staging.iterdir())
    return [Path(out_dir) / name for name in written]


def _plot_profiles(result, path: Path) -> None:
    """pyPESTO's profile plot, large enough for every panel's label (the parameter, on its scale)."""
    import pypesto.visualize

    problem = result.problem
    profiled = [i for i, profile in enumerate(result.profile_result.list[0]) if profile is not None]
    labels = [f"log10 {problem.x_names[i]}" if problem.x_scales[i] == "log10" else problem.x_names[i] for i in profiled]
    columns = math.ceil(math.sqrt(len(profiled)))  # pyPESTO's grid
    size = (4 * columns, 3.3 * math.ceil(len(profiled) / columns))
    figure = pypesto.visualize.profiles(result, show_bounds=True, size=size, x_labels=labels)[0].get_figure()
    figure.tight_layout()
    figure.savefig(path, dpi=100)

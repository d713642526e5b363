"""Which assumed parameters the calibration data can inform: a local sensitivity screen.

Each assumed parameter is raised by 10 %; the shift of every calibration measurement's simulated
value, in units of its noise (log10 units for log-normal observables), per e-fold change of the
parameter, is its information. A parameter whose largest shift reaches ``THRESHOLD`` noise units
is estimated; the others keep their values. A parameter's reach is how many observables of the
public interface the same change moves by more than ``MOVED`` (of the observable's largest value)
in the acute bout, outside the calibration data: of parameters that tie on the data, the
calibration keeps the one with the least reach.
"""

import math

import numpy as np
import pandas as pd

from analysis.calibration.objective import petab_problem, runner_simulations
from myokine.experiments import load_experiment
from myokine.interface import OBSERVABLES
from myokine.paths import SIMULATIONS_DIR
from myokine.simulator import simulate

STEP = 0.1
THRESHOLD = 1.0
MOVED = 0.01


def _transformed(simulations: pd.DataFrame, problem) -> np.ndarray:
    scales = problem.observable_df.loc[simulations["observableId"], "observableTransformation"].to_numpy()
    values = simulations["simulation"].to_numpy(dtype=float)
    return np.where(scales == "log10", np.log10(np.abs(values)), values)


def screen(problem=None, candidates: list[str] | None = None) -> pd.DataFrame:
    """One row per candidate parameter: its largest shift (noise units per e-fold), where, and its
    reach."""
    problem = problem or petab_problem()
    parameters = problem.parameter_df
    candidates = candidates or list(parameters.index)
    base = runner_simulations(problem)
    sigma = base["noiseParameters"].astype(float).to_numpy()
    reference = _transformed(base, problem)
    bout, observables = load_experiment(SIMULATIONS_DIR / "acute_bout.toml"), list(OBSERVABLES)
    nominal = parameters["nominalValue"].astype(float).to_dict()
    bout_base = simulate(bout, nominal)[observables]
    rows = []
    for name in candidates:
        change = {name: nominal[name] * (1 + STEP)}
        shifted = _transformed(runner_simulations(problem, change), problem)
        shift = np.abs(shifted - reference) / sigma / math.log(1 + STEP)
        worst = int(np.argmax(shift))
        bout_shifted = simulate(bout, nominal | change)[observables]
        moved = (bout_shifted - bout_base).abs().max() > MOVED * bout_base.abs().max()
        rows.append({"parameter": name, "information": float(shift[worst]),
                     "measurement": base["datasetId"].iloc[worst], "estimated": bool(shift[worst] >= THRESHOLD),
                     "reach": int(moved.sum())})
    return pd.DataFrame(rows).sort_values("information", ascending=False, ignore_index=True)


"""The calibration objective: the PEtab problem as a pyPESTO problem, on AMICI or roadrunner.

AMICI (with forward sensitivities, for gradients) is the calibration engine; pyPESTO's roadrunner
objective is the independent check of the objective's value. The AMICI model pyPESTO compiles for
the problem is cached under ``.cache/amici/petab_<hash of the SBML and the PEtab tables>/``,
compiled by one process at a time.
Both run at the runner's tolerances.
"""

import fcntl
import hashlib
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from analysis.calibration.petab_problem import PETAB_DIR
from myokine.paths import ROOT
from myokine.simulator import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

CACHE_DIR = ROOT / ".cache" / "amici"
MAX_STEPS = 1_000_000


def petab_problem(yaml_path: Path = PETAB_DIR / "problem.yaml"):
    import petab.v1 as petab

    return petab.Problem.from_yaml(str(yaml_path))


def _digest(problem) -> str:
    """What the compiled model depends on: the SBML, the observables, the condition table's
    parameters and the parameter ids (not the measurements or which parameters are estimated)."""
    parts = [problem.model.to_sbml_str(), problem.observable_df.to_csv(),
             ",".join(problem.condition_df.columns), ",".join(problem.parameter_df.index)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


@contextmanager
def _alone(lock: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``lock`` (AMICI compiles into a fixed folder: two processes
    compiling the same model at once would overwrite each other's files)."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def quiet_amici() -> None:
    """AMICI logs every solver message of every simulation (its simulation logger is set to
    DEBUG): thousands of lines per fit, mostly CVODES step-size notes at the bout events and
    "secondary event" notes. Those concern sensitivities only where an event's time or assignment
    depends on an estimated parameter; here they depend on time, protocol settings and constants."""
    import amici.sim.sundials  # which sets that level when it is first imported

    logging.getLogger(amici.sim.sundials.__name__).setLevel(logging.ERROR)


def pypesto_problem(engine: str = "amici", problem=None):
    """The pyPESTO problem of a PEtab problem (default: the committed one), its objective
    computed by ``engine``."""
    import pypesto.petab

    problem = problem if problem is not None else petab_problem()
    if engine == "roadrunner":
        from pypesto.objective.roadrunner import SolverOptions

        pypesto_problem = pypesto.petab.PetabImporter(problem, simulator_type="roadrunner").create_problem()
        pypesto_problem.objective.solver_options = SolverOptions(
            relative_tolerance=RELATIVE_TOLERANCE, absolute_tolerance=ABSOLUTE_TOLERANCE, maximum_num_steps=MAX_STEPS
        )
        return pypesto_problem
    quiet_amici()
    name = f"petab_{_digest(problem)}"
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{path}"  # AMICI's cmake and swig
    try:
        with _alone(CACHE_DIR / f"{name}.lock"):  # one process compiles, the others then load
            importer = pypesto.petab.PetabImporter(problem, output_folder=str(CACHE_DIR / name), model_name=name)
            factory = importer.create_objective_creator()
            # every parameter stays a parameter, so one compiled model serves any choice of estimates
            model = factory.create_model(non_estimated_parameters_as_constants=False)
        pypesto_problem = importer.create_problem(objective=factory.create_objective(model=model))
    finally:
        os.environ["PATH"] = path
    solver = pypesto_problem.objective.amici_solver
    solver.set_relative_tolerance(RELATIVE_TOLERANCE)
    solver.set_absolute_tolerance(ABSOLUTE_TOLERANCE)
    solver.set_max_steps(MAX_STEPS)
    return pypesto_problem


def runner_simulations(problem, changes: dict[str, float] | None = None) -> pd.DataFrame:
    """Every measurement of the PEtab problem simulated by the project's runner (roadrunner), as
    a PEtab simulation table: the parameter table's parameters at their nominal values, unless
    ``changes`` sets them."""
    import math
    import re

    from myokine.experiments import TimeGrid
    from myokine.simulator import load_simulator

    simulator = load_simulator()
    model = simulator.rr.model
    formulas = problem.observable_df["observableFormula"]
    nominal = problem.parameter_df["nominalValue"].astype(float).to_dict()
    rows = []
    for condition_id, group in problem.measurement_df.groupby("simulationConditionId"):
        row = problem.condition_df.loc[condition_id]
        parameters = {name: float(row[name]) for name in problem.condition_df.columns if name != "conditionName"}
        parameters = nominal | parameters | (changes or {})
        times = group["time"].to_numpy()
        step = float(math.gcd(*(int(t) for t in times)))
        names = {n for f in formulas[group["observableId"].unique()] for n in re.findall(r"[A-Za-z_]\w*", f)}
        observables = sorted(n for n in names if n in simulator.computed or n in simulator.species)
        frame = simulator.run(parameters, TimeGrid(times.max(), step), observables, where=condition_id)
        values = {p: model[p] for p in model.getGlobalParameterIds()}
        for _, measurement in group.iterrows():
            at = frame.loc[(frame["time"] - measurement["time"]).abs().idxmin()]
            namespace = {**values, **{name: at[name] for name in observables}}
            simulated = eval(formulas[measurement["observableId"]], {"__builtins__": {}}, namespace)  # generated formula
            rows.append({**measurement.drop("measurement").to_dict(), "simulation": simulated})
    return pd.DataFrame(rows)


def runner_objective(problem=None) -> float:
    """The negative log-likelihood at the nominal parameters, simulated by the project's runner
    and computed by the petab library: the independent check of AMICI's objective.

    pyPESTO 0.7's own roadrunner objective cannot compute this problem: it evaluates every
    observable's noise in every condition, also where the observable has no measurement."""
    import petab.v1 as petab

    problem = problem or petab_problem()
    simulations = runner_simulations(problem)
    return -petab.calculate_llh(problem.measurement_df, simulations, problem.observable_df, problem.parameter_df)

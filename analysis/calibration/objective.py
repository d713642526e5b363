"""The calibration objective: the PEtab problem as a pyPESTO problem, on AMICI or roadrunner.

AMICI (with forward sensitivities, for gradients) is the calibration engine; pyPESTO's roadrunner
objective is the independent check of the objective's value. The AMICI model pyPESTO compiles for
the problem is cached under ``.cache/amici/petab_<hash of the SBML and the PEtab tables>/``.
Both run at the runner's tolerances.
"""

import hashlib
import os
import sys
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


def _digest(yaml_path: Path, problem) -> str:
    files = [Path(yaml_path).parent / name for name in
             ("conditions.tsv", "observables.tsv", "measurements.tsv", "parameters.tsv")]
    sbml = problem.model.to_sbml_str().encode() if hasattr(problem.model, "to_sbml_str") else b""
    return hashlib.sha256(sbml + b"".join(path.read_bytes() for path in files)).hexdigest()[:16]


def pypesto_problem(engine: str = "amici", yaml_path: Path = PETAB_DIR / "problem.yaml"):
    """The pyPESTO problem of the PEtab problem, its objective computed by ``engine``."""
    import pypesto.petab

    problem = petab_problem(yaml_path)
    if engine == "roadrunner":
        from pypesto.objective.roadrunner import SolverOptions

        pypesto_problem = pypesto.petab.PetabImporter(problem, simulator_type="roadrunner").create_problem()
        pypesto_problem.objective.solver_options = SolverOptions(
            relative_tolerance=RELATIVE_TOLERANCE, absolute_tolerance=ABSOLUTE_TOLERANCE, maximum_num_steps=MAX_STEPS
        )
        return pypesto_problem
    name = f"petab_{_digest(yaml_path, problem)}"
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{path}"  # AMICI's cmake and swig
    try:
        importer = pypesto.petab.PetabImporter(problem, output_folder=str(CACHE_DIR / name), model_name=name)
        pypesto_problem = importer.create_problem()
    finally:
        os.environ["PATH"] = path
    solver = pypesto_problem.objective.amici_solver
    solver.set_relative_tolerance(RELATIVE_TOLERANCE)
    solver.set_absolute_tolerance(ABSOLUTE_TOLERANCE)
    solver.set_max_steps(MAX_STEPS)
    return pypesto_problem


def runner_objective(problem=None) -> float:
    """The negative log-likelihood at the nominal parameters, simulated by the project's runner
    (roadrunner) and computed by the petab library: the independent check of AMICI's objective.

    pyPESTO 0.7's own roadrunner objective cannot compute this problem: it evaluates every
    observable's noise in every condition, also where the observable has no measurement."""
    import math

    import petab.v1 as petab

    from myokine.experiments import TimeGrid
    from myokine.simulator import load_simulator

    problem = problem or petab_problem()
    simulator = load_simulator()
    model = simulator.rr.model
    measurements = problem.measurement_df
    formulas = problem.observable_df["observableFormula"]
    rows = []
    for condition_id, group in measurements.groupby("simulationConditionId"):
        row = problem.condition_df.loc[condition_id]
        parameters = {name: float(row[name]) for name in problem.condition_df.columns if name != "conditionName"}
        times = group["time"].to_numpy()
        step = float(math.gcd(*(int(t) for t in times)))
        observables = sorted({name for formula in formulas[group["observableId"].unique()] for name in _names(formula)
                              if name in formulas.index or name in _observable_names(model)})
        frame = simulator.run(parameters, TimeGrid(times.max(), step), observables, where=condition_id)
        values = {p: model[p] for p in model.getGlobalParameterIds()}
        for index, measurement in group.iterrows():
            at = frame.loc[(frame["time"] - measurement["time"]).abs().idxmin()]
            namespace = {**values, **{name: at[name] for name in observables}}
            simulated = eval(formulas[measurement["observableId"]], {"__builtins__": {}}, namespace)
            rows.append({**measurement.to_dict(), "simulation": simulated})
    simulations = pd.DataFrame(rows).drop(columns="measurement")
    return -petab.calculate_llh(measurements, simulations, problem.observable_df, problem.parameter_df)


def _names(formula: str) -> set[str]:
    import re

    return set(re.findall(r"[A-Za-z_]\w*", formula))


def _observable_names(model) -> set[str]:
    return set(model.getGlobalParameterIds()) | set(model.getFloatingSpeciesIds())

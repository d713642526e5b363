"""Every public protocol parameter takes effect when a tool's users set it the ordinary way
(tellurium: ``r.p = v`` on a loaded model, with or without a reset, also after a run; COPASI: the
initial value; AMICI: the parameter vector). That COPASI and AMICI reproduce every declared
experiment is a row of ``myokine check`` (tests/analysis/export/test_export.py)."""

import pandas as pd
import pytest

from analysis.export.compare import TOLERANCE, max_relative_difference
from myokine.experiments import TimeGrid
from myokine.interface import PROTOCOL
from myokine.paths import SBML_PATH
from myokine.results import CONDITION, TIME
from myokine.simulator import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

GRID = TimeGrid(3000, 10)
OBSERVABLES = ["IL6_plasma", "IL6_release_per_kg", "glycogen_fraction", "AMPK_activity_fold",
               "lactate_plasma", "irisin_plasma", "TNFa_plasma"]
# A value of each protocol parameter that changes the outcome, with the settings it needs to.
CHANGES = {
    "exercise_intensity": ({}, 0.6),
    "bout_start": ({}, 100),
    "bout_duration": ({}, 30),
    "bout_count": ({}, 2),
    "bout_interval": ({"bout_count": 2}, 720),
    "active_muscle_mass": ({}, 5),
    "glycogen_initial": ({}, 0.6),
    "il6_infusion_rate": ({}, 241),
    "il6_infusion_start": ({"il6_infusion_rate": 241}, 30),
    "il6_infusion_duration": ({"il6_infusion_rate": 241}, 60),
    "il6r_blockade": ({}, 0.5),
    "exercise_mode": ({}, 1),
    "inflammatory_stimulus": ({}, 10),
}
# tellurium's ordinary ways: steps before setting the value, steps after (then simulate)
TELLURIUM_WAYS = {
    "set": ([], []),
    "set, reset": ([], ["reset"]),
    "resetAll, set": (["resetAll"], []),
    "run, reset, set": (["run", "reset"], []),
    "run, set, reset": (["run"], ["reset"]),
    "run, resetAll, set": (["run", "resetAll"], []),
}
ENGINES = [pytest.param(f"tellurium: {way}", marks=pytest.mark.tellurium) for way in TELLURIUM_WAYS] + [
    pytest.param("COPASI", marks=pytest.mark.copasi),
    pytest.param("AMICI", marks=pytest.mark.amici),
]


@pytest.fixture(scope="module")
def amici_simulator():
    from analysis.export.amici import AmiciSimulator

    return AmiciSimulator()


@pytest.fixture(scope="module")
def copasi_simulator(tmp_path_factory):
    from analysis.export.copasi import CopasiSimulator, write_copasi_safe

    path = write_copasi_safe(SBML_PATH, tmp_path_factory.mktemp("copasi") / "myokine_copasi.xml")
    with CopasiSimulator(path) as simulator:
        yield simulator


def _frame(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame[[TIME, *OBSERVABLES]].reset_index(drop=True)
    frame.insert(0, CONDITION, "run")
    return frame


def _tellurium(way: str, parameters: dict[str, float]) -> pd.DataFrame:
    import tellurium as te

    before, after = TELLURIUM_WAYS[way]
    r = te.loadSBMLModel(str(SBML_PATH))
    r.integrator.relative_tolerance = RELATIVE_TOLERANCE
    r.integrator.absolute_tolerance = ABSOLUTE_TOLERANCE
    selections = [TIME, *OBSERVABLES]
    steps = {"run": lambda: r.simulate(0, 2000, 201, selections=selections), "reset": r.reset, "resetAll": r.resetAll}
    for step in before:
        steps[step]()
    for name, value in parameters.items():
        setattr(r, name, value)
    for step in after:
        steps[step]()
    return pd.DataFrame(r.simulate(0, GRID.end, GRID.points, selections=selections), columns=selections)


def test_every_protocol_parameter_is_covered():
    assert set(CHANGES) == set(PROTOCOL)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", CHANGES)
def test_a_protocol_parameter_set_the_ordinary_way_takes_effect(name, engine, simulator, request):
    context, value = CHANGES[name]
    parameters = {**context, name: value}
    expected = _frame(simulator.run(parameters, GRID, OBSERVABLES))
    unchanged = _frame(simulator.run(context, GRID, OBSERVABLES))
    assert max_relative_difference(unchanged, expected)[0] > 0.01  # the value changes the outcome
    if engine == "AMICI":
        result = request.getfixturevalue("amici_simulator").run(parameters, GRID, OBSERVABLES)
    elif engine == "COPASI":
        result = request.getfixturevalue("copasi_simulator").run(parameters, GRID, OBSERVABLES)
    else:
        result = _tellurium(engine.removeprefix("tellurium: "), parameters)
    difference, where = max_relative_difference(_frame(result), expected)
    assert difference <= TOLERANCE, f"{difference:.2e} at {where}"

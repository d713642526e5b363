"""AMICI (the model compiled to C++, solved by CVODES) as a third engine beside roadrunner and
COPASI.

The SBML is imported and compiled once per model and AMICI version into
``.cache/amici/myokine_<sha256 of the SBML>_amici_<version>/`` at the repository root; later
runs load the compiled module. Parameters are set through AMICI's parameter vector. Each
observable of the public interface is compiled as the AMICI observable ``y_<id>`` of the
assignment rule ``<id>`` (AMICI observables share the namespace of the SBML ids). No
sensitivity code is generated.

Measured on the development machine (Python 3.11, 2 cores shared with other jobs): ``pip
install amici==1.0.1`` from its sdist with HDF5 (builds AMICI's C++ library) 2 min 30 s; import
and compilation of the model 60 s (19 s of CPU); a later run loads the cached model (import of
amici, model and solver) in 2.5-4 s.
"""

import hashlib
import logging
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from myokine.errors import InputError, SimulationError
from myokine.experiments import Experiment, TimeGrid
from myokine.interface import OBSERVABLE_IDS
from myokine.paths import ROOT, SBML_PATH
from myokine.results import TIME, run_conditions
from myokine.simulator import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

CACHE_DIR = ROOT / ".cache" / "amici"
MAX_STEPS = 1_000_000
# AMICI runs at a tenth of the runner's relative tolerance: at the same tolerance its error on the
# amplified IL6 transcription fold reached 1.1e-6 relative (against 1.9e-7 at a tenth).
OBSERVABLE_PREFIX = "y_"


def model_name(sbml: bytes) -> str:
    """The compiled model's name: the SBML's hash and AMICI's version."""
    import amici

    digest = hashlib.sha256(sbml).hexdigest()[:16]
    return f"myokine_{digest}_amici_{amici.__version__.replace('.', '_')}"


def compiled_model(sbml_path: Path = SBML_PATH, cache_dir: Path = CACHE_DIR):
    """The AMICI model module of an SBML file, imported and compiled on first use."""
    import amici

    name = model_name(Path(sbml_path).read_bytes())
    target = cache_dir / name
    if not target.exists():
        _compile(Path(sbml_path), name, target)
    return amici.import_model_module(name, target)


def _compile(sbml_path: Path, name: str, target: Path) -> None:
    """Import and compile into a temporary folder, then move it into place (so a folder in
    the cache is always complete). AMICI runs cmake and swig from PATH: those of this venv."""
    from amici import MeasurementChannel, SbmlImporter

    channels = [MeasurementChannel(OBSERVABLE_PREFIX + name, formula=name) for name in OBSERVABLE_IDS]
    target.parent.mkdir(parents=True, exist_ok=True)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{path}"
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{name}.") as tmp:
            build = Path(tmp) / name
            SbmlImporter(sbml_path).sbml2amici(
                name, build, observation_model=channels, verbose=logging.ERROR, generate_sensitivity_code=False
            )
            try:
                build.rename(target)
            except OSError:
                if not target.exists():  # else another process has just put its copy there
                    raise
    finally:
        os.environ["PATH"] = path


class AmiciSimulator:
    """Time courses with AMICI at the runner's tolerances (a ``Runner``)."""

    def __init__(self, sbml_path: Path = SBML_PATH):
        from amici.sim.sundials import SensitivityOrder

        logging.getLogger("amici.sim.sundials._swig_wrappers").setLevel(logging.INFO)  # CVODES warnings, silenced as by the runner
        self.model = compiled_model(sbml_path).get_model()
        self.defaults = dict(zip(self.model.get_free_parameter_ids(), self.model.get_free_parameters()))
        self.observables = [o.removeprefix(OBSERVABLE_PREFIX) for o in self.model.get_observable_ids()]
        self.solver = self.model.create_solver()
        self.solver.set_relative_tolerance(RELATIVE_TOLERANCE / 10)
        self.solver.set_absolute_tolerance(ABSOLUTE_TOLERANCE)
        self.solver.set_max_steps(MAX_STEPS)
        self.solver.set_sensitivity_order(SensitivityOrder.none)

    def run(
        self, parameters: Mapping[str, float], grid: TimeGrid, observables: Sequence[str], where: str = ""
    ) -> pd.DataFrame:
        from amici.sim.sundials import run_simulation

        prefix = f"{where}: " if where else ""
        unknown = [name for name in parameters if name not in self.defaults]
        if unknown:
            raise InputError(f"{prefix}not a parameter of the AMICI model: {', '.join(unknown)}")
        missing = [name for name in observables if name not in self.observables]
        if missing:
            raise InputError(f"{prefix}not an observable of the AMICI model: {', '.join(missing)}")
        self.model.set_free_parameters(list({**self.defaults, **parameters}.values()))
        self.model.set_timepoints(grid.times())
        result = run_simulation(self.model, self.solver)
        if result.status != 0:
            raise SimulationError(f"{where or 'simulation'}: AMICI failed with status {result.status}")
        y = np.asarray(result.y)
        columns = {name: y[:, self.observables.index(name)] for name in observables}
        return pd.DataFrame({TIME: np.asarray(result.ts), **columns})

    def run_experiment(self, experiment: Experiment) -> pd.DataFrame:
        return run_conditions(self, experiment)

"""One ensemble runner for every analysis: many parameter sets, only the outputs kept.

Rows of a sample matrix are evaluated in chunks on the project's parallel engine (local worker
processes, each loading the model once, or a Dask cluster); both give identical numbers for the
same samples. A sample whose integration fails is recorded with its parameters and its error,
its outputs left NaN, never dropped or set to zero; any other error stops the ensemble at once.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from analysis.sensitivity.outputs import OUTPUTS, Output, compute_outputs
from analysis.sensitivity.parameters import Uncertain
from myokine.errors import SimulationError
from myokine.parallel import Engine
from myokine.simulator import load_simulator

# At rtol 1e-5 outputs agree with a 1e-10 reference to 6e-5 relative (measured over random
# samples of the uncertain ranges), at about twice the speed of rtol 1e-6.
ENSEMBLE_RELATIVE_TOLERANCE = 1e-5


@dataclass(frozen=True)
class ModelOutputs:
    """Evaluates the model outputs for one row of sampled (possibly log) parameter values."""

    parameters: tuple[Uncertain, ...]
    outputs: tuple[Output, ...] = OUTPUTS
    relative_tolerance: float = ENSEMBLE_RELATIVE_TOLERANCE

    @property
    def output_names(self) -> list[str]:
        return [output.name for output in self.outputs]

    def __call__(self, row: np.ndarray) -> np.ndarray:
        changes = {p.name: p.to_value(x) for p, x in zip(self.parameters, row)}
        return compute_outputs(load_simulator(), changes, self.outputs, self.relative_tolerance)


@dataclass
class EnsembleResult:
    outputs: pd.DataFrame  # one row per sample, NaN where the sample failed
    failures: pd.DataFrame  # sample, error, and the sample's values

    @property
    def failed(self) -> int:
        return len(self.failures)


def _evaluate_chunk(evaluate: Callable[[np.ndarray], np.ndarray], chunk: tuple[int, np.ndarray]):
    """Evaluate rows; a failed integration is recorded, any other error stops the ensemble."""
    first, rows = chunk
    results, failures = [], []
    for offset, row in enumerate(rows):
        try:
            results.append(np.asarray(evaluate(row), dtype=float))
        except SimulationError as error:
            results.append(None)
            failures.append((first + offset, str(error)))
    return results, failures


def run_ensemble(
    evaluate: Callable[[np.ndarray], np.ndarray],
    samples: np.ndarray,
    output_names: Sequence[str],
    sample_names: Sequence[str],
    engine: Engine,
    description: str = "samples",
) -> EnsembleResult:
    """Evaluate ``evaluate`` on every row of ``samples`` on the engine, in chunks of rows."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    size = max(1, min(64, len(samples) // (8 * engine.workers)))
    chunks = [(first, samples[first:first + size]) for first in range(0, len(samples), size)]
    values = np.full((len(samples), len(output_names)), np.nan)
    failures = []
    for (first, _), (results, failed) in zip(chunks, engine.map(partial(_evaluate_chunk, evaluate), chunks, description)):
        for offset, result in enumerate(results):
            if result is not None:
                values[first + offset] = result
        failures.extend(failed)
    failure_table = pd.DataFrame(
        [(index, error, *samples[index]) for index, error in failures],
        columns=["sample", "error", *sample_names],
    )
    return EnsembleResult(pd.DataFrame(values, columns=list(output_names)), failure_table)

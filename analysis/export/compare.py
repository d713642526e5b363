"""Relative differences between two engines' trajectories of the same experiment.

The relative difference of a value pair is |a - b| / max(|a|, |b|, floor), where the floor is
1e-9 of the observable's largest magnitude in the reference run (so values that sit nine orders
of magnitude below an observable's range compare absolutely, not as noise over noise).
"""

import numpy as np
import pandas as pd

from myokine.errors import ToolError
from myokine.results import CONDITION, TIME

FLOOR = 1e-9
TOLERANCE = 1e-6


def max_relative_difference(result: pd.DataFrame, reference: pd.DataFrame) -> tuple[float, str]:
    """The largest relative difference over every common observable and time point, and where
    it is (``condition/observable``). Time grids and conditions must match."""
    if len(result) != len(reference):
        raise ToolError(f"{len(result)} rows against {len(reference)} in the reference")
    if not np.allclose(result[TIME].to_numpy(), reference[TIME].to_numpy(), rtol=1e-12, atol=1e-9):
        raise ToolError("the output times differ from the reference's")
    if list(result[CONDITION]) != list(reference[CONDITION]):
        raise ToolError("the conditions differ from the reference's")
    observables = [c for c in reference.columns if c not in (TIME, CONDITION)]
    missing = [name for name in observables if name not in result.columns]
    if missing:
        raise ToolError(f"observables missing from the result: {', '.join(missing)}")
    worst, where = 0.0, ""
    for condition, rows in reference.groupby(CONDITION, sort=False).groups.items():
        for name in observables:
            a = result.loc[rows, name].to_numpy(dtype=float)
            b = reference.loc[rows, name].to_numpy(dtype=float)
            if not np.all(np.isfinite(a)):
                return float("inf"), f"{condition}/{name}"
            floor = FLOOR * max(np.max(np.abs(b)), np.finfo(float).tiny)
            difference = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
            if difference.max() > worst:
                worst, where = float(difference.max()), f"{condition}/{name}"
    return worst, where

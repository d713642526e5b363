"""Relative differences between two engines' trajectories of the same experiment.

The relative difference of a value pair is |a - b| / max(|a|, |b|, floor), where the floor is
1e-9 of the observable's largest magnitude in the reference run (so values that sit nine orders
of magnitude below an observable's range compare absolutely, not as noise over noise).
"""

import numpy as np
import pandas as pd

from myokine.errors import MyokineError

FLOOR = 1e-9
TOLERANCE = 1e-6


def max_relative_difference(result: pd.DataFrame, reference: pd.DataFrame) -> tuple[float, str]:
    """The largest relative difference over every common observable and time point, and where
    it is (``observable`` or ``condition/observable``). Time grids and conditions must match."""
    if len(result) != len(reference):
        raise MyokineError(f"{len(result)} rows against {len(reference)} in the reference")
    if not np.allclose(result["time"].to_numpy(), reference["time"].to_numpy(), rtol=1e-12, atol=1e-9):
        raise MyokineError("the output times differ from the reference's")
    if "condition" in reference.columns and list(result["condition"]) != list(reference["condition"]):
        raise MyokineError("the conditions differ from the reference's")
    observables = [c for c in reference.columns if c not in ("time", "condition")]
    missing = [name for name in observables if name not in result.columns]
    if missing:
        raise MyokineError(f"observables missing from the result: {', '.join(missing)}")
    worst, where = 0.0, ""
    groups = reference["condition"] if "condition" in reference.columns else pd.Series("", index=reference.index)
    for name in observables:
        a = result[name].to_numpy(dtype=float)
        b = reference[name].to_numpy(dtype=float)
        for condition in dict.fromkeys(groups):
            rows = (groups == condition).to_numpy()
            floor = FLOOR * max(np.max(np.abs(b[rows])), np.finfo(float).tiny)
            scale = np.maximum(np.maximum(np.abs(a[rows]), np.abs(b[rows])), floor)
            difference = np.abs(a[rows] - b[rows]) / scale
            if not np.all(np.isfinite(a[rows])):
                return float("inf"), f"{condition}/{name}" if condition else name
            if difference.max() > worst:
                worst = float(difference.max())
                where = f"{condition}/{name}" if condition else name
    return worst, where

"""Profile likelihoods of the estimated parameters: 95 % intervals, identifiability classes and
the parameter vectors at the intervals' ends.

Each estimated parameter is stepped away from the best fit in both directions, the others
re-optimised at every step (pyPESTO's profiler, fides), until the likelihood ratio falls below
the 95 % threshold (chi-squared, one degree of freedom) or the parameter reaches its bound. A
parameter is *identifiable* when its profile crosses the threshold on both sides within the
bounds; *practically non-identifiable* when it does not on at least one side; *structurally
non-identifiable* when its profile is flat (the ratio never drops by 1 %).

A parameter that is not identifiable is then fixed at its best fit (the data push it to a bound of
its physiological range or leave it free) and says ``fixed`` in its class. The intervals of the
identifiable ones come from the same profiles, where the fixed ones were re-optimised at every
step: they carry the uncertainty of the fixed parameters too.

The vectors where each profile leaves the interval (interpolated between profile points, like
the interval's ends) and the best fit are the ensemble whose simulations give the prediction
bands: the profile-wise envelope of the predictions, over every estimated parameter's interval.
"""

import numpy as np
import pandas as pd

CONFIDENCE = 0.95
FLAT = 0.99  # a profile whose ratio stays above this is flat


def _steps():
    """Coarser steps than pyPESTO's defaults (a likelihood ratio change of up to 0.3 per step,
    up to 0.5 log10 units, doubling while the ratio stays within that): a profile step costs a
    local fit of the other parameters (9 s of CPU on average at 10 iterations; 27 s at 20, which
    gave 4 of 5 intervals the same to 2 %), and the interval's ends are interpolated."""
    from pypesto.profile import ProfileOptions

    return ProfileOptions(delta_ratio_max=0.3, default_step_size_absolute=0.1, min_step_size_absolute=0.02,
                          max_step_size_absolute=0.5, step_size_factor=2.0)


def profile(problem, result, engine, iterations: int):
    """Profiles of every free parameter from the best start, computed on ``engine``."""
    import pypesto.optimize
    import pypesto.profile

    from analysis.calibration.fit import pypesto_engine

    return pypesto.profile.parameter_profile(
        problem, result, pypesto.optimize.FidesOptimizer(verbose=0, options={"maxiter": iterations}),
        engine=pypesto_engine(engine), progress_bar=False, profile_options=_steps(),
    )


def _unscaled(values, scale: str):
    return 10.0 ** np.asarray(values) if scale == "log10" else np.asarray(values)


def _at_threshold(vectors: np.ndarray, ratios: np.ndarray, inside: int, outside: int, threshold: float) -> np.ndarray:
    """The parameter vector where the profile crosses the threshold, interpolated linearly
    between its last point inside and first point outside (as the interval's end is); the
    last point if the profile ends inside (at a bound)."""
    if not 0 <= outside < len(ratios):
        return vectors[:, inside]
    weight = (threshold - ratios[outside]) / (ratios[inside] - ratios[outside])
    return vectors[:, outside] + weight * (vectors[:, inside] - vectors[:, outside])


def intervals(result, problem) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per free parameter: its 95 % interval and class (from the last profiles); and the
    ensemble: the best fit and the vectors at both ends of every interval, in the parameters' own
    units (one row each)."""
    from pypesto.profile import calculate_approximate_ci, chi2_quantile_to_ratio

    threshold = chi2_quantile_to_ratio(CONFIDENCE)
    free = list(result.problem.x_free_indices)
    names = [result.problem.x_names[i] for i in free]
    scales = problem.parameter_df.loc[names, "parameterScale"].tolist()
    best = result.optimize_result.list[0].x[free]
    rows, ensemble = [], [("best", best)]
    for position, (name, scale) in enumerate(zip(names, scales)):
        path = result.profile_result.list[-1][free[position]]
        order = np.argsort(path.x_path[free[position]])
        xs, ratios, vectors = path.x_path[free[position]][order], path.ratio_path[order], path.x_path[free][:, order]
        low, high = calculate_approximate_ci(xs, ratios, threshold)
        inside = np.flatnonzero(ratios >= threshold)
        lower_found, upper_found = inside[0] > 0, inside[-1] < len(ratios) - 1
        if ratios.min() >= FLAT:
            kind = "structurally non-identifiable"
        elif lower_found and upper_found:
            kind = "identifiable"
        else:
            kind = "practically non-identifiable"
        rows.append({"parameter": name, "ci_low": float(_unscaled(low, scale)), "ci_high": float(_unscaled(high, scale)),
                     "lower_found": bool(lower_found), "upper_found": bool(upper_found), "identifiability": kind,
                     "profile_points": len(xs)})
        ensemble += [(f"{name} low", _at_threshold(vectors, ratios, inside[0], inside[0] - 1, threshold)),
                     (f"{name} high", _at_threshold(vectors, ratios, inside[-1], inside[-1] + 1, threshold))]
    members = pd.DataFrame([{"member": label, **{n: float(_unscaled(v, s)) for n, v, s in zip(names, vector, scales)}}
                            for label, vector in ensemble])
    return pd.DataFrame(rows), members


def identify(problem, result, petab_problem, engine, iterations: int):
    """Profiles of every estimated parameter; the ones that are not identifiable are then fixed
    at their best fit in ``problem`` (pyPESTO's). Returns the result, every estimated parameter's
    interval and class, and the ensemble."""
    result = profile(problem, result, engine, iterations)
    table, members = intervals(result, petab_problem)
    fixed = table["identifiability"] != "identifiable"
    indices = [problem.x_names.index(name) for name in table.loc[fixed, "parameter"]]
    problem.fix_parameters(indices, result.optimize_result.list[0].x[indices])
    table.loc[fixed, "identifiability"] += ", fixed at the best fit"
    return result, table, members

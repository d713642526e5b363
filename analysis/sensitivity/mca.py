"""Metabolic control analysis at rest: scaled concentration control coefficients.

At rest (no bout, no infusion) the model sits at its steady state by construction, so the
coefficients are evaluated at t = 0. C[i, j] = d ln S_i / d ln v_j: the relative change of the
steady-state concentration of species i when the rate of reaction j is scaled. Elasticities are
central differences of the reaction rates (roadrunner's own elasticity routine cannot perturb
this model: it tries to set compartment sizes that initial assignments compute); conserved
moieties are handled through the reduced stoichiometry and the link matrix.
"""

import numpy as np
import pandas as pd
import scipy.linalg

from myokine.simulator import Simulator

REST = {"bout_count": 0, "il6_infusion_rate": 0}
RELATIVE_STEP = 1e-6
ZERO_STEP = 1e-3  # for states resting at zero (schedule counters, deviations), in their units


def elasticities(simulator: Simulator) -> np.ndarray:
    """Unscaled elasticities d v_j / d S_i (reactions x species) at the current state."""
    model = simulator.rr.model
    concentrations = np.array(model.getFloatingSpeciesConcentrations())
    result = np.empty((model.getNumReactions(), len(concentrations)))
    for i, value in enumerate(concentrations):
        step = RELATIVE_STEP * value if value else ZERO_STEP
        rates = []
        for shifted in (value + step, value - step):
            model.setFloatingSpeciesConcentrations([i], [shifted])
            rates.append(np.array(model.getReactionRates()))
        model.setFloatingSpeciesConcentrations([i], [value])
        result[:, i] = (rates[0] - rates[1]) / (2 * step)
    return result


def control_coefficients(simulator: Simulator) -> pd.DataFrame:
    """Scaled concentration control coefficients at rest: one row per species and reaction."""
    simulator.reset(REST)
    rr, model = simulator.rr, simulator.rr.model
    species = list(model.getFloatingSpeciesIds())
    reactions = list(model.getReactionIds())
    concentrations = np.array(model.getFloatingSpeciesConcentrations())
    volumes = np.array([model.getCompartmentVolumes([model.getCompartmentIndexForFloatingSpecies(i)])[0]
                        for i in range(len(species))])
    matrix = rr.getFullStoichiometryMatrix()
    rows = [list(matrix.rownames).index(s) for s in species]
    columns = [list(matrix.colnames).index(r) for r in reactions]
    stoichiometry = np.asarray(matrix)[np.ix_(rows, columns)] / volumes[:, None]  # concentration rates
    rates = np.array(model.getReactionRates())
    # independent species: pivoted QR of the stoichiometry's rows
    _, triangle, pivots = scipy.linalg.qr(stoichiometry.T, pivoting=True)
    rank = int(np.sum(np.abs(np.diag(triangle)) > 1e-10 * np.abs(triangle[0, 0])))
    reduced = stoichiometry[pivots[:rank]]
    link = stoichiometry @ np.linalg.pinv(reduced)
    jacobian = reduced @ elasticities(simulator) @ link
    response = -link @ np.linalg.solve(jacobian, reduced * rates)  # d S / d ln v_j
    present = concentrations > 0  # schedule counters and deviation states rest at zero: no scaled coefficient
    scaled = response[present] / concentrations[present, None]
    table = pd.DataFrame(scaled, index=np.array(species)[present], columns=reactions)
    return table.rename_axis("species").reset_index().melt(
        id_vars="species", var_name="reaction", value_name="control_coefficient"
    )

"""The observables the model reports, and the tissue each belongs to.

Each is an assignment rule in the SBML. The ids of DESIGN.md's public interface are stable once
released; `lactate_plasma`, `CRP_plasma` and `oxidative_capacity` are extras. The tissue groups
the panels of the figures.
"""

OBSERVABLES: dict[str, str] = {
    "AMPK_activity_fold": "muscle",
    "glycogen_fraction": "muscle",
    "PGC1a_mRNA_fold": "muscle",
    "oxidative_capacity": "muscle",
    "IL6_mRNA_fold": "muscle",
    "IL6_release_per_kg": "muscle",
    "IL6_plasma": "plasma",
    "IL1ra_plasma": "plasma",
    "IL10_plasma": "plasma",
    "TNFa_plasma": "plasma",
    "cortisol_plasma": "plasma",
    "CRP_plasma": "plasma",
    "irisin_plasma": "plasma",
    "BDNF_plasma": "plasma",
    "lactate_plasma": "plasma",
    "lipolysis_rate": "organs",
    "UCP1_adipose_fold": "organs",
    "glucose_Ra": "organs",
    "insulin_sensitivity_fold": "organs",
    "BDNF_hippocampus_fold": "organs",
    "neurogenesis_fold": "organs",
}

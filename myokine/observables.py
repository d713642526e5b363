"""The public observables of DESIGN.md that the model provides, and the tissue each belongs to.

Each is an assignment rule in the SBML (ids and units are stable once released); the tissue
groups the panels of the figures.
"""

OBSERVABLES: dict[str, str] = {
    "AMPK_activity_fold": "muscle",
    "glycogen_fraction": "muscle",
    "PGC1a_mRNA_fold": "muscle",
    "IL6_mRNA_fold": "muscle",
    "IL6_release_per_kg": "muscle",
    "IL6_plasma": "plasma",
}
TISSUES = ("muscle", "plasma", "organs")

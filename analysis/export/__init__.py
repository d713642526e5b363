"""Export and interoperability: SED-ML, OMEX, COPASI-safe SBML and .cps, SBML L2V4, and the
cross-engine check (roadrunner against COPASI and tellurium)."""

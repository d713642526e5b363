"""Sensitivity analysis: local (and metabolic control analysis at rest), Morris and Sobol, over
the uncertain parameters, run as ensembles on local cores or a Dask cluster."""

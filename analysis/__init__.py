"""Analyses of the model: export and cross-simulator checks, sensitivity, calibration, validation."""

"""Validation: the model against the measurements in data/ (scorecard per measurement)."""

"""Calibration: the PEtab problem generated from simulations/ and data/, and its fit."""

"""Shared fixtures: the built model, the declared experiments and their simulated results.

Every experiment is simulated once per test session (``results``).
"""

import libsbml
import pytest

from myokine.experiments import list_experiments
from myokine.paths import SBML_PATH
from myokine.simulator import load_simulator


@pytest.fixture(scope="session")
def simulator():
    return load_simulator()


@pytest.fixture(scope="session")
def sbml_model():
    document = libsbml.readSBMLFromFile(str(SBML_PATH))
    return document.getModel()


@pytest.fixture(scope="session")
def experiments():
    return {experiment.name: experiment for experiment in list_experiments()}


@pytest.fixture(scope="session")
def results(simulator, experiments):
    """Every declared experiment simulated once, with all species as extra columns."""
    return {name: simulator.run_experiment(e, states=True) for name, e in experiments.items()}

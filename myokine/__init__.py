"""myokine: a systems-biology model of exercise-induced myokine secretion and cross-talk."""

from myokine.errors import MyokineError
from myokine.experiments import Experiment, list_experiments, load_experiment
from myokine.simulator import Simulator, simulate

__version__ = "0.1.0"
__all__ = [
    "Experiment",
    "MyokineError",
    "Simulator",
    "list_experiments",
    "load_experiment",
    "simulate",
]

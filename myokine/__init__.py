"""myokine: a systems-biology model of exercise-induced myokine secretion and cross-talk.

The public names are imported on first use, so that ``python -m myokine.cli`` reaches the
command line's error boundary before anything reads the model's files.
"""

from importlib import import_module

__version__ = "0.1.0"
_HOMES = {
    "Experiment": "myokine.experiments",
    "MyokineError": "myokine.errors",
    "Simulator": "myokine.simulator",
    "list_experiments": "myokine.experiments",
    "load_experiment": "myokine.experiments",
    "simulate": "myokine.simulator",
}
__all__ = list(_HOMES)


def __getattr__(name: str):
    if name not in _HOMES:
        raise AttributeError(f"module 'myokine' has no attribute {name!r}")
    return getattr(import_module(_HOMES[name]), name)

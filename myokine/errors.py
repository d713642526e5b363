"""The project's errors and findings.

Every error users see derives from ``MyokineError``; its message says what was wrong and where,
and the command line prints it as one line. The subclasses say whose fault it was:

- ``InputError``: the user's input (an experiment file, a parameter value, a command option);
- ``ModelError``: the model's sources or the SBML built from them;
- ``SimulationError``: an integration that failed for these parameter values;
- ``ToolError``: an external tool (COPASI, tellurium, the validator) that failed, crashed or hung.

A ``Finding`` is one result of a check: a libsbml message of the build, a SED-ML lint message or
a row of ``myokine check``.
"""

from dataclasses import dataclass
from typing import Literal


class MyokineError(Exception):
    """Bad input or a failed step; the command line prints it as one line."""


class InputError(MyokineError):
    """The user's input is wrong: the message names the value and where it came from."""


class ModelError(MyokineError):
    """The model's sources or its SBML are wrong or unreadable."""


class SimulationError(MyokineError):
    """An integration failed (solver failure or non-finite values)."""


class ToolError(MyokineError):
    """An external tool failed, crashed or did not finish in time."""


Severity = Literal["pass", "warning", "error"]


@dataclass(frozen=True)
class Finding:
    """One result of a check on one subject (a file, an element, an experiment)."""

    check: str
    subject: str
    severity: Severity
    message: str

    @property
    def passed(self) -> bool:
        return self.severity == "pass"

    def __str__(self) -> str:
        return f"{self.subject}: {self.severity}: {self.check}: {self.message}"

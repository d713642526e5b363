"""biosimulators-utils ``validate-project``, run from its own environment (``.venv-validator``).

Its pins clash with the project's (it also needs ``setuptools<81``), so ``make validator``
creates that environment from ``requirements-validator.lock``.
"""

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from analysis.export.omex_read import checked_copy
from myokine.errors import ToolError
from myokine.paths import ROOT

VALIDATOR = ROOT / ".venv-validator" / "bin" / "biosimulators-utils"
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Validation:
    valid: bool
    summary: str  # the validator's "Archive contains ..." line, or its last error line
    output: str


def validate_project(omex_path: Path, validator: Path = VALIDATOR) -> Validation:
    """Validate a COMBINE archive offline (a copy re-packed from the project's safe reader);
    valid means exit status 0."""
    if not validator.exists():
        raise ToolError(f"no validator at {validator}; run 'make validator' first")
    try:
        with checked_copy(omex_path) as copy:
            run = subprocess.run([str(validator), "validate-project", str(copy)],
                                 capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ToolError(f"the validator did not finish within {TIMEOUT_SECONDS} s") from None
    output = run.stdout + run.stderr
    summary = re.search(r"^Archive contains .*$", output, re.MULTILINE)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    text = summary.group(0).rstrip(":") if summary else (lines[-1] if lines else "no output")
    return Validation(run.returncode == 0, text, output)

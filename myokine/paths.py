"""Where the project's files live (the package runs from its repository checkout)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = ROOT / "models"
INTERFACE_DIR = MODELS_DIR / "interface"
SBML_PATH = MODELS_DIR / "sbml" / "myokine.xml"
SIMULATIONS_DIR = ROOT / "simulations"
DATA_DIR = ROOT / "data"
RESULTS_DIR = ROOT / "results"
DIST_DIR = ROOT / "dist"

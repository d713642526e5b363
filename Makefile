# Every target that needs Python creates the virtual environment first (from requirements.lock).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# biosimulators-utils (the OMEX/SED-ML validator) clashes with the project's pins and needs
# setuptools<81, so it lives in its own environment, made from requirements-validator.lock.
VALIDATOR_VENV := .venv-validator
VALIDATOR_STAMP := $(VALIDATOR_VENV)/.installed
VALIDATOR_PINS := biosimulators-utils==0.2.3 'setuptools<81' python-libsbml==5.21.2

.PHONY: adopt calibrate petab validate setup validator system-packages models run test bench export check sensitivity docs scripts clean lock

setup: $(STAMP)

validator: $(VALIDATOR_STAMP)

# amici is built from its sdist and needs the HDF5 headers: on Debian (as root) they are
# installed with apt-get when missing. An amici wheel that pip cached from a build without them
# lacks HDF5 (and with it the pickling of objectives for worker processes): it is rebuilt.
$(STAMP): pyproject.toml requirements.lock
	rm -rf $(VENV)
	dpkg -s libhdf5-dev >/dev/null 2>&1 || (apt-get update && apt-get install -y --no-install-recommends libhdf5-dev)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -c "import sys, amici.sim.sundials as s; sys.exit(not s.hdf5_enabled)" || \
		$(BIN)/pip install --quiet --disable-pip-version-check --no-cache-dir --force-reinstall --no-deps amici==1.0.1
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VALIDATOR_STAMP): requirements-validator.lock
	rm -rf $(VALIDATOR_VENV)
	$(PYTHON) -m venv $(VALIDATOR_VENV)
	$(VALIDATOR_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-validator.lock
	touch $@

models: $(STAMP)
	$(BIN)/myokine build

run: models
	$(BIN)/myokine report --out results
	$(BIN)/myokine validate --out results/validation
	$(BIN)/myokine sensitivity --method local --out results/sensitivity

# Local, then global (Morris screening + Sobol N = 1024) sensitivity: results/sensitivity/.
sensitivity: $(STAMP)
	$(BIN)/myokine sensitivity --method local --out results/sensitivity
	$(BIN)/myokine sensitivity --method sobol --out results/sensitivity

# Debian packages: Graphviz draws the report's diagram, Chromium opens it in the tests (CI is root).
system-packages:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! command -v dot >/dev/null; then \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver graphviz; \
	fi

test: $(STAMP) $(VALIDATOR_STAMP) system-packages
	$(BIN)/pytest

# results/docs/index.html: the model report for readers (diagram, tables, experiments), offline.
docs: models system-packages
	$(BIN)/myokine docs

# data/petab/: the PEtab (v1) calibration problem, generated from simulations/ and data/.
petab: models
	$(BIN)/python -m analysis.calibration.petab_problem

# Multi-start fit of the most informed assumed parameters and their profile likelihoods
# (results/calibration/); settings in analysis/calibration/calibration.toml (starts, seed).
calibrate: models
	$(BIN)/myokine calibrate

# The released model takes the last calibration's estimates (with their intervals), its
# ensemble for the prediction bands and the summary of its fit (information criteria, starts):
# copied into models/, then the SBML and PEtab are rebuilt.
adopt: $(STAMP)
	cp results/calibration/estimates.tsv models/estimates.tsv
	cp results/calibration/ensemble.tsv models/ensemble.tsv
	cp results/calibration/information_criteria.csv models/calibration_criteria.csv
	cp results/calibration/starts.csv models/calibration_starts.csv
	$(BIN)/myokine build
	$(BIN)/python -m analysis.calibration.petab_problem

# The model against the data: scorecard per measurement and qualitative check (results/validation/).
validate: models
	$(BIN)/myokine validate

# dist/: released SBML, COPASI-safe SBML, SBML L2V4, .cps, OMEX archive, submission README.
export: $(STAMP)
	$(BIN)/myokine export --out dist

# Every standards check on a fresh export, as one pass/fail table; fails if any check fails.
check: $(STAMP) $(VALIDATOR_STAMP)
	$(BIN)/myokine check

# simulations/tellurium/<experiment>.py: a plain tellurium script per experiment, from its declaration.
scripts: $(STAMP)
	$(BIN)/python -m analysis.export.tellurium_scripts

bench: $(STAMP)
	$(BIN)/python benchmarks/bench.py

# Re-resolve the pins after editing pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/myokine-lock && $(PYTHON) -m venv /tmp/myokine-lock
	/tmp/myokine-lock/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	/tmp/myokine-lock/bin/pip freeze --exclude-editable > requirements.lock
	rm -rf /tmp/myokine-lock-validator && $(PYTHON) -m venv /tmp/myokine-lock-validator
	/tmp/myokine-lock-validator/bin/pip install --quiet --disable-pip-version-check $(VALIDATOR_PINS)
	/tmp/myokine-lock-validator/bin/pip freeze --all | grep -v '^pip==' > requirements-validator.lock

clean:
	rm -rf results dist .pytest_cache

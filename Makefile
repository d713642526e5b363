# Every target that needs Python creates the virtual environment first (from requirements.lock).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup models run test bench clean lock

setup: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

models: $(STAMP)
	$(BIN)/myokine build

run: models
	$(BIN)/myokine report --out results

test: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m myokine.bench

# Re-resolve the pins after editing pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/myokine-lock && $(PYTHON) -m venv /tmp/myokine-lock
	/tmp/myokine-lock/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
	/tmp/myokine-lock/bin/pip freeze --exclude-editable > requirements.lock

clean:
	rm -rf results dist .pytest_cache

# `make demo` sets everything up and grades the demo class; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch on machines without a GPU; override, e.g. TORCH_SPEC="torch==2.13.0" on a GPU box.
TORCH_SPEC ?= torch==2.13.0
PYTEST_ARGS ?= -n auto

.PHONY: install demo test lab build check-build clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)"
	$(BIN)/python -m pip install --quiet -e .
	touch $@

demo: install
	$(BIN)/course demo

# One thread per pytest worker: -n auto already runs a worker per core, and PyTorch's own threads on
# top of that made grading several times slower on two cores.
test: install
	OMP_NUM_THREADS=1 $(BIN)/python -m pytest $(PYTEST_ARGS)

lab: install
	$(BIN)/jupyter lab course/

build: install
	$(BIN)/course build

clean:
	rm -rf $(VENV) results .pytest_cache

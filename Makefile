# `make demo` sets everything up and grades the demo class; `make test` runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The CPU build of PyTorch on machines without a GPU; override, e.g. TORCH_SPEC="torch==2.13.0" on a GPU box.
TORCH_SPEC ?= torch==2.13.0
PYTEST_ARGS ?= -n auto

.PHONY: install demo test test-gpu lab build check-build student-dist clean hub hub-install

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

# The torch track's battery (references, stubs, mutants, alternatives, five salts) on a CUDA machine,
# then a table of each torch reference's median grading time there. No venv: PYTHON is any python with
# PyTorch (CUDA build), the graders' imports, pytest-xdist, nbformat and jupytext; no TensorFlow.
# Refuses to run without a CUDA device; GPU_REQUIRED=0 runs it on the CPU. E.g. on a GPU machine:
#   make test-gpu PYTEST_ARGS="-n 12" GPU_TIMING_JSON=results/gpu_timing.json
GPU_TIMING_JSON ?=
test-gpu:
	OMP_NUM_THREADS=1 $(PYTHON) benchmarks/gpu_battery.py $(if $(GPU_TIMING_JSON),--timing-json $(GPU_TIMING_JSON)) $(PYTEST_ARGS)

# A JupyterHub for a small class or a trial (deploy/hub/jupyterhub_config.py; run as root):
#   sudo make hub HUB_INSTRUCTORS="teacher" HUB_STUDENTS="alice bob"   # creates missing users, then starts
# HUB_PORT, HUB_IP, COURSE_ID, COURSE_EXCHANGE and the others in that file's docstring are read from the
# environment. configurable-http-proxy comes from the npm registry into $(VENV)/node (nothing global).
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
hub-install: install $(CHP)
$(CHP):
	npm install --prefix $(VENV)/node --no-audit --no-fund --loglevel=error configurable-http-proxy@5.3.0
hub: hub-install
	$(if $(HUB_INSTRUCTORS),deploy/hub/users.sh instructor $(HUB_INSTRUCTORS))
	$(if $(HUB_STUDENTS),deploy/hub/users.sh student $(HUB_STUDENTS))
	cd deploy/hub && $(abspath $(BIN))/jupyterhub -f jupyterhub_config.py

lab: install
	$(BIN)/jupyter lab course/

build: install
	$(BIN)/course build

# The students' wheel (notebooks, public checks, fixtures; no solutions, hidden checks or held-out
# data) in dist/student/, which environment.yml installs.
student-dist: install
	$(BIN)/course student-dist --out dist/student

clean:
	rm -rf $(VENV) results .pytest_cache

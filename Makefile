# Corroborate — the commands a newcomer needs. `make help` lists them.
#
#   make run    set everything up on a fresh machine, then run web + workers + beat
#               (the processes of the Procfile: the worker for jobs and webhooks, the
#               maintenance worker with one process, beat; docs/operations.md)
#   make test   set up what the tests need, run `make lint` and the evaluations, then the whole suite

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
WEB_PORT := $(PORT)
export HOST PORT WEB_PORT

.DEFAULT_GOAL := help
.PHONY: help run setup test faults load lint eval eval-report bench format check services chromium venv dev-venv env roles database static backup clean

help:  ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# In development the demo coverage corpus is served on loopback, and fetching may reach it.
DEMO_CORPUS_PORT ?= 8765
run: export DEMO_CORPUS_PORT := $(DEMO_CORPUS_PORT)
run: export DEMO_CORPUS_URL ?= http://127.0.0.1:$(DEMO_CORPUS_PORT)/
run: export FETCH_ALLOWED_NETWORKS ?= 127.0.0.1/32
run: export GDELT_BASE_URL ?= http://127.0.0.1:$(DEMO_CORPUS_PORT)/gdelt/api/v2/doc/doc

run: setup  ## Set up (venv, .env, database, demo data) and run web, the workers, beat and the demo corpus
	@$(PY) manage.py demo_banner --url http://$(HOST):$(PORT)/
	@# No env file for honcho: each process reads .env through config/settings.py, where
	@# the environment (e.g. what this target exports) wins over the file.
	@exec $(BIN)/honcho start -f Procfile -e /dev/null

setup: venv env services database static  ## Everything `run` needs, without starting it

# Make takes the prerequisites left to right: the set-up (the database roles included:
# the tests create their database as the owner role), then lint, then the evaluations
# (their tables printed; a test split below its gates reported) and the suite.
# The suite's database and Redis database have fixed names: two runs on one machine (two
# checkouts, say) take turns rather than drop each other's tables and purge each other's
# queues.
test: dev-venv env services chromium roles lint eval-report  ## Set up, run `make lint` and the evaluations, then the whole test suite
	$(PY) manage.py collectstatic --noinput -v 0
	flock $${TMPDIR:-/tmp}/corroborate-tests.lock $(PY) -m pytest

faults: dev-venv env services  ## The fault suite (not part of `make test`): broker restart, database cut under HTTP load, worker kills, receiver down (ONLY=postgres,… picks some)
	$(PY) scripts/faults.py $(if $(ONLY),--only $(ONLY))

# The load run (docs/reliability.md, "T3"): a database and a Redis of its own, the Procfile's
# processes with DEBUG off; DURATION seconds (300), CLIENTS (20), PAUSE seconds between a
# client's requests (1: twenty people at work; PAUSE=0 is the saturation run, where the
# clients queue for the two web processes and only the throughput means anything),
# FAULTS=1 for J1 and J4 mid-run.
DURATION ?= 300
CLIENTS ?= 20
PAUSE ?= 1
load: dev-venv env services  ## The load run (a tiny one is in `make test`): CLIENTS (20) against gunicorn for DURATION s (300), PAUSE s (1) between requests; FAULTS=1 kills the worker's pool processes, restarts Redis
	$(PY) -m bench.load --duration $(DURATION) --clients $(CLIENTS) --pause $(PAUSE) $(if $(filter 1,$(FAULTS)),--faults)

lint: dev-venv env  ## ruff, the one-way import contract (docs/architecture.md), mypy and the migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy .
	$(PY) manage.py makemigrations --check --dry-run

# Both evaluations always run, so both tables are printed; either one below its gates
# on the test split fails the target (each says why in one line).
eval: dev-venv  ## Score coverage matching and claim extraction on their annotated corpora; fails below the test gates
	@status=0; \
	$(PY) -m evaluation.coverage || status=1; \
	$(PY) -m evaluation.extraction || status=1; \
	exit $$status

# What `make test` runs: the same two evaluations and tables, where a test split below
# its gates is reported (FAIL, with the reason) without stopping the suite. The coverage
# test split is below its gates today (docs/coverage-evaluation.md, "Figures");
# `make eval` stays the strict check and fails on it.
eval-report: dev-venv
	@$(MAKE) --no-print-directory eval || echo "make eval: a test split is below its gates (see above); reported, not enforced, by make test"

# Each benchmark makes a database of its own; every one runs even when an earlier one misses its target.
BENCHMARKS ?= api workflow ingest matching track_record extraction

bench: dev-venv env services  ## Run the benchmarks (each prints a table and its BENCH lines); slow: minutes
	@status=0; for name in $(BENCHMARKS); do echo "== bench.$$name"; $(PY) -m bench.$$name || status=1; done; exit $$status

format:  ## Reformat the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# --- building blocks -------------------------------------------------------------------

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

env: .env
.env: | $(PY)
	@$(PY) scripts/make_env.py .env.example .env

services:  ## Check that PostgreSQL and Redis answer, starting local ones if they do not
	@bash scripts/services.sh

chromium:  ## Install Debian's Chromium for the browser tests, if it is missing
	@bash scripts/install_chromium.sh

roles: venv env  ## Create the database roles and the database if they are missing (idempotent)
	$(PY) manage.py ensure_database

database: venv env
	$(PY) manage.py ensure_database
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

backup: venv env  ## Write a backup of the database to BACKUP_DIR (restoring: docs/operations.md)
	$(PY) manage.py backup

static: venv env
	$(PY) manage.py collectstatic --noinput -v 0

clean:  ## Remove the virtual environment and collected static files
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .mypy_cache

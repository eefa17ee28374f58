# The front door. `make run` and `make test` each do all the set-up they need.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PYTHON_VENV := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/guidance-assistant.tar.gz
# Training inputs: a change to any of these, or to a custom component (components/), retrains;
# data/guidance/ is read by the action server at start-up and needs no training.
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' -not -path 'data/guidance/*')

export RASA_TELEMETRY_ENABLED := false
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help setup validate train web browser deploy-tools stores run run-cluster stop-cluster shell test test-fast lint screenshots compare teams-package teams-card evaluate crossval tune bench bench-cluster check-links purge report label report-example clean

help:
	@echo "make run       set up, train if needed, start the assistant (Ctrl-C stops it)"
	@echo "make shell     the same, with a chat in this terminal"
	@echo "make test      set up, train if needed, run every test"
	@echo "make test-fast the tests that need no model, server or browser (under a minute)"
	@echo "make lint      ruff (checks and format) over the Python, ESLint over web/"
	@echo "make screenshots  the README's pictures of the chat window and the Teams card"
	@echo "make evaluate  held-out evaluation with gates; writes docs/evaluation.md"
	@echo "make crossval  5-fold cross-validation of the NLU data, real voices held out by page; writes docs/crossval.md"
	@echo "make tune      suggest blend weights and confidence thresholds from the tuning split"
	@echo "make compare   the shipped NLU blend against the alternatives, on the real test split"
	@echo "make bench     training, start-up, latency under load, memory; writes docs/benchmarks.md"
	@echo "make run-cluster  2 Rasa servers behind nginx with PostgreSQL and Redis (make stop-cluster)"
	@echo "make bench-cluster  1 replica against 2 behind nginx; writes docs/scaling.md"
	@echo "make teams-package  build/teams-app.zip for Microsoft Teams (needs MICROSOFT_APP_ID)"
	@echo "make validate  check the training data and the knowledge base (docs/content-guide.md)"
	@echo "make check-links  request every cited URL (needs internet)"
	@echo "make purge     delete conversations older than GUIDANCE_RETENTION_DAYS (default 30)"
	@echo "make report FROM=2026-11-01 TO=2026-11-30  (or DAYS=30) how it was used: reports/usage.html, usage.md"
	@echo "make label FROM=... TO=...  the declined, clarified and not-helpful questions to mark"
	@echo "make label MERGE=<file>     merge the marked questions into data/nlu/owners.yml"
	@echo "make report-example  docs/report-example.html and .png, from generated conversations"

setup: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/constraints.txt ops/make-venv.sh
	ops/make-venv.sh $(VENV)
	@touch $@

validate: var/validated

var/validated: $(TRAINING_DATA) $(wildcard data/guidance/*.yml data/guidance/passages/*.yml) | setup
	$(RASA) data validate --fail-on-warnings
	$(PYTHON_VENV) -m tools.validate_content
	@mkdir -p var && touch $@

train: $(MODEL)

$(MODEL): $(TRAINING_DATA) $(wildcard components/*.py) | var/validated
	@echo "Training the model (about 3 minutes on 2 cores)..."
	$(RASA) train --quiet --fixed-model-name guidance-assistant --out models
	@touch $@

# The chat window's browser libraries (socket.io-client; axe-core for the tests), pinned by
# package-lock.json.
web: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the chat window: apt-get install npm (or install Node.js 18+)" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

browser:
	@ops/install-browser.sh

# nginx and logrotate, for tests/test_deploy.py's checks of the single-server files.
deploy-tools:
	@ops/install-deploy-tools.sh

# PostgreSQL and Redis on their local ports, for the cluster (installed and started if missing).
stores:
	@ops/install-stores.sh

run-cluster: train web deploy-tools stores
	$(PYTHON_VENV) -m ops.cluster start

stop-cluster: setup
	$(PYTHON_VENV) -m ops.cluster stop

# The shipped NLU blend against its alternatives on the real test split; writes docs/pipelines.md.
compare: train
	$(PYTHON_VENV) -m tools.compare

# The Teams app package for a trust's Teams admin (docs/teams.md); needs MICROSOFT_APP_ID.
teams-package: setup
	$(PYTHON_VENV) -m ops.teams_package

# The README's pictures: the chat window on the demo page, and the Teams answer card.
screenshots: train web browser teams-card
	$(PYTHON_VENV) -m tools.screenshots

# docs/teams-card.png: the answer card drawn by the Adaptive Cards renderer in Chromium.
teams-card: setup browser
	cd teams && npm ci --no-audit --no-fund --loglevel=error
	$(PYTHON_VENV) -m tools.teams_card_screenshot

run: train web
	$(PYTHON_VENV) -m ops.run

shell: train
	$(PYTHON_VENV) -m ops.run --shell

test: lint train web browser deploy-tools stores
	$(PYTHON_VENV) -m pytest

test-fast: setup
	$(PYTHON_VENV) -m pytest -m "not e2e"

# ruff.toml and eslint.config.js hold the rules; `ruff format .` fixes the formatting.
lint: setup web
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	npx --no-install eslint web

evaluate: train
	$(PYTHON_VENV) -m tools.evaluate

crossval: validate
	$(PYTHON_VENV) -m tools.crossval

tune: train
	$(PYTHON_VENV) -m tools.tune

# locust lives in its own venv (the machine's Python 3): its dependencies clash with Rasa's pins.
.venv-bench/.installed: requirements/bench.txt requirements/bench-constraints.txt
	python3 -m venv .venv-bench
	.venv-bench/bin/pip install --quiet --disable-pip-version-check -r requirements/bench.txt \
	  -c requirements/bench-constraints.txt
	@touch $@

bench: train .venv-bench/.installed
	$(PYTHON_VENV) -m tools.bench

bench-cluster: train web deploy-tools stores .venv-bench/.installed
	$(PYTHON_VENV) -m tools.bench_cluster

# Every URL the knowledge base cites, requested (needs internet; not part of make test).
check-links: setup
	$(PYTHON_VENV) -m tools.check_links

purge: setup
	$(PYTHON_VENV) -m ops.purge

# The owners' report and labelling loop (docs/content-guide.md), on the store ENDPOINTS names.
PERIOD_ARGS = $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(if $(DAYS),--days $(DAYS))

report: setup
	$(PYTHON_VENV) -m tools.report $(PERIOD_ARGS)

label: setup
	$(PYTHON_VENV) -m tools.label $(if $(MERGE),--merge $(MERGE)) $(PERIOD_ARGS)

report-example: setup browser
	$(PYTHON_VENV) -m tools.report_example

clean:
	rm -rf models results build .pytest_cache .venv-bench node_modules teams/node_modules
	find var -mindepth 1 -not -name .gitkeep -delete

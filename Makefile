# Two commands for newcomers: `make run` and `make test`. Everything else is what they call.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
RASA_VENV := .venv-rasa
PY        := $(VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
MODEL     := models/assistant.tar.gz
RASA_INPUTS := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

STEP := scripts/step

.PHONY: help config setup chromium seed train knowledge models run test test-inputs test-dialogue test-python bench bench-chat bench-load clean

help:
	@echo "make run    set up, seed the demo bank, train what is missing, start everything"
	@echo "make test   set up and run the whole suite"
	@echo "make bench  speed and quality benchmarks (JSON under build/bench/)"
	@echo "make bench-chat  time full chat round trips against the assistant that 'make run' started"
	@echo "make bench-load  load steps of 1-200 Locust customers, then the most turns a second (JSON under build/bench/)"

# The configuration check every service makes at start-up, made first so a refusal comes before minutes of setup
# (standard library only: it needs no virtualenv).
config:
	@python3 -m assistant.configuration

# --- virtualenvs (made when missing or when their requirements change) ---------------------
$(VENV)/.installed: requirements.txt
	@$(STEP) "application virtualenv" scripts/make-venv 3.11 $(VENV) requirements.txt

$(RASA_VENV)/.installed: requirements-rasa.txt
	@$(STEP) "dialogue engine virtualenv" scripts/make-venv 3.10 $(RASA_VENV) requirements-rasa.txt

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# Debian's chromium for the browser tests, installed when missing.
chromium:
	@$(STEP) "chromium for the browser tests" sh -c 'scripts/ensure-chromium >/dev/null'

# --- data and models -------------------------------------------------------------------------
seed: setup
	$(PY) -m assistant seed --if-empty

# Rasa retrains only when its inputs are newer than the model.
$(MODEL): $(RASA_VENV)/.installed $(RASA_INPUTS)
	@$(STEP) "dialogue model training" $(RASA) train --fixed-model-name assistant --out models --quiet

train: $(MODEL)

# The tuned embedding model and the FAISS index rebuild themselves only when an article, the question bank or the
# model changed (see their manifests).
knowledge: $(VENV)/.installed
	@$(STEP) "knowledge: embedding model tuning" $(PY) -m assistant.knowledge tune
	@$(STEP) "knowledge: index and calibration" $(PY) -m assistant.knowledge build

# Churn and next-best-offer models: trained when missing, or when the bank's data or the model code changed.
models: seed
	OMP_NUM_THREADS=1 $(PY) -m assistant.models train

# --- the two commands ------------------------------------------------------------------------
run: config setup seed train knowledge models
	$(VENV)/bin/honcho start -f Procfile

# The whole suite. Steps that do not depend on each other run side by side on the two cores (make -j2: the two
# virtualenvs; then the dialogue model's training and the knowledge base's tuning; then the dialogue tests and
# pytest); each step prints its time, and `scripts/step report` lists them all with the total at the end.
PARALLEL := $(MAKE) --no-print-directory -j2 --output-sync=target

test:
	@$(STEP) start
	@$(PARALLEL) test-inputs || { $(STEP) report; exit 1; }
	@$(PARALLEL) test-dialogue test-python || { $(STEP) report; exit 1; }
	@$(STEP) report

test-inputs: setup chromium train knowledge

# After test-inputs (the first phase of `make test`); the model is their only input that make can check cheaply.
test-dialogue: $(MODEL)
	@$(STEP) "dialogue data validation" $(RASA) data validate --quiet
	@rm -rf results/dialogue
	@$(STEP) "dialogue tests: stories and the NLU test set" \
	  $(RASA_VENV)/bin/python -m dialogue.evaluate $(MODEL) tests/dialogue/stories tests/dialogue/nlu.yml results/dialogue
	@$(PY) -m assistant.dialogue_report results/dialogue

# pytest-xdist spreads the tests over two workers; the end-to-end tests stay on one (one running assistant).
test-python: $(MODEL)
	@$(STEP) "python tests (services, actions, gateway, end to end, web chat in headless Chromium)" \
	  $(PY) -m pytest -q -n 2 --dist loadgroup

bench: setup train knowledge
	$(PY) -m assistant.bench

# Needs the running assistant (`make run` in another terminal): it measures what a customer waits for.
bench-chat: setup
	$(PY) -m assistant.chat_bench

# Starts its own assistant over a fresh bank (or drives a running one: make bench-load GATEWAY=http://127.0.0.1:8080).
# The steps with a message every 10 s per customer, then the no-think-time steps that find the most turns a second.
bench-load: setup train knowledge
	$(PY) -m assistant.load --seconds 30 $(if $(GATEWAY),--gateway $(GATEWAY))
	$(PY) -m assistant.load --seconds 30 --no-think-time $(if $(GATEWAY),--gateway $(GATEWAY))
	$(PY) -m assistant.load.session_growth $(if $(GATEWAY),--gateway $(GATEWAY)) $(if $(RASA),--rasa $(RASA))

clean:
	rm -rf build results models var

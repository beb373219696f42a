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

# Some machines configure local package mirrors that make pip warn about every project they lack: hide that noise, keep real errors.
QUIET_PIP := { grep -v -e 'is ignored: it is neither a file nor a directory' -e 'DEPRECATION: ' || true; }

.PHONY: help setup seed train knowledge models run test bench bench-chat clean

help:
	@echo "make run    set up, seed the demo bank, train what is missing, start everything"
	@echo "make test   set up and run the whole suite"
	@echo "make bench  speed and quality benchmarks (JSON under build/bench/)"
	@echo "make bench-chat  time full chat round trips against the assistant that 'make run' started"

# --- virtualenvs (made when missing or when their requirements change) ---------------------
$(VENV)/.installed: requirements.txt
	@py=$$(scripts/find-python 3.11); \
	if [ -z "$$py" ]; then echo "Python 3.11 not found: install it (e.g. 'pyenv install 3.11') and retry." >&2; exit 1; fi; \
	echo "==> application virtualenv ($$py)"; \
	[ -x $(PY) ] || $$py -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip 2>&1 | $(QUIET_PIP)
	set -o pipefail; $(VENV)/bin/pip install -q -r requirements.txt 2>&1 | $(QUIET_PIP)
	@touch $@

$(RASA_VENV)/.installed: requirements-rasa.txt
	@py=$$(scripts/find-python 3.10); \
	if [ -z "$$py" ]; then echo "Rasa 3.6 needs Python 3.10 (3.8-3.10), which was not found: install it (e.g. 'pyenv install 3.10.13' or your OS package python3.10) and retry." >&2; exit 1; fi; \
	echo "==> dialogue engine virtualenv ($$py)"; \
	[ -x $(RASA_VENV)/bin/python ] || $$py -m venv $(RASA_VENV)
	set -o pipefail; $(RASA_VENV)/bin/pip install -q -r requirements-rasa.txt 2>&1 | $(QUIET_PIP)
	@touch $@

setup: $(VENV)/.installed $(RASA_VENV)/.installed

# --- data and models -------------------------------------------------------------------------
seed: setup
	$(PY) -m assistant seed --if-empty

# Rasa retrains only when its inputs are newer than the model.
$(MODEL): $(RASA_VENV)/.installed $(RASA_INPUTS)
	@echo "==> training the dialogue model"
	$(RASA) train --fixed-model-name assistant --out models --quiet

train: $(MODEL)

# The FAISS index rebuilds itself only when an article, the question bank or the model changed (see its manifest).
knowledge: setup
	$(PY) -m assistant.knowledge build

# Churn and next-best-offer models: trained when missing, or when the bank's data or the model code changed.
models: seed
	OMP_NUM_THREADS=1 $(PY) -m assistant.models train

# --- the two commands ------------------------------------------------------------------------
run: setup seed train knowledge models
	$(VENV)/bin/honcho start -f Procfile

test: setup train knowledge
	@echo "==> validating dialogue data"
	$(RASA) data validate --quiet
	@echo "==> dialogue tests: stories and the separate NLU test set"
	rm -rf results/dialogue
	$(RASA) test --model $(MODEL) --stories tests/dialogue/stories --nlu tests/dialogue/nlu.yml --out results/dialogue --fail-on-prediction-errors
	$(PY) -m assistant.dialogue_report results/dialogue
	@echo "==> python tests (services, actions, gateway, end to end, web chat in headless Chromium)"
	scripts/ensure-chromium >/dev/null
	$(PY) -m pytest -q

bench: setup train knowledge
	$(PY) -m assistant.bench

# Needs the running assistant (`make run` in another terminal): it measures what a customer waits for.
bench-chat: setup
	$(PY) -m assistant.chat_bench

clean:
	rm -rf build results models var

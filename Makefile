# ChromaMatch: `make run` serves the site, `make test` runs the suite. Both start from a
# fresh clone: they create .venv with Python 3.11 and install what they need.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PIP := $(PY) -m pip install --disable-pip-version-check --quiet

# No network but package registries here or in CI: keep MLflow from phoning home.
export MLFLOW_DISABLE_TELEMETRY := true
export DO_NOT_TRACK := 1

.PHONY: run dev test lint venv dev-venv lock mlflow-ui eval bench docker

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt requirements-mediapipe.txt constraints.txt | $(PY)
	$(PIP) -r requirements.txt
	$(PIP) --no-deps -r requirements-mediapipe.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.runtime-installed
	$(PIP) -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime-installed
dev-venv: $(VENV)/.dev-installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py ensure_model
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho --procfile Procfile.dev start --port $(PORT)

dev: run

# The suite keeps its files (SQLite test database, file queue) apart from `make run`'s.
test: dev-venv
	CHROMAMATCH_VAR_DIR="$(CURDIR)/var/test" $(PY) -m pytest $(PYTEST_ARGS)

# Engine figures of ../shared/docs/EVALUATION.md on the development faces -> docs/evaluation.md,
# and on the people the shipped weights never saw -> docs/evaluation_held_out.md (the figures
# the shipped model version is registered and gated with); then both again with a second draw of
# relit copies (docs/evaluation*_seed777.md): the judged set uses other draws, and one draw of
# 312 copies moves a share by a few points.
eval: venv
	$(PY) -m chromamatch evaluate
	$(PY) -m chromamatch evaluate --held-out
	$(PY) -m chromamatch evaluate --seed 777
	$(PY) -m chromamatch evaluate --held-out --seed 777

# Engine speed and memory, one core, with stone 1.2.6 beside it (its own venv in var/bench) -> docs/benchmarks.md
bench: dev-venv
	taskset -c 0 $(PY) bench/engine_speed.py --stone

lint: dev-venv
	$(VENV)/bin/pre-commit run --all-files

# Re-lock every transitive version after editing a requirements file.
lock: dev-venv
	( sed -n '1,2p' constraints.txt; $(PY) -m pip freeze | grep -v '^mediapipe=' ) > constraints.new
	mv constraints.new constraints.txt

mlflow-ui: venv
	$(VENV)/bin/mlflow ui --port 5000 --backend-store-uri \
		"$${MLFLOW_TRACKING_URI:-sqlite:///$${CHROMAMATCH_VAR_DIR:-$(CURDIR)/var}/mlflow/mlflow.db}"

# The production image, and a check of docker-compose.yml (`docker compose up -d` runs it).
docker:
	docker build -t chromamatch:latest .
	docker compose --env-file .env.example config --quiet 2>/dev/null \
		|| docker-compose --env-file .env.example config --quiet

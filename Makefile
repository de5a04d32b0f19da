# Liaison's single entry point. Every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

.PHONY: setup run test e2e bench lint format clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: setup
	$(BIN)/liaison migrate --noinput
	$(BIN)/liaison seed_demo --if-empty
	$(BIN)/liaison collectstatic --noinput --verbosity 0
	@$(BIN)/liaison demo_credentials --port $(PORT)
	$(BIN)/gunicorn liaison.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
		--access-logfile - --access-logformat '%(t)s "%(r)s" %(s)s %(M)sms'

test: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/run_all.py

lint: setup
	$(BIN)/ruff check .

format: setup
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/static

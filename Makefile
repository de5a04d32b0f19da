# Liaison's single entry point. Every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000

# Debian packages: Pango and fonts for PDF letters (WeasyPrint), Chromium for browser tests.
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core
TEST_PACKAGES := chromium

.PHONY: setup browser apt run test check bench lint format clean

setup: $(STAMP)
	@$(MAKE) --no-print-directory apt PACKAGES="$(RUN_PACKAGES)"

browser:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_PACKAGES)"

# Installs only what is missing, so it costs nothing once the machine has them.
apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(STAMP): requirements.txt requirements-dev.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

run: setup
	$(BIN)/liaison migrate --noinput
	$(BIN)/liaison seed_demo --if-empty
	$(BIN)/liaison collectstatic --noinput --verbosity 0
	@$(BIN)/liaison demo_credentials --port $(PORT)
	@# The background worker (practice-file imports) and the schedule (reports and digests
	@# sent every minute) live as long as the server.
	$(BIN)/liaison db_worker --no-startup-delay & worker=$$!; \
	$(BIN)/liaison schedule & schedule=$$!; \
	trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn liaison.wsgi --bind 127.0.0.1:$(PORT) --workers 2 --threads 4 \
		--access-logfile - --access-logformat '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'

# Test files are shared out over the cores; each worker has its own test database.
test: setup browser
	PYTHONDONTWRITEBYTECODE= $(BIN)/pytest -n auto --dist loadfile

# Before every commit: the linter, the formatter's check and the fast tests (no browser, no
# scale tests), in under a minute.
check: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n auto --dist loadfile -q -m "not slow and not e2e" liaison

bench: setup
	$(BIN)/python bench/run_all.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var/static

# The two commands: `make demo` runs the product, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: demo install-demo test test-sqlite test-postgres lint check format bench install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.lock
	touch $@

# localstripe for the demo's offline checkout (a test server, not part of the product).
$(VENV)/.demo-installed: requirements/demo.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/demo.lock
	touch $@ $(VENV)/.installed

$(VENV)/.test-installed: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/test.lock
	touch $@ $(VENV)/.installed

# axe-core for the browser tests' accessibility checks (npm ci only when the lock changed).
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed
install-demo: $(VENV)/.demo-installed
install-test: $(VENV)/.test-installed node_modules/.installed

## Run the demo: two clinics on SQLite with a local worker, at http://glow.localhost:8000/
demo: install-demo
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py ensure_schedules
	$(BIN)/python manage.py ensure_vapid_keys
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_portal
	HOST=$(HOST) PORT=$(PORT) scripts/run_demo.sh

## Run the whole suite on SQLite, and again on PostgreSQL when DATABASE_URL is set.
test: install-test
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "DATABASE_URL is not set: the PostgreSQL run is skipped (.ci/run sets it)."; fi

test-sqlite: install-test
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

# Lint and format need the Python tools only (not the browser tests' axe-core).
lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

## What CI checks before the tests: lint, formatting, and the layer contract (pyproject.toml).
check: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-test
	$(BIN)/python -m bench
	$(BIN)/python -m bench.client_search
	$(BIN)/python -m bench.client_account
	$(BIN)/python -m bench.client_account --database postgres

## Regenerate the lock files after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -o requirements/base.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra test -o requirements/test.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra demo -o requirements/demo.lock -q

clean:
	rm -rf $(VENV) var/test-*.sqlite3* var/test-templates

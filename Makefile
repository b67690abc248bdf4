# The front door: `make run` (the local stack) and `make test`. Each sets itself up.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STAGE ?= prod
AT ?=

.PHONY: run test test-fast lint bench package clock clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip<26.3'
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m local

test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -n 2 --dist loadfile tests

# everything but the end-to-end tests (tests/e2e, marked e2e: each starts the local stack and Chromium)
test-fast: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -n 2 --dist loadfile -m "not e2e" tests

# checkov (make lint only, never make test) in a virtualenv of its own: its pins conflict with the service's
LINT_VENV := .venv-checkov
LINT_STAMP := $(LINT_VENV)/.installed

$(LINT_STAMP): requirements-lint.txt
	$(PYTHON) -m venv $(LINT_VENV)
	$(LINT_VENV)/bin/python -m pip install --quiet --upgrade 'pip<26.3'
	$(LINT_VENV)/bin/python -m pip install --quiet -r requirements-lint.txt
	touch $(LINT_STAMP)

lint: $(STAMP) $(LINT_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m infra.package --stage $(STAGE) --lint --checkov $(LINT_VENV)/bin/checkov

package: $(STAMP)
	$(PY) -m infra.package --stage $(STAGE)

bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clock: $(STAMP)
	@test -n "$(AT)" || (echo "usage: make clock AT=2026-12-24T08:00" && exit 2)
	$(PY) -m local.clock $(AT)

# dead letters of the running local stack back to their queues (all, or QUEUE=bhxh-local-ingest-dlq)
.PHONY: redrive
redrive: $(STAMP)
	$(PY) -m local.redrive $(QUEUE)

.PHONY: report
report: $(STAMP)
	$(PY) -m local.report

clean:
	rm -rf $(VENV) $(LINT_VENV) build

# The page's end-to-end test drives Debian's chromium (Playwright never downloads a browser). As root
# (CI) it is installed here; elsewhere a failed install only makes that test skip (CI=true fails it).
CHROMIUM := /usr/bin/chromium
test: $(CHROMIUM)
$(CHROMIUM):
	@echo "make test: installing Debian's chromium for the browser tests (apt-get; skipped where it cannot install)"
	-apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

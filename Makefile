# Convenience targets; the README's Quickstart commands work without make too.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-all lint docs site rehash bench prisma-png

$(BIN)/msc-exos-pof: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(BIN)/msc-exos-pof
	$(BIN)/msc-exos-pof validate

test: $(BIN)/msc-exos-pof
	$(BIN)/python -m pytest

test-all: $(BIN)/msc-exos-pof
	$(BIN)/python -m pytest -m "slow or not slow"

lint: $(BIN)/msc-exos-pof
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

docs: $(BIN)/msc-exos-pof
	$(BIN)/msc-exos-pof dictionary --force --output docs/data-dictionary.md
	$(BIN)/msc-exos-pof checks --format markdown --force --output docs/checks.md
	$(BIN)/msc-exos-pof prisma --force --svg docs/prisma-flow.svg
	$(BIN)/python -c "from msc_exos_pof.gate.checks.descriptor import write_shipped_verdict as w; w()"

# The PRISMA diagrams (shipped package, a two-round copy, an unpooled copy) drawn by headless
# Chromium, their geometry checked; the PNGs land in build/prisma-png/.
prisma-png: $(BIN)/msc-exos-pof
	MSC_EXOS_POF_PRISMA_PNG=build/prisma-png $(BIN)/python -m pytest -m slow -q tests/test_prisma_render.py

# The documentation site, in build/site (`mkdocs serve` previews it while you edit).
site: $(BIN)/msc-exos-pof
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

rehash: $(BIN)/msc-exos-pof
	$(BIN)/msc-exos-pof rehash

# Import, cold CLI and 1k-1M study scaling against frictionless and a pyarrow read (~10 min);
# writes benchmarks/results.md. See docs/performance.md.
bench: $(BIN)/msc-exos-pof
	$(BIN)/python benchmarks/bench.py
